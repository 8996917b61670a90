// Adapter for Leptonica inside ocr/: owned Pix handles and conversion to and
// from the model's Raster. Only ocr/ includes Leptonica headers through this file.
// Thread-safety: functions are reentrant; a Pix is not shared between threads.
#pragma once

#include <leptonica/allheaders.h>

#include <memory>
#include <string>

#include "pipeline/model.h"

namespace faxintake::ocr {

struct PixDeleter {
  void operator()(PIX* p) const {
    if (p != nullptr) pixDestroy(&p);
  }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;
struct BoxaDeleter {
  void operator()(BOXA* b) const {
    if (b != nullptr) boxaDestroy(&b);
  }
};
using BoxaPtr = std::unique_ptr<BOXA, BoxaDeleter>;
struct PixaDeleter {
  void operator()(PIXA* p) const {
    if (p != nullptr) pixaDestroy(&p);
  }
};
using PixaPtr = std::unique_ptr<PIXA, PixaDeleter>;

// A 1 bpp Pix for bilevel rasters (fax pages), else 8 bpp gray. Resolution set.
// Returns nullptr only when Leptonica cannot allocate.
PixPtr RasterToPix(const Raster& r);
// 8-bit gray Raster from a 1 or 8 bpp Pix (other depths converted).
Raster PixToRaster(PIX* pix, double xdpi, double ydpi);

}  // namespace faxintake::ocr

namespace faxintake::ocr {
// PNG bytes of the raster (1 bpp for bilevel pages), for storage and the review screen.
// Returns an empty string when encoding fails.
std::string EncodePng(const Raster& r);
}  // namespace faxintake::ocr

namespace faxintake::ocr {
// The raster turned clockwise by `rotation` (0, 90, 180, 270) degrees.
Raster RotateRaster(const Raster& r, int rotation);
}  // namespace faxintake::ocr
