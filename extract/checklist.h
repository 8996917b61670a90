// Referral checklists: which items a referral must carry, per referral type (specialty)
// and payer, evaluated over the whole packet.
//
// A checklist names required fields (contract keys such as `patient.birth_date`) and
// required documents (contract document types such as `clinical_note`). An item counts as
// present when any document of the same patient in the fax carries it: the referral
// itself, or that patient's insurance card, authorization letter or clinical note. A
// document of another patient (a two-patient fax) supplies nothing. A document that shares
// no identity item with the referral to compare (a card whose name noise took, only its
// member id read) is the patient's when it follows the referral before the next one: a
// packet is sent patient by patient. Each missing item
// goes to Document::checklist.missing and becomes the review reason `missing:<item>`
// (documents as `missing:document.<type>`).
//
// Selection: the checklists are tried in file order and the first whose `when` matches the
// referral applies (put the specific ones first, the default last). `extends: NAME` starts
// from another checklist's items. The payer matched is the surest reading among the
// referral and its patient's documents (the card's, when the form's cell read poorly);
// specialty and priority are the referral's own, else the first its documents carry.
//
// File format (config/checklists.yaml):
//   checklists:
//     - name: prior_auth_payer
//       extends: standard
//       when: {payer: [AETNA, CIGNA]}          # and/or specialty: [...], priority: [...]
//       required_fields: [authorization.number]
//     - name: standard
//       required_fields: [patient.birth_date, insurance.member_id, ...]
//       required_documents: []
//
// Thread-safety: a loaded ChecklistSet is immutable; Evaluate may run on many threads.
#pragma once

#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::extract {

struct ChecklistRule {
  std::string name;
  std::vector<std::string> payers;       // normalized payer names; empty = any
  std::vector<std::string> specialties;  // lower-case specialty words; empty = any
  std::vector<std::string> priorities;   // routine/urgent/stat; empty = any
  std::vector<std::string> required_fields;
  std::vector<DocType> required_documents;
};

class ChecklistSet {
 public:
  // Errors: kNotFound (file missing), kInvalidArgument (bad YAML, unknown field key or
  // document type, unknown `extends`, duplicate name, no checklists) with the reason
  // `checklists_invalid` and a message naming the entry at fault.
  static Result<ChecklistSet> LoadFile(const std::string& path);
  static Result<ChecklistSet> LoadYaml(const std::string& text);

  // Evaluates every referral document of one fax against its checklist and fills
  // checklist.name / missing / satisfied and the `missing:<item>` review reasons.
  // Documents of other types get an empty checklist.
  void Evaluate(std::vector<Document>& docs) const;

  // The rule that applies to `referral` given the packet (payer may come from the same
  // patient's insurance card). Null when no rule matches.
  const ChecklistRule* Select(const Document& referral, const std::vector<const Document*>& same_patient) const;

  const std::vector<ChecklistRule>& rules() const { return rules_; }

 private:
  std::vector<ChecklistRule> rules_;
};

// Whether two documents of one fax are about the same patient: their identities (family
// name, birth date, member id) do not conflict and at least one agrees, or one document
// names no patient while the fax names only one. Family names in conflict are outweighed by
// the same member id (eight characters or more) and given name, with no other birth date.
bool SamePatient(const Document& a, const Document& b, bool single_patient_fax);

}  // namespace faxintake::extract
