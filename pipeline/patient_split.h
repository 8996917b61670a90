// The change-of-patient split cue: a document whose pages name two different patients is
// two documents ("a fax holding referrals for two patients becomes two documents with two
// patients"). The page-type splitter cannot see it when the second referral has the same
// type and no title of its own (two referral letters back to back).
//
// Each page of a multi-page document is read on its own for the patient's name and birth
// date. A page starts a new document when its patient conflicts with the patient read so
// far in the document and agrees on nothing (OtherPatient, pipeline/patient_identity.h).
// A name or birth date read below confidence 0.5 is no evidence either way.
// A page without a patient (history, results) continues the document it follows.
//
// Thread-safety: a pure function of its arguments; the extractor is used const.
#pragma once

#include <vector>

#include "extract/extractor.h"
#include "pipeline/model.h"

namespace faxintake {

// Splits documents of `docs` where the patient changes; each new document takes the type
// of its first page from `page_types` (indexed by fax page number - 1) and the confidence
// of the document it came from. Documents are otherwise unchanged and keep their order.
std::vector<Document> SplitByPatient(std::vector<Document> docs, const std::vector<PageResult>& pages,
                                     const std::vector<DocType>& page_types, const extract::Extractor& extractor);

}  // namespace faxintake
