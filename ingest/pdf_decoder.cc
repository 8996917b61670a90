#include "ingest/pdf_decoder.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <cctype>
#include <string>

#include <fmt/format.h>

namespace faxintake::ingest {
namespace {

// ---------------------------------------------------------------- poppler messages
// Poppler reports through one process-wide callback; the counts are per thread,
// which is per decode since a decode runs on one thread.
thread_local int tls_render_errors = 0;

void OnPopplerMessage(const std::string& message, void*) {
  // poppler-cpp labels every message "error", warnings included, so only
  // problems decoding a data stream (a corrupt CCITT, JBIG2, DCT or Flate image,
  // a stream cut short) count as damage; routine font and syntax complaints of
  // real-world PDFs do not.
  static constexpr std::string_view kDamage[] = {"stream", "Stream", "JBIG2", "DCT", "JPX", "CCITT"};
  for (std::string_view marker : kDamage)
    if (message.find(marker) != std::string::npos) {
      ++tls_render_errors;
      return;
    }
}

// Installed at load time rather than lazily: a lazy std::call_once could be
// mid-flight in another thread when a sandbox child is forked, and the child
// would then wait forever on its copy of the flag.
const bool kMessageCallbackInstalled = [] {
  poppler::set_debug_error_function(OnPopplerMessage, nullptr);
  return true;
}();

// ---------------------------------------------------------------- image sizes
RE2::Options Latin1() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  return o;
}

// Built at load time for the same fork-safety reason as the callback above.
const RE2 kImage(R"(/Subtype\s*/Image\b)", Latin1());
const RE2 kWidth(R"(/Width\s+(\d+)(\s+\d+\s+R)?)", Latin1());
const RE2 kHeight(R"(/Height\s+(\d+)(\s+\d+\s+R)?)", Latin1());

// Value of `key` inside an image dictionary, or -1 when absent or indirect.
int64_t DictInt(std::string_view dict, const RE2& re) {
  re2::StringPiece digits, ref;
  if (!RE2::PartialMatch(re2::StringPiece(dict.data(), dict.size()), re, &digits, &ref) || !ref.empty() || digits.size() > 9) return -1;
  int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

constexpr double kMinImageDpi = 90;  // across; fax images have at least 100
constexpr double kMaxImageDpi = 1200;

bool Fits(const PdfImageSize& img, double width_in, double height_in, PdfImageDensity* d) {
  const double x = img.width / width_in, y = img.height / height_in;
  if (x < kMinImageDpi || x > kMaxImageDpi || y < kMinImageDpi / 2 || y > kMaxImageDpi) return false;
  const double ratio = y / x;
  const bool square = ratio >= 0.85 && ratio <= 1.18;
  const bool normal_res = ratio >= 0.42 && ratio <= 0.58;
  if (!square && !normal_res) return false;
  *d = {x, y};
  return true;
}

// ---------------------------------------------------------------- text layer
// Letters and digits (any script) in UTF-8 text: ASCII alphanumerics and
// non-ASCII code points outside the replacement character and private use area,
// which is what broken font encodings produce.
int CountRealChars(std::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) ++n;
      ++i;
      continue;
    }
    const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    const bool junk = len == 1 || cp == 0xFFFD || (cp >= 0xE000 && cp <= 0xF8FF) || cp < 0xA0;
    if (!junk) ++n;
    i += len;
  }
  return n;
}

std::string Utf8(const poppler::ustring& u) {
  const poppler::byte_array b = u.to_utf8();
  return std::string(b.begin(), b.end());
}

struct TextWord {
  std::string text;
  Box box;
};

Box ToPixels(const poppler::rectf& r, double scale, int width, int height) {
  const int x0 = std::clamp(static_cast<int>(std::floor(r.left() * scale)), 0, width - 1);
  const int y0 = std::clamp(static_cast<int>(std::floor(r.top() * scale)), 0, height - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(r.right() * scale)), x0 + 1, width);
  const int y1 = std::clamp(static_cast<int>(std::ceil(r.bottom() * scale)), y0 + 1, height);
  return Box{x0, y0, x1 - x0, y1 - y0};
}

bool SameLine(const Box& line, const Box& last_word, const Box& word) {
  const int overlap = std::min(line.bottom(), word.bottom()) - std::max(line.y, word.y);
  const int shorter = std::min(line.h, word.h);
  return overlap * 2 >= shorter && word.x >= last_word.x;
}

// Words in poppler's reading order, grouped into lines by vertical overlap;
// a vertical gap taller than the lines starts a new block.
PageText BuildPageText(std::vector<TextWord> words) {
  PageText t;
  for (auto& w : words) {
    const bool extend = !t.lines.empty() && SameLine(t.lines.back().box, t.words.back().box, w.box);
    if (!extend) {
      Line line;
      line.first_word = static_cast<int>(t.words.size());
      line.box = w.box;
      if (!t.lines.empty()) {
        const Line& prev = t.lines.back();
        const int gap = w.box.y - prev.box.bottom();
        line.block = prev.block + (gap > std::max(prev.box.h, w.box.h) ? 1 : 0);
      }
      t.lines.push_back(line);
    }
    Line& line = t.lines.back();
    if (line.word_count > 0) line.text += ' ';
    line.text += w.text;
    line.box = Union(line.box, w.box);
    ++line.word_count;
    Word word;
    word.text = std::move(w.text);
    word.box = w.box;
    word.confidence = 1.0f;
    word.line = static_cast<int>(t.lines.size()) - 1;
    t.words.push_back(std::move(word));
  }
  return t;
}

// The page's text layer when it has enough real characters, in the pixels of a
// raster of width x height rendered at `dpi`.
std::optional<PageText> UsableTextLayer(const poppler::page& page, double dpi, int width, int height,
                                        int min_chars) {
  std::vector<poppler::text_box> boxes = page.text_list();
  std::vector<TextWord> words;
  int real = 0;
  const double scale = dpi / 72.0;
  for (const auto& b : boxes) {
    std::string text = Utf8(b.text());
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) continue;
    text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    real += CountRealChars(text);
    words.push_back({std::move(text), ToPixels(b.bbox(), scale, width, height)});
  }
  if (real < min_chars || words.empty()) return std::nullopt;
  return BuildPageText(std::move(words));
}

// ---------------------------------------------------------------- rendering
Raster WhitePage(int width, int height, double dpi) {
  Raster r;
  r.width = width;
  r.height = height;
  r.xdpi = r.ydpi = dpi;
  r.pixels.assign(static_cast<size_t>(width) * height, 255);
  return r;
}

// Gray raster of a rendered image, or nothing when poppler failed or the image
// is larger than what was reserved.
std::optional<Raster> ToRaster(const poppler::image& img, double dpi, int64_t max_w, int64_t max_h) {
  if (!img.is_valid() || img.format() != poppler::image::format_gray8) return std::nullopt;
  const int w = img.width(), h = img.height();
  if (w <= 0 || h <= 0 || w > max_w || h > max_h || img.bytes_per_row() < w) return std::nullopt;
  Raster r;
  r.width = w;
  r.height = h;
  r.xdpi = r.ydpi = dpi;
  r.pixels.resize(static_cast<size_t>(w) * h);
  const char* src = img.const_data();
  for (int y = 0; y < h; ++y)
    std::memcpy(r.pixels.data() + static_cast<size_t>(y) * w, src + static_cast<size_t>(y) * img.bytes_per_row(), w);
  return r;
}

bool IsBlank(const Raster& r) {
  return std::all_of(r.pixels.begin(), r.pixels.end(), [](uint8_t v) { return v == 255; });
}

struct PageGeometry {
  double width_pt = 0;   // unrotated user space (where images are placed)
  double height_pt = 0;
  bool quarter_turn = false;  // /Rotate 90 or 270: the rendering is height x width
};

Result<DecodedPage> DecodePage(const poppler::page& page, int number,
                               const std::vector<PdfImageSize>& images, DecodeContext& ctx) {
  const poppler::rectf box = page.page_rect(poppler::crop_box);
  PageGeometry g;
  g.width_pt = box.width();
  g.height_pt = box.height();
  const auto orientation = page.orientation();
  g.quarter_turn = orientation == poppler::page::landscape || orientation == poppler::page::seascape;
  if (!(g.width_pt >= 1) || !(g.height_pt >= 1) || g.width_pt > 1e6 || g.height_pt > 1e6)
    return MakeError(ErrorCode::kInvalidArgument, "pdf_unreadable", fmt::format("page {} has no usable size", number));

  PdfImageDensity density;
  const bool matched = MatchPageImage(images, g.width_pt, g.height_pt, &density) ||
                       MatchPageImage(images, g.height_pt, g.width_pt, &density);
  const double dpi = matched ? std::clamp(std::max(density.xdpi, density.ydpi), 100.0, 400.0)
                             : ctx.limits().pdf_default_dpi;
  const double wpt = g.quarter_turn ? g.height_pt : g.width_pt;
  const double hpt = g.quarter_turn ? g.width_pt : g.height_pt;
  // Poppler rounds the rendered size; one pixel of slack covers it.
  const int64_t max_w = static_cast<int64_t>(std::ceil(wpt * dpi / 72.0)) + 1;
  const int64_t max_h = static_cast<int64_t>(std::ceil(hpt * dpi / 72.0)) + 1;
  if (auto ok = ctx.ReservePage(max_w, max_h, "pdf_unreadable"); !ok) return std::unexpected(ok.error());

  tls_render_errors = 0;
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  std::optional<Raster> raster = ToRaster(renderer.render_page(&page, dpi, dpi), dpi, max_w, max_h);

  DecodedPage out;
  out.damaged = !raster.has_value() || tls_render_errors > 0;
  out.image = raster ? std::move(*raster)
                     : WhitePage(static_cast<int>(max_w - 1), static_cast<int>(max_h - 1), dpi);
  out.original_xdpi = matched ? density.xdpi : dpi;
  out.original_ydpi = matched ? density.ydpi : dpi;
  out.text_layer = UsableTextLayer(page, dpi, out.image.width, out.image.height,
                                   ctx.limits().pdf_min_text_chars);
  ctx.resolution_inferred().push_back(!matched && !out.text_layer.has_value());
  return out;
}

}  // namespace

std::vector<PdfImageSize> ScanPdfImageSizes(std::string_view bytes) {
  constexpr size_t kReach = 4096;  // an image dictionary is far smaller
  constexpr size_t kMaxImages = 4096;

  std::vector<PdfImageSize> out;
  re2::StringPiece rest(bytes.data(), bytes.size());
  while (out.size() < kMaxImages && RE2::FindAndConsume(&rest, kImage)) {
    const size_t at = static_cast<size_t>(rest.data() - bytes.data());
    // The dictionary lies between the object header and the stream keyword.
    const size_t back = at > kReach ? at - kReach : 0;
    const size_t obj = bytes.substr(back, at - back).rfind("obj");
    const size_t begin = obj == std::string_view::npos ? back : back + obj + 3;
    size_t end = bytes.find("stream", at);
    end = std::min({end, bytes.find("endobj", at), at + kReach, bytes.size()});
    const std::string_view dict = bytes.substr(begin, end - begin);
    const int64_t w = DictInt(dict, kWidth), h = DictInt(dict, kHeight);
    if (w > 0 && h > 0) out.push_back({w, h});
  }
  return out;
}

bool MatchPageImage(const std::vector<PdfImageSize>& images, double width_pt, double height_pt,
                    PdfImageDensity* out) {
  const double width_in = width_pt / 72.0, height_in = height_pt / 72.0;
  if (!(width_in > 0) || !(height_in > 0)) return false;
  int64_t best_area = 0;
  for (const auto& img : images) {
    PdfImageDensity d;
    if (!Fits(img, width_in, height_in, &d)) continue;
    const int64_t area = img.width * img.height;
    if (area > best_area) {
      best_area = area;
      *out = d;
    }
  }
  return best_area > 0;
}

Result<std::vector<DecodedPage>> DecodePdf(std::string_view bytes, DecodeContext& ctx) {
  (void)kMessageCallbackInstalled;
  if (bytes.size() > static_cast<size_t>(INT32_MAX))
    return MakeError(ErrorCode::kResourceExhausted, "input_too_large", "PDF larger than 2 GiB");
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) return MakeError(ErrorCode::kInvalidArgument, "pdf_unreadable", "poppler cannot load the PDF");
  if (doc->is_locked())
    return MakeError(ErrorCode::kInvalidArgument, "pdf_encrypted", "the PDF needs a password to open");

  const int count = doc->pages();
  if (count <= 0) return MakeError(ErrorCode::kInvalidArgument, "no_pages", "the PDF has no pages");
  if (auto ok = ctx.CheckPageCount(count); !ok) return std::unexpected(ok.error());

  const std::vector<PdfImageSize> images = ScanPdfImageSizes(bytes);
  std::vector<DecodedPage> pages;
  int usable = 0;
  for (int i = 0; i < count; ++i) {
    if (auto ok = ctx.CheckDeadline(); !ok) return std::unexpected(ok.error());
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page)
      return MakeError(ErrorCode::kInvalidArgument, "pdf_unreadable", fmt::format("page {} cannot be read", i + 1));
    auto decoded = DecodePage(*page, i + 1, images, ctx);
    if (!decoded) return std::unexpected(decoded.error());
    // A damaged page with nothing on it is a page poppler could not draw.
    if (!decoded->damaged || decoded->text_layer || !IsBlank(decoded->image)) ++usable;
    pages.push_back(std::move(*decoded));
  }
  if (usable == 0)
    return MakeError(ErrorCode::kInvalidArgument, "pdf_unreadable", "no page of the PDF could be rendered");
  return pages;
}

}  // namespace faxintake::ingest
