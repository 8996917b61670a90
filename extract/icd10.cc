#include "extract/icd10.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <tuple>
#include <vector>

#include "extract/validators.h"

namespace faxintake::extract {
namespace {

struct Row {
  const char* code;
  const char* title;
};

const Row kCommon[] = {
#include "extract/icd10_common.inc"
};

// Characters a fax page and Tesseract mix up, by what the position of a code allows.
std::string_view LetterAlternatives(char c) {
  switch (c) {
    case 'I': return "JLT";
    case 'J': return "IT";
    case 'L': return "I";
    case 'T': return "IJ";
    case 'E': return "FB";
    case 'F': return "EP";
    case 'B': return "ER";
    case 'P': return "FR";
    case 'R': return "BKP";
    case 'K': return "R";
    case 'D': return "OGQ";
    case 'O': return "DQ";
    case 'Q': return "OD";
    case 'G': return "CDO";
    case 'C': return "GO";
    case 'M': return "NH";
    case 'N': return "MH";
    case 'H': return "MN";
    case 'U': return "V";
    case 'V': return "UY";
    case 'Y': return "V";
    case 'A': return "4";
    case 'X': return "K";
    default: return "";
  }
}

std::string_view DigitAlternatives(char c) {
  switch (c) {
    case '0': return "869";
    case '1': return "74";
    case '2': return "7";
    case '3': return "859";
    case '4': return "1A9";
    case '5': return "63";
    case '6': return "508";
    case '7': return "12";
    case '8': return "3069";
    case '9': return "8034";
    default: return "";
  }
}

bool IsStopWord(const std::string& w) {
  static const std::set<std::string> kStop = {
      "unspecified", "without", "with", "other", "the", "and", "for", "not", "elsewhere", "classified",
      "specified", "site", "part", "than", "due", "encounter", "initial", "current", "disease", "disorder"};
  return kStop.count(w) > 0;
}

std::vector<std::string> Words(std::string_view text, bool keep_stop_words = false) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= 3 && (keep_stop_words || !IsStopWord(cur))) out.push_back(cur);
    cur.clear();
  };
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else flush();
  }
  flush();
  return out;
}

// Words of six letters or more may differ by one OCR slip.
bool NearlyEqual(const std::string& a, const std::string& b) {
  if (a == b) return true;
  return a.size() >= 6 && b.size() >= 6 && BoundedEditDistance(a, b, 1) <= 1;
}

// Title words the context repeats, and the share of the title's words that is.
struct Evidence {
  int words = 0;
  double coverage = 0;
};

Evidence Score(std::string_view title, const std::vector<std::string>& context) {
  Evidence e;
  const std::vector<std::string> words = Words(title);
  if (words.empty()) return e;
  for (const std::string& w : words)
    if (std::any_of(context.begin(), context.end(), [&](const std::string& c) { return NearlyEqual(w, c); }))
      ++e.words;
  e.coverage = static_cast<double>(e.words) / static_cast<double>(words.size());
  return e;
}

std::string WithDot(std::string code) {
  code.erase(std::remove(code.begin(), code.end(), '.'), code.end());
  if (code.size() > 3) code.insert(3, ".");
  return code;
}

// A printed code by the look of its characters: dots and brackets around it dropped,
// look-alikes made one ("1509" and "I50.9" are both "1509", "[11.9" is "1119").
std::string LookAlike(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // A pound or euro sign read for E: one character, whatever its bytes.
      if ((c & 0xC0) != 0x80) out += 'E';
      continue;
    }
    switch (std::toupper(c)) {
      case 'I': case 'L': case 'J': case 'T': case '|': case '!': case '[': case ']': case '1': out += '1'; break;
      case 'O': case 'D': case 'Q': case '0': out += '0'; break;
      case 'S': case '5': out += '5'; break;
      case 'B': case '8': out += '8'; break;
      case 'Z': case '2': out += '2'; break;
      case 'G': case '6': out += '6'; break;
      case 'F': case 'E': out += 'E'; break;
      default:
        if (std::isalnum(c)) out += static_cast<char>(std::toupper(c));
        break;
    }
  }
  return out;
}

}  // namespace

Icd10Table::Icd10Table(std::unordered_map<std::string, std::string> titles, bool complete)
    : titles_(std::move(titles)), complete_(complete) {
  look_alike_.reserve(titles_.size());
  for (const auto& entry : titles_) look_alike_.emplace_back(LookAlike(entry.first), entry.first);
}

std::optional<std::string> Icd10Table::FromTitle(std::string_view read, std::string_view title, double min_coverage) const {
  const std::string printed = LookAlike(read);
  if (printed.size() < 2 || printed.size() > 9) return std::nullopt;
  // The title ends at a semicolon (another code follows).
  title = title.substr(0, title.find(';'));
  const std::vector<std::string> words = Words(title);
  if (words.empty()) return std::nullopt;
  // Every word printed, "with" and "without" included, for the converse check: the code's
  // title must also account for what was printed ("with other specified complication"
  // is not "without complications", though their telling words agree).
  const std::vector<std::string> printed_words = Words(title, true);
  // Candidates rank by how much of their title was printed, then by how much of what was
  // printed their title accounts for ("—11.9 - Type 2 diabetes mellitus without
  // complications" is E11.9, not E11.8 "... with unspecified complications", though both
  // titles are fully printed), then by how alike the printed code looks.
  const std::string* best = nullptr;
  std::tuple<double, long, int, int> best_rank;
  bool tie = false;
  for (const auto& [look, code] : look_alike_) {
    const int distance = BoundedEditDistance(printed, look, 2);
    if (distance > 2) continue;
    const std::string& code_title = titles_.at(code);
    const Evidence e = Score(code_title, words);
    if (e.words == 0 || e.coverage < min_coverage) continue;
    const std::vector<std::string> title_words = Words(code_title, true);
    const auto covered = std::count_if(printed_words.begin(), printed_words.end(), [&](const std::string& w) {
      return std::any_of(title_words.begin(), title_words.end(), [&](const std::string& t) { return NearlyEqual(w, t); });
    });
    if (4 * covered < 3 * static_cast<long>(printed_words.size())) continue;
    // Two slips in the code, one letter read as two glyphs ("19509" for D50.9, seed 39
    // s0071), only in a code of four characters or more and under a title printed whole,
    // every word of it the code's.
    if (distance == 2 && (printed.size() != look.size() + 1 || look.size() < 4 || e.coverage < 1.0 ||
                          covered != static_cast<long>(printed_words.size())))
      continue;
    const std::tuple<double, long, int, int> rank{e.coverage, covered, -distance, e.words};
    if (!best || rank > best_rank) {
      best = &code;
      best_rank = rank;
      tie = false;
    } else if (rank == best_rank) {
      tie = true;
    }
  }
  if (!best || tie) return std::nullopt;
  return *best;
}

std::shared_ptr<const Icd10Table> Icd10Table::Common() {
  static const std::shared_ptr<const Icd10Table> table = [] {
    std::unordered_map<std::string, std::string> titles;
    for (const Row& r : kCommon) titles.emplace(r.code, r.title);
    return std::shared_ptr<const Icd10Table>(new Icd10Table(std::move(titles), false));
  }();
  return table;
}

Result<std::shared_ptr<const Icd10Table>> Icd10Table::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kFailedPrecondition, "icd10_table_unreadable", "cannot read the ICD-10-CM table file");
  // "A000    Cholera due to Vibrio cholerae 01, biovar cholerae" (CMS) or "A00.0\tCholera ...".
  static const RE2 line_re(R"(^\s*([A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?)\s+(\S.*?)\s*$)");
  std::unordered_map<std::string, std::string> titles;
  std::string line, code, title;
  while (std::getline(in, line)) {
    if (!RE2::FullMatch(line, line_re, &code, &title)) continue;
    titles.emplace(WithDot(code), title);
  }
  if (titles.empty()) return MakeError(ErrorCode::kInvalidArgument, "icd10_table_empty", "the ICD-10-CM table file holds no codes");
  return std::shared_ptr<const Icd10Table>(new Icd10Table(std::move(titles), true));
}

std::optional<std::string_view> Icd10Table::Title(std::string_view code) const {
  auto it = titles_.find(std::string(code));
  if (it == titles_.end()) return std::nullopt;
  return std::string_view(it->second);
}

Icd10Table::Choice Icd10Table::Resolve(std::string_view read, std::string_view context) const {
  Choice keep{std::string(read), false, Title(read).has_value()};
  // Readings one confusion away that the table knows.
  std::vector<std::string> variants;
  const std::string base(read);
  for (size_t i = 0; i < base.size(); ++i) {
    const char c = base[i];
    if (c == '.') continue;
    std::string_view alts;
    if (i == 0) alts = LetterAlternatives(c);
    else if (std::isdigit(static_cast<unsigned char>(c))) alts = DigitAlternatives(c);
    else alts = LetterAlternatives(c);
    for (char a : alts) {
      if (i == 0 && !std::isalpha(static_cast<unsigned char>(a))) continue;
      if (i == 1 && !std::isdigit(static_cast<unsigned char>(a))) continue;
      std::string v = base;
      v[i] = a;
      if (Title(v)) variants.push_back(v);
    }
  }
  if (variants.empty()) return keep;

  const std::vector<std::string> words = Words(context);
  const Evidence own = keep.known ? Score(*Title(read), words) : Evidence{};
  const std::string* best = nullptr;
  Evidence best_e;
  bool tie = false;
  for (const std::string& v : variants) {
    const Evidence e = Score(*Title(v), words);
    if (!best || e.words > best_e.words || (e.words == best_e.words && e.coverage > best_e.coverage)) {
      best = &v;
      best_e = e;
      tie = false;
    } else if (e.words == best_e.words && e.coverage == best_e.coverage) {
      tie = true;
    }
  }
  if (keep.known) {
    // A real code stays unless the words beside it are another reading's title, not its own.
    if (!tie && best_e.words >= 1 && own.words == 0 && best_e.coverage >= 0.5) return {*best, true, true};
    return keep;
  }
  if (best_e.words >= 1 && !tie) return {*best, true, true};
  if (variants.size() == 1) {
    // No title to go by: an unknown reading becomes the only real code one confusion away
    // when the table is complete, or when even its category is unknown to the table.
    if (complete_) return {variants.front(), true, true};
    const std::string category = base.substr(0, 3);
    const bool category_known = std::any_of(titles_.begin(), titles_.end(), [&](const auto& kv) {
      return kv.first.compare(0, 3, category) == 0;
    });
    if (!category_known) return {variants.front(), true, true};
  }
  return keep;
}

}  // namespace faxintake::extract
