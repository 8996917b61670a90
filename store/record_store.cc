#include "store/record_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "pipeline/log.h"
#include "store/codec.h"
#include "store/keys.h"
#include "store/record_store_impl.h"

namespace faxintake::store {

using namespace internal;

namespace {

// Counters and sequences in the meta family are merge operands (see record_store_impl.h).
class CounterMergeOperator : public rdb::AssociativeMergeOperator {
 public:
  bool Merge(const rdb::Slice& /*key*/, const rdb::Slice* existing, const rdb::Slice& value, std::string* new_value,
             rdb::Logger* /*logger*/) const override {
    if (value.size() != 9 || (value[0] != kAddOp && value[0] != kMaxOp)) return false;
    if (existing == nullptr) {
      new_value->assign(value.data(), value.size());
      return true;
    }
    if (existing->size() != 9) return false;
    const uint64_t base = keys::ReadBigEndian64(std::string_view(existing->data() + 1, 8));
    const uint64_t operand = keys::ReadBigEndian64(std::string_view(value.data() + 1, 8));
    const uint64_t merged = value[0] == kAddOp ? base + operand : std::max(base, operand);
    *new_value = CounterOperand(value[0], merged);
    return true;
  }
  const char* Name() const override { return "faxintake.CounterMerge"; }
};

}  // namespace

// Schema migrations, each from one version to the next. A migration writes its changes and the
// new "schema_version" in one batch, so a crash leaves either the old or the new layout.
const std::vector<RecordStore::Impl::Migration>& RecordStore::Impl::Migrations() {
  static const std::vector<Migration> all = {{1, &RecordStore::Impl::MigrateToV2}};
  return all;
}


// ---------------------------------------------------------------------- open / close

rdb::ColumnFamilyOptions RecordStore::Impl::FamilyOptions(const std::string& name) const {
  rdb::ColumnFamilyOptions cf;
  rdb::BlockBasedTableOptions table;
  table.block_cache = cache_;
  table.filter_policy.reset(rdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  cf.table_factory.reset(rdb::NewBlockBasedTableFactory(table));
  if (name == keys::kRaw || name == keys::kPages) {
    // Megabyte-sized blobs go to blob files so compaction of their keys does not rewrite them.
    cf.enable_blob_files = true;
    cf.min_blob_size = 4096;
    cf.enable_blob_garbage_collection = true;
    cf.blob_compression_type = rdb::kNoCompression;  // sealed or already compressed (TIFF, PNG)
  }
  if (name == keys::kMeta) cf.merge_operator = std::make_shared<CounterMergeOperator>();
  // Ciphertext does not compress; only the plaintext families (keys and counters) gain from it.
  if (sealer_.encrypted() && name != keys::kMeta && name != keys::kIndex) cf.compression = rdb::kNoCompression;
  return cf;
}

Result<void> RecordStore::Impl::OpenDb() {
  cache_ = rdb::NewLRUCache(options_.block_cache_bytes);
  rdb::DBOptions db_options;
  db_options.create_if_missing = options_.create_if_missing;
  db_options.create_missing_column_families = true;  // a newer layout may add families
  db_options.max_background_jobs = 4;
  db_options.bytes_per_sync = 1 << 20;
  // Rarely written families (patients, audit) would otherwise pin old WAL files forever.
  db_options.max_total_wal_size = 256 << 20;
  db_options.keep_log_file_num = 10;

  std::vector<std::string> names = keys::AllFamilies();
  std::vector<std::string> existing;
  if (rdb::DB::ListColumnFamilies(db_options, options_.path, &existing).ok()) {
    for (const std::string& n : existing)
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  std::vector<rdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, FamilyOptions(n));

  rdb::Status s = rdb::DB::Open(db_options, options_.path, descriptors, &handles_, &db_);
  if (!s.ok()) {
    if (s.IsInvalidArgument() && !options_.create_if_missing)
      return MakeError(ErrorCode::kNotFound, "store_missing", "no store at the configured path: " + s.ToString());
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos)
      return MakeError(ErrorCode::kUnavailable, "store_locked", "store is open in another process: " + s.ToString());
    return Fail(s, "open store");
  }
  for (size_t i = 0; i < names.size(); ++i) families_[names[i]] = Family{handles_[i], names[i]};
  meta_ = families_[keys::kMeta];
  raw_ = families_[keys::kRaw];
  faxes_ = families_[keys::kFaxes];
  pages_ = families_[keys::kPages];
  ocr_ = families_[keys::kOcr];
  documents_ = families_[keys::kDocuments];
  index_ = families_[keys::kIndex];
  outbox_ = families_[keys::kOutbox];
  patients_ = families_[keys::kPatients];
  referrals_ = families_[keys::kReferrals];
  audit_ = families_[keys::kAudit];
  summaries_ = families_[keys::kReferralSummaries];
  return {};
}

void RecordStore::Impl::Close() {
  if (db_ == nullptr) return;
  for (rdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  rdb::Status s = db_->Close();
  if (!s.ok()) log::Warn("store_close_failed", "code={}", static_cast<int>(s.code()));
  delete db_;
  db_ = nullptr;
}

Result<void> RecordStore::Impl::CheckSchema() {
  const rdb::ReadOptions ro;
  auto version = GetPlain(ro, meta_, std::string(keys::kSchemaVersion));
  if (!version) return std::unexpected(version.error());
  nlohmann::json encryption = {{"mode", sealer_.encrypted() ? "aes-256-gcm" : "plaintext"},
                               {"key_check", sealer_.KeyCheck()}};
  if (!*version) {
    // A new store, unless records exist without a version (then something removed it).
    std::unique_ptr<rdb::Iterator> it(db_->NewIterator(ro, faxes_.handle));
    it->SeekToFirst();
    if (it->Valid())
      return MakeError(ErrorCode::kDataLoss, "schema_version_missing", "store has records but no schema version");
    rdb::WriteBatch batch;
    batch.Put(meta_.handle, keys::kSchemaVersion, BigEndian32(kSchemaVersion));
    batch.Put(meta_.handle, keys::kEncryption, encryption.dump());
    std::string created;
    keys::PutBigEndian64(&created, static_cast<uint64_t>(NowMicros()));
    batch.Put(meta_.handle, keys::kCreatedAt, created);
    return Write(batch, /*sync=*/true, "initialize store");
  }

  if ((*version)->size() != 4) return MakeError(ErrorCode::kDataLoss, "schema_version_corrupt", "bad schema version");
  uint32_t v = keys::ReadBigEndian32(**version);
  if (v > kSchemaVersion)
    return MakeError(ErrorCode::kFailedPrecondition, "store_schema_newer",
                     "store has schema version " + std::to_string(v) + "; this build reads up to " +
                         std::to_string(kSchemaVersion));
  if (v == 0) return MakeError(ErrorCode::kDataLoss, "schema_version_corrupt", "schema version 0");
  auto stored = GetPlain(ro, meta_, std::string(keys::kEncryption));
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return MakeError(ErrorCode::kDataLoss, "encryption_info_missing", "store lacks its encryption record");
  const auto info = nlohmann::json::parse(**stored, nullptr, /*allow_exceptions=*/false);
  if (!info.is_object() || !info.contains("mode") || !info.contains("key_check"))
    return MakeError(ErrorCode::kDataLoss, "encryption_info_corrupt", "store's encryption record is corrupt");
  if (info["mode"] != encryption["mode"]) {
    if (sealer_.encrypted())
      return MakeError(ErrorCode::kFailedPrecondition, "store_not_encrypted",
                       "a key is configured but the store was created in plaintext mode");
    return MakeError(ErrorCode::kFailedPrecondition, "store_key_missing",
                     "the store is encrypted and no key is configured");
  }
  if (info["key_check"] != encryption["key_check"])
    return MakeError(ErrorCode::kFailedPrecondition, "store_key_mismatch", "the configured key is not this store's key");
  // Migrations unseal and reseal values: only with this store's key, checked above.
  while (v < kSchemaVersion) {
    auto m = std::find_if(Migrations().begin(), Migrations().end(), [v](const Migration& m) { return m.from == v; });
    if (m == Migrations().end())
      return MakeError(ErrorCode::kFailedPrecondition, "store_schema_unsupported",
                       "no migration from schema version " + std::to_string(v));
    log::Info("store_migrating", "from={} to={}", v, v + 1);
    if (auto r = (this->*(m->run))(); !r) return r;
    ++v;
  }

  return {};
}

Result<void> RecordStore::Impl::LoadSequences() {
  const rdb::ReadOptions ro;
  auto accept = ReadCounter(ro, keys::kAcceptSeq);
  if (!accept) return std::unexpected(accept.error());
  auto outbox = ReadCounter(ro, keys::kOutboxSeq);
  if (!outbox) return std::unexpected(outbox.error());
  auto audit = ReadCounter(ro, keys::kAuditSeq);
  if (!audit) return std::unexpected(audit.error());
  next_accept_seq_ = *accept + 1;
  outbox_seqs_.Reset(*outbox);
  audit_seqs_.Reset(*audit);
  return {};
}

// ---------------------------------------------------------------------- helpers

Result<void> RecordStore::Impl::PutSealed(rdb::WriteBatch& batch, const Family& f, const std::string& key,
                                          std::string_view value) {
  auto sealed = sealer_.Seal(value, Aad(f, key));
  if (!sealed) return std::unexpected(sealed.error());
  rdb::Status s = batch.Put(f.handle, key, *sealed);
  if (!s.ok()) return Fail(s, "batch put");
  return {};
}

Result<std::optional<std::string>> RecordStore::Impl::GetPlain(const rdb::ReadOptions& ro, const Family& f,
                                                               const std::string& key) {
  std::string value;
  rdb::Status s = db_->Get(ro, f.handle, key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return Fail(s, "read " + f.name);
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<std::string>> RecordStore::Impl::GetSealed(const rdb::ReadOptions& ro, const Family& f,
                                                                const std::string& key) {
  auto stored = GetPlain(ro, f, key);
  if (!stored || !*stored) return stored;
  auto plain = sealer_.Unseal(**stored, Aad(f, key));
  if (!plain) return std::unexpected(plain.error());
  return std::optional<std::string>(std::move(*plain));
}

Result<std::optional<FaxRecord>> RecordStore::Impl::ReadFaxRecord(const rdb::ReadOptions& ro,
                                                                  const std::string& fax_id) {
  auto bytes = GetSealed(ro, faxes_, fax_id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return std::optional<FaxRecord>();
  auto record = DecodeFaxRecord(**bytes);
  if (!record) return std::unexpected(record.error());
  return std::optional<FaxRecord>(std::move(*record));
}

Result<void> RecordStore::Impl::ScanPrefix(const rdb::ReadOptions& base, const Family& f, const std::string& prefix,
                                           const std::function<bool(std::string_view, std::string_view)>& visit) {
  rdb::ReadOptions ro = base;
  const std::string upper = keys::PrefixSuccessor(prefix);
  rdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> it(db_->NewIterator(ro, f.handle));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!visit(std::string_view(it->key().data(), it->key().size()),
               std::string_view(it->value().data(), it->value().size())))
      break;
  }
  if (!it->status().ok()) return Fail(it->status(), "scan " + f.name);
  return {};
}

Result<uint64_t> RecordStore::Impl::ReadCounter(const rdb::ReadOptions& ro, std::string_view key) {
  auto value = GetPlain(ro, meta_, std::string(key));
  if (!value) return std::unexpected(value.error());
  if (!*value) return uint64_t{0};
  if ((*value)->size() != 9) return MakeError(ErrorCode::kDataLoss, "counter_corrupt", "bad counter value");
  return keys::ReadBigEndian64(std::string_view(**value).substr(1));
}

void RecordStore::Impl::AddToCounter(rdb::WriteBatch& batch, std::string_view name, int64_t delta) {
  if (delta == 0) return;
  batch.Merge(meta_.handle, keys::CounterKey(name), CounterOperand(kAddOp, static_cast<uint64_t>(delta)));
}

Result<void> RecordStore::Impl::PutOutboxEvent(rdb::WriteBatch& batch, const OutboxEvent& event) {
  const std::string key = keys::OutboxKey(event.seq);
  if (auto r = PutSealed(batch, outbox_, key, EncodeOutboxEvent(event)); !r) return r;
  batch.Merge(meta_.handle, keys::kOutboxSeq, CounterOperand(kMaxOp, event.seq));
  return {};
}

Result<void> RecordStore::Impl::Write(rdb::WriteBatch& batch, bool sync, std::string_view what) {
  rdb::WriteOptions wo;
  wo.sync = sync;
  rdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return Fail(s, what);
  return {};
}

// ---------------------------------------------------------------------- accept

Result<AcceptOutcome> RecordStore::Impl::AcceptFax(std::string_view bytes, const FaxMetadata& meta) {
  if (bytes.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty_fax", "a fax has at least one byte");
  const std::string fax_id = FaxIdForBytes(bytes);
  std::string gateway_key;
  if (!meta.gateway_fax_id.empty())
    gateway_key = keys::GatewayIndexKey(sealer_.IndexHash(keys::GatewayIdentity(meta.source, meta.gateway_fax_id)));

  // The fax's stripe serializes its records; the gateway key's stripe serializes two different
  // byte streams arriving under one gateway id. Locked in address order: no deadlock.
  std::mutex* a = &Stripe(fax_id);
  std::mutex* b = gateway_key.empty() ? a : &Stripe(gateway_key);
  if (b < a) std::swap(a, b);
  std::unique_lock first(*a);
  std::unique_lock<std::mutex> second;
  if (b != a) second = std::unique_lock(*b);

  const rdb::ReadOptions ro;
  if (!gateway_key.empty()) {
    auto known = GetPlain(ro, index_, gateway_key);
    if (!known) return std::unexpected(known.error());
    if (*known) {
      log::Info("fax_duplicate", "fax_id={} by=gateway_id", **known);
      return AcceptOutcome{**known, false};
    }
  }
  auto existing = ReadFaxRecord(ro, fax_id);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) {
    log::Info("fax_duplicate", "fax_id={} by=bytes", fax_id);
    if (gateway_key.empty()) return AcceptOutcome{fax_id, false};
    return AddGatewayAlias(fax_id, std::move(**existing), gateway_key);
  }

  FaxRecord record;
  record.metadata = meta;
  record.state = FaxState::kAccepted;
  record.accept_seq = next_accept_seq_.fetch_add(1);
  record.accepted_at_us = NowMicros();
  record.received_at_us = keys::ParseRfc3339Micros(meta.received_at).value_or(record.accepted_at_us);
  record.byte_size = bytes.size();
  const std::string state_key = keys::StateIndexKey(FaxState::kAccepted, record.accept_seq, fax_id);
  record.index_keys = {state_key};
  if (!gateway_key.empty()) record.gateway_keys = {gateway_key};

  rdb::WriteBatch batch;
  if (auto r = PutSealed(batch, raw_, fax_id, bytes); !r) return std::unexpected(r.error());
  if (auto r = PutSealed(batch, faxes_, fax_id, EncodeFaxRecord(record)); !r) return std::unexpected(r.error());
  batch.Put(index_.handle, state_key, rdb::Slice());
  if (!gateway_key.empty()) batch.Put(index_.handle, gateway_key, fax_id);
  // Allocated last: from here until the write ends, readers of the outbox wait for this seq.
  SeqGuard seq(outbox_seqs_);
  OutboxEvent event{seq.seq(), std::string(kEventFaxAccepted), fax_id, FaxState::kAccepted, 0, record.accepted_at_us};
  if (auto r = PutOutboxEvent(batch, event); !r) return std::unexpected(r.error());
  batch.Merge(meta_.handle, keys::kAcceptSeq, CounterOperand(kMaxOp, record.accept_seq));
  AddToCounter(batch, kCountFaxes, 1);
  AddToCounter(batch, StateCounter(FaxState::kAccepted), 1);
  if (auto r = Write(batch, /*sync=*/true, "accept fax"); !r) return std::unexpected(r.error());
  log::Info("fax_accepted", "fax_id={} bytes={} accept_seq={} outbox_seq={}", fax_id, bytes.size(), record.accept_seq,
            seq.seq());
  return AcceptOutcome{fax_id, true};
}

Result<AcceptOutcome> RecordStore::Impl::AddGatewayAlias(const std::string& fax_id, FaxRecord record,
                                                         const std::string& gateway_key) {
  record.gateway_keys.push_back(gateway_key);
  rdb::WriteBatch batch;
  if (auto r = PutSealed(batch, faxes_, fax_id, EncodeFaxRecord(record)); !r) return std::unexpected(r.error());
  batch.Put(index_.handle, gateway_key, fax_id);
  if (auto r = Write(batch, /*sync=*/true, "record gateway alias"); !r) return std::unexpected(r.error());
  return AcceptOutcome{fax_id, false};
}

Result<std::string> RecordStore::Impl::GetRawFax(const std::string& fax_id) {
  if (auto r = CheckFaxId(fax_id); !r) return std::unexpected(r.error());
  auto bytes = GetSealed(rdb::ReadOptions(), raw_, fax_id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) {
    auto record = ReadFaxRecord(rdb::ReadOptions(), fax_id);
    if (record && *record && (*record)->raw_purged_at_us != 0)
      return MakeError(ErrorCode::kNotFound, "purged_by_retention",
                       "the raw fax was removed by the retention policy: " + fax_id);
    return MakeError(ErrorCode::kNotFound, "fax_not_found", "no such fax: " + fax_id);
  }
  if (FaxIdForBytes(**bytes) != fax_id)
    return MakeError(ErrorCode::kDataLoss, "raw_fax_corrupt", "stored bytes do not match fax " + fax_id);
  return std::move(**bytes);
}

Result<FaxRecord> RecordStore::Impl::GetFaxRecord(const std::string& fax_id) {
  if (auto r = CheckFaxId(fax_id); !r) return std::unexpected(r.error());
  auto record = ReadFaxRecord(rdb::ReadOptions(), fax_id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return MakeError(ErrorCode::kNotFound, "fax_not_found", "no such fax: " + fax_id);
  return std::move(**record);
}

// ---------------------------------------------------------------------- commit

namespace {

Result<void> ValidateCommit(const IntakeResult& result, const std::vector<std::string>& page_images) {
  if (auto r = CheckFaxId(result.fax_id); !r) return r;
  if (!page_images.empty() && page_images.size() != result.pages.size())
    return MakeError(ErrorCode::kInvalidArgument, "page_images_mismatch",
                     "page_images has " + std::to_string(page_images.size()) + " entries for " +
                         std::to_string(result.pages.size()) + " pages");
  std::set<int> numbers;
  for (const PageResult& p : result.pages) {
    if (p.number < 1 || !numbers.insert(p.number).second)
      return MakeError(ErrorCode::kInvalidArgument, "bad_page_number",
                       "page numbers must be distinct and positive (got " + std::to_string(p.number) + ")");
  }
  if (result.documents.size() > UINT32_MAX)
    return MakeError(ErrorCode::kInvalidArgument, "too_many_documents", "too many documents");
  return {};
}

}  // namespace

Result<void> RecordStore::Impl::CommitResult(IntakeResult& result, const std::vector<std::string>& page_images) {
  if (auto r = ValidateCommit(result, page_images); !r) return r;
  const std::string& fax_id = result.fax_id;
  std::lock_guard lock(Stripe(fax_id));

  const rdb::ReadOptions ro;
  auto existing = ReadFaxRecord(ro, fax_id);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing)
    return MakeError(ErrorCode::kFailedPrecondition, "fax_not_accepted", "commit for a fax never accepted: " + fax_id);
  const FaxRecord previous = **existing;
  FaxRecord record = previous;

  rdb::WriteBatch batch;
  // Whatever the previous commit wrote goes first; puts of the same keys later in the batch win.
  for (const Family* f : {&ocr_, &pages_, &documents_}) {
    auto scanned = ScanPrefix(ro, *f, fax_id, [&](std::string_view key, std::string_view) {
      batch.Delete(f->handle, rdb::Slice(key.data(), key.size()));
      return true;
    });
    if (!scanned) return scanned;
  }
  for (const std::string& k : previous.index_keys) batch.Delete(index_.handle, k);

  std::unique_lock link_lock(link_mu_);
  auto pinned = ReadPinnedDecisions(fax_id);
  if (!pinned) return std::unexpected(pinned.error());
  std::vector<LinkEvent> link_events;
  HeldLocks held;
  if (auto r = LinkDocuments(previous, record, result, *pinned, batch, link_events, held); !r) return r;

  record.state = StateForStatus(result.status);
  record.revision = previous.revision + 1;
  record.committed_at_us = NowMicros();
  record.input = result.input;
  record.status = result.status;
  record.error_code = result.error_code;
  record.error_message = result.error_message;
  record.page_count = static_cast<uint32_t>(result.pages.size());
  record.document_count = static_cast<uint32_t>(result.documents.size());

  for (size_t i = 0; i < result.pages.size(); ++i) {
    const PageResult& page = result.pages[i];
    const std::string key = keys::FaxSubKey(fax_id, static_cast<uint32_t>(page.number));
    if (auto r = PutSealed(batch, ocr_, key, EncodePageResult(page)); !r) return r;
    if (!page_images.empty() && !page_images[i].empty())
      if (auto r = PutSealed(batch, pages_, key, page_images[i]); !r) return r;
  }
  if (auto r = PutDocumentsAndRecord(batch, fax_id, record, result.documents); !r) return r;

  SeqGuard seq(outbox_seqs_);
  OutboxEvent event{seq.seq(), std::string(kEventFaxProcessed), fax_id, record.state, record.revision,
                    record.committed_at_us};
  if (auto r = PutOutboxEvent(batch, event); !r) return r;
  std::vector<std::unique_ptr<SeqGuard>> link_seqs;
  if (auto r = PutLinkEvents(batch, link_events, record, link_seqs); !r) return r;
  if (previous.state != record.state) {
    AddToCounter(batch, StateCounter(previous.state), -1);
    AddToCounter(batch, StateCounter(record.state), 1);
  }
  AddToCounter(batch, kCountDocuments,
               static_cast<int64_t>(record.document_count) - static_cast<int64_t>(previous.document_count));
  if (auto r = Write(batch, options_.sync_commits, "commit result"); !r) return r;
  log::Info("result_committed", "fax_id={} revision={} state={} pages={} documents={} review_entries={} outbox_seq={}",
            fax_id, record.revision, FaxStateName(record.state), record.page_count, record.document_count,
            record.index_keys.size() - 1, seq.seq());
  return {};
}

Result<void> RecordStore::Impl::PutDocumentsAndRecord(rdb::WriteBatch& batch, const std::string& fax_id,
                                                      FaxRecord& record, const std::vector<Document>& documents) {
  std::vector<std::string> index_keys = {keys::StateIndexKey(record.state, record.accept_seq, fax_id)};
  const ReviewPriority priority = PriorityForDocuments(documents);
  for (size_t i = 0; i < documents.size(); ++i) {
    const std::string key = keys::FaxSubKey(fax_id, static_cast<uint32_t>(i));
    if (auto r = PutSealed(batch, documents_, key, EncodeDocument(documents[i])); !r) return r;
    if (documents[i].needs_review)
      index_keys.push_back(keys::ReviewIndexKey(priority, record.received_at_us, fax_id, static_cast<uint32_t>(i)));
  }
  for (const std::string& k : index_keys) batch.Put(index_.handle, k, rdb::Slice());
  record.index_keys = std::move(index_keys);
  return PutSealed(batch, faxes_, fax_id, EncodeFaxRecord(record));
}

// ---------------------------------------------------------------------- patients and referrals

namespace {


}  // namespace


std::string RecordStore::Impl::TermHash(const std::string& term) const {
  return sealer_.IndexHash("patient-term\n" + term);
}

std::string RecordStore::Impl::DerivedId(std::string_view prefix, std::string_view what, const std::string& fax_id,
                                         size_t document) const {
  return std::string(prefix) + Hex(sealer_.IndexHash(std::string(what) + "\n" + fax_id + "\n" + std::to_string(document)));
}

Result<PatientRecord*> RecordStore::Impl::LoadPatient(LinkSet& set, const std::string& id) {
  if (auto it = set.patients.find(id); it != set.patients.end()) return &it->second;
  auto bytes = GetSealed(rdb::ReadOptions(), patients_, id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return static_cast<PatientRecord*>(nullptr);
  auto record = DecodePatientRecord(**bytes);
  if (!record) return std::unexpected(record.error());
  set.patient_old_keys[id] = record->index_keys;
  return &(set.patients[id] = std::move(*record));
}

Result<ReferralRecord*> RecordStore::Impl::LoadReferral(LinkSet& set, const std::string& id) {
  if (auto it = set.referrals.find(id); it != set.referrals.end()) return &it->second;
  auto bytes = GetSealed(rdb::ReadOptions(), referrals_, id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return static_cast<ReferralRecord*>(nullptr);
  auto record = DecodeReferralRecord(**bytes);
  if (!record) return std::unexpected(record.error());
  set.referral_old_keys[id] = record->index_keys;
  set.referral_old_state[id] = record->state;
  set.referral_old_missing[id] = record->missing;
  return &(set.referrals[id] = std::move(*record));
}

// Takes back what the fax's previous commit filed: its sightings, its referral documents and
// its match reviews. Records left empty are deleted when the set is written.
Result<void> RecordStore::Impl::DetachPrevious(LinkSet& set, const std::string& fax_id, rdb::WriteBatch& batch) {
  std::set<std::string> patient_ids, referral_ids;
  std::optional<Error> failure;
  auto scanned = ScanPrefix(rdb::ReadOptions(), documents_, fax_id, [&](std::string_view key, std::string_view value) {
    auto plain = sealer_.Unseal(value, Aad(documents_, key));
    auto doc = plain ? DecodeDocument(*plain) : Result<Document>(std::unexpected(plain.error()));
    if (!doc) {
      failure = doc.error();
      return false;
    }
    if (doc->patient_id) patient_ids.insert(*doc->patient_id);
    if (doc->referral_id) referral_ids.insert(*doc->referral_id);
    return true;
  });
  if (!scanned) return scanned;
  if (failure) return std::unexpected(*failure);
  for (const std::string& id : patient_ids) {
    auto p = LoadPatient(set, id);
    if (!p) return std::unexpected(p.error());
    if (*p == nullptr) continue;
    std::erase_if((*p)->sightings, [&](const PatientSighting& s) { return s.fax_id == fax_id; });
  }
  for (const std::string& id : referral_ids) {
    auto r = LoadReferral(set, id);
    if (!r) return std::unexpected(r.error());
    if (*r == nullptr) continue;
    std::erase_if((*r)->documents, [&](const ReferralDocument& d) { return d.fax_id == fax_id; });
  }
  return ScanPrefix(rdb::ReadOptions(), patients_, keys::MatchReviewPrefix(fax_id), [&](std::string_view key, std::string_view) {
    batch.Delete(patients_.handle, rdb::Slice(key.data(), key.size()));
    return true;
  });
}

Result<std::vector<match::Candidate>> RecordStore::Impl::FindCandidates(LinkSet& set, const match::Identity& id) {
  std::set<std::string> ids;
  std::set<std::string> hashes;
  for (const std::string& term : match::QueryTerms(id)) hashes.insert(TermHash(term));
  for (const std::string& hash : hashes) {
    const std::string prefix = keys::PatientTermPrefix(hash);
    bool malformed = false;
    auto scanned = ScanPrefix(rdb::ReadOptions(), index_, prefix, [&](std::string_view key, std::string_view) {
      auto pid = keys::PatientIdFromTermKey(key, prefix.size());
      if (!pid) {
        malformed = true;
        return false;
      }
      ids.insert(std::move(*pid));
      return ids.size() < kMaxCandidates;
    });
    if (!scanned) return std::unexpected(scanned.error());
    if (malformed) return MakeError(ErrorCode::kDataLoss, "index_corrupt", "malformed patient index key");
  }
  // Patients this commit created or changed are not in the index yet.
  for (const auto& [pid, patient] : set.patients) {
    if (ids.count(pid)) continue;
    for (const PatientSighting& s : patient.sightings) {
      const auto terms = match::IndexTerms(s.identity);
      if (std::any_of(terms.begin(), terms.end(), [&](const std::string& t) { return hashes.count(TermHash(t)) > 0; })) {
        ids.insert(pid);
        break;
      }
    }
  }
  std::vector<match::Candidate> candidates;
  for (const std::string& pid : ids) {
    auto p = LoadPatient(set, pid);
    if (!p) return std::unexpected(p.error());
    if (*p == nullptr || (*p)->sightings.empty()) continue;  // stale index entry, or detached above
    candidates.push_back(match::Candidate{pid, (*p)->Profile()});
  }
  return candidates;
}

// The referral a patient's document joins outside its own fax: the most recently opened one
// still open (a consult note may also join one whose loop is already closed). Empty: none.
Result<std::string> RecordStore::Impl::OpenReferralFor(LinkSet& set, const std::string& patient_id, DocType type) {
  std::set<std::string> ids;
  auto scanned = ScanPrefix(rdb::ReadOptions(), index_, keys::OpenReferralPrefix(patient_id),
                            [&](std::string_view key, std::string_view) {
                              if (auto tail = keys::ReferralTail(key)) ids.insert(tail->second);
                              return true;
                            });
  if (!scanned) return std::unexpected(scanned.error());
  for (const auto& [rid, r] : set.referrals)
    if (r.patient_id == patient_id) ids.insert(rid);
  std::string best;
  int64_t best_opened = 0;
  for (const std::string& rid : ids) {
    auto r = LoadReferral(set, rid);
    if (!r) return std::unexpected(r.error());
    if (*r == nullptr || (*r)->patient_id != patient_id || (*r)->documents.empty() || (*r)->closed) continue;
    if (!ReferralOpen(**r) && type != DocType::kConsultNote) continue;
    if (best.empty() || (*r)->opened_at_us > best_opened || ((*r)->opened_at_us == best_opened && rid > best)) {
      best = rid;
      best_opened = (*r)->opened_at_us;
    }
  }
  return best;
}

Result<void> RecordStore::Impl::LinkDocuments(const FaxRecord& previous, const FaxRecord& record, IntakeResult& result,
                                              const PinnedDecisions& pinned, rdb::WriteBatch& batch,
                                              std::vector<LinkEvent>& events, HeldLocks& held) {
  const std::string& fax_id = result.fax_id;
  const int64_t at = record.received_at_us;
  LinkSet set;
  if (previous.revision > 0)
    if (auto r = DetachPrevious(set, fax_id, batch); !r) return r;

  // The store decides the ids; reasons from an earlier commit of this result are recomputed.
  for (Document& d : result.documents) {
    d.patient_id.reset();
    d.referral_id.reset();
    const size_t before = d.review_reasons.size();
    std::erase_if(d.review_reasons, [](const std::string& r) { return r == kPossibleMatch || r == kPossibleDuplicate; });
    if (before != d.review_reasons.size() && d.review_reasons.empty()) d.needs_review = false;
  }

  // 1. Match every document that names a patient.
  std::vector<match::Identity> identities(result.documents.size());
  for (size_t i = 0; i < result.documents.size(); ++i) {
    Document& d = result.documents[i];
    identities[i] = match::IdentityFromDocument(d);
    if (!match::HasIdentity(identities[i])) continue;
    auto decided = PinnedOutcome(set, pinned, static_cast<uint32_t>(i), identities[i]);
    if (!decided) return std::unexpected(decided.error());
    match::MatchOutcome outcome;
    if (*decided) {
      outcome = std::move(**decided);
    } else {
      auto candidates = FindCandidates(set, identities[i]);
      if (!candidates) return std::unexpected(candidates.error());
      outcome = match::Decide(identities[i], *candidates, options_.match);
    }
    std::string pid;
    switch (outcome.decision) {
      case match::Decision::kSamePatient:
        pid = outcome.patient_id;
        break;
      case match::Decision::kNewPatient: {
        pid = DerivedId("pt_", "patient", fax_id, i);
        auto existing = LoadPatient(set, pid);
        if (!existing) return std::unexpected(existing.error());
        if (*existing == nullptr) {
          PatientRecord p;
          p.id = pid;
          p.created_at_us = at;
          set.patients[pid] = std::move(p);
          set.new_patients.insert(pid);
        }
        break;
      }
      case match::Decision::kPossibleMatch:
      case match::Decision::kPossibleDuplicate:
        d.AddReason(std::string(outcome.decision == match::Decision::kPossibleMatch ? kPossibleMatch : kPossibleDuplicate));
        set.reviews.push_back(MatchReview{fax_id, static_cast<uint32_t>(i), outcome.decision, std::move(outcome.candidates)});
        continue;
    }
    auto p = LoadPatient(set, pid);
    if (!p) return std::unexpected(p.error());
    if (*p == nullptr) return MakeError(ErrorCode::kInternal, "patient_vanished", "matched patient not loaded");
    (*p)->sightings.push_back(PatientSighting{fax_id, static_cast<uint32_t>(i), at, identities[i]});
    d.patient_id = pid;
  }

  // 2. Documents of the fax's only patient that print the name but no birth date or member id.
  std::set<std::string> fax_patients;
  for (const Document& d : result.documents)
    if (d.patient_id) fax_patients.insert(*d.patient_id);
  if (fax_patients.size() == 1) {
    const std::string& pid = *fax_patients.begin();
    auto p = LoadPatient(set, pid);
    if (!p) return std::unexpected(p.error());
    for (size_t i = 0; i < result.documents.size(); ++i) {
      Document& d = result.documents[i];
      if (d.patient_id || !PatientDocument(d.type) || identities[i].family_name.empty()) continue;
      if (std::find(d.review_reasons.begin(), d.review_reasons.end(), kPossibleMatch) != d.review_reasons.end() ||
          std::find(d.review_reasons.begin(), d.review_reasons.end(), kPossibleDuplicate) != d.review_reasons.end())
        continue;
      const match::Score s = match::ScoreCandidate(identities[i], (*p)->Profile());
      const bool conflict = std::any_of(s.evidence.begin(), s.evidence.end(),
                                        [](const match::FieldEvidence& e) { return e.verdict == "mismatch"; });
      if (conflict) continue;
      (*p)->sightings.push_back(PatientSighting{fax_id, static_cast<uint32_t>(i), at, identities[i]});
      d.patient_id = pid;
    }
  }

  // 3. Referral documents open (or, re-committed, re-open) their episodes.
  std::map<std::string, std::string> fax_referral;  // patient id -> referral opened in this fax
  for (size_t i = 0; i < result.documents.size(); ++i) {
    Document& d = result.documents[i];
    if (d.type != DocType::kReferral || !d.patient_id) continue;
    const std::string rid = DerivedId("rf_", "referral", fax_id, i);
    auto loaded = LoadReferral(set, rid);
    if (!loaded) return std::unexpected(loaded.error());
    ReferralRecord* r = *loaded;
    if (r == nullptr) {
      r = &set.referrals[rid];
      r->id = rid;
      r->state = ReferralState::kReceived;
      r->state_since_us = at;
      r->history.push_back(ReferralTransition{ReferralState::kReceived, at, fax_id});
    }
    r->patient_id = *d.patient_id;
    r->opened_by_fax = fax_id;
    r->opened_by_document = static_cast<uint32_t>(i);
    r->opened_at_us = at;
    r->checklist = d.checklist.name;
    r->required_missing = d.checklist.missing;
    r->priority = StringField(d, "referral.priority");
    r->specialty = StringField(d, "referral.specialty");
    r->referring_npi = StringField(d, "referring.npi");
    r->documents.push_back(ReferralEntry(fax_id, i, d, at));
    d.referral_id = rid;
    fax_referral.emplace(*d.patient_id, rid);
  }

  // 4. The patient's other documents join the referral of this fax, else their open referral.
  for (size_t i = 0; i < result.documents.size(); ++i) {
    Document& d = result.documents[i];
    if (!d.patient_id || !AttachesToReferral(d.type)) continue;
    std::string rid;
    if (auto it = fax_referral.find(*d.patient_id); it != fax_referral.end()) {
      rid = it->second;
    } else {
      auto open = OpenReferralFor(set, *d.patient_id, d.type);
      if (!open) return std::unexpected(open.error());
      rid = *open;
    }
    if (rid.empty()) continue;
    auto r = LoadReferral(set, rid);
    if (!r) return std::unexpected(r.error());
    (*r)->documents.push_back(ReferralEntry(fax_id, i, d, at));
    d.referral_id = rid;
  }

  UpdateReferralStates(set, at, fax_id, events);
  for (const std::string& pid : set.new_patients) {
    if (set.patients[pid].sightings.empty()) continue;
    OutboxEvent e;
    e.type = std::string(kEventPatientCreated);
    e.patient_id = pid;
    events.push_back(LinkEvent{std::move(e), "pipeline", "matching"});
  }
  for (LinkEvent& e : events) e.event.fax_id = fax_id;
  if (auto r = SettleOpeningDocuments(set, result, batch, events, held); !r) return r;
  for (const MatchReview& review : set.reviews)
    if (auto r = PutSealed(batch, patients_, keys::MatchReviewKey(fax_id, review.document), EncodeMatchReview(review)); !r)
      return r;
  if (auto r = WriteLinkSet(set, batch); !r) return r;

  if (result.status == IntakeStatus::kFiled &&
      std::any_of(result.documents.begin(), result.documents.end(), [](const Document& d) { return d.needs_review; }))
    result.status = IntakeStatus::kNeedsReview;
  return {};
}

void RecordStore::Impl::UpdateReferralStates(LinkSet& set, int64_t at_us, const std::string& fax_id,
                                             std::vector<LinkEvent>& events) {
  for (auto& [rid, r] : set.referrals) {
    if (r.documents.empty()) continue;  // deleted when written
    const bool opened = !set.referral_old_state.count(rid);
    const ReferralState before = opened ? ReferralState::kReceived : set.referral_old_state[rid];
    const ReferralState now = ComputeReferralState(r);
    if (opened) {
      OutboxEvent e;
      e.type = std::string(kEventReferralOpened);
      e.patient_id = r.patient_id;
      e.referral_id = rid;
      e.referral_state = ReferralStateName(ReferralState::kReceived);
      events.push_back(LinkEvent{std::move(e), "pipeline", "referral document"});
    }
    if (now != r.state) {
      r.history.push_back(ReferralTransition{now, at_us, fax_id});
      r.state = now;
      r.state_since_us = at_us;
    }
    if (r.ready_at_us == 0 && (now == ReferralState::kReady || now == ReferralState::kAuthorizationApproved))
      r.ready_at_us = at_us;
    if (now == before) continue;
    OutboxEvent e;
    e.type = std::string(kEventReferralState);
    e.patient_id = r.patient_id;
    e.referral_id = rid;
    e.referral_state = ReferralStateName(now);
    events.push_back(LinkEvent{std::move(e), "pipeline", "documents attached"});
  }
}

Result<void> RecordStore::Impl::WriteLinkSet(LinkSet& set, rdb::WriteBatch& batch) {
  auto replace_keys = [&](const std::vector<std::string>& old_keys, const std::vector<std::string>& new_keys) {
    const std::set<std::string> keep(new_keys.begin(), new_keys.end());
    for (const std::string& k : old_keys)
      if (!keep.count(k)) batch.Delete(index_.handle, k);
    for (const std::string& k : new_keys) batch.Put(index_.handle, k, rdb::Slice());
  };
  for (auto& [pid, p] : set.patients) {
    const std::vector<std::string>& old_keys = set.patient_old_keys[pid];
    if (p.sightings.empty()) {
      replace_keys(old_keys, {});
      batch.Delete(patients_.handle, pid);
      continue;
    }
    std::set<std::string> keys;
    for (const PatientSighting& s : p.sightings)
      for (const std::string& term : match::IndexTerms(s.identity)) keys.insert(keys::PatientTermKey(TermHash(term), pid));
    p.index_keys.assign(keys.begin(), keys.end());
    replace_keys(old_keys, p.index_keys);
    if (auto r = PutSealed(batch, patients_, pid, EncodePatientRecord(p)); !r) return r;
  }
  for (auto& [rid, r] : set.referrals) {
    const std::vector<std::string>& old_keys = set.referral_old_keys[rid];
    if (r.documents.empty()) {
      replace_keys(old_keys, {});
      batch.Delete(referrals_.handle, rid);
      batch.Delete(summaries_.handle, rid);
      continue;
    }
    if (auto w = PutReferralSummary(batch, r); !w) return w;
    r.index_keys = {keys::ReferralStateKey(r.state, r.state_since_us, rid)};
    if (!r.closed) r.index_keys.push_back(keys::OpenReferralKey(r.patient_id, r.opened_at_us, rid));
    if (!r.referring_npi.empty()) r.index_keys.push_back(keys::ReferrerKey(r.referring_npi, r.opened_at_us, rid));
    replace_keys(old_keys, r.index_keys);
    if (auto w = PutSealed(batch, referrals_, rid, EncodeReferralRecord(r)); !w) return w;
  }
  return {};
}

// Each event goes to the outbox and, with who did it and why, to the audit log.
Result<void> RecordStore::Impl::PutLinkEvents(rdb::WriteBatch& batch, std::vector<LinkEvent>& events,
                                              const FaxRecord& record, std::vector<std::unique_ptr<SeqGuard>>& seqs) {
  for (LinkEvent& le : events) {
    seqs.push_back(std::make_unique<SeqGuard>(outbox_seqs_));
    OutboxEvent& e = le.event;
    e.seq = seqs.back()->seq();
    if (!le.own_fax_fields) {
      e.state = record.state;
      e.revision = record.revision;
    }
    e.at_us = NowMicros();
    if (auto r = PutOutboxEvent(batch, e); !r) return r;
    seqs.push_back(std::make_unique<SeqGuard>(audit_seqs_));
    if (auto r = PutAuditEntry(batch, seqs.back()->seq(), ChangeAuditEntry(e, le.actor, le.role, le.reason), &e); !r)
      return r;
  }
  return {};
}

// ---------------------------------------------------------------------- patient and referral reads

Result<PatientRecord> RecordStore::Impl::GetPatient(const std::string& id) {
  if (!IsRecordId(id, "pt_")) return MakeError(ErrorCode::kInvalidArgument, "bad_patient_id", "not a patient id");
  auto bytes = GetSealed(rdb::ReadOptions(), patients_, id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return MakeError(ErrorCode::kNotFound, "patient_not_found", "no such patient: " + id);
  return DecodePatientRecord(**bytes);
}

Result<ReferralRecord> RecordStore::Impl::GetReferral(const std::string& id) {
  if (!IsRecordId(id, "rf_")) return MakeError(ErrorCode::kInvalidArgument, "bad_referral_id", "not a referral id");
  auto bytes = GetSealed(rdb::ReadOptions(), referrals_, id);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return MakeError(ErrorCode::kNotFound, "referral_not_found", "no such referral: " + id);
  return DecodeReferralRecord(**bytes);
}

Result<std::optional<MatchReview>> RecordStore::Impl::GetMatchReview(const std::string& fax_id, uint32_t document) {
  if (auto r = CheckFaxId(fax_id); !r) return std::unexpected(r.error());
  auto bytes = GetSealed(rdb::ReadOptions(), patients_, keys::MatchReviewKey(fax_id, document));
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return std::optional<MatchReview>();
  auto review = DecodeMatchReview(**bytes);
  if (!review) return std::unexpected(review.error());
  return std::optional<MatchReview>(std::move(*review));
}

Result<std::vector<ReferralSummary>> RecordStore::Impl::ReferralsInState(ReferralState state, size_t limit) {
  std::vector<ReferralSummary> out;
  if (limit == 0) return out;
  bool malformed = false;
  auto scanned = ScanPrefix(rdb::ReadOptions(), index_, keys::ReferralStatePrefix(state),
                            [&](std::string_view key, std::string_view) {
                              auto tail = keys::ReferralTail(key);
                              if (!tail || key.size() != 2 + 8 + keys::kRecordIdLength) {
                                malformed = true;
                                return false;
                              }
                              out.push_back(ReferralSummary{tail->second, state, tail->first});
                              return out.size() < limit;
                            });
  if (!scanned) return std::unexpected(scanned.error());
  if (malformed) return MakeError(ErrorCode::kDataLoss, "index_corrupt", "malformed referral state key");
  return out;
}

Result<std::vector<ReferrerVolume>> RecordStore::Impl::ReferrerVolumes() {
  std::map<std::string, uint64_t> counts;
  bool malformed = false;
  auto scanned = ScanPrefix(rdb::ReadOptions(), index_, keys::ReferrerPrefix(), [&](std::string_view key, std::string_view) {
    auto npi = keys::NpiFromReferrerKey(key);
    if (!npi) {
      malformed = true;
      return false;
    }
    ++counts[*npi];
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (malformed) return MakeError(ErrorCode::kDataLoss, "index_corrupt", "malformed referrer key");
  std::vector<ReferrerVolume> out;
  for (auto& [npi, n] : counts) out.push_back(ReferrerVolume{npi, n});
  std::stable_sort(out.begin(), out.end(), [](const ReferrerVolume& a, const ReferrerVolume& b) { return a.referrals > b.referrals; });
  return out;
}

Result<void> RecordStore::Impl::CloseReferral(const std::string& id, const std::string& actor, const std::string& reason) {
  if (!IsRecordId(id, "rf_")) return MakeError(ErrorCode::kInvalidArgument, "bad_referral_id", "not a referral id");
  if (actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "actor_missing", "a staff action names its actor");
  std::lock_guard lock(link_mu_);
  LinkSet set;
  auto loaded = LoadReferral(set, id);
  if (!loaded) return std::unexpected(loaded.error());
  if (*loaded == nullptr) return MakeError(ErrorCode::kNotFound, "referral_not_found", "no such referral: " + id);
  ReferralRecord& r = **loaded;
  if (r.closed) return {};
  r.closed = true;
  const int64_t now = NowMicros();
  r.state = ReferralState::kClosed;
  r.state_since_us = now;
  r.history.push_back(ReferralTransition{ReferralState::kClosed, now, ""});
  rdb::WriteBatch batch;
  if (auto w = WriteLinkSet(set, batch); !w) return w;
  OutboxEvent e;
  e.type = std::string(kEventReferralState);
  e.patient_id = r.patient_id;
  e.referral_id = id;
  e.referral_state = ReferralStateName(ReferralState::kClosed);
  std::vector<LinkEvent> events = {LinkEvent{std::move(e), actor, reason, "staff"}};
  FaxRecord none;
  none.state = FaxState::kFiled;
  std::vector<std::unique_ptr<SeqGuard>> seqs;
  if (auto w = PutLinkEvents(batch, events, none, seqs); !w) return w;
  if (auto w = Write(batch, /*sync=*/true, "close referral"); !w) return w;
  log::Info("referral_closed", "referral_id={}", id);
  return {};
}

// ---------------------------------------------------------------------- reads

namespace {


}  // namespace

Result<std::optional<IntakeResult>> RecordStore::Impl::GetResult(const std::string& fax_id) {
  if (auto r = CheckFaxId(fax_id); !r) return std::unexpected(r.error());
  SnapshotGuard snapshot(db_);
  const rdb::ReadOptions ro = snapshot.Options();
  auto record = ReadFaxRecord(ro, fax_id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return MakeError(ErrorCode::kNotFound, "fax_not_found", "no such fax: " + fax_id);
  const FaxRecord& rec = **record;
  if (rec.revision == 0) return std::optional<IntakeResult>();

  IntakeResult result;
  result.input = rec.input;
  result.fax_id = fax_id;
  result.status = rec.status;
  result.error_code = rec.error_code;
  result.error_message = rec.error_message;
  result.metadata = rec.metadata;

  std::optional<Error> failure;
  auto decode_pages = ScanPrefix(ro, ocr_, fax_id, [&](std::string_view key, std::string_view value) {
    auto plain = sealer_.Unseal(value, Aad(ocr_, key));
    auto page = plain ? DecodePageResult(*plain) : Result<PageResult>(std::unexpected(plain.error()));
    if (!page) {
      failure = page.error();
      return false;
    }
    result.pages.push_back(std::move(*page));
    return true;
  });
  if (!decode_pages) return std::unexpected(decode_pages.error());
  if (failure) return std::unexpected(*failure);
  auto decode_docs = ScanPrefix(ro, documents_, fax_id, [&](std::string_view key, std::string_view value) {
    auto plain = sealer_.Unseal(value, Aad(documents_, key));
    auto doc = plain ? DecodeDocument(*plain) : Result<Document>(std::unexpected(plain.error()));
    if (!doc) {
      failure = doc.error();
      return false;
    }
    result.documents.push_back(std::move(*doc));
    return true;
  });
  if (!decode_docs) return std::unexpected(decode_docs.error());
  if (failure) return std::unexpected(*failure);
  if (result.pages.size() != rec.page_count || result.documents.size() != rec.document_count)
    return MakeError(ErrorCode::kDataLoss, "result_incomplete", "stored result of " + fax_id + " is incomplete");
  return std::optional<IntakeResult>(std::move(result));
}

Result<std::string> RecordStore::Impl::GetPageImage(const std::string& fax_id, int page) {
  if (auto r = CheckFaxId(fax_id); !r) return std::unexpected(r.error());
  if (page < 1) return MakeError(ErrorCode::kInvalidArgument, "bad_page_number", "pages are numbered from 1");
  auto image = GetSealed(rdb::ReadOptions(), pages_, keys::FaxSubKey(fax_id, static_cast<uint32_t>(page)));
  if (!image) return std::unexpected(image.error());
  if (!*image) {
    auto record = ReadFaxRecord(rdb::ReadOptions(), fax_id);
    if (record && *record && (*record)->raw_purged_at_us != 0)
      return MakeError(ErrorCode::kNotFound, "purged_by_retention", "page images were removed by the retention policy");
    return MakeError(ErrorCode::kNotFound, "page_image_not_found", "no image for that page");
  }
  return std::move(**image);
}

Result<std::vector<std::string>> RecordStore::Impl::FaxIdsInState(FaxState state, size_t limit) {
  std::vector<std::string> ids;
  if (limit == 0) return ids;
  bool malformed = false;
  auto scanned = ScanPrefix(rdb::ReadOptions(), index_, keys::StateIndexPrefix(state),
                            [&](std::string_view key, std::string_view) {
                              auto id = keys::FaxIdFromStateKey(key);
                              if (!id) {
                                malformed = true;
                                return false;
                              }
                              ids.push_back(std::move(*id));
                              return ids.size() < limit;
                            });
  if (!scanned) return std::unexpected(scanned.error());
  if (malformed) return MakeError(ErrorCode::kDataLoss, "index_corrupt", "malformed state index key");
  return ids;
}

Result<std::vector<ReviewItem>> RecordStore::Impl::ReviewQueue(size_t limit) {
  std::vector<ReviewItem> items;
  if (limit == 0) return items;
  bool malformed = false;
  auto scanned = ScanPrefix(rdb::ReadOptions(), index_, keys::ReviewIndexPrefix(),
                            [&](std::string_view key, std::string_view) {
                              auto item = keys::ParseReviewIndexKey(key);
                              if (!item) {
                                malformed = true;
                                return false;
                              }
                              items.push_back(std::move(*item));
                              return items.size() < limit;
                            });
  if (!scanned) return std::unexpected(scanned.error());
  if (malformed) return MakeError(ErrorCode::kDataLoss, "index_corrupt", "malformed review index key");
  return items;
}

Result<std::vector<OutboxEvent>> RecordStore::Impl::ReadOutbox(uint64_t after_seq, size_t limit) {
  std::vector<OutboxEvent> events;
  const uint64_t through = outbox_seqs_.VisibleThrough();
  if (limit == 0 || after_seq >= through) return events;
  rdb::ReadOptions ro;
  const std::string upper = keys::OutboxKey(through + 1);
  rdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> it(db_->NewIterator(ro, outbox_.handle));
  for (it->Seek(keys::OutboxKey(after_seq + 1)); it->Valid() && events.size() < limit; it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    auto plain = sealer_.Unseal(std::string_view(it->value().data(), it->value().size()), Aad(outbox_, key));
    if (!plain) return std::unexpected(plain.error());
    auto event = DecodeOutboxEvent(*plain);
    if (!event) return std::unexpected(event.error());
    events.push_back(std::move(*event));
  }
  if (!it->status().ok()) return Fail(it->status(), "read outbox");
  return events;
}

Result<RecordStore::Counts> RecordStore::Impl::Stats() {
  SnapshotGuard snapshot(db_);
  const rdb::ReadOptions ro = snapshot.Options();
  std::optional<Error> failure;
  auto count = [&](std::string_view name) -> uint64_t {
    auto v = ReadCounter(ro, keys::CounterKey(name));
    if (!v) {
      failure = v.error();
      return 0;
    }
    return *v;
  };
  Counts c;
  c.faxes = count(kCountFaxes);
  c.pending = count(StateCounter(FaxState::kAccepted));
  c.filed = count(StateCounter(FaxState::kFiled));
  c.needs_review = count(StateCounter(FaxState::kNeedsReview));
  c.quarantined = count(StateCounter(FaxState::kQuarantined));
  c.documents = count(kCountDocuments);
  c.processed = c.filed + c.needs_review + c.quarantined;
  if (failure) return std::unexpected(*failure);
  return c;
}

// ---------------------------------------------------------------------- maintenance

Result<void> RecordStore::Impl::Backup(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec))
    return MakeError(ErrorCode::kAlreadyExists, "backup_dir_exists", "backup folder already exists: " + dir);
  rdb::Checkpoint* raw_checkpoint = nullptr;
  rdb::Status s = rdb::Checkpoint::Create(db_, &raw_checkpoint);
  if (!s.ok()) return Fail(s, "create checkpoint");
  std::unique_ptr<rdb::Checkpoint> checkpoint(raw_checkpoint);
  s = checkpoint->CreateCheckpoint(dir);
  if (!s.ok()) return Fail(s, "write checkpoint");
  log::Info("store_backup_written", "encrypted={}", sealer_.encrypted());
  return {};
}

Result<void> RecordStore::Impl::FlushAndCompact() {
  rdb::FlushOptions fo;
  fo.wait = true;
  rdb::Status s = db_->Flush(fo, handles_);
  if (!s.ok()) return Fail(s, "flush");
  rdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rdb::BottommostLevelCompaction::kForce;
  for (rdb::ColumnFamilyHandle* h : handles_) {
    s = db_->CompactRange(co, h, nullptr, nullptr);
    if (!s.ok()) return Fail(s, "compact");
  }
  return {};
}

Result<std::map<std::string, uint64_t>> RecordStore::Impl::CountKeys() {
  std::map<std::string, uint64_t> counts;
  SnapshotGuard snapshot(db_);
  for (const auto& [name, family] : families_) {
    uint64_t& n = counts[name];
    auto scanned = ScanPrefix(snapshot.Options(), family, "", [&](std::string_view key, std::string_view) {
      ++n;
      if (name == keys::kIndex && !key.empty()) ++counts["index/" + std::string(1, key[0])];
      return true;
    });
    if (!scanned) return std::unexpected(scanned.error());
  }
  return counts;
}

Result<void> RecordStore::Impl::PutSealedForTesting(const std::string& family, const std::string& key,
                                                    std::string_view value) {
  auto f = families_.find(family);
  if (f == families_.end()) return MakeError(ErrorCode::kInvalidArgument, "unknown_family", "no family " + family);
  rdb::WriteBatch batch;
  if (auto r = PutSealed(batch, f->second, key, value); !r) return r;
  return Write(batch, /*sync=*/true, "put for testing");
}

Result<void> RecordStore::Impl::SetSchemaVersion(uint32_t version) {
  rdb::WriteBatch batch;
  batch.Put(meta_.handle, keys::kSchemaVersion, BigEndian32(version));
  return Write(batch, /*sync=*/true, "set schema version");
}

// ====================================================================== RecordStore

namespace {

bool StoreExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec);
}

// The key source, in order: the environment variable when set, the key file, plaintext when
// allowed. A configured but absent key is a deployment state to fix (kFailedPrecondition).
Result<Sealer> SealerFor(const StoreOptions& options) {
  auto loaded = [](Result<StoreKey> key) -> Result<Sealer> {
    if (!key) {
      Error e = key.error();
      if (e.code == ErrorCode::kNotFound) e.code = ErrorCode::kFailedPrecondition;
      return std::unexpected(std::move(e));
    }
    return Sealer::Encrypting(*key);
  };
  if (!options.key_env.empty()) {
    auto from_env = LoadKeyFromEnv(options.key_env);
    if (from_env || from_env.error().code != ErrorCode::kNotFound || options.key_file.empty())
      return loaded(std::move(from_env));
  }
  if (!options.key_file.empty()) {
    if (options.create_key_if_missing && !StoreExists(options.path)) return loaded(LoadOrCreateKey(options.key_file));
    return loaded(LoadKeyFile(options.key_file));
  }
  if (options.allow_plaintext) return Sealer::Plaintext();
  return MakeError(ErrorCode::kFailedPrecondition, "store_key_missing",
                   "no store key configured (key_file or key_env) and plaintext is not allowed");
}

}  // namespace

RecordStore::RecordStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RecordStore::~RecordStore() = default;

Result<std::unique_ptr<RecordStore>> RecordStore::Open(const StoreOptions& options) {
  if (options.path.empty()) return MakeError(ErrorCode::kInvalidArgument, "store_path_missing", "store path is empty");
  auto sealer = SealerFor(options);
  if (!sealer) return std::unexpected(sealer.error());
  auto impl = std::make_unique<Impl>(options, std::move(*sealer));
  if (auto r = impl->OpenDb(); !r) return std::unexpected(r.error());
  if (auto r = impl->CheckSchema(); !r) return std::unexpected(r.error());
  if (auto r = impl->LoadSequences(); !r) return std::unexpected(r.error());
  log::Info("store_opened", "schema_version={} encrypted={}", kSchemaVersion, impl->encrypted());
  return std::unique_ptr<RecordStore>(new RecordStore(std::move(impl)));
}

Result<AcceptOutcome> RecordStore::AcceptFax(std::string_view bytes, const FaxMetadata& meta) {
  return impl_->AcceptFax(bytes, meta);
}
Result<std::string> RecordStore::GetRawFax(const std::string& fax_id) { return impl_->GetRawFax(fax_id); }
Result<FaxMetadata> RecordStore::GetMetadata(const std::string& fax_id) {
  auto record = impl_->GetFaxRecord(fax_id);
  if (!record) return std::unexpected(record.error());
  return std::move(record->metadata);
}
Result<FaxRecord> RecordStore::GetFaxRecord(const std::string& fax_id) { return impl_->GetFaxRecord(fax_id); }
Result<void> RecordStore::CommitResult(IntakeResult& result, const std::vector<std::string>& page_images) {
  return impl_->CommitResult(result, page_images);
}
Result<void> RecordStore::CommitResult(const IntakeResult& result, const std::vector<std::string>& page_images) {
  IntakeResult copy = result;
  return impl_->CommitResult(copy, page_images);
}
Result<PatientRecord> RecordStore::GetPatient(const std::string& patient_id) { return impl_->GetPatient(patient_id); }
Result<ReferralRecord> RecordStore::GetReferral(const std::string& referral_id) {
  return impl_->GetReferral(referral_id);
}
Result<std::optional<MatchReview>> RecordStore::GetMatchReview(const std::string& fax_id, uint32_t document) {
  return impl_->GetMatchReview(fax_id, document);
}
Result<std::vector<ReferralSummary>> RecordStore::ReferralsInState(ReferralState state, size_t limit) {
  return impl_->ReferralsInState(state, limit);
}
Result<std::vector<ReferrerVolume>> RecordStore::ReferrerVolumes() { return impl_->ReferrerVolumes(); }
Result<void> RecordStore::CloseReferral(const std::string& referral_id, const std::string& actor,
                                        const std::string& reason) {
  return impl_->CloseReferral(referral_id, actor, reason);
}
Result<std::optional<IntakeResult>> RecordStore::GetResult(const std::string& fax_id) {
  return impl_->GetResult(fax_id);
}
Result<std::string> RecordStore::GetPageImage(const std::string& fax_id, int page) {
  return impl_->GetPageImage(fax_id, page);
}
Result<std::vector<std::string>> RecordStore::PendingFaxIds(size_t limit) {
  return impl_->FaxIdsInState(FaxState::kAccepted, limit);
}
Result<std::vector<std::string>> RecordStore::FaxIdsInState(FaxState state, size_t limit) {
  return impl_->FaxIdsInState(state, limit);
}
Result<std::vector<ReviewItem>> RecordStore::ReviewQueue(size_t limit) { return impl_->ReviewQueue(limit); }
Result<std::vector<OutboxEvent>> RecordStore::ReadOutbox(uint64_t after_seq, size_t limit) {
  return impl_->ReadOutbox(after_seq, limit);
}
Result<void> RecordStore::Backup(const std::string& dir) { return impl_->Backup(dir); }
Result<RecordStore::Counts> RecordStore::Stats() { return impl_->Stats(); }
bool RecordStore::encrypted() const { return impl_->encrypted(); }
Result<void> RecordStore::FlushAndCompact() { return impl_->FlushAndCompact(); }
Result<std::map<std::string, uint64_t>> RecordStore::CountKeys() { return impl_->CountKeys(); }
Result<void> RecordStore::SetSchemaVersionForTesting(uint32_t version) { return impl_->SetSchemaVersion(version); }
Result<void> RecordStore::PutSealedForTesting(const std::string& family, const std::string& key,
                                              std::string_view value) {
  return impl_->PutSealedForTesting(family, key, value);
}

}  // namespace faxintake::store
