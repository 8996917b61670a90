// Labels printed on fax forms ("DOB:", "MEMBER ID", "Authorization Number:") and where
// their values are: to the right on the same row, or below inside the label's column
// (boxed cells: small label on top, value underneath).
//
// Labels are found on a PageLayout by longest phrase match over word tokens (a small edit
// distance tolerated for OCR slips like "Mernber"). A phrase counts as a label when it
// ends with a colon or '#', or stands alone in its column; a known label with no field
// ("Age:", "Payer ID:", "RxBIN") still ends the value before it.
//
// Thread-safety: a built LabelIndex is immutable; the phrase table is built once.
#pragma once

#include <vector>

#include "extract/layout.h"

namespace faxintake::extract {

enum class Label {
  kIgnore,  // a known label without a contract field; stops the value before it
  kPatientName, kPatient, kMember, kMemberName, kName, kDob, kSex, kMrn,
  kPhone, kHomePhone, kFax, kAddress, kCity, kState, kZip, kCityStateZip,
  kInsurance, kMemberId, kId, kMedicareNumber, kGroup,
  kReferringProvider, kRequestingProvider, kServicingProvider, kNpi, kPractice,
  kReferTo, kSpecialty, kDiagnosis, kIndication, kReason, kPriority,
  kAuthNumber, kStatus, kApprovedFrom, kThrough, kEffective, kVisits, kProcedureCodes,
  kDate, kPages,
};

struct LabelHit {
  Label label = Label::kIgnore;
  int row = 0;
  int first = 0;       // position in the row of the label's first word
  int last = 0;        // position in the row of its last word (a lone ":" included)
  bool colon = false;  // ends with ':' or '#'
  // A boxed form's cell label, in a row of small print above its values: the value is in
  // the cell below, never to the right (where the next cell's label is).
  bool cell = false;
  // Matched loosely in a row of cell labels ("PIIONE" for PHONE, "Dad" for DOB): the
  // value must bear the label out.
  bool loose = false;
  Box box;
};

class LabelIndex {
 public:
  // Finds the labels of `page`, which must outlive the index.
  explicit LabelIndex(const PageLayout& page);

  const PageLayout& page() const { return *page_; }
  // Accepted label hits in reading order (rows top to bottom, left to right).
  const std::vector<LabelHit>& hits() const { return hits_; }
  // True when the word belongs to an accepted label.
  bool InLabel(int word) const { return in_label_[static_cast<size_t>(word)] >= 0; }
  // The hit a word starts, or -1.
  int HitStartingAt(int word) const;

  // The value of a hit: the words right of it on its row, up to the next label or column;
  // when there are none, the words of the first row below inside the label's column (up to
  // the next label of the label's row; for a cell label, up to the next column of its row).
  // A cell label's value is only the one below. Empty when neither holds a value.
  std::vector<int> ValueWords(const LabelHit& hit) const;
  std::vector<int> RightWords(const LabelHit& hit) const;
  std::vector<int> BelowWords(const LabelHit& hit) const;
  // Rows below a value that continue it at the same column ("Diagnosis:" with one code per
  // line), each as its words; stops at a row that starts with a label or a wide vertical gap.
  std::vector<std::vector<int>> ContinuationRows(const std::vector<int>& value) const;

  // Words joined by single spaces.
  std::string Text(const std::vector<int>& words) const;

 private:
  void MatchLooseColumns();

  const PageLayout* page_;
  std::vector<LabelHit> hits_;
  std::vector<int> in_label_;  // per word: hit index or -1
};

// Whether `word` is a label's first word cut short by lost print ("Pract" of "Practice:"):
// four letters or more, all of them the start of a printed label's first word, and not
// that word whole.
bool CutLabelWord(const std::string& word);

}  // namespace faxintake::extract
