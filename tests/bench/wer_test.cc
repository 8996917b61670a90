#include "bench/wer.h"

#include <gtest/gtest.h>

namespace faxintake::bench {
namespace {

using Words = std::vector<std::string>;

TEST(NormalizeWordsTest, CollapsesWhitespaceAndStripsEdgePunctuation) {
  EXPECT_EQ(NormalizeWords("  The (quick)\n\n[brown]\t{fox} jumps!  "),
            (Words{"The", "quick", "brown", "fox", "jumps"}));
}

TEST(NormalizeWordsTest, KeepsCaseAndInnerPunctuation) {
  EXPECT_EQ(NormalizeWords("E-mail 12.5% M17.11, $43,456.78"), (Words{"E-mail", "12.5", "M17.11", "43,456.78"}));
  EXPECT_EQ(NormalizeWords("SHE she"), (Words{"SHE", "she"}));
}

TEST(NormalizeWordsTest, StripsUnicodeQuotesAndDropsPunctuationOnlyWords) {
  EXPECT_EQ(NormalizeWords("\u201EDer\u201D \u2014 \u2018It\u2019s\u2019 | ... -"), (Words{"Der", "It\u2019s"}));
  EXPECT_TRUE(NormalizeWords("").empty());
  EXPECT_TRUE(NormalizeWords(" \n\t ").empty());
}

TEST(WordEditDistanceTest, CountsSubstitutionsInsertionsDeletions) {
  EXPECT_EQ(WordEditDistance({}, {}), 0);
  EXPECT_EQ(WordEditDistance({"a", "b"}, {}), 2);
  EXPECT_EQ(WordEditDistance({}, {"a", "b", "c"}), 3);
  EXPECT_EQ(WordEditDistance({"a", "b", "c"}, {"a", "b", "c"}), 0);
  EXPECT_EQ(WordEditDistance({"a", "b", "c"}, {"a", "x", "c"}), 1);       // substitution
  EXPECT_EQ(WordEditDistance({"a", "b", "c"}, {"a", "c"}), 1);            // deletion
  EXPECT_EQ(WordEditDistance({"a", "b", "c"}, {"a", "b", "x", "c"}), 1);  // insertion
  EXPECT_EQ(WordEditDistance({"a", "b"}, {"b", "a"}), 2);                 // order matters
  EXPECT_EQ(WordEditDistance({"k", "s"}, {"s", "k", "x"}), 2);  // insert "s", keep "k", "s" -> "x"
  EXPECT_EQ(WordEditDistance({"a", "b", "c", "d"}, {"x", "y"}), 4);
}

TEST(WordsMatchedIgnoringOrderTest, IsAMultisetIntersection) {
  EXPECT_EQ(WordsMatchedIgnoringOrder({"a", "b", "a"}, {"b", "a", "c"}), 2);
  EXPECT_EQ(WordsMatchedIgnoringOrder({"a", "a"}, {"a", "a", "a"}), 2);
  EXPECT_EQ(WordsMatchedIgnoringOrder({"a"}, {}), 0);
}

TEST(ComputeWerTest, NormalizesBothSides) {
  const WerCounts c = ComputeWer("The quick brown fox.", "the quick  brown\nfox");
  EXPECT_EQ(c.reference_words, 4);
  EXPECT_EQ(c.hypothesis_words, 4);
  EXPECT_EQ(c.errors, 1);  // case is kept: "The" vs "the"
  EXPECT_EQ(c.matched_any_order, 3);
  EXPECT_DOUBLE_EQ(c.wer(), 0.25);
}

TEST(ComputeWerTest, EmptyReference) {
  EXPECT_DOUBLE_EQ(ComputeWer("", "").wer(), 0.0);
  EXPECT_DOUBLE_EQ(ComputeWer("", "noise").wer(), 1.0);
  EXPECT_DOUBLE_EQ(ComputeWer("a b", "").wer(), 1.0);
}

TEST(ComputeWerTest, WerCanExceedOneWithManyInsertions) {
  EXPECT_DOUBLE_EQ(ComputeWer("a", "x y z").wer(), 3.0);
}

TEST(WerCountsTest, AddSumsCountsSoWerIsMicroAveraged) {
  WerCounts total;
  total.Add(ComputeWer("a b c d", "a b c d"));
  total.Add(ComputeWer("e f", "e x"));
  EXPECT_EQ(total.errors, 1);
  EXPECT_EQ(total.reference_words, 6);
  EXPECT_DOUBLE_EQ(total.wer(), 1.0 / 6.0);
}

}  // namespace
}  // namespace faxintake::bench
