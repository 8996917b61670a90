#include "extract/checklist.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "extract/validators.h"

namespace faxintake::extract {
namespace {

const std::set<std::string>& FieldGroups() {
  static const std::set<std::string> groups = {"patient",  "insurance", "authorization", "referral",
                                               "referring", "referred_to", "fax_cover"};
  return groups;
}

bool ValidFieldKey(const std::string& key) {
  const size_t dot = key.find('.');
  if (dot == std::string::npos || dot + 1 >= key.size()) return false;
  if (!FieldGroups().count(key.substr(0, dot))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)) || c == '.' || c == '_'; });
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Error Invalid(const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, "checklists_invalid", message};
}

Result<std::vector<std::string>> Strings(const YAML::Node& node, const std::string& where) {
  std::vector<std::string> out;
  if (!node) return out;
  if (!node.IsSequence()) return std::unexpected(Invalid(where + " must be a list"));
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return std::unexpected(Invalid(where + " must hold strings"));
    out.push_back(item.as<std::string>());
  }
  return out;
}

template <typename T>
void AppendUnique(std::vector<T>& to, const std::vector<T>& from) {
  for (const T& x : from)
    if (std::find(to.begin(), to.end(), x) == to.end()) to.push_back(x);
}

const std::string* StringField(const Document& d, const std::string& key) {
  auto it = d.fields.find(key);
  if (it == d.fields.end()) return nullptr;
  return std::get_if<std::string>(&it->second.value);
}

// Below this confidence a value is too garbled to say the documents name different people
// (a member id read as "HS9031375" at 0.05 beside "949032353" on the authorization letter).
constexpr double kConflictConfidence = 0.5;

// Two family names read apart by OCR slips, one per six letters ("GONZALE RIVERA" and
// "GONZALEZ RIVERA").
bool FamilyNameSlipped(const std::string& x, const std::string& y) {
  const size_t shorter = std::min(x.size(), y.size());
  const int slips = static_cast<int>(shorter / 6);
  return shorter >= 5 && BoundedEditDistance(x, y, slips) <= slips;
}

// Identity evidence of a document: -1 conflict, 0 nothing comparable, +1 agreement.
// Family names agree through one OCR slip per six letters ("GONZALE RIVERA" and
// "GONZALEZ RIVERA"); other keys must be equal.
int Compare(const Document& a, const Document& b, const std::string& key) {
  const std::string* x = StringField(a, key);
  const std::string* y = StringField(b, key);
  if (x == nullptr || y == nullptr || x->empty() || y->empty()) return 0;
  if (*x == *y) return 1;
  if (key == "patient.family_name") {
    if (FamilyNameSlipped(*x, *y)) return 1;
    // A compound surname read in part on one document ("DEL TORO", "TORO"): no conflict.
    if (SurnameReadInPart(*x, *y)) return 0;
  }
  if (a.fields.at(key).confidence < kConflictConfidence || b.fields.at(key).confidence < kConflictConfidence) return 0;
  return -1;
}

// Both documents read a given name surely, and the two name different people.
bool GivenNamesConflict(const Document& a, const Document& b) {
  const std::string key = "patient.given_name";
  const std::string* x = StringField(a, key);
  const std::string* y = StringField(b, key);
  return x != nullptr && y != nullptr && a.fields.at(key).confidence >= kConflictConfidence &&
         b.fields.at(key).confidence >= kConflictConfidence && GivenNamesDiffer(*x, *y);
}

bool NamesSlipped(const Document& a, const Document& b) {
  const std::string* fa = StringField(a, "patient.family_name");
  const std::string* fb = StringField(b, "patient.family_name");
  const std::string* ga = StringField(a, "patient.given_name");
  const std::string* gb = StringField(b, "patient.given_name");
  return fa != nullptr && fb != nullptr && ga != nullptr && gb != nullptr && FullNamesSlipped(*fa, *ga, *fb, *gb);
}

bool HasIdentity(const Document& d) {
  for (const char* key : {"patient.family_name", "patient.birth_date", "insurance.member_id"})
    if (StringField(d, key) != nullptr) return true;
  return false;
}

// Neither document reads an identity item (family name, birth date, member id) the other
// reads too: they can be neither the same patient nor two by what they read.
bool NothingToCompare(const Document& a, const Document& b) {
  for (const char* key : {"patient.family_name", "patient.birth_date", "insurance.member_id"})
    if (StringField(a, key) != nullptr && StringField(b, key) != nullptr) return false;
  return true;
}

// Whether `other` lies after `referral` in the fax and before the next referral after it.
bool FollowsBeforeNextReferral(const std::vector<Document>& docs, const Document& referral, const Document& other) {
  if (referral.pages.empty() || other.pages.empty() || other.pages.front() <= referral.pages.back()) return false;
  return std::none_of(docs.begin(), docs.end(), [&](const Document& d) {
    return d.type == DocType::kReferral && !d.pages.empty() && d.pages.front() > referral.pages.back() &&
           d.pages.front() < other.pages.front();
  });
}

bool Matches(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool MatchesSpecialty(const std::vector<std::string>& allowed, const std::string& specialty) {
  if (allowed.empty()) return true;
  const std::string s = Lower(specialty);
  for (const std::string& word : allowed)
    if (!s.empty() && s.find(word) != std::string::npos) return true;
  return false;
}

}  // namespace

bool SamePatient(const Document& a, const Document& b, bool single_patient_fax) {
  if (!HasIdentity(a) || !HasIdentity(b)) return single_patient_fax;
  int agree = 0;
  // The family name decides when both carry one: OCR may garble a date, rarely a whole name.
  // Rarely, not never ("HARRIS" read "HARMS"; "Chen. Kevin Edward", its comma read as a
  // period, taken for KEVIN EDWARD's, seed 77 s0047): the same member id, with the same
  // given name and no other birth date or with the same birth date, outweighs the family name.
  int family = Compare(a, b, "patient.family_name");
  const int dob = Compare(a, b, "patient.birth_date");
  const int member = Compare(a, b, "insurance.member_id");
  // Both parts of the name one slip off ("GREEU, JUAU" and "GREEN, JUAN", seed 100 s0071).
  if (family < 0 && dob >= 0 && member >= 0 && NamesSlipped(a, b)) family = 1;
  if (family < 0)
    return member > 0 && (dob > 0 || (dob == 0 && Compare(a, b, "patient.given_name") > 0)) &&
           MemberIdNamesOnePerson(*StringField(a, "insurance.member_id"));
  // One family, two given names: a spouse or a child, unless the same birth date or member
  // id says a name was misread (seed 93 s0024: SHARON MURPHY's referral, its birth date not
  // printed, took RONALD MURPHY's from his note and went unflagged).
  if (dob <= 0 && member <= 0 && GivenNamesConflict(a, b)) return false;
  agree += family;
  if (family == 0 && (dob < 0 || member < 0)) return false;
  agree += std::max(dob, 0) + std::max(member, 0);
  return agree > 0 || single_patient_fax;
}

Result<ChecklistSet> ChecklistSet::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::unexpected(Error{ErrorCode::kNotFound, "checklists_missing", "cannot read checklist file " + path});
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto set = LoadYaml(buffer.str());
  if (!set) {
    Error e = set.error();
    e.message = path + ": " + e.message;
    return std::unexpected(e);
  }
  return set;
}

Result<ChecklistSet> ChecklistSet::LoadYaml(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return std::unexpected(Invalid(std::string("YAML: ") + e.what()));
  }
  const YAML::Node list = root["checklists"];
  if (!list || !list.IsSequence() || list.size() == 0)
    return std::unexpected(Invalid("a non-empty `checklists` list is required"));

  ChecklistSet set;
  for (const YAML::Node& entry : list) {
    if (!entry.IsMap() || !entry["name"]) return std::unexpected(Invalid("every checklist needs a name"));
    ChecklistRule rule;
    rule.name = entry["name"].as<std::string>();
    const std::string where = "checklist '" + rule.name + "'";
    for (const ChecklistRule& r : set.rules_)
      if (r.name == rule.name) return std::unexpected(Invalid("duplicate " + where));
    // `extends` may name a checklist further down the file: resolved in a second pass.
    if (const YAML::Node when = entry["when"]) {
      if (!when.IsMap()) return std::unexpected(Invalid(where + ": `when` must be a map"));
      for (const auto& kv : when) {
        const std::string key = kv.first.as<std::string>();
        auto values = Strings(kv.second, where + " when." + key);
        if (!values) return std::unexpected(values.error());
        if (key == "payer") {
          for (std::string& v : *values) rule.payers.push_back(Upper(v));
        } else if (key == "specialty") {
          for (std::string& v : *values) rule.specialties.push_back(Lower(v));
        } else if (key == "priority") {
          for (std::string& v : *values) {
            v = Lower(v);
            if (v != "routine" && v != "urgent" && v != "stat")
              return std::unexpected(Invalid(where + ": unknown priority '" + v + "'"));
            rule.priorities.push_back(v);
          }
        } else {
          return std::unexpected(Invalid(where + ": unknown condition '" + key + "'"));
        }
      }
    }
    auto fields = Strings(entry["required_fields"], where + " required_fields");
    if (!fields) return std::unexpected(fields.error());
    for (const std::string& f : *fields)
      if (!ValidFieldKey(f)) return std::unexpected(Invalid(where + ": unknown field key '" + f + "'"));
    rule.required_fields = *fields;
    auto docs = Strings(entry["required_documents"], where + " required_documents");
    if (!docs) return std::unexpected(docs.error());
    for (const std::string& d : *docs) {
      auto type = ParseDocType(d);
      if (!type) return std::unexpected(Invalid(where + ": unknown document type '" + d + "'"));
      rule.required_documents.push_back(*type);
    }
    set.rules_.push_back(std::move(rule));
  }

  // Resolve `extends` (chains allowed, cycles refused).
  for (size_t i = 0; i < set.rules_.size(); ++i) {
    std::set<std::string> seen = {set.rules_[i].name};
    YAML::Node entry = list[i];
    while (entry["extends"]) {
      const std::string base = entry["extends"].as<std::string>();
      if (!seen.insert(base).second)
        return std::unexpected(Invalid("checklist '" + set.rules_[i].name + "': `extends` cycle at '" + base + "'"));
      auto it = std::find_if(set.rules_.begin(), set.rules_.end(), [&](const ChecklistRule& r) { return r.name == base; });
      if (it == set.rules_.end())
        return std::unexpected(Invalid("checklist '" + set.rules_[i].name + "' extends unknown '" + base + "'"));
      // Inherit the base's own items (its parents' items come on the next loop round).
      const YAML::Node base_entry = list[static_cast<size_t>(it - set.rules_.begin())];
      const auto base_fields = Strings(base_entry["required_fields"], "");
      const auto base_docs = Strings(base_entry["required_documents"], "");
      std::vector<std::string> fields = *base_fields;
      std::vector<DocType> docs;
      for (const std::string& d : *base_docs) docs.push_back(*ParseDocType(d));
      AppendUnique(set.rules_[i].required_fields, fields);
      AppendUnique(set.rules_[i].required_documents, docs);
      entry = base_entry;
    }
  }
  return set;
}

const ChecklistRule* ChecklistSet::Select(const Document& referral,
                                          const std::vector<const Document*>& same_patient) const {
  auto first_string = [&](const std::string& key) -> std::string {
    if (const std::string* v = StringField(referral, key)) return *v;
    for (const Document* d : same_patient)
      if (const std::string* v = StringField(*d, key)) return *v;
    return {};
  };
  // The payer: the surest reading among the referral and its patient's documents. A card
  // prints the payer's name large and clear where a form's cell may read "FFUMANE" (seed 30
  // s0019: Humana's checklist, which requires the authorization number, was not chosen).
  std::string payer;
  double payer_confidence = -1;
  std::vector<const Document*> all = {&referral};
  all.insert(all.end(), same_patient.begin(), same_patient.end());
  for (const Document* d : all) {
    const std::string* v = StringField(*d, "insurance.payer");
    if (v == nullptr || v->empty()) continue;
    const double confidence = d->fields.at("insurance.payer").confidence;
    if (confidence <= payer_confidence) continue;
    payer = *v;
    payer_confidence = confidence;
  }
  const std::string specialty = first_string("referral.specialty");
  const std::string priority = first_string("referral.priority");
  for (const ChecklistRule& rule : rules_) {
    if (!rule.payers.empty() && (payer.empty() || !Matches(rule.payers, payer))) continue;
    if (!MatchesSpecialty(rule.specialties, specialty)) continue;
    if (!rule.priorities.empty() && !Matches(rule.priorities, priority)) continue;
    return &rule;
  }
  return nullptr;
}

void ChecklistSet::Evaluate(std::vector<Document>& docs) const {
  // How many distinct patients the fax names (by family name): documents without identity
  // belong to the only patient of a one-patient fax. A name read with a slip or in part is
  // the same family ("ROSA" on the card for the referral's "DE LA ROSA", seed 46 s0027).
  std::vector<std::string> families;
  for (const Document& d : docs) {
    const std::string* f = StringField(d, "patient.family_name");
    if (f == nullptr || f->empty()) continue;
    const bool known = std::any_of(families.begin(), families.end(), [&](const std::string& g) {
      return g == *f || FamilyNameSlipped(g, *f) || SurnameReadInPart(g, *f);
    });
    if (!known) families.push_back(*f);
  }
  const bool single_patient = families.size() <= 1;

  for (Document& doc : docs) {
    if (doc.type != DocType::kReferral) continue;
    // The documents that back the referral: its patient's card, letters and notes. Another
    // referral is a referral of its own, and its items count for it alone: a fax of two
    // referrals, one whose patient's name noise took, is no one-patient fax (seed 48 s0059,
    // where the second referral's member id had hidden the first's missing one).
    // A document with nothing to compare is the patient's when it follows the referral
    // before the next one (seed 113 s0081: a card whose name was not read, after the second
    // referral of a two-patient fax, gave that referral's member id).
    std::vector<const Document*> same;
    for (const Document& other : docs)
      if (&other != &doc && other.type != DocType::kFaxCover && other.type != DocType::kOther &&
          other.type != DocType::kReferral &&
          (SamePatient(doc, other, single_patient) ||
           (NothingToCompare(doc, other) && FollowsBeforeNextReferral(docs, doc, other))))
        same.push_back(&other);
    const ChecklistRule* rule = Select(doc, same);
    doc.checklist = Checklist{};
    if (rule == nullptr) continue;
    doc.checklist.name = rule->name;
    for (const std::string& key : rule->required_fields) {
      bool present = doc.fields.count(key) > 0;
      for (const Document* d : same) present = present || d->fields.count(key) > 0;
      // Printed but unreadable (the extractor's `unreadable:<key>`): a person reads the page;
      // it is neither missing nor satisfied.
      const bool unreadable = std::find(doc.review_reasons.begin(), doc.review_reasons.end(), "unreadable:" + key) !=
                              doc.review_reasons.end();
      if (!present && unreadable) continue;
      (present ? doc.checklist.satisfied : doc.checklist.missing).push_back(key);
    }
    for (DocType type : rule->required_documents) {
      const bool present = std::any_of(same.begin(), same.end(), [&](const Document* d) { return d->type == type; });
      (present ? doc.checklist.satisfied : doc.checklist.missing).push_back(std::string("document.") + DocTypeName(type));
    }
    for (const std::string& item : doc.checklist.missing) doc.AddReason("missing:" + item);
  }
}

}  // namespace faxintake::extract
