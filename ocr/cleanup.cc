#include "ocr/cleanup.h"

#include <algorithm>
#include <cmath>

namespace faxintake::ocr {
namespace {

// A bilevel view of `pix` for the layout tests (orientation, skew), which need 1 bpp.
PixPtr Binarize(PIX* pix) {
  if (pixGetDepth(pix) == 1) return PixPtr(pixClone(pix));
  return PixPtr(pixConvertTo1(pix, 140));
}

// `uncertain` is set when neither test decides (the page is left as it is).
int DetectRotation(PIX* pix, double min_conf, double updown_ratio, bool* uncertain) {
  *uncertain = true;
  PixPtr bin = Binarize(pix);
  if (!bin) return 0;
  l_float32 upconf = 0, leftconf = 0;
  if (pixOrientDetect(bin.get(), &upconf, &leftconf, 0, 0) != 0) return 0;
  *uncertain = false;
  // Upright or upside down (a sheet fed the wrong way, the common case on fax): a clear
  // up/down signal decides even when the left/right test is not near zero. An
  // upside-down fax page measures a left/right confidence of 4 to 8 against an up/down
  // one of 9 to 19, which Leptonica's default ratio of 2.5 leaves undecided.
  if (upconf != 0 && leftconf != 0 && std::abs(upconf) > min_conf &&
      std::abs(upconf) > updown_ratio * std::abs(leftconf))
    return upconf > 0 ? 0 : 180;
  l_int32 orient = L_TEXT_ORIENT_UNKNOWN;
  if (makeOrientDecision(upconf, leftconf, static_cast<l_float32>(min_conf), 0.0, &orient, 0) != 0 ||
      orient == L_TEXT_ORIENT_UNKNOWN) {
    *uncertain = true;
    return 0;
  }
  switch (orient) {
    case L_TEXT_ORIENT_LEFT: return 90;    // text reads bottom-to-top: turn clockwise
    case L_TEXT_ORIENT_DOWN: return 180;
    case L_TEXT_ORIENT_RIGHT: return 270;
    default: return 0;
  }
}

PixPtr Rotate(PIX* pix, int rotation) {
  switch (rotation) {
    case 90: return PixPtr(pixRotate90(pix, 1));
    case 180: return PixPtr(pixRotate180(nullptr, pix));
    case 270: return PixPtr(pixRotate90(pix, -1));
    default: return PixPtr(pixClone(pix));
  }
}

PixPtr Deskew(PIX* pix, double max_degrees, double* applied) {
  *applied = 0;
  PixPtr bin = Binarize(pix);
  if (!bin) return PixPtr(pixClone(pix));
  l_float32 angle = 0, conf = 0;
  if (pixFindSkew(bin.get(), &angle, &conf) != 0 || conf < 3.0 || std::abs(angle) < 0.1 ||
      std::abs(angle) > max_degrees)
    return PixPtr(pixClone(pix));
  const double radians = angle * M_PI / 180.0;
  // Leptonica cannot area-map a 1 bpp image (it falls back to sampling, which leaves
  // jagged strokes): rotate a gray copy instead and let Tesseract threshold it. Measured
  // with bench/ocr_wer on noisy normal-resolution pages: WER 0.219 -> 0.186.
  PixPtr gray(pixGetDepth(pix) == 1 ? pixConvert1To8(nullptr, pix, 255, 0) : pixClone(pix));
  if (!gray) return PixPtr(pixClone(pix));
  PixPtr out(pixRotate(gray.get(), static_cast<l_float32>(radians), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
  if (!out) return PixPtr(pixClone(pix));
  *applied = angle;
  return out;
}

PixPtr Despeckle(PIX* pix, int max_size) {
  if (pixGetDepth(pix) != 1 || max_size <= 0) return PixPtr(pixClone(pix));
  PixPtr out(pixSelectBySize(pix, max_size, max_size, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, nullptr));
  return out ? std::move(out) : PixPtr(pixClone(pix));
}

// Erases, from a bilevel page, the components that look like a scribble: at least
// `min_height` by `min_width` (scaled with the page's resolution from 200 dpi), smaller
// than a third of the page each way (a form's grid is one huge component), and filling
// less than `max_fill` of their box. Returns the number erased.
int RemoveScribbles(PIX* pix, double dpi, int min_height, int min_width, double max_fill) {
  if (pixGetDepth(pix) != 1) return 0;
  const double s = dpi > 0 ? dpi / 200.0 : 1.0;
  const int h_min = static_cast<int>(min_height * s), w_min = static_cast<int>(min_width * s);
  const int w_max = pixGetWidth(pix) / 3, h_max = pixGetHeight(pix) / 3;
  PIXA* raw = nullptr;
  BoxaPtr boxes(pixConnComp(pix, &raw, 8));
  PixaPtr parts(raw);
  if (!boxes) return 0;
  int erased = 0;
  const int n = boxaGetCount(boxes.get());
  for (int i = 0; i < n; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    if (boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h) != 0) continue;
    if (h < h_min || w < w_min || w > w_max || h > h_max) continue;
    PixPtr part(pixaGetPix(parts.get(), i, L_CLONE));
    if (!part) continue;
    l_int32 black = 0;
    if (pixCountPixels(part.get(), &black, nullptr) != 0) continue;
    if (black >= max_fill * static_cast<double>(w) * h) continue;
    pixRasterop(pix, x, y, w, h, PIX_DST & PIX_NOT(PIX_SRC), part.get(), 0, 0);
    ++erased;
  }
  return erased;
}

PixPtr ScaleUp(PIX* pix, double factor) {
  if (pixGetDepth(pix) == 1) {
    const int f = std::max(2, static_cast<int>(std::lround(factor)));
    return PixPtr(pixExpandBinaryReplicate(pix, f, f));
  }
  return PixPtr(pixScaleGrayLI(pix, static_cast<l_float32>(factor), static_cast<l_float32>(factor)));
}

// Another image of `page` (turned, or with its rules erased) with the page's geometry and
// findings.
PreparedPage WithImage(const PreparedPage& page, PixPtr pix) {
  PreparedPage out;
  out.pix = std::move(pix);
  out.rotation = page.rotation;
  out.skew_degrees = page.skew_degrees;
  out.scale = page.scale;
  out.page_width = page.page_width;
  out.page_height = page.page_height;
  out.dpi = page.dpi;
  out.scribbles_removed = page.scribbles_removed;
  out.orientation_uncertain = page.orientation_uncertain;
  return out;
}

// The rules of one direction in `bin`: runs of at least `length` pixels along the rows
// (horizontal) or columns, as components no thicker than `max_thickness` across them.
PixPtr Rules(PIX* bin, int length, int max_thickness, bool horizontal) {
  PixPtr runs(horizontal ? pixOpenBrick(nullptr, bin, length, 1) : pixOpenBrick(nullptr, bin, 1, length));
  if (!runs) return nullptr;
  l_int32 changed = 0;
  return PixPtr(pixSelectBySize(runs.get(), max_thickness, max_thickness, 8,
                                horizontal ? L_SELECT_HEIGHT : L_SELECT_WIDTH, L_SELECT_IF_LTE, &changed));
}

}  // namespace

PreparedPage RulesErased(const PreparedPage& page, const CleanupOptions& options) {
  PreparedPage out;
  if (!page.pix) return out;
  PixPtr bin = Binarize(page.pix.get());
  if (!bin) return out;
  const double s = page.dpi > 0 ? page.dpi / 200.0 : 1.0;
  const int length = std::max(8, static_cast<int>(std::lround(options.rule_min_length * s)));
  const int thickness = std::max(2, static_cast<int>(std::lround(options.rule_max_thickness * s)));
  PixPtr rows = Rules(bin.get(), length, thickness, true);
  PixPtr cols = Rules(bin.get(), length, thickness, false);
  if (!rows || !cols) return out;
  PixPtr rules(pixOr(nullptr, rows.get(), cols.get()));
  if (!rules) return out;
  l_int32 count = 0;
  if (pixCountPixels(rules.get(), &count, nullptr) != 0 ||
      count < options.min_rule_rows * pixGetWidth(bin.get()))
    return out;
  // Rule edges are ragged after thresholding and rotation: erase a pixel around them.
  PixPtr mask(pixDilateBrick(nullptr, rules.get(), 3, 3));
  if (!mask) return out;
  PixPtr pix(pixCopy(nullptr, page.pix.get()));
  if (!pix) return out;
  if (pixGetDepth(pix.get()) == 1) {
    pixSubtract(pix.get(), pix.get(), mask.get());
  } else if (pixSetMasked(pix.get(), mask.get(), 0xffffffff) != 0) {
    return out;
  }
  return WithImage(page, std::move(pix));
}

std::vector<Box> UnreadInk(const PreparedPage& page, const std::vector<Box>& read, const InkRegionOptions& options) {
  std::vector<Box> out;
  if (!page.pix) return out;
  PixPtr bin = Binarize(page.pix.get());
  if (!bin) return out;
  const double s = page.dpi > 0 ? page.dpi / 200.0 : 1.0;
  auto px = [s](int v) { return std::max(1, static_cast<int>(std::lround(v * s))); };
  // Specks (pepper noise) are no text.
  l_int32 changed = 0;
  PixPtr ink(pixSelectBySize(bin.get(), px(3), px(3), 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, &changed));
  if (!ink) return out;
  const int width = pixGetWidth(ink.get()), height = pixGetHeight(ink.get());
  // Ink just beside a word read is the rest of that word (a heading read in part), not a
  // cell of its own: half the word's height on either side goes with it.
  for (const Box& b : read) {
    const int side = 2 + b.h / 2;
    const int x = std::max(0, b.x - side), y = std::max(0, b.y - 2);
    const int w = std::min(width - x, b.x + b.w + side - x), h = std::min(height - y, b.y + b.h + 2 - y);
    if (w > 0 && h > 0) pixRasterop(ink.get(), x, y, w, h, PIX_CLR, nullptr, 0, 0);
  }
  PixPtr grouped(pixDilateBrick(nullptr, ink.get(), px(options.gap_x), px(options.gap_y)));
  if (!grouped) return out;
  BoxaPtr boxes(pixConnComp(grouped.get(), nullptr, 8));
  if (!boxes) return out;
  // The dilation grew each region by half the bridged gap on each side.
  const int gx = px(options.gap_x) / 2, gy = px(options.gap_y) / 2;
  struct Found {
    Box box;
    int ink;
  };
  std::vector<Found> found;
  for (int i = 0, n = boxaGetCount(boxes.get()); i < n; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    if (boxaGetBoxGeometry(boxes.get(), i, &x, &y, &w, &h) != 0) continue;
    if (h - 2 * gy < px(options.min_height)) continue;
    BOX* clip = boxCreate(x, y, w, h);
    PixPtr part(pixClipRectangle(ink.get(), clip, nullptr));
    boxDestroy(&clip);
    l_int32 black = 0;
    if (!part || pixCountPixels(part.get(), &black, nullptr) != 0) continue;
    if (black < px(options.min_ink) * s) continue;
    // Bars and solid blocks (a heading's band around the words read in it) are no text.
    const double area = static_cast<double>(std::max(1, w - 2 * gx)) * std::max(1, h - 2 * gy);
    if (black > options.max_fill * area) continue;
    const int m = px(options.margin);
    const int x0 = std::max(0, x + gx - m), y0 = std::max(0, y + gy - m);
    const int x1 = std::min(width, x + w - gx + m), y1 = std::min(height, y + h - gy + m);
    if (x1 <= x0 || y1 <= y0) continue;
    found.push_back({Box{x0, y0, x1 - x0, y1 - y0}, black});
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.ink > b.ink; });
  if (static_cast<int>(found.size()) > options.max_regions) found.resize(static_cast<size_t>(options.max_regions));
  for (const Found& f : found) out.push_back(f.box);
  return out;
}

PreparedPage PreparePage(const Raster& page, const CleanupOptions& options) {
  PreparedPage out;
  PixPtr pix = RasterToPix(page);
  if (!pix) return out;
  out.dpi = page.xdpi > 0 ? page.xdpi : 200;

  if (options.detect_orientation)
    out.rotation = DetectRotation(pix.get(), options.min_orientation_conf, options.min_updown_ratio,
                                  &out.orientation_uncertain);
  if (out.rotation != 0) {
    PixPtr r = Rotate(pix.get(), out.rotation);
    if (r) pix = std::move(r);
  }
  out.page_width = pixGetWidth(pix.get());
  out.page_height = pixGetHeight(pix.get());
  if (options.remove_scribbles && pixGetDepth(pix.get()) == 1) {
    // The raster may be shared with the caller's page image: erase on a copy.
    PixPtr copy(pixCopy(nullptr, pix.get()));
    if (copy) {
      out.scribbles_removed = RemoveScribbles(copy.get(), out.dpi, options.scribble_min_height,
                                              options.scribble_min_width, options.scribble_max_fill);
      pix = std::move(copy);
    }
  }

  if (options.deskew) pix = Deskew(pix.get(), options.max_skew_degrees, &out.skew_degrees);
  if (options.despeckle) pix = Despeckle(pix.get(), options.speck_max_size);

  if (out.dpi < options.min_ocr_dpi) {
    const double factor = std::min(4.0, std::ceil(options.min_ocr_dpi * 1.3 / out.dpi));
    PixPtr scaled = ScaleUp(pix.get(), factor);
    if (scaled) {
      out.scale = static_cast<double>(pixGetWidth(scaled.get())) / pixGetWidth(pix.get());
      out.dpi *= out.scale;
      pix = std::move(scaled);
    }
  }
  out.pix = std::move(pix);
  return out;
}

PreparedPage TurnedOver(const PreparedPage& page) {
  if (!page.pix) return PreparedPage{};
  PixPtr turned(pixRotate180(nullptr, page.pix.get()));
  if (!turned) return PreparedPage{};
  PreparedPage out = WithImage(page, std::move(turned));
  out.rotation = (page.rotation + 180) % 360;
  return out;
}

}  // namespace faxintake::ocr
