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

TEST(Reread, AWordWhoseBoxTheEngineStretchedOverItsNeighboursIsNotReadAgain) {
  // Seed 21: "PA-1365" boxed over the whole "PA-1365-202206"; read alone, its cut gave
  // "PA-1365-202206", and the authorization number came out "PA1365202206202206".
  const PageText page = Page({
      W("PA-1365", 0.82f, Box{604, 669, 232, 19}),
      W("-", 0.31f, Box{725, 664, 13, 35}),
      W("202206", 0.31f, Box{742, 669, 94, 19}),
      W("12:04PM", 0.60f, Box{900, 669, 100, 19}, 1),
  });
  EXPECT_EQ(WordsToReread(page), (std::vector<int>{2, 3}));
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


// A word with each character's alternatives: `weighed` maps positions to (character, confidence).
Word WithGlyphs(const std::string& text, float confidence, std::vector<std::pair<size_t, CharChoice>> weighed = {}) {
  Word w = W(text, confidence, {603, 1454, 232, 18}, 4);
  for (size_t i = 0; i < text.size(); ++i) {
    Glyph g;
    g.text = std::string(1, text[i]);
    g.choices.push_back({text[i], 0.9f});
    for (const auto& [at, choice] : weighed)
      if (at == i) g.choices.push_back(choice);
    w.glyphs.push_back(g);
  }
  return w;
}

TEST(Reread, TwoModelsReadingTheWordAloneAlikeReplaceItEvenAtAnotherLength) {
  // s0080 of seed 19: "XX18498495" read XXX18498495 inside its line, XX18498495 by both
  // models alone.
  Word word = WithGlyphs("XXX18498495", 0.42f);
  const PageText alone = Page({W("XX18498495", 0.30f)});
  EXPECT_FALSE(TakeRereading(word, alone));  // one model alone, another length: kept
  EXPECT_EQ(word.text, "XXX18498495");
  EXPECT_FALSE(TakeRereading(word, alone, {}, nullptr));
  // The second model reads otherwise: kept.
  const PageText other = Page({W("XX1849B495", 0.8f)});
  EXPECT_FALSE(TakeRereading(word, alone, {}, &other));
  // Both alike (punctuation aside): the first model's reading alone replaces the word.
  const PageText same = Page({W("XX18498495.", 0.6f)});
  ASSERT_TRUE(TakeRereading(word, alone, {}, &same));
  EXPECT_EQ(word.text, "XX18498495");
  EXPECT_EQ(word.line, 4);
  // Alike only without a letter read as a mark (s0048 of seed 9: SZA525589319 read alone
  // as $ZA525589319 and §ZA525589319): kept.
  Word s_word = WithGlyphs("S$ZA525589319", 0.32f);
  const PageText dollar = Page({W("$ZA525589319", 0.73f)});
  const PageText section = Page({W("\u00a7ZA525589319", 0.30f)});
  EXPECT_FALSE(TakeRereading(s_word, dollar, {}, &section));
  EXPECT_EQ(s_word.text, "S$ZA525589319");
  // Both alike but alike the word too (letters and digits): nothing to change.
  Word same_word = WithGlyphs("XX-18498495", 0.42f);
  EXPECT_FALSE(TakeRereading(same_word, alone, {}, &same));
}

TEST(Reread, TheSecondModelSureAloneReplacesTheWordWhenItChangesOnlyLookAlikes) {
  // s0089 of seed 19: an MBI read 7Y7ONKENF6S inside its line and TY7ONKENF65S alone by
  // the first model, 7Y79NK6NF65 at 0.90 by the second: letters for digits, and the 9 for
  // the O weighed by the first reading.
  Word word = WithGlyphs("7Y7ONKENF6S", 0.40f, {{3, {'9', 0.3f}}});
  const PageText alone = Page({W("TY7ONKENF65S", 0.22f)});
  const PageText sure = Page({W("7Y79NK6NF65", 0.90f)});
  ASSERT_TRUE(TakeRereading(word, alone, {}, &sure));
  EXPECT_EQ(word.text, "7Y79NK6NF65");
  EXPECT_FLOAT_EQ(word.confidence, 0.90f);
  EXPECT_EQ(word.line, 4);
  // Not sure enough, or not surer than the word by the margin: kept.
  Word unsure_case = WithGlyphs("7Y7ONKENF6S", 0.40f, {{3, {'9', 0.3f}}});
  const PageText unsure = Page({W("7Y79NK6NF65", 0.80f)});
  EXPECT_FALSE(TakeRereading(unsure_case, alone, {}, &unsure));
  Word sure_word = WithGlyphs("7Y7ONKENF6S", 0.84f, {{3, {'9', 0.3f}}});
  EXPECT_FALSE(TakeRereading(sure_word, alone, {}, &sure));
  // A digit for another digit the first reading never weighed there: kept.
  Word unweighed = WithGlyphs("7Y70NKENF6S", 0.40f);
  EXPECT_FALSE(TakeRereading(unweighed, alone, {}, &sure));
  Word weighed = WithGlyphs("7Y70NKENF6S", 0.40f, {{3, {'9', 0.05f}}});
  EXPECT_TRUE(TakeRereading(weighed, alone, {}, &sure));
  // The first model's reading alone confirms the word (361.555.0156 twice, 0150 by the
  // second model at 0.90): kept.
  Word confirmed = WithGlyphs("361.555.0156", 0.73f, {{11, {'0', 0.4f}}});
  const PageText again = Page({W("361.555.0156", 0.83f)});
  const PageText zero = Page({W("361.555.0150", 0.90f)});
  EXPECT_FALSE(TakeRereading(confirmed, again, {}, &zero));
  EXPECT_EQ(confirmed.text, "361.555.0156");
  // Another count of letters and digits: kept.
  Word shorter = WithGlyphs("7Y7ONKENF6S", 0.40f, {{3, {'9', 0.3f}}});
  const PageText longer = Page({W("7Y79NK6NF655", 0.95f)});
  EXPECT_FALSE(TakeRereading(shorter, alone, {}, &longer));
}

TEST(Reread, TheWordKeepsItsOtherReadingsForTheIdentifierReaders) {
  // Seed 62 s0079: "SWUSWV7JO39" kept (neither reading alone is taken), both readings
  // alone kept on the word.
  Word word = WithGlyphs("SWUSWV7JO39", 0.38f);
  const PageText alone = Page({W("SWUSWV7JQO39", 0.5f)});
  const PageText second = Page({W("3WU9WV7JQ39", 0.72f)});
  EXPECT_FALSE(TakeRereading(word, alone, {}, &second));
  EXPECT_EQ(word.text, "SWUSWV7JO39");
  // Each with the confidence its model read it at.
  EXPECT_EQ(word.readings, (std::vector<WordReading>{{"SWUSWV7JQO39", 0.5f}, {"3WU9WV7JQ39", 0.72f}}));
  // A reading alike the word's no surer than it, or only a mark, is no other reading.
  Word again = WithGlyphs("SWUSWV7JO39", 0.38f);
  const PageText same = Page({W("SWUSWV7JO39", 0.3f)});
  const PageText mark = Page({W("|", 0.5f)});
  EXPECT_FALSE(TakeRereading(again, same, {}, &mark));
  EXPECT_TRUE(again.readings.empty());
  // Surer than the word, it is kept as a confirmation (seed 80 s0038: "UMO9440878" at 0.00
  // on the page, 0.62 alone).
  Word confirmed = WithGlyphs("UMO9440878", 0.0f);
  EXPECT_FALSE(TakeRereading(confirmed, Page({W("UMO9440878", 0.62f)}), {}, &mark));
  EXPECT_EQ(confirmed.readings, (std::vector<WordReading>{{"UMO9440878", 0.62f}}));
  // A reading taken keeps the word's first reading among the others.
  Word taken = WithGlyphs("XXX18498495", 0.42f);
  const PageText both = Page({W("XX18498495.", 0.6f)});
  ASSERT_TRUE(TakeRereading(taken, Page({W("XX18498495", 0.3f)}), {}, &both));
  EXPECT_EQ(taken.text, "XX18498495");
  EXPECT_EQ(taken.readings, (std::vector<WordReading>{{"XXX18498495", 0.42f}, {"XX18498495.", 0.6f}}));
}

TEST(Reread, TheSecondModelTurnsADigitIntoALetterOnlyInALeadingPrefixTheFirstWeighed) {
  const PageText alone = Page({W("-", 0.2f)});
  // The second model reads some 0s as D: 9403323673 as 94D3323673, though the first
  // reading weighed a D there closely.
  Word phone = WithGlyphs("9403323673", 0.79f, {{2, {'D', 0.82f}}});
  const PageText d = Page({W("94D3323673", 0.89f)});
  EXPECT_FALSE(TakeRereading(phone, alone, {}, &d));
  EXPECT_EQ(phone.text, "9403323673");
  // A code's leading letter read as a digit (345.909 for J45.909), weighed by the first.
  Word code = WithGlyphs("345.909", 0.6f, {{0, {'J', 0.61f}}});
  const PageText j = Page({W("J45.909", 0.89f)});
  ASSERT_TRUE(TakeRereading(code, alone, {}, &j));
  EXPECT_EQ(code.text, "J45.909");
  // Weighed too faintly: kept.
  Word faint = WithGlyphs("345.909", 0.6f, {{0, {'J', 0.1f}}});
  EXPECT_FALSE(TakeRereading(faint, alone, {}, &j));
}

}  // namespace
}  // namespace faxintake::ocr
