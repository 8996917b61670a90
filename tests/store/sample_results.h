// Builders of realistic IntakeResults for the store tests. Test-only; thread-safe values.
#pragma once

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace faxintake::store::testing {

// A result with `pages` OCR'd pages (a few words and lines each, with boxes and confidences)
// and one document per page: page 1 a referral (needs review, priority `priority` when not
// empty), the rest clinical notes that are filed.
IntakeResult SampleResult(const std::string& fax_id, int pages, const std::string& priority = "");

// A quarantined result: no pages, no documents, an error.
IntakeResult QuarantinedResult(const std::string& fax_id);

}  // namespace faxintake::store::testing
