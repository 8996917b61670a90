// Test-only: writes TIFF files with libtiff, so the decoder can be checked on
// every fax variant (compression, fill order, photometric, resolution, damage)
// against a known image. Numbers are the TIFF tag values themselves, so callers
// need not include libtiff.
// Thread-safety: call from the test thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace faxintake::testing {

struct TiffPageSpec {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> gray;          // width*height, 0 black, 255 white
  int compression = 4;                // 2, 3, 4, 32771, 1 ...
  uint32_t t4_options = 0;            // Compression 3: 1 for 2-D coding
  int fill_order = 1;                 // 1 MSB first, 2 LSB first
  int photometric = 0;                // 0 MinIsWhite, 1 MinIsBlack
  std::optional<float> xres;          // absent: no resolution tags
  std::optional<float> yres;
  int resolution_unit = 2;            // 1 none, 2 inch, 3 cm
  int rows_per_strip = 0;             // 0: the whole page in one strip
  int orientation = 1;
  std::string description;            // ImageDescription, when not empty
  std::optional<int> clean_fax_data;  // CleanFaxData tag
};

// The bytes of a TIFF holding `pages` in order. Fails the current test (and
// returns "") when libtiff refuses.
std::string WriteTiff(const std::vector<TiffPageSpec>& pages);

// A one-page Compression 32771 (modified Huffman, rows word-aligned) TIFF of
// `spec`, made from its Compression 2 rows padded to 16 bits. REQUIRES: all rows
// of spec.gray are identical (so the Compression 2 rows can be told apart).
std::string WriteRlewTiff(TiffPageSpec spec);

// Offset and size of strip `strip` of the first directory of `tiff`.
struct StripLocation {
  uint64_t offset = 0;
  uint64_t size = 0;
};
std::optional<StripLocation> LocateStrip(const std::string& tiff, int strip);

// A bilevel test page: white with black bars and blocks at known places, so a
// mistake in bit order, polarity or row order shows as pixel differences.
std::vector<uint8_t> FaxPattern(int width, int height);

}  // namespace faxintake::testing
