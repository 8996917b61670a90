#include "pipeline/patient_identity.h"

#include <algorithm>

#include "extract/validators.h"

namespace faxintake {

std::optional<std::string> ValidText(const Document& doc, const std::string& key) {
  auto it = doc.fields.find(key);
  if (it == doc.fields.end() || !it->second.valid) return std::nullopt;
  const std::string* s = std::get_if<std::string>(&it->second.value);
  if (s == nullptr || s->empty()) return std::nullopt;
  return *s;
}

PatientKey PatientOf(const Document& doc) {
  PatientKey key{ValidText(doc, "patient.family_name"), ValidText(doc, "patient.birth_date"),
                 ValidText(doc, "patient.given_name"), ValidText(doc, "insurance.member_id")};
  if (key.member_id && !extract::MemberIdNamesOnePerson(*key.member_id)) key.member_id.reset();
  return key;
}

int SlipEdits(const std::string& a, const std::string& b) {
  return std::max(1, static_cast<int>(std::min(a.size(), b.size())) / 4);
}

Verdict CompareBirthDates(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return Verdict::kUnknown;
  if (*a == *b) return Verdict::kAgree;
  return extract::BoundedEditDistance(*a, *b, 2) >= 2 ? Verdict::kConflict : Verdict::kUnknown;
}

Verdict CompareFamilyNames(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return Verdict::kUnknown;
  const int allowed = SlipEdits(*a, *b);
  const int d = extract::BoundedEditDistance(*a, *b, allowed + 1);
  if (d == 0) return Verdict::kAgree;
  // A compound surname read in part ("Eric De La Cruz" in a continuation page's header read
  // CRUZ beside the form's DE LA CRUZ, seed 118 s0098): no conflict.
  if (extract::SurnameReadInPart(*a, *b)) return Verdict::kUnknown;
  return d > allowed ? Verdict::kConflict : Verdict::kUnknown;
}

namespace {

// Both read a member id, the two at most `edits` apart.
bool MemberIdsWithin(const PatientKey& a, const PatientKey& b, int edits) {
  return a.member_id && b.member_id && extract::BoundedEditDistance(*a.member_id, *b.member_id, edits + 1) <= edits;
}

// The same given name and member ids equal or one OCR slip apart: a referral's "985642055"
// at 0.76 beside the card's 385642055, the family name read SMITII for SMITH (seed 75 s0007).
bool SameMemberAndGivenName(const PatientKey& a, const PatientKey& b) {
  return MemberIdsWithin(a, b, 1) && a.given && b.given && *a.given == *b.given;
}

}  // namespace

bool OtherPatient(const PatientKey& a, const PatientKey& b) {
  const Verdict dob = CompareBirthDates(a.birth_date, b.birth_date);
  const Verdict name = CompareFamilyNames(a.family, b.family);
  if (dob == Verdict::kAgree || name == Verdict::kAgree || SameMemberAndGivenName(a, b)) return false;
  return dob == Verdict::kConflict || name == Verdict::kConflict;
}

bool SamePatient(const PatientKey& a, const PatientKey& b) {
  Verdict dob = CompareBirthDates(a.birth_date, b.birth_date);
  // The same full name and birth dates two characters apart: one date with a digit misread
  // twice ("1922-09-03" for MARGARET KING's 1933-09-03 beside her note's and lab report's,
  // seed 102 s0033), not two people.
  if (dob == Verdict::kConflict && a.family && b.family && *a.family == *b.family && a.given && b.given &&
      *a.given == *b.given && extract::BoundedEditDistance(*a.birth_date, *b.birth_date, 3) == 2)
    dob = Verdict::kUnknown;
  const Verdict name = CompareFamilyNames(a.family, b.family);
  if (dob == Verdict::kConflict) return false;
  // The same member id and birth date outweigh a family name read wrong too ("Chen. Kevin
  // Edward" taken for KEVIN EDWARD's, seed 77 s0047).
  if (name == Verdict::kConflict)
    return SameMemberAndGivenName(a, b) || (dob == Verdict::kAgree && MemberIdsWithin(a, b, 0));
  // One family, two given names (SHARON and RONALD MURPHY, seed 93 s0024): two people, unless
  // the same birth date or member id says a given name was misread.
  if (a.given && b.given && extract::GivenNamesDiffer(*a.given, *b.given) && dob != Verdict::kAgree &&
      !MemberIdsWithin(a, b, 0))
    return false;
  // Both parts of the name one slip off ("GREEU, JUAU" and "GREEN, JUAN", seed 100 s0071).
  const bool other_member = a.member_id && b.member_id && !MemberIdsWithin(a, b, 1);
  const bool slipped = a.family && b.family && a.given && b.given && !other_member &&
                       extract::FullNamesSlipped(*a.family, *a.given, *b.family, *b.given);
  return dob == Verdict::kAgree || name == Verdict::kAgree || slipped;
}

}  // namespace faxintake
