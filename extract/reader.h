// Internal to the extract stage: one document's pages as layouts and labels, and the
// candidate values read from them, shared by the form rules (extractor.cc) and the
// narrative rules (narrative.cc).
//
// Thread-safety: a DocReader lives inside one Extract call; not shared.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "extract/choices.h"
#include "extract/icd10.h"
#include "extract/labels.h"
#include "extract/layout.h"
#include "extract/validators.h"
#include "pipeline/model.h"

namespace faxintake::extract {

// A value read from the engine's alternatives rather than as read (below the review threshold).
constexpr double kUnsureConfidence = 0.5;

// A date the engine's alternatives for `words` give when the words as read hold none
// (choices.h DateFromChoices): `parse` judges each text (empty when it is no date it
// takes) and reads the one that results, marked repaired. Empty when none or several.
Checked DateFromWordChoices(const std::vector<const Word*>& words,
                            const std::function<Checked(const std::string&)>& parse);

// A value read for a field, before the best one is chosen.
struct Candidate {
  FieldValue value;
  bool valid = true;
  bool repaired = false;
  double confidence = 0;  // from OCR word confidences, before validation is applied
  int page = 1;
  Box box;
  Reading reading;        // the words' letters and digits with the engine's alternatives
  // Of a value read from one word: that word read again alone (Word::readings).
  std::vector<std::string> readings;
};

// A word on one of the document's pages.
struct WordRef {
  int page = 0;  // index into DocReader::pages (not the fax page number)
  int word = 0;
};

class DocReader {
 public:
  DocReader(const std::vector<const PageResult*>& pages, const DateOptions& dates);
  DocReader(const DocReader&) = delete;
  DocReader& operator=(const DocReader&) = delete;

  int page_count() const { return static_cast<int>(layouts_.size()); }
  const PageLayout& layout(int i) const { return *layouts_[static_cast<size_t>(i)]; }
  const LabelIndex& labels(int i) const { return *labels_[static_cast<size_t>(i)]; }
  const DateOptions& dates() const { return dates_; }
  // The code table diagnosis codes are checked against (never null once set by the extractor).
  const Icd10Table& icd10() const { return icd10_ ? *icd10_ : *Icd10Table::Common(); }
  void set_icd10(const Icd10Table* table) { icd10_ = table; }
  // The payers' authorization-number prefixes repairs may correct to (ExtractorOptions).
  const std::vector<std::string>& auth_prefixes() const { return auth_prefixes_ ? *auth_prefixes_ : no_prefixes_; }
  void set_auth_prefixes(const std::vector<std::string>* prefixes) { auth_prefixes_ = prefixes; }

  // Every accepted hit of `label`, in reading order over the pages.
  struct Hit {
    int page = 0;
    const LabelHit* hit = nullptr;
  };
  std::vector<Hit> Hits(Label label) const;

  // A candidate read from words of one page: confidence is their mean, box their union.
  Candidate FromWords(int page, const std::vector<int>& words, FieldValue value, const Checked* check = nullptr) const;
  Candidate FromWords(const std::vector<WordRef>& words, FieldValue value, const Checked* check = nullptr) const;

  // Records a candidate; candidates added first are preferred among the valid ones. An
  // NPI, MBI or Medicare tracking number that fails its rule as read, or an authorization
  // number whose letter prefix begins with a digit or is one letter off a payer's prefix
  // (auth_prefixes), is first read again from the engine's alternatives (choices.h).
  void Add(const std::string& key, Candidate candidate);
  bool Has(const std::string& key) const;
  bool HasValid(const std::string& key) const;
  const std::map<std::string, std::vector<Candidate>>& candidates() const { return candidates_; }
  void Drop(const std::string& key) { candidates_.erase(key); }
  // Drops every candidate, of any field, that `which` selects.
  void DropWhere(const std::function<bool(const Candidate&)>& which);

  // The document's rows as one text (rows joined by spaces), for narrative patterns, with
  // the words behind every character range.
  const std::string& flow() const { return flow_; }
  std::vector<WordRef> WordsIn(size_t begin, size_t end) const;
  // The row of a word as a flow offset range.
  size_t RowStart(int page, int row) const;

 private:
  std::vector<std::unique_ptr<PageLayout>> layouts_;
  std::vector<std::unique_ptr<LabelIndex>> labels_;
  std::vector<int> numbers_;  // fax page numbers
  DateOptions dates_;
  const Icd10Table* icd10_ = nullptr;
  const std::vector<std::string>* auth_prefixes_ = nullptr;
  const std::vector<std::string> no_prefixes_;
  std::map<std::string, std::vector<Candidate>> candidates_;
  std::string flow_;
  struct Span {
    size_t begin, end;
    WordRef ref;
  };
  std::vector<Span> spans_;
  std::map<std::pair<int, int>, size_t> row_start_;
};

// ICD-10-CM codes among words: a word counts when it normalizes to a valid code with two
// or more digits; `parenthesized` requires "(...)" around it (codes in running text).
// Digit-first words ("148.91") are repaired only where codes are expected. The first
// `lead_in` words are not read for codes: they only lend their words to the title of a
// code that running text names before it (the end of the row before).
struct CodeHit {
  std::string code;
  WordRef word;
  bool repaired = false;
};
std::vector<CodeHit> CodesInWords(const DocReader& r, int page, const std::vector<int>& words, bool parenthesized,
                                  size_t lead_in = 0);
// Codes printed as "<code> - <title>" on any row of the document, whatever label stands
// before them (or none): the code the title names when the printed code looks like it
// (Icd10Table::FromTitle). For documents whose diagnosis label OCR garbled ("Tcd-10:").
std::vector<CodeHit> CodesWithTitles(const DocReader& r);
// Records the distinct codes of `codes`, in order, as one referral.diagnosis_codes
// candidate (nothing when empty).
void AddDiagnosisCodes(DocReader& r, const std::vector<CodeHit>& codes);

// The referral-letter rules (narrative.cc): patient, DOB, specialty, codes, insurance
// sentence, authorization, priority words, date line, inside address, signature.
bool LooksLikeLetter(const DocReader& r);
// The patient's sex from the "55-year-old female" of a clinical summary, for a form whose
// sex cell noise left unreadable.
void SexFromAgeSentence(DocReader& r);
void ReadReferralLetter(DocReader& r);
// "member ID W123456789" in running text, or after a garbled label; for documents whose
// labeled member id was not read.
void ReadMemberIdNarrative(DocReader& r);
// Whether running text prints a member id that reads as none: "member" or "subscriber",
// an ID lead-in (also garbled: "11>", "1D"), then, on the same row and without a colon,
// print holding six letters and digits or more, digits among them, that gave no id
// ("member 11> HOGdRIS 25,"). Such an item is unreadable, not missing.
bool MemberIdPrintedUnread(const DocReader& r);
// "authorization number is PA-2026-123456" in running text or after a label OCR garbled
// ("atthorization number", "Authorization 4:"); for letters, and for documents whose
// labeled authorization number was not read.
void ReadAuthorizationNumberNarrative(DocReader& r);
// Whether running text prints an authorization number that reads as none: the lead-in,
// then a word of six letters and digits or more, four digits among them ("authorization
// number ('M69946104.", the U of UM broken into two marks). Unreadable, not missing.
bool AuthorizationNumberPrintedUnread(const DocReader& r);
// "has been approved" / "denied" / "is pending" in a determination letter.
void ReadAuthorizationNarrative(DocReader& r);

}  // namespace faxintake::extract
