// The TIFF decoder on files written here with libtiff (every fax variant,
// against a known image) and on the real TIFFs in ../shared/data/tiff.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/decode.h"
#include "tests/ingest/tiff_writer.h"
#include "tests/support/test_support.h"

namespace faxintake::ingest {
namespace {

using testing::FaxPattern;
using testing::TiffPageSpec;
using testing::WriteTiff;

DecodeLimits InProcess() {
  DecodeLimits l;
  l.sandbox = false;
  return l;
}

TiffPageSpec FinePage(int width = 1728, int height = 400) {
  TiffPageSpec p;
  p.width = width;
  p.height = height;
  p.gray = FaxPattern(width, height);
  p.xres = 204;
  p.yres = 196;
  return p;
}

// The pattern with every row doubled, as a normal-resolution page should come out.
std::vector<uint8_t> RowsDoubled(const std::vector<uint8_t>& g, int width, int height) {
  std::vector<uint8_t> out;
  out.reserve(g.size() * 2);
  for (int y = 0; y < height; ++y)
    for (int k = 0; k < 2; ++k) out.insert(out.end(), g.begin() + y * width, g.begin() + (y + 1) * width);
  return out;
}

int64_t Differences(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return -1;
  int64_t n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
  return n;
}

DecodedPage DecodeOnePage(const std::string& tiff, const DecodeLimits& limits = InProcess()) {
  auto pages = DecodeFax(tiff, limits);
  EXPECT_TRUE(pages.has_value()) << (pages ? "" : pages.error().reason + ": " + pages.error().message);
  if (!pages || pages->size() != 1) {
    ADD_FAILURE() << "expected one page";
    return {};
  }
  return std::move(pages->front());
}

TEST(TiffDecoder, DecodesEveryFaxCompressionFillOrderAndPolarityToTheSameBlackOnWhite) {
  struct Case {
    const char* name;
    int compression;
    uint32_t t4;
    int fill_order;
    int photometric;
  };
  const Case cases[] = {
      {"G4 MSB-first MinIsWhite", 4, 0, 1, 0},
      {"G4 LSB-first", 4, 0, 2, 0},
      {"G4 MinIsBlack", 4, 0, 1, 1},
      {"G4 LSB-first MinIsBlack", 4, 0, 2, 1},
      {"G3 1-D", 3, 0, 1, 0},
      {"G3 1-D LSB-first", 3, 0, 2, 0},
      {"G3 2-D", 3, 1, 1, 0},
      {"G3 2-D LSB-first MinIsBlack", 3, 1, 2, 1},
      {"G3 1-D with fill bits", 3, 4, 1, 0},
      {"modified Huffman RLE (2)", 2, 0, 1, 0},
      {"uncompressed", 1, 0, 1, 0},
      {"LZW", 5, 0, 1, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TiffPageSpec spec = FinePage();
    spec.compression = c.compression;
    spec.t4_options = c.t4;
    spec.fill_order = c.fill_order;
    spec.photometric = c.photometric;
    spec.rows_per_strip = 64;
    const DecodedPage page = DecodeOnePage(WriteTiff({spec}));
    EXPECT_EQ(page.image.width, 1728);
    EXPECT_EQ(page.image.height, 400);
    EXPECT_TRUE(page.image.bilevel);
    EXPECT_FALSE(page.damaged);
    EXPECT_FALSE(page.stretched);
    EXPECT_EQ(Differences(page.image.pixels, spec.gray), 0);
  }
}

TEST(TiffDecoder, DecodesWordAlignedModifiedHuffmanRleOrFlagsItDamaged) {
  // libtiff cannot write Compression 32771 correctly, so the test builds it from
  // Compression 2 rows (see WriteRlewTiff), which needs identical rows. libtiff
  // 4.5 also mis-aligns some rows when reading 32771; the decoder must then
  // flag the page, never hand back a wrong page as good.
  TiffPageSpec spec = FinePage(1728, 60);
  for (int y = 0; y < spec.height; ++y)
    for (int x = 0; x < spec.width; ++x)
      spec.gray[static_cast<size_t>(y) * spec.width + x] = ((x * 7919) >> 6) % 5 == 0 ? 0 : 255;
  const DecodedPage page = DecodeOnePage(testing::WriteRlewTiff(spec));
  ASSERT_EQ(page.image.pixels.size(), spec.gray.size());
  EXPECT_TRUE(std::equal(spec.gray.begin(), spec.gray.begin() + 1728, page.image.pixels.begin()));
  EXPECT_TRUE(page.damaged || Differences(page.image.pixels, spec.gray) == 0);
}

TEST(TiffDecoder, StretchesNormalResolutionPagesBySquaringThePixels) {
  TiffPageSpec spec = FinePage(1728, 300);
  spec.compression = 3;  // G3 1-D at 204 x 98, as most fax machines send
  spec.yres = 98;
  const DecodedPage page = DecodeOnePage(WriteTiff({spec}));
  EXPECT_TRUE(page.stretched);
  EXPECT_EQ(page.image.width, 1728);
  EXPECT_EQ(page.image.height, 600);
  EXPECT_DOUBLE_EQ(page.image.xdpi, 204);
  EXPECT_DOUBLE_EQ(page.image.ydpi, 196);
  EXPECT_DOUBLE_EQ(page.original_ydpi, 98);
  EXPECT_EQ(Differences(page.image.pixels, RowsDoubled(spec.gray, 1728, 300)), 0);
}

TEST(TiffDecoder, ReadsResolutionInAnyUnitAndInfersItWhenMissingOrAbsurd) {
  struct Case {
    const char* name;
    int width, height;
    std::optional<float> xres, yres;
    int unit;
    double want_x, want_y;  // of the page before any stretch
    bool want_inferred;
  };
  const Case cases[] = {
      {"inches", 1728, 800, 204, 196, 2, 204, 196, false},
      {"centimetres (8 x 7.7 lines/mm)", 1728, 800, 80.31f, 77.17f, 3, 204, 196, false},
      {"missing on a fine fax-width page", 1728, 2200, std::nullopt, std::nullopt, 2, 204, 204, true},
      {"missing on a normal-resolution fax-width page", 1728, 1100, std::nullopt, std::nullopt, 2, 204, 98, true},
      {"1 dpi on a fax-width page", 1728, 2200, 1, 1, 2, 204, 204, true},
      {"0 dpi on a normal-resolution page", 1728, 1100, 0, 0, 2, 204, 98, true},
      {"missing on an office-scanner page", 1700, 2200, std::nullopt, std::nullopt, 2, 200, 200, true},
      {"unitless values", 1700, 2200, 72, 72, 1, 200, 200, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TiffPageSpec spec = FinePage(c.width, c.height);
    spec.xres = c.xres;
    spec.yres = c.yres;
    spec.resolution_unit = c.unit;
    DecodeInfo info;
    auto pages = DecodeFax(WriteTiff({spec}), InProcess(), &info);
    ASSERT_TRUE(pages.has_value()) << pages.error().reason;
    const DecodedPage& page = pages->front();
    EXPECT_NEAR(page.original_xdpi, c.want_x, 0.5);
    EXPECT_NEAR(page.original_ydpi, c.want_y, 0.5);
    ASSERT_EQ(info.resolution_inferred.size(), 1u);
    EXPECT_EQ(info.resolution_inferred[0], c.want_inferred);
    // Whatever the file said, the result has square pixels.
    EXPECT_NEAR(page.image.xdpi, page.image.ydpi, page.image.xdpi * 0.1);
  }
}

TEST(TiffDecoder, DoublesColumnsWhenTheVerticalResolutionIsTwiceTheHorizontal) {
  TiffPageSpec spec = FinePage(864, 200);
  spec.xres = 102;
  spec.yres = 204;
  const DecodedPage page = DecodeOnePage(WriteTiff({spec}));
  EXPECT_TRUE(page.stretched);
  EXPECT_EQ(page.image.width, 1728);
  EXPECT_EQ(page.image.height, 200);
  EXPECT_DOUBLE_EQ(page.image.xdpi, 204);
  EXPECT_EQ(page.image.pixels[0], spec.gray[0]);
  EXPECT_EQ(page.image.pixels[1727], spec.gray[863]);
}

TEST(TiffDecoder, TurnsPagesUprightByTheirOrientationTag) {
  const TiffPageSpec upright = FinePage(200, 120);
  const DecodedPage want = DecodeOnePage(WriteTiff({upright}));
  struct Case {
    int orientation;
    // Stores the upright image the way that orientation says it is stored.
    std::vector<uint8_t> (*store)(const std::vector<uint8_t>&, int w, int h);
    bool transposed;
  };
  auto rot180 = [](const std::vector<uint8_t>& g, int, int) {
    return std::vector<uint8_t>(g.rbegin(), g.rend());
  };
  // Orientation 6: stored row 0 is the visual right side, stored column 0 the top.
  auto stored_for_6 = [](const std::vector<uint8_t>& g, int w, int h) {
    std::vector<uint8_t> s(g.size());
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) s[static_cast<size_t>(w - 1 - x) * h + y] = g[static_cast<size_t>(y) * w + x];
    return s;
  };
  // Orientation 8: stored row 0 is the visual left side, stored column 0 the bottom.
  auto stored_for_8 = [](const std::vector<uint8_t>& g, int w, int h) {
    std::vector<uint8_t> s(g.size());
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) s[static_cast<size_t>(x) * h + (h - 1 - y)] = g[static_cast<size_t>(y) * w + x];
    return s;
  };
  const Case cases[] = {{3, rot180, false}, {6, stored_for_6, true}, {8, stored_for_8, true}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.orientation);
    TiffPageSpec spec = upright;
    spec.gray = c.store(upright.gray, upright.width, upright.height);
    if (c.transposed) std::swap(spec.width, spec.height);
    spec.orientation = c.orientation;
    const DecodedPage page = DecodeOnePage(WriteTiff({spec}));
    EXPECT_EQ(page.image.width, want.image.width);
    EXPECT_EQ(page.image.height, want.image.height);
    EXPECT_EQ(Differences(page.image.pixels, want.image.pixels), 0);
  }
}

TEST(TiffDecoder, RealOrientationSamplesAllComeOutUpright) {
  const std::string base = testing::ReadFile(testing::SharedData("tiff/g4_orientation_1.tif"));
  const DecodedPage want = DecodeOnePage(base);
  for (const char* name : {"tiff/g4_orientation_3.tif", "tiff/g4_orientation_6.tif", "tiff/g4_orientation_8.tif"}) {
    SCOPED_TRACE(name);
    const DecodedPage page = DecodeOnePage(testing::ReadFile(testing::SharedData(name)));
    ASSERT_EQ(page.image.width, want.image.width);
    ASSERT_EQ(page.image.height, want.image.height);
    // The samples were drawn separately and differ by a few edge pixels.
    EXPECT_LT(Differences(page.image.pixels, want.image.pixels), static_cast<int64_t>(want.image.pixels.size() / 100));
  }
}

TEST(TiffDecoder, KeepsAPageWithACorruptStripAsDamaged) {
  TiffPageSpec spec = FinePage(1728, 600);
  spec.compression = 4;
  spec.rows_per_strip = 100;
  std::string tiff = WriteTiff({spec});
  const auto strip = testing::LocateStrip(tiff, 3);
  ASSERT_TRUE(strip.has_value());
  for (uint64_t i = strip->size / 4; i < strip->size; ++i) tiff[strip->offset + i] = static_cast<char>(0xA5 ^ i);

  const DecodedPage page = DecodeOnePage(tiff);
  EXPECT_TRUE(page.damaged);
  EXPECT_EQ(page.image.height, 600);
  // The strips before the damage are intact.
  const std::vector<uint8_t> head(spec.gray.begin(), spec.gray.begin() + 300 * 1728);
  EXPECT_EQ(Differences(std::vector<uint8_t>(page.image.pixels.begin(), page.image.pixels.begin() + 300 * 1728), head), 0);
}

TEST(TiffDecoder, MarksPagesDamagedWhenTheFileSaysTheReceptionWasUnclean) {
  TiffPageSpec spec = FinePage();
  spec.clean_fax_data = 2;
  EXPECT_TRUE(DecodeOnePage(WriteTiff({spec})).damaged);
  spec.clean_fax_data = 0;
  EXPECT_FALSE(DecodeOnePage(WriteTiff({spec})).damaged);
}

TEST(TiffDecoder, CountsPagesByWalkingDirectoriesNotByThePageNumberTag) {
  std::vector<TiffPageSpec> pages(3, FinePage(1728, 100));
  pages[1].yres = 98;  // resolution may change from page to page
  auto decoded = DecodeFax(WriteTiff(pages), InProcess());
  ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_FALSE((*decoded)[0].stretched);
  EXPECT_TRUE((*decoded)[1].stretched);
  EXPECT_EQ((*decoded)[1].image.height, 200);
}

TEST(TiffDecoder, RefusesMorePagesOrPixelsThanTheLimitsAllow) {
  const std::string three = WriteTiff(std::vector<TiffPageSpec>(3, FinePage(1728, 100)));
  struct Case {
    const char* name;
    DecodeLimits limits;
    const char* reason;
  };
  DecodeLimits pages = InProcess();
  pages.max_pages = 2;
  DecodeLimits page_pixels = InProcess();
  page_pixels.max_page_pixels = 1728 * 99;
  DecodeLimits total = InProcess();
  total.max_total_pixels = 1728 * 250;
  DecodeLimits bytes = InProcess();
  bytes.max_input_bytes = 100;
  const Case cases[] = {{"max_pages", pages, "too_many_pages"},
                        {"max_page_pixels", page_pixels, "page_too_large"},
                        {"max_total_pixels", total, "total_pixels_too_large"},
                        {"max_input_bytes", bytes, "input_too_large"}};
  for (const Case& c : cases) {
    for (bool sandbox : {false, true}) {
      SCOPED_TRACE(std::string(c.name) + (sandbox ? " sandboxed" : " in process"));
      DecodeLimits limits = c.limits;
      limits.sandbox = sandbox;
      auto r = DecodeFax(three, limits);
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
      EXPECT_EQ(r.error().reason, c.reason);
    }
  }
}

TEST(TiffDecoder, ChecksTheStretchedSizeAgainstThePageLimit) {
  TiffPageSpec spec = FinePage(1728, 300);
  spec.yres = 98;
  DecodeLimits limits = InProcess();
  limits.max_page_pixels = 1728 * 500;  // fits as stored, not once stretched to 600 rows
  auto r = DecodeFax(WriteTiff({spec}), limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, "page_too_large");
}

TEST(TiffDecoder, ReadsTheSenderFromTheFirstImageDescription) {
  TiffPageSpec spec = FinePage(1728, 50);
  spec.description = "+1 555 0100 ACME CLINIC\x01";
  EXPECT_EQ(TiffImageDescription(WriteTiff({spec})), "+1 555 0100 ACME CLINIC");
  EXPECT_EQ(TiffImageDescription(WriteTiff({FinePage(1728, 50)})), "");
  EXPECT_EQ(TiffImageDescription("%PDF-1.4"), "");
  EXPECT_EQ(TiffImageDescription(std::string("II*\0\xff\xff\xff\x7f", 8)), "");
  EXPECT_EQ(TiffImageDescription(testing::ReadFile(testing::SharedData("tiff/g4-fillorder-test.tif"))),
            "Kofax PDF Filter - version 3.75.");
}

TEST(TiffDecoder, SurvivesEveryTruncationOfAFaxFile) {
  TiffPageSpec spec = FinePage(1728, 200);
  spec.rows_per_strip = 50;
  const std::string tiff = WriteTiff({spec});
  for (size_t len = 0; len < tiff.size(); len += 97) {
    SCOPED_TRACE(len);
    auto r = DecodeFax(tiff.substr(0, len), InProcess());
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

// ---------------------------------------------------------------- real files
struct RealTiff {
  const char* name;
  size_t pages;
  int width, height;  // of the first page, as decoded
  double dpi;         // of the first page, after any stretch
  double min_black, max_black;  // share of dark pixels, a check on polarity
};

TEST(TiffDecoder, DecodesEveryRealSampleTiff) {
  const RealTiff files[] = {
      {"g4-fillorder-test.tif", 1, 218, 84, 300, 0.05, 0.2},
      {"g4-multi.tiff", 3, 3307, 4677, 400, 0, 0.01},
      {"g4_orientation_1.tif", 1, 590, 88, 96, 0.05, 0.2},
      {"g4_orientation_3.tif", 1, 590, 88, 96, 0.05, 0.2},
      {"g4_orientation_6.tif", 1, 590, 88, 96, 0.05, 0.2},
      {"g4_orientation_8.tif", 1, 590, 88, 96, 0.05, 0.2},
      {"hopper_g4_500.tif", 1, 500, 500, 96, 0.3, 0.8},  // 37.79 pixels per cm
      {"lzw-single-strip.tiff", 1, 7795, 3122, 400, 0.005, 0.1},
      {"minisblack-1c-8b.tiff", 1, 157, 151, 200, 0.3, 0.7},
      {"miniswhite-1c-1b.tiff", 1, 157, 151, 200, 0.3, 0.7},
      {"multipage.tiff", 3, 10, 10, 200, 0, 1},
      {"ojpeg_single_strip_no_rowsperstrip.tiff", 1, 234, 213, 75, 0.5, 1},
      {"palette-1c-8b.tiff", 1, 157, 151, 200, 0.3, 0.7},
      {"pport_g4.tif", 1, 2548, 3296, 200, 0.03, 0.15},
      {"quad-tile.jpg.tiff", 1, 512, 384, 200, 0.5, 1},
      {"rgb-3c-8b.tiff", 1, 157, 151, 200, 0.3, 0.7},
      {"testfax3_bug54_1dnoEOL.tif", 1, 1728, 2320, 300, 0.02, 0.15},
      {"testfax4.tiff", 1, 2453, 3369, 300, 0.03, 0.2},
  };
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SharedData("tiff"))) {
    (void)entry;
    ++seen;
  }
  EXPECT_EQ(seen, std::size(files)) << "a file was added to ../shared/data/tiff: add it to this table";
  for (const RealTiff& f : files) {
    SCOPED_TRACE(f.name);
    auto pages = DecodeFax(testing::ReadFile(testing::SharedData(std::string("tiff/") + f.name)), InProcess());
    ASSERT_TRUE(pages.has_value()) << pages.error().reason << ": " << pages.error().message;
    ASSERT_EQ(pages->size(), f.pages);
    const DecodedPage& p = pages->front();
    EXPECT_EQ(p.image.width, f.width);
    EXPECT_EQ(p.image.height, f.height);
    EXPECT_NEAR(p.image.xdpi, f.dpi, 0.1);
    EXPECT_NEAR(p.image.ydpi, f.dpi, 0.1);
    EXPECT_FALSE(p.damaged);
    EXPECT_EQ(p.image.pixels.size(), static_cast<size_t>(p.image.width) * p.image.height);
    const double dark = static_cast<double>(std::count_if(p.image.pixels.begin(), p.image.pixels.end(),
                                                          [](uint8_t v) { return v < 128; })) /
                        p.image.pixels.size();
    EXPECT_GE(dark, f.min_black);
    EXPECT_LE(dark, f.max_black);
  }
}

}  // namespace
}  // namespace faxintake::ingest
