#include "ocr/leptonica.h"

#include <cstring>

namespace faxintake::ocr {

PixPtr RasterToPix(const Raster& r) {
  if (r.empty()) return nullptr;
  const int depth = r.bilevel ? 1 : 8;
  PixPtr pix(pixCreate(r.width, r.height, depth));
  if (!pix) return nullptr;
  pixSetResolution(pix.get(), static_cast<l_int32>(r.xdpi + 0.5), static_cast<l_int32>(r.ydpi + 0.5));
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < r.height; ++y) {
    l_uint32* line = data + static_cast<size_t>(y) * wpl;
    const uint8_t* src = r.pixels.data() + static_cast<size_t>(y) * r.width;
    if (depth == 1) {
      for (int x = 0; x < r.width; ++x)
        if (src[x] < 128) SET_DATA_BIT(line, x);  // 1 = black in 1 bpp Pix
    } else {
      for (int x = 0; x < r.width; ++x) SET_DATA_BYTE(line, x, src[x]);
    }
  }
  return pix;
}

Raster PixToRaster(PIX* pix, double xdpi, double ydpi) {
  Raster r;
  if (pix == nullptr) return r;
  PixPtr gray;
  PIX* src = pix;
  const int d = pixGetDepth(pix);
  if (d != 1 && d != 8) {
    gray.reset(pixConvertTo8(pix, 0));
    src = gray.get();
  } else if (d == 8 && pixGetColormap(pix) != nullptr) {
    gray.reset(pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE));
    src = gray.get();
  }
  r.width = pixGetWidth(src);
  r.height = pixGetHeight(src);
  r.xdpi = xdpi;
  r.ydpi = ydpi;
  r.bilevel = pixGetDepth(src) == 1;
  r.pixels.resize(static_cast<size_t>(r.width) * r.height);
  const l_uint32* data = pixGetData(src);
  const int wpl = pixGetWpl(src);
  for (int y = 0; y < r.height; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    uint8_t* dst = r.pixels.data() + static_cast<size_t>(y) * r.width;
    if (r.bilevel) {
      for (int x = 0; x < r.width; ++x) dst[x] = GET_DATA_BIT(line, x) ? 0 : 255;
    } else {
      for (int x = 0; x < r.width; ++x) dst[x] = static_cast<uint8_t>(GET_DATA_BYTE(line, x));
    }
  }
  return r;
}

}  // namespace faxintake::ocr

namespace faxintake::ocr {
std::string EncodePng(const Raster& r) {
  PixPtr pix = RasterToPix(r);
  if (!pix) return {};
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMem(&data, &size, pix.get(), IFF_PNG) != 0 || data == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return out;
}
}  // namespace faxintake::ocr

namespace faxintake::ocr {
Raster RotateRaster(const Raster& r, int rotation) {
  if (rotation == 0 || r.empty()) return r;
  PixPtr pix = RasterToPix(r);
  if (!pix) return r;
  PixPtr turned(rotation == 180 ? pixRotate180(nullptr, pix.get()) : pixRotate90(pix.get(), rotation == 90 ? 1 : -1));
  if (!turned) return r;
  const bool swap = rotation != 180;
  Raster out = PixToRaster(turned.get(), swap ? r.ydpi : r.xdpi, swap ? r.xdpi : r.ydpi);
  out.bilevel = r.bilevel;
  return out;
}
}  // namespace faxintake::ocr
