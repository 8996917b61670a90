#include "tests/ingest/tiff_writer.h"

#include <gtest/gtest.h>
#include <tiffio.h>

#include <memory>

#include "tests/support/test_support.h"

namespace faxintake::testing {
namespace {

struct Closer {
  void operator()(TIFF* t) const { TIFFClose(t); }
};

bool WritePage(TIFF* tif, const TiffPageSpec& p, int index, int count) {
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(p.width));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(p.height));
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, p.compression);
  if (p.compression == COMPRESSION_CCITTFAX3) TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, p.t4_options);
  TIFFSetField(tif, TIFFTAG_FILLORDER, p.fill_order);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, p.photometric);
  TIFFSetField(tif, TIFFTAG_ORIENTATION, p.orientation);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(p.rows_per_strip > 0 ? p.rows_per_strip : p.height));
  TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
  TIFFSetField(tif, TIFFTAG_PAGENUMBER, index, count);
  if (p.xres) TIFFSetField(tif, TIFFTAG_XRESOLUTION, *p.xres);
  if (p.yres) TIFFSetField(tif, TIFFTAG_YRESOLUTION, *p.yres);
  if (p.xres || p.yres) TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, p.resolution_unit);
  if (!p.description.empty()) TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, p.description.c_str());
  if (p.clean_fax_data) TIFFSetField(tif, TIFFTAG_CLEANFAXDATA, *p.clean_fax_data);

  const bool black_is_one = p.photometric == PHOTOMETRIC_MINISWHITE;
  std::vector<uint8_t> row((p.width + 7) / 8);
  for (int y = 0; y < p.height; ++y) {
    std::fill(row.begin(), row.end(), 0);
    for (int x = 0; x < p.width; ++x) {
      const bool black = p.gray[static_cast<size_t>(y) * p.width + x] < 128;
      if (black == black_is_one) row[x / 8] |= static_cast<uint8_t>(0x80 >> (x % 8));
    }
    if (TIFFWriteScanline(tif, row.data(), y, 0) < 0) return false;
  }
  return TIFFWriteDirectory(tif) != 0;
}

}  // namespace

std::string WriteTiff(const std::vector<TiffPageSpec>& pages) {
  TempDir dir;
  const auto path = dir.path() / "test.tif";
  {
    std::unique_ptr<TIFF, Closer> tif(TIFFOpen(path.c_str(), "w"));
    if (!tif) {
      ADD_FAILURE() << "libtiff cannot create " << path;
      return "";
    }
    for (size_t i = 0; i < pages.size(); ++i) {
      if (!WritePage(tif.get(), pages[i], static_cast<int>(i), static_cast<int>(pages.size()))) {
        ADD_FAILURE() << "libtiff cannot write page " << i + 1 << " (compression " << pages[i].compression << ")";
        return "";
      }
    }
  }
  return ReadFile(path);
}

std::string WriteRlewTiff(TiffPageSpec spec) {
  spec.compression = COMPRESSION_CCITTRLE;
  spec.rows_per_strip = 0;
  const std::string rle = WriteTiff({spec});
  const auto strip = LocateStrip(rle, 0);
  if (!strip || strip->size % spec.height != 0) {
    ADD_FAILURE() << "Compression 2 rows are not all the same length";
    return "";
  }
  const size_t row = strip->size / spec.height;
  std::string words;
  for (int y = 0; y < spec.height; ++y) {
    words += rle.substr(strip->offset + y * row, row);
    if (row % 2 != 0) words += '\0';
  }

  TempDir dir;
  const auto path = dir.path() / "rlew.tif";
  {
    std::unique_ptr<TIFF, Closer> tif(TIFFOpen(path.c_str(), "w"));
    if (!tif) {
      ADD_FAILURE() << "libtiff cannot create " << path;
      return "";
    }
    TIFFSetField(tif.get(), TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(spec.width));
    TIFFSetField(tif.get(), TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(spec.height));
    TIFFSetField(tif.get(), TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(tif.get(), TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tif.get(), TIFFTAG_COMPRESSION, COMPRESSION_CCITTRLEW);
    TIFFSetField(tif.get(), TIFFTAG_PHOTOMETRIC, spec.photometric);
    TIFFSetField(tif.get(), TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(spec.height));
    if (spec.xres) TIFFSetField(tif.get(), TIFFTAG_XRESOLUTION, *spec.xres);
    if (spec.yres) TIFFSetField(tif.get(), TIFFTAG_YRESOLUTION, *spec.yres);
    if (TIFFWriteRawStrip(tif.get(), 0, words.data(), static_cast<tmsize_t>(words.size())) < 0) {
      ADD_FAILURE() << "libtiff cannot write the raw strip";
      return "";
    }
  }
  return ReadFile(path);
}

std::optional<StripLocation> LocateStrip(const std::string& tiff, int strip) {
  TempDir dir;
  const auto path = dir.path() / "probe.tif";
  WriteFile(path, tiff);
  std::unique_ptr<TIFF, Closer> tif(TIFFOpen(path.c_str(), "r"));
  if (!tif || strip < 0 || static_cast<uint32_t>(strip) >= TIFFNumberOfStrips(tif.get())) return std::nullopt;
  return StripLocation{TIFFGetStrileOffset(tif.get(), strip), TIFFGetStrileByteCount(tif.get(), strip)};
}

std::vector<uint8_t> FaxPattern(int width, int height) {
  std::vector<uint8_t> g(static_cast<size_t>(width) * height, 255);
  auto fill = [&](int x0, int y0, int w, int h) {
    for (int y = std::max(0, y0); y < std::min(height, y0 + h); ++y)
      for (int x = std::max(0, x0); x < std::min(width, x0 + w); ++x) g[static_cast<size_t>(y) * width + x] = 0;
  };
  fill(0, 0, width, 2);                       // a rule along the top edge
  fill(width / 10, height / 8, width / 3, height / 20);  // a block top left
  for (int i = 0; i < 40; ++i)                // text-like marks of varied widths, off the byte grid
    fill(37 + i * (width / 45), height / 2 + (i % 5) * 7, 3 + i % 9, 5 + i % 4);
  fill(width - 13, 0, 5, height);             // a bar down the right side
  return g;
}

}  // namespace faxintake::testing
