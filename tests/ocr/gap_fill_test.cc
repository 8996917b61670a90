#include "ocr/gap_fill.h"

#include <gtest/gtest.h>

#include "ocr/cleanup.h"
#include "ocr/leptonica.h"
#include "tests/ocr/black_pixels.h"
#include "tests/ocr/page_text.h"

namespace faxintake::ocr {
namespace {

// One line per call, its words appended in order.
void AddLine(PageText& page, std::vector<Word> words, int block) {
  Line line;
  line.first_word = static_cast<int>(page.words.size());
  line.block = block;
  for (Word& w : words) {
    w.line = static_cast<int>(page.lines.size());
    if (line.word_count > 0) line.text += ' ';
    line.text += w.text;
    line.box = Union(line.box, w.box);
    ++line.word_count;
    page.words.push_back(std::move(w));
  }
  page.lines.push_back(std::move(line));
}

TEST(FillGaps, AddsOnlyConfidentWordsWhereTheFirstReadingHasNone) {
  PageText first;
  AddLine(first, {MakeWord("DATE", {100, 100, 60, 16}, 0.95f, 0), MakeWord("PHONE", {500, 100, 80, 16}, 0.95f, 0)}, 0);
  AddLine(first, {MakeWord(" ", {90, 90, 700, 40}, 0.95f, 0)}, 1);  // a blank blob over the grid
  PageText second;
  AddLine(second,
          {MakeWord("DATE", {101, 100, 60, 16}, 0.97f, 0),   // already read: not added twice
           MakeWord("SEX", {300, 100, 45, 16}, 0.95f, 0),    // in the gap
           MakeWord("ve", {360, 100, 30, 16}, 0.40f, 0),     // debris: below the floor
           MakeWord("|", {400, 100, 4, 16}, 0.99f, 0)},      // no letter or digit
          0);
  AddLine(second, {MakeWord("M", {305, 132, 19, 18}, 0.90f, 0)}, 1);
  const int added = FillGaps(first, second, GapFillOptions{});
  EXPECT_EQ(added, 2);
  ASSERT_EQ(first.words.size(), 5u);
  ASSERT_EQ(first.lines.size(), 4u);
  EXPECT_EQ(first.words[3].text, "SEX");
  EXPECT_EQ(first.words[3].line, 2);
  EXPECT_EQ(first.words[4].text, "M");
  EXPECT_EQ(first.words[4].line, 3);
  EXPECT_EQ(first.lines[2].text, "SEX");
  EXPECT_EQ(first.lines[2].first_word, 3);
  EXPECT_EQ(first.lines[2].word_count, 1);
  EXPECT_GT(first.lines[2].block, 1);  // a block after the first reading's
  EXPECT_GT(first.lines[3].block, first.lines[2].block);
}

TEST(FillGaps, AWordMostlyCoveredByOneAlreadyReadIsLeftOut) {
  PageText first;
  AddLine(first, {MakeWord("Robert", {100, 100, 80, 20}, 0.9f, 0)}, 0);
  GapFillOptions options;
  options.max_overlap = 0.2;
  PageText second;
  AddLine(second, {MakeWord("Rob", {150, 100, 60, 20}, 0.9f, 0)}, 0);  // half inside "Robert"
  EXPECT_EQ(FillGaps(first, second, options), 0);
  PageText beside;
  AddLine(beside, {MakeWord("A", {190, 100, 15, 20}, 0.9f, 0)}, 0);  // touching, not covered
  EXPECT_EQ(FillGaps(first, beside, options), 1);
}

// A white 1728 x 1100 fax page (204 dpi) with ink painted in rectangles.
struct Canvas {
  Raster page{1728, 1100, 204, 204, true, std::vector<uint8_t>(1728 * 1100, 255)};
  void Fill(int x, int y, int w, int h) {
    for (int j = y; j < y + h; ++j)
      for (int i = x; i < x + w; ++i) page.pixels[static_cast<size_t>(j) * page.width + i] = 0;
  }
  // Letter-sized marks: `n` 10 x 18 strokes, 14 pixels apart.
  void Word(int x, int y, int n) {
    for (int k = 0; k < n; ++k) Fill(x + 14 * k, y, 10, 18);
  }
};

PreparedPage Prepared(const Raster& page) {
  CleanupOptions options;
  options.detect_orientation = false;
  options.deskew = false;
  options.remove_scribbles = false;
  return PreparePage(page, options);
}

// A boxed form: three rows of cells ruled 2 pixels thick, a white-on-black heading bar
// 24 pixels thick, and letter marks inside the cells.
Canvas RuledForm() {
  Canvas c;
  c.Fill(100, 100, 1400, 24);  // the heading bar
  for (int y : {200, 300, 400, 500}) c.Fill(100, y, 1400, 2);
  for (int x : {100, 700, 1000, 1500}) c.Fill(x, 200, 2, 302);
  c.Word(120, 220, 6);   // a label
  c.Word(130, 255, 10);  // its value
  c.Word(1020, 220, 3);  // SEX
  c.Word(1030, 255, 1);  // M
  return c;
}

TEST(RulesErased, ErasesRulesAndKeepsPrintAndHeadingBars) {
  const Canvas form = RuledForm();
  const PreparedPage page = Prepared(form.page);
  ASSERT_TRUE(page.pix);
  const PreparedPage bare = RulesErased(page, CleanupOptions{});
  ASSERT_TRUE(bare.pix);
  EXPECT_EQ(bare.page_width, page.page_width);
  EXPECT_EQ(bare.scale, page.scale);
  EXPECT_GT(BlackPixels(page, 100, 300, 1500, 302), 1000);
  EXPECT_EQ(BlackPixels(bare, 100, 199, 1500, 203), 0);   // a horizontal rule
  EXPECT_EQ(BlackPixels(bare, 699, 210, 703, 290), 0);    // a vertical rule
  EXPECT_EQ(BlackPixels(bare, 200, 100, 600, 124), 400 * 24);  // the heading bar stays
  EXPECT_EQ(BlackPixels(bare, 120, 220, 204, 238), 6 * 10 * 18);  // the label stays
  EXPECT_EQ(BlackPixels(bare, 1030, 255, 1040, 273), 10 * 18);   // the lone letter stays
}

TEST(RulesErased, APageWithoutRulesIsNoForm) {
  Canvas letter;
  for (int y = 150; y < 1000; y += 40) letter.Word(120, y, 60);
  const PreparedPage page = Prepared(letter.page);
  ASSERT_TRUE(page.pix);
  EXPECT_FALSE(RulesErased(page, CleanupOptions{}).pix);
}

TEST(UnreadInk, FindsTheCellsNoWordCoversAndIgnoresSpecks) {
  Canvas form = RuledForm();
  form.Fill(400, 700, 2, 2);  // a speck
  const PreparedPage bare = RulesErased(Prepared(form.page), CleanupOptions{});
  ASSERT_TRUE(bare.pix);
  // The first reading read the label and its value, not the SEX cell.
  const std::vector<Box> read = {{120, 220, 80, 18}, {130, 255, 136, 18}};
  const std::vector<Box> regions = UnreadInk(bare, read, InkRegionOptions{});
  ASSERT_EQ(regions.size(), 1u);
  const Box& r = regions[0];
  EXPECT_LE(r.x, 1020);
  EXPECT_LE(r.y, 220);
  EXPECT_GE(r.right(), 1020 + 14 * 2 + 10);
  EXPECT_GE(r.bottom(), 273);
  EXPECT_LT(r.right(), 1200);  // the cell, not the row
  // With everything read there is nothing left to look at.
  const std::vector<Box> all = {{120, 220, 80, 18}, {130, 255, 136, 18}, {1020, 220, 38, 18}, {1030, 255, 10, 18}};
  EXPECT_TRUE(UnreadInk(bare, all, InkRegionOptions{}).empty());
}

// A letter page: ten lines of clear text 20 px high, then what the engine made of a
// signature block (seed 28 s0006): the name clear, the NPI line under it as a thin line of
// junk, and a speck.
PageText SignedLetter() {
  PageText page;
  for (int i = 0; i < 10; ++i)
    AddLine(page, {MakeWord("referral", {100, 100 + 40 * i, 110, 20}, 0.93f, 0), MakeWord("text", {220, 100 + 40 * i, 60, 20}, 0.9f, 0)}, 0);
  AddLine(page, {MakeWord("Wei", {132, 1235, 52, 15}, 0.72f, 0), MakeWord("Morgan,", {197, 1236, 104, 22}, 0.43f, 0)}, 1);
  AddLine(page, {MakeWord("wr", {137, 1251, 47, 7}, 0.33f, 0), MakeWord("ters", {205, 1252, 70, 12}, 0.11f, 0)}, 2);
  AddLine(page, {MakeWord("a", {900, 1600, 12, 10}, 0.05f, 0)}, 3);
  return page;
}

TEST(JunkLineRegions, AWideLineOfJunkIsReadAgainWithRoomAroundItSpecksAndClearLinesAreNot) {
  const PageText page = SignedLetter();
  const std::vector<Box> regions = JunkLineRegions(page);
  ASSERT_EQ(regions.size(), 1u);  // not the name (0.72 beside 0.43), not the speck (too narrow)
  const Box& r = regions[0];
  EXPECT_EQ(r.x, 137 - 20);
  EXPECT_EQ(r.y, 1251 - 20);
  EXPECT_EQ(r.right(), 275 + 5 * 20);
  EXPECT_EQ(r.bottom(), 1264 + 2 * 20);
  // A page with too little clear text has no text height to judge by.
  PageText sparse;
  AddLine(sparse, {MakeWord("wr", {137, 1251, 47, 7}, 0.33f, 0), MakeWord("ters", {205, 1252, 70, 12}, 0.11f, 0)}, 0);
  EXPECT_TRUE(JunkLineRegions(sparse).empty());
  JunkLineOptions none;
  none.max_lines = 0;
  EXPECT_TRUE(JunkLineRegions(page, none).empty());
}

TEST(ClearLines, KeepsOnlyLinesEveryWordOfWhichIsSure) {
  PageText found;
  AddLine(found, {MakeWord("Wei", {132, 1235, 52, 15}, 0.93f, 0), MakeWord("Morgan,", {197, 1236, 104, 22}, 0.95f, 0)}, 0);
  AddLine(found, {MakeWord("NPI:", {134, 1277, 50, 20}, 0.86f, 0), MakeWord("2898741147", {205, 1277, 150, 20}, 0.94f, 0)}, 0);
  AddLine(found, {MakeWord("mak", {220, 1320, 50, 20}, 0.72f, 0), MakeWord("OE", {317, 1320, 30, 20}, 0.9f, 0)}, 0);
  const PageText clear = ClearLines(found, 0.8);
  ASSERT_EQ(clear.lines.size(), 2u);
  ASSERT_EQ(clear.words.size(), 4u);
  EXPECT_EQ(clear.lines[1].first_word, 2);
  EXPECT_EQ(clear.words[3].text, "2898741147");
  EXPECT_EQ(clear.words[3].line, 1);
  // Added to the first reading, only the NPI line is new: the name is read there already.
  PageText first = SignedLetter();
  EXPECT_EQ(FillGaps(first, clear), 2);
  EXPECT_EQ(first.lines.back().text, "NPI: 2898741147");
}

}  // namespace
}  // namespace faxintake::ocr
