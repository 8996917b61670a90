// Test helper shared by the ocr tests: black pixels of a prepared page in a rectangle.
#pragma once

#include "ocr/cleanup.h"

namespace faxintake::ocr {

// Black pixels of `p` in [x0, x1) x [y0, y1): set bits of a 1 bpp page, values below 128
// of a gray one.
inline int BlackPixels(const PreparedPage& p, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      l_uint32 v = 0;
      pixGetPixel(p.pix.get(), x, y, &v);
      n += pixGetDepth(p.pix.get()) == 1 ? static_cast<int>(v) : (v < 128 ? 1 : 0);
    }
  return n;
}

}  // namespace faxintake::ocr
