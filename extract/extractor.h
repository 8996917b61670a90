// The extract stage: reads the contract's fields (../shared/contract/README.md) off the
// recognized pages of one logical document.
//
// Layout-aware: a value is read to the right of its label on the same row, or below it
// inside the label's column (boxed forms: small label on top, value underneath); referral
// letters are read as narrative ("I am referring my patient Maria Lopez (DOB ...)").
// Which fields are read depends on the document's type, as samples/SPEC.md lists them:
// a cover sheet yields `fax_cover.page_count`, an insurance card the payer, member id,
// group and names, a prior authorization the `authorization.*` fields, and so on. The
// sending machine's header line is never read.
//
// Every field gets a normalized value, a confidence (OCR word confidences combined with
// validation), the page and the union box of the words it was read from. A value that
// fails validation is kept with confidence < 0.5, `valid = false` and the review reason
// `invalid:<key>`; a value below `low_confidence` adds `low_confidence:<key>`.
//
// Thread-safety: Create once; Extract is const and may be called from many threads at
// once (the extractor holds only immutable tables). Logs never carry field values or text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::extract {

struct ExtractorOptions {
  // A field whose confidence is below this gets the review reason low_confidence:<key>.
  double low_confidence = 0.6;
  // "Today" for date plausibility (birth dates in the past, within 125 years) and two-digit
  // years, as "YYYY-MM-DD"; empty means the system clock at each Extract call.
  std::string today;
  // Two-digit years (03/04/56) read as 20YY when at most this many years after today.
  int two_digit_years_ahead = 10;
  // A complete ICD-10-CM code table (the CMS code file, see extract/icd10.h). Empty: the
  // built-in table of common codes.
  std::string icd10_table;
  // Letter prefixes payers print before authorization numbers ("UM88107610"): by default
  // those common among payers, UM (utilization management), PA and PRA (prior
  // authorization), REF (referral), AUTH, CERT. A number read
  // with a prefix one letter off one of these, where the engine weighed that letter, or with
  // a known prefix followed by digits read as letters ("REFO584670"), is corrected to it.
  // Each is 2-6 capital letters. Empty: no prefix repair.
  std::vector<std::string> authorization_prefixes = {"UM", "PA", "PRA", "REF", "AUTH", "CERT"};
};

// Whether `prefix` can be an authorization prefix of ExtractorOptions: 2-6 capital letters.
bool IsAuthorizationPrefix(std::string_view prefix);

class Extractor {
 public:
  // Errors: kInvalidArgument when an option is out of range (low_confidence outside
  // [0, 1], `today` not a YYYY-MM-DD day, an authorization prefix not 2-6 capital letters).
  static Result<std::unique_ptr<Extractor>> Create(const ExtractorOptions& options);
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // Fills doc.fields with the fields printed on `pages` (the document's pages, in order;
  // PageResult::number is the fax page number) for doc.type, and adds review reasons for
  // invalid and low-confidence values. Fields already in doc.fields are replaced when
  // read again. Never fails: unreadable or empty pages just yield fewer fields.
  // REQUIRES: every pointer in `pages` is non-null and valid for the call.
  void Extract(const std::vector<const PageResult*>& pages, Document& doc) const;

  const ExtractorOptions& options() const { return options_; }

 private:
  explicit Extractor(const ExtractorOptions& options);
  ExtractorOptions options_;
  std::shared_ptr<const class Icd10Table> icd10_;
};

}  // namespace faxintake::extract
