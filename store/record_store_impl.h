// Internal to store/: the RecordStore implementation class and the helpers its source files
// share (record_store.cc, audit.cc, match_resolution.cc, retention.cc, referral_metrics.cc).
// The only header besides record_store.cc that includes RocksDB; never include it outside
// store/. Thread-safety: as RecordStore (see record_store.h).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/keys.h"
#include "store/record_store.h"

namespace faxintake::store {

namespace rdb = ROCKSDB_NAMESPACE;

namespace internal {

inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// RocksDB status messages name files and operations, never values, so they may be passed on.
inline Error StatusError(const rdb::Status& s, std::string_view what) {
  ErrorCode code = ErrorCode::kInternal;
  std::string reason = "store_internal";
  if (s.IsNotFound()) {
    code = ErrorCode::kNotFound, reason = "store_not_found";
  } else if (s.IsCorruption()) {
    code = ErrorCode::kDataLoss, reason = "store_corrupt";
  } else if (s.IsNoSpace() || s.subcode() == rdb::Status::kSpaceLimit || s.IsMemoryLimit()) {
    code = ErrorCode::kResourceExhausted, reason = "store_no_space";
  } else if (s.IsIOError()) {
    code = ErrorCode::kUnavailable, reason = "store_io_error";
  } else if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsShutdownInProgress() || s.IsIncomplete()) {
    code = ErrorCode::kUnavailable, reason = "store_busy";
  } else if (s.IsInvalidArgument()) {
    code = ErrorCode::kInvalidArgument, reason = "store_invalid_argument";
  }
  return Error{code, std::move(reason), std::string(what) + ": " + s.ToString()};
}

inline std::unexpected<Error> Fail(const rdb::Status& s, std::string_view what) {
  return std::unexpected<Error>(StatusError(s, what));
}

// Counters and sequences in the meta family are merge operands, so that concurrent batches
// update them without a read-modify-write and in any order. Value: op byte + be64.
//   '+' adds (two's complement, so a negative delta subtracts), '^' keeps the maximum.
// A key only ever receives one kind of operand.
inline constexpr char kAddOp = '+';
inline constexpr char kMaxOp = '^';

inline std::string CounterOperand(char op, uint64_t v) {
  std::string s(1, op);
  keys::PutBigEndian64(&s, v);
  return s;
}

// Counter names (meta "count/<name>").
inline constexpr std::string_view kCountFaxes = "faxes";
inline constexpr std::string_view kCountDocuments = "documents";
inline std::string_view StateCounter(FaxState s) { return FaxStateName(s); }

inline std::string BigEndian32(uint32_t v) {
  std::string s;
  keys::PutBigEndian32(&s, v);
  return s;
}

inline constexpr size_t kStripes = 64;

// Sequence numbers for outbox events. Allocation and the write that carries the event are not
// atomic together, so batches may land out of seq order; readers only see seqs below every
// allocated-but-unfinished one, which makes the visible outbox grow by appending only.
class Sequencer {
 public:
  void Reset(uint64_t last_used) {
    std::lock_guard lock(mu_);
    next_ = last_used + 1;
  }
  uint64_t Allocate() {
    std::lock_guard lock(mu_);
    in_flight_.insert(next_);
    return next_++;
  }
  void Finish(uint64_t seq) {
    std::lock_guard lock(mu_);
    in_flight_.erase(seq);
  }
  uint64_t VisibleThrough() const {
    std::lock_guard lock(mu_);
    return (in_flight_.empty() ? next_ : *in_flight_.begin()) - 1;
  }

 private:
  mutable std::mutex mu_;
  uint64_t next_ = 1;
  std::set<uint64_t> in_flight_;
};

// Finishes an allocated seq when the write that carries it is over, whatever its outcome.
class SeqGuard {
 public:
  SeqGuard(Sequencer& seqs) : seqs_(seqs), seq_(seqs.Allocate()) {}
  ~SeqGuard() { seqs_.Finish(seq_); }
  SeqGuard(const SeqGuard&) = delete;
  SeqGuard& operator=(const SeqGuard&) = delete;
  uint64_t seq() const { return seq_; }

 private:
  Sequencer& seqs_;
  uint64_t seq_;
};

struct Family {
  rdb::ColumnFamilyHandle* handle = nullptr;
  std::string name;
};

// The additional authenticated data of a sealed value: where it lives.
inline std::string Aad(const Family& f, std::string_view key) {
  std::string aad = f.name;
  aad.push_back('\0');
  aad.append(key);
  return aad;
}

inline Result<void> CheckFaxId(const std::string& fax_id) {
  if (!IsValidFaxId(fax_id))
    return MakeError(ErrorCode::kInvalidArgument, "bad_fax_id", "not a fax id (fx_ + 32 hex digits)");
  return {};
}

// Patient documents that join the patient's open referral.
inline bool AttachesToReferral(DocType t) {
  switch (t) {
    case DocType::kInsuranceCard:
    case DocType::kPriorAuthorization:
    case DocType::kClinicalNote:
    case DocType::kConsultNote:
    case DocType::kLabResult:
    case DocType::kImagingReport:
      return true;
    default:
      return false;
  }
}

// Documents that may be filed to a patient without identity of their own (same fax, same name).
inline bool PatientDocument(DocType t) { return t == DocType::kReferral || AttachesToReferral(t); }

inline std::string StringField(const Document& d, const char* key) {
  auto it = d.fields.find(key);
  if (it == d.fields.end() || !it->second.valid) return {};
  const auto* s = std::get_if<std::string>(&it->second.value);
  return s == nullptr ? std::string() : *s;
}

inline ReferralDocument ReferralEntry(const std::string& fax_id, size_t index, const Document& d, int64_t at_us) {
  ReferralDocument e;
  e.fax_id = fax_id;
  e.document = static_cast<uint32_t>(index);
  e.type = d.type;
  e.at_us = at_us;
  for (const auto& [key, field] : d.fields)
    if (field.valid) e.provides.push_back(key);
  e.provides.push_back(std::string("document.") + DocTypeName(d.type));
  if (d.type == DocType::kPriorAuthorization) e.authorization_status = StringField(d, "authorization.status");
  return e;
}

// The state a referral's documents put it in, and its still-missing items.
inline ReferralState ComputeReferralState(ReferralRecord& r) {
  std::set<std::string> provided;
  bool consult = false;
  const ReferralDocument* latest_auth = nullptr;
  for (const ReferralDocument& d : r.documents) {
    provided.insert(d.provides.begin(), d.provides.end());
    consult = consult || d.type == DocType::kConsultNote;
    if (!d.authorization_status.empty() && (latest_auth == nullptr || d.at_us >= latest_auth->at_us)) latest_auth = &d;
  }
  r.missing.clear();
  for (const std::string& item : r.required_missing)
    if (!provided.count(item)) r.missing.push_back(item);
  const std::string auth = latest_auth == nullptr ? "" : latest_auth->authorization_status;
  if (r.closed) return ReferralState::kClosed;
  if (consult) return ReferralState::kConsultReceived;
  if (auth == "denied") return ReferralState::kAuthorizationDenied;
  if (!r.missing.empty()) return ReferralState::kIncomplete;
  if (auth == "pending") return ReferralState::kAuthorizationPending;
  if (auth == "approved") return ReferralState::kAuthorizationApproved;
  return ReferralState::kReady;
}

inline bool ReferralOpen(const ReferralRecord& r) { return !r.closed && r.state != ReferralState::kConsultReceived; }

inline std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

inline bool IsRecordId(const std::string& id, std::string_view prefix) {
  if (id.size() != keys::kRecordIdLength || !id.starts_with(prefix)) return false;
  return std::all_of(id.begin() + 3, id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

inline constexpr std::string_view kPossibleMatch = "possible_match";
inline constexpr std::string_view kPossibleDuplicate = "possible_duplicate";

// At most this many patients are scored for one document (blocking terms shared by very many
// patients, e.g. a common surname and birth year, should not turn a commit into a scan).
inline constexpr size_t kMaxCandidates = 400;

// Releases a snapshot when leaving scope.
class SnapshotGuard {
 public:
  explicit SnapshotGuard(rdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~SnapshotGuard() { db_->ReleaseSnapshot(snapshot_); }
  SnapshotGuard(const SnapshotGuard&) = delete;
  SnapshotGuard& operator=(const SnapshotGuard&) = delete;
  rdb::ReadOptions Options() const {
    rdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    return ro;
  }

 private:
  rdb::DB* db_;
  const rdb::Snapshot* snapshot_;
};

// The audit entry of a change the store made (an outbox event, ids only).
inline AuditEntry ChangeAuditEntry(const OutboxEvent& e, const std::string& actor, const std::string& role,
                                   const std::string& reason) {
  AuditEntry a;
  a.at_unix_ms = e.at_us / 1000;
  a.actor = actor;
  a.role = role;
  a.action = kAuditActionChange;
  if (!e.referral_id.empty()) {
    a.subject_kind = "referral", a.subject_id = e.referral_id;
  } else if (!e.patient_id.empty()) {
    a.subject_kind = "patient", a.subject_id = e.patient_id;
  } else {
    a.subject_kind = "fax", a.subject_id = e.fax_id;
  }
  a.purpose = reason;
  a.event_type = e.type;
  return a;
}

}  // namespace internal

// ====================================================================== Impl

class RecordStore::Impl {
 public:
  Impl(const StoreOptions& options, Sealer sealer) : options_(options), sealer_(std::move(sealer)) {}
  ~Impl() { Close(); }

  Result<void> OpenDb();
  Result<void> CheckSchema();
  Result<void> LoadSequences();

  Result<AcceptOutcome> AcceptFax(std::string_view bytes, const FaxMetadata& meta);
  Result<std::string> GetRawFax(const std::string& fax_id);
  Result<FaxRecord> GetFaxRecord(const std::string& fax_id);
  Result<void> CommitResult(IntakeResult& result, const std::vector<std::string>& page_images);
  Result<PatientRecord> GetPatient(const std::string& id);
  Result<ReferralRecord> GetReferral(const std::string& id);
  Result<std::optional<MatchReview>> GetMatchReview(const std::string& fax_id, uint32_t document);
  Result<std::vector<ReferralSummary>> ReferralsInState(ReferralState state, size_t limit);
  Result<std::vector<ReferrerVolume>> ReferrerVolumes();
  Result<void> CloseReferral(const std::string& id, const std::string& actor, const std::string& reason);
  Result<std::optional<IntakeResult>> GetResult(const std::string& fax_id);
  Result<std::string> GetPageImage(const std::string& fax_id, int page);
  Result<std::vector<std::string>> FaxIdsInState(FaxState state, size_t limit);
  Result<std::vector<ReviewItem>> ReviewQueue(size_t limit);
  Result<std::vector<OutboxEvent>> ReadOutbox(uint64_t after_seq, size_t limit);
  Result<void> Backup(const std::string& dir);
  Result<Counts> Stats();
  Result<void> FlushAndCompact();
  Result<std::map<std::string, uint64_t>> CountKeys();
  Result<void> SetSchemaVersion(uint32_t version);
  Result<void> PutSealedForTesting(const std::string& family, const std::string& key, std::string_view value);
  bool encrypted() const { return sealer_.encrypted(); }

  // audit.cc
  Result<void> RecordAccess(const AccessEntry& e);
  Result<std::vector<AuditEntry>> ReadAudit(uint64_t after_seq, size_t limit);
  // match_resolution.cc
  Result<ResolveOutcome> ResolveMatchReview(const std::string& fax_id, uint32_t document, const MatchDecision& decision,
                                            const std::string& actor, const std::string& reason);
  // retention.cc
  Result<RetentionReport> ApplyRetention(const RetentionOptions& o);
  // referral_metrics.cc
  Result<ReferralMetrics> ComputeReferralMetrics(int64_t now_unix_ms);

  // Schema migration 1 -> 2 (audit.cc): re-keys the audit log by its own sequence and writes a
  // summary entry per referral, in one batch with the new version.
  Result<void> MigrateToV2();

 private:
  struct Migration {
    uint32_t from;
    Result<void> (Impl::*run)();
  };
  static const std::vector<Migration>& Migrations();

  void Close();
  std::mutex& Stripe(std::string_view key) { return stripes_[std::hash<std::string_view>{}(key) % internal::kStripes]; }

  rdb::ColumnFamilyOptions FamilyOptions(const std::string& name) const;

  Result<void> PutSealed(rdb::WriteBatch& batch, const internal::Family& f, const std::string& key, std::string_view value);
  // The unsealed value, nullopt when the key is absent.
  Result<std::optional<std::string>> GetSealed(const rdb::ReadOptions& ro, const internal::Family& f, const std::string& key);
  Result<std::optional<std::string>> GetPlain(const rdb::ReadOptions& ro, const internal::Family& f, const std::string& key);
  Result<std::optional<FaxRecord>> ReadFaxRecord(const rdb::ReadOptions& ro, const std::string& fax_id);
  // Calls `visit(key, value)` for each key starting with `prefix`, in order, until it returns false.
  Result<void> ScanPrefix(const rdb::ReadOptions& ro, const internal::Family& f, const std::string& prefix,
                          const std::function<bool(std::string_view, std::string_view)>& visit);
  Result<uint64_t> ReadCounter(const rdb::ReadOptions& ro, std::string_view key);
  Result<void> PutOutboxEvent(rdb::WriteBatch& batch, const OutboxEvent& event);
  void AddToCounter(rdb::WriteBatch& batch, std::string_view name, int64_t delta);
  Result<void> Write(rdb::WriteBatch& batch, bool sync, std::string_view what);

  // Puts audit entry `e` under `seq` (allocated from audit_seqs_), with `event` (ids only) for
  // change entries.
  Result<void> PutAuditEntry(rdb::WriteBatch& batch, uint64_t seq, const AuditEntry& e, const OutboxEvent* event);
  // The referral's entry in the referral_summaries family (referral_metrics.cc).
  Result<void> PutReferralSummary(rdb::WriteBatch& batch, const ReferralRecord& r);

  // The stored documents of a fax, in order.
  Result<std::vector<Document>> ReadDocuments(const rdb::ReadOptions& ro, const std::string& fax_id);
  // Applies the retention policy to one processed fax (retention.cc).
  Result<void> RetainOrPurge(const std::string& fax_id, int64_t cutoff_us, int64_t now_us, const RetentionOptions& o,
                             RetentionReport& report);

  // Writes `documents` of the fax, its state and review-queue index entries (recorded in
  // record.index_keys; the caller deletes the previous ones) and the fax record.
  Result<void> PutDocumentsAndRecord(rdb::WriteBatch& batch, const std::string& fax_id, FaxRecord& record,
                                     const std::vector<Document>& documents);

  Result<AcceptOutcome> AddGatewayAlias(const std::string& fax_id, FaxRecord record, const std::string& gateway_key);

  // ---- patients and referrals (record_store.cc, "linking")
  struct LinkSet;
  struct LinkEvent {
    OutboxEvent event;  // seq, fax state and revision filled in when written
    std::string actor;
    std::string reason;
    std::string role = "system";  // audit role of the actor: "system" (pipeline), "staff", ...
    bool own_fax_fields = false;  // the event is about another fax: its state and revision are set
  };
  // A person's decision on a document's match (match_resolution.cc), honored by every later
  // commit of the fax while the document still names the same person (identity_hash).
  struct PinnedDecision {
    MatchDecision decision;
    std::string identity_hash;
  };
  using PinnedDecisions = std::map<uint32_t, PinnedDecision>;
  Result<PinnedDecisions> ReadPinnedDecisions(const std::string& fax_id);
  std::string IdentityHash(const match::Identity& id) const;
  // The outcome a pinned decision dictates for document `document` (nullopt: none applies, or
  // the chosen patient is no longer on file; the matcher decides).
  Result<std::optional<match::MatchOutcome>> PinnedOutcome(LinkSet& set, const PinnedDecisions& pinned,
                                                           uint32_t document, const match::Identity& id);

  // Stripes of other faxes locked by a commit (SettleOpeningDocuments), released after its write.
  using HeldLocks = std::vector<std::unique_lock<std::mutex>>;
  Result<void> LinkDocuments(const FaxRecord& previous, const FaxRecord& record, IntakeResult& result,
                             const PinnedDecisions& pinned, rdb::WriteBatch& batch, std::vector<LinkEvent>& events,
                             HeldLocks& held);
  // Brings the review reasons and checklist of each touched referral's opening document in line
  // with the referral (referral_reasons.cc): in `result` when this fax opened it, else in the
  // opening fax's stored documents, in the same batch.
  struct OtherFax {
    FaxRecord record;
    std::vector<Document> documents;
    bool changed = false;
  };
  // Another fax's record and documents, with its stripe locked into `held` (unless held
  // already); nullopt when its stripe is busy or it has no result.
  Result<std::optional<OtherFax>> LoadOtherFax(const std::string& fax_id, const std::string& own_fax_id, HeldLocks& held);
  Result<void> SettleOpeningDocuments(LinkSet& set, IntakeResult& result, rdb::WriteBatch& batch,
                                      std::vector<LinkEvent>& events, HeldLocks& held);
  Result<void> DetachPrevious(LinkSet& set, const std::string& fax_id, rdb::WriteBatch& batch);
  Result<PatientRecord*> LoadPatient(LinkSet& set, const std::string& id);
  Result<ReferralRecord*> LoadReferral(LinkSet& set, const std::string& id);
  Result<std::vector<match::Candidate>> FindCandidates(LinkSet& set, const match::Identity& id);
  Result<std::string> OpenReferralFor(LinkSet& set, const std::string& patient_id, DocType type);
  void UpdateReferralStates(LinkSet& set, int64_t at_us, const std::string& fax_id, std::vector<LinkEvent>& events);
  Result<void> WriteLinkSet(LinkSet& set, rdb::WriteBatch& batch);
  std::string TermHash(const std::string& term) const;
  std::string DerivedId(std::string_view prefix, std::string_view what, const std::string& fax_id, size_t document) const;
  Result<void> PutLinkEvents(rdb::WriteBatch& batch, std::vector<LinkEvent>& events, const FaxRecord& record,
                             std::vector<std::unique_ptr<internal::SeqGuard>>& seqs);

  StoreOptions options_;
  Sealer sealer_;
  rdb::DB* db_ = nullptr;
  std::vector<rdb::ColumnFamilyHandle*> handles_;
  std::shared_ptr<rdb::Cache> cache_;
  std::map<std::string, internal::Family> families_;
  internal::Family meta_, raw_, faxes_, pages_, ocr_, documents_, index_, outbox_, patients_, referrals_, audit_,
      summaries_;
  // Serializes every change to patients and referrals: matching reads the patients on file and
  // must see every earlier commit's new patients. Taken after a fax stripe, never before.
  std::mutex link_mu_;

  std::array<std::mutex, internal::kStripes> stripes_;
  std::atomic<uint64_t> next_accept_seq_{1};
  internal::Sequencer outbox_seqs_;
  internal::Sequencer audit_seqs_;
};

// Everything one commit reads and changes of patients and referrals.
struct RecordStore::Impl::LinkSet {
  std::map<std::string, PatientRecord> patients;             // touched: loaded or created
  std::set<std::string> new_patients;
  std::map<std::string, std::vector<std::string>> patient_old_keys;
  std::map<std::string, ReferralRecord> referrals;
  std::map<std::string, ReferralState> referral_old_state;   // absent: opened by this commit
  std::map<std::string, std::vector<std::string>> referral_old_keys;
  std::map<std::string, std::vector<std::string>> referral_old_missing;
  std::vector<MatchReview> reviews;
};

}  // namespace faxintake::store
