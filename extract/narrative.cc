// Narrative rules: referral letters and determination letters read as running text.
//
// A referral letter prints its fields in sentences (samples/SPEC.md, layout `letter`):
// "I am referring my patient Maria Lopez (DOB 03/04/1956) to your Orthopedics clinic ...",
// "She is covered by Aetna, member ID W123456789, group 0012345.", "This is urgent.", a
// date line under the letterhead, the inside address, and a signature block with the NPI.
// The letterhead's name, address and phone numbers are the sender's, not fields.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>

#include "extract/reader.h"

namespace faxintake::extract {
namespace {

// Offsets of a submatch inside the flow text.
std::pair<size_t, size_t> Offsets(const std::string& flow, const re2::StringPiece& m) {
  const size_t b = static_cast<size_t>(m.data() - flow.data());
  return {b, b + m.size()};
}

Candidate FromMatch(const DocReader& r, const re2::StringPiece& m, FieldValue value, const Checked* check = nullptr) {
  auto [b, e] = Offsets(r.flow(), m);
  auto words = r.WordsIn(b, e);
  Candidate c = r.FromWords(words, std::move(value), check);
  c.confidence *= 0.95;  // read from running text, not a labeled field
  return c;
}

// A birth date the engine's alternatives give for the words of `m` when they hold none as
// read ("(NOB 91 Jun 1998)" with 0 weighed for the 9, seed 45 s0015).
Checked BirthDateFromChoices(const DocReader& r, const re2::StringPiece& m, const DateOptions& o) {
  auto [b, e] = Offsets(r.flow(), m);
  std::vector<const Word*> sources;
  for (const WordRef& w : r.WordsIn(b, e)) sources.push_back(r.layout(w.page).word(w.word).source);
  return DateFromWordChoices(sources, [&o](const std::string& text) {
    const Checked d = NormalizeDate(text, o);
    return d.valid ? d : Checked{};
  });
}

void ReadPatient(DocReader& r) {
  // "referring" is often misread ("relerring"); "my patient" carries the sentence, its word
  // read with slips too ("palicnt", seed 100 s0071). The
  // DOB mark inside the parentheses may be misread too ("(PGB 1996-07-12)"): the date
  // itself is validated.
  static const RE2 patient(
      R"((?i)(?:\b\w*rr?ing\s+(?:my\s+|our\s+|this\s+)?|\b(?:my|our)\s+)pa[tl][il1][ec]nt,?\s+((?:[A-Za-z][A-Za-z.'\x{2018}\x{2019}\- ]{1,40}?,\s*)?[A-Za-z][A-Za-z.'\x{2018}\x{2019}\- ]{2,60}?)\s*(?:[(\[{]\s*(?:DOB|D\.O\.B\.?|born|[A-Za-z0-9.]{2,5})\s*[:.;,]?\s*([^)\]}]{4,25}?)\s*[)\]}]|,?\s+to\s+(?:your|you|the|see|Dr)\b))");
  // A DOB mark in parentheses anywhere in the letter, for a sentence noise broke before
  // it ("my patient Sarah G,. Wilson (DOB 9728/2003)", seed 39 s0068).
  static const RE2 dob_mark(R"((?i)[(\[{]\s*(?:DOB|D\.O\.B\.?)\s*[:.;,]?\s*([^)\]}]{4,25}?)\s*[)\]}])");
  re2::StringPiece name, dob;
  DateOptions o = r.dates();
  o.kind = DateKind::kBirth;
  if (RE2::PartialMatch(r.flow(), patient, &name, &dob)) {
    if (auto n = ParsePersonName(std::string(name.data(), name.size()))) {
      r.Add("patient.family_name", FromMatch(r, name, n->family));
      r.Add("patient.given_name", FromMatch(r, name, n->given));
    }
  }
  if (dob.empty()) RE2::PartialMatch(r.flow(), dob_mark, &dob);
  if (!dob.empty()) {
    // The parentheses hold the date alone, so a date whose separators noise broke is read
    // as a labeled one is.
    Checked d = FindDate(std::string(dob.data(), dob.size()), o);
    if (d.empty()) d = NormalizeDate(std::string(dob.data(), dob.size()), o);
    bool unsure = false;
    if (d.empty()) {
      d = BirthDateFromChoices(r, dob, o);
      unsure = true;
    }
    if (!d.empty()) {
      Candidate c = FromMatch(r, dob, d.value, &d);
      if (unsure) c.confidence = std::min(c.confidence, kUnsureConfidence);
      r.Add("patient.birth_date", c);
    }
  }
  // "RE: Maria Lopez, DOB 03/04/1956" above the greeting.
  // The name may be printed "LAST, FIRST" in either ("RE: GONZALEZ RIVERA, MATTHEW, DOB
  // 11/20/1940", seed 34 s0026): a name before a comma joins the words after it, unless
  // those are the DOB mark.
  static const RE2 re_line(
      R"((?i)^\s*RE\s*[:;.]?\s+((?:[A-Za-z][A-Za-z.'\- ]{1,40}?,\s*)?[A-Za-z][A-Za-z.'\- ]{2,60}?)\s*(?:,?\s*(?:DOB|D\.O\.B\.?)\s*[:.]?\s*(.+?))?\s*$)");
  for (int pi = 0; pi < r.page_count(); ++pi) {
    const PageLayout& page = r.layout(pi);
    for (int ri = 0; ri < static_cast<int>(page.rows().size()); ++ri) {
      const std::string& text = page.row(ri).text;
      std::string n, d;
      if (!RE2::FullMatch(text, re_line, &n, &d)) continue;
      std::vector<int> words = page.row(ri).words;
      if (auto pn = ParsePersonName(n)) {
        Candidate c = r.FromWords(pi, words, pn->family);
        r.Add("patient.family_name", c);
        c.value = pn->given;
        r.Add("patient.given_name", c);
      }
      if (!d.empty()) {
        const Checked dd = FindDate(d, o);
        if (!dd.empty()) r.Add("patient.birth_date", r.FromWords(pi, words, dd.value, &dd));
      }
      return;
    }
  }
}

// An identifier printed after a lead-in ("member ID W123456789", "group 0012345",
// "authorization number is PA-2026-123456"): the tokens of capitals, digits and dashes
// that follow, up to a punctuation mark or a word in lower case ("... 4UT7MK8KQ37 The ...").
// Ids printed with spaces ("U12345678 01", "ZGP 123456789") are kept whole.
std::optional<re2::StringPiece> IdentifierAfter(const std::string& flow, size_t pos) {
  size_t i = pos;
  while (i < flow.size() && (flow[i] == ' ' || flow[i] == ':' || flow[i] == '#')) ++i;
  const size_t begin = i;
  size_t end = i;
  int tokens = 0;
  while (i < flow.size() && tokens < 4) {
    size_t j = i;
    bool ok = true, digit = false;
    int lower = 0;
    while (j < flow.size() && flow[j] != ' ') {
      const char c = flow[j];
      if (c >= '0' && c <= '9') digit = true;
      else if (c >= 'a' && c <= 'z') ++lower;  // OCR slips inside an id ("2WBOY", "l" for 1)
      // A stroke read as a mark of its own inside an id ("S\W73GRIGN49"): not the id's end.
      // A backslash may open it, the first stroke of a W ("\WV472358645", seed 39 s0068).
      else if ((c == '\\' || c == '|') && (j > i || c == '\\') && j + 1 < flow.size() &&
               std::isalnum(static_cast<unsigned char>(flow[j + 1]))) {}
      // An S read as a dollar sign opening an id before its letters ("$JJ906078754", seed
      // 86 s0063); the id's normalizer reads it back as S.
      else if (c == '$' && j == i && j + 1 < flow.size() && flow[j + 1] >= 'A' && flow[j + 1] <= 'Z') {}
      // A speck read as a dot between two characters of an id ("1.J1804385465"), or as an
      // apostrophe (REF0546975 read "RET'0546975.", the F's bar lost, seed 117 s0022).
      else if ((c == '.' || c == '\'') && j > i && j + 1 < flow.size() &&
               std::isalnum(static_cast<unsigned char>(flow[j + 1]))) {}
      // A stroke read as a slash after a letter ("3Q67AF3PY/71.", seed 110 s0018); between
      // digits a slash is a date's.
      else if (c == '/' && j > i && flow[j - 1] >= 'A' && flow[j - 1] <= 'Z' && j + 1 < flow.size() &&
               std::isalnum(static_cast<unsigned char>(flow[j + 1]))) {}
      else if (!((c >= 'A' && c <= 'Z') || c == '-')) break;
      ++j;
    }
    if (j == i) break;
    if (lower > 0 && (!digit || lower > 2 || tokens > 0)) break;
    // The token must end at a space, the end, or a closing mark.
    size_t k = j;
    bool closes = false;
    if (k < flow.size() && flow[k] != ' ') {
      if (std::string(",.;)").find(flow[k]) == std::string::npos) ok = false;
      else closes = true;
    }
    if (!ok) break;
    // A later token joins only when it holds digits ("U12345678 01", "ZGP 123456789").
    if (tokens > 0 && !digit) break;
    end = j;
    ++tokens;
    // A comma after a letter prefix that digits follow is a speck, not the id's end
    // ("FVZ, 376647550.").
    if (closes && flow[k] == ',' && tokens == 1 && !digit && j - i >= 2 && j - i <= 3 && k + 2 < flow.size() &&
        flow[k + 1] == ' ' && std::isdigit(static_cast<unsigned char>(flow[k + 2]))) {
      i = k + 1;
      while (i < flow.size() && flow[i] == ' ') ++i;
      continue;
    }
    if (closes) break;
    i = j;
    while (i < flow.size() && flow[i] == ' ') ++i;
  }
  if (end <= begin) return std::nullopt;
  return re2::StringPiece(flow.data() + begin, end - begin);
}

// The first identifier after a match of `lead` in `flow` that `normalize` finds valid, as
// printed and as normalized.
struct FoundId {
  re2::StringPiece printed;
  Checked checked;
};
std::optional<FoundId> FirstValidIdAfter(const std::string& flow, const RE2& lead,
                                         Checked (*normalize)(std::string_view)) {
  re2::StringPiece in(flow);
  while (RE2::FindAndConsume(&in, lead)) {
    auto id = IdentifierAfter(flow, static_cast<size_t>(in.data() - flow.data()));
    if (!id) continue;
    Checked c = normalize(std::string_view(id->data(), id->size()));
    if (c.valid) return FoundId{*id, std::move(c)};
  }
  return std::nullopt;
}

void AddIdentifier(DocReader& r, const std::string& key, const re2::StringPiece& m, bool mbi_aware) {
  const std::string text(m.data(), m.size());
  const Checked c = mbi_aware ? NormalizeMemberId(text) : NormalizeIdentifier(text);
  if (!c.empty() && c.valid) r.Add(key, FromMatch(r, m, c.value, &c));
}

}  // namespace

// "member ID W123456789" in running text or on a line whose label OCR garbled ("member
// TO 2JK6UE9AE02", "inember ID 72B026016143" with the m read "in", "weniber ID" with the
// m read "w" and "ni" (seed 83 s0006), "meinber iD" (seed 96 s0015), "Member TT): W377056119",
// "member 11) PCR308088750", "member ID) 163422898", "Subscriber t(D: ZHW736357296", "Subsc
// er ID: 38470988437").
void ReadMemberIdNarrative(DocReader& r) {
  const std::string& flow = r.flow();
  static const RE2 member(
      R"((?i)\b(?:(?:m|w|rn|[il]n)e(?:m|ni|in|rn)ber|subscriber|policy)\s*[\[({]?(?:ID\b|I\.D\.|[1l|!]{1,2}D\b|#|number\b|no\.|no\b|[A-Z0-9]{1,2}\)?:?\s|[^\s:]?[(\[{][D)]?:\s)[)\]}]?\s*[:#]?\s*(?:is\s+|[1l|!]s\s+)?)");
  // The label's first word broken in two by lost strokes, before an ID read whole
  // ("Subsc er ID: 38470988437").
  static const RE2 broken(R"((?i)\b(?:subsc|memb)[a-z]{0,5}\s+[a-z]{1,5}\s+(?:ID|I\.D\.)\s*[:#]\s*)");
  for (const RE2* pattern : {&member, &broken}) {
    if (auto id = FirstValidIdAfter(flow, *pattern, NormalizeIdentifier)) {
      AddIdentifier(r, "insurance.member_id", id->printed, true);
      return;
    }
  }
}

bool MemberIdPrintedUnread(const DocReader& r) {
  static const RE2 lead(R"((?i)\b((?:m|w|rn|[il]n)e(?:m|ni|in|rn)ber|subscriber)\s+(?:ID|I\.D\.|\S{1,3})\s*[:#]?\s+(\S+(?:\s+\S+)?))");
  const std::string& flow = r.flow();
  re2::StringPiece in(flow);
  re2::StringPiece word, after;
  while (RE2::FindAndConsume(&in, lead, &word, &after)) {
    // On the label's own row, and no label of its own: an empty "Member ID:" cell is
    // followed in the flow by the next row's "Group: 0527694".
    if (after.find(':') != re2::StringPiece::npos) continue;
    const size_t at = static_cast<size_t>(word.data() - flow.data());
    const size_t begin = static_cast<size_t>(after.data() - flow.data());
    const auto label = r.WordsIn(at, at + 1);
    const auto value = r.WordsIn(begin, begin + after.size());
    if (label.empty() || value.empty()) continue;
    const int row = r.layout(label.front().page).word(label.front().word).row;
    if (std::any_of(value.begin(), value.end(), [&](const WordRef& w) {
          return w.page != label.front().page || r.layout(w.page).word(w.word).row != row;
        }))
      continue;
    // The next cell's label is no value: "MEMBER 10 GROUP. 1" is a row of cell labels, its
    // member id cell left blank (seed 105 s0082, whose deliberately missing member id went
    // unflagged as unreadable).
    if (std::any_of(value.begin(), value.end(), [&](const WordRef& w) { return r.labels(w.page).InLabel(w.word); }))
      continue;
    int alnum = 0, digits = 0;
    for (char c : after) {
      alnum += std::isalnum(static_cast<unsigned char>(c)) ? 1 : 0;
      digits += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
    }
    if (alnum >= 6 && digits >= 1) return true;
  }
  return false;
}

namespace {

void ReadInsurance(DocReader& r) {
  const std::string& flow = r.flow();
  // "by" read "hy" or "bv" (seed 67 s0002).
  static const RE2 covered(R"((?i)\bcovered\s+(?:[bh][yv]|under)\s+([A-Za-z][A-Za-z&'\- ]{1,60}?)\s*(?:[,.;]|\s+(?:member|plan|with|under|policy|group|ID)\b))");
  re2::StringPiece payer;
  if (RE2::PartialMatch(flow, covered, &payer)) {
    const std::string p = UpperSingleSpaced(std::string(payer.data(), payer.size()));
    if (!p.empty()) r.Add("insurance.payer", FromMatch(r, payer, p));
  }
  ReadMemberIdNarrative(r);
  static const RE2 group(R"((?i)\bgroup\s*(?:number|no\.?|#)?\s*(?:is\s+|[1l|!]s\s+)?)");
  re2::StringPiece in(flow);
  while (RE2::FindAndConsume(&in, group)) {
    auto id = IdentifierAfter(flow, static_cast<size_t>(in.data() - flow.data()));
    if (!id) continue;
    const Checked c = NormalizeIdentifier(std::string(id->data(), id->size()));
    if (!c.valid) continue;
    AddIdentifier(r, "insurance.group_number", *id, false);
    break;
  }
}

}  // namespace

// "authorization number is PA-2026-123456" in running text, also through the slips OCR
// makes in its words ("atthorization number", "authorization munber is NH42096 347",
// "authorization uuber REF1452138", "aulhorizalion muuber GN51377994" with its t's read l,
// a # read as 4 before a colon: "Authorization 4: _
// A904068925").
namespace {

// The lead-in of an authorization number in running text. Noise may join the words with
// dashes and misread a letter ("authortzation—mmber-28A03446721894_", seed 45 s0015), read
// the i of "is" as a mark or an f ("!s", seed 49 s0100; "fs", seed 101 s0012), the n of
// "number" as an h ("humber", seed 51 s0026), its e with an accent ("numbér", seed 102
// s0093) and a speck after it as a comma ("number, A302517746.", seed 88 s0021) or after
// "is" as a closing quote (U+2019, the number on the next line, seed 115 s0065).
const RE2& AuthorizationLeadIn() {
  static const RE2 auth(
      R"((?i)\b(?:[a-z]{1,3}thori[sz]ation|authori[a-z]{3,6}|au[a-z]hori[a-z]{4,7}|author[a-z]{1,2}[sz]ation|auth|reference|approval)(?:\s|[-_\x{2013}\x{2014}])*(?:[nmuh][a-z]{1,3}[bh][e\x{00E9}\x{00E8}]r|#|no\.?|[4H]\s*:)\s*(?:(?:is|was|[1l|t!f]s)[\x{2018}\x{2019}'`.,]?\s+)?[:#,]?(?:\s|[-_\x{2013}\x{2014}])*)");
  return auth;
}

}  // namespace

void ReadAuthorizationNumberNarrative(DocReader& r) {
  if (auto id = FirstValidIdAfter(r.flow(), AuthorizationLeadIn(), NormalizeAuthorizationNumber))
    r.Add("authorization.number", FromMatch(r, id->printed, id->checked.value, &id->checked));
}

bool AuthorizationNumberPrintedUnread(const DocReader& r) {
  const std::string& flow = r.flow();
  re2::StringPiece in(flow);
  while (RE2::FindAndConsume(&in, AuthorizationLeadIn())) {
    // The word that follows the lead-in, up to the next space.
    size_t end = static_cast<size_t>(in.data() - flow.data());
    const size_t begin = end;
    while (end < flow.size() && flow[end] != ' ' && flow[end] != '\n') ++end;
    const std::string_view word(flow.data() + begin, end - begin);
    const auto alnum = std::count_if(word.begin(), word.end(), [](unsigned char c) { return std::isalnum(c); });
    const auto digits = std::count_if(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); });
    if (alnum >= 6 && digits >= 4) return true;
  }
  return false;
}

namespace {

void ReadPriority(DocReader& r) {
  static const RE2 stat(R"((?i)\b(this\s+(?:referral\s+)?is\s+stat|stat\s+referral)\b)");
  static const RE2 urgent(
      R"((?i)\b(this\s+(?:referral\s+)?is\s+urgent|as\s+soon\s+as\s+possible|urgent\s+referral|urgently)\b)");
  static const RE2 routine(R"((?i)\b(this\s+is\s+a\s+routine\s+referral|routine\s+referral)\b)");
  re2::StringPiece m;
  if (RE2::PartialMatch(r.flow(), stat, &m)) r.Add("referral.priority", FromMatch(r, m, std::string("stat")));
  else if (RE2::PartialMatch(r.flow(), urgent, &m)) r.Add("referral.priority", FromMatch(r, m, std::string("urgent")));
  else if (RE2::PartialMatch(r.flow(), routine, &m)) r.Add("referral.priority", FromMatch(r, m, std::string("routine")));
}

// "to your Pulmonology clinic"; a speck after the specialty may read as a period or comma
// ("Pulmonology. clinic", seed 34 s0026).
void ReadSpecialty(DocReader& r) {
  static const RE2 spec(
      R"((?i)to\s+(?:your|the)\s+([A-Za-z][A-Za-z &/\-]{2,40}?)[.,]?\s+(?:clinic|practice|office|department|service|team)\b)");
  re2::StringPiece m;
  if (!RE2::PartialMatch(r.flow(), spec, &m)) return;
  const std::string s = UpperSingleSpaced(std::string(m.data(), m.size()));
  if (!s.empty()) r.Add("referral.specialty", FromMatch(r, m, s));
}

// Codes in parentheses in running text. A sentence names its condition before the code and
// wraps: "...atherosclerotic heart disease of native coronary artery without angina
// pectoris (12510)." puts most of the title on the row before the code's, so each row is
// read with the row before it lending its words to the title.
void ReadCodes(DocReader& r) {
  std::vector<CodeHit> codes;
  for (int pi = 0; pi < r.page_count(); ++pi) {
    const std::vector<LayoutRow>& rows = r.layout(pi).rows();
    for (size_t k = 0; k < rows.size(); ++k) {
      std::vector<int> words = rows[k].words;
      size_t lead_in = 0;
      if (k > 0) {
        words.insert(words.begin(), rows[k - 1].words.begin(), rows[k - 1].words.end());
        lead_in = rows[k - 1].words.size();
      }
      auto c = CodesInWords(r, pi, words, true, lead_in);
      codes.insert(codes.end(), c.begin(), c.end());
    }
  }
  AddDiagnosisCodes(r, codes);
}

// The date line under the letterhead, then the inside address: the receiving provider,
// or the practice when no person is named.
void ReadDateAndAddressee(DocReader& r) {
  if (r.page_count() == 0) return;
  const PageLayout& page = r.layout(0);
  const int n = std::min<int>(static_cast<int>(page.rows().size()), 20);
  static const RE2 stop(R"((?i)^\s*(RE\b|Dear\b|To whom))");
  for (int ri = 0; ri < n; ++ri) {
    const LayoutRow& row = page.row(ri);
    Checked d = NormalizeDate(row.text, r.dates());
    // A numeric date line with a gap read inside it ("02/1 1/2026", seed 34 s0026).
    static const RE2 numeric(R"(^\s*[0-9]{1,4}(?:\s?[/.\-]\s?[0-9 ]{1,5}){2}\s*$)");
    if (d.empty() && RE2::FullMatch(row.text, numeric)) {
      std::string joined = row.text;
      joined.erase(std::remove(joined.begin(), joined.end(), ' '), joined.end());
      d = NormalizeDate(joined, r.dates());
    }
    if (d.empty()) continue;
    r.Add("referral.date", r.FromWords(0, row.words, d.value, &d));
    if (ri + 1 >= static_cast<int>(page.rows().size())) return;
    const LayoutRow& next = page.row(ri + 1);
    if (RE2::PartialMatch(next.text, stop)) return;
    if (HasTitleOrCredential(next.text)) {
      if (auto name = NormalizeProviderName(next.text)) r.Add("referred_to.name", r.FromWords(0, next.words, *name));
    } else {
      std::string practice = UpperSingleSpaced(next.text);
      if (std::count_if(practice.begin(), practice.end(), [](unsigned char c) { return std::isalpha(c); }) >= 3)
        r.Add("referred_to.name", r.FromWords(0, next.words, practice));
    }
    return;
  }
}

// The signer: the first name with a credential after the closing ("Sincerely,"); when
// the closing is unreadable, the last short line naming a person by credential below the
// greeting (the signature block sits above the NPI line).
void ReadSignature(DocReader& r) {
  static const RE2 closing(
      R"((?i)^\s*\W?\s*(sincerely|sincere|\w*regards|\w*gards|respectfully|yours\s+truly|cordially|thank\s+you,?)\W*$)");
  static const RE2 greeting(R"((?i)^\s*(dear|re\s*[:;])\b)");
  auto signer = [&](int pi, int ri) -> bool {
    const LayoutRow& row = r.layout(pi).row(ri);
    if (row.words.size() > 7 || RE2::PartialMatch(row.text, greeting)) return false;
    if (!HasTitleOrCredential(row.text)) return false;
    if (auto name = NormalizeProviderName(row.text)) {
      r.Add("referring.name", r.FromWords(pi, row.words, *name));
      return true;
    }
    return false;
  };
  for (int pi = r.page_count() - 1; pi >= 0; --pi) {
    const PageLayout& page = r.layout(pi);
    for (int ri = static_cast<int>(page.rows().size()) - 1; ri >= 0; --ri) {
      if (!RE2::FullMatch(page.row(ri).text, closing)) continue;
      for (int k = ri + 1; k < std::min<int>(ri + 7, static_cast<int>(page.rows().size())); ++k)
        if (signer(pi, k)) return;
      pi = -1;  // closing found: fall through to the fallback below
      break;
    }
  }
  // Fallback: bottom-up over the pages, rows after the greeting on the greeting's page.
  for (int pi = r.page_count() - 1; pi >= 0; --pi) {
    const PageLayout& page = r.layout(pi);
    int from = 0;
    for (int ri = 0; ri < static_cast<int>(page.rows().size()); ++ri)
      if (RE2::PartialMatch(page.row(ri).text, greeting)) from = ri + 1;
    for (int ri = static_cast<int>(page.rows().size()) - 1; ri >= from; --ri)
      if (signer(pi, ri)) return;
    if (from > 0) return;
  }
}

void ReadNpi(DocReader& r) {
  for (const auto& h : r.Hits(Label::kNpi)) {
    const std::vector<int> v = r.labels(h.page).ValueWords(*h.hit);
    if (v.empty()) continue;
    const Checked c = NormalizeNpi(r.labels(h.page).Text(v));
    if (c.empty()) continue;
    r.Add("referring.npi", r.FromWords(h.page, v, c.value, &c));
  }
  if (r.Has("referring.npi")) return;
  // The signature's "NPI" garbled beyond the label table ("NPE 1392042531", "NP14
  // 2654780495"): a word starting NP and a ten-digit number after it, taken only when the
  // check digit passes, with less confidence. Its first digits may be read as letters, a word
  // of their own ("NPE LT 86285894", seed 100 s0059; NormalizeNpi).
  static const RE2 garbled(R"((?:^|[\s"'(\x{201C}\x{2018}])NP[A-Za-z0-9|!#:.]{0,3}\s+((?:[A-Za-z]{1,2}\s+)?[0-9][0-9 \-]{6,13}[0-9]))");
  re2::StringPiece in(r.flow()), m;
  while (RE2::FindAndConsume(&in, garbled, &m)) {
    const Checked c = NormalizeNpi(std::string(m.data(), m.size()));
    if (!c.valid) continue;
    Candidate cand = FromMatch(r, m, c.value, &c);
    cand.confidence *= 0.8;
    r.Add("referring.npi", cand);
    return;
  }
}

}  // namespace

bool LooksLikeLetter(const DocReader& r) {
  // The cues as noise leaves them: "Dea Dr Patel," and "Lani teferring my patient" (seed 36
  // s0045); "referring" is read as the patient sentence reads it (ReadPatient).
  static const RE2 cue(
      R"((?i)(\bdear?\s+(?:dr|colleague|doctor|mr|mrs|ms|[a-z]+(?:\s+[a-z]+)?\s*,)|\w*rr?ing\s+(?:my|our|this)\s+pa[tl][il1][ec]nt|\bsincerely\b|\bthank\s+you\s+for\s+seeing))");
  if (!RE2::PartialMatch(r.flow(), cue)) return false;
  // A form prints many field labels; a letter almost none.
  std::set<Label> form_labels;
  for (int pi = 0; pi < r.page_count(); ++pi)
    for (const LabelHit& h : r.labels(pi).hits())
      switch (h.label) {
        case Label::kPatientName: case Label::kDob: case Label::kSex: case Label::kMemberId: case Label::kInsurance:
        case Label::kReferringProvider: case Label::kSpecialty: case Label::kDiagnosis: case Label::kPriority:
        case Label::kReferTo: case Label::kReason:
          form_labels.insert(h.label);
          break;
        default:
          break;
      }
  return form_labels.size() < 4;
}

void SexFromAgeSentence(DocReader& r) {
  // "55-year-old female with leg swelling ..." in a form's clinical summary.
  static const RE2 age(R"((?i)\b[0-9]{1,3}\s?-?\s?(?:year|yr)s?\s?-?\s?old\s+(female|male|woman|man)\b)");
  re2::StringPiece m;
  if (!RE2::PartialMatch(r.flow(), age, &m)) return;
  const auto sex = NormalizeSex(std::string(m.data(), m.size()));
  if (sex) r.Add("patient.sex", FromMatch(r, m, *sex));
}

void ReadReferralLetter(DocReader& r) {
  ReadDateAndAddressee(r);
  ReadPatient(r);
  ReadSpecialty(r);
  ReadCodes(r);
  ReadInsurance(r);
  ReadAuthorizationNumberNarrative(r);
  ReadPriority(r);
  ReadSignature(r);
  ReadNpi(r);
}

void ReadAuthorizationNarrative(DocReader& r) {
  static const RE2 status(
      R"((?i)\b(?:has\s+been|have\s+been|was|is\s+hereby)\s+(approved|denied|certified|authorized|pended)\b|\bis\s+(pending)\b)");
  re2::StringPiece a, b;
  if (!RE2::PartialMatch(r.flow(), status, &a, &b)) return;
  const re2::StringPiece& m = a.empty() ? b : a;
  auto s = NormalizeAuthStatus(std::string(m.data(), m.size()));
  if (!s && std::string(m.data(), m.size()) == "pended") s = "pending";
  if (s) r.Add("authorization.status", FromMatch(r, m, *s));
}

}  // namespace faxintake::extract
