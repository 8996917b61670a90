// The retention policy for raw faxes and page images: what a processed fax no longer needs once
// its referral is settled. OCR, documents, patients, referrals and the audit log stay.
#include <nlohmann/json.hpp>

#include "pipeline/log.h"
#include "store/codec.h"
#include "store/record_store_impl.h"

namespace faxintake::store {

using namespace internal;

namespace {
constexpr int64_t kDayMicros = 86'400'000'000;
}  // namespace

Result<RetentionReport> RecordStore::Impl::ApplyRetention(const RetentionOptions& o) {
  if (o.raw_days < 0) return MakeError(ErrorCode::kInvalidArgument, "bad_retention_days", "raw_days must be 0 or more");
  RetentionReport report;
  report.dry_run = o.dry_run;
  if (o.raw_days == 0) return report;  // keep forever
  const int64_t now_us = o.now_unix_ms != 0 ? o.now_unix_ms * 1000 : NowMicros();
  const int64_t cutoff_us = now_us - static_cast<int64_t>(o.raw_days) * kDayMicros;
  for (FaxState state : {FaxState::kFiled, FaxState::kNeedsReview, FaxState::kQuarantined}) {
    auto ids = FaxIdsInState(state, SIZE_MAX);
    if (!ids) return std::unexpected(ids.error());
    for (const std::string& id : *ids)
      if (auto r = RetainOrPurge(id, cutoff_us, now_us, o, report); !r) return std::unexpected(r.error());
  }
  log::Info("retention_applied",
            "raw_days={} dry_run={} examined={} purged={} kept_open_referral={} kept_needs_review={} kept_young={} "
            "kept_quarantined={} already_purged={} bytes_freed={}",
            o.raw_days, o.dry_run, report.examined, report.purged, report.kept_open_referral, report.kept_needs_review,
            report.kept_young, report.kept_quarantined, report.already_purged, report.bytes_freed);
  return report;
}

Result<void> RecordStore::Impl::RetainOrPurge(const std::string& fax_id, int64_t cutoff_us, int64_t now_us,
                                              const RetentionOptions& o, RetentionReport& report) {
  // The fax's stripe: no commit or resolution of this fax changes its documents meanwhile.
  std::lock_guard lock(Stripe(fax_id));
  const rdb::ReadOptions ro;
  auto loaded = ReadFaxRecord(ro, fax_id);
  if (!loaded) return std::unexpected(loaded.error());
  if (!*loaded || (*loaded)->revision == 0) return {};  // gone, or back to pending: not processed
  FaxRecord record = std::move(**loaded);
  ++report.examined;
  if (record.raw_purged_at_us != 0) {
    ++report.already_purged;
    return {};
  }
  if (record.accepted_at_us > cutoff_us) {
    ++report.kept_young;
    return {};
  }
  // Undecodable: no pages, no documents; removing the raw fax would lose the fax itself.
  if (record.state == FaxState::kQuarantined) {
    ++report.kept_quarantined;
    return {};
  }
  auto docs = ReadDocuments(ro, fax_id);
  if (!docs) return std::unexpected(docs.error());
  std::set<std::string> referral_ids;
  for (const Document& d : *docs)
    if (d.referral_id) referral_ids.insert(*d.referral_id);
  for (const std::string& rid : referral_ids) {
    auto bytes = GetSealed(ro, referrals_, rid);
    if (!bytes) return std::unexpected(bytes.error());
    if (!*bytes) continue;  // the referral is gone: nothing of it to keep
    auto referral = DecodeReferralRecord(**bytes);
    if (!referral) return std::unexpected(referral.error());
    if (!referral->closed) {
      ++report.kept_open_referral;
      return {};
    }
  }
  if (std::any_of(docs->begin(), docs->end(), [](const Document& d) { return d.needs_review; })) {
    ++report.kept_needs_review;
    return {};
  }

  rdb::WriteBatch batch;
  uint64_t bytes = 0;
  auto raw = GetPlain(ro, raw_, fax_id);
  if (!raw) return std::unexpected(raw.error());
  if (*raw) bytes += (*raw)->size();
  batch.Delete(raw_.handle, fax_id);
  auto pages = ScanPrefix(ro, pages_, fax_id, [&](std::string_view key, std::string_view value) {
    bytes += value.size();
    batch.Delete(pages_.handle, rdb::Slice(key.data(), key.size()));
    return true;
  });
  if (!pages) return pages;
  ++report.purged;
  report.bytes_freed += bytes;
  if (o.dry_run) return {};

  record.raw_purged_at_us = now_us;
  if (auto r = PutSealed(batch, faxes_, fax_id, EncodeFaxRecord(record)); !r) return r;
  SeqGuard seq(outbox_seqs_);
  OutboxEvent event{seq.seq(), std::string(kEventRawPurged), fax_id, record.state, record.revision, NowMicros()};
  if (auto r = PutOutboxEvent(batch, event); !r) return r;
  SeqGuard audit_seq(audit_seqs_);
  AuditEntry audit;
  audit.at_unix_ms = event.at_us / 1000;
  audit.actor = "retention";
  audit.role = "system";
  audit.action = "purge";
  audit.subject_kind = "fax";
  audit.subject_id = fax_id;
  audit.purpose = "raw_days=" + std::to_string(o.raw_days);
  audit.event_type = event.type;
  if (auto r = PutAuditEntry(batch, audit_seq.seq(), audit, &event); !r) return r;
  if (auto r = Write(batch, /*sync=*/true, "purge raw fax"); !r) return r;
  log::Info("raw_fax_purged", "fax_id={} bytes={} outbox_seq={}", fax_id, bytes, seq.seq());
  return {};
}

Result<RetentionReport> RecordStore::ApplyRetention(const RetentionOptions& o) { return impl_->ApplyRetention(o); }

}  // namespace faxintake::store
