// The PDF decoder on PDFs built here (a normal-resolution fax image, a text
// layer, a corrupt image) and on the real PDFs in ../shared/data/pdf.
#include "ingest/pdf_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/decode.h"
#include "tests/ingest/pdf_builder.h"
#include "tests/ingest/tiff_writer.h"
#include "tests/support/test_support.h"

namespace faxintake::ingest {
namespace {

DecodeLimits InProcess() {
  DecodeLimits l;
  l.sandbox = false;
  return l;
}

// Raw Group 4 data of the fax test pattern, taken from a TIFF libtiff wrote.
std::string G4Data(int width, int height) {
  testing::TiffPageSpec spec;
  spec.width = width;
  spec.height = height;
  spec.gray = testing::FaxPattern(width, height);
  spec.compression = 4;
  const std::string tiff = testing::WriteTiff({spec});
  const auto strip = testing::LocateStrip(tiff, 0);
  if (!strip) {
    ADD_FAILURE() << "no strip in the G4 test TIFF";
    return "";
  }
  return tiff.substr(strip->offset, strip->size);
}

double DarkShare(const Raster& r, int x0, int y0, int w, int h) {
  int dark = 0;
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x) dark += r.pixels[static_cast<size_t>(y) * r.width + x] < 128;
  return static_cast<double>(dark) / (w * h);
}

TEST(PdfDecoder, RendersANormalResolutionFaxImageWithSquarePixelsAtItsOwnResolution) {
  // A Letter page carrying a 1728 x 1100 image: 204 dpi across, 100 dpi down.
  const std::string pdf = testing::FaxImagePdf(G4Data(1728, 1100), 1728, 1100, 612, 792);
  auto pages = DecodeFax(pdf, InProcess());
  ASSERT_TRUE(pages.has_value()) << pages.error().reason;
  ASSERT_EQ(pages->size(), 1u);
  const DecodedPage& p = pages->front();
  EXPECT_NEAR(p.image.xdpi, 1728 / 8.5, 0.01);
  EXPECT_DOUBLE_EQ(p.image.xdpi, p.image.ydpi);
  EXPECT_NEAR(p.original_xdpi, 203.3, 0.1);
  EXPECT_NEAR(p.original_ydpi, 100, 0.1);
  EXPECT_NEAR(p.image.width, 1728, 1);
  EXPECT_NEAR(p.image.height, 2236, 1);  // 11 in at 203.3 dpi
  EXPECT_FALSE(p.damaged);
  EXPECT_FALSE(p.text_layer.has_value());
  // The pattern's block (image rows 137..191, columns 172..747) lands at twice the rows.
  EXPECT_GT(DarkShare(p.image, 200, 280, 500, 90), 0.95);
  EXPECT_LT(DarkShare(p.image, 200, 200, 500, 60), 0.05);
  EXPECT_LT(DarkShare(p.image, 200, 400, 500, 60), 0.05);
}

TEST(PdfDecoder, MarksAPageWithACorruptFaxImageAsDamaged) {
  std::string pdf = testing::FaxImagePdf(G4Data(1728, 1100), 1728, 1100, 612, 792);
  const size_t data = pdf.find("stream\n", pdf.find("/CCITTFaxDecode")) + 7;
  for (size_t i = 200; i < 400; ++i) pdf[data + i] = 0;  // no valid T.6 code is all zeros
  auto pages = DecodeFax(pdf, InProcess());
  ASSERT_TRUE(pages.has_value()) << pages.error().reason;
  EXPECT_TRUE(pages->front().damaged);
}

TEST(PdfDecoder, UsesATextLayerWithBoxesInTheRenderedPixels) {
  const std::vector<std::string> lines = {
      "Referral to cardiology for evaluation of chest pain",
      "Please schedule within two weeks",
      "",
      "Thank you",
  };
  auto pages = DecodeFax(testing::TextPdf(lines), InProcess());
  ASSERT_TRUE(pages.has_value()) << pages.error().reason;
  const DecodedPage& p = pages->front();
  ASSERT_TRUE(p.text_layer.has_value());
  const PageText& t = *p.text_layer;
  EXPECT_DOUBLE_EQ(p.image.xdpi, 204);  // no image to take a resolution from
  EXPECT_EQ(p.image.width, 1734);
  EXPECT_EQ(p.image.height, 2244);
  ASSERT_EQ(t.lines.size(), 3u);
  EXPECT_EQ(t.lines[0].text, lines[0]);
  EXPECT_EQ(t.lines[1].text, lines[1]);
  EXPECT_EQ(t.lines[2].text, lines[3]);
  EXPECT_EQ(t.lines[0].block, t.lines[1].block);
  EXPECT_NE(t.lines[1].block, t.lines[2].block);  // the blank line separates blocks
  ASSERT_EQ(t.words.size(), 15u);
  for (const Word& w : t.words) {
    SCOPED_TRACE(w.text);
    EXPECT_FLOAT_EQ(w.confidence, 1.0f);
    EXPECT_GE(w.box.x, 0);
    EXPECT_LE(w.box.right(), p.image.width);
    EXPECT_LE(w.box.bottom(), p.image.height);
  }
  for (size_t i = 0; i < t.lines.size(); ++i) {
    const Line& l = t.lines[i];
    for (int k = l.first_word; k < l.first_word + l.word_count; ++k) EXPECT_EQ(t.words[k].line, static_cast<int>(i));
  }
  // "Referral" starts at the 72 pt margin, its baseline 720 pt up a 792 pt page.
  const Box& first = t.words[0].box;
  EXPECT_NEAR(first.x, 72 * 204 / 72, 4);
  EXPECT_NEAR(first.bottom(), (792 - 720) * 204 / 72, 12);
  // The words' boxes hold ink in the rendered page.
  EXPECT_GT(DarkShare(p.image, first.x, first.y, first.w, first.h), 0.1);
}

TEST(PdfDecoder, IgnoresATextLayerWithTooFewLettersAndDigits) {
  auto pages = DecodeFax(testing::TextPdf({"Fax - - - - - - - - - - - - - - - - - - - - - - - - - -"}), InProcess());
  ASSERT_TRUE(pages.has_value()) << pages.error().reason;
  EXPECT_FALSE(pages->front().text_layer.has_value());
  EXPECT_FALSE(pages->front().image.empty());

  DecodeLimits strict = InProcess();
  strict.pdf_min_text_chars = 1000;
  auto long_text = DecodeFax(testing::TextPdf({"Referral to cardiology for evaluation of chest pain"}), strict);
  ASSERT_TRUE(long_text.has_value());
  EXPECT_FALSE(long_text->front().text_layer.has_value());
}

TEST(PdfDecoder, FindsImageSizesInTheRawFile) {
  const std::string pdf = testing::FaxImagePdf("xx", 1728, 1100, 612, 792) +
                          "9 0 obj\n<< /Subtype/Image /Height 20 /Width 30 /Filter /FlateDecode >>\nstream\n" +
                          "10 0 obj\n<< /Subtype /Image /Width 7 0 R /Height 5 >>\nstream\n";
  const auto sizes = ScanPdfImageSizes(pdf);
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_EQ(sizes[0].width, 1728);
  EXPECT_EQ(sizes[0].height, 1100);
  EXPECT_EQ(sizes[1].width, 30);
  EXPECT_EQ(sizes[1].height, 20);
}

TEST(PdfDecoder, MatchesAPageToTheImageThatFillsIt) {
  struct Case {
    const char* name;
    std::vector<PdfImageSize> images;
    double w_pt, h_pt;
    bool found;
    double xdpi, ydpi;
  };
  const Case cases[] = {
      {"fine fax on Letter", {{1728, 2200}}, 612, 792, true, 203.3, 200},
      {"normal fax on Letter", {{1728, 1100}}, 612, 792, true, 203.3, 100},
      {"300 dpi scan on A4", {{2480, 3508}}, 595, 842, true, 300.1, 300},
      {"largest of several", {{100, 100}, {1728, 2200}, {1700, 2200}}, 612, 792, true, 203.3, 200},
      {"only a logo", {{300, 80}}, 612, 792, false, 0, 0},
      {"a thin strip", {{1728, 60}}, 612, 792, false, 0, 0},
      {"no images", {}, 612, 792, false, 0, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    PdfImageDensity d;
    ASSERT_EQ(MatchPageImage(c.images, c.w_pt, c.h_pt, &d), c.found);
    if (!c.found) continue;
    EXPECT_NEAR(d.xdpi, c.xdpi, 0.1);
    EXPECT_NEAR(d.ydpi, c.ydpi, 0.1);
  }
}

// ---------------------------------------------------------------- real files
struct RealPdf {
  const char* name;
  int width, height;  // of the first page
  double dpi;
  bool text_layer;
};

TEST(PdfDecoder, DecodesEveryRealSamplePdf) {
  const RealPdf files[] = {
      {"bug1795263.pdf", 1686, 2386, 204, true},
      {"bug1815476.pdf", 1686, 2386, 204, true},
      {"bug900822.pdf", 1686, 2385, 204, true},
      {"ccitt_EndOfBlock_false.pdf", 1687, 2385, 204, false},
      {"empty_protected.pdf", 1734, 2244, 204, false},  // owner password only: opens
      {"images_1bit_grayscale.pdf", 1687, 2385, 204, false},
      {"issue13372.pdf", 1686, 2386, 204, false},
      {"issue13561_reduced.pdf", 1686, 2386, 204, false},  // its small image does not fill the page
      {"issue1985.pdf", 55, 57, 204, false},  // its crop box is 19 x 20 points
      {"issue4379.pdf", 1000, 1415, 121, false},
      {"issue5747.pdf", 1748, 2480, 300, true},
  };
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SharedData("pdf"))) {
    (void)entry;
    ++seen;
  }
  EXPECT_EQ(seen, std::size(files)) << "a file was added to ../shared/data/pdf: add it to this table";
  for (const RealPdf& f : files) {
    SCOPED_TRACE(f.name);
    auto pages = DecodeFax(testing::ReadFile(testing::SharedData(std::string("pdf/") + f.name)), InProcess());
    ASSERT_TRUE(pages.has_value()) << pages.error().reason << ": " << pages.error().message;
    ASSERT_EQ(pages->size(), 1u);
    const DecodedPage& p = pages->front();
    EXPECT_EQ(p.image.width, f.width);
    EXPECT_EQ(p.image.height, f.height);
    EXPECT_NEAR(p.image.xdpi, f.dpi, 0.5);
    EXPECT_DOUBLE_EQ(p.image.xdpi, p.image.ydpi);
    EXPECT_FALSE(p.damaged);
    EXPECT_EQ(p.text_layer.has_value(), f.text_layer);
  }
}

}  // namespace
}  // namespace faxintake::ingest
