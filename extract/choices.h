// Identifiers read again from the engine's own alternatives for each character.
//
// Tesseract's LSTM weighs several readings of every character (Word::glyphs). When an
// identifier as read fails its check digit or its fixed shape, the reading that passes
// is often among those alternatives: an NPI's last digit read 6 with 0 close behind, an
// MBI's Q read O (O never appears in an MBI) with Q second. These functions choose among
// the alternatives by the identifier's rule and never invent a character the engine did
// not consider.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"

namespace faxintake::extract {

// One letter or digit of a value as read: upper case, the readings best first (the one
// read first of all). A character without alternatives holds only itself.
struct ReadChar {
  std::vector<CharChoice> choices;
  char best() const { return choices.empty() ? '\0' : choices.front().c; }
};
using Reading = std::vector<ReadChar>;

// The digit a mark stands for inside an identifier, where `word`'s glyph `i` is a mark
// read for a digit: a closing bracket or bar between letters and digits ("59A05303888)32",
// 1 weighed at 0.68), the same closing a run of digits ("293756871}"), a slash between a
// letter and a digit with a digit weighed for it ("HB/1566462", 7 at 0.35), a question
// mark with a digit weighed for it ("46H98758?", 2 at 0.68). The word must hold no other
// mark, so dates, ranges and bracketed codes keep theirs. nullopt otherwise.
std::optional<char> DigitForMark(const Word& word, size_t i);
// `word`'s text with each mark DigitForMark reads as a digit replaced by it; the text as
// read when its glyphs do not spell it.
std::string TextWithMarksRead(const Word& word);

// The letters and digits of a word, with the glyph alternatives when the word has them
// (a glyph that is no letter or digit, such as a dash, is left out unless DigitForMark
// reads it, as are alternatives that are none; a glyph outside ASCII, such as "£", counts
// as the letters and digits weighed for it at 0.4 or more); from the text alone otherwise.
void AppendReading(const Word* source, const std::string& text, Reading& out);
// The reading's best characters ("" when empty).
std::string BestText(const Reading& reading);
// For each character of the reading, the digit the engine weighed first for it at
// `at_least` or more (a T read with 1 second at 0.23), or a space when none.
std::string DigitsWeighed(const Reading& reading, float at_least = 0.2f);

// A ten-digit NPI passing the check digit, from a reading that does not pass as read: each
// character its best digit reading (at most two positions may take a digit that was not
// read first), then, when the check digit fails, one character replaced by a digit the
// engine weighed closely (confidence 0.2 or more). nullopt unless exactly one NPI results.
std::optional<std::string> NpiFromChoices(const Reading& reading);

// An MBI from an eleven-character reading that is not one as read: at each position whose
// best character the MBI pattern forbids there, the best alternative it allows (at most
// two such positions). nullopt when a position has no allowed reading.
std::optional<std::string> MbiFromChoices(const Reading& reading);

// An MBI from a twelve-character reading holding one character twice, read once as a
// look-alike: two neighbours that each weighed the other closely (0.2 or more), one of
// them left out ("7TDDSQK7JE49" for 7DD5QK7JE49, the 7 weighing T and the T weighing 7;
// seed 56 s0065), then positions fixed as for MbiFromChoices. nullopt unless exactly one
// MBI results.
std::optional<std::string> MbiFromDoubledChoices(const Reading& reading);

// Whether `s` has the shape of a Medicare unique tracking number as the payers print it:
// two digits, A or H, eleven digits.
bool IsUtn(std::string_view s);

// The MBI among `readings` (the id's word read again alone, by two models: Word::readings)
// that needs fewer look-alike repairs than `read`, the id as the page reading gave it, and
// fewer than any other reading giving another MBI: "3WU9WV7JQ39" for a page reading
// "SWUSWV7JO39", "9F39WR9FM54" (no repair) for "SF39WRSFM54" (two S taken for 5). nullopt
// when none does.
std::optional<std::string> MbiFromReadings(std::string_view read, const std::vector<std::string>& readings);
// The letters and digits (upper case) of the one reading among `readings` that `fits`;
// nullopt when none or several spell differently.
std::optional<std::string> TheOneReading(const std::vector<std::string>& readings,
                                         const std::function<bool(const std::string&)>& fits);
// The reading's best characters with one replaced by another the engine weighed closely for
// it (0.2 or more), when they do not `fit` as read and exactly one such change does:
// Cigna's U7678302404 read "U7678302464" with 0 weighed at 0.74 for the 6 where Cigna
// prints a 0 (seed 67 s0022).
std::optional<std::string> OneWeighedChange(const Reading& reading,
                                            const std::function<bool(const std::string&)>& fits);
// The reading's best characters with one of two neighbours left out, where each weighed
// the other closely (0.2 or more): one glyph read twice. Taken when they do not `fit` as
// read and exactly one such id does: Aetna's W548825473 read "WS548825473", the S
// weighing 5 at 0.85 and the 5 weighing S at 0.74 (seed 73 s0004).
std::optional<std::string> OneGlyphReadTwice(const Reading& reading,
                                             const std::function<bool(const std::string&)>& fits);
// The one NPI passing its check digit as read among `readings`; nullopt when none or two.
std::optional<std::string> NpiFromReadings(const std::vector<std::string>& readings);
// The one Medicare unique tracking number (two digits, A or H, eleven digits) spelled as
// read among `readings`, when `value` is none: "84A39341947633," alone for a page reading
// "8439341947633." that lost its A (seed 61 s0048). nullopt when none or two.
std::optional<std::string> UtnFromReadings(std::string_view value, const std::vector<std::string>& readings);

// A Medicare unique tracking number (two digits, A or H, eleven digits) from a fourteen-
// character reading, positions fixed as for MbiFromChoices (at most three).
std::optional<std::string> UtnFromChoices(const Reading& reading);

// An authorization number whose letter prefix lost its first letter to a digit ("1M61172523"
// for UM61172523, "1F42360658" for TF42360658): one digit, one to three letters, six or more
// digits, and the engine weighed a letter closely (0.2 or more) for the digit. The letter
// replaces it. Prefixes are letters by convention (UM, PA, REF, payer initials); a Medicare
// tracking number starts with two digits and is not touched. Also digits only, eight or
// more, whose first the engine ranked a letter above, at 0.8 or more and 0.3 above the
// digit read ("4440229740" with A at 0.91 and 4 at 0.29 for the first, seed 117 s0013):
// the letter replaces it.
std::optional<std::string> AuthPrefixFromChoices(const Reading& reading);

// An authorization number of two letters or more, then digits, that a reading alone
// (Word::readings) spells one slip apart in its prefix: the prefix's last letter as the
// digit it looks like, which the engine weighed closely (0.2 or more) for it ("MLG7852506"
// and "ML67852506" alone, the G weighing 6 at 0.62, seed 115 s0042; "AG05004712" and
// "A605004712", seed 117 s0056), or, in a prefix of three letters or more, without a stroke
// inside it after its first letter ("HIN84110405" and "HN84110405" alone, seed 117 s0062).
// First, where the prefix read is none of `prefixes`, a reading alone with one of them
// before the same digits ("IIM87790467" and "UM87790467" alone, seed 118 s0073). The one
// such reading; nullopt when none or two.
std::optional<std::string> AuthPrefixFromReadings(const std::string& value, const Reading& reading,
                                                  const std::vector<std::string>& readings,
                                                  const std::vector<std::string>& prefixes);

// An authorization number whose letter prefix (two to four letters, then six or more
// digits) is no known prefix but one letter off exactly one of `prefixes` (the payers'
// prefixes, ExtractorOptions::authorization_prefixes), where the engine
// weighed that prefix's letter closely (0.2 or more): "TM88107610" with U second at 0.59
// for the T is UM88107610. Not without the engine's weighing: payers also print prefixes
// of their own ("TF42360658" is one), and a prefix read as printed stays. A known prefix
// followed by digits read as letters takes the digits: an O as 0, another letter where the
// engine weighed a digit closely ("REFO584670" is REF0584670).
std::optional<std::string> AuthPrefixFromKnown(const Reading& reading, const std::vector<std::string>& prefixes);
// Whether `letters` is one of `prefixes`, the payers' authorization number prefixes the
// configuration names.
bool IsKnownPrefix(const std::vector<std::string>& prefixes, std::string_view letters);

// A date read from the engine's alternatives when the words as read hold none (a DOB cell
// read "TP25/ 1998" for 07/25/1998: the 7 second for the T, the slash second for the P;
// "7122/1970" with the slash second for the 1). Each character may take an alternative
// digit or separator weighed at 0.4 or more, at most `max_changes` of them, and every
// character read as a letter must take one or the digit it is a look-alike of (DigitFor:
// a Q read for 0); a word naming a month ("Jun") is kept as read. `parse` says whether a
// text is a date (its normalized value, or "" when not). nullopt unless exactly one date
// results from the fewest changes that give one.
std::optional<std::string> DateFromChoices(const std::vector<const Word*>& words,
                                           const std::function<std::string(const std::string&)>& parse,
                                           int max_changes = 3);

}  // namespace faxintake::extract
