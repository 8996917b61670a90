// Patient matching: deciding whether the person a document is about is a patient already on
// file, may be one (a person decides), or is new. Pure logic over normalized contract values
// (no storage, no I/O); store/record_store.cc finds the candidates through keyed-hash index
// entries built from the terms here and keeps the outcome.
//
// The score is a sum of per-field weights of evidence (roughly log-likelihood ratios): agreeing
// rare identifiers (member id, date of birth) weigh most, names less, phone and address little;
// disagreement subtracts, most of all for a different date of birth or first name, so that
// family members (same surname, address and phone) and same-name strangers stay apart. Beyond
// the score, an automatic match needs a strong identifier that agrees (the exact date of birth;
// the member id with no conflicting date of birth or a transposed one; a transposed date of birth
// with the whole name as printed) and no conflicting first name or sex: names alone never merge
// records, and a date one digit off (a father and his junior) always goes to a person.
//
// Variants recognized: nicknames (Robert/Bob, Elizabeth/Liz, ...: a compiled table), hyphenated
// and double surnames (GARCIA-LOPEZ, GARCIA LOPEZ, LOPEZ), OCR-confusable characters (0/O,
// 1/I/L, 5/S, 8/B, 2/Z, 6/G), dates of birth with day and month swapped or two adjacent digits
// swapped, one misread digit (weak).
//
// Thread-safety: pure functions over values; the nickname table is immutable after first use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"

namespace faxintake::store::match {

// The person a document names, from its contract fields (normalized values, see
// shared/contract/README.md). Empty string: not on the document (or failed validation).
struct Identity {
  std::string family_name;   // patient.family_name
  std::string given_name;    // patient.given_name
  std::string birth_date;    // patient.birth_date, YYYY-MM-DD
  std::string member_id;     // insurance.member_id
  std::string phone;         // patient.phone
  std::string address_line;  // patient.address.line
  std::string postal_code;   // patient.address.postal_code
  std::string sex;           // patient.sex ("unknown" is read as absent)
};

// The identity fields of `doc` (valid string fields only).
Identity IdentityFromDocument(const Document& doc);

// True when `id` can be matched at all: a family name and a date of birth or member id.
bool HasIdentity(const Identity& id);

// Everything known of one patient on file: every value seen for each field on the documents
// filed to them (a person's phone or insurance changes; names are printed in variants).
struct Profile {
  std::vector<std::string> family_names, given_names, birth_dates, member_ids, phones, address_lines,
      postal_codes, sexes;
  // Adds the non-empty values of `id` not yet present.
  void Add(const Identity& id);
  bool empty() const;
};

struct MatchOptions {
  // Score at or above which a candidate is the same patient (if the rules above allow it).
  double auto_threshold = 10.0;
  // Score at or above which a candidate is a possible match for a person to decide.
  double review_threshold = 5.0;
  // At most this many candidates, best first, are kept for the reviewer.
  size_t max_review_candidates = 5;
};

// How one field compared. `verdict` is a stable word: "exact", "nickname", "ocr", "hyphenated",
// "partial", "transposed", "one_digit", "initial", "typo", "mismatch" (never values, so
// evidence can be shown and logged without patient data). Fields absent on either side are
// left out.
struct FieldEvidence {
  std::string field;    // contract key, e.g. "patient.birth_date"
  std::string verdict;
  double weight = 0;    // contribution to the score
};

struct Score {
  double total = 0;
  std::vector<FieldEvidence> evidence;
  // The agreement rules for an automatic match hold (strong identifier, no conflicts).
  bool auto_eligible = false;
};

// Compares a document's identity with a patient on file.
Score ScoreCandidate(const Identity& doc, const Profile& patient);

enum class Decision {
  kSamePatient,     // one candidate, automatically
  kPossibleMatch,   // a person decides among `candidates`
  kPossibleDuplicate,  // several candidates each qualify as the same patient: records to merge?
  kNewPatient,      // nobody on file is this person
};
const char* DecisionName(Decision d);  // "same_patient", "possible_match", "possible_duplicate", "new_patient"

struct Candidate {
  std::string patient_id;
  Profile profile;
};

struct ScoredCandidate {
  std::string patient_id;
  Score score;
};

struct MatchOutcome {
  Decision decision = Decision::kNewPatient;
  std::string patient_id;                  // kSamePatient: the match
  std::vector<ScoredCandidate> candidates;  // at or above review_threshold, best first (capped)
};

// Scores every candidate and decides. Deterministic: ties are broken by patient id.
MatchOutcome Decide(const Identity& doc, const std::vector<Candidate>& candidates, const MatchOptions& options);

// ---- blocking: the terms under which patients are indexed and looked up.
// Terms are plain strings meant to be hashed with a key before they reach storage; they hold
// patient data. Variants that should meet share a term (OCR folding, nicknames, surname parts).

// Terms a patient with this identity is indexed under.
std::vector<std::string> IndexTerms(const Identity& id);
// Terms to look a document up by: IndexTerms plus date-of-birth variants (transpositions, one
// misread digit), so a misread date still finds its candidates.
std::vector<std::string> QueryTerms(const Identity& id);

// ---- building blocks (exposed for tests and the evaluation)

// Upper case ASCII letters, digits and single spaces; hyphens and apostrophes become spaces.
std::string NormalizeName(std::string_view s);
// NormalizeName with OCR-confusable characters folded to one representative (0->O, 1->I,
// L->I, 5->S, 8->B, 2->Z, 6->G) and spaces removed.
std::string NameSkeleton(std::string_view s);
// Member id with non-alphanumerics dropped and confusables folded to digits (O->0, I/L->1, S->5,
// B->8, Z->2, G->6).
std::string MemberSkeleton(std::string_view s);
// Surname parts: NormalizeName split at spaces, particles (DE, LA, DEL, VAN, ...) dropped.
std::vector<std::string> SurnameParts(std::string_view family_name);
// True when the two given names are the same person's by the nickname table (Bob = Robert).
bool AreNicknames(std::string_view a, std::string_view b);
// The formal names (skeletons) a given name stands for: itself and, for a nickname, its formal
// names. Used as blocking terms so Bob and Robert meet.
std::vector<std::string> GivenNameKeys(std::string_view given);
// Dates that are common misreadings of `date` (YYYY-MM-DD): day/month swapped, two adjacent
// digits swapped; with `one_digit` also every single-digit change. Valid dates only, no
// duplicates, `date` itself excluded.
std::vector<std::string> BirthDateVariants(std::string_view date, bool one_digit);

}  // namespace faxintake::store::match
