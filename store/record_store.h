// The record store: every fax, result, page, document, index entry and change event of
// faxintake, kept in one embedded RocksDB database (the only place RocksDB is included).
//
// Layout (column families and keys) is described in store/keys.h. In short: raw faxes and page
// images live apart from small records; each processing step is one atomic WriteBatch holding
// the records, the index entries that point at them and an outbox event; index entries are
// owned by the record they index, so a re-commit replaces them instead of adding to them.
//
// Values are sealed with AES-256-GCM (store/crypto.h) unless the store was created in
// plaintext mode, which needs an explicit `allow_plaintext` (tests, development).
//
// Thread-safety: a RecordStore may be used from any number of threads at once; every method
// is safe to call concurrently with every other (writes to one fax are serialized internally,
// writes to different faxes proceed in parallel and share WAL syncs). One process at a time
// may open a given store folder.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"
#include "store/audit.h"
#include "store/crypto.h"
#include "store/fax_id.h"
#include "store/match.h"
#include "store/records.h"
#include "store/referral_metrics.h"
#include "store/retention.h"

namespace faxintake::store {

struct StoreOptions {
  // Folder of the database. Required.
  std::string path;
  // Create the folder and database when missing; when false a missing store is kNotFound.
  bool create_if_missing = true;
  // Master key file (64 hex digits, mode 0600; see LoadKeyFile). Empty: not used.
  std::string key_file;
  // Name of an environment variable holding the master key as 64 hex digits. When the variable
  // is set it takes precedence over key_file; when unset, key_file is used. Empty: not used.
  std::string key_env;
  // When key_file does not exist and the store does not exist yet either, generate the key and
  // create the file (LoadOrCreateKey). A missing key for an existing store is never replaced.
  bool create_key_if_missing = false;
  // With no key configured, create or open a plaintext store. For tests and development only.
  bool allow_plaintext = false;
  // Block cache shared by all column families.
  size_t block_cache_bytes = 64 << 20;
  // Sync the write-ahead log on CommitResult too. Acceptance is always synced; a lost commit is
  // recomputed from the raw fax, but syncing keeps exported outbox events from being lost.
  bool sync_commits = true;
  // Patient matching thresholds (store/match.h).
  match::MatchOptions match;
};

struct AcceptOutcome {
  std::string fax_id;
  bool is_new = false;  // false: the fax was already in the store; nothing was written for it
};

class RecordStore {
 public:
  // The layout version this build reads and writes (meta "schema_version"). Version 2 keys the
  // audit log by its own sequence and keeps a summary entry per referral (store/keys.h).
  static constexpr uint32_t kSchemaVersion = 2;

  struct Counts {
    uint64_t faxes = 0;         // accepted in total
    uint64_t pending = 0;       // accepted, no result committed yet
    uint64_t processed = 0;     // with a committed result: filed + needs_review + quarantined
    uint64_t filed = 0;
    uint64_t needs_review = 0;
    uint64_t quarantined = 0;
    uint64_t documents = 0;     // documents in the current results of all faxes
  };

  // Opens (or creates) the store: all column families, the schema version (migrating an older
  // layout, refusing a newer one) and the encryption mode and key.
  // Errors: kInvalidArgument for an empty path; kFailedPrecondition when no key is configured
  // (or the configured file or variable is missing or malformed) and plaintext is not allowed,
  // when the key is
  // not this store's, when the key mode differs from the store's (encrypted vs plaintext), or when
  // the store was written by a newer schema version; kNotFound when the store does not exist and
  // create_if_missing is false; kUnavailable when another process holds it or I/O fails;
  // kDataLoss when it is corrupt.
  static Result<std::unique_ptr<RecordStore>> Open(const StoreOptions& options);

  // REQUIRES: no call on this store is in progress.
  ~RecordStore();
  RecordStore(const RecordStore&) = delete;
  RecordStore& operator=(const RecordStore&) = delete;

  // Stores a new fax's raw bytes and metadata, durably (synced WAL) before returning, with its
  // pending-state index entry, its gateway-id alias and a "fax.accepted" outbox event.
  // Idempotent: when `meta.gateway_fax_id` is set and (source, gateway_fax_id) is already known,
  // returns that fax's id; otherwise when the same bytes are already stored, returns their id
  // (recording the gateway alias if new). In both cases is_new is false and the raw bytes,
  // metadata and state are left as they were.
  // Errors: kInvalidArgument for empty bytes; storage errors (kUnavailable, kResourceExhausted
  // when the disk is full, kDataLoss).
  Result<AcceptOutcome> AcceptFax(std::string_view bytes, const FaxMetadata& meta);

  // The raw bytes of an accepted fax, verified against its id.
  // Errors: kInvalidArgument for a malformed id; kNotFound (reason "purged_by_retention" when
  // ApplyRetention removed them, the fax's records staying); kDataLoss when the bytes do not
  // hash to the id.
  Result<std::string> GetRawFax(const std::string& fax_id);

  // The metadata recorded when the fax was first accepted. Errors: as GetFaxRecord.
  Result<FaxMetadata> GetMetadata(const std::string& fax_id);

  // The fax's record (state, acceptance and result bookkeeping).
  // Errors: kInvalidArgument for a malformed id; kNotFound; kDataLoss.
  Result<FaxRecord> GetFaxRecord(const std::string& fax_id);

  // Commits the outcome of processing an accepted fax in one atomic WriteBatch: the fax-level
  // result, every page's OCR (words, lines, boxes), every document with its fields, the page
  // images, the state index entry (replacing "accepted" or the previous state), one review-queue
  // entry per document needing review (ordered by priority, then received time), the counters
  // and a "fax.processed" outbox event. Committing the same fax again replaces everything the
  // previous commit wrote (pages, documents, images, index entries): never two sets.
  // `page_images` is empty (no images) or holds one entry per page of `result.pages`, in the
  // same order; an empty entry stores no image for that page. `result.metadata` is ignored:
  // metadata is what AcceptFax recorded.
  // Errors: kInvalidArgument for a malformed fax id, page numbers that are not distinct and
  // positive, or a page_images size that is neither 0 nor pages.size(); kFailedPrecondition
  // when the fax was never accepted; storage errors.
  //
  // Patients and referrals, in the same batch: each document naming a patient (a family name and
  // a birth date or member id) is matched (store/match.h) against the patients on file, found
  // through keyed-hash blocking entries. It gets the matched or a new `patient_id`, or none and
  // the review reason `possible_match` / `possible_duplicate`, with the candidates and per-field
  // evidence kept for the reviewer (GetMatchReview). A document without such identity whose
  // family name agrees with the only patient matched in the same fax is filed to that patient.
  // A referral document opens a referral episode; the patient's other documents (insurance
  // card, authorization letter, notes, consult note) attach to the referral of the same fax or
  // else to the patient's most recent open referral, in this fax or a later one, and the
  // referral's checklist and state are recomputed over all its documents (kEventReferral*
  // outbox events and audit entries for each change). The referral document that opened a
  // referral keeps its checklist and "missing:<item>" review reasons in line with the referral:
  // a later fax supplying an item clears them (in that earlier fax's stored documents, its
  // review-queue entry and state, with a kEventFaxDocumentsUpdated event, in the same batch;
  // skipped, and logged, only when that fax is being committed at the same moment, which then
  // syncs it itself). Re-committing a fax first detaches what its
  // previous commit filed, so the same fax twice leaves one set of patient and referral records.
  // Ids are derived from the fax and document that created the record, so they are stable.
  //
  // This overload writes the outcome back into `result`: each document's patient_id and
  // referral_id, the added review reasons and the status (filed becomes needs_review when a
  // match is left to a person).
  Result<void> CommitResult(IntakeResult& result, const std::vector<std::string>& page_images);
  // The same, for a caller that does not need the outcome back (it is in GetResult).
  Result<void> CommitResult(const IntakeResult& result, const std::vector<std::string>& page_images);

  // The last committed result, with metadata and per-page text; nullopt while the fax is only
  // accepted. Read from one consistent snapshot. Pages come back ordered by number.
  // Errors: kInvalidArgument for a malformed id; kNotFound when the fax is unknown; kDataLoss.
  Result<std::optional<IntakeResult>> GetResult(const std::string& fax_id);

  // The stored image of page `page` (1-based) of the last committed result.
  // Errors: kInvalidArgument for a malformed id; kNotFound when there is no such image (reason
  // "purged_by_retention" when ApplyRetention removed it).
  Result<std::string> GetPageImage(const std::string& fax_id, int page);

  // Faxes accepted but not yet committed, oldest acceptance first, at most `limit`: the work
  // to resume after a crash.
  Result<std::vector<std::string>> PendingFaxIds(size_t limit = SIZE_MAX);
  // Faxes in `state`, oldest acceptance first, at most `limit`.
  Result<std::vector<std::string>> FaxIdsInState(FaxState state, size_t limit);

  // Documents needing review, most urgent first, then oldest received first; at most `limit`.
  // Served from the index alone.
  Result<std::vector<ReviewItem>> ReviewQueue(size_t limit);

  // ---- patients and referrals

  // A patient record. Errors: kInvalidArgument for a malformed id; kNotFound; kDataLoss.
  Result<PatientRecord> GetPatient(const std::string& patient_id);
  // A referral record. Errors: kInvalidArgument for a malformed id; kNotFound; kDataLoss.
  Result<ReferralRecord> GetReferral(const std::string& referral_id);
  // The matcher's candidates and evidence for a document left to a person; nullopt when the
  // document was matched automatically or is not a patient document.
  // Errors: kInvalidArgument for a malformed fax id; kDataLoss.
  Result<std::optional<MatchReview>> GetMatchReview(const std::string& fax_id, uint32_t document);
  // Referrals now in `state`, longest in it first, at most `limit`. Served from the index.
  Result<std::vector<ReferralSummary>> ReferralsInState(ReferralState state, size_t limit);
  // Referrals per referring NPI (all states), most referrals first. Served from the index.
  Result<std::vector<ReferrerVolume>> ReferrerVolumes();
  // Closes a referral by a staff action (`actor` and `reason` go to the audit log, which must
  // not carry patient data). Closing a closed referral changes nothing.
  // Errors: kInvalidArgument for a malformed id or an empty actor; kNotFound; storage errors.
  Result<void> CloseReferral(const std::string& referral_id, const std::string& actor, const std::string& reason);

  // Settles a document the matcher left to a person (review reason possible_match or
  // possible_duplicate), in one atomic batch: the document is filed to the chosen patient (a
  // new one, with a stable id, for kNewPatient) and attached to a referral as a commit would
  // (its own referral, the fax's referral, or the patient's open one), documents of the same
  // fax that print only the name follow it, the review reason is cleared (the document leaves
  // the review queue when nothing else needs review; the fax becomes filed when no document
  // does), the match review is removed, and a kEventMatchResolved outbox event and audit
  // entries (actor, reason) are written. The decision is kept: a later re-commit of the fax
  // files the document the same way. Repeating the same decision changes nothing
  // (already_resolved).
  // Errors: kInvalidArgument for a malformed fax id, an empty actor, or a kSamePatient id that
  // is not one of the review's candidates; kNotFound for an unknown fax or document;
  // kFailedPrecondition when the document has no pending match review (never had one, or was
  // resolved to another patient) or the chosen patient is no longer on file; storage errors.
  Result<ResolveOutcome> ResolveMatchReview(const std::string& fax_id, uint32_t document, const MatchDecision& decision,
                                            const std::string& actor, const std::string& reason);

  // ---- audit log (store/audit.h)

  // Appends an access entry to the audit log, durably (synced) before returning.
  // The caller must pass ids and codes only (no names, dates of birth, free text from a fax).
  // Errors: kInvalidArgument for an empty actor or action, a field with control characters or
  // over 512 bytes; storage errors.
  Result<void> RecordAccess(const AccessEntry& e);
  // Audit entries (access and change) with seq > after_seq, in seq order, at most `limit`.
  // Like ReadOutbox, only entries below every still-running write are returned, so the last
  // seq read is a safe cursor. Errors: kDataLoss for a corrupt entry; storage errors.
  Result<std::vector<AuditEntry>> ReadAudit(uint64_t after_seq, size_t limit);

  // ---- retention and reports

  // Removes the raw bytes and page images of processed faxes accepted more than
  // `o.raw_days` days ago (store/retention.h), one atomic batch per fax with a kEventRawPurged
  // outbox event and an audit entry. Never removes: faxes not yet processed, faxes with a
  // document in a referral that is not closed (kClosed; a referral whose consult note came
  // back is still kept until staff close it), faxes with a document in the review queue,
  // quarantined faxes (the raw fax is all there is of them).
  // The fax record, result, OCR, documents and match data stay; GetRawFax and GetPageImage of
  // a purged fax answer kNotFound with reason "purged_by_retention". raw_days 0 removes
  // nothing. Cost: reads every processed fax's record and documents.
  // Errors: kInvalidArgument for negative raw_days; storage errors (faxes purged before the
  // error stay purged).
  Result<RetentionReport> ApplyRetention(const RetentionOptions& o);

  // The referral coordination metrics at `now_unix_ms` (store/referral_metrics.h). Reads the
  // small per-referral summary entries (one per referral, no patient data), not faxes or
  // documents: cost grows with the number of referrals, a few hundred bytes each.
  // Errors: kDataLoss for a corrupt summary; storage errors.
  Result<ReferralMetrics> ComputeReferralMetrics(int64_t now_unix_ms);

  // Outbox events with seq > after_seq, in seq order, at most `limit`. Only events whose seq is
  // below every still-running write are returned, so a consumer that keeps the last seq it read
  // as its cursor never skips an event. Seqs may have gaps (a failed write).
  Result<std::vector<OutboxEvent>> ReadOutbox(uint64_t after_seq, size_t limit);

  // Writes a consistent online copy of the store into `dir` (which must not exist) with
  // RocksDB's checkpoint: files are hard-linked when `dir` is on the same file system, so copy
  // it elsewhere for a real backup. Open it with RecordStore::Open and the same key (the key is
  // not in the copy). Errors: kAlreadyExists when `dir` exists; kUnavailable on I/O errors.
  Result<void> Backup(const std::string& dir);

  // Counters kept in the same batches as the records they count; read from one snapshot.
  Result<Counts> Stats();

  // ---- maintenance and tests

  // True when values are sealed under a key.
  bool encrypted() const;
  // Flushes every memtable and compacts every column family fully.
  Result<void> FlushAndCompact();
  // Number of keys in every column family by name, plus "index/<tag>" per index kind
  // ("index/s" state, "index/r" review queue, "index/g" gateway ids, "index/p" patient
  // blocking, "index/o" open referrals, "index/f" referral states, "index/n" referrers).
  // Scans everything.
  Result<std::map<std::string, uint64_t>> CountKeys();
  // Overwrites the stored schema version, to test how Open treats other versions.
  Result<void> SetSchemaVersionForTesting(uint32_t version);
  // Seals `value` under `key` in column family `family`, to build older layouts in tests.
  // Errors: kInvalidArgument for an unknown family; storage errors.
  Result<void> PutSealedForTesting(const std::string& family, const std::string& key, std::string_view value);

 private:
  class Impl;
  explicit RecordStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace faxintake::store
