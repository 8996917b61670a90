// ICD-10-CM code table and the choice among OCR readings of a printed code.
//
// A shape-valid reading (validators.h: NormalizeIcd10) may still be a misread: E11.9 read as
// F11.9, I10 as I19, F32.A as F32.4. The table tells real codes from impossible ones, and the
// title printed beside a code ("E11.9 - Type 2 diabetes mellitus ...") tells which of several
// real codes was meant, the way a coder reads a faxed form.
//
// The built-in table (icd10_common.inc) holds codes common on outpatient referrals. A full
// table can be loaded from the CMS code file (icd10cm_codes_YYYY.txt: code without its dot,
// spaces, title; one per line) or from "CODE<TAB>title" lines; it then replaces the built-in
// one, and with it codes missing from the table count as invalid.
//
// Thread-safety: a table is immutable once built; Resolve is const.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pipeline/status.h"

namespace faxintake::extract {

class Icd10Table {
 public:
  // The built-in table of common codes (not complete).
  static std::shared_ptr<const Icd10Table> Common();
  // A complete table from a CMS code file or CODE<TAB>title lines.
  // Errors: kFailedPrecondition when the file cannot be read; kInvalidArgument when no line
  // holds a code.
  static Result<std::shared_ptr<const Icd10Table>> Load(const std::string& path);

  // True when the table lists every code, so an unknown code is not a real one.
  bool complete() const { return complete_; }
  size_t size() const { return titles_.size(); }
  // The title of `code` (with its dot), or nullopt.
  std::optional<std::string_view> Title(std::string_view code) const;

  struct Choice {
    std::string code;
    bool changed = false;   // another reading than the one given was chosen
    bool known = false;     // the chosen code is in the table
  };
  // Chooses the code meant by `read` (a normalized, shape-valid code) among the readings one
  // usual OCR confusion away that the table knows, using `context` (the words printed beside
  // the code) to prefer the code whose title they repeat. A known reading is kept unless the
  // context names another reading's title and not its own; an unknown one is replaced by the
  // only known reading, or the one the context names.
  Choice Resolve(std::string_view read, std::string_view context) const;

  // The code meant by a printed code that reads as no code, or as one the table does not
  // know ("1509", "ii0", "1.40.0", "[11.9", "M00.69"), from the title printed after it
  // (`title`: the words after the dash, up to a semicolon): the table's code whose title
  // those words repeat best (at least `min_coverage` of its telling words, no other code as
  // well, and the title accounting for three quarters of the words printed), when the printed
  // characters are that code's up to OCR look-alikes and one slip more (a character read
  // as two in a longer code, when the title is printed whole and nothing else: "19509 -
  // Iron deficiency anemia, unspecified").
  // nullopt otherwise.
  std::optional<std::string> FromTitle(std::string_view read, std::string_view title, double min_coverage = 0.75) const;

 private:
  Icd10Table(std::unordered_map<std::string, std::string> titles, bool complete);
  std::unordered_map<std::string, std::string> titles_;
  // Every code by the look of its characters (FromTitle), made once with the table.
  std::vector<std::pair<std::string, std::string>> look_alike_;  // look-alike form, code
  bool complete_ = false;
};

}  // namespace faxintake::extract
