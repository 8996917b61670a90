#include "extract/validators.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <chrono>
#include <map>
#include <set>
#include <vector>

namespace faxintake::extract {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}


// Digits Tesseract reads in place of letters.
std::optional<char> LetterFor(char c) {
  switch (c) {
    case '1': case '|': case 'l': return 'I';
    case '0': return 'O';
    case '5': return 'S';
    case '8': return 'B';
    case '2': return 'Z';
    case '6': return 'G';
    default: return std::nullopt;
  }
}

// The mapping of a run that should be all digits; nullopt when a character cannot be one.
std::optional<std::string> AsDigits(std::string_view s, bool* repaired) {
  std::string out;
  for (char c : s) {
    if (IsDigit(c)) {
      out += c;
    } else if (auto d = DigitFor(c)) {
      out += *d;
      *repaired = true;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[static_cast<size_t>(m - 1)];
}

bool RealDay(const Ymd& d) {
  return d.year >= 1 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= DaysInMonth(d.year, d.month);
}

int Compare(const Ymd& a, const Ymd& b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

std::string FormatYmd(const Ymd& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

const std::array<std::string_view, 12>& MonthNames() {
  static const std::array<std::string_view, 12> names = {"january", "february", "march",     "april",
                                                         "may",     "june",     "july",      "august",
                                                         "september", "october", "november", "december"};
  return names;
}

// 1-12 for a word whose first three letters are a month's, 0 otherwise.
int MonthFromName(std::string_view name) {
  const std::string low = Lowered(name);
  if (low.size() < 3) return 0;
  for (size_t i = 0; i < MonthNames().size(); ++i)
    if (low.compare(0, 3, MonthNames()[i].substr(0, 3)) == 0) return static_cast<int>(i) + 1;
  return 0;
}

// ------------------------------------------------------------------ names

bool IsCredential(std::string_view word) {
  static const std::vector<std::string> kCreds = {
      "md", "do", "np", "pa", "pac", "fnp", "fnpc", "fnpbc", "aprn", "aprnbc", "rn", "pt", "dpt",
      "phd", "dnp", "mbbs", "dc", "dpm", "od", "cnm", "anp", "anpc", "agnp", "agnpc", "facp",
      "facc", "faafp", "mph", "ms", "msn", "crnp", "lcsw", "psyd", "jr", "sr", "ii", "iii", "iv"};
  std::string key;
  for (char c : word)
    if (IsAlpha(c)) key += Lower(c);
  if (key.empty()) return false;
  return std::find(kCreds.begin(), kCreds.end(), key) != kCreds.end();
}

bool IsTitle(std::string_view word) {
  std::string key;
  for (char c : word)
    if (IsAlpha(c)) key += Lower(c);
  // "OR." is "DR." with the D's stem lost; without its period it is the word "or".
  if (key == "or" && word.size() == 3 && word.back() == '.') return true;
  return key == "dr" || key == "mr" || key == "mrs" || key == "ms" || key == "miss" || key == "doctor" ||
         key == "prof";
}

// A credential after a comma as OCR reads it off a fax: "MID", "MT)", "M0" for MD, "D0" for
// DO (one edit from MD or DO, two or three letters).
bool IsMisreadCredential(std::string_view word) {
  std::string key;
  for (char c : word) {
    if (IsAlpha(c)) key += Lower(c);
    else if (c == '0') key += 'o';
  }
  if (IsCredential(key)) return true;
  if (key.size() < 2 || key.size() > 3 || key == "don" || key == "ed" || key == "dom") return false;
  auto one_edit = [&](std::string_view want) {
    if (key.size() == 2) return (key[0] == want[0]) != (key[1] == want[1]);  // one substitution
    // one insertion: dropping one letter of key gives want
    for (size_t i = 0; i < 3; ++i) {
      std::string k = key;
      k.erase(i, 1);
      if (k == want) return true;
    }
    return false;
  };
  return one_edit("md") || one_edit("do");
}

bool IsParticle(std::string_view word) {
  static const std::vector<std::string> kParticles = {"de", "del", "della", "la", "las", "los", "van", "von",
                                                      "der", "den", "da", "di", "du", "le", "dos", "das",
                                                      "st", "ter", "ten", "bin", "ibn", "al", "el", "mac"};
  const std::string key = Lowered(word);
  return std::find(kParticles.begin(), kParticles.end(), key) != kParticles.end();
}

// Keeps letters, hyphens and apostrophes of a name word (periods of initials dropped).
std::string CleanNameWord(std::string_view word) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(word[i]);
    if (IsAlpha(static_cast<char>(c))) {
      out += Upper(static_cast<char>(c));
    } else if (c == '-' || c == '\'') {
      out += static_cast<char>(c);
    } else if (c == 0xE2 && i + 2 < word.size() && static_cast<unsigned char>(word[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(word[i + 2]) == 0x99 || static_cast<unsigned char>(word[i + 2]) == 0x98)) {
      out += '\'';  // typographic apostrophe
      i += 2;
    }
  }
  while (!out.empty() && (out.front() == '-' || out.front() == '\'')) out.erase(out.begin());
  while (!out.empty() && (out.back() == '-' || out.back() == '\'')) out.pop_back();
  return out;
}

// Words of a name with parentheticals, titles and credentials removed; `comma_parts`
// keeps the comma structure (credentials-only parts dropped).
std::vector<std::vector<std::string>> NameParts(std::string_view printed) {
  std::string text;
  int depth = 0;
  for (char c : printed) {
    if (c == '(') ++depth;
    else if (c == ')') depth = std::max(0, depth - 1);
    else if (depth == 0) text += c;
  }
  // "GARCIA - LOPEZ" is one hyphenated surname.
  std::string joined;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-') {
      while (!joined.empty() && joined.back() == ' ') joined.pop_back();
      joined += '-';
      while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
    } else {
      joined += text[i];
    }
  }
  // "RAMIREZ. JOYCE R": a comma read as a period after the family name, in the capitals
  // forms print names in; the name may be of several words ("HERNANDEZ MARTINEZ.
  // CHRISTOPHER", seed 54 s0041). Names printed first-name-first put a period only after
  // an initial or a title ("MARIA A. LOPEZ", "DR. SMITH", "MRS. LOPEZ").
  {
    const size_t start = joined.find_first_not_of(' ');
    const size_t dot = start == std::string::npos ? std::string::npos : joined.find_first_of(".,", start);
    if (dot != std::string::npos && joined[dot] == '.' && dot + 1 < joined.size() && joined[dot + 1] == ' ') {
      const std::vector<std::string> family = SplitWords(joined.substr(start, dot - start));
      const auto capitals = [](const std::string& w) {
        return std::all_of(w.begin(), w.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '-' || c == '\''; });
      };
      // In mixed case ("Chen. Kevin Edward", seed 77 s0047): one word before the period and
      // a given and a middle name after it. One word after ("Joyce. Ramirez") is as likely a
      // speck after a given name, and stays first-name-first.
      const auto titled = [](const std::string& w) {
        return w.size() >= 2 && w[0] >= 'A' && w[0] <= 'Z' &&
               std::all_of(w.begin() + 1, w.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-' || c == '\''; });
      };
      const std::vector<std::string> after = SplitWords(joined.substr(dot + 1));
      const bool in_capitals = std::all_of(family.begin(), family.end(), capitals) && !after.empty();
      const bool mixed = family.size() == 1 && titled(family.front()) && after.size() >= 2 && after.size() <= 3 &&
                         std::all_of(after.begin(), after.end(), titled);
      if (!family.empty() && family.size() <= 3 && (in_capitals || mixed) && family.back().size() >= 3 &&
          !IsTitle(family.front() + ".") && !IsTitle(family.back() + "."))
        joined[dot] = ',';
    }
  }
  std::vector<std::vector<std::string>> parts;
  std::string part;
  auto flush = [&] {
    std::vector<std::string> words;
    for (const std::string& w : SplitWords(part)) {
      if (IsCredential(w) && !words.empty()) continue;
      if (IsTitle(w)) continue;
      std::string clean = CleanNameWord(w);
      if (clean.empty()) continue;
      words.push_back(clean);
    }
    // A part made only of credentials ("MD", "PA-C") after a name is not a name.
    bool all_creds = !words.empty();
    // After a comma, a lone short word one edit from MD or DO is a misread credential.
    for (const std::string& w : words)
      all_creds &= IsCredential(w) ||
                   (!parts.empty() && parts.back().size() >= 2 && words.size() == 1 && IsMisreadCredential(w));
    if (!words.empty() && !(all_creds && !parts.empty())) parts.push_back(words);
    part.clear();
  };
  for (char c : joined) {
    if (c == ',' || c == ';') flush();
    else part += c;
  }
  flush();
  return parts;
}

bool IsInitial(const std::string& w) { return w.size() == 1; }

std::optional<PersonName> NameFromParts(const std::vector<std::vector<std::string>>& parts) {
  if (parts.empty()) return std::nullopt;
  PersonName name;
  // "Sandra M, Alvarez": a middle initial before the comma means the comma is a period
  // OCR misread ("Sandra M. Alvarez"); no family name ends with an initial.
  if (parts.size() == 2 && parts[0].size() >= 2 && IsInitial(parts[0].back()) && !IsInitial(parts[0].front())) {
    std::vector<std::vector<std::string>> joined = {parts[0]};
    joined[0].insert(joined[0].end(), parts[1].begin(), parts[1].end());
    return NameFromParts(joined);
  }
  // "GONZALEZ, RIVERA, AHMED": three name parts are a double surname whose space OCR read
  // as a comma ("GONZALEZ RIVERA, AHMED"); a middle initial alone after the second comma
  // ("LOPEZ, MARIA, A") keeps the usual reading.
  if (parts.size() == 3 && parts[0].size() == 1 && parts[1].size() == 1 && !IsInitial(parts[2].front()) &&
      !IsInitial(parts[1].front()) && !IsInitial(parts[0].front())) {
    std::vector<std::vector<std::string>> joined = {parts[0], parts[2]};
    joined[0].push_back(parts[1].front());
    return NameFromParts(joined);
  }
  if (parts.size() >= 2) {
    // LAST, FIRST [MIDDLE]
    std::string family;
    for (const std::string& w : parts[0]) family += (family.empty() ? "" : " ") + w;
    const auto& given = parts[1];
    if (family.empty() || given.empty()) return std::nullopt;
    name.family = family;
    name.given = given.front();
    return name;
  }
  std::vector<std::string> words = parts[0];
  // A trailing credential without a comma ("JOHN SMITH MD") is dropped too.
  while (words.size() > 2 && IsCredential(words.back())) words.pop_back();
  if (words.size() < 2) return std::nullopt;
  size_t start = words.size() - 1;
  while (start > 1 && IsParticle(words[start - 1])) --start;
  std::string family;
  for (size_t i = start; i < words.size(); ++i) family += (family.empty() ? "" : " ") + words[i];
  name.family = family;
  name.given = words.front();
  if (IsInitial(name.given) && start > 1) name.given = words[1];
  return name;
}

}  // namespace

std::optional<char> DigitFor(char c) {
  switch (c) {
    case 'O': case 'o': case 'D': case 'Q': return '0';
    case 'I': case 'l': case 'i': case '|': case '!': case 'L': case 'J': return '1';
    case 'Z': case 'z': return '2';
    case 'A': return '4';
    case 'S': case 's': return '5';
    case 'G': case 'b': return '6';
    case 'T': return '7';
    case 'B': return '8';
    case 'g': case 'q': return '9';
    default: return std::nullopt;
  }
}

bool IsMonthName(std::string_view word) {
  const std::string low = Lowered(word);
  const int month = MonthFromName(low);
  if (month == 0) return false;
  const std::string_view full = MonthNames()[static_cast<size_t>(month - 1)];
  return full.substr(0, low.size()) == low || low == "sept";
}

std::vector<std::string> SplitWords(std::string_view s, std::string_view also) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (IsSpace(c) || also.find(c) != std::string_view::npos) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// ------------------------------------------------------------------ dates

Ymd Today() {
  const auto now = std::chrono::system_clock::now();
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
  return Ymd{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
             static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::optional<Ymd> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!IsDigit(text[i])) return std::nullopt;
  Ymd d{std::stoi(std::string(text.substr(0, 4))), std::stoi(std::string(text.substr(5, 2))),
        std::stoi(std::string(text.substr(8, 2)))};
  if (!RealDay(d)) return std::nullopt;
  return d;
}

std::string UpperSingleSpaced(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (IsSpace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += Upper(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string SingleSpaced(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (IsSpace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool IsStroke(char c) { return c == '1' || c == 'I' || c == 'L'; }

size_t LeadingLetters(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsAlpha(s[n])) ++n;
  return n;
}

std::string AlnumUpper(std::string_view text) {
  std::string out;
  for (char c : text)
    if (IsAlnum(c)) out += Upper(c);
  return out;
}

// The letters and digits of a printed id, upper-cased, with an @ between two of them read
// for the 0 it resembles ("REF@527011"; fax fonts' zeros come out as @ at normal
// resolution). Sets `*changed` when it did.
std::string IdCharacters(std::string_view text, bool* changed) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsAlnum(c)) {
      out += Upper(c);
    } else if (c == '@' && i > 0 && IsAlnum(text[i - 1]) && i + 1 < text.size() && IsAlnum(text[i + 1])) {
      out += '0';
      if (changed != nullptr) *changed = true;
    } else if (c == '$' && (i == 0 || !IsDigit(text[i - 1])) && i + 1 < text.size() && IsAlpha(text[i + 1])) {
      // An S read as a dollar sign before letters ("$MZ660055010", seed 53 s0088).
      out += 'S';
      if (changed != nullptr) *changed = true;
    }
  }
  return out;
}

// ------------------------------------------------------------------ NPI

bool NpiIsValid(std::string_view npi) {
  if (npi.size() != 10) return false;
  for (char c : npi)
    if (!IsDigit(c)) return false;
  if (npi[0] != '1' && npi[0] != '2') return false;
  const std::string full = "80840" + std::string(npi);
  int sum = 0;
  bool dbl = false;
  for (size_t i = full.size(); i-- > 0;) {
    int d = full[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

namespace {

// Its first digits read as look-alike letters, a word of their own ("NPE LT 86285894" for
// 1786285894, seed 100 s0059): a word of one or two such letters joined to the digits after
// it, taken only when the ten pass the check digit.
Checked NpiWithLettersBefore(std::string_view printed) {
  Checked out;
  const std::vector<std::string> words = SplitWords(printed);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& head = words[i];
    const std::string& tail = words[i + 1];
    if (head.size() > 2 || !std::all_of(head.begin(), head.end(), IsAlpha) ||
        tail.find_first_not_of("0123456789-") != std::string::npos)
      continue;
    bool mapped = false;
    const std::optional<std::string> lead = AsDigits(head, &mapped);
    if (!lead) continue;
    std::string joined = *lead;
    for (char c : tail)
      if (c != '-') joined += c;
    if (joined.size() == 10 && NpiIsValid(joined)) {
      out.value = joined;
      out.valid = true;
      out.repaired = true;
      return out;
    }
  }
  return out;
}

}  // namespace

Checked NormalizeNpi(std::string_view printed) {
  Checked out;
  // Words that are mostly letters ("NPI", "NPI:") are labels, not digits read as letters.
  std::string kept;
  for (const std::string& word : SplitWords(printed)) {
    int digits = 0, letters = 0;
    for (char c : word) {
      digits += IsDigit(c);
      letters += IsAlpha(c);
    }
    if (digits >= letters) kept += word;
  }
  // Runs of characters that can be digits; dashes inside a number are separators.
  std::vector<std::string> runs;
  std::string run;
  for (char c : kept) {
    if (c == '-') continue;
    if (IsDigit(c) || DigitFor(c)) {
      run += c;
    } else {
      if (!run.empty()) runs.push_back(run);
      run.clear();
    }
  }
  if (!run.empty()) runs.push_back(run);
  // The ten-character window with the most real digits; a window that passes as read wins.
  std::string raw;
  int best_digits = -1;
  for (const std::string& r : runs) {
    for (size_t i = 0; i + 10 <= r.size(); ++i) {
      const std::string w = r.substr(i, 10);
      if (NpiIsValid(w)) {
        out.value = w;
        out.valid = true;
        return out;
      }
      const int n = static_cast<int>(std::count_if(w.begin(), w.end(), IsDigit));
      if (n > best_digits) {
        best_digits = n;
        raw = w;
      }
    }
  }
  if (raw.empty()) return NpiWithLettersBefore(printed);
  // Eleven characters: one was read twice or a speck read as a digit. Accept the unique
  // single deletion that passes the check digit; when several do, keep what was read.
  for (const std::string& r : runs) {
    if (r.size() != 11 || r.find(raw) == std::string::npos) continue;
    bool mapped = false;
    const std::string all = *AsDigits(r, &mapped);
    std::vector<std::string> fixes;
    for (size_t i = 0; i < all.size(); ++i) {
      const std::string c = all.substr(0, i) + all.substr(i + 1);
      if (NpiIsValid(c) && std::find(fixes.begin(), fixes.end(), c) == fixes.end()) fixes.push_back(c);
    }
    if (fixes.size() == 1) {
      out.value = fixes.front();
      out.valid = true;
      out.repaired = true;
      return out;
    }
    bool ignored = false;
    out.value = *AsDigits(raw, &ignored);
    out.repaired = ignored;
    return out;
  }
  bool repaired = false;
  const std::string digits = *AsDigits(raw, &repaired);
  out.value = digits;
  out.repaired = repaired;
  if (NpiIsValid(digits)) {
    out.valid = true;
    return out;
  }
  // One character misread as a similar-looking one: try each confusion and accept a unique
  // fix, first at the positions where a letter was read, then anywhere.
  static const std::map<char, std::string> kConfusions = {
      {'0', "86"}, {'1', "74"}, {'2', "7"}, {'3', "85"}, {'4', "1"}, {'5', "63"},
      {'6', "58"}, {'7', "12"}, {'8', "3069"}, {'9', "8"}};
  auto fixes_at = [&](bool letters_only) {
    std::vector<std::string> fixes;
    for (size_t i = 0; i < digits.size(); ++i) {
      const bool letter = !IsDigit(raw[i]);
      if (letters_only && !letter) continue;
      std::string alternatives = kConfusions.at(digits[i]);
      if (letter) alternatives += raw[i] == 'B' ? "3" : raw[i] == 'S' ? "8" : raw[i] == 'Z' ? "7" : "";
      for (char alt : alternatives) {
        std::string candidate = digits;
        candidate[i] = alt;
        if (NpiIsValid(candidate) && std::find(fixes.begin(), fixes.end(), candidate) == fixes.end())
          fixes.push_back(candidate);
      }
    }
    return fixes;
  };
  for (bool letters_only : {true, false}) {
    if (letters_only && !repaired) continue;
    const auto fixes = fixes_at(letters_only);
    if (fixes.size() == 1) {
      out.value = fixes.front();
      out.valid = true;
      out.repaired = true;
      return out;
    }
    if (fixes.size() > 1) break;  // ambiguous: keep what was read
  }
  return out;
}

// ------------------------------------------------------------------ ICD-10 and CPT

bool IsIcd10Shape(std::string_view code) {
  static const RE2 re(R"(^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$)");
  return RE2::FullMatch(code, re);
}

Checked NormalizeIcd10(std::string_view printed) {
  Checked out;
  std::string s;
  for (char c : printed) {
    if (IsAlnum(c)) s += c;
    else if (c == '|' || c == '!') s += 'l';
    // Dots (and commas read for dots) are placed again below.
  }
  if (s.size() < 3 || s.size() > 7) return out;
  bool repaired = false;
  std::string code;
  // Position 1: a letter (a lower-case l there is a capital I).
  char c0 = s[0] == 'l' ? 'I' : Upper(s[0]);
  if (s[0] == 'l') repaired = true;
  if (!IsAlpha(c0)) {
    auto l = LetterFor(s[0]);
    if (!l) return out;
    c0 = *l;
    repaired = true;
  }
  code += c0;
  // Position 2: a digit (a Q there is a 0 with a speck on its tail: "RQ7.9", seed 74 s0047).
  char c1 = s[1];
  if (!IsDigit(c1)) {
    static const std::string kOk = "OoQIilSsBZzD|";
    if (kOk.find(c1) == std::string::npos) return out;
    c1 = *DigitFor(c1);
    repaired = true;
  }
  code += c1;
  // Position 3 and after the dot: digits or letters; O and I are never used there.
  for (size_t i = 2; i < s.size(); ++i) {
    char c = Upper(s[i]);
    if (c == 'O') {
      c = '0';
      repaired = true;
    } else if (c == 'I' || s[i] == 'l') {
      c = '1';
      repaired = true;
    }
    code += c;
  }
  if (code.size() > 3) code.insert(3, ".");
  out.value = code;
  out.repaired = repaired;
  out.valid = IsIcd10Shape(code);
  return out;
}

bool IsCptOrHcpcsShape(std::string_view code) {
  static const RE2 re(R"(^(?:[0-9]{5}|[0-9]{4}[FT]|[A-V][0-9]{4})$)");
  return RE2::FullMatch(code, re);
}

Checked NormalizeProcedureCode(std::string_view printed) {
  Checked out;
  std::string s;
  for (char c : printed)
    if (IsAlnum(c)) s += Upper(c);
  if (s.size() != 5) {
    out.value = s;
    return out;
  }
  // HCPCS keeps its leading letter; everything else must be digits (CPT II/III end in F/T).
  const bool hcpcs = IsAlpha(s[0]) && s[0] != 'O' && s[0] != 'I' && s[0] != 'S' && s[0] != 'B';
  for (size_t i = hcpcs ? 1 : 0; i < s.size(); ++i) {
    if (i == 4 && (s[i] == 'F' || s[i] == 'T')) continue;
    if (!IsDigit(s[i])) {
      if (auto d = DigitFor(s[i])) {
        s[i] = *d;
        out.repaired = true;
      }
    }
  }
  out.value = s;
  out.valid = IsCptOrHcpcsShape(s);
  return out;
}

// ------------------------------------------------------------------ phones

Checked NormalizePhone(std::string_view printed) {
  Checked out;
  std::string digits;
  bool repaired = false;
  for (size_t i = 0; i < printed.size(); ++i) {
    const char c = printed[i];
    if (IsDigit(c)) {
      digits += c;
    } else if (IsAlpha(c) || c == '|') {
      // A letter among digits is an OCR confusion; a word ("ext", "Fax") ends the number.
      const bool prev_digit = i > 0 && IsDigit(printed[i - 1]);
      const bool next_digit = i + 1 < printed.size() && IsDigit(printed[i + 1]);
      auto d = DigitFor(c);
      if (d && (prev_digit || next_digit)) {
        digits += *d;
        repaired = true;
      } else if (!digits.empty()) {
        break;
      }
    }
    if (digits.size() > 11) break;
  }
  if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
  if (digits.size() != 10) return out;
  out.value = "+1" + digits;
  out.repaired = repaired;
  out.valid = digits[0] >= '2' && digits[3] >= '2';
  return out;
}

// ------------------------------------------------------------------ dates

namespace {

int ExpandYear(int yy, int digits, const DateOptions& o, const Ymd& today) {
  if (digits == 4) return yy;
  int year = 2000 + yy;
  if (o.kind == DateKind::kBirth) {
    if (Compare(Ymd{year, 1, 1}, today) > 0) year -= 100;
  } else if (year > today.year + o.two_digit_years_ahead) {
    year -= 100;
  }
  return year;
}

Checked Judge(const Ymd& d, const DateOptions& o, const Ymd& today) {
  Checked out;
  if (!RealDay(d)) return out;
  out.value = FormatYmd(d);
  if (o.kind == DateKind::kBirth) {
    auto plausible = [&](const Ymd& x) {
      return Compare(x, today) <= 0 && Compare(x, Ymd{today.year - 125, today.month, today.day}) >= 0;
    };
    out.valid = plausible(d);
    // "1878" or "1549" for 1978 / 1949: the hundreds digit of a birth year misread (8 and 5
    // for 9). Taken only when the 1900s are the one plausible century for the last two
    // digits ("1815" could be 1915 or 2015: left invalid).
    if (!out.valid && d.year >= 1000 && d.year < 1900) {
      Ymd fixed = d, later = d;
      fixed.year = 1900 + d.year % 100;
      later.year = 2000 + d.year % 100;
      if (RealDay(fixed) && plausible(fixed) && !(RealDay(later) && plausible(later))) {
        out.value = FormatYmd(fixed);
        out.valid = true;
        out.repaired = true;
      }
    }
  } else if (o.kind == DateKind::kRecent) {
    out.valid = Compare(d, Ymd{today.year - 10, today.month, today.day}) >= 0 &&
                Compare(d, Ymd{today.year + 2, today.month, today.day}) <= 0;
  } else {
    out.valid = d.year >= 1900 && Compare(d, Ymd{today.year + 10, today.month, today.day}) <= 0;
  }
  return out;
}

struct DatePattern {
  enum Order { kMdy, kYmd, kMonDY, kDMonY } order;
  const RE2* re;
};

const std::vector<DatePattern>& DatePatterns() {
  static const RE2 iso(R"((?:^|[^0-9])([0-9]{4})\s?-\s?([0-9]{1,2})\s?-\s?([0-9]{1,2})(?:[^0-9]|$))");
  static const RE2 mdy(R"((?:^|[^0-9])([0-9]{1,2})\s?[/.-]\s?([0-9]{1,2})\s?[/.-]\s?([0-9]{4}|[0-9]{2})(?:[^0-9]|$))");
  // The day and the year stand apart: "Jun 1998" is no June 19, '98 (seed 45 s0015).
  static const RE2 mon_d_y(
      R"((?i)(?:^|[^a-z])((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\.?\s*([0-9]{1,2})(?:(?:st|nd|rd|th)\s?[,.]?\s*|\s?[,.]\s*|\s+)([0-9]{4}|'?[0-9]{2})(?:[^0-9]|$))");
  static const RE2 d_mon_y(
      R"((?i)(?:^|[^0-9])([0-9]{1,2})(?:st|nd|rd|th)?\s*[-]?\s*((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\.?\s*[-,]?\s*([0-9]{4}|[0-9]{2})(?:[^0-9]|$))");
  static const std::vector<DatePattern> patterns = {
      {DatePattern::kYmd, &iso}, {DatePattern::kMdy, &mdy}, {DatePattern::kMonDY, &mon_d_y},
      {DatePattern::kDMonY, &d_mon_y}};
  return patterns;
}

// The first date in `text` (earliest position across the patterns).
Checked FindDateIn(std::string_view text, const DateOptions& o, bool whole) {
  const Ymd today = o.TodayOrClock();
  Checked best;
  size_t best_pos = std::string_view::npos;
  for (const DatePattern& p : DatePatterns()) {
    re2::StringPiece m[4];
    re2::StringPiece input(text.data(), text.size());
    if (!p.re->Match(input, 0, input.size(), RE2::UNANCHORED, m, 4)) continue;
    const size_t pos = static_cast<size_t>(m[1].data() - text.data());
    if (pos >= best_pos) continue;
    if (whole) {
      // The date must be (nearly) all of the text: only punctuation around it.
      const size_t end = static_cast<size_t>(m[3].data() + m[3].size() - text.data());
      bool extra = false;
      for (size_t i = 0; i < text.size(); ++i)
        if ((i < pos || i >= end) && IsAlnum(text[i])) extra = true;
      if (extra) continue;
    }
    Ymd d;
    const std::string a(m[1].data(), m[1].size()), b(m[2].data(), m[2].size());
    std::string c(m[3].data(), m[3].size());
    if (!c.empty() && c[0] == '\'') c.erase(0, 1);
    switch (p.order) {
      case DatePattern::kYmd:
        d = Ymd{std::stoi(a), std::stoi(b), std::stoi(c)};
        break;
      case DatePattern::kMdy:
        d = Ymd{ExpandYear(std::stoi(c), static_cast<int>(c.size()), o, today), std::stoi(a), std::stoi(b)};
        break;
      case DatePattern::kMonDY:
        d = Ymd{ExpandYear(std::stoi(c), static_cast<int>(c.size()), o, today), MonthFromName(a), std::stoi(b)};
        break;
      case DatePattern::kDMonY:
        d = Ymd{ExpandYear(std::stoi(c), static_cast<int>(c.size()), o, today), MonthFromName(b), std::stoi(a)};
        break;
    }
    Checked judged = Judge(d, o, today);
    if (judged.empty()) continue;
    best = judged;
    best_pos = pos;
  }
  return best;
}

// A day of two characters read as round letters and strokes beside a month's name ("Ol May
// 1934", "May lO, 1934"): its letters are digits. "is" or "So" are no days.
void DigitizeDayByMonth(std::string& text, bool* changed) {
  static const RE2 day_first(R"((?:^|\s)([0-9OoIl|]{2})\s+([A-Za-z]{3,9})\b)");
  static const RE2 month_first(R"((?:^|\s)([A-Za-z]{3,9})\.?\s+([0-9OoIl|]{2})(?:,|\s|$))");
  for (const RE2* re : {&day_first, &month_first}) {
    re2::StringPiece input(text), first, second;
    while (RE2::FindAndConsume(&input, *re, &first, &second)) {
      const re2::StringPiece day = re == &day_first ? first : second;
      const re2::StringPiece month = re == &day_first ? second : first;
      if (!IsMonthName(std::string_view(month.data(), month.size()))) continue;
      const size_t at = static_cast<size_t>(day.data() - text.data());
      for (size_t i = at; i < at + day.size(); ++i) {
        if (IsDigit(text[i])) continue;
        text[i] = *DigitFor(text[i]);
        *changed = true;
      }
    }
  }
}

// A month's three-letter name read one letter wrong between a day and a four-digit year
// ("19 Fun 1935" for 19 Jun 1935, seed 76 s0021; "Fun 19, 1935"): the one month one letter
// off. A word as near two months ("Jub": Jun or Jul) is left as read.
void MendMonthByOneLetter(std::string& text, bool* changed) {
  static const RE2 day_first(R"((?:^|\s)[0-9]{1,2}\s+([A-Za-z]{3})\.?,?\s+[0-9]{4}(?:[^0-9]|$))");
  static const RE2 month_first(R"((?:^|\s)([A-Za-z]{3})\.?\s+[0-9]{1,2}(?:,\s*|\s+)[0-9]{4}(?:[^0-9]|$))");
  for (const RE2* re : {&day_first, &month_first}) {
    re2::StringPiece input(text), word;
    while (RE2::FindAndConsume(&input, *re, &word)) {
      const std::string low = Lowered(std::string_view(word.data(), word.size()));
      if (MonthFromName(low) != 0) continue;
      int near = 0;
      std::string_view month;
      for (std::string_view name : MonthNames())
        if (BoundedEditDistance(low, name.substr(0, 3), 1) == 1) {
          ++near;
          month = name.substr(0, 3);
        }
      if (near != 1) continue;
      const size_t at = static_cast<size_t>(word.data() - text.data());
      for (size_t i = 0; i < 3; ++i) text[at + i] = i == 0 ? Upper(month[i]) : month[i];
      *changed = true;
    }
  }
}

// OCR letters inside digit groups of a date ("O3/O4/1956", "l2/3l/2026").
std::string DigitizeDate(std::string_view text, bool* changed) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (IsDigit(c) || !DigitFor(c)) continue;
    auto near_digitish = [&](size_t j) {
      return j < out.size() && (IsDigit(out[j]) || out[j] == '/' || out[j] == '-');
    };
    const bool left = i > 0 && near_digitish(i - 1);
    const bool right = near_digitish(i + 1);
    // Only letters between digits or separators, never inside month names.
    const bool in_word = (i > 0 && IsAlpha(out[i - 1])) || (i + 1 < out.size() && IsAlpha(out[i + 1]));
    if ((left || right) && !in_word) {
      out[i] = *DigitFor(c);
      *changed = true;
    }
  }
  DigitizeDayByMonth(out, changed);
  MendMonthByOneLetter(out, changed);
  return out;
}

// A numeric date whose separators noise broke: read as a specks ("04°27°1938"), as a
// digit ("0452751938", "9728/2003") or lost ("045271938"). Only a value that is nothing but the date
// (a labeled date) is read this way, and only when exactly one reading is a valid date.
Checked DateWithLostSeparators(std::string_view printed, const DateOptions& o) {
  std::string chars;
  for (char c : printed)
    if (c != ' ') chars += c;
  // Specks between digits: any other mark there is a separator.
  std::string specks;
  bool replaced = false;
  for (size_t i = 0; i < chars.size();) {
    size_t j = i;
    while (j < chars.size() && !IsAlnum(chars[j]) && chars[j] != '/' && chars[j] != '-') ++j;  // a run of marks
    if (j == i) {
      specks += chars[i++];
      continue;
    }
    const bool between_digits = i > 0 && IsDigit(chars[i - 1]) && j < chars.size() && IsDigit(chars[j]);
    specks += between_digits ? std::string("/") : chars.substr(i, j - i);
    replaced = replaced || between_digits;
    i = j;
  }
  if (replaced) {
    Checked out = FindDateIn(specks, o, true);
    if (!out.empty() && out.valid) return out;
  }
  std::vector<std::string> readings;
  // A month and day without leading zeros whose separator was read as a digit (a slash
  // looks like 1 or 7) or lost, the year's separator read ("9728/2003" for 9/28/2003,
  // seed 39 s0068). A month printed with its leading zero has a day of two digits
  // ("0217-1972" is 02/17/1972, not 02/7/1972; seed 53 s0062).
  static const RE2 head_broken(R"(^([0-9]{2,5})[/-]([0-9]{4})$)");
  // A year-first date whose second dash was lost ("1959-1012" for 1959-10-12, seed 63 s0018).
  static const RE2 iso_day_lost(R"(^((?:19|20)[0-9]{2})[/-]([01][0-9])([0-3][0-9])$)");
  std::string head, year, month_read, day_read;
  if (RE2::FullMatch(chars, iso_day_lost, &year, &month_read, &day_read))
    readings.push_back(year + "-" + month_read + "-" + day_read);
  if (RE2::FullMatch(chars, head_broken, &head, &year)) {
    for (size_t month = 1; month <= 2 && month < head.size(); ++month) {
      const size_t day_read = head.size() - month - 1, day_lost = head.size() - month;
      const size_t fewest_day_digits = month == 2 && head[0] == '0' ? 2 : 1;
      if ((head[month] == '1' || head[month] == '7') && day_read >= fewest_day_digits && day_read <= 2)
        readings.push_back(head.substr(0, month) + "/" + head.substr(month + 1) + "/" + year);
      if (day_lost <= 2) readings.push_back(head.substr(0, month) + "/" + head.substr(month) + "/" + year);
    }
  } else if (!std::all_of(chars.begin(), chars.end(), IsDigit)) {
    return {};
  } else if (chars.size() == 10) {
    readings.push_back(chars.substr(0, 2) + "/" + chars.substr(3, 2) + "/" + chars.substr(6));
  } else if (chars.size() == 9) {
    readings.push_back(chars.substr(0, 2) + "/" + chars.substr(3, 2) + "/" + chars.substr(5));  // first read, second lost
    readings.push_back(chars.substr(0, 2) + "/" + chars.substr(2, 2) + "/" + chars.substr(5));  // first lost, second read
  } else if (chars.size() >= 6 && chars.size() <= 8) {
    // Both separators lost ("8101958" for 8/10/1958, seed 68 s0036): the month and day
    // before a four-digit year, each of one or two digits, or (eight digits) a year first.
    const std::string year_last = chars.substr(chars.size() - 4), head = chars.substr(0, chars.size() - 4);
    for (size_t month = 1; month <= 2; ++month)
      if (head.size() > month && head.size() - month <= 2)
        readings.push_back(head.substr(0, month) + "/" + head.substr(month) + "/" + year_last);
    if (chars.size() == 8) readings.push_back(chars.substr(0, 4) + "-" + chars.substr(4, 2) + "-" + chars.substr(6));
  }
  Checked found;
  for (const std::string& r : readings) {
    Checked c = FindDateIn(r, o, true);
    if (c.empty() || !c.valid || c.value == found.value) continue;
    if (!found.empty()) return {};  // two readings: no way to choose
    found = c;
  }
  return found;
}

}  // namespace

// A numeric birth date with one digit of its month or day misread as a look-alike
// ("68-17-1975" for 08-17-1975, "10-92-1937" for 10-02-1937): the one reading, among single
// look-alike slips of those four digits, that is a real and plausible birth date. Nothing
// when the printed date is a real day already, or when two readings qualify.
Checked BirthDateWithSlippedDigit(std::string_view text, const DateOptions& o) {
  if (o.kind != DateKind::kBirth) return {};
  static const RE2 shape(R"((?:^|[^0-9])([0-9]{2})\s?[/.-]\s?([0-9]{2})\s?[/.-]\s?([0-9]{4})(?:[^0-9]|$))");
  std::string mm, dd, yyyy;
  if (!RE2::PartialMatch(text, shape, &mm, &dd, &yyyy)) return {};
  const Ymd today = o.TodayOrClock();
  const int year = std::stoi(yyyy);
  if (RealDay(Ymd{year, std::stoi(mm), std::stoi(dd)})) return {};
  auto alternatives = [](char c) -> std::string_view {
    switch (c) {
      case '0': return "689";
      case '1': return "7";
      case '2': return "7";
      case '3': return "8";
      case '5': return "6";
      case '6': return "05";
      case '7': return "12";
      case '8': return "036";
      case '9': return "0";
      default: return "";
    }
  };
  std::set<std::string> found;
  std::string digits = mm + dd;
  for (size_t i = 0; i < digits.size(); ++i) {
    for (char a : alternatives(digits[i])) {
      std::string v = digits;
      v[i] = a;
      const Checked c = Judge(Ymd{year, std::stoi(v.substr(0, 2)), std::stoi(v.substr(2, 2))}, o, today);
      if (!c.empty() && c.valid) found.insert(c.value);
    }
  }
  if (found.size() != 1) return {};
  Checked out{*found.begin(), true, true};
  return out;
}

Checked NormalizeDate(std::string_view printed, const DateOptions& options) {
  Checked out = FindDateIn(printed, options, true);
  if (!out.empty()) return out;
  bool changed = false;
  const std::string fixed = DigitizeDate(printed, &changed);
  out = changed ? FindDateIn(fixed, options, true) : Checked{};
  if (out.empty()) out = DateWithLostSeparators(fixed, options);
  if (out.empty()) out = BirthDateWithSlippedDigit(fixed, options);
  out.repaired = !out.empty();
  return out;
}

Checked FindDate(std::string_view text, const DateOptions& options) {
  Checked out = FindDateIn(text, options, false);
  if (!out.empty()) return out;
  bool changed = false;
  const std::string fixed = DigitizeDate(text, &changed);
  if (changed) out = FindDateIn(fixed, options, false);
  if (out.empty()) out = BirthDateWithSlippedDigit(fixed, options);
  out.repaired = !out.empty();
  return out;
}

// ------------------------------------------------------------------ names

std::optional<PersonName> ParsePersonName(std::string_view printed) {
  return NameFromParts(NameParts(printed));
}

std::optional<std::string> NormalizeProviderName(std::string_view printed) {
  auto parts = NameParts(printed);
  auto name = NameFromParts(parts);
  if (!name) return std::nullopt;
  return name->given + " " + name->family;
}

bool HasTitleOrCredential(std::string_view printed) {
  const auto words = SplitWords(printed);
  if (!words.empty() && IsTitle(words.front())) return true;
  // A credential after a comma, or as the last word.
  const size_t comma = printed.rfind(',');
  if (comma != std::string_view::npos) {
    const auto tail = SplitWords(printed.substr(comma + 1));
    if (!tail.empty() && IsCredential(tail.front())) return true;
    if (tail.size() == 1 && SplitWords(printed.substr(0, comma)).size() >= 2 && IsMisreadCredential(tail.front()))
      return true;
  }
  // "JOHN SMITH MD": an upper-case credential as the last word.
  return words.size() >= 3 && IsCredential(words.back()) && words.back().size() >= 2 &&
         std::all_of(words.back().begin(), words.back().end(), [](char c) { return !IsAlpha(c) || Upper(c) == c; });
}

// ------------------------------------------------------------------ identifiers

Checked NormalizeIdentifier(std::string_view printed) {
  Checked out;
  const std::string low = Lowered(SingleSpaced(printed));
  static const RE2 placeholder(
      R"(^\W*(n\s*[/il1|]?\s*a|none|not\s+required|not\s+applicable|pending|unknown|tbd|see\s+.*|on\s+file)\W*$)");
  if (RE2::FullMatch(low, placeholder)) return out;
  out.value = IdCharacters(printed, &out.repaired);
  // A letter O touching a digit is a zero read wrong ("REFO717174", "KO712905"): id
  // schemes avoid O beside digits (the MBI leaves it out altogether).
  for (size_t i = 0; i < out.value.size(); ++i) {
    if (out.value[i] != 'O') continue;
    const bool before = i > 0 && IsDigit(out.value[i - 1]);
    const bool after = i + 1 < out.value.size() && IsDigit(out.value[i + 1]);
    if (before || after) {
      out.value[i] = '0';
      out.repaired = true;
    }
  }
  // Letters then digits: once the digits begin, a letter standing between digits that
  // looks like one is that digit ("A7T7804785", "UM5051S661"; not A or H: a Medicare tracking number is "42A71814390223"), but only in a tail that is
  // nearly all digits (at most two such letters, three digits for each), so ids that mix
  // letters and digits by design (the MBI "1EG4TE5MK73") are left alone.
  {
    const size_t first = out.value.find_first_of("0123456789");
    if (first != std::string::npos) {
      int tail_digits = 0, tail_letters = 0;
      for (size_t i = first; i < out.value.size(); ++i) (IsDigit(out.value[i]) ? tail_digits : tail_letters) += 1;
      if (tail_letters >= 1 && tail_letters <= 2 && tail_digits >= 4 && tail_digits >= 3 * tail_letters) {
        for (size_t i = first + 1; i + 1 < out.value.size(); ++i) {
          if (IsDigit(out.value[i])) continue;
          size_t j = i;
          while (j < out.value.size() && !IsDigit(out.value[j])) ++j;
          if (j >= out.value.size()) break;  // letters ending the id stay letters
          bool all = true;
          // A and H stay: Medicare's tracking number holds one between digits by design.
          for (size_t k = i; k < j; ++k)
            all &= DigitFor(out.value[k]).has_value() && out.value[k] != 'A' && out.value[k] != 'H';
          if (all) {
            for (size_t k = i; k < j; ++k) out.value[k] = *DigitFor(out.value[k]);
            out.repaired = true;
          }
          i = j;
        }
      }
    }
  }
  int digits = 0;
  for (char c : out.value) digits += IsDigit(c);
  out.valid = out.value.size() >= 4 && out.value.size() <= 20 && digits >= 1;
  return out;
}

namespace {
// The digit a letter that never appears in an MBI (S, L, O, I, B, Z) stands for; 0 if none.
char MbiForbiddenLetterDigit(char c) {
  switch (c) {
    case 'S': return '5';
    case 'L': case 'I': return '1';
    case 'O': return '0';
    case 'B': return '8';
    case 'Z': return '2';
    default: return 0;
  }
}
}  // namespace

Checked NormalizeAuthorizationNumber(std::string_view printed) {
  Checked out = NormalizeIdentifier(printed);
  // "Al11124441": a lower-case l where capitals meet the digits. Identifiers print in
  // capitals; the engine reads the stroke of a 1 as l (seed 108 s0076, the 1 weighed
  // second), never the foot of an L.
  {
    std::string alnum;
    for (char c : printed)
      if (IsAlpha(c) || IsDigit(c)) alnum += c;
    static const RE2 l_for_1(R"(^([A-Z]{1,4})l([0-9]{5,})$)");
    std::string prefix, digits;
    if (RE2::FullMatch(alnum, l_for_1, &prefix, &digits) && out.value == prefix + "L" + digits) {
      out.value = prefix + "1" + digits;
      out.repaired = true;
    }
  }
  // "UMS0515661": a 5 read as S where the letter prefix meets the digits. Prefixes of
  // authorization numbers (UM, PA, REF, payer codes) are words or initials, and an S
  // ending three or more letters right before five or more digits is taken for a 5.
  static const RE2 s_for_5(R"(^([A-Z]{2,})S([0-9]{5,})$)");
  std::string prefix, digits;
  if (RE2::FullMatch(out.value, s_for_5, &prefix, &digits)) {
    out.value = prefix + "5" + digits;
    out.repaired = true;
  }
  // A Medicare unique tracking number read one character long: at normal resolution the
  // engine adds a digit where the digits meet the wide letter ("044A12002172432",
  // "66H008597174668", "57A489797951835"), or reads the H as 11 ("171116347236389"). The
  // digit beside the letter goes; 11 in the letter's place is the H.
  if (out.value.size() == 15) {
    static const RE2 h_as_11(R"(^([0-9]{2})11([0-9]{11})$)");
    static const RE2 extra_before(R"(^([0-9]{2})[0-9]([AH][0-9]{11})$)");
    static const RE2 extra_after(R"(^([0-9]{2}[AH])[0-9]([0-9]{11})$)");
    std::string head, tail;
    if (RE2::FullMatch(out.value, h_as_11, &head, &tail)) {
      out.value = head + "H" + tail;
      out.repaired = true;
    } else if (RE2::FullMatch(out.value, extra_before, &head, &tail) ||
               RE2::FullMatch(out.value, extra_after, &head, &tail)) {
      out.value = head + tail;
      out.repaired = true;
    }
  }
  // A Medicare unique tracking number: two digits, A or H, eleven digits. Letters read in
  // its digit positions and an A read as 4 are put back.
  static const RE2 utn(R"(^[0-9OIBSZDQG]{2}[AH4][0-9OIBSZDQG]{11}$)");
  if (out.value.size() == 14 && RE2::FullMatch(out.value, utn)) {
    std::string fixed = out.value;
    for (size_t i = 0; i < fixed.size(); ++i) {
      if (i == 2) {
        if (fixed[i] == '4') fixed[i] = 'A';
      } else if (auto d = DigitFor(fixed[i])) {
        fixed[i] = *d;
      }
    }
    if (fixed != out.value) {
      out.value = fixed;
      out.repaired = true;
    }
  }
  return out;
}

Checked NormalizeMbi(std::string_view printed) {
  static const RE2 mbi(
      R"(^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y]{2}[0-9]{2}$)");
  Checked out;
  std::string s = IdCharacters(printed, &out.repaired);
  // A letter read as a bracket ("5GA4)44TG84": J as ')', C as '('): one character short of an
  // MBI with one bracket inside the id. The bracket stands for the letter it resembles.
  if (s.size() == 10) {
    std::string mapped;
    int brackets = 0;
    for (size_t i = 0; i < printed.size(); ++i) {
      const char c = printed[i];
      const bool inside = !mapped.empty() && i + 1 < printed.size();
      if (inside && (c == ')' || c == ']' || c == '}')) {
        mapped += 'J';
        ++brackets;
      } else if (inside && (c == '(' || c == '[' || c == '{')) {
        mapped += 'C';
        ++brackets;
      } else if (IsAlnum(c)) {
        mapped += Upper(c);
      }
    }
    if (brackets == 1 && mapped.size() == 11) {
      Checked bracketed = NormalizeMbi(mapped);
      if (bracketed.valid) {
        bracketed.repaired = true;
        return bracketed;
      }
    }
  }
  out.value = s;
  // Repairs by position: digit positions (1, 4, 7, 10, 11) take the digit a letter stands
  // for; letter-or-digit positions (3, 6) turn the letters MBIs never use (S, L, O, I, B,
  // Z) into the digits they resemble; letter positions (2, 5, 8, 9) turn a digit into the
  // one allowed letter it resembles (6 -> G, 4 -> A), and an I, which MBIs never use, into
  // the J that loses its hook at normal resolution ("6Q43TNBING7" for 6Q43TN8JN67, seed 110
  // s0009), never guessing among several.
  auto fix_digits = [&](std::string c, bool* repaired) {
    for (size_t i : {0, 3, 6, 9, 10}) {
      if (!IsDigit(c[i])) {
        if (auto d = DigitFor(c[i])) {
          c[i] = *d;
          *repaired = true;
        }
      }
    }
    for (size_t i : {2, 5}) {
      const char d = MbiForbiddenLetterDigit(c[i]);
      if (d != 0) {
        c[i] = d;
        *repaired = true;
      }
    }
    for (size_t i : {1, 4, 7, 8}) {
      if (c[i] == '6' || c[i] == '4' || c[i] == 'I') {
        c[i] = c[i] == '6' ? 'G' : c[i] == '4' ? 'A' : 'J';
        *repaired = true;
      }
    }
    return c;
  };
  if (s.size() == 11) {
    bool repaired = false;
    out.value = fix_digits(s, &repaired);
    out.repaired = repaired;
    out.valid = RE2::FullMatch(out.value, mbi);
    return out;
  }
  // One stray character read into the id ("9ME1IMK3DW69": an I that MBIs never hold):
  // accept the unique deletion that makes a valid MBI.
  // Among deletions, those needing the fewest other repairs win ("9ME1IMK3DW69": dropping
  // the I needs none, dropping the E needs I->1).
  if (s.size() == 12) {
    std::vector<std::string> fixes;
    int fewest = 1 << 30;
    for (size_t i = 0; i < s.size(); ++i) {
      const std::string deleted = s.substr(0, i) + s.substr(i + 1);
      bool repaired = false;
      const std::string c = fix_digits(deleted, &repaired);
      if (!RE2::FullMatch(c, mbi)) continue;
      int changes = 0;
      for (size_t k = 0; k < c.size(); ++k) changes += c[k] != deleted[k];
      if (changes < fewest) {
        fewest = changes;
        fixes.clear();
      }
      if (changes == fewest && std::find(fixes.begin(), fixes.end(), c) == fixes.end()) fixes.push_back(c);
    }
    // Else an H read as two strokes ("3PE21133NT63" for 3PE2H33NT63, seed 64 s0066): two
    // 1s or Is side by side, when one such pair alone, read as H, makes a valid MBI.
    if (fixes.empty()) {
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        if (!IsStroke(s[i]) || !IsStroke(s[i + 1])) continue;
        bool repaired = false;
        const std::string c = fix_digits(s.substr(0, i) + "H" + s.substr(i + 2), &repaired);
        if (RE2::FullMatch(c, mbi) && std::find(fixes.begin(), fixes.end(), c) == fixes.end()) fixes.push_back(c);
      }
    }
    if (fixes.size() == 1) {
      out.value = fixes.front();
      out.valid = true;
      out.repaired = true;
    }
  }
  return out;
}

Checked NormalizeMemberId(std::string_view printed) {
  Checked c = NormalizeIdentifier(printed);
  if (c.empty()) return c;
  const Checked m = NormalizeMbi(printed);
  static const RE2 plain(R"(^[A-Z]{0,3}[0-9]{6,}$)");
  const bool whole = RE2::FullMatch(c.value, plain) && m.value.size() != c.value.size();
  return m.valid && !whole ? m : c;
}

bool MemberIdNamesOnePerson(std::string_view id) { return id.size() >= 8; }

bool SurnameReadInPart(std::string_view a, std::string_view b) {
  std::vector<std::string> part = SplitWords(a, "-"), whole = SplitWords(b, "-");
  if (part.size() > whole.size()) std::swap(part, whole);
  if (part.empty() || part.size() == whole.size()) return false;
  return std::all_of(part.begin(), part.end(),
                     [&](const std::string& t) { return std::find(whole.begin(), whole.end(), t) != whole.end(); });
}

bool GivenNamesDiffer(std::string_view a, std::string_view b) {
  const std::vector<std::string> x = SplitWords(a, "-"), y = SplitWords(b, "-");
  if (x.empty() || y.empty()) return false;
  const std::string& p = x.front();
  const std::string& q = y.front();
  if (p.size() < 2 || q.size() < 2 || p.starts_with(q) || q.starts_with(p)) return false;
  const int allowed = std::max(1, static_cast<int>(std::min(p.size(), q.size())) / 3);
  return BoundedEditDistance(p, q, allowed) > allowed;
}

bool FullNamesSlipped(std::string_view family_a, std::string_view given_a, std::string_view family_b,
                      std::string_view given_b) {
  const std::vector<std::string> x = SplitWords(given_a, "-"), y = SplitWords(given_b, "-");
  if (x.empty() || y.empty() || x.front().size() < 3 || y.front().size() < 3) return false;
  if (std::min(family_a.size(), family_b.size()) < 4 || BoundedEditDistance(family_a, family_b, 1) > 1) return false;
  return !GivenNamesDiffer(given_a, given_b);
}

// ------------------------------------------------------------------ addresses

std::optional<std::string> NormalizeState(std::string_view printed) {
  static const std::map<std::string, std::string> kStates = {
      {"ALABAMA", "AL"}, {"ALASKA", "AK"}, {"ARIZONA", "AZ"}, {"ARKANSAS", "AR"}, {"CALIFORNIA", "CA"},
      {"COLORADO", "CO"}, {"CONNECTICUT", "CT"}, {"DELAWARE", "DE"}, {"DISTRICT OF COLUMBIA", "DC"},
      {"FLORIDA", "FL"}, {"GEORGIA", "GA"}, {"HAWAII", "HI"}, {"IDAHO", "ID"}, {"ILLINOIS", "IL"},
      {"INDIANA", "IN"}, {"IOWA", "IA"}, {"KANSAS", "KS"}, {"KENTUCKY", "KY"}, {"LOUISIANA", "LA"},
      {"MAINE", "ME"}, {"MARYLAND", "MD"}, {"MASSACHUSETTS", "MA"}, {"MICHIGAN", "MI"}, {"MINNESOTA", "MN"},
      {"MISSISSIPPI", "MS"}, {"MISSOURI", "MO"}, {"MONTANA", "MT"}, {"NEBRASKA", "NE"}, {"NEVADA", "NV"},
      {"NEW HAMPSHIRE", "NH"}, {"NEW JERSEY", "NJ"}, {"NEW MEXICO", "NM"}, {"NEW YORK", "NY"},
      {"NORTH CAROLINA", "NC"}, {"NORTH DAKOTA", "ND"}, {"OHIO", "OH"}, {"OKLAHOMA", "OK"}, {"OREGON", "OR"},
      {"PENNSYLVANIA", "PA"}, {"RHODE ISLAND", "RI"}, {"SOUTH CAROLINA", "SC"}, {"SOUTH DAKOTA", "SD"},
      {"TENNESSEE", "TN"}, {"TEXAS", "TX"}, {"UTAH", "UT"}, {"VERMONT", "VT"}, {"VIRGINIA", "VA"},
      {"WASHINGTON", "WA"}, {"WEST VIRGINIA", "WV"}, {"WISCONSIN", "WI"}, {"WYOMING", "WY"},
      {"PUERTO RICO", "PR"}, {"GUAM", "GU"}, {"VIRGIN ISLANDS", "VI"}, {"AMERICAN SAMOA", "AS"},
      {"NORTHERN MARIANA ISLANDS", "MP"}};
  std::string key;
  for (char c : printed) {
    if (IsAlpha(c)) key += Upper(c);
    else if (IsSpace(c) && !key.empty() && key.back() != ' ') key += ' ';
  }
  while (!key.empty() && key.back() == ' ') key.pop_back();
  if (key.size() == 2) {
    for (const auto& [name, code] : kStates)
      if (code == key) return code;
    return std::nullopt;
  }
  auto it = kStates.find(key);
  if (it != kStates.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> StateForZip(std::string_view zip) {
  if (zip.size() != 5 || !std::all_of(zip.begin(), zip.end(), [](char c) { return IsDigit(c); })) return std::nullopt;
  const int p = (zip[0] - '0') * 100 + (zip[1] - '0') * 10 + (zip[2] - '0');
  // First three digits -> state, as USPS assigns them (ranges inclusive).
  struct Range {
    int from, to;
    const char* state;
  };
  static const Range kRanges[] = {
      {6, 9, "PR"},     {10, 27, "MA"},   {28, 29, "RI"},   {30, 38, "NH"},   {39, 49, "ME"},   {50, 54, "VT"},
      {55, 55, "MA"},   {56, 59, "VT"},   {60, 69, "CT"},   {70, 89, "NJ"},   {100, 149, "NY"}, {150, 196, "PA"},
      {197, 199, "DE"}, {200, 205, "DC"}, {206, 219, "MD"}, {220, 246, "VA"}, {247, 268, "WV"}, {270, 289, "NC"},
      {290, 299, "SC"}, {300, 319, "GA"}, {320, 339, "FL"}, {341, 349, "FL"}, {350, 369, "AL"}, {370, 385, "TN"},
      {386, 397, "MS"}, {398, 399, "GA"}, {400, 427, "KY"}, {430, 459, "OH"}, {460, 479, "IN"}, {480, 499, "MI"},
      {500, 528, "IA"}, {530, 549, "WI"}, {550, 567, "MN"}, {570, 577, "SD"}, {580, 588, "ND"}, {590, 599, "MT"},
      {600, 629, "IL"}, {630, 658, "MO"}, {660, 679, "KS"}, {680, 693, "NE"}, {700, 714, "LA"}, {716, 729, "AR"},
      {730, 749, "OK"}, {750, 799, "TX"}, {800, 816, "CO"}, {820, 831, "WY"}, {832, 838, "ID"}, {840, 847, "UT"},
      {850, 865, "AZ"}, {870, 884, "NM"}, {885, 885, "TX"}, {889, 898, "NV"}, {900, 961, "CA"}, {967, 968, "HI"},
      {970, 979, "OR"}, {980, 994, "WA"}, {995, 999, "AK"},
  };
  for (const Range& r : kRanges)
    if (p >= r.from && p <= r.to) return std::string(r.state);
  return std::nullopt;
}

Checked NormalizePostalCode(std::string_view printed) {
  Checked out;
  std::string digits;
  bool repaired = false;
  for (char c : printed) {
    if (c == '-' || IsSpace(c)) {
      if (digits.size() >= 5) break;
      continue;
    }
    if (IsDigit(c)) {
      digits += c;
    } else if (auto d = DigitFor(c)) {
      digits += *d;
      repaired = true;
    } else {
      break;
    }
  }
  if (digits.size() != 5 && digits.size() != 9) {
    if (digits.size() >= 5) out.value = digits.substr(0, 5);
    return out;
  }
  out.value = digits.substr(0, 5);
  out.repaired = repaired;
  out.valid = true;
  return out;
}

std::optional<CityStateZip> ParseCityStateZip(std::string_view printed) {
  // CITY[,] STATE ZIP[-PLUS4]; the state is a code or a full name.
  static const RE2 re(R"(^\s*(.+?)\s*,?\s+([A-Za-z][A-Za-z .]*?)\.?\s*,?\s+([0-9OolIS]{5}(?:\s?-\s?[0-9OolIS]{4})?)\s*\W*$)");
  std::string city, state, zip;
  if (!RE2::FullMatch(printed, re, &city, &state, &zip)) return std::nullopt;
  CityStateZip out;
  auto code = NormalizeState(state);
  if (!code) {
    // "SAN MARCOS TX" without a comma where the regex took two words as the state.
    const size_t sp = state.rfind(' ');
    if (sp == std::string::npos) return std::nullopt;
    code = NormalizeState(state.substr(sp + 1));
    if (!code) return std::nullopt;
    city += " " + state.substr(0, sp);
  }
  while (!city.empty() && (city.back() == ',' || IsSpace(city.back()))) city.pop_back();
  out.city = UpperSingleSpaced(city);
  out.state = *code;
  out.postal_code = NormalizePostalCode(zip);
  if (out.city.empty()) return std::nullopt;
  return out;
}

// ------------------------------------------------------------------ coded words

namespace {

std::optional<std::string> PriorityWord(std::string_view word) {
  const std::string w = Lowered(AlnumUpper(word));
  if (w == "routine" || w == "normal" || w == "standard" || w == "elective") return "routine";
  if (w == "urgent" || w == "asap" || w == "expedited") return "urgent";
  if (w == "stat" || w == "emergent" || w == "emergency" || w == "immediate") return "stat";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NormalizePriority(std::string_view printed) {
  const auto words = SplitWords(printed);
  // Checkboxes: the option whose box (the text since the previous option) holds a mark.
  struct Option {
    std::string value;
    bool marked = false;
  };
  std::vector<Option> options;
  std::string box;
  for (const std::string& word : words) {
    // "[X]Routine" glued: split the box from the word; trailing punctuation dropped.
    std::string raw = word;
    while (!raw.empty() && !IsAlnum(raw.back()) && raw.back() != ']') raw.pop_back();
    size_t letters = raw.size();
    while (letters > 0 && IsAlpha(raw[letters - 1])) --letters;
    const std::string tail = raw.substr(letters);
    auto p = PriorityWord(tail);
    if (p && tail.size() >= 3) {
      box += raw.substr(0, letters);
      bool marked = false;
      for (char c : box) marked |= (c == 'X' || c == 'x' || c == '*' || c == '#');
      // A box is marked when it holds an X; "[ ]" read as "[]", "[J", "LI" is empty.
      options.push_back({*p, marked});
      box.clear();
    } else {
      box += raw;
    }
  }
  if (options.empty()) return std::nullopt;
  if (options.size() == 1) return options.front().value;
  std::optional<std::string> chosen;
  int marked = 0;
  for (const Option& o : options) {
    if (o.marked) {
      ++marked;
      chosen = o.value;
    }
  }
  if (marked == 1) return chosen;
  return std::nullopt;
}

std::optional<std::string> NormalizeSex(std::string_view printed) {
  const std::string w = Lowered(AlnumUpper(printed));
  if (w == "f" || w == "female" || w == "woman" || w == "fem") return "female";
  if (w == "m" || w == "male" || w == "man") return "male";
  if (w == "o" || w == "other" || w == "x" || w == "nonbinary") return "other";
  if (w == "u" || w == "unknown" || w == "unk") return "unknown";
  // The word as noise leaves it, within two slips ("Fenaie"; one for "Maie").
  if (w.size() >= 5 && BoundedEditDistance(w, "female", 2) <= 2) return "female";
  if (w.size() == 4 && BoundedEditDistance(w, "male", 1) <= 1) return "male";
  return std::nullopt;
}

std::optional<std::string> NormalizeAuthStatus(std::string_view printed) {
  const std::string w = Lowered(SingleSpaced(printed));
  static const RE2 denied(R"((?i)\b(denied|not\s+approved|not\s+certified|declined|rejected|adverse)\b)");
  static const RE2 approved(R"((?i)\b(approved|certified|authorized|approval)\b)");
  static const RE2 pending(R"((?i)\b(pending|in\s+review|under\s+review|pended|in\s+process)\b)");
  if (RE2::PartialMatch(w, denied)) return "denied";
  if (RE2::PartialMatch(w, approved)) return "approved";
  if (RE2::PartialMatch(w, pending)) return "pending";
  return std::nullopt;
}

// Levenshtein distance, stopping early once above `limit`.
int BoundedEditDistance(std::string_view a, std::string_view b, int limit) {
  if (static_cast<int>(a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {

// A name as its letters only, upper case, digits read for look-alike letters
// ("BLUE CR0SS" -> "BLUECROSS"): the spacing OCR puts into a letter-spaced logo
// ("U N ITE D H E A LTH CA R E") and stray punctuation do not count as edits.
// `ends[i]` is the index in `s` just past the letter that became compact[i].
std::string CompactName(std::string_view s, std::vector<size_t>* ends) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    char letter = 0;
    if (std::isalpha(c)) letter = static_cast<char>(std::toupper(c));
    else if (c == '0') letter = 'O';
    else if (c == '1') letter = 'I';
    else if (c == '5') letter = 'S';
    else if (c == '8') letter = 'B';
    if (letter == 0) continue;
    out += letter;
    if (ends != nullptr) ends->push_back(i + 1);
  }
  return out;
}

// A table of well-known names and their compact forms, made once.
struct NameTable {
  std::vector<std::string> names, compact;
  NameTable(std::initializer_list<const char*> list) {
    for (const char* n : list) {
      names.emplace_back(n);
      compact.push_back(CompactName(n, nullptr));
    }
  }
};

// The table's name nearest to `read` (a compact form) when it is at most `allowed(its
// compact length)` edits away and unambiguous: an exact match, or no other name within one
// more edit (MEDICARE and MEDICAID are two edits apart; a misread of one must never become
// the other). `edits` gets the distance.
template <typename Allowed>
std::optional<std::string> NearestName(const NameTable& table, const std::string& read, Allowed allowed, int* edits) {
  std::optional<std::string> best;
  int best_edits = 1 << 20, second = 1 << 20;
  for (size_t i = 0; i < table.names.size(); ++i) {
    const std::string& known = table.compact[i];
    const int d = BoundedEditDistance(read, known, 6);
    if (d < best_edits) {
      second = best_edits;
      best_edits = d;
      if (d <= allowed(static_cast<int>(known.size()))) best = table.names[i];
      else best.reset();
    } else if (d < second) {
      second = d;
    }
  }
  if (!best || (best_edits > 0 && second <= best_edits + 1)) return std::nullopt;
  if (edits != nullptr) *edits = best_edits;
  return best;
}

}  // namespace

std::optional<std::string> KnownPayer(std::string_view payer, int* edits) {
  static const NameTable kPayers = {
      "AETNA", "CIGNA", "HUMANA", "UNITEDHEALTHCARE", "BLUE CROSS BLUE SHIELD", "BLUE CROSS BLUE SHIELD OF TEXAS",
      "MEDICARE", "MEDICAID", "KAISER PERMANENTE", "MOLINA HEALTHCARE", "TRICARE", "ANTHEM", "WELLCARE",
      "AMBETTER", "OSCAR HEALTH", "CENTENE", "SUPERIOR HEALTHPLAN", "SCOTT AND WHITE HEALTH PLAN",
      "BAYLOR SCOTT AND WHITE HEALTH PLAN", "COMMUNITY HEALTH CHOICE", "TEXAS CHILDRENS HEALTH PLAN",
      "AMERIGROUP", "HIGHMARK", "EMBLEMHEALTH", "HEALTH NET", "CAREFIRST", "GEISINGER HEALTH PLAN",
  };
  std::vector<size_t> ends;
  const std::string read = CompactName(payer, &ends);
  if (read.size() < 3) return std::nullopt;
  // Names of five letters or more allow one edit, long ones one per eight letters, names of
  // twenty letters or more one per six ("BLUR CROSS BLUR SHIRLD OF TRXAS", faint E's, seed
  // 53 s0008).
  const auto allowed = [](int n) { return std::max(n >= 5 ? 1 : 0, n >= 20 ? n / 6 : n / 8); };
  if (auto best = NearestName(kPayers, read, allowed, edits))
    return best;
  // An H read as two strokes ("TIUMANA" for HUMANA at normal resolution, seed 89 s0091):
  // the name with the strokes read as the H, counted as one edit more.
  for (size_t i = 0; i + 1 < read.size(); ++i) {
    if (!(read[i] == 'T' || IsStroke(read[i])) || !IsStroke(read[i + 1])) continue;
    const std::string h = read.substr(0, i) + "H" + read.substr(i + 2);
    if (auto best = NearestName(kPayers, h, allowed, edits)) {
      if (edits != nullptr) ++*edits;
      return best;
    }
  }
  // A known name followed by debris that is no word ("BLUE CROSS BLUE SHIELD OF TEXAS!:22",
  // "HUMANA -- "): the name, counted as one edit. A longer name in words ("AETNA BETTER
  // HEALTH") is not cut short.
  std::optional<std::string> prefix;
  size_t prefix_len = 0;
  for (size_t i = 0; i < kPayers.names.size(); ++i) {
    const std::string& known = kPayers.compact[i];
    if (known.size() < 5 || known.size() >= read.size() || read.compare(0, known.size(), known) != 0) continue;
    size_t next = ends[known.size() - 1];
    while (next < payer.size() && payer[next] == ' ') ++next;
    if (next < payer.size() && std::isalpha(static_cast<unsigned char>(payer[next]))) continue;
    if (known.size() > prefix_len) {
      prefix = kPayers.names[i];
      prefix_len = known.size();
    }
  }
  if (prefix && edits != nullptr) *edits = 1;
  return prefix;
}

std::optional<std::string> KnownSpecialty(std::string_view specialty, int* edits) {
  static const NameTable kSpecialties = {
      "ALLERGY AND IMMUNOLOGY", "AUDIOLOGY", "BEHAVIORAL HEALTH", "CARDIOLOGY", "CARDIOTHORACIC SURGERY",
      "COLORECTAL SURGERY", "DERMATOLOGY", "ENDOCRINOLOGY", "FAMILY MEDICINE", "GASTROENTEROLOGY",
      "GENERAL SURGERY", "GERIATRICS", "GYNECOLOGY", "HEMATOLOGY", "HEMATOLOGY ONCOLOGY", "HEPATOLOGY",
      "INFECTIOUS DISEASE", "INTERNAL MEDICINE", "NEPHROLOGY", "NEUROLOGY", "NEUROSURGERY",
      "OBSTETRICS AND GYNECOLOGY", "ONCOLOGY", "OPHTHALMOLOGY", "OPTOMETRY", "ORTHOPEDICS", "ORTHOPEDIC SURGERY",
      "OTOLARYNGOLOGY", "PAIN MANAGEMENT", "PEDIATRICS", "PHYSICAL MEDICINE AND REHABILITATION",
      "PHYSICAL THERAPY", "OCCUPATIONAL THERAPY", "PLASTIC SURGERY", "PODIATRY", "PSYCHIATRY", "PSYCHOLOGY",
      "PULMONOLOGY", "RADIATION ONCOLOGY", "RADIOLOGY", "RHEUMATOLOGY", "SLEEP MEDICINE", "SPEECH THERAPY",
      "UROLOGY", "VASCULAR SURGERY", "WOUND CARE",
  };
  const std::string read = CompactName(specialty, nullptr);
  if (read.size() < 4) return std::nullopt;
  return NearestName(kSpecialties, read, [](int n) { return n / 5; }, edits);
}

std::string_view MemberIdShape(std::string_view payer) {
  if (payer == "HUMANA") return "HDDDDDDDD";
  if (payer == "AETNA") return "WDDDDDDDDD";
  if (payer == "CIGNA") return "UDDDDDDDD0D";
  if (payer == "UNITEDHEALTHCARE" || payer == "MEDICAID") return "DDDDDDDDD";
  if (payer == "KAISER PERMANENTE") return "DDDDDDDD";
  if (payer.rfind("BLUE CROSS BLUE SHIELD", 0) == 0) return "LLLDDDDDDDDD";
  if (payer == "TRICARE") return "DDDDDDDDDDD";  // the DoD benefits number on the card
  return "";
}

namespace {

// A shape whose first character is one fixed letter (Humana's H, Aetna's W, Cigna's U), not
// the 'L' or 'D' of any letter or digit.
bool OpensWithFixedLetter(std::string_view shape) {
  return !shape.empty() && IsAlpha(shape.front()) && shape.front() != 'L' && shape.front() != 'D';
}

bool FitsShape(std::string_view id, std::string_view shape) {
  if (id.size() != shape.size()) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char s = shape[i], c = id[i];
    if (s == 'D' ? !IsDigit(c) : s == 'L' ? !IsAlpha(c) : c != s) return false;
  }
  return true;
}

// The character meant at a shape position, through the usual look-alikes (DigitFor and
// LetterFor; a J is not taken for a 1 here, and a 4 may be an A).
std::optional<char> MeantAt(char c, char s) {
  if (s == 'D') {
    if (IsDigit(c)) return c;
    return c == 'J' ? std::nullopt : DigitFor(c);
  }
  if (s == 'L') {
    if (IsAlpha(c)) return c;
    if (c == '4') return 'A';
    if (c == '7') return 'Z';  // its bar and diagonal ("72B026016143" for ZZB026016143, seed 38 s0085)
    return LetterFor(c);
  }
  if (c == s) return c;
  // A fixed digit or letter of the shape read as a look-alike of it.
  if (IsDigit(s)) return MeantAt(c, 'D') == s ? std::optional<char>(s) : std::nullopt;
  // The fixed letter of a shape read as a look-alike.
  if ((s == 'H' && (c == 'N' || c == 'M')) || (s == 'U' && (c == 'V' || c == '0')) || (s == 'W' && c == 'V'))
    return s;
  return std::nullopt;
}

}  // namespace

bool FitsMemberIdShape(std::string_view id, std::string_view payer) {
  const std::string_view shape = MemberIdShape(payer);
  return !shape.empty() && FitsShape(id, shape);
}

bool MemberIdShapeOpensWithLetter(std::string_view payer) {
  const std::string_view shape = MemberIdShape(payer);
  return OpensWithFixedLetter(shape) || (!shape.empty() && shape.front() == 'L');
}

std::optional<std::string> RepairMemberId(std::string_view id, std::string_view payer, std::string_view weighed) {
  const std::string_view shape = MemberIdShape(payer);
  if (shape.empty() || FitsShape(id, shape)) return std::nullopt;
  std::string read(id);
  // An H or a U read as two strokes; a U also as "17", its right stroke bent (seed 39
  // s0085: "1730353277 04" for U3035327704), or as "01", its bowl closed (seed 115 s0042:
  // "0179404123 03" for U7940412303).
  if ((shape.front() == 'H' || shape.front() == 'U') && read.size() == shape.size() + 1) {
    const std::string head = read.substr(0, 2);
    if (head == "11" || head == "I1" || head == "1I" || head == "II" || head == "LI" || head == "IL" ||
        (shape.front() == 'U' && (head == "17" || head == "01" || head == "O1" || head == "0I" || head == "OI")))
      read = std::string(1, shape.front()) + read.substr(2);
  }
  // A W read as two letters, W and V or W twice (seed 39 s0068: "\WV472358645" for
  // W472358645; seed 38 s0019: "WW888044158").
  if (shape.front() == 'W' && read.size() == shape.size() + 1 &&
      (read.rfind("WV", 0) == 0 || read.rfind("VW", 0) == 0 || read.rfind("WW", 0) == 0))
    read = "W" + read.substr(2);
  // A W whose first stroke was read apart, as a backslash the id's punctuation lost: a V
  // ("\V328781475" for W328781475, seed 96 s0030).
  if (shape.front() == 'W' && read.size() == shape.size() && read.front() == 'V') read.front() = 'W';
  // A stroke read as a letter of its own (a box rule or speck before the id, "IJXK201204638";
  // a J read with an I beside it, "JJIX188472952"), a zero read twice, once as a letter
  // ("XKCO082266006", seed 48 s0027), or a digit read twice ("U95545210704" for Cigna's
  // U9545210704, seed 59 s0004; not a 1, which a stroke beside it may be): one I, l, | or O,
  // or one of a digit's two readings, whose removal makes the id fit, when exactly one
  // such removal does.
  if (read.size() == shape.size() + 1) {
    std::set<std::string> fits;
    for (size_t i = 0; i < read.size(); ++i) {
      const bool read_twice = i > 0 && IsDigit(read[i]) && read[i] != '1' && read[i] == read[i - 1];
      if (std::string_view("Il|O").find(read[i]) == std::string_view::npos && !read_twice) continue;
      std::string dropped = read.substr(0, i) + read.substr(i + 1);
      if (FitsShape(dropped, shape)) fits.insert(std::move(dropped));
    }
    if (fits.size() == 1) return *fits.begin();
  }
  // The fixed letter the payer's ids start with, lost at the cell's or word's edge
  // ("0885431102" for Cigna's U0885431102): the rest fits the shape as read.
  if (read.size() + 1 == shape.size() && OpensWithFixedLetter(shape) &&
      FitsShape(std::string(1, shape.front()) + read, shape))
    return std::string(1, shape.front()) + read;
  if (read.size() != shape.size()) return std::nullopt;
  const bool aligned = read == id && weighed.size() == id.size();
  std::string out;
  for (size_t i = 0; i < read.size(); ++i) {
    if (aligned && shape[i] == 'D' && !IsDigit(read[i]) && IsDigit(weighed[i])) {
      out += weighed[i];
      continue;
    }
    const std::optional<char> c = MeantAt(read[i], shape[i]);
    if (!c) return std::nullopt;
    out += *c;
  }
  return FitsShape(out, shape) ? std::optional<std::string>(out) : std::nullopt;
}

}  // namespace faxintake::extract
