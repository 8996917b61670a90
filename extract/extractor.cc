#include "extract/extractor.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "extract/reader.h"
#include "pipeline/log.h"

namespace faxintake::extract {

// ------------------------------------------------------------------ DocReader

DocReader::DocReader(const std::vector<const PageResult*>& pages, const DateOptions& dates) : dates_(dates) {
  for (const PageResult* p : pages) {
    layouts_.push_back(std::make_unique<PageLayout>(*p));
    labels_.push_back(std::make_unique<LabelIndex>(*layouts_.back()));
    numbers_.push_back(p->number);
  }
  for (int pi = 0; pi < page_count(); ++pi) {
    const PageLayout& page = layout(pi);
    for (int r = 0; r < static_cast<int>(page.rows().size()); ++r) {
      if (!flow_.empty()) flow_ += ' ';
      row_start_[{pi, r}] = flow_.size();
      bool first = true;
      for (int wi : page.row(r).words) {
        if (!first) flow_ += ' ';
        first = false;
        const size_t begin = flow_.size();
        flow_ += page.word(wi).text;
        spans_.push_back({begin, flow_.size(), WordRef{pi, wi}});
      }
    }
  }
}

std::vector<DocReader::Hit> DocReader::Hits(Label label) const {
  std::vector<Hit> out;
  for (int pi = 0; pi < page_count(); ++pi)
    for (const LabelHit& h : labels(pi).hits())
      if (h.label == label) out.push_back({pi, &h});
  return out;
}

Candidate DocReader::FromWords(int page, const std::vector<int>& words, FieldValue value, const Checked* check) const {
  std::vector<WordRef> refs;
  for (int w : words) refs.push_back({page, w});
  return FromWords(refs, std::move(value), check);
}

Candidate DocReader::FromWords(const std::vector<WordRef>& words, FieldValue value, const Checked* check) const {
  Candidate c;
  c.value = std::move(value);
  double sum = 0;
  for (const WordRef& w : words) {
    const LayoutWord& lw = layout(w.page).word(w.word);
    sum += lw.confidence;
    if (w.page == words.front().page) c.box = Union(c.box, lw.box);
    AppendReading(lw.source, lw.text, c.reading);
  }
  if (words.size() == 1)
    if (const Word* source = layout(words.front().page).word(words.front().word).source)
      for (const WordReading& r : source->readings) c.readings.push_back(r.text);
  c.confidence = words.empty() ? 0 : sum / static_cast<double>(words.size());
  c.page = words.empty() ? numbers_.front() : numbers_[static_cast<size_t>(words.front().page)];
  if (check != nullptr) {
    c.valid = check->valid;
    c.repaired = check->repaired;
  }
  return c;
}

namespace {

// The identifier of `c` read again from the engine's alternatives when it fails its rule
// as read (NPI check digit, MBI and Medicare tracking number shapes).
void ReadAgainFromChoices(const std::string& key, const std::vector<std::string>& auth_prefixes, Candidate& c) {
  const std::string* value = std::get_if<std::string>(&c.value);
  if (value == nullptr || c.reading.empty()) return;
  std::optional<std::string> fixed;
  if (key == "referring.npi") {
    if (!NpiIsValid(*value)) {
      fixed = NpiFromReadings(c.readings);
      if (!fixed) fixed = NpiFromChoices(c.reading);
    } else if (c.repaired) {
      // Passing only once repaired (eleven digits read, one dropped): the word read again
      // alone passing as read is surer ("29676207360" gave 2676207360 without its 9; alone
      // it read 2967628738 at 0.95, seed 115 s0048).
      fixed = NpiFromReadings(c.readings);
    }
  } else if (key == "insurance.member_id") {
    // The word read again alone gives an MBI with fewer look-alikes taken than the page's
    // reading needs ("9F39WR9FM54" alone, "SF39WRSFM54" on the page).
    fixed = MbiFromReadings(BestText(c.reading), c.readings);
    // Only a value as long as its reading (both eleven characters, nearly an MBI). The
    // value may hold look-alike repairs of its own ("9OX2..." as "90X2..."): where the
    // engine ranked another reading first among those the MBI allows, the engine's is
    // taken (an I in a digit position is 1 by the table, 9 by the engine's ranking).
    const bool as_read = BestText(c.reading) == *value;
    if (!fixed && (!NormalizeMbi(*value).valid || !as_read) && c.reading.size() == value->size())
      fixed = MbiFromChoices(c.reading);
    if (!fixed && !NormalizeMbi(*value).valid) fixed = MbiFromDoubledChoices(c.reading);
  } else if (key == "authorization.number") {
    fixed = UtnFromReadings(*value, c.readings);
    if (!fixed) fixed = AuthPrefixFromReadings(*value, c.reading, c.readings, auth_prefixes);
    if (!fixed && c.reading.size() == value->size()) {
      fixed = UtnFromChoices(c.reading);
      if (!fixed) fixed = AuthPrefixFromChoices(c.reading);
      if (!fixed) fixed = AuthPrefixFromKnown(c.reading, auth_prefixes);
    }
  }
  if (!fixed || *fixed == *value) return;
  c.value = *fixed;
  c.valid = true;
  c.repaired = true;
}

}  // namespace

void DocReader::Add(const std::string& key, Candidate candidate) {
  ReadAgainFromChoices(key, auth_prefixes(), candidate);
  candidates_[key].push_back(std::move(candidate));
}

bool DocReader::Has(const std::string& key) const { return candidates_.count(key) > 0; }

void DocReader::DropWhere(const std::function<bool(const Candidate&)>& which) {
  for (auto it = candidates_.begin(); it != candidates_.end();) {
    std::erase_if(it->second, which);
    it = it->second.empty() ? candidates_.erase(it) : std::next(it);
  }
}

bool DocReader::HasValid(const std::string& key) const {
  auto it = candidates_.find(key);
  if (it == candidates_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [](const Candidate& c) { return c.valid; });
}

std::vector<WordRef> DocReader::WordsIn(size_t begin, size_t end) const {
  std::vector<WordRef> out;
  for (const Span& s : spans_)
    if (s.end > begin && s.begin < end) out.push_back(s.ref);
  return out;
}

size_t DocReader::RowStart(int page, int row) const {
  auto it = row_start_.find({page, row});
  return it == row_start_.end() ? flow_.size() : it->second;
}

// ------------------------------------------------------------------ codes

namespace {

bool IsDash(const std::string& t) { return t == "-" || t == "\xE2\x80\x93" || t == "\xE2\x80\x94"; }

// The title printed after the code at words[k] and its dash ("1509 - Heart failure,
// unspecified"), or right after the code, up to the next code with its dash ("...; F41.1 -
// Generalized ...") or twelve words; nullopt when no title follows the code. Without the
// dash only when `dashless`.
std::optional<std::string> TitleAfterCode(const PageLayout& layout, const std::vector<int>& words, size_t k,
                                          bool dashless) {
  if (k + 1 >= words.size()) return std::nullopt;
  // Authorization letters print the title without a dash ("Diagnosis: M81.0 Age-related
  // osteoporosis ...", read "1.03.9 Hypothyroidism, unspecitied" in seed 33 s0021): a
  // capitalized word right after the code opens it.
  const std::string& next = layout.word(words[k + 1]).text;
  const bool titled = dashless && next.size() >= 4 && std::isupper(static_cast<unsigned char>(next[0])) &&
                      std::islower(static_cast<unsigned char>(next[1]));
  // The dash glued to the title's first word, a speck between them ("19509 -.Iron
  // deficiency anemia, unspecified", seed 39 s0071).
  static const RE2 glued(R"(^-[.,:;]?([A-Za-z].*)$)");
  std::string first;
  const bool dash_glued = !titled && RE2::FullMatch(next, glued, &first);
  if (!titled && !dash_glued && (k + 2 >= words.size() || !IsDash(next))) return std::nullopt;
  std::string title = dash_glued ? first + " " : "";
  for (size_t j = titled ? k + 1 : k + 2; j < std::min(words.size(), k + 14); ++j) {
    if (j + 1 < words.size() && IsDash(layout.word(words[j + 1]).text)) break;
    title += layout.word(words[j]).text + " ";
  }
  return title;
}

}  // namespace

Checked DateFromWordChoices(const std::vector<const Word*>& words,
                            const std::function<Checked(const std::string&)>& parse) {
  const auto value = DateFromChoices(words, [&parse](const std::string& text) { return parse(text).value; });
  if (!value) return {};
  Checked d = parse(*value);
  d.repaired = true;
  return d;
}

std::vector<CodeHit> CodesInWords(const DocReader& r, int page, const std::vector<int>& words, bool parenthesized,
                                  size_t lead_in) {
  std::vector<CodeHit> out;
  const PageLayout& layout = r.layout(page);
  // The words printed with a code (its title, or the sentence naming the condition) decide
  // among readings the code table knows.
  std::string context;
  for (size_t k = lead_in; k < words.size(); ++k) context += layout.word(words[k]).text + " ";
  bool open = false;  // inside "( ... )" spanning words
  bool birth_date = false;  // that opened with "(DOB"
  for (size_t k = lead_in; k < words.size(); ++k) {
    const int wi = words[k];
    std::string text = layout.word(wi).text;
    // A dot read as a space splits a code in two words ("(N39 0)", "(G56 01)"): a word of
    // a letter and two digits followed by a short run of digits closing the code. A space
    // read after the bracketed letter of a code printed without its dot splits it too
    // ("(K 760)." for K76.0, seed 73 s0009): the digits close the bracket.
    if (k + 1 < words.size()) {
      static const RE2 head(R"(^[(\[{]?[A-Z][0-9][0-9A-Z][,.]?$)");
      static const RE2 tail(R"(^[0-9][0-9A-Z]{0,3}[)\]},;.]*$)");
      static const RE2 bracketed_letter(R"(^[(\[{][A-Z]$)");
      static const RE2 closing_digits(R"(^[0-9]{2}[0-9A-Z]{1,4}[)\]}][,;.]?$)");
      const std::string& next = layout.word(words[k + 1]).text;
      if (RE2::FullMatch(text, head) && RE2::FullMatch(next, tail)) {
        if (text.back() != '.' && text.back() != ',') text += '.';
        text += next;
        ++k;
      } else if (RE2::FullMatch(text, bracketed_letter) && RE2::FullMatch(next, closing_digits)) {
        text += next;
        ++k;
      }
    }
    // A pound or euro sign read for a capital E ("£78.5").
    for (const char* mark : {"\xC2\xA3", "\xE2\x82\xAC"}) {
      const size_t at = text.find(mark);
      if (at != std::string::npos && at <= 1) text.replace(at, std::string(mark).size(), "E");
    }
    // Typographic quotes and bullets read from specks before a code ("’E78.5").
    for (const char* mark : {"\xE2\x80\x98", "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\xA2"})
      if (text.rfind(mark, 0) == 0) text.erase(0, std::string(mark).size());
    const bool opens = text.find_first_of("([{") != std::string::npos;
    const bool closes = text.find_first_of(")]}") != std::string::npos;
    // A word that closes a bracket no word opened lost its opening mark to noise
    // ("pectori: 125.16)." for "pectoris (I25.10).", seed 83 s0073): it was inside.
    const bool inside = opens || open || closes;
    // A birth date in brackets ("(DOB 03 Oct 1956)") holds no code, whatever its year was
    // read as ("(DOB 03 Oct P96E", seed 75 s0087).
    if (opens) birth_date = AlnumUpper(text).rfind("DOB", 0) == 0;
    const bool in_birth_date = birth_date;
    open = (open || opens) && !closes;
    if (!open) birth_date = false;
    if (in_birth_date || (parenthesized && !inside)) continue;
    // A code that reads as no code or an unknown one, followed by a dash and its title
    // ("1509 - Heart failure, unspecified"): the code that title names, when it looks alike.
    const auto by_title = [&](double min_coverage = 0.75, bool long_title = true) -> bool {
      const auto take = [&](const std::string& title) {
        std::optional<std::string> code = r.icd10().FromTitle(text, title, min_coverage);
        if (code) out.push_back({*code, WordRef{page, wi}, true});
        return code.has_value();
      };
      if (!parenthesized) {
        auto after = TitleAfterCode(layout, words, k, true);
        return after && take(*after);
      }
      // Running text names the condition before its code: "hypothyroidism, unspecified
      // (103.9)". The title is the words since the previous code or "include": the last
      // eight, or more for a long title when the printed code reads as no code
      // ("atherosclerotic heart disease of native coronary artery without angina pectoris
      // (12510)"). A real code the table lacks ("(M75.101)" after "...of right shoulder")
      // is not matched to a look-alike over so many words.
      std::vector<std::string> before;
      for (size_t j = k; j-- > 0 && before.size() < (long_title ? 14u : 8u);) {
        const std::string& t = layout.word(words[j]).text;
        if (t == "and") continue;
        // The previous code ends the title; a bracketed word of the title does not
        // ("obstructive sleep apnea (adult) (pediatric) (64733).", seed 87 s0089).
        const bool code_before = t.find(')') != std::string::npos &&
                                 std::any_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
        if (code_before || t == "include" || t == "includes") break;
        before.push_back(t);
      }
      // Then shorter windows, the shortest first: a short title after the sentence's own
      // words ("His diagnosis is heart failure, unspecified (1509).", seed 80 s0076) is not
      // all of the last eight words, which the printed words must mostly be. Not before the
      // longer ones: "diabetes mellitus without complications" alone is E13.9's whole title
      // (other specified), the words before it E11.9's ("Type 2", seed 76 s0089).
      for (size_t n : {size_t{8}, size_t{11}, size_t{14}, size_t{3}, size_t{4}, size_t{5}, size_t{6}, size_t{7}}) {
        if (n < 8 && n >= before.size()) break;
        if (n > 8 && before.size() <= n - 3) continue;
        std::string title;
        for (size_t j = std::min(n, before.size()); j-- > 0;) title += before[j] + " ";
        if (take(title)) return true;
      }
      return false;
    };
    // "M17.11-Unilateral" or "I10;" : the code is the word's first alphanumeric run (dots kept).
    std::string core;
    size_t i = 0;
    // Brackets, and specks read as quotes or bullets before the code ("'E78.5").
    while (i < text.size() && std::string("([{'`\"*").find(text[i]) != std::string::npos) ++i;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '|') core += c;
      // A zero read as '@' right after the code's letter ("(E@3.9)", seed 78 s0061).
      else if (c == '@' && core.size() == 1 && std::isalpha(static_cast<unsigned char>(core[0]))) core += 'O';
      // A comma or colon read for the dot, or beside it ("G62,.9", "(RO0:2)." seed 68
      // s0003), inside the code.
      else if ((c == ',' || c == ':') && i + 1 < text.size() && (text[i + 1] == '.' || std::isdigit(static_cast<unsigned char>(text[i + 1]))) && core.size() == 3) core += '.';
      else break;
    }
    {
      // "G62..9" after the comma: one dot.
      std::string single;
      for (char c : core)
        if (!(c == '.' && !single.empty() && single.back() == '.')) single += c;
      core = single;
    }
    const char after = i < text.size() ? text[i] : ' ';
    while (!core.empty() && core.back() == '.') core.pop_back();
    if (core.size() < 3 || core.size() > 8) { by_title(); continue; }
    int digits = 0;
    for (char c : core) digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
    // Zeros read as O in a code with its dot: "(ROO.2)" for R00.2 (seed 57 s0015); or
    // without it, beside a digit read as one: "(ROO2)." (seed 72 s0010; "(ROOM)" is none).
    const bool dotted = core.size() >= 5 && core[3] == '.';
    if ((dotted || (core.find('.') == std::string::npos && digits >= 1)) &&
        std::isalpha(static_cast<unsigned char>(core[0])))
      for (size_t k = 1; k <= 2; ++k) digits += (core[k] == 'O' || core[k] == 'o') ? 1 : 0;
    if (digits < 2) { by_title(); continue; }
    const bool letter_first = std::isalpha(static_cast<unsigned char>(core[0])) || core[0] == '|';
    // A number like 2026 or 148 is a code only when shaped like one: "148.91" in a code
    // position, never a bare run of digits.
    if (!letter_first) {
      const size_t dot = core.find('.');
      if (dot != 3 && !(parenthesized || core.size() == 3)) { by_title(); continue; }
      // "110" is I10 read with a one for the I, but only as a whole code ("(110)", "110 -"),
      // never inside "120/80".
      const bool whole = after == ' ' || after == ')' || after == ']' || after == ',' || after == ';';
      const bool one_for_i = core.size() == 3 && core[0] == '1' && whole;
      if (dot == std::string::npos && digits == static_cast<int>(core.size()) && !one_for_i) { by_title(); continue; }
    }
    // A J read as 3 inside parentheses, shaped like a code ("(345.909)").
    // Outside parentheses too, where a diagnosis label says a code follows ("344.9 - ...").
    const bool j_for_3 = core.size() >= 5 && core[0] == '3' && core.find('.') == 3;
    if (j_for_3) core[0] = 'J';
    const Checked c = NormalizeIcd10(core);
    if (!c.valid) { by_title(); continue; }
    const Icd10Table::Choice choice = r.icd10().Resolve(c.value, context);
    // A real code may be missing from the built-in table: a shape-valid reading is replaced
    // only when the title names a code the table knows, with every one of its words.
    if (!choice.known && by_title(letter_first ? 1.0 : 0.75, false)) continue;
    // A code whose letter was read as a digit is taken only when the table knows it.
    if (!letter_first && !choice.known) continue;
    out.push_back({choice.code, WordRef{page, wi}, c.repaired || j_for_3 || choice.changed});
  }
  return out;
}

std::vector<CodeHit> CodesWithTitles(const DocReader& r) {
  std::vector<CodeHit> out;
  for (int page = 0; page < r.page_count(); ++page) {
    const PageLayout& layout = r.layout(page);
    for (const LayoutRow& row : layout.rows()) {
      const std::vector<int>& w = row.words;
      for (size_t k = 0; k < w.size(); ++k) {
        const auto title = TitleAfterCode(layout, w, k, false);
        if (!title) continue;
        if (auto code = r.icd10().FromTitle(layout.word(w[k]).text, *title)) out.push_back({*code, WordRef{page, w[k]}, true});
      }
    }
  }
  return out;
}

void AddDiagnosisCodes(DocReader& r, const std::vector<CodeHit>& codes) {
  if (codes.empty()) return;
  std::vector<std::string> values;
  std::vector<WordRef> words;
  bool repaired = false;
  for (const CodeHit& c : codes) {
    if (std::find(values.begin(), values.end(), c.code) != values.end()) continue;
    values.push_back(c.code);
    words.push_back(c.word);
    repaired |= c.repaired;
  }
  Checked check{"", true, repaired};
  r.Add("referral.diagnosis_codes", r.FromWords(words, values, &check));
}

namespace {

bool Overlap(const Candidate& a, const Candidate& b) {
  return a.page == b.page && a.box.x < b.box.right() && b.box.x < a.box.right() && a.box.y < b.box.bottom() &&
         b.box.y < a.box.bottom();
}

// Whether `other`'s value holds the digits of `value` (a phone printed without separators,
// an id) in a run: another field's value was read from the words. A name whose cell ran over
// them, or a state read from an authorization number's "PA-", only covers them.
bool HoldsDigits(const Candidate& other, const std::string& value) {
  std::string held, digits;
  auto add = [](std::string& to, const std::string& text) {
    for (char c : text)
      if (IsDigit(c)) to += c;
  };
  add(digits, value);
  if (const auto* text = std::get_if<std::string>(&other.value)) add(held, *text);
  if (const auto* list = std::get_if<std::vector<std::string>>(&other.value))
    for (const std::string& t : *list) add(held, t);
  if (const auto* n = std::get_if<int64_t>(&other.value)) add(held, std::to_string(*n));
  return held.find(digits) != std::string::npos;
}

// Whether another field's valid candidate was read from `cand`'s words and holds the digits
// of `value`: an unlabeled number found there is that field's value, not a new one. An
// invalid one claims nothing: "1486771631" under a garbled NPI label, taken for a phone
// number whose area code cannot begin with 1 (seed 107 s0021), is the NPI.
bool ClaimedByAnother(const DocReader& r, const Candidate& cand, const std::string& value) {
  for (const auto& [key, cands] : r.candidates())
    for (const Candidate& other : cands)
      if (other.valid && Overlap(cand, other) && HoldsDigits(other, value)) return true;
  return false;
}

// Drops the invalid candidates of other fields read from `taken`'s words and holding the
// digits of `value`: the words were `taken`'s value.
void DropInvalidClaims(DocReader& r, const Candidate& taken, const std::string& value) {
  r.DropWhere([&](const Candidate& other) {
    return !other.valid && Overlap(taken, other) && HoldsDigits(other, value);
  });
}

// A referral whose NPI label OCR garbled beyond the label table ("TNP!" over the cell): the
// one ten-digit number on the document, printed as one word without separators (or read
// as two words of digits a narrow gap apart: "10537 15243" under "Ni'", seed 120 s0082),
// that passes the NPI check digit and is no other field's value (read from the same words).
// Two such numbers: none is taken. Phone and fax numbers print with separators; one that
// does not starts with 2-9 (a 2 passes the check digit one time in ten, hence "no other
// field's value").
void NpiByCheckDigit(DocReader& r) {
  static const RE2 ten(R"(^([12][0-9]{9})[.,;:]?$)");
  static const RE2 digits(R"(^[0-9]{2,8}$)");
  std::optional<Candidate> found;
  for (int page = 0; page < r.page_count(); ++page) {
    const PageLayout& layout = r.layout(page);
    for (int wi = 0; wi < static_cast<int>(layout.words().size()); ++wi) {
      // Not in the sending machine's header line (its row is -1): the sender's fax number
      // printed there without separators may pass the check digit ("FROM: PRAIRIE VIEW FAMILY
      // HEALTH 2105550190", seed 70 s0084, hid a missing NPI).
      const LayoutWord& word = layout.word(wi);
      if (word.row < 0) continue;
      std::vector<int> words = {wi};
      std::string text = word.text;
      const std::vector<int>& row = layout.row(word.row).words;
      if (RE2::FullMatch(text, digits) && static_cast<size_t>(word.pos) + 1 < row.size()) {
        const int next = row[static_cast<size_t>(word.pos) + 1];
        if (RE2::FullMatch(layout.word(next).text, digits) && layout.GapBefore(next) * 2 <= word.box.h) {
          words.push_back(next);
          text += layout.word(next).text;
        }
      }
      std::string npi;
      if (!RE2::FullMatch(text, ten, &npi) || !NpiIsValid(npi)) continue;
      const Checked c{npi, true, false};
      Candidate cand = r.FromWords(page, words, npi, &c);
      if (ClaimedByAnother(r, cand, npi)) continue;
      if (found && std::get<std::string>(found->value) != npi) return;
      found = cand;
    }
  }
  if (!found) return;
  found->confidence *= 0.8;
  DropInvalidClaims(r, *found, std::get<std::string>(found->value));
  r.Add("referring.npi", *found);
}

// A referral whose authorization number's label OCR garbled beyond the label table
// ("Authorization #:" read as two lines of specks, "Aneh ae" and "AMLA Fe", seed 84
// s0006; "AUTHORIZATION Fs", seed 107 s0064): the one number on the document that reads
// as a payer's known prefix and eight digits or more ("PA-0295- 329515", a word ending in
// a dash taking the next), or as a Medicare tracking number ("71H01668070265"), on no
// other field's value. Two such numbers: none is taken.
void AuthNumberByKnownShape(DocReader& r) {
  const std::vector<std::string>& prefixes = r.auth_prefixes();
  std::optional<Candidate> found;
  for (int page = 0; page < r.page_count(); ++page) {
    const PageLayout& layout = r.layout(page);
    for (const LayoutRow& row : layout.rows()) {
      for (size_t p = 0; p < row.words.size(); ++p) {
        std::vector<int> words = {row.words[p]};
        std::string text = layout.word(row.words[p]).text;
        if (!text.empty() && text.back() == '-' && p + 1 < row.words.size()) {
          words.push_back(row.words[p + 1]);
          text += layout.word(row.words[p + 1]).text;
        }
        const Checked c = NormalizeAuthorizationNumber(text);
        if (!c.valid) continue;
        const size_t letters = LeadingLetters(c.value);
        const bool digits_after = c.value.size() - letters >= 8 &&
                                  std::all_of(c.value.begin() + static_cast<long>(letters), c.value.end(), IsDigit);
        const bool prefixed = letters > 0 && digits_after && IsKnownPrefix(prefixes, c.value.substr(0, letters));
        if (!prefixed && !IsUtn(c.value)) continue;
        Candidate cand = r.FromWords(page, words, c.value, &c);
        if (ClaimedByAnother(r, cand, c.value)) continue;
        if (found && std::get<std::string>(found->value) != c.value) return;
        found = cand;
      }
    }
  }
  if (!found) return;
  // No label and no check digit: a person confirms it.
  found->confidence = std::min(found->confidence, kUnsureConfidence);
  DropInvalidClaims(r, *found, std::get<std::string>(found->value));
  r.Add("authorization.number", *found);
}

// The identifier whose first word is at position `p` of `row`: the words and their text.
// A letter prefix of up to four letters printed as a word of its own ("APD 681005936",
// "EZK 289195523") takes the next word with it.
std::pair<std::vector<int>, std::string> IdentifierAt(const PageLayout& page, const LayoutRow& row, size_t p) {
  std::vector<int> words = {row.words[p]};
  std::string text = page.word(row.words[p]).text;
  const bool prefix = text.size() <= 4 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalpha(c); });
  if (prefix && p + 1 < row.words.size()) {
    words.push_back(row.words[p + 1]);
    text += page.word(row.words[p + 1]).text;
  }
  return {words, text};
}

// A card's "ID" or "ID#" label in small print read as 10, 104, ID4, lD, JD, Ibt, Ip: a row that starts
// with such a word and goes on with an identifier of five digits or more (a letter prefix
// may be a word of its own: "104 APD 681005936") holds the member id.
void CardIdAfterGarbledLabel(DocReader& r) {
  static const RE2 garbled(R"((?i)^[1ilj|!\[][d0obp][#4ht:.;]?$)");
  for (int pi = 0; pi < r.page_count(); ++pi) {
    const PageLayout& page = r.layout(pi);
    for (const LayoutRow& row : page.rows()) {
      if (row.words.size() < 2 || !RE2::FullMatch(page.word(row.words[0]).text, garbled)) continue;
      const auto [words, text] = IdentifierAt(page, row, 1);
      const Checked c = NormalizeIdentifier(text);
      const auto digits = std::count_if(c.value.begin(), c.value.end(), [](unsigned char ch) { return std::isdigit(ch); });
      if (!c.valid || digits < 5) continue;
      Candidate cand = r.FromWords(pi, words, c.value, &c);
      cand.confidence *= 0.9;  // the label itself was not read
      r.Add("insurance.member_id", std::move(cand));
      return;
    }
  }
}

// A card whose member id label OCR lost entirely ("ipDt"): the one identifier on the card
// that has the shape its payer prints (Blue Cross "EZK 289195523", Humana H + 8 digits),
// as read or through the look-alike repairs of RepairMemberId. Several such values, or a
// payer without a known shape, read nothing. On a referral form (`form`), whose other
// identifiers (NPI, phones, group and authorization numbers) may share a shape of digits,
// only a shape opening with letters, as read ("MEMBER ID" read "ME MiSF He Ha" over "Aetna
// W068836971 0833368", seed 37 s0091; a MEMBER ID cell label never read over Blue Cross's
// "RMV 757456355", seed 96 s0056).
//
// A form whose payer label OCR garbled too ("INGEH GANG T ME MISE" over "AETNA : W153777346
// 0051073", seed 93 s0009) gives its payer by a row that opens with a known payer's name as
// printed (PayerOpeningARow); the payer is then read from there, and the id sought on that
// row alone.
struct PayerRow {
  std::string payer;
  int page = -1;
  const LayoutRow* row = nullptr;
  std::vector<int> words;  // the name's words
};

std::string StripEdges(std::string s);

std::optional<PayerRow> PayerOpeningARow(const DocReader& r) {
  std::optional<PayerRow> found;
  for (int pi = 0; pi < r.page_count(); ++pi) {
    const PageLayout& page = r.layout(pi);
    for (const LayoutRow& row : page.rows()) {
      std::string text;
      std::optional<PayerRow> longest;
      for (size_t p = 0; p < row.words.size() && p < 6; ++p) {
        const int wi = row.words[p];
        if (p > 0 && page.StartsSegment(wi)) break;  // the name ends its cell
        text += (p > 0 ? " " : "") + page.word(wi).text;
        int edits = 1;
        const auto payer = KnownPayer(StripEdges(text), &edits);
        if (!payer || edits != 0) continue;
        longest = PayerRow{*payer, pi, &row, std::vector<int>(row.words.begin(), row.words.begin() + static_cast<long>(p) + 1)};
      }
      if (!longest) continue;
      if (found && found->payer != longest->payer) return std::nullopt;  // two payers: not sure which
      if (!found) found = std::move(longest);
    }
  }
  return found;
}

// A payer name read at least this surely is the form's payer even when no table knows it.
constexpr double kSurePayer = 0.5;

void IdByPayerShape(DocReader& r, bool form) {
  std::optional<std::string> payer;
  // No payer read, or only garble read faintly where its label's value should be
  // ("INSURANCH : Pvt mat fei)" at 0.32 over "UNITEDHEAL THCARE 474596797", seed 103 s0094,
  // whose missing authorization number went unflagged for want of the payer that needs it):
  // the row opening with a known payer's name gives the payer, taken whether or not an id is
  // found on it.
  bool payer_read = false;
  if (auto payers = r.candidates().find("insurance.payer"); payers != r.candidates().end()) {
    for (const Candidate& c : payers->second)
      if (const std::string* s = std::get_if<std::string>(&c.value); s != nullptr && (payer = KnownPayer(*s))) break;
    payer_read = std::any_of(payers->second.begin(), payers->second.end(),
                             [](const Candidate& c) { return c.confidence >= kSurePayer; });
  }
  std::optional<PayerRow> payer_row;
  if (!payer && form && !payer_read && (payer_row = PayerOpeningARow(r))) payer = payer_row->payer;
  if (!payer) return;
  const bool payer_from_row = payer_row.has_value();
  if (payer_from_row) {
    r.Drop("insurance.payer");
    r.Add("insurance.payer", r.FromWords(payer_row->page, payer_row->words, payer_row->payer));
  }
  if (form && !MemberIdShapeOpensWithLetter(*payer)) {
    // Eleven digits or more (TRICARE's benefits number) are no other number's shape on a
    // form either, but a phone read with its leading 1 may be: sought only on the row that
    // opens with the payer's name ("TRICARE . 57078089208" under an INSURANCE / MEMBER ID
    // label row read "INSURANCE JME MILI ID", seed 100 s0067). Nine digits (UnitedHealthcare)
    // may be a group's or a phone's remains there: not sought.
    const std::string_view shape = MemberIdShape(*payer);
    if (shape.size() < 11 || shape.find_first_not_of('D') != std::string_view::npos) return;
    if (!payer_row) payer_row = PayerOpeningARow(r);
    if (!payer_row || payer_row->payer != *payer) return;
  }
  std::optional<Candidate> found;
  for (int pi = 0; pi < r.page_count(); ++pi) {
    const PageLayout& page = r.layout(pi);
    for (const LayoutRow& row : page.rows()) {
      if (payer_row && (pi != payer_row->page || &row != payer_row->row)) continue;
      for (size_t p = 0; p < row.words.size(); ++p) {
        const auto [words, text] = IdentifierAt(page, row, p);
        const Checked c = NormalizeIdentifier(text);
        if (!c.valid) continue;
        std::string id = c.value;
        if (!FitsMemberIdShape(id, *payer)) {
          if (form) continue;
          auto fixed = RepairMemberId(id, *payer);
          if (!fixed) continue;
          id = *fixed;
        }
        if (found && std::get<std::string>(found->value) != id) return;  // two readings: not sure which
        Candidate cand = r.FromWords(pi, words, id, &c);
        cand.confidence *= 0.9;  // the label itself was not read
        found = std::move(cand);
      }
    }
  }
  if (!found) return;
  r.Add("insurance.member_id", std::move(*found));
}

// ------------------------------------------------------------------ value helpers

std::string StripEdges(std::string s) {
  auto edge = [](char c) { return c == ',' || c == ';' || c == ':' || c == '.' || c == '-' || c == ' '; };
  while (!s.empty() && edge(s.back())) s.pop_back();
  size_t b = 0;
  while (b < s.size() && edge(s[b])) ++b;
  return s.substr(b);
}

std::string WithoutParentheticals(const std::string& s) {
  std::string out;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    else if (c == ')') depth = std::max(0, depth - 1);
    else if (depth == 0) out += c;
  }
  return out;
}

int Letters(const std::string& s) {
  return static_cast<int>(std::count_if(s.begin(), s.end(), [](unsigned char c) { return std::isalpha(c); }));
}

std::optional<int64_t> FirstInteger(const std::string& s) {
  static const RE2 re(R"((?:^|[^0-9])([0-9]{1,4})(?:[^0-9]|$))");
  std::string digits;
  if (!RE2::PartialMatch(s, re, &digits)) return std::nullopt;
  return std::stoll(digits);
}

const std::set<Label>& PatientNameLabels(DocType t) {
  static const std::set<Label> referral = {Label::kPatientName, Label::kPatient};
  static const std::set<Label> card = {Label::kMemberName, Label::kMember, Label::kName, Label::kPatientName};
  static const std::set<Label> auth = {Label::kMember, Label::kMemberName, Label::kPatientName, Label::kPatient};
  static const std::set<Label> other = {Label::kPatientName, Label::kPatient, Label::kName};
  switch (t) {
    case DocType::kReferral: return referral;
    case DocType::kInsuranceCard: return card;
    case DocType::kPriorAuthorization: return auth;
    default: return other;
  }
}

// ------------------------------------------------------------------ field readers

using Words = std::vector<int>;

// Words read below this confidence from a blank cell are specks and rule debris, not print.
constexpr double kSpeckConfidence = 0.35;

// Specks in a blank cell read as letters ("ceca LC I Gc"): an invalid value read that unsure.
bool Specks(const Candidate& c) { return !c.valid && c.confidence < kSpeckConfidence; }

// A few letters without a digit: no member id or authorization number is that short and all
// letters ("yoo, ." under MEMBER ID at 0.58, seed 62 s0054; "oO" under "Auth #:", seed 68
// s0086, which hid the missing number from the checklist).
bool ShortAllLetters(const std::string& value) {
  return value.size() < 6 && std::none_of(value.begin(), value.end(), [](char ch) { return IsDigit(ch); });
}

// A word read below kSpeckConfidence, read again alone (Word::readings) in ASCII by a model
// surer of it by 0.15 or more: the surest such reading; nullptr otherwise. An authorization
// number has no check digit or fixed shape to choose its reading by; how sure each reading
// was is the evidence left: "€G95795101" at 0.30 on the page, "CG95795101" at 0.60 by the
// second model (seed 75 s0100); "T168948416" at 0.11, "TT68948416" at 0.39 (seed 76 s0021).
// A reading alone alike the word's and surer than any other confirms the word ("UMO9440878"
// at 0.00 on the page, 0.62 alone; "UM0O9440878" at 0.31 by the second model; seed 80 s0038).
const WordReading* SurerReading(const LayoutWord& word) {
  if (word.source == nullptr || word.confidence >= kSpeckConfidence) return nullptr;
  const WordReading* surest = nullptr;
  for (const WordReading& r : word.source->readings) {
    const bool ascii = std::all_of(r.text.begin(), r.text.end(), [](char c) { return (c & 0x80) == 0; });
    if (!ascii || r.confidence < word.confidence + 0.15 || (surest != nullptr && r.confidence <= surest->confidence))
      continue;
    surest = &r;
  }
  return surest != nullptr && surest->text == word.source->text ? nullptr : surest;
}

// A surer reading alone of an authorization number that read a known prefix's letter as
// another ("PA-4150-337568" at 0.14 on the page, "FA-4150-337968" at 0.40 alone; seed 84
// s0079): the page's known prefix, the reading's digits. Otherwise the reading as it is.
std::string PrefixFromPage(const std::string& page, const std::string& reading,
                           const std::vector<std::string>& prefixes) {
  const size_t n = LeadingLetters(page);
  if (n == 0 || page.size() != reading.size() || LeadingLetters(reading) != n) return reading;
  const auto known = [&](const std::string& s) { return IsKnownPrefix(prefixes, s.substr(0, n)); };
  return known(page) && !known(reading) ? page.substr(0, n) + reading.substr(n) : reading;
}

class Rules {
 public:
  explicit Rules(DocReader& r) : r_(r) {}

  // Calls fn(page, hit, value words) for every hit of `labels` with a non-empty value.
  template <typename Fn>
  void ForEachValue(std::initializer_list<Label> labels, Fn fn) {
    ForEachValue(std::vector<Label>(labels), fn);
  }

  template <typename Fn>
  void ForEachValue(const std::vector<Label>& labels, Fn fn) {
    std::vector<DocReader::Hit> hits;
    for (Label l : labels) {
      auto h = r_.Hits(l);
      hits.insert(hits.end(), h.begin(), h.end());
    }
    std::stable_sort(hits.begin(), hits.end(), [](const DocReader::Hit& a, const DocReader::Hit& b) {
      if (a.page != b.page) return a.page < b.page;
      if (a.hit->row != b.hit->row) return a.hit->row < b.hit->row;
      return a.hit->first < b.hit->first;
    });
    for (const auto& h : hits) {
      const LabelIndex& li = r_.labels(h.page);
      const Words v = li.ValueWords(*h.hit);
      if (v.empty()) continue;
      fn(h.page, *h.hit, v);
    }
  }

  std::string Text(int page, const Words& w) const { return r_.labels(page).Text(w); }

  // The row below a line label left blank holding no digit: the next line of the page (a
  // heading, "Pertinent History" read "PENTHORY" under an empty "Auth #:", seed 33 s0026),
  // not an identifier printed there. Identifiers hold digits, and a cell label's value is
  // always below it, so cells are not judged so.
  bool NoDigitsBelowLine(int page, const LabelHit& hit, const Words& v) const {
    if (hit.cell || v.empty() || r_.layout(page).word(v.front()).row == hit.row) return false;
    const std::string text = Text(page, v);
    return std::none_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  }

  // Core items printed on the page that could not be read: the label is there with a value
  // beside it (not blank, underscores, "N/A" or "Pending"), yet no value was taken. They get
  // `unreadable:<key>` rather than being missing: a person reads the page instead of asking
  // the sender for an item the sender did send.
  void Unreadable(Document& doc) {
    static const RE2 filler(
        R"((?i)^[\s_.:\-/]*(n\s*[/Il1|]?\s*a|none|pending|not\s+(required|applicable|needed|available)|unknown|tbd)?[\s_.:\-/]*$)");
    const std::vector<std::pair<std::vector<Label>, std::string>> items = {
        {{Label::kDob}, "patient.birth_date"},
        {{Label::kMemberId, Label::kMedicareNumber}, "insurance.member_id"},
        {{Label::kNpi}, "referring.npi"},
        {{Label::kDiagnosis}, "referral.diagnosis_codes"},
        {{Label::kAuthNumber}, "authorization.number"},
    };
    for (const auto& [labels, key] : items) {
      if (doc.fields.count(key)) continue;
      bool printed = false;
      ForEachValue(labels, [&](int page, const LabelHit& hit, const Words& v) {
        // The row below a label left blank, when it starts with another label cut short
        // ("Pract 2 Crossroads F amily Practice" under an omitted "NPI:", seed 31 s0070), is
        // that item's row.
        const PageLayout& layout = r_.layout(page);
        if (!v.empty() && layout.word(v.front()).row != hit.row && CutLabelWord(layout.word(v.front()).text)) return;
        if (NoDigitsBelowLine(page, hit, v)) return;
        const std::string text = Text(page, v);
        const auto alnum = std::count_if(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c); });
        const auto digits = std::count_if(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
        // Every one of these items holds digits: smeared print shows some; specks in a blank
        // cell read as faint letters ("ceca LC I Gc") do not.
        Words confident;
        for (int wi : v)
          if (r_.layout(page).word(wi).confidence >= kSpeckConfidence) confident.push_back(wi);
        const std::string sure = Text(page, confident);
        const auto sure_alnum = std::count_if(sure.begin(), sure.end(), [](unsigned char c) { return std::isalnum(c); });
        if (alnum >= 3 && (digits >= 2 || sure_alnum >= 3) && !RE2::FullMatch(text, filler)) printed = true;
      });
      if (printed) doc.AddReason("unreadable:" + key);
    }
    if (!doc.fields.count("insurance.member_id") && MemberIdPrintedUnread(r_))
      doc.AddReason("unreadable:insurance.member_id");
    if (!doc.fields.count("authorization.number") && AuthorizationNumberPrintedUnread(r_))
      doc.AddReason("unreadable:authorization.number");
  }

  void PatientNames(const std::set<Label>& labels) {
    ForEachValue(std::vector<Label>(labels.begin(), labels.end()), [&](int page, const LabelHit&, const Words& v) {
      // Cards and letters print "MARIA A LOPEZ"; forms "LOPEZ, MARIA A"; drop a trailing
      // "DOB ..." that shares the row.
      Words name_words;
      for (int wi : v) {
        const std::string& t = r_.layout(page).word(wi).text;
        if (std::any_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); })) break;
        name_words.push_back(wi);
      }
      const std::string text = Text(page, name_words);
      auto name = ParsePersonName(text);
      if (!name || Letters(name->family) < 2 || Letters(name->given) < 2) return;
      // Each name has its own words' confidence and box: "PEREZ, MIGUEL A" read 0.97, 0.57
      // and 0.57 is a sure family name (committed sample s0014, where the clinical note's
      // "Peres," at 0.69 beside surer given names had outweighed it in packet consensus).
      Words family_words, given_words;
      std::set<std::string> family_parts;
      for (const std::string& part : SplitWords(name->family)) family_parts.insert(AlnumUpper(part));
      for (int wi : name_words) {
        const std::string read = AlnumUpper(r_.layout(page).word(wi).text);
        if (family_parts.count(read) > 0) family_words.push_back(wi);
        else if (read == AlnumUpper(name->given)) given_words.push_back(wi);
      }
      if (family_words.empty()) family_words = name_words;
      if (given_words.empty()) given_words = name_words;
      r_.Add("patient.family_name", r_.FromWords(page, family_words, name->family));
      r_.Add("patient.given_name", r_.FromWords(page, given_words, name->given));
    });
  }

  void BirthDate() {
    DateOptions o = r_.dates();
    o.kind = DateKind::kBirth;
    const Ymd today = o.TodayOrClock();
    ForEachValue({Label::kDob}, [&](int page, const LabelHit& hit, const Words& v) {
      Checked d = FindDate(Text(page, v), o);
      // Its separators, or one of them, read as spaces ("DOB: 11 16 1940", seed 82 s0022;
      // "DOB: 10/14 1946" with a faint slash, seed 86 s0015): month, day, year.
      static const RE2 spaced(R"(^([0-9]{1,2}) ?[ /.-] ?([0-9]{1,2}) ?[ /.-] ?([0-9]{4})$)");
      std::string m, day, y;
      if (d.empty() && RE2::FullMatch(Text(page, DateWords(page, v)), spaced, &m, &day, &y)) {
        d = NormalizeDate(m + "/" + day + "/" + y, o);
        d.repaired = !d.empty();
      }
      // Read as two words a hair apart, on lines of their own ("10/01/1" and "971" 4 px
      // apart in a DATE OF BIRTH cell, seed 84 s0069): one word.
      if (d.empty()) d = FindDate(TouchingJoined(page, DateWords(page, v)), o);
      // A loosely matched label bears out no birth date of the last two years, as
      // BirthDateByAge takes none: "Dad" over a signature's date (the DATE cell read
      // loosely as DOB, seed 57 s0018) named a patient born two months before.
      if (const auto ymd = ParseIsoDate(d.value); hit.loose && ymd.has_value() && ymd->year > today.year - 2) return;
      Words words = {v.front()};
      bool unsure = false;
      if (!d.empty()) {
        words = DateWords(page, v);
      } else {
        // A date whose separators noise broke ("045271938") is only read as the value's
        // first word (NormalizeDate takes nothing but a date).
        d = NormalizeDate(r_.layout(page).word(v.front()).text, o);
        if (d.empty()) {
          d = DateFromAlternatives(page, v, o, &words);
          unsure = true;
        }
        if (d.empty()) return;
      }
      const Candidate c = r_.FromWords(page, words, d.value, &d);
      r_.Add("patient.birth_date", unsure ? Unsure(c) : c);
    });
  }

  // The words' text, with no space between two words less than a third of their height
  // apart: one word the engine read in two.
  std::string TouchingJoined(int page, const Words& v) const {
    std::string out;
    for (size_t k = 0; k < v.size(); ++k) {
      const LayoutWord& w = r_.layout(page).word(v[k]);
      if (k > 0) {
        const Box& prev = r_.layout(page).word(v[k - 1]).box;
        const int gap = w.box.x - prev.right();
        if (gap < 0 || gap * 3 >= std::max(prev.h, w.box.h)) out += ' ';
      }
      out += w.text;
    }
    return out;
  }

  // The words of a value that hold its date (not a trailing "Age: 72").
  Words DateWords(int page, const Words& v) const {
    Words out;
    for (int wi : v) {
      out.push_back(wi);
      if (out.size() >= 3) break;
    }
    (void)page;
    return out;
  }

  // A value read from the engine's second choices goes to a person: its confidence is
  // held below the review threshold.
  Candidate Unsure(Candidate c) const {
    c.confidence = std::min(c.confidence, kUnsureConfidence);
    return c;
  }

  // A date the value's words do not hold as read, from the engine's alternatives for their
  // characters (choices.h): the words that gave it go to `words`.
  Checked DateFromAlternatives(int page, const Words& v, const DateOptions& o, Words* words) const {
    const Words date_words = DateWords(page, v);
    std::vector<const Word*> sources;
    for (int wi : date_words) sources.push_back(r_.layout(page).word(wi).source);
    // A date of digits alone has lost its separators ("BLO1958" for 8/10/1958 under DATE OF
    // BIRTH, 8, 1 and 0 weighed for its letters; seed 68 s0036): NormalizeDate reads it
    // when exactly one way to put them back gives a date.
    Checked d = DateFromWordChoices(sources, [&o](const std::string& text) {
      Checked found = FindDate(text, o);
      if (found.empty() && !text.empty() && std::all_of(text.begin(), text.end(), IsDigit))
        found = NormalizeDate(text, o);
      return found;
    });
    // A date of one word read again alone: the one date its readings give ("1959-10642" on
    // the page, "1959-1012" alone; seed 63 s0018).
    if (d.empty() && sources.size() == 1 && sources.front() != nullptr) {
      std::set<std::string> dates;
      for (const WordReading& reading : sources.front()->readings) {
        Checked r = FindDate(reading.text, o);
        if (!r.valid) r = NormalizeDate(reading.text, o);
        if (!r.valid) continue;
        dates.insert(r.value);
        d = r;
      }
      if (dates.size() != 1) d = Checked{};
    }
    if (!d.empty()) *words = date_words;
    return d;
  }

  // A date under one of `labels`, judged as `kind` (a referral's date is of the present: a
  // 1943 under a label read "LATE" is the birth date beside it, and fails).
  void Date(const std::string& key, std::initializer_list<Label> labels, DateKind kind = DateKind::kAny) {
    DateOptions o = r_.dates();
    o.kind = kind;
    ForEachValue(labels, [&](int page, const LabelHit&, const Words& v) {
      Words words = DateWords(page, v);
      Checked d = FindDate(Text(page, v), o);
      const bool unsure = d.empty();
      if (unsure) d = DateFromAlternatives(page, v, o, &words);
      if (d.empty()) return;
      const Candidate c = r_.FromWords(page, words, d.value, &d);
      r_.Add(key, unsure ? Unsure(c) : c);
    });
  }

  void Sex() {
    ForEachValue({Label::kSex}, [&](int page, const LabelHit&, const Words& v) {
      auto s = NormalizeSex(r_.layout(page).word(v.front()).text);
      if (!s) return;
      r_.Add("patient.sex", r_.FromWords(page, {v.front()}, *s));
    });
  }

  void Mrn() {
    ForEachValue({Label::kMrn}, [&](int page, const LabelHit&, const Words& v) {
      const Checked c = NormalizeIdentifier(r_.layout(page).word(v.front()).text);
      if (c.empty()) return;
      r_.Add("patient.mrn", r_.FromWords(page, {v.front()}, c.value, &c));
    });
  }

  void Phone(const std::string& key, std::initializer_list<Label> labels, int min_y = -1, int max_y = 1 << 30,
             int zone_page = -1) {
    ForEachValue(labels, [&](int page, const LabelHit& hit, const Words& v) {
      if (zone_page >= 0 && page == zone_page && (hit.box.y < min_y || hit.box.y > max_y)) return;
      if (zone_page >= 0 && page < zone_page && min_y >= 0) return;
      const Checked c = NormalizePhone(Text(page, v));
      if (c.empty()) return;
      r_.Add(key, r_.FromWords(page, v, c.value, &c));
    });
  }

  void Identifier(const std::string& key, std::initializer_list<Label> labels, bool mbi_aware = false) {
    ForEachValue(labels, [&](int page, const LabelHit& hit, const Words& v) {
      if (NoDigitsBelowLine(page, hit, v)) return;
      const std::string text = Text(page, v);
      // A loosely matched label is borne out by a value holding a digit, as identifiers do:
      // the payer cell's label "INS URANC TL" is nearer "insurance id" than "insurance", and
      // its value "Humana" is no member id (seed 107 s0021).
      if (hit.loose && std::none_of(text.begin(), text.end(), IsDigit)) return;
      Checked c = mbi_aware ? NormalizeMemberId(text) : NormalizeIdentifier(text);
      if (c.empty()) return;
      Candidate cand = r_.FromWords(page, v, c.value, &c);
      if (Specks(cand) || (key == "insurance.member_id" && ShortAllLetters(c.value))) return;
      r_.Add(key, std::move(cand));
    });
  }

  // The value of a Medicare number's label, as the member id, when it is a valid MBI; a
  // label that reads as the payer's name alone ("MEDICARE") is the payer too.
  void MedicareNumber() {
    ForEachValue({Label::kMedicareNumber}, [&](int page, const LabelHit& hit, const Words& v) {
      const Checked c = NormalizeMbi(Text(page, v));
      if (!c.valid) return;
      r_.Add("insurance.member_id", r_.FromWords(page, v, c.value, &c));
      const PageLayout& layout = r_.layout(page);
      const std::string label = layout.Join(hit.row, hit.first, hit.last + 1);
      const auto payer = KnownPayer(StripEdges(label));
      if (!payer || r_.Has("insurance.payer")) return;
      Words words;
      for (int q = hit.first; q <= hit.last; ++q) words.push_back(layout.WordAt(hit.row, q));
      r_.Add("insurance.payer", r_.FromWords(page, words, *payer));
    });
  }

  void UpperText(const std::string& key, std::initializer_list<Label> labels) {
    ForEachValue(labels, [&](int page, const LabelHit&, const Words& v) { AddUpperText(key, page, v); });
  }

  // The words in upper case, single spaced, as a candidate when they hold two letters.
  void AddUpperText(const std::string& key, int page, const Words& v) {
    const std::string text = UpperSingleSpaced(StripEdges(Text(page, v)));
    if (Letters(text) < 2) return;
    r_.Add(key, r_.FromWords(page, v, text));
  }

  // The payer cell. A member id that OCR joined onto it from the cell beside it ("HUMANA
  // H74023105": the gap between the cells read as a space) is no part of the name: it is
  // split off and kept for MemberIdJoinedToPayer.
  void Payer() {
    ForEachValue({Label::kInsurance}, [&](int page, const LabelHit&, const Words& v) {
      Words name = v;
      if (v.size() >= 2) {
        const std::string& last = r_.layout(page).word(v.back()).text;
        const auto digits = std::count_if(last.begin(), last.end(), [](unsigned char c) { return std::isdigit(c); });
        if (digits >= 5 && AlnumUpper(last).size() >= 6) {
          name.pop_back();
          joined_ids_.push_back({page, v.back()});
        }
      }
      AddUpperText("insurance.payer", page, name);
    });
  }

  // The member id split off the payer cell, when the member id label gave none.
  void MemberIdJoinedToPayer() {
    if (r_.HasValid("insurance.member_id")) return;
    for (const WordRef& w : joined_ids_) {
      const Checked c = NormalizeIdentifier(r_.layout(w.page).word(w.word).text);
      if (!c.valid) continue;
      r_.Add("insurance.member_id", r_.FromWords(w.page, {w.word}, c.value, &c));
      return;
    }
  }

  void Npi() {
    ForEachValue({Label::kNpi}, [&](int page, const LabelHit&, const Words& v) {
      const Checked c = NormalizeNpi(Text(page, v));
      if (c.empty()) return;
      r_.Add("referring.npi", r_.FromWords(page, v, c.value, &c));
    });
  }

  void ProviderName(const std::string& key, std::initializer_list<Label> labels) {
    ForEachValue(labels, [&](int page, const LabelHit&, const Words& v) {
      auto name = NormalizeProviderName(Text(page, v));
      if (!name) return;
      r_.Add(key, r_.FromWords(page, v, *name));
    });
  }

  void ReferredTo() {
    ForEachValue({Label::kReferTo, Label::kServicingProvider}, [&](int page, const LabelHit&, const Words& v) {
      const std::string text = Text(page, v);
      if (HasTitleOrCredential(text)) {
        auto name = NormalizeProviderName(text);
        if (name) r_.Add("referred_to.name", r_.FromWords(page, v, *name));
        return;
      }
      const std::string practice = UpperSingleSpaced(StripEdges(WithoutParentheticals(text)));
      if (Letters(practice) >= 3) r_.Add("referred_to.name", r_.FromWords(page, v, practice));
    });
  }

  void Address() {
    ForEachValue({Label::kAddress}, [&](int page, const LabelHit&, const Words& v) {
      const std::string text = UpperSingleSpaced(StripEdges(Text(page, v)));
      if (Letters(text) < 2) return;
      Candidate c = r_.FromWords(page, v, text);
      c.valid = std::any_of(text.begin(), text.end(), [](unsigned char ch) { return std::isdigit(ch); });
      r_.Add("patient.address.line", c);
    });
    ForEachValue({Label::kCity}, [&](int page, const LabelHit&, const Words& v) {
      const std::string text = UpperSingleSpaced(StripEdges(Text(page, v)));
      if (Letters(text) < 2) return;
      r_.Add("patient.address.city", r_.FromWords(page, v, text));
    });
    ForEachValue({Label::kState}, [&](int page, const LabelHit&, const Words& v) {
      auto s = NormalizeState(Text(page, v));
      if (!s) s = NormalizeState(r_.layout(page).word(v.front()).text);
      if (s) r_.Add("patient.address.state", r_.FromWords(page, v, *s));
    });
    ForEachValue({Label::kZip}, [&](int page, const LabelHit&, const Words& v) {
      const Checked z = NormalizePostalCode(Text(page, v));
      if (!z.empty()) r_.Add("patient.address.postal_code", r_.FromWords(page, v, z.value, &z));
    });
    ForEachValue({Label::kCityStateZip}, [&](int page, const LabelHit&, const Words& v) {
      auto csz = ParseCityStateZip(Text(page, v));
      if (!csz) return;
      r_.Add("patient.address.city", r_.FromWords(page, v, csz->city));
      r_.Add("patient.address.state", r_.FromWords(page, v, csz->state));
      if (!csz->postal_code.empty())
        r_.Add("patient.address.postal_code", r_.FromWords(page, v, csz->postal_code.value, &csz->postal_code));
    });
    // A state cell OCR lost (a short word alone in a ruled cell is often dropped): the
    // state the ZIP code belongs to, with less confidence than a read value.
    if (!r_.HasValid("patient.address.state") && r_.HasValid("patient.address.postal_code")) {
      for (const Candidate& z : r_.candidates().at("patient.address.postal_code")) {
        if (!z.valid) continue;
        if (auto st = StateForZip(std::get<std::string>(z.value))) {
          Candidate c = z;
          c.value = *st;
          c.confidence *= 0.8;
          r_.Add("patient.address.state", c);
        }
        break;
      }
    }
  }

  void Priority() {
    ForEachValue({Label::kPriority}, [&](int page, const LabelHit&, const Words& v) {
      auto p = NormalizePriority(Text(page, v));
      if (p) r_.Add("referral.priority", r_.FromWords(page, v, *p));
    });
  }

  void Reason() {
    ForEachValue({Label::kReason}, [&](int page, const LabelHit&, const Words& v) {
      const std::string text = SingleSpaced(Text(page, v));
      if (Letters(text) >= 3) r_.Add("referral.reason", r_.FromWords(page, v, text));
    });
  }

  // Codes in a labeled value and the rows continuing it.
  void DiagnosisCodes(std::initializer_list<Label> labels, bool parenthesized) {
    ForEachValue(labels, [&](int page, const LabelHit& hit, const Words& right) {
      Words v = right;
      std::vector<CodeHit> codes = CodesInWords(r_, page, v, parenthesized);
      // Debris beside a cell label ("DIAGNOSIS (ICD-16)", "DIAGNOSIS(ICD-10) 7") is no
      // value: the codes are then in the cell below.
      if (codes.empty() && !parenthesized) {
        const Words below = r_.labels(page).BelowWords(hit);
        if (!below.empty() && below != v) {
          v = below;
          codes = CodesInWords(r_, page, v, parenthesized);
        }
      }
      // Further codes on the rows below; a long title may wrap onto a row of its own.
      int without_code = 0;
      for (const Words& more : r_.labels(page).ContinuationRows(v)) {
        auto c = CodesInWords(r_, page, more, parenthesized);
        if (c.empty() && !parenthesized && ++without_code > 1) break;
        if (!c.empty()) without_code = 0;
        codes.insert(codes.end(), c.begin(), c.end());
      }
      AddCodes(codes);
    });
  }

  void AddCodes(const std::vector<CodeHit>& codes) {
    if (!r_.Has("referral.diagnosis_codes")) AddDiagnosisCodes(r_, codes);
  }

  // Parenthesized codes in the rows after a heading ("Assessment/Plan", "Impression"), or
  // in the whole document when no such heading is found.
  void SectionCodes(const std::vector<std::string>& headings) {
    std::vector<CodeHit> codes;
    bool in_section = false;
    bool found_heading = false;
    for (int pi = 0; pi < r_.page_count(); ++pi) {
      const PageLayout& page = r_.layout(pi);
      for (int ri = 0; ri < static_cast<int>(page.rows().size()); ++ri) {
        const LayoutRow& row = page.row(ri);
        const auto& toks = page.word(row.words.front()).tokens;
        if (!toks.empty() && std::find(headings.begin(), headings.end(), toks.front()) != headings.end()) {
          in_section = true;
          found_heading = true;
        }
        if (!in_section) continue;
        auto c = CodesInWords(r_, pi, row.words, true);
        codes.insert(codes.end(), c.begin(), c.end());
      }
    }
    if (!found_heading) {
      for (int pi = 0; pi < r_.page_count(); ++pi)
        for (const LayoutRow& row : r_.layout(pi).rows()) {
          auto c = CodesInWords(r_, pi, row.words, true);
          codes.insert(codes.end(), c.begin(), c.end());
        }
    }
    AddCodes(codes);
  }

  void ProcedureCodes() {
    ForEachValue({Label::kProcedureCodes}, [&](int page, const LabelHit&, const Words& v) {
      std::vector<std::string> values;
      Words words;
      bool repaired = false;
      auto scan = [&](const Words& ws) {
        for (int wi : ws) {
          const Checked c = NormalizeProcedureCode(r_.layout(page).word(wi).text);
          if (!c.valid) continue;
          if (std::find(values.begin(), values.end(), c.value) != values.end()) continue;
          values.push_back(c.value);
          words.push_back(wi);
          repaired |= c.repaired;
        }
      };
      scan(v);
      for (const Words& more : r_.labels(page).ContinuationRows(v)) scan(more);
      if (values.empty() || r_.Has("referral.procedure_codes")) return;
      Checked check{"", true, repaired};
      r_.Add("referral.procedure_codes", r_.FromWords(page, words, values, &check));
    });
  }

  void AuthNumber() {
    ForEachValue({Label::kAuthNumber}, [&](int page, const LabelHit& hit, const Words& v) {
      if (NoDigitsBelowLine(page, hit, v)) return;
      Checked c = NormalizeAuthorizationNumber(Text(page, v));
      if (c.empty()) return;
      Candidate cand = r_.FromWords(page, v, c.value, &c);
      // The words a model read surer alone, where that gives a number.
      std::string surer;
      double confidence = 0;
      bool reread = false;
      for (int wi : v) {
        const LayoutWord& w = r_.layout(page).word(wi);
        const WordReading* s = SurerReading(w);
        reread = reread || s != nullptr;
        surer += (surer.empty() ? "" : " ") + (s != nullptr ? s->text : w.text);
        confidence += s != nullptr ? s->confidence : w.confidence;
      }
      if (Checked again = NormalizeAuthorizationNumber(surer); reread && again.valid) {
        again.value = PrefixFromPage(c.value, again.value, r_.auth_prefixes());
        c = again;
        cand.value = c.value;
        cand.valid = true;
        cand.repaired = true;
        cand.confidence = confidence / static_cast<double>(v.size());
        // The page's glyphs are another reading's: the reading alone stands as read, with
        // no alternatives, so a prefix's look-alikes are still read from its letters
        // ("TIM98775536" alone for UM98775536, seed 87 s0067).
        cand.reading.clear();
        AppendReading(nullptr, c.value, cand.reading);
        cand.readings.clear();
      }
      if (Specks(cand) || ShortAllLetters(c.value)) return;
      r_.Add("authorization.number", std::move(cand));
    });
  }

  void AuthStatus() {
    ForEachValue({Label::kStatus}, [&](int page, const LabelHit&, const Words& v) {
      auto s = NormalizeAuthStatus(Text(page, v));
      if (s) r_.Add("authorization.status", r_.FromWords(page, v, *s));
    });
  }

  // "Approved From: A  Through: B", "Effective: A - B", "Start Date: A", "End Date: B".
  void AuthDates() {
    DateOptions o = r_.dates();
    ForEachValue({Label::kEffective}, [&](int page, const LabelHit&, const Words& v) {
      const std::string text = Text(page, v);
      static const RE2 split(R"((?i)^(.+?)\s+(?:-|–|—|to|through|thru)\s+(.+)$)");
      std::string a, b;
      if (!RE2::FullMatch(text, split, &a, &b)) return;
      const Checked da = FindDate(a, o), db = FindDate(b, o);
      if (!da.empty()) r_.Add("authorization.start_date", r_.FromWords(page, v, da.value, &da));
      if (!db.empty()) r_.Add("authorization.end_date", r_.FromWords(page, v, db.value, &db));
    });
    Date("authorization.start_date", {Label::kApprovedFrom});
    Date("authorization.end_date", {Label::kThrough});
  }

  void Visits() {
    ForEachValue({Label::kVisits}, [&](int page, const LabelHit&, const Words& v) {
      auto n = FirstInteger(r_.layout(page).word(v.front()).text);
      if (!n || *n <= 0 || *n > 999) return;
      r_.Add("authorization.visits", r_.FromWords(page, {v.front()}, *n));
    });
  }

  // The page count a cover sheet announces. Cover sheets print it many ways: "Number of
  // pages: 5", "PAGES (Including Cover Sheet): _12_", "TOTAL NUMBER OF PAGES INCLUDING THIS
  // COVER SHEET - 6", "Pages transmitted including cover sheet 3", the value before the
  // label ("4 Pages (Including Cover)", "3 (including this cover page)"), or below it in
  // the label's column ("Number of Pages (this page included)" over "6"). Patterns run
  // over each row's text; the labeled-value reading is the fallback.
  void PageCount() {
    for (int pi = 0; pi < r_.page_count(); ++pi) {
      const PageLayout& page = r_.layout(pi);
      for (int ri = 0; ri < static_cast<int>(page.rows().size()); ++ri) PageCountInRow(pi, ri);
    }
    ForEachValue({Label::kPages}, [&](int page, const LabelHit&, const Words& v) {
      static const RE2 pagination(R"((?i)^\S+\s+of\b)");  // "Page 1 of 3"
      if (RE2::PartialMatch(Text(page, v), pagination)) return;
      auto n = FirstInteger(r_.layout(page).word(v.front()).text);
      if (!n || *n <= 0 || *n > 500) return;
      r_.Add("fax_cover.page_count", r_.FromWords(page, {v.front()}, *n));
    });
  }

  void PageCountInRow(int pi, int ri) {
    const PageLayout& page = r_.layout(pi);
    const LayoutRow& row = page.row(ri);
    // The row's words joined by single spaces, with each word's offset.
    std::string text;
    std::vector<size_t> starts;
    for (int wi : row.words) {
      if (!text.empty()) text += ' ';
      starts.push_back(text.size());
      text += page.word(wi).text;
    }
    auto words_in = [&](size_t b, size_t e) {
      Words out;
      for (size_t k = 0; k < row.words.size(); ++k) {
        const size_t wb = starts[k], we = wb + page.word(row.words[k]).text.size();
        if (we > b && wb < e) out.push_back(row.words[k]);
      }
      return out;
    };
    auto add = [&](const re2::StringPiece& value, double factor) {
      const int n = std::stoi(std::string(value.data(), value.size()));
      if (n <= 0 || n > 500) return false;
      const size_t b = static_cast<size_t>(value.data() - text.data());
      Words w = words_in(b, b + value.size());
      if (w.empty()) return false;
      Candidate c = r_.FromWords(pi, w, static_cast<int64_t>(n));
      c.confidence *= factor;
      r_.Add("fax_cover.page_count", c);
      return true;
    };
    // "number of pages", "no. of pages", "# pages", "total pages", "pages", then an
    // optional word or two OCR garbled ("transmitted") before "including", and an
    // "including ..." qualifier, in parentheses or not.
    static const std::string kLabel =
        R"((?:(?:total\s+)?(?:number|no\.?|num\.?|#)\s*(?:of\s+)?pages?|(?:total\s+)?pages)\b)"
        R"((?:(?:\s+[A-Za-z]{3,14}){0,2}\s*[(\[]?\s*(?:incl(?:uding|udes|\.)?|this\s+page|with)[^)\]:;0-9]{0,40}[)\]]?)?)";
    static const RE2 right("(?i)(?:^|[^A-Za-z])" + kLabel + R"(\s*[:;.\-=_]*\s*_*\s*([0-9]{1,3})_*(?:[^0-9/]|$))");
    static const RE2 before(
        R"((?i)(?:^|[\s_(])_*([0-9]{1,3})_*\s*(?:pages?\s*[(\[]?\s*incl|[(\[]\s*incl(?:uding|\.)?\s+(?:this\s+)?cover))");
    static const RE2 label_only("(?i)(?:^|[^A-Za-z])(" + kLabel + R"()\s*[:;.\-=_]*\s*$)");
    static const RE2 label_any("(?i)(?:^|[^A-Za-z])(" + kLabel + ")");
    re2::StringPiece value;
    if (RE2::PartialMatch(text, right, &value)) {
      // "Page 1 of 3" pagination is not a count.
      const size_t after = static_cast<size_t>(value.data() - text.data()) + value.size();
      static const RE2 of(R"(^\s*of\b)");
      if (!RE2::PartialMatch(text.substr(after), of) && add(value, 1.0)) return;
    }
    if (RE2::PartialMatch(text, before, &value) && add(value, 0.9)) return;
    // The label with nothing after it on its row (or followed by the next column's words):
    // a lone number in the next two rows, under the label.
    re2::StringPiece label;
    const bool alone = RE2::PartialMatch(text, label_only, &label);
    if (!alone && !RE2::PartialMatch(text, label_any, &label)) return;
    const size_t lb = static_cast<size_t>(label.data() - text.data());
    const Words lw = words_in(lb, lb + label.size());
    if (lw.empty()) return;
    if (!alone) {
      // Followed on its row only by another column's words.
      const int next = lw.back() == row.words.back() ? -1 : page.WordAt(ri, page.word(lw.back()).pos + 1);
      if (next >= 0 && !page.StartsSegment(next)) return;
    }
    Box lbox;
    for (int wi : lw) lbox = Union(lbox, page.word(wi).box);
    const int h = std::max(row.height, page.typical_height());
    for (int rj = ri + 1; rj < std::min<int>(ri + 3, static_cast<int>(page.rows().size())); ++rj) {
      const LayoutRow& below = page.row(rj);
      if (below.box.y - row.box.bottom() > h * 4) break;
      for (int wi : below.words) {
        const LayoutWord& w = page.word(wi);
        const int overlap = std::min(w.box.right(), lbox.right() + h) - std::max(w.box.x, lbox.x - h);
        if (overlap <= 0) continue;
        static const RE2 number(R"(^_*([0-9]{1,3})_*$)");
        re2::StringPiece m;
        if (!RE2::FullMatch(w.text, number, &m)) continue;
        const int n = std::stoi(std::string(m.data(), m.size()));
        if (n <= 0 || n > 500) continue;
        Candidate c = r_.FromWords(pi, {wi}, static_cast<int64_t>(n));
        c.confidence *= 0.85;
        r_.Add("fax_cover.page_count", c);
        return;
      }
    }
  }

  // The payer's name as the largest text at the top of a letter (its letterhead): of the
  // first three rows' segments, the one in the largest print. A segment, not a row: the
  // logo's name shares its row with the department and address lines set beside it
  // ("Aetna        Prior Authorization Department / PO Box ...").
  void PayerFromLetterhead() {
    if (r_.page_count() == 0) return;
    const PageLayout& page = r_.layout(0);
    Words best;
    int best_height = 0;
    for (int ri = 0; ri < std::min<int>(3, static_cast<int>(page.rows().size())); ++ri) {
      for (const Words& seg : page.Segments(ri)) {
        if (Letters(Text(0, seg)) < 3) continue;
        const int height = page.TextHeight(seg);
        if (best.empty() || height > best_height * 1.15) {
          best = seg;
          best_height = height;
        }
      }
    }
    if (!best.empty()) AddPayerFromWords(0, best);
  }

  void PayerFromCard() {
    if (r_.page_count() == 0) return;
    const PageLayout& page = r_.layout(0);
    const LabelIndex& li = r_.labels(0);
    int first_label_row = static_cast<int>(page.rows().size());
    for (const LabelHit& h : li.hits()) {
      if (h.label == Label::kIgnore) continue;
      first_label_row = h.row;
      break;
    }
    static const RE2 title(R"((?i)(insurance\s+card|copy\s+of|front\s+and\s+back|\bcard\b|\bfront\b|\bback\b))");
    for (int ri = 0; ri < first_label_row; ++ri) {
      const LayoutRow& row = page.row(ri);
      if (RE2::PartialMatch(row.text, title)) continue;
      if (Letters(row.text) < 3) continue;
      double conf = 0;
      for (int wi : row.words) conf += page.word(wi).confidence;
      if (conf / static_cast<double>(row.words.size()) < 0.4) continue;
      AddPayerFromWords(0, page.Segments(ri).front());
      return;
    }
  }

  void AddPayerFromWords(int pi, const Words& seg) {
    const std::string text = UpperSingleSpaced(StripEdges(Text(pi, seg)));
    if (Letters(text) < 3) return;
    r_.Add("insurance.payer", r_.FromWords(pi, seg, text));
  }

  DocReader& r_;
  std::vector<WordRef> joined_ids_;  // member ids read on the payer's row (Payer)
};

// Phone and fax labels below the referring-provider heading belong to the provider.
void ReferralPhones(DocReader& r, Rules& rules) {
  int zone_page = -1, zone_y = -1;
  for (const auto& h : r.Hits(Label::kReferringProvider)) {
    zone_page = h.page;
    zone_y = h.hit->box.y;
    break;
  }
  rules.ForEachValue({Label::kHomePhone}, [&](int page, const LabelHit&, const Words& v) {
    const Checked c = NormalizePhone(rules.Text(page, v));
    if (!c.empty()) r.Add("patient.phone", r.FromWords(page, v, c.value, &c));
  });
  rules.ForEachValue({Label::kPhone, Label::kFax}, [&](int page, const LabelHit& hit, const Words& v) {
    const bool provider = zone_page >= 0 && (page > zone_page || (page == zone_page && hit.box.y >= zone_y));
    const Checked c = NormalizePhone(rules.Text(page, v));
    if (c.empty()) return;
    std::string key;
    if (hit.label == Label::kFax) key = "referring.fax";
    else key = provider ? "referring.phone" : "patient.phone";
    r.Add(key, r.FromWords(page, v, c.value, &c));
  });
}

void ReadReferralForm(DocReader& r) {
  Rules rules(r);
  rules.PatientNames(PatientNameLabels(DocType::kReferral));
  rules.BirthDate();
  rules.Sex();
  ReferralPhones(r, rules);
  rules.Address();
  rules.Payer();
  rules.Identifier("insurance.member_id", {Label::kMemberId}, true);
  rules.MemberIdJoinedToPayer();
  // A Medicare number's label: printed so, or the payer cell's "MEDICARE" matched loosely
  // for it when the member id's label beside it was garbled ("MIE METAR Ey", seed 108
  // s0059). Its value is the member id when it is a valid MBI.
  if (!r.HasValid("insurance.member_id")) rules.MedicareNumber();
  rules.Identifier("insurance.group_number", {Label::kGroup});
  rules.AuthNumber();
  rules.Date("referral.date", {Label::kDate}, DateKind::kRecent);
  rules.Priority();
  rules.UpperText("referral.specialty", {Label::kSpecialty});
  rules.Reason();
  rules.DiagnosisCodes({Label::kDiagnosis}, false);
  rules.ProviderName("referring.name", {Label::kReferringProvider});
  rules.UpperText("referring.practice", {Label::kPractice});
  rules.Npi();
  rules.ReferredTo();
}

void ReadCard(DocReader& r) {
  Rules rules(r);
  rules.PatientNames(PatientNameLabels(DocType::kInsuranceCard));
  rules.PayerFromCard();
  rules.Identifier("insurance.member_id", {Label::kMemberId, Label::kId, Label::kMedicareNumber}, true);
  rules.Identifier("insurance.group_number", {Label::kGroup});
}

void ReadPriorAuth(DocReader& r) {
  Rules rules(r);
  rules.PatientNames(PatientNameLabels(DocType::kPriorAuthorization));
  rules.PayerFromLetterhead();
  rules.BirthDate();
  rules.Identifier("insurance.member_id", {Label::kMemberId}, true);
  rules.AuthNumber();
  rules.AuthStatus();
  ReadAuthorizationNarrative(r);
  rules.AuthDates();
  rules.Visits();
  rules.ProcedureCodes();
  rules.DiagnosisCodes({Label::kDiagnosis}, false);
  rules.ProviderName("referring.name", {Label::kRequestingProvider});
  rules.Npi();
  rules.ReferredTo();
}

void ReadNote(DocReader& r, DocType type) {
  Rules rules(r);
  rules.PatientNames(PatientNameLabels(type));
  rules.BirthDate();
  switch (type) {
    case DocType::kClinicalNote:
      rules.Mrn();
      rules.SectionCodes({"assessment", "impression", "diagnosis", "diagnoses"});
      break;
    case DocType::kConsultNote:
      rules.ProviderName("referring.name", {Label::kReferringProvider});
      rules.SectionCodes({"impression", "assessment", "diagnosis", "diagnoses"});
      break;
    case DocType::kLabResult:
      rules.Sex();
      rules.Mrn();
      break;
    case DocType::kImagingReport:
      rules.DiagnosisCodes({Label::kIndication}, true);
      break;
    default:
      break;
  }
}

// Whether the word with box `b` on row `ri` of page `pi` is the value of a label naming
// another day than the birth date ("Date:", "Effective:"): the label nearest before it on
// its row, printed with its colon, or a label above it matched as printed and alone in
// its column ("DATE" beside "PROVIDER SIGNATURE" over a referral date whose year noise
// turned old, "29 Dec 2025" read "20 pec 2008", seed 116 s0003). Not a label with more
// words after it in its column: noise turns "DATE OF BIRTH" into "DATE Ooh" or "LATE Ooh"
// over a birth date.
bool OtherDateValue(const DocReader& r, int pi, int ri, const Box& b) {
  const auto other_day = [](Label l) {
    return l == Label::kDate || l == Label::kApprovedFrom || l == Label::kThrough || l == Label::kEffective;
  };
  const LabelIndex& labels = r.labels(pi);
  const PageLayout& page = r.layout(pi);
  const LabelHit* before = nullptr;
  for (const LabelHit& h : labels.hits()) {
    if (!h.cell && h.row == ri && h.box.x + h.box.w <= b.x + 2) before = &h;
    if (h.loose || h.row >= ri || !other_day(h.label)) continue;
    const std::vector<int>& row = page.row(h.row).words;
    const size_t next = static_cast<size_t>(h.last) + 1;
    const bool alone = next >= row.size() || page.StartsSegment(row[next]) || labels.HitStartingAt(row[next]) >= 0;
    if (!alone) continue;
    for (int w : labels.ValueWords(h))
      if (page.word(w).box == b) return true;
  }
  return before != nullptr && before->colon && other_day(before->label);
}

// A birth date whose label OCR lost: on these documents every other date is recent (the
// referral, service, collection or approval day), so the first date in reading order lying
// more than two years back is the patient's birth date. Kept with less confidence. A date
// under a label naming another day is not taken, however old: a referral date read
// "1/20/2020" for 1/20/2026 (seed 45 s0063).
void BirthDateByAge(DocReader& r) {
  DateOptions o = r.dates();
  o.kind = DateKind::kBirth;
  // One separator throughout: "3.4-10.8", a reference range, is no date (seed 54 s0048).
  static const RE2 date_like(
      R"((\d{1,4}/\d{1,2}/\d{2,4}|\d{1,4}-\d{1,2}-\d{2,4}|\d{1,4}\.\d{1,2}\.\d{2,4}|[A-Za-z]{3,9}\.?\s+\d{1,2}[,.]?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4}))");
  for (int pi = 0; pi < r.page_count(); ++pi) {
    const PageLayout& page = r.layout(pi);
    for (int ri = 0; ri < static_cast<int>(page.rows().size()); ++ri) {
      const LayoutRow& row = page.row(ri);
      re2::StringPiece in(row.text), m;
      while (RE2::FindAndConsume(&in, date_like, &m)) {
        // Nor the head of a longer number ("1.2.345").
        if (in.size() >= 2 && std::string_view("./-").find(in[0]) != std::string_view::npos && IsDigit(in[1])) continue;
        const Checked d = NormalizeDate(std::string(m.data(), m.size()), o);
        if (d.empty() || !d.valid) continue;
        auto ymd = ParseIsoDate(d.value);
        if (!ymd || ymd->year > o.today.year - 2) continue;
        // The words of the match: those whose text lies inside it.
        std::vector<int> words;
        size_t offset = 0;
        const size_t mb = static_cast<size_t>(m.data() - row.text.data()), me = mb + m.size();
        for (int wi : row.words) {
          const size_t wb = offset, we = offset + page.word(wi).text.size();
          if (we > mb && wb < me) words.push_back(wi);
          offset = we + 1;
        }
        if (words.empty()) words = row.words;
        if (OtherDateValue(r, pi, ri, page.word(words.front()).box)) continue;
        Candidate c = r.FromWords(pi, words, d.value, &d);
        c.confidence *= 0.7;
        r.Add("patient.birth_date", c);
        return;
      }
    }
  }
}

// ------------------------------------------------------------------ choosing values

// Whether a bar is read as a word of its own right after `box` on fax page `number` (the
// layout strips bars, so the page's words are looked over): as tall as the box's text (a
// cell's rule runs taller) and within its height of it.
bool BarRightAfter(const std::vector<const PageResult*>& pages, int number, const Box& box) {
  for (const PageResult* page : pages) {
    if (page->number != number) continue;
    for (const Word& w : page->text.words) {
      if (w.text != "|" && w.text != "!" && w.text != "l" && w.text != "I" && w.text != "]") continue;
      const int gap = w.box.x - box.right();
      if (gap >= 0 && gap <= box.h && w.box.h <= box.h * 1.3 && w.box.y < box.bottom() && box.y < w.box.bottom())
        return true;
    }
  }
  return false;
}

struct Chosen {
  Candidate c;
  double confidence = 0;
};

// A birth date over 105 years ago whose year's digits the engine also weighed another way
// (0.4 or more) for a year of a living patient: "07/14/1906" with 6 weighed for the 0,
// seed 53 s0026. That year is taken, at unsure confidence, when exactly one reading gives
// one.
void YoungerBirthYear(const Reading& reading, const DateOptions& options, Field& f) {
  const std::string* value = std::get_if<std::string>(&f.value);
  if (value == nullptr) return;
  const std::optional<Ymd> ymd = ParseIsoDate(*value);
  const Ymd today = options.TodayOrClock();
  constexpr int kOldest = 105;
  if (!ymd.has_value() || ymd->year >= today.year - kOldest) return;
  const std::string read = BestText(reading);
  const size_t at = read.rfind(std::to_string(ymd->year));
  if (at == std::string::npos) return;
  std::set<int> years;
  for (size_t i = at; i < at + 4; ++i)
    for (const CharChoice& c : reading[i].choices) {
      if (!IsDigit(c.c) || c.c == read[i] || c.confidence < 0.4f) continue;
      std::string year = read.substr(at, 4);
      year[i - at] = c.c;
      const int y = std::stoi(year);
      if (y >= today.year - kOldest && y < today.year) years.insert(y);
    }
  if (years.size() != 1) return;
  char iso[11];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", *years.begin(), ymd->month, ymd->day);
  DateOptions birth = options;
  birth.kind = DateKind::kBirth;
  const Checked checked = NormalizeDate(iso, birth);
  if (checked.empty() || !checked.valid) return;
  f.value = checked.value;
  f.confidence = std::min(f.confidence, kUnsureConfidence);
}

Chosen Choose(const std::vector<Candidate>& cands) {
  const Candidate* pick = nullptr;
  for (const Candidate& c : cands)
    if (c.valid && (pick == nullptr || !pick->valid)) {
      pick = &c;
      break;
    }
  if (pick == nullptr) pick = &cands.front();
  Chosen out{*pick, pick->confidence};
  if (pick->repaired) out.confidence *= 0.85;
  if (!pick->valid) out.confidence = std::min(out.confidence * 0.5, 0.45);
  out.confidence = std::clamp(out.confidence, 0.0, 1.0);
  return out;
}

}  // namespace

// ------------------------------------------------------------------ Extractor

bool IsAuthorizationPrefix(std::string_view prefix) {
  return prefix.size() >= 2 && prefix.size() <= 6 &&
         std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Extractor::Extractor(const ExtractorOptions& options) : options_(options) {}
Extractor::~Extractor() = default;

Result<std::unique_ptr<Extractor>> Extractor::Create(const ExtractorOptions& options) {
  if (!(options.low_confidence >= 0 && options.low_confidence <= 1))
    return MakeError(ErrorCode::kInvalidArgument, "bad_extractor_options", "low_confidence must be within [0, 1]");
  if (!options.today.empty() && !ParseIsoDate(options.today))
    return MakeError(ErrorCode::kInvalidArgument, "bad_extractor_options", "today must be a YYYY-MM-DD day");
  if (options.two_digit_years_ahead < 0 || options.two_digit_years_ahead > 99)
    return MakeError(ErrorCode::kInvalidArgument, "bad_extractor_options", "two_digit_years_ahead must be 0..99");
  for (const std::string& prefix : options.authorization_prefixes)
    if (!IsAuthorizationPrefix(prefix))
      return MakeError(ErrorCode::kInvalidArgument, "bad_extractor_options",
                       "each authorization prefix must be 2-6 capital letters");
  std::unique_ptr<Extractor> e(new Extractor(options));
  if (options.icd10_table.empty()) {
    e->icd10_ = Icd10Table::Common();
  } else {
    auto t = Icd10Table::Load(options.icd10_table);
    if (!t) return std::unexpected(t.error());
    e->icd10_ = std::move(*t);
  }
  return e;
}

void Extractor::Extract(const std::vector<const PageResult*>& pages, Document& doc) const {
  if (pages.empty()) return;
  DateOptions dates;
  dates.today = options_.today.empty() ? Today() : *ParseIsoDate(options_.today);
  dates.two_digit_years_ahead = options_.two_digit_years_ahead;
  DocReader r(pages, dates);
  r.set_icd10(icd10_.get());
  r.set_auth_prefixes(&options_.authorization_prefixes);

  switch (doc.type) {
    case DocType::kFaxCover:
      Rules(r).PageCount();
      break;
    case DocType::kReferral:
      if (LooksLikeLetter(r)) {
        ReadReferralLetter(r);
      } else {
        ReadReferralForm(r);
        if (!r.Has("patient.sex")) SexFromAgeSentence(r);
      }
      break;
    case DocType::kInsuranceCard:
      ReadCard(r);
      break;
    case DocType::kPriorAuthorization:
      ReadPriorAuth(r);
      break;
    case DocType::kClinicalNote:
    case DocType::kConsultNote:
    case DocType::kLabResult:
    case DocType::kImagingReport:
    case DocType::kRecordsRequest:
      ReadNote(r, doc.type);
      break;
    case DocType::kOther:
      break;
  }

  // Fallbacks for labels OCR garbled beyond matching.
  switch (doc.type) {
    case DocType::kReferral:
    case DocType::kInsuranceCard:
    case DocType::kPriorAuthorization:
      if (!r.HasValid("insurance.member_id")) ReadMemberIdNarrative(r);
      if (doc.type == DocType::kInsuranceCard && !r.HasValid("insurance.member_id")) CardIdAfterGarbledLabel(r);
      if (doc.type == DocType::kInsuranceCard && !r.HasValid("insurance.member_id")) IdByPayerShape(r, false);
      if (doc.type == DocType::kReferral && !r.Has("insurance.member_id")) IdByPayerShape(r, true);
      if (doc.type == DocType::kReferral && !r.Has("referring.npi")) NpiByCheckDigit(r);
      if (doc.type != DocType::kInsuranceCard && !r.HasValid("authorization.number")) ReadAuthorizationNumberNarrative(r);
      if (doc.type == DocType::kReferral && !r.Has("authorization.number")) AuthNumberByKnownShape(r);
      break;
    default:
      break;
  }
  switch (doc.type) {
    case DocType::kReferral:
    case DocType::kPriorAuthorization:
    case DocType::kClinicalNote:
    case DocType::kConsultNote:
    case DocType::kLabResult:
    case DocType::kImagingReport:
    case DocType::kRecordsRequest:
      if (!r.Has("patient.birth_date")) BirthDateByAge(r);
      // Codes whose label OCR garbled ("Tcd-10:"), printed with their titles.
      if (!r.Has("referral.diagnosis_codes")) AddDiagnosisCodes(r, CodesWithTitles(r));
      break;
    default:
      break;
  }

  int invalid = 0, low = 0;
  // The chosen member id as the engine read it: its characters with their alternatives, and
  // its word read again alone (Candidate::reading, Candidate::readings).
  Reading member_reading;
  std::vector<std::string> member_readings;
  for (const auto& [key, cands] : r.candidates()) {
    if (cands.empty()) continue;
    const Chosen chosen = Choose(cands);
    if (key == "insurance.member_id") {
      member_reading = chosen.c.reading;
      member_readings = chosen.c.readings;
    }
    Field f;
    f.value = chosen.c.value;
    f.confidence = chosen.confidence;
    if (key == "patient.birth_date") YoungerBirthYear(chosen.c.reading, r.dates(), f);
    f.page = chosen.c.page;
    f.box = chosen.c.box;
    f.valid = chosen.c.valid;
    // Payer and specialty names are checked against their tables: OCR slips are repaired,
    // and a name that matches is more certain than its word confidences say.
    using NameTable = std::optional<std::string> (*)(std::string_view, int*);
    const NameTable table = key == "insurance.payer"      ? &KnownPayer
                            : key == "referral.specialty" ? &KnownSpecialty
                                                          : nullptr;
    if (const std::string* read = std::get_if<std::string>(&f.value); table != nullptr && read != nullptr) {
      int edits = 0;
      auto known = table(*read, &edits);
      // A label OCR garbled past matching, its colon read, before the name ("TNSTIRANCE:
      // ALTNA", seed 96 s0030): no name holds a colon; what follows the last one is the name.
      if (const size_t colon = read->rfind(':'); !known && colon != std::string::npos)
        known = table(StripEdges(read->substr(colon + 1)), &edits);
      if (known) {
        f.value = *known;
        f.confidence = std::max(f.confidence, edits == 0 ? 0.9 : 0.75);
      }
    }
    doc.fields[key] = f;
    if (!f.valid) {
      doc.AddReason("invalid:" + key);
      ++invalid;
    } else if (f.confidence < options_.low_confidence) {
      doc.AddReason("low_confidence:" + key);
      ++low;
    }
  }
  // A member id is read against the shape its payer prints (an H read as "11").
  auto payer = doc.fields.find("insurance.payer");
  auto member = doc.fields.find("insurance.member_id");
  if (payer != doc.fields.end() && member != doc.fields.end()) {
    const std::string* p = std::get_if<std::string>(&payer->second.value);
    const std::string* m = std::get_if<std::string>(&member->second.value);
    if (p != nullptr && m != nullptr) {
      const auto fits = [&](const std::string& id) { return FitsMemberIdShape(id, *p); };
      const bool in_shape = fits(*m);
      // The id's characters as read, and the letters the engine weighed for the first.
      const std::string member_read = BestText(member_reading);
      std::string member_first_letters;
      if (!member_reading.empty())
        for (const CharChoice& k : member_reading.front().choices)
          if (IsAlpha(k.c) && k.confidence >= 0.2f) member_first_letters += k.c;
      // The id's word read again alone, spelled as the payer prints its ids where the page's
      // reading is not ("W902753868" alone for Aetna's id read "W9802753868", its 9 and 8
      // each weighing the other; seed 64 s0026); else the look-alikes of the payer's shape.
      std::optional<std::string> fixed;
      if (!in_shape) fixed = TheOneReading(member_readings, fits);
      if (!fixed) fixed = RepairMemberId(*m, *p, DigitsWeighed(member_reading));
      if (!fixed && !in_shape) fixed = OneWeighedChange(member_reading, fits);
      if (!fixed && !in_shape) fixed = OneGlyphReadTwice(member_reading, fits);
      // An H read as two strokes, the engine weighing H for the first ("IITV386340794" for
      // Blue Cross's HTV386340794, H at 0.46; seed 60 s0086): dropping a stroke fits too,
      // but the H is what was printed.
      const auto h_for_strokes = [&](const std::string& id) -> std::optional<std::string> {
        if (id.size() <= 2 || !IsStroke(id[0]) || !IsStroke(id[1])) return std::nullopt;
        std::string h = "H" + id.substr(2);
        if (!fits(h)) return std::nullopt;
        return h;
      };
      if (member_first_letters.find('H') != std::string::npos)
        if (auto h = h_for_strokes(member_read); h && *h != *m) fixed = h;
      // Without the engine's weighing, where the id as read is out of its payer's shape and
      // the H in the strokes' place is in it ("1103229425" for Humana's H03229425 at 0.94 on
      // a clean page, seed 89 s0091).
      if (!fixed && !in_shape) fixed = h_for_strokes(*m);
      // The id as read, before the look-alikes NormalizeIdentifier took: a zero read twice,
      // once as an O that became a 0 beside it ("XKCO082266006", seed 48 s0027).
      // The reading may also hold a character the value left out: a letter read outside
      // ASCII ("X£G743180897" with Z weighed for the £, seed 53 s0008).
      if (!fixed && !member_read.empty() && member_read != *m && !in_shape)
        fixed = fits(member_read) ? member_read : RepairMemberId(member_read, *p);
      // The payer's leading letter read as a digit the engine weighed that letter for
      // ("187192791" for Humana's H87192791, H weighed first at 0.91 for the 1; seed 56
      // s0017). Without the engine's weighing a leading 1 may be a digit: left alone.
      if (!fixed && !m->empty() && IsDigit(m->front()) && !in_shape)
        for (char letter : member_first_letters)
          if (const std::string lettered = letter + m->substr(1); fits(lettered)) {
            fixed = lettered;
            break;
          }
      // Its last 1 read as a bar, a word of its own after it ("0779084 |" for Kaiser's
      // 07790841, seed 69 s0095): taken where the id is one digit short of its payer's shape.
      if (!fixed && !in_shape && fits(*m + "1") &&
          BarRightAfter(pages, member->second.page, member->second.box))
        fixed = *m + "1";
      if (fixed) {
        member->second.value = *fixed;
        member->second.confidence = std::min(member->second.confidence, 0.85);
      }
    }
  }
  if (doc.type == DocType::kReferral) Rules(r).Unreadable(doc);
  log::Debug("extract_document", "type={} pages={} fields={} invalid={} low_confidence={}", DocTypeName(doc.type),
             pages.size(), doc.fields.size(), invalid, low);
}

}  // namespace faxintake::extract
