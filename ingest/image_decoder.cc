#include "ingest/image_decoder.h"

#include <leptonica/allheaders.h>

#include <memory>

#include <fmt/format.h>

namespace faxintake::ingest {
namespace {

struct PixDeleter {
  void operator()(PIX* p) const {
    if (p != nullptr) pixDestroy(&p);
  }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

auto Unreadable(const char* what) {
  return MakeError(ErrorCode::kInvalidArgument, "image_unreadable", what);
}

// An 8 bpp gray copy of `pix` without colormap or alpha.
PixPtr ToGray(PIX* pix) {
  PixPtr opaque;
  if (pixGetDepth(pix) == 32 && pixGetSpp(pix) == 4) {
    opaque.reset(pixAlphaBlendUniform(pix, 0xffffff00));
    if (!opaque) return nullptr;
    pix = opaque.get();
  }
  return PixPtr(pixConvertTo8(pix, /*cmapflag=*/0));
}

}  // namespace

Result<std::vector<DecodedPage>> DecodeImage(std::string_view bytes, DecodeContext& ctx) {
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (pixReadHeaderMem(data, bytes.size(), &format, &w, &h, &bps, &spp, &cmap) != 0)
    return Unreadable("cannot read the image header");
  // Before allocating: the largest the page can become is twice its size.
  if (auto ok = ctx.CheckPageSize(w, h, "image_unreadable"); !ok) return std::unexpected(ok.error());

  PixPtr pix(pixReadMem(data, bytes.size()));
  if (!pix) return Unreadable("cannot decode the image");
  if (pixGetWidth(pix.get()) != w || pixGetHeight(pix.get()) != h)
    return Unreadable("image size differs from its header");
  const bool bilevel = pixGetDepth(pix.get()) == 1;
  const Resolution res = InferResolution(w, h, pixGetXRes(pix.get()), pixGetYRes(pix.get()));
  const Stretch stretch = StretchFor(res.x, res.y);
  int64_t out_w = w, out_h = h;
  StretchedSize(stretch, out_w, out_h);
  if (auto ok = ctx.ReservePage(out_w, out_h, "image_unreadable"); !ok) return std::unexpected(ok.error());

  PixPtr gray = ToGray(pix.get());
  if (!gray) return Unreadable("cannot convert the image to gray");
  pix.reset();

  DecodedPage page;
  Raster& r = page.image;
  r.width = w;
  r.height = h;
  r.xdpi = res.x;
  r.ydpi = res.y;
  r.bilevel = bilevel;
  r.pixels.resize(static_cast<size_t>(w) * h);
  const l_int32 wpl = pixGetWpl(gray.get());
  const l_uint32* words = pixGetData(gray.get());
  for (l_int32 y = 0; y < h; ++y) {
    const l_uint32* line = words + static_cast<size_t>(y) * wpl;
    uint8_t* dst = r.pixels.data() + static_cast<size_t>(y) * w;
    for (l_int32 x = 0; x < w; ++x) dst[x] = static_cast<uint8_t>(GET_DATA_BYTE(line, x));
  }
  page.original_xdpi = res.x;
  page.original_ydpi = res.y;
  ApplyStretch(stretch, r);
  page.stretched = stretch != Stretch::kNone;
  ctx.resolution_inferred().push_back(res.inferred);

  std::vector<DecodedPage> pages;
  pages.push_back(std::move(page));
  return pages;
}

}  // namespace faxintake::ingest
