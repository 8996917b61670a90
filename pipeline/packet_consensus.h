// Reading a packet as a whole, the way an intake coordinator checks the referral form
// against the insurance card and the authorization letter: documents of one fax that name
// the same patient must agree on who the patient is, and a value misread on one of them
// (an OCR slip) is corrected from the others.
//
// For the patient's names, birth date, member id and authorization number among documents
// of the same patient (SamePatient, pipeline/patient_identity.h), and for the referring
// provider's NPI across the fax: a value is replaced by another document's reading when
// the two are a slip apart (one edit per four characters, at least one; two for birth
// dates, three for an NPI that fails its check digit) and the other reading is better
// supported: read on more documents, or as often but valid where this one is not, or with
// clearly higher confidence.
// The field keeps the page and box where it is printed on its own document; its review
// reasons for that key (invalid:, low_confidence:) are re-judged.
//
// Values are only corrected, never filled in: an item absent from a document stays absent
// there (the checklist decides whether the packet lacks it).
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <vector>

#include "pipeline/model.h"

namespace faxintake {

// Returns the number of fields corrected. `low_confidence` is the extractor's threshold
// for the low_confidence:<key> reason.
int ReconcilePacket(std::vector<Document>& docs, double low_confidence);

}  // namespace faxintake
