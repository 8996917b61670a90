// Identifiers read again from the engine's alternatives. The alternatives below are the
// ones Tesseract gave for misread identifiers on generated fax pages (lstm_choice_mode 2).
#include "extract/choices.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "extract/extractor.h"
#include "extract/validators.h"

namespace faxintake::extract {
namespace {

// A reading from a text, with alternatives at some positions: {position, {{char, conf}...}}
// (the character read comes first with confidence 0.9).
Reading Read(const std::string& text, const std::vector<std::pair<size_t, std::vector<CharChoice>>>& alts = {}) {
  Reading r;
  for (char c : text) r.push_back(ReadChar{{{c, 0.9f}}});
  for (const auto& [i, choices] : alts)
    for (const CharChoice& c : choices) r[i].choices.push_back(c);
  return r;
}

TEST(NpiFromChoices, TakesTheCloseAlternativeThatPassesTheCheckDigit) {
  // 1974614356 fails the check digit; the last digit's 0 weighed at 0.70.
  const Reading r = Read("1974614356", {{9, {{'0', 0.70f}, {'G', 0.26f}, {'O', 0.02f}}}});
  EXPECT_EQ(NpiFromChoices(r).value_or("-"), "1974614350");
}

TEST(NpiFromChoices, NeverUsesAlternativesTheEngineHardlyWeighed) {
  // 1974614359 would pass, but the engine gave its 9 only 0.05.
  const Reading r = Read("1974614356", {{9, {{'9', 0.05f}}}});
  EXPECT_FALSE(NpiFromChoices(r).has_value());
}

TEST(NpiFromChoices, RefusesWhenTwoAlternativesPass) {
  // 1974614350 (last digit 0) and 1974614376 (ninth digit 7) both pass: the
  // engine weighed both closely, so neither is trusted.
  ASSERT_TRUE(NpiIsValid("1974614350"));
  ASSERT_TRUE(NpiIsValid("1974614376"));
  const Reading r = Read("1974614356", {{9, {{'0', 0.70f}}}, {8, {{'7', 0.5f}}}});
  EXPECT_FALSE(NpiFromChoices(r).has_value());
}

TEST(NpiFromChoices, ALetterReadForADigitTakesItsDigitAlternative) {
  // 1974614350 with its 0 read as O (alternatives 0, Q).
  const Reading r = Read("197461435O", {{9, {{'0', 0.4f}, {'Q', 0.1f}}}});
  EXPECT_EQ(NpiFromChoices(r).value_or("-"), "1974614350");
  // A letter with no digit among its readings: no NPI.
  EXPECT_FALSE(NpiFromChoices(Read("197461435X")).has_value());
}

TEST(MbiFromChoices, PositionsTheMbiForbidsTakeTheirAllowedAlternative) {
  // 9QX2N33XM91 read 9OX2N33XM9L: O never appears in an MBI (Q second, at 0.01), and the
  // last position is a digit (1 at 0.36).
  const Reading r = Read("9OX2N33XM9L", {{1, {{'Q', 0.0146f}, {'0', 0.0f}, {'D', 0.0f}}}, {10, {{'1', 0.36f}}}});
  EXPECT_EQ(MbiFromChoices(r).value_or("-"), "9QX2N33XM91");
  // 4CW6D88JG50 read 4CWED88IG50: E in a digit position (6 second), I never in an MBI (J).
  const Reading r2 = Read("4CWED88IG50", {{3, {{'6', 0.48f}, {'B', 0.0f}}}, {7, {{'J', 0.36f}, {'D', 0.18f}}}});
  EXPECT_EQ(MbiFromChoices(r2).value_or("-"), "4CW6D88JG50");
}

TEST(MbiFromChoices, AForbiddenLetterWhereADigitMayStandIsItsLookAlikeDigit) {
  // 9MR9G04TU63 read 9MR9GO4TUG3 (seed 93 s0005): the O is 0, not the H weighed at 0.27;
  // the G in a digit position takes the 6 weighed for it.
  const Reading r = Read("9MR9GO4TUG3", {{5, {{'H', 0.27f}, {'U', 0.2f}}}, {9, {{'B', 0.56f}, {'6', 0.47f}}}});
  EXPECT_EQ(MbiFromChoices(r).value_or("-"), "9MR9G04TU63");
  // An MBI's letter read there stays a letter.
  EXPECT_EQ(MbiFromChoices(Read("9MR9GH4TUG3", {{9, {{'6', 0.47f}}}})).value_or("-"), "9MR9GH4TU63");
  // A letter the engine weighed closely comes first: 6D30VJ9WQ13 read 6D30VI9WQ13, J weighed
  // at 0.71 for the I (seed 90 s0011).
  EXPECT_EQ(MbiFromChoices(Read("6D30VI9WQ13", {{5, {{'J', 0.71f}}}})).value_or("-"), "6D30VJ9WQ13");
}

TEST(MbiFromChoices, LeavesIdsThatAreNoMbi) {
  // Already an MBI: nothing to do.
  EXPECT_FALSE(MbiFromChoices(Read("1EG4TE5MK73")).has_value());
  // A Cigna id (U, ten digits) is eleven characters too: three positions would have to
  // change, more than misreading explains.
  const Reading cigna = Read("U6853592604", {{1, {{'G', 0.3f}}}, {4, {{'S', 0.3f}}}, {7, {{'E', 0.3f}}}, {8, {{'A', 0.3f}}}});
  EXPECT_FALSE(MbiFromChoices(cigna).has_value());
  // A forbidden character with no allowed alternative.
  EXPECT_FALSE(MbiFromChoices(Read("9OX2N33XM91")).has_value());
  // Not eleven characters.
  EXPECT_FALSE(MbiFromChoices(Read("9OX2N33XM9")).has_value());
}

// Seed 56 s0065: the MBI 7DD5QK7JE49 read "7TDDSQK7JE49", its 7 read twice, once as a T
// (each weighing the other), and its 5 as an S (an MBI never holds an S).
TEST(MbiFromDoubledChoices, OneCharacterReadTwiceOnceAsALookAlike) {
  const Reading r = Read("7TDDSQK7JE49", {{0, {{'T', 0.84f}, {'J', 0.59f}}},
                                          {1, {{'7', 0.71f}, {'J', 0.22f}}},
                                          {4, {{'5', 0.07f}}}});
  EXPECT_EQ(MbiFromDoubledChoices(r).value_or("-"), "7DD5QK7JE49");
  // Neighbours that did not weigh each other are no character read twice.
  const Reading apart = Read("7TDDSQK7JE49", {{0, {{'T', 0.84f}}}, {4, {{'5', 0.07f}}}});
  EXPECT_FALSE(MbiFromDoubledChoices(apart).has_value());
  // Nor is a Blue Cross id of twelve characters an MBI.
  EXPECT_FALSE(MbiFromDoubledChoices(Read("XZG743180897", {{0, {{'Z', 0.3f}}}, {1, {{'X', 0.3f}}}})).has_value());
}

// Seed 62 s0079: the MBI 3WU9WV7JQ39 read "SWUSWV7JO39" on the page (no MBI: an S first,
// an O among its letters), "3WU9WV7JQ39" by the second model alone. Seed 62 s0076:
// 9F39WR9FM54 read "SF39WRSFM54", an MBI only with both S taken for 5; alone as printed.
TEST(MbiFromReadings, TheReadingAloneNeedingFewerLookAlikesThanThePages) {
  EXPECT_EQ(MbiFromReadings("SWUSWV7JO39", {"SWUSWV7JQO39", "3WU9WV7JQ39"}).value_or("-"), "3WU9WV7JQ39");
  EXPECT_EQ(MbiFromReadings("SF39WRSFM54", {"SF39WRSFMS4", "9F39WR9FM54"}).value_or("-"), "9F39WR9FM54");
  // Seed 62 s0047: 7UE4NQ0KJ81 read "7UEANQOKIS81L"; alone "7UE4NQOKJ81", its O a 0.
  EXPECT_EQ(MbiFromReadings("7UEANQOKIS81L", {"7UE4NQOKJ81"}).value_or("-"), "7UE4NQ0KJ81");
  // A page reading that is an MBI as read is kept, whatever the readings alone say.
  EXPECT_FALSE(MbiFromReadings("9F39WR5FM54", {"9F39WR9FM54"}).has_value());
  // As many look-alikes as the page's reading needs: kept.
  EXPECT_FALSE(MbiFromReadings("SF39WR9FM54", {"9F39WRSFM54"}).has_value());
  // Two readings alone giving two MBIs with as few repairs: no choice.
  EXPECT_FALSE(MbiFromReadings("SF39WRSFM54", {"9F39WR9FM54", "3F39WR9FM54"}).has_value());
  // Both readings alone giving the same MBI agree.
  EXPECT_EQ(MbiFromReadings("SF39WRSFM54", {"9F39WR9FM54", "9F39WR9FM54."}).value_or("-"), "9F39WR9FM54");
  // Readings that are no MBI: nothing.
  EXPECT_FALSE(MbiFromReadings("SF39WRSFM54", {"SF39WR", "HUMANA"}).has_value());
}

// Seed 67 s0022: Cigna's U7678302404 read "U7678302464", 0 weighed at 0.74 for the second
// 6; Cigna prints a 0 there.
TEST(OneWeighedChange, TheOneCloseAlternativeThatFitsTheShape) {
  const auto cigna = [](const std::string& s) { return FitsMemberIdShape(s, "CIGNA"); };
  EXPECT_EQ(OneWeighedChange(Read("U7678302464", {{9, {{'0', 0.74f}, {'9', 0.06f}}}}), cigna).value_or("-"),
            "U7678302404");
  // Weighed too little, or not at all: nothing.
  EXPECT_FALSE(OneWeighedChange(Read("U7678302464", {{9, {{'0', 0.1f}}}}), cigna).has_value());
  EXPECT_FALSE(OneWeighedChange(Read("U7678302464"), cigna).has_value());
  // Read in the shape already: no change (the caller takes the reading itself).
  EXPECT_FALSE(OneWeighedChange(Read("U7678302404", {{9, {{'6', 0.74f}}}}), cigna).has_value());
  // Two changes that each fit: not sure which.
  const auto nine_digits = [](const std::string& s) {
    return s.size() == 9 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  EXPECT_FALSE(OneWeighedChange(Read("12345678B", {{2, {{'8', 0.5f}}}, {8, {{'8', 0.5f}, {'3', 0.3f}}}}), nine_digits)
                   .has_value());
  EXPECT_EQ(OneWeighedChange(Read("12345678B", {{2, {{'8', 0.5f}}}, {8, {{'8', 0.5f}}}}), nine_digits).value_or("-"),
            "123456788");
}

TEST(OneGlyphReadTwice, TwoNeighboursEachWeighingTheOtherAreOneCharacter) {
  const auto aetna = [](const std::string& s) { return FitsMemberIdShape(s, "AETNA"); };
  // Seed 73 s0004: Aetna's W548825473 read "WS548825473".
  EXPECT_EQ(OneGlyphReadTwice(Read("WS548825473", {{1, {{'5', 0.85f}}}, {2, {{'S', 0.74f}}}}), aetna).value_or("-"),
            "W548825473");
  // Only one of the two weighing the other, or too little: two characters.
  EXPECT_FALSE(OneGlyphReadTwice(Read("WS548825473", {{1, {{'5', 0.85f}}}}), aetna).has_value());
  EXPECT_FALSE(OneGlyphReadTwice(Read("WS548825473", {{1, {{'5', 0.85f}}}, {2, {{'S', 0.1f}}}}), aetna).has_value());
  // In the payer's shape as read: nothing to change.
  EXPECT_FALSE(OneGlyphReadTwice(Read("W548825473", {{1, {{'4', 0.5f}}}, {2, {{'5', 0.5f}}}}), aetna).has_value());
}

TEST(NpiFromReadings, TheOneReadingPassingTheCheckDigit) {
  EXPECT_EQ(NpiFromReadings({"1974614356", "1974614350"}).value_or("-"), "1974614350");
  EXPECT_FALSE(NpiFromReadings({"1974614356"}).has_value());
  EXPECT_FALSE(NpiFromReadings({}).has_value());
  // Two readings passing with different digits: no choice.
  EXPECT_FALSE(NpiFromReadings({"1974614350", "1234567893"}).has_value());
}

TEST(UtnFromReadings, TheTrackingNumberReadAloneWhereThePageLostItsLetter) {
  // Seed 61 s0048: 84A39341947633 read "8439341947633." in a letter, "84A39341947633," alone.
  EXPECT_EQ(UtnFromReadings("8439341947633", {"84A39341947633,", "84439341947633."}).value_or("-"), "84A39341947633");
  // A tracking number as read is kept.
  EXPECT_FALSE(UtnFromReadings("84H39341947633", {"84A39341947633"}).has_value());
  // Two readings alone giving two numbers: no choice.
  EXPECT_FALSE(UtnFromReadings("8439341947633", {"84A39341947633", "84H39341947633"}).has_value());
  EXPECT_FALSE(UtnFromReadings("8439341947633", {"84439341947633"}).has_value());
}

TEST(UtnFromChoices, DigitsReadAsLettersBeforeTheAOrH) {
  // 43H90289729584 read ABH90289729584 (4 and 3 the second readings).
  const Reading r = Read("ABH90289729584", {{0, {{'4', 0.3f}}}, {1, {{'3', 0.2f}, {'8', 0.1f}}}});
  EXPECT_EQ(UtnFromChoices(r).value_or("-"), "43H90289729584");
  EXPECT_FALSE(UtnFromChoices(Read("43H90289729584")).has_value());
  EXPECT_FALSE(UtnFromChoices(Read("ABH90289729584")).has_value());  // no digit readings
}

TEST(AuthPrefixFromChoices, ADigitReadForTheFirstLetterOfThePrefix) {
  // UM61172523 read 1M61172523, U weighed at 0.52 for the 1.
  EXPECT_EQ(AuthPrefixFromChoices(Read("1M61172523", {{0, {{'U', 0.52f}}}})).value_or("-"), "UM61172523");
  // TF42360658 read 1F42360658: 7 weighed before T, the letter is taken.
  EXPECT_EQ(AuthPrefixFromChoices(Read("1F42360658", {{0, {{'7', 0.43f}, {'T', 0.27f}}}})).value_or("-"),
            "TF42360658");
  // A letter the engine hardly weighed, or none: kept as read.
  EXPECT_FALSE(AuthPrefixFromChoices(Read("1M61172523", {{0, {{'U', 0.1f}}}})).has_value());
  EXPECT_FALSE(AuthPrefixFromChoices(Read("1M61172523")).has_value());
  // Other shapes are not touched: all digits, a Medicare tracking number, letters first.
  EXPECT_FALSE(AuthPrefixFromChoices(Read("1961172523", {{0, {{'U', 0.6f}}}})).has_value());
  EXPECT_FALSE(AuthPrefixFromChoices(Read("43H90289729584", {{0, {{'A', 0.6f}}}})).has_value());
  EXPECT_FALSE(AuthPrefixFromChoices(Read("UM61172523", {{0, {{'V', 0.6f}}}})).has_value());
  EXPECT_FALSE(AuthPrefixFromChoices(Read("1M61172", {{0, {{'U', 0.6f}}}})).has_value());  // five digits
  // Digits only, the first a letter the engine ranked far above it (seed 117 s0013: A at 0.91,
  // 4 at 0.29). Not when it ranked the letter close: ten digits are a number's shape too.
  Reading ranked = Read("4440229740", {{0, {{'A', 0.91f}}}});
  ranked[0].choices[0].confidence = 0.29f;
  EXPECT_EQ(AuthPrefixFromChoices(ranked).value_or("-"), "A440229740");
  ranked[0].choices[0].confidence = 0.7f;
  EXPECT_FALSE(AuthPrefixFromChoices(ranked).has_value());
  EXPECT_FALSE(AuthPrefixFromChoices(Read("4440229740", {{0, {{'A', 0.6f}}}})).has_value());
}

// AuthPrefixFromReadings with the payers' prefixes a default configuration holds.
std::optional<std::string> Alone(const std::string& value, const Reading& reading,
                                 const std::vector<std::string>& readings) {
  return AuthPrefixFromReadings(value, reading, readings, ExtractorOptions{}.authorization_prefixes);
}

// A reading alone one slip apart in the prefix (Word::readings).
TEST(AuthPrefixFromReadings, TheBoundaryLetterAsItsDigitOrAStrokeLeftOut) {
  // Seed 115 s0042: ML67852506 read "MLG7852506", 6 weighed at 0.62 for the G.
  const Reading mlg = Read("MLG7852506", {{2, {{'6', 0.62f}}}});
  EXPECT_EQ(Alone("MLG7852506", mlg, {"MLG67852506", "ML67852506"}).value_or("-"), "ML67852506");
  // Without the engine weighing the digit, or without such a reading alone: as read.
  EXPECT_FALSE(Alone("MLG7852506", Read("MLG7852506"), {"ML67852506"}).has_value());
  EXPECT_FALSE(Alone("MLG7852506", mlg, {"MLG67852506"}).has_value());
  // Seed 117 s0056: AG05004712 and " A605004712" alone.
  EXPECT_EQ(Alone("AG05004712", Read("AG05004712", {{1, {{'6', 0.76f}}}}), {" A605004712"})
                .value_or("-"),
            "A605004712");
  // Seed 117 s0062: HN84110405 read "HIN84110405", alone "HN84110405"; not the first
  // letter, and not a two-letter prefix (one letter would be left).
  EXPECT_EQ(Alone("HIN84110405", Read("HIN84110405"), {"FIN84110405", "HN84110405"}).value_or("-"),
            "HN84110405");
  EXPECT_FALSE(Alone("IHN84110405", Read("IHN84110405"), {"HN84110405"}).has_value());
  EXPECT_FALSE(Alone("HI84110405", Read("HI84110405"), {"H84110405"}).has_value());
  // A prefix no payer prints, read alone as one that does before the same digits (seed 118
  // s0073); not with other digits, nor over a known prefix.
  EXPECT_EQ(Alone("IIM87790467", Read("IIM87790467"), {"1M87790467", "UM87790467"}).value_or("-"), "UM87790467");
  EXPECT_FALSE(Alone("IIM87790467", Read("IIM87790467"), {"UM87790461"}).has_value());
  EXPECT_FALSE(Alone("PA87790467", Read("PA87790467"), {"UM87790467"}).has_value());
  // Two readings giving two fixes: none.
  EXPECT_FALSE(
      Alone("MIG7852506", Read("MIG7852506", {{2, {{'6', 0.62f}}}}), {"MI67852506", "MG7852506"})
          .has_value());
}

// The repair with the payers' prefixes a default configuration holds.
std::optional<std::string> Known(const Reading& reading,
                                 const std::vector<std::string>& prefixes = ExtractorOptions{}.authorization_prefixes) {
  return AuthPrefixFromKnown(reading, prefixes);
}

TEST(AuthPrefixFromKnown, APrefixOneLetterOffAKnownOneWhereTheEngineWeighedIt) {
  // UM88107610 read TM88107610 at normal resolution, U second at 0.59 for the T.
  EXPECT_EQ(Known(Read("TM88107610", {{0, {{'U', 0.59f}}}})).value_or("-"), "UM88107610");
  // REF2799658 read RIF2799658, E weighed for the I.
  EXPECT_EQ(Known(Read("RIF2799658", {{1, {{'E', 0.3f}}}})).value_or("-"), "REF2799658");
  // Without the engine's weighing the prefix is the payer's own ("TM", "TF" are printed too).
  EXPECT_FALSE(Known(Read("TM88107610")).has_value());
  EXPECT_FALSE(Known(Read("TM88107610", {{0, {{'U', 0.1f}}}})).has_value());
  EXPECT_FALSE(Known(Read("TF42360658", {{0, {{'U', 0.5f}}}})).has_value());  // two letters off UM
  // A known prefix read as printed stays, whatever else was weighed.
  EXPECT_FALSE(Known(Read("PA136520220", {{0, {{'U', 0.5f}}}})).has_value());
  // Not an authorization number's shape: too few digits, letters after the digits, one letter.
  EXPECT_FALSE(Known(Read("TM88107", {{0, {{'U', 0.59f}}}})).has_value());
  EXPECT_FALSE(Known(Read("TM881076X0", {{0, {{'U', 0.59f}}}})).has_value());
  EXPECT_FALSE(Known(Read("M57888887", {{0, {{'U', 0.59f}}}})).has_value());
  // A known prefix with the first digit read as a letter after it.
  EXPECT_EQ(Known(Read("REFO584670")).value_or("-"), "REF0584670");
  EXPECT_EQ(Known(Read("REFOS84670", {{4, {{'5', 0.3f}}}})).value_or("-"), "REF0584670");
  EXPECT_FALSE(Known(Read("REFOS84670")).has_value());
  EXPECT_FALSE(Known(Read("REFO5846")).has_value());  // five digits: no number
  EXPECT_EQ(Known(Read("UMS1097398", {{2, {{'5', 0.4f}}}})).value_or("-"), "UM51097398");
  EXPECT_FALSE(Known(Read("UMS1097398")).has_value());  // an S the engine did not doubt
  // A three-letter prefix whose later letter was read as a look-alike (seeds 41 and 42),
  // and a U read as two strokes; a two-letter prefix is not read so ("TF" is printed too).
  EXPECT_EQ(Known(Read("REP9486197")).value_or("-"), "REF9486197");
  EXPECT_EQ(Known(Read("REL7244969")).value_or("-"), "REF7244969");
  EXPECT_FALSE(Known(Read("RXF9486197")).has_value());  // X is no look-alike of E
  // Or read as another letter, the engine weighing look-alikes of it (seed 93 s0087).
  EXPECT_EQ(Known(Read("REV7453965", {{2, {{'E', 0.58f}, {'P', 0.48f}}}})).value_or("-"), "REF7453965");
  EXPECT_FALSE(Known(Read("REV7453965")).has_value());
  EXPECT_FALSE(Known(Read("REV7453965", {{2, {{'E', 0.1f}}}})).has_value());
  // A stroke read inside a known prefix (seed 93 s0034); not before it, nor in an unknown one.
  EXPECT_EQ(Known(Read("UIM81362099")).value_or("-"), "UM81362099");
  EXPECT_EQ(Known(Read("UJM11542448")).value_or("-"), "UM11542448");  // seed 120 s0065
  EXPECT_FALSE(Known(Read("UJX11542448")).has_value());
  EXPECT_EQ(Known(Read("PLA81362099")).value_or("-"), "PA81362099");
  EXPECT_FALSE(Known(Read("IUM81362099")).has_value());
  EXPECT_FALSE(Known(Read("UIX81362099")).has_value());
  EXPECT_FALSE(Known(Read("UIM81362")).has_value());  // six digits at least
  EXPECT_FALSE(Known(Read("NM88107610")).has_value());
  EXPECT_EQ(Known(Read("LJM03626608")).value_or("-"), "UM03626608");
  EXPECT_EQ(Known(Read("TIM67466173")).value_or("-"), "UM67466173");  // seed 89 s0013
  EXPECT_EQ(Known(Read("IIM87790467")).value_or("-"), "UM87790467");  // seed 118 s0073
  EXPECT_FALSE(Known(Read("IIX87790467")).has_value());
  // An F whose middle bar was lost reads T ("RET'0546975", seed 117 s0022).
  EXPECT_EQ(Known(Read("RET0546975")).value_or("-"), "REF0546975");
  EXPECT_FALSE(Known(Read("TIX67466173")).has_value());
  EXPECT_FALSE(Known(Read("LJX03626608")).has_value());
  // Both at once: a look-alike in the prefix and the first digit read as a letter the
  // engine weighed an 8 for ("REEB296044" for REF8296044, seed 85 s0031).
  EXPECT_EQ(Known(Read("REEB296044", {{3, {{'8', 0.7f}}}})).value_or("-"), "REF8296044");
  EXPECT_FALSE(Known(Read("REEB296044")).has_value());
  EXPECT_FALSE(Known(Read("RXEB296044", {{3, {{'8', 0.7f}}}})).has_value());  // two letters off
  // Two known prefixes as near: none is chosen.
  EXPECT_FALSE(Known(Read("XA12345678", {{0, {{'U', 0.5f}, {'P', 0.4f}}}}), {"UA", "PA"}).has_value());
  EXPECT_FALSE(Known(Read("XAB2345678", {{0, {{'U', 0.5f}, {'P', 0.4f}}}, {2, {{'8', 0.5f}}}}), {"UA", "PA"})
                   .has_value());
}

TEST(AuthPrefixFromKnown, OnlyThePrefixesConfigured) {
  // A practice whose payer prints XG numbers configures XG: a lost X weighed back is found.
  EXPECT_EQ(Known(Read("KG97165640", {{0, {{'X', 0.4f}}}}), {"XG"}).value_or("-"), "XG97165640");
  EXPECT_FALSE(Known(Read("KG97165640", {{0, {{'X', 0.4f}}}})).has_value());
  // With no prefixes configured nothing is corrected.
  EXPECT_FALSE(Known(Read("TM88107610", {{0, {{'U', 0.59f}}}}), {}).has_value());
  EXPECT_FALSE(Known(Read("REFO584670"), {}).has_value());
}

TEST(AppendReading, GlyphsGiveTheAlternativesAndOnlyLettersAndDigitsCount) {
  Word w;
  w.text = "12-a";
  w.glyphs = {{"1", {{'1', 0.9f}, {'I', 0.2f}, {'|', 0.1f}}}, {"2", {{'2', 0.95f}}}, {"-", {{'-', 0.9f}}},
              {"a", {{'a', 0.8f}, {'o', 0.3f}, {'A', 0.2f}}}};
  Reading r;
  AppendReading(&w, w.text, r);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(BestText(r), "12A");
  ASSERT_EQ(r[0].choices.size(), 2u);  // '|' is no letter or digit
  EXPECT_EQ(r[0].choices[1].c, 'I');
  ASSERT_EQ(r[2].choices.size(), 2u);  // 'A' is the same letter as the 'a' read
  EXPECT_EQ(r[2].choices[1].c, 'O');
  // The character read keeps the confidence the engine gave it, though it ranked another
  // first (seed 117 s0013: "4440229740", A at 0.91 and 4 at 0.29 for the first glyph).
  Word ranked;
  ranked.text = "44";
  ranked.glyphs = {{"4", {{'A', 0.91f}, {'4', 0.29f}}}, {"4", {{'4', 0.92f}}}};
  Reading rr;
  AppendReading(&ranked, ranked.text, rr);
  ASSERT_EQ(rr[0].choices.size(), 2u);
  EXPECT_EQ(rr[0].choices[0].c, '4');
  EXPECT_FLOAT_EQ(rr[0].choices[0].confidence, 0.29f);
  EXPECT_EQ(rr[0].choices[1].c, 'A');
  // Without glyphs (text-layer words, pages read back from the store): the text alone.
  Reading plain;
  AppendReading(nullptr, "NPI 19-7", plain);
  EXPECT_EQ(BestText(plain), "NPI197");
  EXPECT_EQ(plain[0].choices.size(), 1u);
}

// Seed 53 s0008: "X£(G743180897", the Z of XZG read as a pound sign with Z weighed at
// 0.62 (the engine's alternatives hold ASCII only). The £ counts as the letters and digits
// weighed closely for it; the bracket, read as itself, is left out.
TEST(AppendReading, AGlyphOutsideAsciiCountsAsWhatTheEngineWeighedForIt) {
  Word w;
  w.text = "X\u00a3(G7";
  w.glyphs = {{"X", {{'X', 0.91f}}},
              {"\u00a3", {{'Z', 0.62f}, {'4', 0.57f}, {'L', 0.44f}, {'E', 0.1f}}},
              {"(", {{'(', 0.9f}, {'0', 0.36f}}},
              {"G", {{'G', 0.91f}}},
              {"7", {{'7', 0.94f}}}};
  Reading r;
  AppendReading(&w, w.text, r);
  EXPECT_EQ(BestText(r), "XZG7");
  ASSERT_EQ(r[1].choices.size(), 3u);  // E weighed at 0.1 is no reading of it
  EXPECT_EQ(r[1].choices[1].c, '4');
  // One the engine weighed nothing for closely is left out, as a mark is.
  w.glyphs[1].choices = {{'E', 0.1f}};
  Reading faint;
  AppendReading(&w, w.text, faint);
  EXPECT_EQ(BestText(faint), "XG7");
}

// A word with the engine's glyphs: each glyph read first with its alternatives after it.
Word GlyphWord(const std::vector<std::pair<char, std::vector<CharChoice>>>& glyphs) {
  Word w;
  for (const auto& [c, alts] : glyphs) {
    w.text += c;
    Glyph g;
    g.text = std::string(1, c);
    g.choices.push_back({c, 0.9f});
    for (const CharChoice& a : alts) g.choices.push_back(a);
    w.glyphs.push_back(g);
  }
  return w;
}

// The glyphs of `text`, each read with confidence 0.9 and the alternatives given at some
// positions.
Word MarkedWord(const std::string& text, const std::vector<std::pair<size_t, std::vector<CharChoice>>>& alts = {}) {
  Word w;
  w.text = text;
  for (char c : text) w.glyphs.push_back({std::string(1, c), {{c, 0.9f}}});
  for (const auto& [i, choices] : alts)
    for (const CharChoice& c : choices) w.glyphs[i].choices.push_back(c);
  return w;
}

TEST(DigitForMark, MarksReadForDigitsInsideIdentifiers) {
  // The authorization numbers and the NPI of seeds 39 and 40, as Tesseract weighed them.
  const Word slash = MarkedWord("HB/1566462", {{2, {{'7', 0.35f}, {'?', 0.04f}}}});
  EXPECT_EQ(DigitForMark(slash, 2), '7');
  EXPECT_EQ(TextWithMarksRead(slash), "HB71566462");
  const Word bracket = MarkedWord("59A05303888)32", {{11, {{'1', 0.68f}, {'}', 0.62f}}}});
  EXPECT_EQ(TextWithMarksRead(bracket), "59A05303888132");
  // A brace closing a run of digits is a 1 by its shape.
  EXPECT_EQ(TextWithMarksRead(MarkedWord("293756871}", {{9, {{')', 0.7f}, {'3', 0.39f}}}})), "2937568711");
  // A question mark among the digits: the digit weighed for it (seed 108 s0040's Medicare
  // tracking number, "46H98758?" then "72742"); none weighed, it stays a mark.
  EXPECT_EQ(TextWithMarksRead(MarkedWord("46H98758?", {{8, {{'2', 0.68f}, {'3', 0.01f}}}})), "46H987582");
  EXPECT_EQ(TextWithMarksRead(MarkedWord("46H98758?")), "46H98758?");
  EXPECT_EQ(TextWithMarksRead(MarkedWord("Is it 2?", {{7, {{'2', 0.5f}}}})), "Is it 2?");
  Reading r;
  AppendReading(&bracket, bracket.text, r);
  EXPECT_EQ(BestText(r), "59A05303888132");
  EXPECT_EQ(r[11].choices.size(), 1u);  // only digits among a mark's alternatives
}

TEST(DigitForMark, DatesRangesAndBracketsKeepTheirMarks) {
  // A slash between digits is a date's or a ratio's, even with a digit weighed for it.
  EXPECT_EQ(TextWithMarksRead(MarkedWord("03/041956", {{2, {{'7', 0.5f}}}})), "03/041956");
  // No digit weighed for the slash: nothing to read it as.
  EXPECT_EQ(TextWithMarksRead(MarkedWord("HB/1566462")), "HB/1566462");
  // A word holding other marks: the bracket is the word's own ("(N39.0)").
  EXPECT_EQ(TextWithMarksRead(MarkedWord("(12345)6", {{6, {{'1', 0.6f}}}})), "(12345)6");
  // A closing parenthesis at the end may close a number printed in parentheses.
  EXPECT_EQ(TextWithMarksRead(MarkedWord("2937568711)", {{10, {{'1', 0.6f}}}})), "2937568711)");
  // Too few digits to be an identifier.
  EXPECT_EQ(TextWithMarksRead(MarkedWord("AB)12", {{2, {{'1', 0.6f}}}})), "AB)12");
  // Glyphs that do not spell the text: the text as read.
  Word odd = MarkedWord("HB/1566462", {{2, {{'7', 0.35f}}}});
  odd.text = "HB/156646";
  EXPECT_EQ(TextWithMarksRead(odd), "HB/156646");
  // Read again alone, surely, without the mark: no character stood there (seed 79 s0023:
  // "RT/70938566" on the page, "RT70938566" at 0.93 by the second model, 7 weighed for the
  // slash). An unsure reading alone does not say so.
  Word reread = MarkedWord("RT/70938566", {{2, {{'7', 0.4f}}}});
  EXPECT_EQ(TextWithMarksRead(reread), "RT770938566");
  reread.readings = {{"RT/0938566", 0.85f}, {"RT70938566", 0.6f}};
  EXPECT_EQ(TextWithMarksRead(reread), "RT770938566");
  reread.readings = {{"RT/0938566", 0.852f}, {"RT70938566", 0.925f}};
  EXPECT_EQ(TextWithMarksRead(reread), "RT/70938566");
  // The slash weighed a 7 and the 7 after it weighed a slash: one 7 read twice (seed 83
  // s0090, "GT/71981270" for GT71981270).
  EXPECT_EQ(TextWithMarksRead(MarkedWord("GT/71981270", {{2, {{'7', 0.75f}}}, {3, {{'/', 0.79f}}}})),
            "GT/71981270");
  EXPECT_EQ(TextWithMarksRead(MarkedWord("GT/71981270", {{2, {{'7', 0.75f}}}, {3, {{'/', 0.1f}}}})),
            "GT771981270");
}

TEST(DigitsWeighed, TheDigitTheEngineWeighedFirstForEachCharacter) {
  Word w;
  w.text = "T8G";
  w.glyphs = {{"T", {{'T', 0.89f}, {'1', 0.23f}, {'P', 0.07f}}},
              {"8", {{'8', 0.92f}, {'S', 0.58f}}},
              {"G", {{'G', 0.93f}, {'6', 0.42f}, {'0', 0.10f}}}};
  Reading r;
  AppendReading(&w, w.text, r);
  EXPECT_EQ(DigitsWeighed(r), "186");
  EXPECT_EQ(DigitsWeighed(r, 0.3f), " 86");  // the 1 is weighed below 0.3
  Reading plain;
  AppendReading(nullptr, "TX", plain);
  EXPECT_EQ(DigitsWeighed(plain), "  ");
}

std::string ParseDate(const std::string& text) {
  DateOptions o;
  o.kind = DateKind::kBirth;
  o.today = Ymd{2026, 3, 16};
  return FindDate(text, o).value;
}

TEST(DateFromChoices, ADateCellReadWithLettersForItsFirstDigits) {
  // "TP25/ 1998" for 07/25/1998 (the leading 0 lost): the 7 weighed 0.67 for the T, the
  // slash 0.68 for the P (Tesseract's alternatives on a noisy fine page).
  const Word day = GlyphWord({{'T', {{'7', 0.67f}, {'Z', 0.64f}, {'J', 0.44f}}},
                              {'P', {{'F', 0.75f}, {'/', 0.68f}, {'I', 0.67f}}},
                              {'2', {{'Z', 0.25f}}},
                              {'5', {{'8', 0.0f}}},
                              {'/', {{')', 0.12f}}}});
  const Word year = GlyphWord({{'1', {{'4', 0.28f}}}, {'9', {}}, {'9', {}}, {'8', {{'B', 0.80f}}}});
  EXPECT_EQ(DateFromChoices({&day, &year}, ParseDate).value_or("-"), "1998-07-25");
}

// Seed 55 s0007: "Date of Birth: Q5- 1H- 1942" for 05-18-1942. The engine weighed O, not
// 0, for the Q: its look-alike digit stands; the H weighed 8 at 0.45. The year's 2 also
// weighed 0, 9 and 7, each a third change: the reading of two changes is the date.
TEST(DateFromChoices, ALetterTakesItsLookAlikeDigitAndTheFewestChangesWin) {
  const Word month = GlyphWord({{'Q', {{'O', 0.66f}, {'0', 0.16f}}}, {'5', {{'D', 0.65f}}}, {'-', {{'~', 0.35f}}}});
  const Word day = GlyphWord({{'1', {{'T', 0.65f}}}, {'H', {{'K', 0.67f}, {'8', 0.45f}}}, {'-', {}}});
  const Word year = GlyphWord({{'1', {}}, {'9', {}}, {'4', {}}, {'2', {{'0', 0.49f}, {'9', 0.47f}, {'7', 0.45f}}}});
  EXPECT_EQ(DateFromChoices({&month, &day, &year}, ParseDate).value_or("-"), "1942-05-18");
  // Two readings of the fewest changes are no date.
  const Word unsure = GlyphWord({{'1', {}}, {'H', {{'8', 0.45f}, {'6', 0.44f}}}, {'-', {}}});
  EXPECT_FALSE(DateFromChoices({&month, &unsure, &year}, ParseDate).has_value());
}

TEST(DateFromChoices, ASlashReadAsADigit) {
  // "7122/1970" for 7/22/1970: the slash weighed 0.59 for the first 1.
  const Word w = GlyphWord({{'7', {{'T', 0.19f}}}, {'1', {{'/', 0.59f}, {'!', 0.29f}, {'4', 0.29f}}},
                            {'2', {}}, {'2', {}}, {'/', {{'1', 0.44f}, {'4', 0.44f}}}, {'1', {}}, {'9', {}},
                            {'7', {}}, {'0', {}}});
  EXPECT_EQ(DateFromChoices({&w}, ParseDate).value_or("-"), "1970-07-22");
}

TEST(DateFromChoices, AMonthNameKeptAndABracketAroundLeftOut) {
  // "(NOB 91 Jun 1998)" for 01 Jun 1998: 0 weighed 0.60 for the 9; the month read without
  // alternatives and the closing bracket glued to the year (seed 45 s0015).
  const Word day = GlyphWord({{'9', {{'O', 0.75f}, {'0', 0.60f}, {'@', 0.59f}}}, {'1', {{'l', 0.0f}}}});
  Word month;
  month.text = "Jun";
  const Word year = GlyphWord({{'1', {}}, {'9', {}}, {'9', {{'8', 0.0f}}}, {'8', {}}, {')', {{']', 0.0f}}}});
  EXPECT_EQ(DateFromChoices({&day, &month, &year}, ParseDate).value_or("-"), "1998-06-01");
  // A word of letters that names no month is no part of a date.
  Word junk;
  junk.text = "Jxn";
  EXPECT_FALSE(DateFromChoices({&day, &junk, &year}, ParseDate).has_value());
  // A bracket inside the words is no edge: it must be read as part of the date.
  const Word inner = GlyphWord({{'0', {}}, {')', {{']', 0.0f}}}, {'1', {}}});
  EXPECT_FALSE(DateFromChoices({&inner, &month, &year}, ParseDate).has_value());
}

TEST(DateFromChoices, NothingWhenTheAlternativesAllowTwoDatesOrNone) {
  // 3/1?/1970: the second digit of the day weighed as 2 and as 7 alike.
  const Word two = GlyphWord({{'3', {}}, {'/', {}}, {'1', {}}, {'Q', {{'2', 0.6f}, {'7', 0.6f}}}, {'/', {}},
                              {'1', {}}, {'9', {}}, {'7', {}}, {'0', {}}});
  EXPECT_FALSE(DateFromChoices({&two}, ParseDate).has_value());
  // A letter with no close digit: no date.
  const Word none = GlyphWord({{'N', {{'A', 0.74f}}}, {'9', {}}, {'4', {}}, {'5', {}}});
  EXPECT_FALSE(DateFromChoices({&none}, ParseDate).has_value());
  // Words without the engine's alternatives are not guessed at.
  Word plain;
  plain.text = "TP25/";
  EXPECT_FALSE(DateFromChoices({&plain}, ParseDate).has_value());
}

}  // namespace
}  // namespace faxintake::extract
