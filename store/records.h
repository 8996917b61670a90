// The records the store keeps beside the shared model types: the per-fax record, outbox
// events and review-queue entries. Plain values. Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"
#include "store/match.h"

namespace faxintake::store {

// Where a fax stands. The numbers are written into index keys: never renumber, only add.
enum class FaxState : uint8_t {
  kAccepted = 1,     // raw bytes stored, no result committed yet (pending work)
  kFiled = 2,        // committed; every document passed its checklist
  kNeedsReview = 3,  // committed; at least one document needs a person
  kQuarantined = 4,  // committed; the input could not be decoded
};
const char* FaxStateName(FaxState s);  // "accepted", "filed", "needs_review", "quarantined"
std::optional<FaxState> ParseFaxState(std::string_view name);
FaxState StateForStatus(IntakeStatus status);

// Review-queue order: lower numbers are served first. Written into index keys: never renumber.
enum class ReviewPriority : uint8_t { kStat = 0, kUrgent = 1, kRoutine = 2 };
const char* ReviewPriorityName(ReviewPriority p);  // "stat", "urgent", "routine"
// The most urgent `referral.priority` among the documents (routine when none states one):
// an insurance card faxed with a stat referral is as urgent as the referral.
ReviewPriority PriorityForDocuments(const std::vector<Document>& documents);

// One accepted fax: transmission metadata, acceptance bookkeeping and, once processed, the
// fax-level part of its result. Pages, documents and images are separate records.
struct FaxRecord {
  FaxMetadata metadata;
  FaxState state = FaxState::kAccepted;
  uint64_t accept_seq = 0;      // order of acceptance in this store, from 1
  int64_t accepted_at_us = 0;   // store clock, Unix microseconds
  int64_t received_at_us = 0;   // metadata.received_at when it parses as RFC 3339, else accepted_at_us
  uint64_t byte_size = 0;       // length of the raw fax

  // Set by each commit of a result; revision 0 means not processed yet.
  uint32_t revision = 0;
  int64_t committed_at_us = 0;
  std::string input;
  IntakeStatus status = IntakeStatus::kNeedsReview;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  uint32_t page_count = 0;
  uint32_t document_count = 0;

  // Store bookkeeping: the index keys this fax currently owns, so that the next commit (or a
  // later purge) deletes exactly these whatever the key derivation was when they were written.
  std::vector<std::string> index_keys;    // state and review-queue entries
  std::vector<std::string> gateway_keys;  // (source, gateway fax id) aliases of this fax

  // Set when the retention policy removed the raw bytes and page images (RecordStore::
  // ApplyRetention); the record, OCR, documents and audit entries stay.
  int64_t raw_purged_at_us = 0;  // 0: not purged
};

inline constexpr std::string_view kEventFaxAccepted = "fax.accepted";
inline constexpr std::string_view kEventFaxProcessed = "fax.processed";
inline constexpr std::string_view kEventPatientCreated = "patient.created";
inline constexpr std::string_view kEventReferralOpened = "referral.opened";
inline constexpr std::string_view kEventReferralState = "referral.state_changed";
inline constexpr std::string_view kEventMatchResolved = "match.resolved";  // a person decided a match review
inline constexpr std::string_view kEventRawPurged = "fax.raw_purged";      // retention removed raw bytes and images
// A later fax supplied what an earlier referral document lacked: its stored reasons changed.
inline constexpr std::string_view kEventFaxDocumentsUpdated = "fax.documents_updated";

// A change event in the outbox. Carries ids only; consumers read the records they need.
struct OutboxEvent {
  uint64_t seq = 0;        // strictly increasing in commit-visibility order; may have gaps
  std::string type;        // kEventFaxAccepted, kEventFaxProcessed, ...
  std::string fax_id;
  FaxState state = FaxState::kAccepted;  // the fax's state after the change
  uint32_t revision = 0;   // the fax's result revision after the change (0: none yet)
  int64_t at_us = 0;       // store clock, Unix microseconds
  // Patient and referral events: the record the event is about (ids only), and for
  // kEventReferralState / kEventReferralOpened the referral's state after the change.
  std::string patient_id;
  std::string referral_id;
  std::string referral_state;
};

// One document waiting for a person, as served from the review-queue index.
struct ReviewItem {
  std::string fax_id;
  uint32_t document = 0;   // 0-based index into the fax's documents
  ReviewPriority priority = ReviewPriority::kRoutine;
  int64_t received_at_us = 0;
};

// ---------------------------------------------------------------- patients and referrals

// One document filed to a patient, with the identity it printed.
struct PatientSighting {
  std::string fax_id;
  uint32_t document = 0;
  int64_t at_us = 0;  // the fax's received time
  match::Identity identity;
};

// A patient on file: every document filed to them and what each said about them. The matching
// profile is the union of the sightings (match::Profile).
struct PatientRecord {
  std::string id;  // "pt_" + 32 hex digits
  int64_t created_at_us = 0;
  std::vector<PatientSighting> sightings;
  std::vector<std::string> index_keys;  // store bookkeeping: the blocking index entries it owns

  match::Profile Profile() const;
};

// Where a referral episode stands. Written into index keys: never renumber, only add.
enum class ReferralState : uint8_t {
  kReceived = 1,               // opened by a referral document (momentary: checked at once)
  kIncomplete = 2,             // required items missing (ReferralRecord::missing says which)
  kReady = 3,                  // complete, no authorization on file
  kAuthorizationPending = 4,   // complete, the payer's determination is pending
  kAuthorizationApproved = 5,  // complete and authorized
  kAuthorizationDenied = 6,    // the payer denied the authorization
  kConsultReceived = 7,        // the specialist's consult note came back: loop closed
  kClosed = 8,                 // closed by staff
};
const char* ReferralStateName(ReferralState s);  // "received", "incomplete", "ready", "authorization_pending", ...
std::optional<ReferralState> ParseReferralState(std::string_view name);

// A document attached to a referral and what it supplies to the referral's checklist.
struct ReferralDocument {
  std::string fax_id;
  uint32_t document = 0;
  DocType type = DocType::kOther;
  int64_t at_us = 0;                  // the fax's received time
  std::vector<std::string> provides;  // its valid field keys and "document.<type>"
  std::string authorization_status;   // prior authorization letters: approved, denied, pending
};

struct ReferralTransition {
  ReferralState state = ReferralState::kReceived;
  int64_t at_us = 0;
  std::string fax_id;  // the fax whose documents caused it; empty for staff actions
};

// A referral episode: opened by a referral document, collecting the patient's later documents
// (insurance card, authorization letter, notes, the consult note that closes the loop).
struct ReferralRecord {
  std::string id;  // "rf_" + 32 hex digits
  std::string patient_id;
  std::string opened_by_fax;
  uint32_t opened_by_document = 0;
  int64_t opened_at_us = 0;               // the opening fax's received time
  std::string checklist;                  // the opening referral's checklist name
  std::vector<std::string> required_missing;  // items the opening fax lacked
  std::vector<std::string> missing;       // of those, still missing over all attached documents
  std::string priority;                   // routine, urgent, stat (empty: not stated)
  std::string specialty;
  std::string referring_npi;
  std::vector<ReferralDocument> documents;
  ReferralState state = ReferralState::kReceived;
  int64_t state_since_us = 0;
  int64_t ready_at_us = 0;                // first time it became ready or authorized (0: never)
  std::vector<ReferralTransition> history;
  bool closed = false;                    // by staff
  std::vector<std::string> index_keys;    // store bookkeeping
};

// The matcher's reasons for leaving a document to a person: kept for the reviewer.
struct MatchReview {
  std::string fax_id;
  uint32_t document = 0;
  match::Decision decision = match::Decision::kPossibleMatch;
  std::vector<match::ScoredCandidate> candidates;  // best first, with per-field evidence
};

// A person's decision on a document left to them by the matcher (RecordStore::
// ResolveMatchReview): the same person as a patient on file, or a new patient.
struct MatchDecision {
  enum class Kind : uint8_t { kSamePatient, kNewPatient };
  Kind kind = Kind::kNewPatient;
  std::string patient_id;  // kSamePatient: one of the review's candidates

  static MatchDecision Same(std::string id) { return MatchDecision{Kind::kSamePatient, std::move(id)}; }
  static MatchDecision New() { return MatchDecision{Kind::kNewPatient, {}}; }
};

struct ResolveOutcome {
  std::string patient_id;                  // the patient the document is now filed to
  std::optional<std::string> referral_id;  // the referral it joined or opened, if any
  bool new_patient = false;                // the decision created the patient
  bool already_resolved = false;           // a repeat of the same decision: nothing was written
  bool still_needs_review = false;         // the document has other review reasons left
  IntakeStatus fax_status = IntakeStatus::kNeedsReview;  // the fax's status afterwards
};

// Referrals in one state, as served from the state index.
struct ReferralSummary {
  std::string referral_id;
  ReferralState state = ReferralState::kReceived;
  int64_t since_us = 0;
  bool operator==(const ReferralSummary&) const = default;
};

// Referral counts per referring provider, from the NPI index.
struct ReferrerVolume {
  std::string npi;
  uint64_t referrals = 0;
};

}  // namespace faxintake::store
