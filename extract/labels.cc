#include "extract/labels.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "extract/validators.h"

namespace faxintake::extract {
namespace {

struct Phrase {
  Label label;
  std::vector<std::string> tokens;
  std::string joined;  // canonical tokens without separators, for fuzzy matching
  std::string faded;   // `joined` as faded small print reads it (see Faded)
  std::string spelled; // `joined` with each "rn" kept ("mrn", which `joined` holds as "mm")
};

std::string Canon(const std::string& t, bool merge_rn = true);
std::string Faded(const std::string& canon);

// Printed label phrases; matching compares Tokenize() output of the page words.
const std::vector<Phrase>& Phrases() {
  static const std::vector<Phrase> phrases = [] {
    const std::vector<std::pair<Label, std::vector<const char*>>> table = {
        {Label::kPatientName,
         {"patient name last first", "patient name", "pt name", "patient s name", "name of patient", "patient full name"}},
        {Label::kPatient, {"patient"}},
        {Label::kMember, {"member", "subscriber", "insured", "beneficiary"}},
        {Label::kMemberName, {"member name", "subscriber name", "insured name", "beneficiary name"}},
        {Label::kName, {"name"}},
        {Label::kDob, {"date of birth", "dob", "birth date", "d o b", "birthdate", "born"}},
        {Label::kSex, {"sex", "gender"}},
        {Label::kMrn, {"mrn", "medical record number", "medical record no", "medical record #", "mr #", "chart #",
                       "chart number", "patient id", "account #"}},
        {Label::kPhone, {"phone", "telephone", "tel", "phone number", "phone #", "office phone"}},
        {Label::kHomePhone, {"home phone", "cell phone", "mobile phone", "patient phone", "cell", "mobile"}},
        {Label::kFax, {"fax", "fax number", "fax #", "office fax"}},
        {Label::kAddress, {"address", "street address", "home address", "street", "address line 1"}},
        {Label::kCity, {"city"}},
        {Label::kState, {"state"}},
        {Label::kZip, {"zip", "zip code", "postal code", "zipcode"}},
        {Label::kCityStateZip, {"city state zip", "city state zip code", "city st zip", "city state"}},
        {Label::kInsurance,
         {"insurance", "payer", "payor", "insurance company", "insurance plan", "primary insurance", "health plan",
          "insurance carrier", "carrier", "insurance name"}},
        {Label::kMemberId,
         {"member id", "subscriber id", "member #", "member number", "member no", "policy #", "policy number",
          "id number", "member id #", "insurance id", "policy id", "subscriber #", "subscriber number",
          "member id number", "identification number"}},
        {Label::kId, {"id", "id #", "id no"}},
        {Label::kMedicareNumber, {"medicare number", "medicare #", "medicare id", "medicare no", "mbi"}},
        {Label::kGroup, {"group", "group #", "group no", "group number", "grp", "grp #", "group id", "group no #"}},
        {Label::kReferringProvider,
         {"referring provider", "referring physician", "referring doctor", "referred by", "referring md",
          "referring clinician"}},
        {Label::kRequestingProvider, {"requesting provider", "requesting physician", "requested by"}},
        {Label::kServicingProvider,
         {"servicing provider", "rendering provider", "servicing physician", "servicing facility"}},
        // "NPE", "NPT": the I of small-capital NPI read with a speck beside it; "WPI": its N
        // read as W on a noisy page; "NFI": its P's bowl open at normal resolution.
        {Label::kNpi,
         {"npi", "npi #", "npi number", "npi no", "provider npi", "referring npi", "npe", "npt", "wpi", "nph", "nfi"}},
        {Label::kPractice, {"practice", "practice name", "clinic", "clinic name", "facility"}},
        {Label::kReferTo,
         {"refer to", "referred to", "referring to", "refer to provider", "referral to", "specialist", "consultant"}},
        {Label::kSpecialty, {"specialty", "speciality", "specialty requested", "service requested"}},
        {Label::kDiagnosis,
         {"diagnosis icd 10", "diagnosis", "icd 10", "dx", "diagnosis code", "diagnosis codes", "icd 10 codes",
          "diagnoses", "icd 10 code", "diagnosis s", "icd 10 cm", "dx code", "dx codes", "icd10", "icd",
          "diagnosis icd 16", "icd 16", "diagnosis icd 1o",  // the 0 of ICD-10 read as 6 or o
          "diagnosis icd 1",                                  // or as a mark ("(ICD-1@)")
          "diagnosis ic d 10", "ic d 10",                     // a break read as a space
          "diagnosis cd 10"}},                                // its I read as a mark ("(!CD-10)")
        {Label::kIndication, {"indication", "clinical indication", "indications", "reason for exam"}},
        {Label::kReason, {"reason for referral", "reason", "reason for visit", "referral reason"}},
        {Label::kPriority, {"priority", "urgency"}},
        {Label::kAuthNumber,
         {"authorization #", "authorization number", "auth #", "auth number", "prior auth #", "prior auth number",
          "prior authorization #", "prior authorization number", "reference #", "reference number", "authorization",
          "auth", "pa #", "pa number", "auth no", "authorization no", "ref #", "certification number", "cert #",
          "authorization id", "auth id", "reference no", "tracking number"}},
        {Label::kStatus, {"status", "determination", "decision", "authorization status", "review status"}},
        {Label::kApprovedFrom, {"approved from", "valid from", "start date", "effective from", "begin date", "from date"}},
        {Label::kThrough, {"through", "thru", "end date", "expiration date", "expires", "valid through", "valid to",
                           "to date"}},
        {Label::kEffective,
         {"effective", "effective dates", "approved dates", "authorized dates", "valid dates", "dates approved",
          "service period", "approval period", "authorization period", "effective date"}},
        {Label::kVisits,
         {"number of visits", "approved visits", "visits", "visits approved", "approved units", "# of visits",
          "number of units", "visits authorized", "authorized visits", "units approved"}},
        {Label::kProcedureCodes,
         {"procedure code s", "procedure codes", "procedure code", "cpt", "cpt code s", "cpt codes", "cpt code",
          "procedures", "services requested", "hcpcs", "procedure", "service code s", "cpt hcpcs"}},
        {Label::kDate, {"date", "referral date", "date of referral", "date sent", "today s date"}},
        {Label::kPages,
         {"pages including cover", "number of pages", "total pages incl cover", "total pages including cover",
          "total pages", "pages", "no of pages", "# of pages", "page count", "pages incl cover",
          "number of pages including cover", "pages including this cover", "total number of pages"}},
        {Label::kIgnore,
         {"age", "payer id", "rxbin", "rxpcn", "rxgrp", "rx bin", "rx pcn", "rx grp", "pcp", "pcp phone",
          "date of service", "dates of service requested", "dates of service", "collected", "reported", "received",
          "specimen", "ordering provider", "ordering physician", "exam", "exam date", "to", "from", "re",
          "provider signature", "signature", "allergies", "current medications", "medications",
          "pertinent history", "pertinent history clinical notes", "clinical notes", "date of consultation",
          "copays", "copay", "member services", "comments", "technique", "comparison", "findings", "impression",
          "attn", "attention", "subject", "time", "plan name", "pharmacy help desk", "deductible",
          "electronically signed by", "requested by", "laboratory director", "flags", "specimen type",
          "chief complaint", "hpi", "ros", "assessment", "assessment plan", "assessment and plan",
          "history of present illness", "review of systems", "physical exam", "records requested",
          "prior authorization department", "utilization management", "date of visit", "visit date",
          "age sex", "dos", "location", "room", "ordered by", "cc"}},
    };
    std::vector<Phrase> out;
    for (const auto& [label, texts] : table)
      for (const char* t : texts) {
        Phrase p{label, Tokenize(t), "", ""};
        for (const std::string& tok : p.tokens) {
          p.joined += Canon(tok);
          p.spelled += Canon(tok, false);
        }
        p.faded = Faded(p.joined);
        out.push_back(std::move(p));
      }
    return out;
  }();
  return phrases;
}

// Labels whose value may follow them on the row without a colon ("NPI 1234567893",
// "DOB 03/04/1956"); the value is then checked by its field's validator.
bool BareRightAllowed(Label l) {
  switch (l) {
    case Label::kNpi: case Label::kDob: case Label::kMrn: case Label::kMemberId: case Label::kId:
    case Label::kPhone: case Label::kHomePhone: case Label::kFax: case Label::kPages: case Label::kVisits:
    case Label::kZip: case Label::kDate: case Label::kGroup: case Label::kMedicareNumber:
      return true;
    default:
      return false;
  }
}

// Words that turn a label word into a heading: "INSURANCE INFORMATION", "Referral Details".
bool IsHeadingWord(const std::string& token) {
  static const std::vector<std::string> kWords = {
      "information", "info", "details", "demographics", "history", "summary", "notes", "approval",
      "determination", "notice", "request", "form", "department", "services", "review", "unit", "team",
      "management", "center", "clinic", "associates", "card", "health", "group"};
  return std::find(kWords.begin(), kWords.end(), token) != kWords.end();
}

// A heading's last word that is never a value ("INSURANCE INFORMATION", "PATIENT DETAILS").
bool EndsOnlyAHeading(const std::string& token) {
  return token == "information" || token == "info" || token == "details" || token == "demographics";
}

// OCR-tolerant token comparison: shapes Tesseract mixes up map to one form, and long
// tokens may differ by one edit.
std::string Canon(const std::string& t, bool merge_rn) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (merge_rn && c == 'r' && i + 1 < t.size() && t[i + 1] == 'n') {
      out += 'm';
      ++i;
      continue;
    }
    if (c == '0') c = 'o';
    if (c == '1' || c == 'i') c = 'l';
    if (c == 'b') c = 'd';  // a small-capital D read as b ("Ib#" for "ID#")
    out += c;
  }
  return out;
}

// Canonical text as small capitals read at normal fax resolution, where a letter's
// horizontal bars fall between the scanned rows: E reads as L, T as I (canonical l).
std::string Faded(const std::string& canon) {
  std::string out = canon;
  for (char& c : out)
    if (c == 'e' || c == 't') c = 'l';
  return out;
}

bool TokenMatches(const std::string& printed, const std::string& wanted) {
  if (printed == wanted) return true;
  const std::string a = Canon(printed), b = Canon(wanted);
  if (a == b) return true;
  // A stray stroke read before a short label ("IicD-10"): a box rule or speck that
  // Tesseract reads as l, I or 1 (all canonical 'l').
  if (a.size() == b.size() + 1 && b.size() >= 3 && a.front() == 'l' && a.compare(1, b.size(), b) == 0) return true;
  // A word printed as a value is no slip of a label: the priority "STAT" is not "state"
  // (a checked STAT box read as the state label took the authorization number beside it
  // for a state, seed 84 s0006).
  if (printed == "stat") return false;
  return b.size() >= 5 && BoundedEditDistance(a, b, 1) <= 1;
}

// The "ID" of a two-word label ("Member ID", "Subscriber ID") as small print is often
// read: 11, 112, 1D, JD, TD, TO, and "(D:" or "§D:" with the I as a parenthesis or a
// section sign (seed 33 s0069, seed 39 s0091), "I}:" with the D as a brace (seed 43 s0093).
// Only after the label's first word: alone, such a word is no label. `token` is the
// word's token there, `word` the word as read.
bool GarbledIdAfterLabelWord(const std::string& token, const std::string& word) {
  static const RE2 garbled(R"(^[1lijt][1ldo02t]{1,2}$)");
  static const RE2 bracket(R"(^(?:(?:[(\[{|!]|§)D|[1lI|!][)\]}])[:;.]?$)");
  return RE2::FullMatch(token, garbled) || RE2::FullMatch(word, bracket);
}

// A word of one or two characters no wider than it is tall: one glyph's width ("i", "ft"
// for a '#').
bool GlyphWide(const LayoutWord& w) { return !w.text.empty() && w.text.size() <= 2 && w.box.w <= w.box.h; }

struct Match {
  Label label = Label::kIgnore;
  int last = -1;          // last word position (inclusive)
  size_t tokens = 0;      // tokens matched (longest wins)
  int fuzzy_edits = 0;    // > 0: matched as whole words within edits ("DALE OF BIRTH")
  size_t fuzzy_length = 0;
  bool head_exact = false;  // fuzzy, over two words or more, the first read as printed
};

bool EndsWithColon(const std::string& text) {
  if (text.empty()) return false;
  char c = text.back();
  // A speck read as a period after the colon ("NPI:.", seed 109 s0038).
  if ((c == '.' || c == ',') && text.size() >= 2 && (text[text.size() - 2] == ':' || text[text.size() - 2] == ';'))
    c = text[text.size() - 2];
  return c == ':' || c == ';' || c == '#';
}

// Whether the row's words at positions first..last are printed in capitals: letters, none
// of them lower case (a boxed form's cell labels: "MEMBER   ID" with a column's gap between
// its words, seed 50 s0070; "PALILNI NAML" matched loosely). An I read as i or l is no lower
// case letter ("MEMBER   iD", seed 53 s0089).
bool InCapitals(const PageLayout& page, const LayoutRow& row, int first, int last) {
  bool letters = false;
  for (int q = first; q <= last; ++q)
    for (char c : page.word(row.words[static_cast<size_t>(q)]).text) {
      if (c >= 'a' && c <= 'z' && c != 'i' && c != 'l') return false;
      letters |= c >= 'A' && c <= 'Z';
    }
  return letters;
}

// The longest phrase starting at row position `pos`, ending at a word boundary and never
// crossing into the next column (but for one gap, below). Tokens must match (OCR-tolerant,
// see TokenMatches); at the start of a column a phrase of six letters or more may also
// match its words as a whole within one edit per five letters ("DALE OF BIRTH", "PALIEN'T
// NAME").
std::optional<Match> LongestAt(const PageLayout& page, const LayoutRow& row, int pos) {
  std::vector<std::string> toks;
  std::vector<int> word_of;
  std::vector<bool> word_end;
  // A label's words may stand further apart than a column gap ("Authorization" and
  // "Number;" 32 px apart in 22 px print, seed 31 s0016): one such gap, up to twice the
  // text height, is crossed, but only by an exact phrase that ends in a colon or is
  // printed in capitals.
  size_t segment_toks = 0;  // tokens before the crossed gap; all when none was crossed
  const int height = std::max(row.height, page.typical_height());
  for (int p = pos; p < static_cast<int>(row.words.size()) && toks.size() < 12; ++p) {
    const int wi = row.words[static_cast<size_t>(p)];
    if (p > pos && page.StartsSegment(wi)) {
      if (segment_toks > 0 || page.GapBefore(wi) > 2 * height) break;
      segment_toks = toks.size();
    }
    const auto& t = page.word(row.words[static_cast<size_t>(p)]).tokens;
    for (size_t k = 0; k < t.size(); ++k) {
      toks.push_back(t[k]);
      word_of.push_back(p);
      word_end.push_back(k + 1 == t.size());
    }
  }
  if (toks.empty()) return std::nullopt;
  if (segment_toks == 0) segment_toks = toks.size();
  std::optional<Match> best;
  for (const Phrase& ph : Phrases()) {
    const size_t n = ph.tokens.size();
    if (n > toks.size() || (best && n <= best->tokens)) continue;
    bool ok = true;
    for (size_t k = 0; k < n && ok; ++k)
      ok = TokenMatches(toks[k], ph.tokens[k]) || (k > 0 && ph.tokens[k] == "id" &&
                GarbledIdAfterLabelWord(toks[k], page.word(row.words[static_cast<size_t>(word_of[k])]).text));
    // The phrase ends its word, or a '#' glued on ends it: the label's mark ("NPH#" read
    // for NPI#, seed 74 s0059, where "nph" is a phrase and "nph #" is not).
    const bool ends = word_end[n - 1] || (n < toks.size() && toks[n] == "#" && word_end[n]);
    if (!ok || !ends) continue;
    if (n > segment_toks && !EndsWithColon(page.word(row.words[static_cast<size_t>(word_of[n - 1])]).text) &&
        !InCapitals(page, row, pos, word_of[n - 1]))
      continue;
    best = Match{ph.label, word_of[n - 1], n};
  }
  toks.resize(segment_toks);
  if (best || !page.StartsSegment(row.words[static_cast<size_t>(pos)])) return best;

  // Whole-word fuzzy match: the joined tokens of the first 1..4 words.
  struct Prefix {
    std::string text;   // joined canon text
    std::string faded;  // the same as faded small print reads it
    int last;           // last word pos
  };
  std::vector<Prefix> prefixes;
  std::string joined;
  for (size_t k = 0; k < toks.size(); ++k) {
    joined += Canon(toks[k]);
    // A word of one glyph's width ends no loose match: it is a mark after the label more
    // often than a word of it ("AUTEIORIZATLON i" is AUTHORIZATION #, not "authorization id").
    if (word_end[k] && !GlyphWide(page.word(row.words[static_cast<size_t>(word_of[k])])))
      prefixes.push_back({joined, Faded(joined), word_of[k]});
    if (prefixes.size() >= 4) break;
  }
  int best_d = 1 << 30;
  for (const Phrase& ph : Phrases()) {
    if (ph.joined.size() < 6) continue;
    // "MEDICARE" is one edit from "medicare #" but is the payer: a missing '#' is no slip.
    if (std::find(ph.tokens.begin(), ph.tokens.end(), "#") != ph.tokens.end()) continue;
    const int allowed = static_cast<int>(ph.joined.size()) / 5;
    for (const auto& [text, faded, last] : prefixes) {
      const int diff = std::abs(static_cast<int>(text.size()) - static_cast<int>(ph.joined.size()));
      if (diff > allowed) continue;
      // Small print at normal resolution loses the bars of E and T ("PALILNI NAML").
      const int d = std::min(BoundedEditDistance(text, ph.joined, allowed),
                             BoundedEditDistance(faded, ph.faded, allowed));
      if (d > allowed) continue;
      const bool better = !best || ph.tokens.size() > best->tokens || (ph.tokens.size() == best->tokens && d < best_d);
      if (better) {
        const bool head_exact = last > pos && ph.tokens.size() >= 2 && Canon(toks[0]) == Canon(ph.tokens[0]);
        best = Match{ph.label, last, ph.tokens.size(), std::max(1, d), ph.joined.size(), head_exact};
        best_d = d;
      }
    }
  }
  return best;
}

// A column of a row of labels (a boxed form) that no phrase matched closely: the nearest
// phrase within four edits in ten, e.g. "PIIONE" (PHONE), "TAX" (FAX), "cry" (CITY).
std::optional<Label> LooseLabel(const std::string& text, double* score = nullptr) {
  if (text.size() < 3) return std::nullopt;
  std::optional<Label> best;
  double best_score = 0.4;
  const bool marked = text.find('#') != std::string::npos;
  const std::string faded_text = Faded(text);
  std::optional<Label> best_faded;
  double best_faded_score = 0.25;
  for (const Phrase& ph : Phrases()) {
    if (ph.label == Label::kIgnore) continue;
    const size_t length = std::max(text.size(), ph.joined.size());
    const int limit = static_cast<int>(length);
    // A label's '#' that was not read is one edit, never a letter read for it: "[erty"
    // (CITY) is no "cert #" (seed 37 s0091).
    auto distance = [&](const std::string& read, const std::string& target) {
      if (marked || target.find('#') == std::string::npos) return BoundedEditDistance(read, target, limit);
      std::string bare = target;
      bare.erase(std::remove(bare.begin(), bare.end(), '#'), bare.end());
      return BoundedEditDistance(read, bare, limit) + 1;
    };
    // "MRN" read "MRA" is one edit from the label as spelled, two from its canonical "mm".
    // An E that lost its bottom bar reads F ("MFMRPFR ITD" for MEMBER ID, seed 77 s0006).
    std::string e_as_f = ph.joined;
    std::replace(e_as_f.begin(), e_as_f.end(), 'e', 'f');
    const int d = std::min({distance(text, ph.joined), distance(text, ph.spelled), distance(text, e_as_f)});
    const double score = d / static_cast<double>(length);
    if (score <= best_score && (!best || score < best_score)) {
      best = ph.label;
      best_score = score;
    }
    // Faded small print (Faded: E and T as L), only where nothing matched as read, and held
    // to a quarter of the letters: "MLMLLR IL?" is MEMBER ID two letters off (seed 114
    // s0044), where a name like "MILLER" is as near to MEMBER faded but a third of its
    // letters off. As read first: "ciITy" is CITY, though faded it is as near to "cell".
    const double faded = distance(faded_text, ph.faded) / static_cast<double>(length);
    if (faded <= best_faded_score && (!best_faded || faded < best_faded_score)) {
      best_faded = ph.label;
      best_faded_score = faded;
    }
  }
  if (!best && best_faded) {
    best = best_faded;
    best_score = best_faded_score;
  }
  if (best && score != nullptr) *score = best_score;
  return best;
}

// Below this confidence a mark standing alone is a speck rather than printed punctuation.
constexpr double kFaintMark = 0.35;
// Below this a word of one letter is a smudge: the engine gave it no confidence at all.
constexpr double kSmudge = 0.05;

// A word of punctuation only that OCR reads around a colon (":", ".", ";", "'", ",").
bool IsStrayMark(const std::string& text) {
  if (text.empty() || text.size() > 3) return false;
  for (char c : text)
    if (std::string(":;.,'`\"").find(c) == std::string::npos) return false;
  return true;
}

// The '#' of a label printed with one ("AUTHORIZATION #") that faint print gives as
// letters: one glyph's width of i, l, I, H, f, t, w or 4 ("i", "ft", "wt"), no taller than
// the label's letters (twice as tall with its top level with theirs), standing within
// two and a half letter heights after it (its left strokes lost, seed 54 s0073), where
// the label has a '#' form.
bool HashReadAsLetter(const PageLayout& page, const LayoutWord& label_word, int next_index, Label label) {
  const LayoutWord& next = page.word(next_index);
  if (!GlyphWide(next) || next.text.find_first_not_of("ilIHftw4") != std::string::npos) return false;
  const int height = label_word.box.h;
  // A '#' beside small capitals may be read with a speck below it, up to twice as tall, its
  // top level with theirs ("AU LHOIRIZALION i", the i 23 px in 12 px print, seed 36 s0030).
  const bool level = std::abs(next.box.y - label_word.box.y) <= height / 2;
  if (next.box.h > (level ? 2 * height : height + 2)) return false;
  if (next.box.x - label_word.box.right() > height * 5 / 2) return false;
  return std::any_of(Phrases().begin(), Phrases().end(),
                     [&](const Phrase& ph) { return ph.label == label && ph.tokens.back() == "#"; });
}

// A label's colon read as a period ("Member. YESENIA M TURNER-HARRIS" at normal
// resolution). Only for a label printed in capital and small letters, read as printed,
// starting its column, with a value after it in the column that is no heading's word: a
// heading in capitals with a speck after its first word ("INSURANCT. INCFORMA TON",
// "INSURANCE. INFORMATION") is no label.
bool ColonReadAsPeriod(const PageLayout& page, const LayoutRow& row, int first, int last) {
  const auto word = [&](int pos) -> const LayoutWord& { return page.word(row.words[static_cast<size_t>(pos)]); };
  const std::string& t = word(last).text;
  if (t.size() < 3 || t.back() != '.' || !IsAlpha(t[t.size() - 2])) return false;
  const std::string& head = word(first).text;
  if (head.size() < 2 || !(head[0] >= 'A' && head[0] <= 'Z') || !(head[1] >= 'a' && head[1] <= 'z') ||
      !page.StartsSegment(row.words[static_cast<size_t>(first)]))
    return false;
  if (last + 1 >= static_cast<int>(row.words.size()) || page.StartsSegment(row.words[static_cast<size_t>(last + 1)]))
    return false;
  const auto& next = word(last + 1).tokens;
  return next.empty() || !IsHeadingWord(next.front());
}

// The end of the column holding the word at position `p` of `row`: the position of the
// next word that starts a segment, or the row's length.
int ColumnEnd(const PageLayout& page, const LayoutRow& row, int p) {
  const int n = static_cast<int>(row.words.size());
  int e = p + 1;
  while (e < n && !page.StartsSegment(row.words[static_cast<size_t>(e)])) ++e;
  return e;
}

// A section heading ("Clinical Summary", "INSURANCE INFORMATION") on the row
// under a label printed with a colon and nothing after it: the label's value was left
// blank; the heading is no value.
bool IsSectionHeading(const PageLayout& page, const std::vector<int>& words) {
  static const std::vector<std::string> kEnds = {"summary", "history", "notes"};
  if (words.size() < 2) return false;
  for (int wi : words)
    for (char c : page.word(wi).text)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '&' || c == '-' || c == '/')) return false;
  const auto& last = page.word(words.back()).tokens;
  return !last.empty() &&
         (EndsOnlyAHeading(last.back()) || std::find(kEnds.begin(), kEnds.end(), last.back()) != kEnds.end());
}

// True when most columns of `row` (two at least) start where a column of `next` starts:
// cell labels stand over their values.
bool AlignedColumns(const PageLayout& page, const LayoutRow& row, const LayoutRow& next) {
  std::vector<int> starts;
  for (int wi : next.words)
    if (page.StartsSegment(wi)) starts.push_back(page.word(wi).box.x);
  int columns = 0, aligned = 0;
  for (int wi : row.words) {
    if (!page.StartsSegment(wi)) continue;
    ++columns;
    const int x = page.word(wi).box.x;
    aligned += std::any_of(starts.begin(), starts.end(), [&](int s) { return std::abs(s - x) <= row.height * 2; });
  }
  return aligned >= 2 && aligned * 2 >= columns;
}

}  // namespace

LabelIndex::LabelIndex(const PageLayout& page) : page_(&page), in_label_(page.words().size(), -1) {
  for (int r = 0; r < static_cast<int>(page.rows().size()); ++r) {
    const LayoutRow& row = page.row(r);
    const int n = static_cast<int>(row.words.size());
    int p = 0;
    while (p < n) {
      auto m = LongestAt(page, row, p);
      if (!m) {
        ++p;
        continue;
      }
      LabelHit hit;
      hit.label = m->label;
      hit.row = r;
      hit.first = p;
      hit.last = m->last;
      const LayoutWord& last_word = page.word(row.words[static_cast<size_t>(hit.last)]);
      hit.colon = EndsWithColon(last_word.text) || (m->fuzzy_edits == 0 && ColonReadAsPeriod(page, row, p, hit.last));
      // A colon read as a word of its own, and stray marks between label and value
      // ("Patient Name: : LOPEZ", "Gender: . Male"): they belong to the label.
      while (hit.last + 1 < n) {
        const std::string& next = page.word(row.words[static_cast<size_t>(hit.last + 1)]).text;
        // A '#' with a speck after it read as a mark ("Aushovization #;", seed 116 s0037).
        if (next == "#" || (next.size() == 2 && next.front() == '#' && IsStrayMark(next.substr(1))) ||
            (!hit.colon && HashReadAsLetter(page, last_word, row.words[static_cast<size_t>(hit.last + 1)], hit.label))) {
          hit.colon = true;
          ++hit.last;
          continue;
        }
        // The end of a label's last word read faintly apart, in lower case ("Numbe rt" for
        // "Number:", seed 54 s0025): it belongs to the label but makes no colon.
        const int next_word = row.words[static_cast<size_t>(hit.last + 1)];
        if (!hit.colon && next.size() <= 2 && page.word(next_word).confidence < kFaintMark &&
            std::all_of(next.begin(), next.end(), [](char c) { return c >= 'a' && c <= 'z'; }) &&
            page.GapBefore(next_word) * 2 <= last_word.box.h) {
          ++hit.last;
          break;
        }
        // A smudge between a label's colon and its value, read as one letter with no
        // confidence at all ("Member ID: i H62195272", "Member ID: a 067995298"; seed 94
        // s0017, seed 93 s0003): it belongs to the label.
        if (hit.colon && next.size() == 1 && IsAlpha(next[0]) && page.word(next_word).confidence < kSmudge &&
            hit.last + 2 < n) {
          ++hit.last;
          continue;
        }
        if (!IsStrayMark(next)) break;
        if (!hit.colon && next.find_first_of(":;") == std::string::npos) break;
        // A faint mark after a label printed without a colon is a speck (a rule's debris
        // beside "INSURANCE" in a boxed form): it belongs to the label but makes no colon.
        // So is a mark under a quarter of the label's height, whatever the engine's
        // confidence: a colon's dots stand half a letter apart ("Medicaid : :" with 2x3 px
        // marks, seed 53 s0089, is a payer, not "Medicare ID:").
        const LayoutWord& mark = page.word(row.words[static_cast<size_t>(hit.last + 1)]);
        if (hit.colon || (mark.confidence >= kFaintMark && mark.box.h * 4 >= last_word.box.h)) hit.colon = true;
        ++hit.last;
      }
      // A loosely matched phrase is a label only when it looks like one: a colon after it,
      // printed in capitals and close ("Medicaid" is a payer, not "Medicare ID"), or its
      // first word read as printed and a later one slipped ("Medicare Nutiber" on a card,
      // seed 47 s0052).
      if (m->fuzzy_edits > 0 && !hit.colon && !m->head_exact) {
        if (!InCapitals(page, row, hit.first, hit.last) || static_cast<size_t>(m->fuzzy_edits) * 6 > m->fuzzy_length) {
          ++p;
          continue;
        }
      }
      const bool seg_start = page.StartsSegment(row.words[static_cast<size_t>(p)]);
      const int after = hit.last + 1;
      bool standalone = after >= n;
      bool heading = false;
      if (!standalone) {
        const int next_word = row.words[static_cast<size_t>(after)];
        const bool next_column = page.StartsSegment(next_word);
        standalone = next_column || LongestAt(page, row, after).has_value();
        const auto& nt = page.word(next_word).tokens;
        // With a colon too when the heading's last word stands alone after it: a heading's
        // gap read as a colon ("INSURANCE: INFORMATION", seed 55 s0016) names no payer.
        const bool lone_end = nt.size() == 1 && ColumnEnd(page, row, after) == after + 1 && EndsOnlyAHeading(nt.front());
        heading = (!hit.colon || lone_end) && !next_column && !nt.empty() && IsHeadingWord(nt.front());
      }
      const bool accepted =
          !heading && (hit.colon || (seg_start && (standalone || BareRightAllowed(hit.label))));
      if (!accepted) {
        ++p;
        continue;
      }
      for (int q = hit.first; q <= hit.last; ++q) {
        const int wi = row.words[static_cast<size_t>(q)];
        hit.box = Union(hit.box, page.word(wi).box);
        in_label_[static_cast<size_t>(wi)] = static_cast<int>(hits_.size());
      }
      hits_.push_back(hit);
      p = hit.last + 1;
    }
  }
  MatchLooseColumns();
}

void LabelIndex::MatchLooseColumns() {
  const PageLayout& page = *page_;
  std::vector<LabelHit> added;
  bool relabeled = false;
  for (int r = 0; r < static_cast<int>(page.rows().size()); ++r) {
    const LayoutRow& row = page.row(r);
    // Rows of "Label: value" pairs are not label rows; a '#' ("GROUP #") or one colon OCR
    // put on a cell label ("ADDRESS:" among CITY, STATE) does not make them so.
    int bare = 0, other = 0;
    for (const LabelHit& h : hits_) {
      if (h.row != r) continue;
      const std::string& last = page.word(page.WordAt(r, h.last)).text;
      const bool colon = h.colon && last.find_first_of(":;") != std::string::npos;
      (colon ? other : bare) += 1;
    }
    if (other > 0 && other >= bare) continue;
    // A row of labels: two known ones, or two or more short upper-case columns.
    int columns = 0;
    bool short_upper = true;
    for (int p = 0, n = static_cast<int>(row.words.size()); p < n;) {
      const int e = ColumnEnd(page, row, p);
      ++columns;
      short_upper &= e - p <= 3;
      for (int q = p; q < e; ++q)
        for (char c : page.word(row.words[static_cast<size_t>(q)]).text) short_upper &= !(c >= 'a' && c <= 'z');
      p = e;
    }
    // Small print above larger print: the cell labels of a boxed form, most of them garbled
    // in faint small capitals ("PATHE NT NAME (AST fEIRST)", "cuy", "STAG").
    bool small_print = false;
    if (bare >= 1 && columns >= 3 && r + 1 < static_cast<int>(page.rows().size())) {
      const LayoutRow& next = page.row(r + 1);
      small_print = next.box.y - row.box.bottom() < 2 * row.height && row.height * 5 < next.height * 4 &&
                    AlignedColumns(page, row, next);
    }
    if (bare < 2 && !(columns >= 2 && short_upper) && !small_print) continue;
    if (small_print) {
      for (LabelHit& h : hits_) {
        if (h.row != r || h.colon) continue;
        h.cell = true;
        // A cell label matched by its first word only ("DATE" of "DATE OF ble bE"): the
        // whole cell label, when it reads closer to another label, is that one.
        const int e = ColumnEnd(page, row, h.last);
        if (e - 1 == h.last || e - h.first > 4) continue;
        std::string text;
        for (int q = h.first; q < e; ++q)
          for (const std::string& t : page.word(row.words[static_cast<size_t>(q)]).tokens) text += Canon(t);
        if (auto whole = LooseLabel(text)) {
          h.label = *whole;
          h.last = e - 1;
          relabeled = true;
        }
      }
    }

    // Every column of the row not yet a label, in upper case and short, is tried.
    const int n = static_cast<int>(row.words.size());
    for (int p = 0; p < n;) {
      const int e = ColumnEnd(page, row, p);
      bool covered = false;
      std::string text;
      for (int q = p; q < e; ++q) {
        const int wi = row.words[static_cast<size_t>(q)];
        covered |= InLabel(wi);
        for (const std::string& t : page.word(wi).tokens) text += Canon(t);
      }
      // Under a row of cell labels it is a cell's value ("MEDICARE" under "INSURANCE ||
      // MEMBER ID"), not a label.
      bool under_label = false;
      int above = 0;
      for (const LabelHit& h : hits_) above += h.row == r - 1 && !h.colon ? 1 : 0;
      if (r > 0 && above >= 2) {
        const Box& first = page.word(row.words[static_cast<size_t>(p)]).box;
        const int gap_limit = std::max(row.height, page.typical_height()) * 2;
        for (const LabelHit& h : hits_) {
          if (h.row != r - 1 || h.colon) continue;
          if (first.y - h.box.bottom() > gap_limit) continue;
          const int overlap = std::min(h.box.right(), first.right()) - std::max(h.box.x, first.x);
          if (overlap > 0 || std::abs(h.box.x - first.x) < row.height * 2) under_label = true;
        }
      }
      if (!covered && !under_label) {
        // The column as a whole, or else, in a row of small print, the run of its first words
        // closest to a label ("PATHE NT NAME" of "PATHE NT NAME (AST fEIRST)").
        std::optional<Label> label = e - p <= 4 ? LooseLabel(text) : std::nullopt;
        int last = e - 1;
        if (!label && small_print) {
          std::string prefix;
          double best = 2;
          for (int q = p; q < std::min(e, p + 4); ++q) {
            for (const std::string& t : page.word(row.words[static_cast<size_t>(q)]).tokens) prefix += Canon(t);
            if (q + 1 == e) break;  // the whole column was tried
            double score = 1;
            auto l = LooseLabel(prefix, &score);
            if (l && score < best) {
              label = l;
              last = q;
              best = score;
            }
          }
        }
        // In a row of cell labels, a one-word column of capitals no phrase is near ("PAK"
        // for FAX, seed 37 s0005) is a cell label still: it is no value of the label before
        // it, and the value in its cell is no other label's.
        if (!label && (small_print || (columns >= 2 && short_upper)) && e - p == 1) {
          const std::string& word = page.word(row.words[static_cast<size_t>(p)]).text;
          const bool capitals = word.size() >= 2 && word.size() <= 12 &&
                                std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
          if (capitals) label = Label::kIgnore;
        }
        if (label) {
          LabelHit hit;
          hit.label = *label;
          hit.row = r;
          hit.first = p;
          hit.last = small_print ? e - 1 : last;  // the rest of a cell's label is no value
          hit.cell = small_print;
          hit.loose = true;
          for (int q = p; q <= last; ++q) {
            const int wi = row.words[static_cast<size_t>(q)];
            hit.box = Union(hit.box, page.word(wi).box);
          }
          added.push_back(hit);
        }
      }
      p = e;
    }
  }
  if (added.empty() && !relabeled) return;
  hits_.insert(hits_.end(), added.begin(), added.end());
  std::sort(hits_.begin(), hits_.end(), [](const LabelHit& a, const LabelHit& b) {
    return a.row != b.row ? a.row < b.row : a.first < b.first;
  });
  std::fill(in_label_.begin(), in_label_.end(), -1);
  for (size_t i = 0; i < hits_.size(); ++i)
    for (int q = hits_[i].first; q <= hits_[i].last; ++q)
      in_label_[static_cast<size_t>(page.WordAt(hits_[i].row, q))] = static_cast<int>(i);
}

bool CutLabelWord(const std::string& word) {
  std::string lower;
  for (char c : word) {
    if (!IsAlpha(c)) return false;
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower.size() < 4) return false;
  return std::any_of(Phrases().begin(), Phrases().end(), [&](const Phrase& ph) {
    const std::string& first = ph.tokens.front();
    return first.size() > lower.size() && first.compare(0, lower.size(), lower) == 0;
  });
}

int LabelIndex::HitStartingAt(int word) const {
  const int h = in_label_[static_cast<size_t>(word)];
  if (h < 0) return -1;
  const LabelHit& hit = hits_[static_cast<size_t>(h)];
  return page_->WordAt(hit.row, hit.first) == word ? h : -1;
}

std::vector<int> LabelIndex::RightWords(const LabelHit& hit) const {
  std::vector<int> out;
  const LayoutRow& row = page_->row(hit.row);
  const int n = static_cast<int>(row.words.size());
  int prev_right = hit.box.right();
  const int h = std::max(row.height, page_->typical_height());
  for (int p = hit.last + 1; p < n; ++p) {
    const int wi = row.words[static_cast<size_t>(p)];
    const LayoutWord& w = page_->word(wi);
    // Debris before the value (a speck read as a dash or tilde between "ID:" and the id)
    // is no value word and does not move the column the value starts at.
    if (out.empty() && std::none_of(w.text.begin(), w.text.end(), [](unsigned char c) { return std::isalnum(c); }))
      continue;
    if (InLabel(wi)) break;
    const int gap = w.box.x - prev_right;
    // A speck read as a faint letter or two before the value ("Member ID: ae 997267398", the
    // id at its aligned column, seed 111 s0022) is debris too, when a word stands at the
    // column after it.
    const bool debris_before = !out.empty() && std::all_of(out.begin(), out.end(), [&](int k) {
      const LayoutWord& d = page_->word(k);
      return d.confidence < kFaintMark && d.text.size() <= 2;
    });
    if (debris_before && gap > h * 3 && w.box.x - hit.box.right() <= page_->width() * 0.45 &&
        w.confidence >= kFaintMark)
      out.clear();
    // The first value word may sit at an aligned column; later ones follow closely.
    if (out.empty() ? w.box.x - hit.box.right() > page_->width() * 0.45 : gap > h * 3) break;
    out.push_back(wi);
    prev_right = w.box.right();
  }
  // Without a colon only a value standing right after the label counts ("NPI 1234567893").
  return out;
}

std::vector<int> LabelIndex::BelowWords(const LabelHit& hit) const {
  std::vector<int> out;
  const LayoutRow& row = page_->row(hit.row);
  const int h = std::max(1, std::min(row.height, page_->typical_height() * 2));
  // The column: from the label's left edge to the next label on its row.
  const int left = hit.box.x - h * 3 / 2;
  int right = page_->width() + 1;
  for (const LabelHit& other : hits_) {
    if (other.row == hit.row && other.first > hit.last) {
      right = other.box.x - h / 2;
      break;
    }
  }
  // A cell ends where the next column of its row of labels starts, read as a label or not.
  if (const int next = ColumnEnd(*page_, row, hit.last); hit.cell && next < static_cast<int>(row.words.size()))
    right = std::min(right, page_->word(row.words[static_cast<size_t>(next)]).box.x - h / 2);
  const int max_gap = h * 5 / 2 + 4;
  for (int r = hit.row + 1; r < static_cast<int>(page_->rows().size()); ++r) {
    const LayoutRow& below = page_->row(r);
    if (below.box.y - row.box.bottom() > max_gap) break;
    std::vector<int> in_column;
    for (int wi : below.words) {
      const Box& b = page_->word(wi).box;
      if (b.x >= left && b.x < right) in_column.push_back(wi);
    }
    if (in_column.empty()) continue;
    // Words that start well right of the label's end are another column's, whose label went
    // unread (the group cell's "0214725" 350 px right of "MEMBER ID", a row of its own just
    // above the member id, seed 34 s0014).
    if (page_->word(in_column.front()).box.x > hit.box.right() + 2 * h) continue;
    // A label there means this cell is empty (the next row of labels). A gap of four text
    // heights ends the value: beyond it is the next cell, whose label went unread ("MEMBER
    // ID" over "W909760468" and, 290 px on, the group cell's "0214725", seed 34 s0014).
    const int text_h = std::max(1, std::min(row.height, page_->typical_height()));
    for (int wi : in_column) {
      if (InLabel(wi)) break;
      if (!out.empty() && page_->word(wi).box.x - page_->word(out.back()).box.right() > 4 * text_h) break;
      out.push_back(wi);
    }
    if (hit.colon && IsSectionHeading(*page_, out)) return {};
    return out;
  }
  return out;
}

std::vector<int> LabelIndex::ValueWords(const LabelHit& hit) const {
  if (hit.cell) return BelowWords(hit);
  std::vector<int> right = RightWords(hit);
  if (right.empty()) return BelowWords(hit);
  // Faint debris right of a column heading printed without a colon, a box rule's or a
  // speck's ("PATIENT NAME (LAST, FIRST) an" at 0.21 over "Cruz, William", seed 100
  // s0086): the value is the one below, when it was read surely.
  const auto faint = [&](int wi) { return page_->word(wi).confidence < kFaintMark; };
  if (!hit.colon && std::all_of(right.begin(), right.end(), faint)) {
    std::vector<int> below = BelowWords(hit);
    if (!below.empty() && !faint(below.front())) return below;
  }
  return right;
}

std::vector<std::vector<int>> LabelIndex::ContinuationRows(const std::vector<int>& value) const {
  std::vector<std::vector<int>> out;
  if (value.empty()) return out;
  const LayoutWord& first = page_->word(value.front());
  const int x = first.box.x;
  int prev_row = first.row;
  for (int r = first.row + 1; r < static_cast<int>(page_->rows().size()); ++r) {
    const LayoutRow& row = page_->row(r);
    const LayoutRow& prev = page_->row(prev_row);
    const int h = std::max(prev.height, row.height);
    if (row.box.y - prev.box.bottom() > h * 3 / 2) break;
    std::vector<int> words;
    for (int wi : row.words) {
      const Box& b = page_->word(wi).box;
      if (words.empty() && std::abs(b.x - x) > h * 2) {
        if (b.x < x) break;  // text further left: a new label or paragraph
        continue;
      }
      if (InLabel(wi)) break;
      words.push_back(wi);
    }
    if (words.empty()) break;
    out.push_back(std::move(words));
    prev_row = r;
  }
  return out;
}

std::string LabelIndex::Text(const std::vector<int>& words) const {
  std::string out;
  for (int wi : words) {
    if (!out.empty()) out += ' ';
    out += page_->word(wi).text;
  }
  return out;
}

}  // namespace faxintake::extract
