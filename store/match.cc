#include "store/match.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace faxintake::store::match {
namespace {

// Formal given names and the nicknames (and short forms) they are printed as. A nickname may
// stand for several formal names (AL: ALBERT, ALFRED, ALAN). Two different formal names never
// match each other through a shared nickname: DANIEL and DANIELLE stay apart.
struct NicknameGroup {
  const char* formal;
  std::vector<const char*> nicknames;
};

const std::vector<NicknameGroup>& NicknameTable() {
  static const std::vector<NicknameGroup> table = {
      {"ABIGAIL", {"ABBY", "ABBIE", "GAIL"}},
      {"ALBERT", {"AL", "BERT", "BERTIE"}},
      {"ALEXANDER", {"ALEX", "AL", "XANDER", "SANDY", "ALEC"}},
      {"ALEXANDRA", {"ALEX", "ALEXA", "SANDRA", "SANDY", "LEXI"}},
      {"ALFRED", {"AL", "ALF", "FRED", "FREDDIE"}},
      {"ALAN", {"AL"}},
      {"ALLISON", {"ALLIE", "ALLY"}},
      {"ANDREW", {"ANDY", "DREW"}},
      {"ANTHONY", {"TONY"}},
      {"ANTONIO", {"TONY", "TONO", "TONIO"}},
      {"BARBARA", {"BARB", "BABS", "BARBIE"}},
      {"BENJAMIN", {"BEN", "BENNY", "BENJI"}},
      {"CATHERINE", {"CATHY", "CATE", "KATE", "KATIE", "CAT"}},
      {"KATHERINE", {"KATHY", "KATE", "KATIE", "KAT", "KAY", "KIT"}},
      {"KATHLEEN", {"KATHY", "KATE", "KATIE", "KAY"}},
      {"CHARLES", {"CHARLIE", "CHUCK", "CHAS", "CHAZ"}},
      {"CHRISTOPHER", {"CHRIS", "KIT", "TOPHER"}},
      {"CHRISTINA", {"CHRIS", "TINA", "CHRISSY"}},
      {"CHRISTINE", {"CHRIS", "TINA", "CHRISSY"}},
      {"CYNTHIA", {"CINDY"}},
      {"DANIEL", {"DAN", "DANNY"}},
      {"DANIELLE", {"DANI", "ELLE"}},
      {"DAVID", {"DAVE", "DAVEY"}},
      {"DEBORAH", {"DEB", "DEBBIE", "DEBBY"}},
      {"DONALD", {"DON", "DONNY"}},
      {"DOROTHY", {"DOT", "DOTTIE", "DOTTY"}},
      {"EDWARD", {"ED", "EDDIE", "TED", "TEDDY", "NED"}},
      {"EDUARDO", {"EDDIE", "LALO"}},
      {"ELIZABETH", {"LIZ", "LIZZIE", "BETH", "BETSY", "BETTY", "ELIZA", "LISA", "BESS", "LIBBY", "ELSIE"}},
      {"EUGENE", {"GENE"}},
      {"FRANCES", {"FRAN", "FRANNIE"}},
      {"FRANCIS", {"FRANK"}},
      {"FRANCISCO", {"PACO", "PANCHO", "FRANK", "CISCO"}},
      {"FRANKLIN", {"FRANK"}},
      {"FREDERICK", {"FRED", "FREDDIE", "FRITZ"}},
      {"GERALD", {"GERRY", "JERRY"}},
      {"GREGORY", {"GREG"}},
      {"GUADALUPE", {"LUPE", "LUPITA"}},
      {"HAROLD", {"HAL", "HARRY"}},
      {"HENRY", {"HANK", "HARRY", "HAL"}},
      {"ISABEL", {"IZZY", "BELLA", "ISA"}},
      {"JACQUELINE", {"JACKIE"}},
      {"JAMES", {"JIM", "JIMMY", "JAMIE"}},
      {"JANET", {"JAN"}},
      {"JEFFREY", {"JEFF"}},
      {"JENNIFER", {"JEN", "JENNY", "JENN"}},
      {"JESSICA", {"JESS", "JESSIE"}},
      {"JOHN", {"JACK", "JOHNNY", "JON"}},
      {"JONATHAN", {"JON", "JONNY"}},
      {"JOSEPH", {"JOE", "JOEY"}},
      {"JOSE", {"PEPE", "CHE"}},
      {"JOSEPHINE", {"JO", "JOSIE"}},
      {"JOSHUA", {"JOSH"}},
      {"JUDITH", {"JUDY"}},
      {"KENNETH", {"KEN", "KENNY"}},
      {"LAWRENCE", {"LARRY"}},
      {"LEONARD", {"LEN", "LENNY", "LEO"}},
      {"MARGARET", {"PEGGY", "MAGGIE", "MEG", "MARGE", "MARGIE", "GRETA", "DAISY", "PEG"}},
      {"MARIA", {"MARI"}},
      {"MARY", {"MOLLY", "POLLY", "MAMIE"}},
      {"MATTHEW", {"MATT"}},
      {"MICHAEL", {"MIKE", "MICKEY", "MIKEY"}},
      {"MICHELLE", {"SHELLY", "SHELLEY"}},
      {"NATHANIEL", {"NATE", "NAT"}},
      {"NATHAN", {"NATE"}},
      {"NICHOLAS", {"NICK", "NICKY"}},
      {"PAMELA", {"PAM"}},
      {"PATRICIA", {"PAT", "PATTY", "PATSY", "TRISH", "TRICIA"}},
      {"PATRICK", {"PAT", "PADDY"}},
      {"PETER", {"PETE"}},
      {"PHILIP", {"PHIL"}},
      {"RAYMOND", {"RAY"}},
      {"REBECCA", {"BECKY", "BECCA"}},
      {"RICHARD", {"RICK", "RICKY", "DICK", "RICH", "RICHIE"}},
      {"ROBERT", {"BOB", "BOBBY", "ROB", "ROBBIE", "BERT"}},
      {"ROBERTA", {"BOBBIE", "BERTA"}},
      {"RONALD", {"RON", "RONNIE"}},
      {"SAMUEL", {"SAM", "SAMMY"}},
      {"SAMANTHA", {"SAM", "SAMMY"}},
      {"SANDRA", {"SANDY"}},
      {"STEPHEN", {"STEVE", "STEVIE"}},
      {"STEVEN", {"STEVE", "STEVIE"}},
      {"SUSAN", {"SUE", "SUSIE", "SUZY"}},
      {"TERESA", {"TERRY", "TESS", "TESSA"}},
      {"THERESA", {"TERRY", "TESS", "TESSA"}},
      {"THOMAS", {"TOM", "TOMMY"}},
      {"TIMOTHY", {"TIM", "TIMMY"}},
      {"VICTORIA", {"VICKY", "VICKIE", "TORI"}},
      {"VIRGINIA", {"GINNY", "GINGER"}},
      {"WALTER", {"WALT", "WALLY"}},
      {"WILLIAM", {"BILL", "BILLY", "WILL", "WILLIE", "LIAM"}},
      {"ZACHARY", {"ZACH", "ZACK"}},
  };
  return table;
}

// Nickname skeleton -> formal skeletons; formal skeleton -> nickname skeletons.
struct NicknameIndex {
  std::map<std::string, std::set<std::string>> formals_of;
  std::map<std::string, std::set<std::string>> nicknames_of;
};

const NicknameIndex& Nicknames() {
  static const NicknameIndex index = [] {
    NicknameIndex ix;
    for (const NicknameGroup& g : NicknameTable()) {
      const std::string formal = NameSkeleton(g.formal);
      for (const char* n : g.nicknames) {
        const std::string nick = NameSkeleton(n);
        ix.formals_of[nick].insert(formal);
        ix.nicknames_of[formal].insert(nick);
      }
    }
    return ix;
  }();
  return index;
}

const std::set<std::string>& Particles() {
  static const std::set<std::string> particles = {"DE", "LA",  "DEL", "LOS", "LAS", "DA", "DI", "DOS", "DAS",
                                                  "VAN", "VON", "DER", "DEN", "LE", "DU", "Y",  "E"};
  return particles;
}

char FoldNameChar(char c) {
  switch (c) {
    case '0': return 'O';
    case '1': case 'L': return 'I';
    case '5': return 'S';
    case '8': return 'B';
    case '2': return 'Z';
    case '6': return 'G';
    default: return c;
  }
}

char FoldMemberChar(char c) {
  switch (c) {
    case 'O': case 'Q': case 'D': return '0';
    case 'I': case 'L': return '1';
    case 'S': return '5';
    case 'B': return '8';
    case 'Z': return '2';
    case 'G': return '6';
    default: return c;
  }
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void AddOnce(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && !Contains(v, s)) v.push_back(s);
}

// Levenshtein distance, capped: returns cap + 1 for anything above cap.
size_t EditDistance(std::string_view a, std::string_view b, size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], cap + 1);
}

bool ValidDate(int y, int m, int d) {
  if (y < 1880 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  if (m == 2 && d == 29) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return true;
}

// "YYYYMMDD" digits of a YYYY-MM-DD date; empty when malformed.
std::string DateDigits(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return {};
  std::string digits;
  for (size_t i = 0; i < date.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) return {};
    digits.push_back(date[i]);
  }
  return digits;
}

std::string DateFromDigits(const std::string& d) {
  const int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(4, 2)), day = std::stoi(d.substr(6, 2));
  if (!ValidDate(y, m, day)) return {};
  return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
}

// ---- per-field comparisons: the best verdict over the patient's known values.

struct FieldResult {
  std::string verdict;  // empty: absent on either side
  double weight = 0;
};

template <typename Compare>
FieldResult Best(const std::string& doc_value, const std::vector<std::string>& known, Compare compare) {
  FieldResult best;
  if (doc_value.empty() || known.empty()) return best;
  bool first = true;
  for (const std::string& k : known) {
    FieldResult r = compare(doc_value, k);
    if (first || r.weight > best.weight) best = r;
    first = false;
  }
  return best;
}

FieldResult CompareBirthDate(const std::string& a, const std::string& b) {
  if (a == b) return {"exact", 5.0};
  for (const std::string& v : BirthDateVariants(a, /*one_digit=*/false))
    if (v == b) return {"transposed", 4.0};
  const std::string da = DateDigits(a), db = DateDigits(b);
  if (!da.empty() && !db.empty()) {
    int diff = 0;
    for (size_t i = 0; i < da.size(); ++i) diff += da[i] != db[i];
    if (diff == 1) return {"one_digit", 1.0};
  }
  return {"mismatch", -8.0};
}

FieldResult CompareMemberId(const std::string& a, const std::string& b) {
  if (a == b) return {"exact", 7.0};
  if (MemberSkeleton(a) == MemberSkeleton(b)) return {"ocr", 6.0};
  // A different id is weak evidence against: plans change, and family members on one plan
  // often differ only in a suffix, which must not count for them either.
  return {"mismatch", -2.0};
}

FieldResult CompareFamilyName(const std::string& a, const std::string& b) {
  const std::vector<std::string> pa = SurnameParts(a), pb = SurnameParts(b);
  std::string ja, jb;
  for (const auto& p : pa) ja += p;
  for (const auto& p : pb) jb += p;
  if (NormalizeName(a) == NormalizeName(b)) return {"exact", 3.0};
  if (!ja.empty() && ja == jb) return {"hyphenated", 3.0};  // GARCIA-LOPEZ vs GARCIA LOPEZ, DE LA CRUZ vs DELACRUZ
  if (NameSkeleton(ja) == NameSkeleton(jb) && !ja.empty()) return {"ocr", 2.5};
  // One surname is part of the other's double surname (GARCIA-LOPEZ vs LOPEZ).
  std::set<std::string> sa, sb;
  for (const auto& p : pa) sa.insert(NameSkeleton(p));
  for (const auto& p : pb) sb.insert(NameSkeleton(p));
  const auto& small = sa.size() <= sb.size() ? sa : sb;
  const auto& large = sa.size() <= sb.size() ? sb : sa;
  if (!small.empty() && small.size() < large.size() &&
      std::all_of(small.begin(), small.end(), [&](const std::string& p) { return large.count(p) > 0; }))
    return {"partial", 2.5};
  const std::string ka = NameSkeleton(ja), kb = NameSkeleton(jb);
  if (std::min(ka.size(), kb.size()) >= 6 && EditDistance(ka, kb, 1) <= 1) return {"typo", 1.0};
  return {"mismatch", -3.0};
}

FieldResult CompareGivenName(const std::string& a, const std::string& b) {
  const std::string na = NormalizeName(a), nb = NormalizeName(b);
  if (na == nb) return {"exact", 3.0};
  const std::string ka = NameSkeleton(na), kb = NameSkeleton(nb);
  if (ka == kb) return {"ocr", 2.5};
  if (AreNicknames(na, nb)) return {"nickname", 2.5};
  if ((ka.size() == 1 || kb.size() == 1) && !ka.empty() && !kb.empty() && ka[0] == kb[0]) return {"initial", 1.0};
  return {"mismatch", -5.0};
}

FieldResult CompareExact(const std::string& a, const std::string& b, double agree, double disagree) {
  if (a == b) return {"exact", agree};
  return {"mismatch", disagree};
}

}  // namespace

// ---------------------------------------------------------------- identity

Identity IdentityFromDocument(const Document& doc) {
  auto get = [&](const char* key) -> std::string {
    auto it = doc.fields.find(key);
    if (it == doc.fields.end() || !it->second.valid) return {};
    const auto* s = std::get_if<std::string>(&it->second.value);
    return s == nullptr ? std::string() : *s;
  };
  Identity id;
  id.family_name = NormalizeName(get("patient.family_name"));
  id.given_name = NormalizeName(get("patient.given_name"));
  id.birth_date = DateDigits(get("patient.birth_date")).empty() ? std::string() : get("patient.birth_date");
  id.member_id = get("insurance.member_id");
  id.phone = get("patient.phone");
  id.address_line = NormalizeName(get("patient.address.line"));
  id.postal_code = get("patient.address.postal_code");
  id.sex = get("patient.sex");
  if (id.sex == "unknown") id.sex.clear();
  return id;
}

bool HasIdentity(const Identity& id) {
  return !SurnameParts(id.family_name).empty() && (!id.birth_date.empty() || !MemberSkeleton(id.member_id).empty());
}

void Profile::Add(const Identity& id) {
  AddOnce(family_names, id.family_name);
  AddOnce(given_names, id.given_name);
  AddOnce(birth_dates, id.birth_date);
  AddOnce(member_ids, id.member_id);
  AddOnce(phones, id.phone);
  AddOnce(address_lines, id.address_line);
  AddOnce(postal_codes, id.postal_code);
  AddOnce(sexes, id.sex);
}

bool Profile::empty() const { return family_names.empty() && birth_dates.empty() && member_ids.empty(); }

// ---------------------------------------------------------------- scoring

Score ScoreCandidate(const Identity& doc, const Profile& patient) {
  Score s;
  auto add = [&](const char* field, const FieldResult& r) {
    if (r.verdict.empty()) return;
    s.total += r.weight;
    s.evidence.push_back(FieldEvidence{field, r.verdict, r.weight});
  };
  const FieldResult dob = Best(doc.birth_date, patient.birth_dates, CompareBirthDate);
  const FieldResult member = Best(doc.member_id, patient.member_ids, CompareMemberId);
  const FieldResult family = Best(doc.family_name, patient.family_names, CompareFamilyName);
  const FieldResult given = Best(doc.given_name, patient.given_names, CompareGivenName);
  const FieldResult phone = Best(doc.phone, patient.phones, [](const std::string& a, const std::string& b) {
    return CompareExact(a, b, 1.5, 0.0);
  });
  const FieldResult line = Best(doc.address_line, patient.address_lines, [](const std::string& a, const std::string& b) {
    return CompareExact(a, b, 1.0, 0.0);
  });
  const FieldResult zip = Best(doc.postal_code, patient.postal_codes, [](const std::string& a, const std::string& b) {
    return CompareExact(a, b, 0.5, 0.0);
  });
  const FieldResult sex = Best(doc.sex, patient.sexes, [](const std::string& a, const std::string& b) {
    return CompareExact(a, b, 0.0, -4.0);
  });
  add("patient.birth_date", dob);
  add("insurance.member_id", member);
  add("patient.family_name", family);
  add("patient.given_name", given);
  add("patient.phone", phone);
  add("patient.address.line", line);
  add("patient.address.postal_code", zip);
  add("patient.sex", sex);

  const bool dob_exact = dob.verdict == "exact";
  const bool dob_conflict = !dob.verdict.empty() && !dob_exact;
  const bool dob_transposed = dob.verdict == "transposed";
  const bool member_agrees = member.verdict == "exact" || member.verdict == "ocr";
  // A transposed date of birth is forgiven beside an agreeing member id, or when the whole name
  // agrees as printed (a stranger with the same name born on one of the few transposed dates is
  // far rarer than a slip); any other conflict (one digit off: a father and his junior) needs a
  // person.
  const bool names_exact = (family.verdict == "exact" || family.verdict == "hyphenated") &&
                           (given.verdict == "exact" || given.verdict == "nickname");
  const bool strong = dob_exact || (member_agrees && (!dob_conflict || dob_transposed)) ||
                      (dob_transposed && names_exact);
  const bool family_known = !family.verdict.empty() && family.verdict != "mismatch";
  s.auto_eligible = strong && family_known && given.verdict != "mismatch" && sex.verdict != "mismatch";
  return s;
}

const char* DecisionName(Decision d) {
  switch (d) {
    case Decision::kSamePatient: return "same_patient";
    case Decision::kPossibleMatch: return "possible_match";
    case Decision::kPossibleDuplicate: return "possible_duplicate";
    case Decision::kNewPatient: return "new_patient";
  }
  return "new_patient";
}

MatchOutcome Decide(const Identity& doc, const std::vector<Candidate>& candidates, const MatchOptions& options) {
  std::vector<ScoredCandidate> scored;
  for (const Candidate& c : candidates) {
    Score s = ScoreCandidate(doc, c.profile);
    if (s.total >= options.review_threshold) scored.push_back(ScoredCandidate{c.patient_id, std::move(s)});
  }
  std::sort(scored.begin(), scored.end(), [](const ScoredCandidate& a, const ScoredCandidate& b) {
    if (a.score.total != b.score.total) return a.score.total > b.score.total;
    return a.patient_id < b.patient_id;
  });
  MatchOutcome out;
  size_t automatic = 0;
  for (const ScoredCandidate& c : scored)
    if (c.score.total >= options.auto_threshold && c.score.auto_eligible) ++automatic;
  if (automatic == 1 && scored.front().score.total >= options.auto_threshold && scored.front().score.auto_eligible) {
    out.decision = Decision::kSamePatient;
    out.patient_id = scored.front().patient_id;
  } else if (automatic > 1) {
    out.decision = Decision::kPossibleDuplicate;
  } else if (!scored.empty()) {
    out.decision = Decision::kPossibleMatch;
  }
  if (scored.size() > options.max_review_candidates) scored.resize(options.max_review_candidates);
  out.candidates = std::move(scored);
  return out;
}

// ---------------------------------------------------------------- blocking

std::vector<std::string> IndexTerms(const Identity& id) {
  std::vector<std::string> terms;
  if (!id.birth_date.empty()) AddOnce(terms, "dob:" + id.birth_date);
  const std::string member = MemberSkeleton(id.member_id);
  if (!member.empty()) AddOnce(terms, "mid:" + member);
  const std::vector<std::string> parts = SurnameParts(id.family_name);
  for (const std::string& part : parts) {
    const std::string p = NameSkeleton(part);
    if (id.birth_date.size() >= 4) AddOnce(terms, "fny:" + p + ":" + id.birth_date.substr(0, 4));
    for (const std::string& g : GivenNameKeys(id.given_name)) AddOnce(terms, "fng:" + p + ":" + g);
  }
  return terms;
}

std::vector<std::string> QueryTerms(const Identity& id) {
  std::vector<std::string> terms = IndexTerms(id);
  if (!id.birth_date.empty())
    for (const std::string& v : BirthDateVariants(id.birth_date, /*one_digit=*/true)) AddOnce(terms, "dob:" + v);
  return terms;
}

// ---------------------------------------------------------------- building blocks

std::string NormalizeName(std::string_view s) {
  std::string out;
  bool space = false;
  for (char raw : s) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    } else if (c == ' ' || c == '-' || c == '\'' || c == ',' || c == '.' || c == '\t') {
      // Apostrophes join (O'BRIEN = OBRIEN); other separators split.
      if (c != '\'') space = true;
    }
  }
  return out;
}

std::string NameSkeleton(std::string_view s) {
  std::string out;
  for (char c : NormalizeName(s))
    if (c != ' ') out.push_back(FoldNameChar(c));
  return out;
}

std::string MemberSkeleton(std::string_view s) {
  std::string out;
  for (char raw : s) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128) out.push_back(FoldMemberChar(c));
  }
  return out;
}

std::vector<std::string> SurnameParts(std::string_view family_name) {
  std::vector<std::string> parts;
  const std::string n = NormalizeName(family_name);
  size_t start = 0;
  while (start < n.size()) {
    size_t end = n.find(' ', start);
    if (end == std::string::npos) end = n.size();
    std::string part = n.substr(start, end - start);
    if (!Particles().count(part)) parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

bool AreNicknames(std::string_view a, std::string_view b) {
  const std::string ka = NameSkeleton(a), kb = NameSkeleton(b);
  if (ka.empty() || kb.empty()) return false;
  if (ka == kb) return true;
  const NicknameIndex& ix = Nicknames();
  auto nick_of = [&](const std::string& nick, const std::string& formal) {
    auto it = ix.formals_of.find(nick);
    return it != ix.formals_of.end() && it->second.count(formal) > 0;
  };
  if (nick_of(ka, kb) || nick_of(kb, ka)) return true;
  // Two nicknames of one formal name (BOB and ROB), unless either is itself a formal name.
  if (ix.nicknames_of.count(ka) || ix.nicknames_of.count(kb)) return false;
  auto fa = ix.formals_of.find(ka), fb = ix.formals_of.find(kb);
  if (fa == ix.formals_of.end() || fb == ix.formals_of.end()) return false;
  for (const std::string& f : fa->second)
    if (fb->second.count(f)) return true;
  return false;
}

std::vector<std::string> GivenNameKeys(std::string_view given) {
  std::vector<std::string> keys;
  const std::string k = NameSkeleton(given);
  if (k.empty()) return keys;
  keys.push_back(k);
  const NicknameIndex& ix = Nicknames();
  if (auto it = ix.formals_of.find(k); it != ix.formals_of.end())
    for (const std::string& f : it->second) AddOnce(keys, f);
  return keys;
}

std::vector<std::string> BirthDateVariants(std::string_view date, bool one_digit) {
  std::vector<std::string> out;
  const std::string d = DateDigits(date);
  if (d.empty()) return out;
  auto add = [&](const std::string& digits) {
    if (digits == d) return;
    const std::string v = DateFromDigits(digits);
    if (!v.empty()) AddOnce(out, v);
  };
  add(d.substr(0, 4) + d.substr(6, 2) + d.substr(4, 2));  // day and month swapped
  for (size_t i = 0; i + 1 < d.size(); ++i) {
    std::string s = d;
    std::swap(s[i], s[i + 1]);
    add(s);
  }
  if (one_digit) {
    for (size_t i = 0; i < d.size(); ++i)
      for (char c = '0'; c <= '9'; ++c) {
        std::string s = d;
        s[i] = c;
        add(s);
      }
  }
  return out;
}

}  // namespace faxintake::store::match
