// Whether two readings name the same patient, tolerant of OCR slips: shared by the
// change-of-patient split (patient_split.h) and the packet consensus (packet_consensus.h).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "pipeline/model.h"

namespace faxintake {

struct PatientKey {
  std::optional<std::string> family, birth_date;  // valid readings only
  // Valid readings, used only to outweigh a family name read two slips apart: the same
  // member id (eight characters or more; one OCR slip apart counts as the same) and given
  // name are the same person.
  std::optional<std::string> given, member_id;
  bool empty() const { return !family && !birth_date; }
};

// The patient named by a document's fields.
PatientKey PatientOf(const Document& doc);

// The edits an OCR slip may make between two readings of one name or id: one per four
// characters of the shorter, at least one.
int SlipEdits(const std::string& a, const std::string& b);

enum class Verdict { kUnknown, kAgree, kConflict };
// Birth dates conflict when both are read and differ by two characters or more (one OCR
// slip is not another patient); family names when they differ by more than a quarter of
// their letters (at least two edits), unless one is a compound surname the other holds in
// part ("CRUZ" of "DE LA CRUZ": unknown).
Verdict CompareBirthDates(const std::optional<std::string>& a, const std::optional<std::string>& b);
Verdict CompareFamilyNames(const std::optional<std::string>& a, const std::optional<std::string>& b);

// Another patient: something conflicts and nothing agrees (the member id and given name
// together count as agreeing).
bool OtherPatient(const PatientKey& a, const PatientKey& b);
// The same patient: something agrees and nothing conflicts; or the member id and given
// name agree, the birth dates do not conflict, and only the family names do; or the member
// id and birth date agree and only the family names conflict; or the family and given
// names are each one slip apart (extract::FullNamesSlipped) and no birth date or member id
// conflicts. Birth dates two characters apart do not conflict beside the same full name.
bool SamePatient(const PatientKey& a, const PatientKey& b);

// A string field's valid value, or nullopt.
std::optional<std::string> ValidText(const Document& doc, const std::string& key);

}  // namespace faxintake
