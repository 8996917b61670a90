// Reading a packet as a whole, the way an intake coordinator checks the referral form
// against the insurance card and the authorization letter: documents of one fax that name
// the same patient must agree on who the patient is, and a value misread on one of them
// (an OCR slip) is corrected from the others.
//
// For the patient's names, birth date, member id and authorization number among documents
// of the same patient (SamePatient, pipeline/patient_identity.h), and for the referring
// provider's NPI across the fax: a value is replaced by another document's reading when
// the two are a slip apart (one edit per four characters, at least one; two for birth
// dates, three for an NPI that fails its check digit, one more for a name read alike on
// more documents; a member id or authorization number that is invalid or fails its payer's
// shape where the other fits it counts look-alike letters as the digits they stand for)
// and the other reading is better
// supported: read on more documents, or as often but valid where this one is not, or (a
// member id) fitting the shape its payer prints (Medicare's: a valid MBI) where this one
// does not, or (a given name) this one with a middle initial joined on ("LUISE" against
// "LUIS"), or (a name) this one with an H read as two strokes ("RICILARD" against RICHARD,
// two edits taken as one slip), or (a member id) read on the insurance card as surely as on
// this other document, or with clearly higher confidence. A member id that fits
// its payer's shape is never replaced by one that does not.
// The field keeps the page and box where it is printed on its own document; its review
// reasons for that key (invalid:, low_confidence:) are re-judged.
//
// ReconcilePacket only corrects values: an item absent from a document stays absent there
// (the checklist decides whether the packet lacks it). FindInPacket then looks for it the
// way a coordinator holding the card looks over the form: an id (or birth date) read on one
// document of a patient and not on another is searched among the other's words, and taken
// where a word there reads as it up to OCR slips; the field has that word's page and box.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <vector>

#include "pipeline/model.h"

namespace faxintake {

// Returns the number of fields corrected. `low_confidence` is the extractor's threshold
// for the low_confidence:<key> reason.
int ReconcilePacket(std::vector<Document>& docs, double low_confidence);

// For the member id, group number and authorization number of documents of one patient,
// and the referring provider's NPI of the fax's documents (not on cards):
// a document without the field, whose pages (`pages`, the fax's pages by number - 1) hold
// a word (or two on one line) within one edit per four characters of a value another
// document read as valid, gets that value, at the word's place, with the confidence of
// the reading it was found by, capped below `low_confidence` when the word differs. A word
// that is already another field's value of the document is not taken. A birth date read
// on one document of a patient is taken on another (of any type) whose one birth-date mark
// (the words after "DOB" or "Birth" on a line, up to the next label) prints it with one
// slip, or, on a document other than a referral, holds no digit and a word of four or more
// letters read below 0.5 (garbled past reading), below `low_confidence`. Returns the number
// of fields found.
int FindInPacket(std::vector<Document>& docs, const std::vector<PageResult>& pages, double low_confidence);

}  // namespace faxintake
