// The record store's on-disk key layout: column family names and key encodings.
//
// Everything here is a storage format: names and byte layouts may be added to, never changed
// (a change is a schema version with a migration). Integers in keys are big-endian so that
// byte order is numeric order. Fax ids are fixed-length (kFaxIdLength), so keys that start
// with one need no separator. Thread-safety: pure functions.
//
// Column family | key                                             | value (sealed unless noted)
// ------------- | ------------------------------------------------ | ---------------------------
// meta          | "schema_version", "encryption", "created_at_us", | plaintext; counters and
//               | "seq/accept", "seq/outbox", "seq/audit",         | sequences are merge operands
//               | "count/<name>"                                   |
// raw           | fax_id                                           | the fax's raw bytes (blob files)
// faxes         | fax_id                                           | FaxRecord
// pages         | fax_id | be32 page number                        | page image bytes (blob files)
// ocr           | fax_id | be32 page number                        | PageResult (with words, lines)
// documents     | fax_id | be32 document index (0-based)           | Document
// patients      | patient_id ("pt_" + 32 hex)                      | PatientRecord
//               | "mr" | fax_id | be32 document                  | MatchReview (left for a person)
//               | "md" | fax_id | be32 document                  | a person's match decision (v2)
// referrals     | referral_id ("rf_" + 32 hex)                     | ReferralRecord
// index         | 's' | state u8 | be64 accept_seq | fax_id         | empty: faxes by state, oldest first
//               | 'r' | priority u8 | be64 received | fax_id | be32 document | empty: review queue
//               | 'g' | 16-byte keyed hash of (source, gateway id)  | plaintext fax_id
//               | 'p' | 16-byte keyed hash of a match term | patient_id | empty: patient blocking
//               | 'o' | patient_id | be64 opened | referral_id     | empty: a patient's open referrals
//               | 'f' | state u8 | be64 since | referral_id        | empty: referrals by state, oldest first
//               | 'n' | npi | 0 | be64 opened | referral_id        | empty: referrals per referring NPI
// outbox        | be64 seq                                         | OutboxEvent
// audit         | be64 audit seq (v2; v1 had be64 time | be64 seq)  | audit entry (store/audit.h)
// referral_summaries | referral_id (v2)                            | the referral's metrics summary
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace faxintake::store::keys {

// Column family names.
inline constexpr const char* kMeta = "meta";
inline constexpr const char* kRaw = "raw";
inline constexpr const char* kFaxes = "faxes";
inline constexpr const char* kPages = "pages";
inline constexpr const char* kOcr = "ocr";
inline constexpr const char* kDocuments = "documents";
inline constexpr const char* kPatients = "patients";
inline constexpr const char* kReferrals = "referrals";
inline constexpr const char* kIndex = "index";
inline constexpr const char* kOutbox = "outbox";
inline constexpr const char* kAudit = "audit";
inline constexpr const char* kReferralSummaries = "referral_summaries";
// Every family the store opens, in a fixed order (RocksDB's "default" comes first, unused).
const std::vector<std::string>& AllFamilies();

// Meta keys.
inline constexpr std::string_view kSchemaVersion = "schema_version";
inline constexpr std::string_view kEncryption = "encryption";
inline constexpr std::string_view kCreatedAt = "created_at_us";
inline constexpr std::string_view kAcceptSeq = "seq/accept";
inline constexpr std::string_view kOutboxSeq = "seq/outbox";
inline constexpr std::string_view kAuditSeq = "seq/audit";
std::string CounterKey(std::string_view name);  // "count/<name>"

// Index key tags (first byte of every key in the index family).
inline constexpr char kStateTag = 's';
inline constexpr char kReviewTag = 'r';
inline constexpr char kGatewayTag = 'g';
inline constexpr char kPatientTermTag = 'p';
inline constexpr char kOpenReferralTag = 'o';
inline constexpr char kReferralStateTag = 'f';
inline constexpr char kReferrerTag = 'n';

// Patient and referral ids: a prefix and 32 hex digits.
inline constexpr size_t kRecordIdLength = 35;

void PutBigEndian32(std::string* out, uint32_t v);
void PutBigEndian64(std::string* out, uint64_t v);
uint32_t ReadBigEndian32(std::string_view in);  // REQUIRES: in.size() >= 4
uint64_t ReadBigEndian64(std::string_view in);  // REQUIRES: in.size() >= 8
// Signed values as order-preserving unsigned (sign bit flipped).
uint64_t OrderedFromSigned(int64_t v);
int64_t SignedFromOrdered(uint64_t v);

std::string FaxSubKey(std::string_view fax_id, uint32_t n);  // pages, ocr, documents
std::string OutboxKey(uint64_t seq);
std::string AuditKey(uint64_t seq);

std::string StateIndexKey(FaxState state, uint64_t accept_seq, std::string_view fax_id);
std::string StateIndexPrefix(FaxState state);
// The fax id of a state index key; nullopt when malformed.
std::optional<std::string> FaxIdFromStateKey(std::string_view key);

std::string ReviewIndexKey(ReviewPriority priority, int64_t received_at_us, std::string_view fax_id,
                           uint32_t document);
std::string ReviewIndexPrefix();
std::optional<ReviewItem> ParseReviewIndexKey(std::string_view key);

// `hash` is Sealer::IndexHash of GatewayIdentity(source, gateway_fax_id).
std::string GatewayIndexKey(std::string_view hash);
std::string GatewayIdentity(std::string_view source, std::string_view gateway_fax_id);

// Patient blocking: `hash` is Sealer::IndexHash of a match term (store/match.h IndexTerms).
std::string PatientTermPrefix(std::string_view hash);
std::string PatientTermKey(std::string_view hash, std::string_view patient_id);
// The patient id of a blocking key under `prefix`; nullopt when malformed.
std::optional<std::string> PatientIdFromTermKey(std::string_view key, size_t prefix_size);

std::string OpenReferralPrefix(std::string_view patient_id);
std::string OpenReferralKey(std::string_view patient_id, int64_t opened_at_us, std::string_view referral_id);
std::string ReferralStatePrefix(ReferralState state);
std::string ReferralStateKey(ReferralState state, int64_t since_us, std::string_view referral_id);
std::string ReferrerPrefix();
std::string ReferrerKey(std::string_view npi, int64_t opened_at_us, std::string_view referral_id);
// The referral id and time of an 'o', 'f' or 'n' key (the last 8 + kRecordIdLength bytes).
std::optional<std::pair<int64_t, std::string>> ReferralTail(std::string_view key);
// The NPI of a referrer key; nullopt when malformed.
std::optional<std::string> NpiFromReferrerKey(std::string_view key);

std::string MatchReviewKey(std::string_view fax_id, uint32_t document);
std::string MatchReviewPrefix(std::string_view fax_id);
// A person's decision on a match review (RecordStore::ResolveMatchReview), kept so that a
// re-commit of the fax files the document the same way.
std::string MatchDecisionKey(std::string_view fax_id, uint32_t document);

// The smallest key greater than every key starting with `prefix` (empty: no bound).
std::string PrefixSuccessor(std::string_view prefix);

// RFC 3339 timestamp ("2024-05-01T13:45:00Z", fraction and offset optional) as Unix
// microseconds; nullopt when it does not parse.
std::optional<int64_t> ParseRfc3339Micros(std::string_view s);

}  // namespace faxintake::store::keys
