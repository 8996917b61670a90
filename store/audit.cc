// The audit log: access entries from callers, change entries from the store, one sequence;
// and the schema migration that introduced that layout.
#include <nlohmann/json.hpp>

#include "pipeline/log.h"
#include "store/codec.h"
#include "store/record_store_impl.h"

namespace faxintake::store {

using namespace internal;

namespace {

constexpr size_t kMaxAuditField = 512;

// Fields are ids, codes and short phrases; control characters would let one entry pose as
// several in a line-oriented export.
Result<void> CheckAuditField(std::string_view value, const char* name, bool required) {
  if (required && value.empty())
    return MakeError(ErrorCode::kInvalidArgument, std::string("audit_") + name + "_missing",
                     std::string("an access entry names its ") + name);
  if (value.size() > kMaxAuditField)
    return MakeError(ErrorCode::kInvalidArgument, "audit_field_too_long",
                     std::string("audit field ") + name + " is over " + std::to_string(kMaxAuditField) + " bytes");
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f)
      return MakeError(ErrorCode::kInvalidArgument, "audit_field_control_character",
                       std::string("audit field ") + name + " has a control character");
  return {};
}

nlohmann::json AuditJson(const AuditEntry& e, const OutboxEvent* event) {
  nlohmann::json j = {{"at_ms", e.at_unix_ms},          {"actor", e.actor},
                      {"role", e.role},                 {"action", e.action},
                      {"subject_kind", e.subject_kind}, {"subject_id", e.subject_id},
                      {"purpose", e.purpose}};
  if (!e.event_type.empty()) j["event_type"] = e.event_type;
  if (event != nullptr) j["event"] = OutboxEventToJson(*event);
  return j;
}

// Version 2 entries, and the version 1 change entries ({actor, reason, event}) the migration
// carries over unchanged.
Result<AuditEntry> AuditFromJson(const nlohmann::json& j, uint64_t seq) {
  if (!j.is_object()) return MakeError(ErrorCode::kDataLoss, "audit_corrupt", "audit entry is not an object");
  AuditEntry a;
  a.seq = seq;
  try {
    if (j.contains("action")) {
      a.at_unix_ms = j.at("at_ms").get<int64_t>();
      a.actor = j.at("actor").get<std::string>();
      a.role = j.value("role", "");
      a.action = j.at("action").get<std::string>();
      a.subject_kind = j.value("subject_kind", "");
      a.subject_id = j.value("subject_id", "");
      a.purpose = j.value("purpose", "");
      a.event_type = j.value("event_type", "");
      return a;
    }
    auto event = OutboxEventFromJson(j.at("event"));
    if (!event) return std::unexpected(event.error());
    a = ChangeAuditEntry(*event, j.at("actor").get<std::string>(), j.at("actor") == "pipeline" ? "system" : "staff",
                         j.value("reason", ""));
    a.seq = seq;
    return a;
  } catch (const nlohmann::json::exception&) {
    return MakeError(ErrorCode::kDataLoss, "audit_corrupt", "audit entry " + std::to_string(seq) + " is malformed");
  }
}

}  // namespace

Result<void> RecordStore::Impl::PutAuditEntry(rdb::WriteBatch& batch, uint64_t seq, const AuditEntry& e,
                                              const OutboxEvent* event) {
  if (auto r = PutSealed(batch, audit_, keys::AuditKey(seq), EncodeRecord(AuditJson(e, event))); !r) return r;
  batch.Merge(meta_.handle, keys::kAuditSeq, CounterOperand(kMaxOp, seq));
  return {};
}

Result<void> RecordStore::Impl::RecordAccess(const AccessEntry& e) {
  for (auto [value, name, required] : {std::tuple{std::string_view(e.actor), "actor", true},
                                       std::tuple{std::string_view(e.action), "action", true},
                                       std::tuple{std::string_view(e.role), "role", false},
                                       std::tuple{std::string_view(e.subject_kind), "subject_kind", false},
                                       std::tuple{std::string_view(e.subject_id), "subject_id", false},
                                       std::tuple{std::string_view(e.purpose), "purpose", false}})
    if (auto r = CheckAuditField(value, name, required); !r) return r;
  AuditEntry a;
  a.at_unix_ms = NowMicros() / 1000;
  a.actor = e.actor;
  a.role = e.role;
  a.action = e.action;
  a.subject_kind = e.subject_kind;
  a.subject_id = e.subject_id;
  a.purpose = e.purpose;
  rdb::WriteBatch batch;
  SeqGuard seq(audit_seqs_);
  if (auto r = PutAuditEntry(batch, seq.seq(), a, nullptr); !r) return r;
  return Write(batch, /*sync=*/true, "record access");
}

Result<std::vector<AuditEntry>> RecordStore::Impl::ReadAudit(uint64_t after_seq, size_t limit) {
  std::vector<AuditEntry> entries;
  const uint64_t through = audit_seqs_.VisibleThrough();
  if (limit == 0 || after_seq >= through) return entries;
  rdb::ReadOptions ro;
  const std::string upper = keys::AuditKey(through + 1);
  rdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> it(db_->NewIterator(ro, audit_.handle));
  for (it->Seek(keys::AuditKey(after_seq + 1)); it->Valid() && entries.size() < limit; it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (key.size() != 8) return MakeError(ErrorCode::kDataLoss, "audit_corrupt", "malformed audit key");
    auto plain = sealer_.Unseal(std::string_view(it->value().data(), it->value().size()), Aad(audit_, key));
    if (!plain) return std::unexpected(plain.error());
    auto j = DecodeRecord(*plain);
    if (!j) return std::unexpected(j.error());
    auto entry = AuditFromJson(*j, keys::ReadBigEndian64(key));
    if (!entry) return std::unexpected(entry.error());
    entries.push_back(std::move(*entry));
  }
  if (!it->status().ok()) return Fail(it->status(), "read audit");
  return entries;
}

// Version 1 keyed change entries by (time, outbox seq): 16 bytes. They are carried over in that
// order as entries 1..n, sealed under their new keys; every referral gets its summary entry.
Result<void> RecordStore::Impl::MigrateToV2() {
  rdb::WriteBatch batch;
  // A version 1 store has no audit sequence yet (0); never reuse one that exists.
  auto last = ReadCounter(rdb::ReadOptions(), keys::kAuditSeq);
  if (!last) return std::unexpected(last.error());
  uint64_t seq = *last;
  uint64_t moved = 0;
  std::optional<Error> failure;
  auto audit = ScanPrefix(rdb::ReadOptions(), audit_, "", [&](std::string_view key, std::string_view value) {
    if (key.size() != 16) return true;  // already a version 2 key
    auto plain = sealer_.Unseal(value, Aad(audit_, key));
    if (!plain) {
      failure = plain.error();
      return false;
    }
    ++seq, ++moved;
    batch.Delete(audit_.handle, rdb::Slice(key.data(), key.size()));
    if (auto r = PutSealed(batch, audit_, keys::AuditKey(seq), *plain); !r) {
      failure = r.error();
      return false;
    }
    return true;
  });
  if (!audit) return audit;
  if (failure) return std::unexpected(*failure);
  if (moved > 0) batch.Merge(meta_.handle, keys::kAuditSeq, CounterOperand(kMaxOp, seq));

  uint64_t referrals = 0;
  auto summaries = ScanPrefix(rdb::ReadOptions(), referrals_, "", [&](std::string_view key, std::string_view value) {
    auto plain = sealer_.Unseal(value, Aad(referrals_, key));
    auto r = plain ? DecodeReferralRecord(*plain) : Result<ReferralRecord>(std::unexpected(plain.error()));
    if (!r) {
      failure = r.error();
      return false;
    }
    if (auto w = PutReferralSummary(batch, *r); !w) {
      failure = w.error();
      return false;
    }
    ++referrals;
    return true;
  });
  if (!summaries) return summaries;
  if (failure) return std::unexpected(*failure);
  batch.Put(meta_.handle, keys::kSchemaVersion, BigEndian32(2));
  if (auto r = Write(batch, /*sync=*/true, "migrate to schema 2"); !r) return r;
  log::Info("store_migrated", "to=2 audit_entries={} referral_summaries={}", moved, referrals);
  return {};
}

// ---------------------------------------------------------------------- RecordStore

Result<void> RecordStore::RecordAccess(const AccessEntry& e) { return impl_->RecordAccess(e); }
Result<std::vector<AuditEntry>> RecordStore::ReadAudit(uint64_t after_seq, size_t limit) {
  return impl_->ReadAudit(after_seq, limit);
}

}  // namespace faxintake::store
