#include "extract/choices.h"

#include <algorithm>
#include <functional>
#include <set>

#include <re2/re2.h>

#include "extract/validators.h"

namespace faxintake::extract {
namespace {

// An alternative weighed this closely (0..1) may replace the character read first.
constexpr float kClose = 0.2f;
// A character outside ASCII stands for a letter or digit the engine weighed this closely.
constexpr float kCloseChoice = 0.4f;
// An alternative the engine ranked above the character read: this sure, this much surer.
constexpr float kRankedFirst = 0.8f;
constexpr float kRankedAbove = 0.3f;

// Whether the engine weighed `c` closely for this character.
bool Weighs(const ReadChar& rc, char c) {
  return std::any_of(rc.choices.begin(), rc.choices.end(),
                     [&](const CharChoice& k) { return k.c == c && k.confidence >= kClose; });
}

// Letters an MBI may hold (never S, L, O, I, B, Z).
bool MbiLetter(char c) { return c >= 'A' && c <= 'Z' && std::string_view("SLOIBZ").find(c) == std::string_view::npos; }

// Each position's best reading allowed there; positions whose first reading is not
// allowed count as forced. nullopt when a position has no allowed reading or more than
// `max_forced` are forced.
std::optional<std::string> FitByPosition(const Reading& reading, const std::function<bool(size_t, char)>& allowed,
                                         int max_forced, int* forced_out = nullptr) {
  std::string out;
  int forced = 0;
  for (size_t i = 0; i < reading.size(); ++i) {
    const auto& choices = reading[i].choices;
    auto it = std::find_if(choices.begin(), choices.end(), [&](const CharChoice& c) { return allowed(i, c.c); });
    if (it == choices.end()) return std::nullopt;
    if (it != choices.begin()) ++forced;
    out += it->c;
  }
  if (forced > max_forced) return std::nullopt;
  if (forced_out != nullptr) *forced_out = forced;
  return out;
}

}  // namespace

std::optional<char> DigitForMark(const Word& word, size_t i) {
  const auto& glyphs = word.glyphs;
  if (i >= glyphs.size() || i == 0 || glyphs[i].text.size() != 1) return std::nullopt;
  const char mark = glyphs[i].text[0];
  // Every glyph of every word comes here (TextWithMarksRead): the word is looked over only
  // for the marks read below.
  if (std::string_view(")}]!/?").find(mark) == std::string_view::npos) return std::nullopt;
  size_t digits = 0;
  for (size_t k = 0; k < glyphs.size(); ++k) {
    if (k == i) continue;
    if (glyphs[k].text.size() != 1 || !IsAlnum(glyphs[k].text[0])) return std::nullopt;  // another mark
    digits += IsDigit(glyphs[k].text[0]) ? 1 : 0;
  }
  // Read again alone, surely (0.85 or more), as its letters and digits without the mark: the
  // mark is no character ("RT/70938566" on the page, "RT70938566" at 0.93 alone; seed 79 s0023).
  std::string without;
  for (size_t k = 0; k < glyphs.size(); ++k)
    if (k != i) without += glyphs[k].text;
  for (const WordReading& r : word.readings) {
    std::string spelled;
    for (char c : r.text)
      if (IsAlnum(c)) spelled += c;
    if (r.confidence >= 0.85f && spelled == without) return std::nullopt;
  }
  const char before = glyphs[i - 1].text[0];
  const bool last = i + 1 == glyphs.size();
  const char after = last ? '\0' : glyphs[i + 1].text[0];
  auto weighed = [&](std::string_view among) -> std::optional<char> {
    for (const CharChoice& c : glyphs[i].choices)
      if (IsDigit(c.c) && among.find(c.c) != std::string_view::npos && c.confidence >= kClose) return c.c;
    return std::nullopt;
  };
  switch (mark) {
    case ')': case '}': case ']': case '!': {
      if (digits < 5) return std::nullopt;
      if (!last) return weighed("0123456789");
      // Closing a run of digits: the bracket that closes nothing is a 1, by its shape.
      if (mark == ')' || digits + 1 != glyphs.size()) return std::nullopt;
      return weighed("1").value_or('1');
    }
    case '?':
      // A 2 or 7 whose foot faded reads as a question mark ("46H98758?" then "72742", the
      // 2 weighed at 0.68; seed 108 s0040): the digit the engine weighed for it.
      if (digits < 5) return std::nullopt;
      return weighed("0123456789");
    case '/': {
      if (last || !IsAlpha(before) || !IsDigit(after) || digits < 5) return std::nullopt;
      const auto digit = weighed("17");
      // The mark weighed the digit after it, and that digit weighed a slash: one 7 read
      // twice ("GT/71981270" for GT71981270, seed 83 s0090).
      const auto& next = glyphs[i + 1].choices;
      if (digit == after && std::any_of(next.begin(), next.end(), [](const CharChoice& c) {
            return c.c == '/' && c.confidence >= kClose;
          }))
        return std::nullopt;
      return digit;
    }
    default:
      return std::nullopt;
  }
}

std::string TextWithMarksRead(const Word& word) {
  std::string spelled, out;
  for (size_t i = 0; i < word.glyphs.size(); ++i) {
    spelled += word.glyphs[i].text;
    const auto digit = DigitForMark(word, i);
    out += digit ? std::string(1, *digit) : word.glyphs[i].text;
  }
  return spelled == word.text ? out : word.text;
}

void AppendReading(const Word* source, const std::string& text, Reading& out) {
  if (source != nullptr && !source->glyphs.empty()) {
    for (size_t i = 0; i < source->glyphs.size(); ++i) {
      const Glyph& g = source->glyphs[i];
      if (g.text.size() != 1) {
        // A character outside ASCII ("£" in "X£G743180897", seed 53 s0008) stands for the
        // letter or digit the engine weighed for it closely, if any.
        ReadChar rc;
        for (const CharChoice& c : g.choices)
          if (IsAlnum(c.c) && c.confidence >= kCloseChoice) rc.choices.push_back({Upper(c.c), c.confidence});
        if (!rc.choices.empty()) out.push_back(std::move(rc));
        continue;
      }
      if (!IsAlnum(g.text[0])) {
        const auto digit = DigitForMark(*source, i);
        if (!digit) continue;
        ReadChar rc;
        rc.choices.push_back({*digit, g.choices.empty() ? 1.0f : g.choices.front().confidence});
        for (const CharChoice& c : g.choices)
          if (IsDigit(c.c) && c.c != *digit) rc.choices.push_back(c);
        out.push_back(std::move(rc));
        continue;
      }
      ReadChar rc;
      // The character read, at the confidence the engine gave it among its choices: the
      // LSTM may rank another first ("4440229740" with A at 0.91 and 4 at 0.29 for its first
      // glyph, seed 117 s0013).
      float own = g.choices.empty() ? 1.0f : g.choices.front().confidence;
      for (const CharChoice& c : g.choices)
        if (c.c == g.text[0]) {
          own = c.confidence;
          break;
        }
      rc.choices.push_back({Upper(g.text[0]), own});
      for (const CharChoice& c : g.choices) {
        const char u = Upper(c.c);
        if (!IsAlnum(u)) continue;
        const bool seen = std::any_of(rc.choices.begin(), rc.choices.end(), [&](const CharChoice& k) { return k.c == u; });
        if (!seen) rc.choices.push_back({u, c.confidence});
      }
      out.push_back(std::move(rc));
    }
    return;
  }
  for (char c : text)
    if (IsAlnum(c)) out.push_back(ReadChar{{{Upper(c), 1.0f}}});
}

std::string BestText(const Reading& reading) {
  std::string out;
  for (const ReadChar& rc : reading) out += rc.best();
  return out;
}

std::string DigitsWeighed(const Reading& reading, float at_least) {
  std::string out(reading.size(), ' ');
  for (size_t i = 0; i < reading.size(); ++i)
    for (const CharChoice& c : reading[i].choices)
      if (IsDigit(c.c) && c.confidence >= at_least) {
        out[i] = c.c;
        break;
      }
  return out;
}

std::optional<std::string> NpiFromChoices(const Reading& reading) {
  std::set<std::string> found;
  for (size_t start = 0; start + 10 <= reading.size(); ++start) {
    const Reading window(reading.begin() + static_cast<long>(start), reading.begin() + static_cast<long>(start) + 10);
    auto digits = FitByPosition(window, [](size_t, char c) { return IsDigit(c); }, 2);
    if (!digits) continue;
    if (NpiIsValid(*digits)) {
      found.insert(*digits);
      continue;
    }
    for (size_t i = 0; i < window.size(); ++i)
      for (const CharChoice& c : window[i].choices) {
        if (!IsDigit(c.c) || c.c == (*digits)[i] || c.confidence < kClose) continue;
        std::string fixed = *digits;
        fixed[i] = c.c;
        if (NpiIsValid(fixed)) found.insert(fixed);
      }
  }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

std::optional<std::string> MbiFromChoices(const Reading& reading) {
  if (reading.size() != 11) return std::nullopt;
  // Positions 1, 4, 7, 10, 11 digits (the first 1-9); 2, 5, 8, 9 letters; 3, 6 either.
  auto allowed = [](size_t i, char c) {
    switch (i) {
      case 0: return c >= '1' && c <= '9';
      case 3: case 6: case 9: case 10: return IsDigit(c);
      case 1: case 4: case 7: case 8: return MbiLetter(c);
      default: return IsDigit(c) || MbiLetter(c);
    }
  };
  // A letter no MBI holds, read where a digit may stand, is the digit it looks like before
  // a letter the engine weighed under 0.5 ("9MR9GO4TUG3": the O is 0, not the H weighed at
  // 0.27; seed 93 s0005). A letter weighed more closely stays first ("6D30VI9WQ13" is
  // 6D30VJ9WQ13, J weighed at 0.71 for the I; seed 90 s0011).
  Reading fixed = reading;
  for (size_t i = 0; i < fixed.size(); ++i) {
    auto& choices = fixed[i].choices;
    if (choices.empty() || !IsAlpha(choices.front().c) || MbiLetter(choices.front().c)) continue;
    const auto digit = DigitFor(choices.front().c);
    // Where the engine ranked digits for it, its ranking decides ("S\W73GRIGN49": the I is
    // 9, which the engine ranked first among digits).
    if (!digit || !allowed(i, *digit) ||
        std::any_of(choices.begin(), choices.end(), [](const CharChoice& c) { return IsDigit(c.c); }))
      continue;
    size_t at = 1;
    while (at < choices.size() && choices[at].confidence >= 0.5f) ++at;
    choices.insert(choices.begin() + static_cast<long>(at), CharChoice{*digit, choices.front().confidence});
  }
  int forced = 0;
  auto out = FitByPosition(fixed, allowed, 2, &forced);
  if (!out || forced == 0) return std::nullopt;
  return out;
}

std::optional<std::string> MbiFromDoubledChoices(const Reading& reading) {
  if (reading.size() != 12) return std::nullopt;
  std::set<std::string> found;
  for (size_t i = 0; i + 1 < reading.size(); ++i) {
    const char a = reading[i].best(), b = reading[i + 1].best();
    if (a == b || !Weighs(reading[i], b) || !Weighs(reading[i + 1], a)) continue;
    for (size_t drop : {i, i + 1}) {
      Reading once = reading;
      once.erase(once.begin() + static_cast<std::ptrdiff_t>(drop));
      if (const Checked mbi = NormalizeMbi(BestText(once)); mbi.valid) found.insert(mbi.value);
      else if (auto fitted = MbiFromChoices(once)) found.insert(*fitted);
    }
  }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

namespace {

// The characters NormalizeMbi changes to make `text` an MBI (a character gained or lost
// counts as one); nullopt when it is none.
std::optional<int> MbiRepairs(std::string_view text, std::string* mbi) {
  const Checked m = NormalizeMbi(text);
  if (!m.valid) return std::nullopt;
  const std::string spelled = AlnumUpper(text);
  const size_t n = std::min(spelled.size(), m.value.size());
  int changes = static_cast<int>(std::max(spelled.size(), m.value.size()) - n);
  for (size_t i = 0; i < n; ++i) changes += spelled[i] != m.value[i] ? 1 : 0;
  *mbi = m.value;
  return changes;
}

}  // namespace

std::optional<std::string> MbiFromReadings(std::string_view read, const std::vector<std::string>& readings) {
  std::string ignored;
  const int as_read = MbiRepairs(read, &ignored).value_or(1 << 20);
  int fewest = as_read;
  std::set<std::string> best;
  for (const std::string& r : readings) {
    std::string mbi;
    const std::optional<int> repairs = MbiRepairs(r, &mbi);
    if (!repairs || *repairs > fewest) continue;
    if (*repairs < fewest || best.empty()) best.clear();
    fewest = *repairs;
    best.insert(mbi);
  }
  // Only a reading needing fewer repairs than the page's (equal counts leave it as read).
  if (best.size() != 1 || as_read <= fewest) return std::nullopt;
  return *best.begin();
}

std::optional<std::string> TheOneReading(const std::vector<std::string>& readings,
                                         const std::function<bool(const std::string&)>& fits) {
  std::set<std::string> found;
  for (const std::string& r : readings)
    if (const std::string s = AlnumUpper(r); fits(s)) found.insert(s);
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

std::optional<std::string> OneWeighedChange(const Reading& reading,
                                            const std::function<bool(const std::string&)>& fits) {
  const std::string best = BestText(reading);
  if (fits(best)) return std::nullopt;
  std::set<std::string> found;
  for (size_t i = 0; i < reading.size(); ++i)
    for (const CharChoice& c : reading[i].choices) {
      if (c.c == best[i] || c.confidence < kClose) continue;
      std::string changed = best;
      changed[i] = c.c;
      if (fits(changed)) found.insert(std::move(changed));
    }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

std::optional<std::string> OneGlyphReadTwice(const Reading& reading,
                                             const std::function<bool(const std::string&)>& fits) {
  const std::string best = BestText(reading);
  if (fits(best) || best.size() != reading.size()) return std::nullopt;
  std::set<std::string> found;
  for (size_t i = 0; i + 1 < reading.size(); ++i) {
    if (best[i] == best[i + 1] || !Weighs(reading[i], best[i + 1]) || !Weighs(reading[i + 1], best[i])) continue;
    for (size_t drop : {i, i + 1})
      if (std::string one = best.substr(0, drop) + best.substr(drop + 1); fits(one)) found.insert(std::move(one));
  }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

bool IsUtn(std::string_view s) {
  static const RE2 utn(R"(^[0-9]{2}[AH][0-9]{11}$)");
  return RE2::FullMatch(s, utn);
}

std::optional<std::string> NpiFromReadings(const std::vector<std::string>& readings) {
  return TheOneReading(readings, [](const std::string& s) { return s.size() == 10 && NpiIsValid(s); });
}

std::optional<std::string> UtnFromReadings(std::string_view value, const std::vector<std::string>& readings) {
  if (IsUtn(value)) return std::nullopt;
  return TheOneReading(readings, [](const std::string& s) { return IsUtn(s); });
}

std::optional<std::string> UtnFromChoices(const Reading& reading) {
  if (reading.size() != 14) return std::nullopt;
  auto allowed = [](size_t i, char c) { return i == 2 ? (c == 'A' || c == 'H') : IsDigit(c); };
  int forced = 0;
  auto out = FitByPosition(reading, allowed, 3, &forced);
  if (!out || forced == 0) return std::nullopt;
  return out;
}

std::optional<std::string> AuthPrefixFromChoices(const Reading& reading) {
  const std::string best = BestText(reading);
  // Digits only, the first a letter the engine ranked first and far above it.
  if (best.size() >= 8 && std::all_of(best.begin(), best.end(), IsDigit) && !reading.front().choices.empty()) {
    const float read = reading.front().choices.front().confidence;
    for (const CharChoice& c : reading.front().choices)
      if (IsAlpha(c.c) && c.confidence >= kRankedFirst && c.confidence >= read + kRankedAbove)
        return c.c + best.substr(1);
  }
  size_t letters = 0;
  while (1 + letters < best.size() && IsAlpha(best[1 + letters])) ++letters;
  const size_t digits = best.size() - 1 - letters;
  if (best.empty() || !IsDigit(best[0]) || letters < 1 || letters > 3 || digits < 6) return std::nullopt;
  for (size_t i = 1 + letters; i < best.size(); ++i)
    if (!IsDigit(best[i])) return std::nullopt;
  for (const CharChoice& c : reading.front().choices)
    if (IsAlpha(c.c) && c.confidence >= kClose) return c.c + best.substr(1);
  return std::nullopt;
}

namespace {

// Letters print and fax alike: the bars of an F and an E, an F whose bar ran into a P's
// bowl or lost its top into an L.
bool LetterLookAlike(char printed, char read) {
  switch (printed) {
    case 'F': return read == 'P' || read == 'E' || read == 'L' || read == 'T';
    case 'E': return read == 'F' || read == 'L';
    case 'P': return read == 'F';
    case 'U': return read == 'V';
    case 'M': return read == 'N';
    default: return false;
  }
}

// How many letters off `prefix` the start of `best` reads: 0, 1 where the engine weighed
// the prefix's letter closely or, in a prefix of three letters or more, after its first,
// the letter read or one weighed closely is a look-alike of it ("REP9486197" and
// "REL7244969" for REF, seed 41 s0023 and seed 42 s0051), or nullopt.
std::optional<int> PrefixLettersOff(const Reading& reading, const std::string& best, const std::string& prefix) {
  if (best.size() < prefix.size()) return std::nullopt;
  size_t at = prefix.size(), differ = 0;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (prefix[i] != best[i]) {
      ++differ;
      at = i;
    }
  if (differ == 0) return 0;
  if (differ > 1) return std::nullopt;
  const bool weighed = Weighs(reading[at], prefix[at]);
  // A look-alike read, or weighed closely ("REV7453965" for REF, the engine weighing E
  // and P for the V, seed 93 s0087).
  const auto& choices = reading[at].choices;
  const bool alike = prefix.size() >= 3 && at > 0 &&
                     (LetterLookAlike(prefix[at], best[at]) ||
                      std::any_of(choices.begin(), choices.end(), [&](const CharChoice& c) {
                        return c.confidence >= kClose && LetterLookAlike(prefix[at], c.c);
                      }));
  if (weighed || alike) return 1;
  return std::nullopt;
}

// `read` (the letters of `reading` before its digits) begins with a known prefix and the
// rest of its letters are the first digits: an O, or a letter for which the engine weighed
// a digit closely ("REFO584670"; "REEB296044" for REF8296044, the prefix one letter off
// as well, seed 85 s0031). At least six digits after the prefix. A prefix read exactly is
// taken first; one read a letter off only where no other known prefix is as near.
std::optional<std::string> KnownPrefixThenDigits(const Reading& reading, const std::string& best, size_t letters,
                                                 const std::vector<std::string>& prefixes) {
  for (int off : {0, 1}) {
    std::optional<std::string> found;
    for (const std::string& prefix : prefixes) {
      if (prefix.size() >= letters || best.size() - prefix.size() < 6) continue;
      if (PrefixLettersOff(reading, best, prefix) != off) continue;
      std::string digits;
      for (size_t i = prefix.size(); i < letters; ++i) {
        const auto& choices = reading[i].choices;
        auto d = std::find_if(choices.begin(), choices.end(),
                              [](const CharChoice& c) { return IsDigit(c.c) && c.confidence >= kClose; });
        if (d != choices.end()) digits += d->c;
        else if (best[i] == 'O') digits += '0';
        else break;
      }
      if (prefix.size() + digits.size() != letters) continue;
      if (off == 0) return prefix + digits + best.substr(letters);
      if (found) return std::nullopt;  // two known prefixes as near
      found = prefix + digits + best.substr(letters);
    }
    if (found) return found;
  }
  return std::nullopt;
}

// The one known prefix of as many letters that differs from the letters read in one
// place (PrefixLettersOff).
std::optional<std::string> KnownPrefixOneLetterOff(const Reading& reading, const std::string& best, size_t letters,
                                                   const std::vector<std::string>& prefixes) {
  std::optional<std::string> found;
  for (const std::string& prefix : prefixes) {
    if (prefix.size() != letters || PrefixLettersOff(reading, best, prefix) != 1) continue;
    if (found) return std::nullopt;  // two known prefixes as near
    found = prefix + best.substr(letters);
  }
  return found;
}

}  // namespace

bool IsKnownPrefix(const std::vector<std::string>& prefixes, std::string_view letters) {
  return std::find(prefixes.begin(), prefixes.end(), letters) != prefixes.end();
}

std::optional<std::string> AuthPrefixFromKnown(const Reading& reading, const std::vector<std::string>& prefixes) {
  const std::string best = BestText(reading);
  const size_t letters = LeadingLetters(best);
  if (letters < 2 || letters == best.size()) return std::nullopt;
  for (size_t i = letters; i < best.size(); ++i)
    if (!IsDigit(best[i])) return std::nullopt;
  if (IsKnownPrefix(prefixes, best.substr(0, letters))) return std::nullopt;
  // A U read as two strokes, "LJ" or "IJ" ("LJM03626608" for UM03626608, seed 41 s0098), or
  // as "TI" at normal resolution ("TIM67466173", seed 89 s0013 and seed 87 s0067).
  if (letters >= 3 && (best.rfind("LJ", 0) == 0 || best.rfind("IJ", 0) == 0 || best.rfind("TI", 0) == 0 ||
                       best.rfind("II", 0) == 0)) {
    const std::string as_u = "U" + best.substr(2);
    if (IsKnownPrefix(prefixes, as_u.substr(0, letters - 1))) return as_u;
  }
  // A stroke read inside the prefix, an M's first stroke read apart ("UIM81362099" for
  // UM81362099, seed 93 s0034), also as a J ("UJM11542448", seed 120 s0065).
  if (best.size() - letters >= 6)
    for (size_t i = 1; i + 1 < letters; ++i) {
      if (!IsStroke(best[i]) && best[i] != 'J') continue;
      const std::string without = best.substr(0, i) + best.substr(i + 1, letters - i - 1);
      if (IsKnownPrefix(prefixes, without)) return without + best.substr(letters);
    }
  if (letters <= 6 && best.size() - letters >= 4)
    if (auto fixed = KnownPrefixThenDigits(reading, best, letters, prefixes)) return fixed;
  if (letters <= 4 && best.size() - letters >= 6) return KnownPrefixOneLetterOff(reading, best, letters, prefixes);
  return std::nullopt;
}

std::optional<std::string> AuthPrefixFromReadings(const std::string& value, const Reading& reading,
                                                  const std::vector<std::string>& readings,
                                                  const std::vector<std::string>& prefixes) {
  const size_t letters = LeadingLetters(value);
  if (letters < 2 || letters == value.size() || reading.size() != value.size()) return std::nullopt;
  for (size_t i = letters; i < value.size(); ++i)
    if (!IsDigit(value[i])) return std::nullopt;
  // A prefix no payer prints, a reading alone with one that a payer does before the same
  // digits ("IIM87790467" and "UM87790467" alone, seed 118 s0073).
  if (!IsKnownPrefix(prefixes, value.substr(0, letters))) {
    const auto known = TheOneReading(readings, [&](const std::string& s) {
      const size_t n = LeadingLetters(s);
      return n > 0 && n < s.size() && s.substr(n) == value.substr(letters) && IsKnownPrefix(prefixes, s.substr(0, n));
    });
    if (known) return known;
  }
  std::set<std::string> fixes;
  // The prefix's last letter, a look-alike of a digit the engine weighed closely for it.
  const size_t last = letters - 1;
  if (const auto digit = DigitFor(value[last]); digit && Weighs(reading[last], *digit)) {
    std::string changed = value;
    changed[last] = *digit;
    fixes.insert(std::move(changed));
  }
  // A stroke inside the prefix, after its first letter (a letter's stroke read apart).
  for (size_t i = 1; i < letters && letters >= 3; ++i)
    if (IsStroke(value[i])) fixes.insert(value.substr(0, i) + value.substr(i + 1));
  return TheOneReading(readings, [&](const std::string& s) { return fixes.count(s) > 0; });
}

std::optional<std::string> DateFromChoices(const std::vector<const Word*>& words,
                                           const std::function<std::string(const std::string&)>& parse,
                                           int max_changes) {
  constexpr float kDateClose = 0.4f;
  constexpr size_t kMaxTexts = 4096;
  auto date_char = [](char c) { return IsDigit(c) || c == '/' || c == '-' || c == '.'; };
  // Each position's options: what was read (when it can stand in a date) and the close
  // alternatives that can. A space between words is a position of its own, kept.
  struct Position {
    std::vector<char> options;  // options[0] is kept without counting as a change; '\0' is none
    bool must_change = false;
  };
  std::vector<Position> positions;
  for (const Word* w : words) {
    if (w == nullptr) return std::nullopt;
    if (!positions.empty()) positions.push_back({{' '}, false});
    // A month's name is kept as read ("91 Jun 1998" for 01 Jun 1998, seed 45 s0015).
    if (IsMonthName(w->text)) {
      for (char c : w->text) positions.push_back({{c}, false});
      continue;
    }
    if (w->glyphs.empty()) return std::nullopt;
    for (size_t gi = 0; gi < w->glyphs.size(); ++gi) {
      const Glyph& g = w->glyphs[gi];
      if (g.text.size() != 1) return std::nullopt;
      Position p;
      const char read = g.text[0];
      // A bracket or comma at either end of the words stands outside the date ("(DOB 91
      // Jun 1998)" gives "1998)"): left out without counting as a change.
      const bool edge = (w == words.front() && gi == 0) || (w == words.back() && gi + 1 == w->glyphs.size());
      if (edge && std::string_view("()[]{},;:").find(read) != std::string_view::npos) p.options.push_back('\0');
      else p.must_change = !date_char(read);
      if (!p.must_change && p.options.empty()) p.options.push_back(read);
      // A letter also stands for the digit it is a look-alike of ("Q5- 1H- 1942" for
      // 05-18-1942, the engine weighing O, not 0, for the Q; seed 55 s0007).
      if (const auto digit = DigitFor(read); p.must_change && digit) p.options.push_back(*digit);
      for (const CharChoice& c : g.choices)
        if (date_char(c.c) && c.c != read && c.confidence >= kDateClose &&
            std::find(p.options.begin(), p.options.end(), c.c) == p.options.end())
          p.options.push_back(c.c);
      if (p.options.empty()) return std::nullopt;
      positions.push_back(std::move(p));
    }
  }
  // Texts with their change counts, built position by position.
  std::vector<std::pair<std::string, int>> texts = {{"", 0}};
  for (const Position& p : positions) {
    std::vector<std::pair<std::string, int>> next;
    for (const auto& [text, changes] : texts)
      for (size_t k = 0; k < p.options.size(); ++k) {
        const int c = changes + ((k > 0 || p.must_change) ? 1 : 0);
        if (c > max_changes) continue;
        next.emplace_back(p.options[k] == '\0' ? text : text + p.options[k], c);
      }
    if (next.size() > kMaxTexts) return std::nullopt;
    texts = std::move(next);
  }
  // The dates read with the fewest changes: the 2 of "Q5- 1H- 1942", with 0, 9 and 7 weighed
  // for it too, is kept when the Q and H alone make the date.
  std::set<std::string> found;
  int fewest = max_changes + 1;
  for (const auto& [text, changes] : texts) {
    if (changes == 0 || changes > fewest) continue;  // as read: the caller has tried it
    const std::string value = parse(text);
    if (value.empty()) continue;
    if (changes < fewest) found.clear();
    fewest = changes;
    found.insert(value);
  }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

}  // namespace faxintake::extract
