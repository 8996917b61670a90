// Choosing the words to read again and keeping the surer reading (ocr/reread.h).
#include "ocr/reread.h"

#include <gtest/gtest.h>

#include "tests/ocr/page_text.h"

namespace faxintake::ocr {
namespace {

Word W(const std::string& text, float confidence, Box box = {100, 200, 120, 18}, int line = 0) {
  return MakeWord(text, box, confidence, line);
}

PageText Page(std::vector<Word> words) {
  PageText t;
  t.words = std::move(words);
  return t;
}

TEST(Reread, OnlyUnsureIdentifiersAndDatesAreReadAgainLeastSureFirst) {
  const PageText page = Page({
      W("PA-9032-300619", 0.52f),  // an authorization number read unsure
      W("1405017393", 0.71f),      // a member id
      W("03/04/1956", 0.80f),      // a date
      W("W123456789", 0.95f),      // read sure: left alone
      W("Referral", 0.40f),        // no digits
      W("12:04PM", 0.60f),         // a time: digits enough, read again too
      W("$40", 0.30f),             // too short
  });
  const std::vector<int> words = WordsToReread(page);
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[0], 0);
  EXPECT_EQ(words[1], 5);
  EXPECT_EQ(words[2], 1);
  EXPECT_EQ(words[3], 2);
  RereadOptions few;
  few.max_words = 2;
  EXPECT_EQ(WordsToReread(page, few), (std::vector<int>{0, 5}));
}

TEST(Reread, TheRegionHasAMarginAndStaysInsideTheImage) {
  const Box r = RereadRegion(Box{100, 200, 120, 18}, 1.0, 1728, 2200);
  EXPECT_EQ(r.x, 100 - 9);   // half the height to the sides
  EXPECT_EQ(r.y, 200 - 6);   // a third above and below
  EXPECT_EQ(r.right(), 220 + 9);
  EXPECT_EQ(r.bottom(), 218 + 6);
  // Scaled into the pixel grid the page was read at.
  const Box s = RereadRegion(Box{100, 200, 120, 18}, 2.0, 4000, 5000);
  EXPECT_EQ(s.x, 200 - 18);
  EXPECT_EQ(s.w, 240 + 36);
  // At the page's edge.
  const Box e = RereadRegion(Box{0, 0, 50, 18}, 1.0, 40, 2200);
  EXPECT_EQ(e.x, 0);
  EXPECT_EQ(e.y, 0);
  EXPECT_EQ(e.right(), 40);
  // Close to the words beside it: half the space between them.
  const Box n = RereadRegion(Box{100, 200, 120, 18}, 1.0, 1728, 2200, 6, 10);
  EXPECT_EQ(n.x, 100 - 3);
  EXPECT_EQ(n.right(), 220 + 5);
}

TEST(Reread, TheRoomBesideAWordIsTheSpaceToItsNeighboursOnItsLine) {
  PageText text = Page({W("181196735", 0.7f, {546, 1457, 136, 21}), W("113918", 0.7f, {692, 1457, 70, 21}),
                        W("Other", 0.9f, {800, 1457, 60, 21}), W("below", 0.9f, {692, 1500, 60, 21}, 1)});
  text.lines = {Line{"181196735 113918 Other", {}, 0, 3, 0}, Line{"below", {}, 3, 1, 0}};
  EXPECT_EQ(RoomBeside(text, 1), std::make_pair(10, 38));
  EXPECT_EQ(RoomBeside(text, 0), std::make_pair(1 << 20, 10));
  EXPECT_EQ(RoomBeside(text, 3), std::make_pair(1 << 20, 1 << 20));
}

// "PA-9032-300619" with each character's alternatives; the 9 had 0 second.
Word Unsure() {
  Word w = W("PA-9032-300619", 0.52f, {603, 1454, 232, 18}, 7);
  for (char c : w.text) {
    Glyph g;
    g.text = std::string(1, c);
    g.choices.push_back({c, 0.9f});
    if (c == '9' && w.glyphs.size() == 3) g.choices.push_back({'0', 0.66f});
    w.glyphs.push_back(g);
  }
  return w;
}

TEST(Reread, TheSurerReadingBothReadingsSupportReplacesTheWordWhichKeepsItsLine) {
  Word word = Unsure();
  // Not surer by the margin: kept.
  EXPECT_FALSE(TakeRereading(word, Page({W("PA-0032-300619", 0.55f)})));
  EXPECT_EQ(word.text, "PA-9032-300619");
  // Split into two words: kept.
  EXPECT_FALSE(TakeRereading(word, Page({W("PA-0032", 0.9f), W("300619", 0.9f)})));
  // Nothing read, or only marks: kept.
  EXPECT_FALSE(TakeRereading(word, Page({})));
  EXPECT_FALSE(TakeRereading(word, Page({W("|", 0.9f)})));
  // A character the first reading never weighed there (the 3 read as 8): kept.
  EXPECT_FALSE(TakeRereading(word, Page({W("PA-0082-300619", 0.9f)})));
  // Another length (a character lost at the cut's edge): kept.
  EXPECT_FALSE(TakeRereading(word, Page({W("PA-032-300619", 0.9f)})));
  // A rule read as a mark beside the word does not count as a second word.
  ASSERT_TRUE(TakeRereading(word, Page({W("|", 0.6f), W("PA-0032-300619", 0.82f, {604, 1455, 230, 17}, 0)})));
  EXPECT_EQ(word.text, "PA-0032-300619");
  EXPECT_FLOAT_EQ(word.confidence, 0.82f);
  EXPECT_EQ(word.line, 7);
  EXPECT_EQ(word.box.x, 604);
}

}  // namespace
}  // namespace faxintake::ocr
