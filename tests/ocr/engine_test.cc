#include "ocr/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <future>
#include <set>
#include <sstream>

#include "ocr/cleanup.h"
#include "ocr/leptonica.h"
#include "tests/ocr/black_pixels.h"
#include "tests/support/test_support.h"

namespace faxintake::ocr {
namespace {

Raster LoadImage(const std::string& relative) {
  const std::string path = testing::SharedData(relative).string();
  PixPtr pix(pixRead(path.c_str()));
  EXPECT_TRUE(pix) << "cannot read " << path;
  if (!pix) return {};
  l_int32 xres = pixGetXRes(pix.get()), yres = pixGetYRes(pix.get());
  return PixToRaster(pix.get(), xres > 0 ? xres : 300, yres > 0 ? yres : 300);
}

std::set<std::string> Words(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string w;
  while (in >> w) {
    std::string clean;
    for (char c : w)
      if (std::isalnum(static_cast<unsigned char>(c))) clean += static_cast<char>(std::tolower(c));
    if (clean.size() >= 3) out.insert(clean);
  }
  return out;
}

double WordRecall(const PageText& text, const std::string& truth) {
  std::string got;
  for (const Word& w : text.words) got += w.text + " ";
  const auto expected = Words(truth);
  const auto seen = Words(got);
  int hit = 0;
  for (const auto& w : expected) hit += seen.count(w);
  return expected.empty() ? 0 : static_cast<double>(hit) / expected.size();
}

std::unique_ptr<EnginePool> MakePool(int size) {
  auto pool = EnginePool::Create(OcrOptions{}, size);
  EXPECT_TRUE(pool.has_value()) << (pool ? "" : pool.error().message);
  return pool ? std::move(*pool) : nullptr;
}

// `page` read by an engine of a pool of one (an error when the pool could not be made).
Result<OcrPage> ReadByOneEngine(const Raster& page) {
  auto pool = MakePool(1);
  if (!pool) return MakeError(ErrorCode::kFailedPrecondition, "no_engine", "no OCR engine");
  return pool->Acquire()->Recognize(page);
}

TEST(OcrEngine, ReadsARealScannedPage) {
  Raster page = LoadImage("ocr-groundtruth/phototest.tif");
  ASSERT_FALSE(page.empty());
  auto result = ReadByOneEngine(page);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->rotation, 0);
  EXPECT_GE(WordRecall(result->text, testing::ReadFile(testing::SharedData("ocr-groundtruth/phototest.txt"))), 0.95);
  EXPECT_GT(result->text.MeanConfidence(), 0.8);
  // Boxes lie inside the page and lines hold their words.
  for (const Word& w : result->text.words) {
    EXPECT_GE(w.box.x, 0);
    EXPECT_LE(w.box.right(), result->width + 1);
    EXPECT_LE(w.box.bottom(), result->height + 1);
  }
  ASSERT_FALSE(result->text.lines.empty());
  EXPECT_EQ(result->text.lines[0].first_word, 0);
}

// Words holding digits carry the LSTM's ranked readings of each character; the first
// reading of each glyph is the character read, and the glyphs spell the word.
TEST(OcrEngine, WordsWithDigitsCarryTheirCharactersAlternatives) {
  const std::string path = (testing::SourceDir() / "samples/set/s0009.tif").string();
  PixPtr pix(pixReadTiff(path.c_str(), 1));
  ASSERT_TRUE(pix) << path;
  auto result = ReadByOneEngine(PixToRaster(pix.get(), 204, 196));
  ASSERT_TRUE(result.has_value());
  int with_digits = 0, with_glyphs = 0, with_alternatives = 0;
  for (const Word& w : result->text.words) {
    const bool digits = std::any_of(w.text.begin(), w.text.end(), [](unsigned char c) { return std::isdigit(c); });
    with_digits += digits;
    if (!digits) {
      EXPECT_TRUE(w.glyphs.empty()) << "only words holding digits carry glyphs";
      continue;
    }
    if (w.glyphs.empty()) continue;
    ++with_glyphs;
    std::string spelled;
    for (const Glyph& g : w.glyphs) {
      spelled += g.text;
      if (g.text.size() == 1 && !g.choices.empty()) {
        EXPECT_EQ(g.choices.front().c, g.text[0]);
      }
      with_alternatives += g.choices.size() > 1;
      for (const CharChoice& c : g.choices) {
        EXPECT_GE(c.confidence, 0.0f);
        EXPECT_LE(c.confidence, 1.0f);
      }
    }
    EXPECT_EQ(spelled, w.text);
  }
  ASSERT_GT(with_digits, 5);
  EXPECT_GE(with_glyphs, with_digits * 9 / 10);
  EXPECT_GT(with_alternatives, 0);

  // Turned off, no glyphs are read.
  OcrOptions off;
  off.char_choice_iterations = 0;
  auto plain = OcrEngine::Create(off);
  ASSERT_TRUE(plain.has_value());
  auto read = (*plain)->Recognize(PixToRaster(pix.get(), 204, 196));
  ASSERT_TRUE(read.has_value());
  for (const Word& w : read->text.words) EXPECT_TRUE(w.glyphs.empty());
}

// Page 2 of a committed fine-resolution TIFF (`path` under the source tree).
Raster SecondPageOf(const std::string& path) {
  const std::string full = (testing::SourceDir() / path).string();
  PixPtr pix(pixReadTiff(full.c_str(), 1));
  return pix ? PixToRaster(pix.get(), 204, 196) : Raster{};
}

bool HasWord(const PageText& text, const std::string& word) {
  return std::any_of(text.words.begin(), text.words.end(), [&](const Word& w) { return w.text == word; });
}

// A fine-resolution referral (samples/set/s0019.tif, page 2): a phone number read
// "595-0157" inside its line, the 5 second for the 9, comes out right when the word is
// read again alone.
TEST(OcrEngine, AnUnsureIdentifierIsReadAgainAloneAndItsLineFollows) {
  const Raster page = SecondPageOf("samples/set/s0019.tif");
  ASSERT_FALSE(page.empty());
  auto read = ReadByOneEngine(page);
  ASSERT_TRUE(read.has_value());
  EXPECT_GT(read->reread_words, 0);
  EXPECT_TRUE(HasWord(read->text, "555-0157"));
  for (const Line& line : read->text.lines) {
    std::string joined;
    for (int k = line.first_word; k < line.first_word + line.word_count; ++k)
      joined += (k > line.first_word ? " " : "") + read->text.words[static_cast<size_t>(k)].text;
    EXPECT_EQ(line.text, joined);
  }
  OcrOptions off;
  off.reread.enabled = false;
  auto plain = OcrEngine::Create(off);
  ASSERT_TRUE(plain.has_value());
  auto once = (*plain)->Recognize(page);
  ASSERT_TRUE(once.has_value());
  EXPECT_EQ(once->reread_words, 0);
  EXPECT_FALSE(HasWord(once->text, "555-0157"));
}

TEST(OcrEngine, TurnsAnUpsideDownPageUpright) {
  Raster page = LoadImage("ocr-groundtruth/phototest-rotated-180.png");
  ASSERT_FALSE(page.empty());
  auto result = ReadByOneEngine(page);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->rotation, 180);
  EXPECT_GE(WordRecall(result->text, testing::ReadFile(testing::SharedData("ocr-groundtruth/phototest.txt"))), 0.9);
}

// A referral form whose few words leave Leptonica's orientation test undecided (up/down
// confidence 5.8 against a threshold of 6): the engine reads it both ways.
TEST(OcrEngine, ReadsAnUndecidedPageBothWaysAndKeepsTheUprightReading) {
  auto pool = MakePool(1);
  ASSERT_TRUE(pool);
  const std::string path = (testing::SourceDir() / "samples/set/s0009.tif").string();
  PixPtr pix(pixReadTiff(path.c_str(), 1));  // page 2, fine resolution
  ASSERT_TRUE(pix) << path;
  const Raster upright = PixToRaster(pix.get(), 204, 196);
  PixPtr flipped(pixRotate180(nullptr, pix.get()));
  const Raster upside_down = PixToRaster(flipped.get(), 204, 196);
  const auto has_name = [](const PageText& text) {
    return std::any_of(text.words.begin(), text.words.end(),
                       [](const Word& w) { return w.text.find("Gutierrez") != std::string::npos; });
  };
  auto lease = pool->Acquire();
  auto turned = lease->Recognize(upside_down);
  ASSERT_TRUE(turned.has_value());
  EXPECT_EQ(turned->rotation, 180);
  EXPECT_TRUE(has_name(turned->text));
  auto as_is = lease->Recognize(upright);
  ASSERT_TRUE(as_is.has_value());
  EXPECT_EQ(as_is->rotation, 0);
  EXPECT_TRUE(has_name(as_is->text));
}

TEST(OcrEngine, TurnsSidewaysPagesUpright) {
  auto pool = MakePool(1);
  ASSERT_TRUE(pool);
  const std::string truth = testing::ReadFile(testing::SharedData("ocr-groundtruth/phototest.txt"));
  for (const std::string name : {"phototest-rotated-L.png", "phototest-rotated-R.png"}) {
    SCOPED_TRACE(name);
    Raster page = LoadImage("ocr-groundtruth/" + name);
    ASSERT_FALSE(page.empty());
    auto lease = pool->Acquire();
    auto result = lease->Recognize(page);
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(result->rotation == 90 || result->rotation == 270);
    EXPECT_GT(result->width, result->height);  // phototest is landscape once upright
    EXPECT_GE(WordRecall(result->text, truth), 0.9);
  }
}

// An upright boxed referral form (samples/generate.py --seed 35, s0099 page 2) that
// Leptonica's orientation test turns by 270 degrees, its rules taken for text running the
// other way; read so, the page is debris. The engine reads it as it came too and keeps that.
// A page image under tests/ocr/data (generated by samples/generate.py), at that resolution.
Raster TestImage(const std::string& name, int xdpi, int ydpi) {
  const std::string path = (testing::SourceDir() / "tests/ocr/data" / name).string();
  PixPtr pix(pixRead(path.c_str()));
  EXPECT_TRUE(pix) << path;
  return pix ? PixToRaster(pix.get(), xdpi, ydpi) : Raster{};
}

TEST(OcrEngine, APageTheOrientationTestTurnedWronglyIsReadAsItCame) {
  const Raster page = TestImage("form-leptonica-turns.png", 204, 196);
  ASSERT_FALSE(page.empty());
  ASSERT_NE(PreparePage(page, CleanupOptions{}).rotation, 0);  // the test's mistake, as measured
  auto result = ReadByOneEngine(page);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->rotation, 0);
  EXPECT_GT(result->text.MeanConfidence(), 0.8);
  EXPECT_TRUE(HasWord(result->text, "REFERRAL"));
}

// An insurance card fed upside down under the sending machine's header line, stamped the
// right way up ("DEC 21 2025 ... P.004/005"; samples/generate.py --seed 101, s0015 page 4,
// rendered from its PDF as the decoder renders it). Read as it came, the header was the
// only confident text and outweighed the card read the right way up; the card stayed
// upside down and was typed "other". The header band no longer counts either way.
TEST(OcrEngine, AnUprightFaxHeaderDoesNotKeepAnUpsideDownPageSo) {
  const Raster page = TestImage("card-upside-down-under-upright-header.png", 204, 204);
  ASSERT_FALSE(page.empty());
  auto result = ReadByOneEngine(page);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->rotation, 180);
  EXPECT_TRUE(HasWord(result->text, "MEDICAID"));
  EXPECT_TRUE(HasWord(result->text, "527852477"));
}

// A bilevel page with a signature-like loop, a bold block as big as a title letter and
// small marks the size of printed letters.
Raster PageWithScribble() {
  Raster page{1728, 2200, 204, 196, true, std::vector<uint8_t>(1728 * 2200, 255)};
  auto ink = [&](int x, int y) {
    if (x >= 0 && y >= 0 && x < page.width && y < page.height) page.pixels[static_cast<size_t>(y) * page.width + x] = 0;
  };
  // The loop: an ellipse 300 x 80 drawn with a 3-pixel pen.
  for (int t = 0; t < 2000; ++t) {
    const double a = t * 2 * M_PI / 2000;
    const int cx = 900 + static_cast<int>(150 * std::cos(a)), cy = 1300 + static_cast<int>(40 * std::sin(a));
    for (int d = 0; d < 3; ++d) ink(cx + d, cy), ink(cx, cy + d);
  }
  // A title letter: 60 x 70, solid.
  for (int y = 300; y < 370; ++y)
    for (int x = 200; x < 260; ++x) ink(x, y);
  // Letters: 12 x 20 marks in a row.
  for (int k = 0; k < 10; ++k)
    for (int y = 1300; y < 1320; ++y)
      for (int x = 200 + 20 * k; x < 212 + 20 * k; ++x) ink(x, y);
  return page;
}

TEST(PageCleanup, ErasesASignatureAndKeepsPrint) {
  CleanupOptions options;
  options.detect_orientation = false;
  options.deskew = false;
  const Raster page = PageWithScribble();
  const PreparedPage kept = [&] {
    CleanupOptions off = options;
    off.remove_scribbles = false;
    return PreparePage(page, off);
  }();
  const PreparedPage cleaned = PreparePage(page, options);
  ASSERT_TRUE(cleaned.pix);
  EXPECT_EQ(cleaned.scribbles_removed, 1);
  EXPECT_GT(BlackPixels(kept, 740, 1250, 1060, 1350), 1000);
  EXPECT_EQ(BlackPixels(cleaned, 740, 1250, 1060, 1350), 0);            // the loop is gone
  EXPECT_EQ(BlackPixels(cleaned, 200, 300, 260, 370), 60 * 70);         // the title letter stays
  EXPECT_EQ(BlackPixels(cleaned, 200, 1300, 400, 1320), 10 * 12 * 20);  // the letters stay
  // The caller's page is not touched.
  EXPECT_EQ(page.pixels[static_cast<size_t>(1300) * page.width + 1050], 0);
}

TEST(OcrEngine, BlankPageGivesNoWords) {
  Raster blank{1728, 2200, 204, 196, true, std::vector<uint8_t>(1728 * 2200, 255)};
  auto result = ReadByOneEngine(blank);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->text.words.empty());
  EXPECT_EQ(result->text.MeanConfidence(), 0);
}

TEST(OcrEngine, DeadlineStopsALongPage) {
  OcrOptions options;
  options.page_deadline_ms = 1;
  auto engine = OcrEngine::Create(options);
  ASSERT_TRUE(engine.has_value());
  Raster page = LoadImage("ocr-groundtruth/8087_054.3B.tif");
  ASSERT_FALSE(page.empty());
  auto result = (*engine)->Recognize(page);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->timed_out);
}

TEST(OcrEngine, MissingLanguageIsAClearError) {
  OcrOptions options;
  options.language = "xx_nonexistent";
  auto engine = OcrEngine::Create(options);
  ASSERT_FALSE(engine.has_value());
  EXPECT_EQ(engine.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(engine.error().reason, "ocr_model_missing");
}

TEST(OcrEngine, AMissingSecondModelIsAClearErrorNamingItsDirectory) {
  OcrOptions options;
  options.second_tessdata_dir = "/nonexistent/tessdata";
  auto engine = OcrEngine::Create(options);
  ASSERT_FALSE(engine.has_value());
  EXPECT_EQ(engine.error().reason, "ocr_model_missing");
  EXPECT_NE(engine.error().message.find("/nonexistent/tessdata"), std::string::npos);
}

// A clean fine-resolution referral (samples/set/s0007.tif, page 2): the authorization
// number HK00526629 read "HKO90526629" inside its line comes out right only where the
// second model's reading of the word alone agrees with the first model's.
TEST(OcrEngine, TwoModelsAgreeingOnAWordReadAloneReplaceIt) {
  const Raster page = SecondPageOf("samples/set/s0007.tif");
  ASSERT_FALSE(page.empty());
  auto two = OcrEngine::Create(OcrOptions{});
  ASSERT_TRUE(two.has_value()) << two.error().message;
  auto read = (*two)->Recognize(page);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(HasWord(read->text, "HK00526629"));
  OcrOptions one;
  one.second_language.clear();
  auto single = OcrEngine::Create(one);
  ASSERT_TRUE(single.has_value());
  auto alone = (*single)->Recognize(page);
  ASSERT_TRUE(alone.has_value());
  EXPECT_FALSE(HasWord(alone->text, "HK00526629"));
}

TEST(EnginePool, RecognizesPagesFromSeveralThreadsAtOnce) {
  auto pool = MakePool(2);
  ASSERT_TRUE(pool);
  Raster page = LoadImage("ocr-groundtruth/phototest.tif");
  ASSERT_FALSE(page.empty());
  std::vector<std::future<size_t>> futures;
  for (int i = 0; i < 4; ++i) {
    futures.push_back(std::async(std::launch::async, [&] {
      auto lease = pool->Acquire();
      auto r = lease->Recognize(page);
      return r ? r->text.words.size() : 0;
    }));
  }
  std::vector<size_t> counts;
  for (auto& f : futures) counts.push_back(f.get());
  for (size_t c : counts) EXPECT_EQ(c, counts[0]);
  EXPECT_GT(counts[0], 50u);
}

}  // namespace
}  // namespace faxintake::ocr
