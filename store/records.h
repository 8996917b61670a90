// The records the store keeps beside the shared model types: the per-fax record, outbox
// events and review-queue entries. Plain values. Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"

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
};

inline constexpr std::string_view kEventFaxAccepted = "fax.accepted";
inline constexpr std::string_view kEventFaxProcessed = "fax.processed";

// A change event in the outbox. Carries ids only; consumers read the records they need.
struct OutboxEvent {
  uint64_t seq = 0;        // strictly increasing in commit-visibility order; may have gaps
  std::string type;        // kEventFaxAccepted, kEventFaxProcessed, ...
  std::string fax_id;
  FaxState state = FaxState::kAccepted;  // the fax's state after the change
  uint32_t revision = 0;   // the fax's result revision after the change (0: none yet)
  int64_t at_us = 0;       // store clock, Unix microseconds
};

// One document waiting for a person, as served from the review-queue index.
struct ReviewItem {
  std::string fax_id;
  uint32_t document = 0;   // 0-based index into the fax's documents
  ReviewPriority priority = ReviewPriority::kRoutine;
  int64_t received_at_us = 0;
};

}  // namespace faxintake::store
