// Keeping a referral document's "missing:" review reasons in line with its referral: the
// checklist is evaluated over the whole referral, so when a later fax supplies an item (an
// authorization letter with the authorization number), the referral document that lacked it no
// longer needs a person for that reason; when the supplier is taken back (a re-commit), the
// reason returns.
#include <algorithm>

#include "pipeline/log.h"
#include "store/record_store_impl.h"

namespace faxintake::store {

using namespace internal;

namespace {

constexpr std::string_view kMissingPrefix = "missing:";

// Makes the referral document's checklist and "missing:" reasons say what `r` still misses of
// the items it arrived without. True when the document changed.
bool SyncWithReferral(Document& d, const ReferralRecord& r) {
  const std::set<std::string> required(r.required_missing.begin(), r.required_missing.end());
  const std::set<std::string> still(r.missing.begin(), r.missing.end());
  const Document before = d;

  std::erase_if(d.checklist.missing, [&](const std::string& item) { return required.count(item) && !still.count(item); });
  for (const std::string& item : r.required_missing) {
    const bool missing = still.count(item) > 0;
    auto& from = missing ? d.checklist.satisfied : d.checklist.missing;
    auto& to = missing ? d.checklist.missing : d.checklist.satisfied;
    std::erase(from, item);
    if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
  }
  std::erase_if(d.review_reasons, [&](const std::string& reason) {
    return reason.starts_with(kMissingPrefix) && required.count(reason.substr(kMissingPrefix.size())) &&
           !still.count(reason.substr(kMissingPrefix.size()));
  });
  for (const std::string& item : r.missing) {
    const std::string reason = std::string(kMissingPrefix) + item;
    if (std::find(d.review_reasons.begin(), d.review_reasons.end(), reason) == d.review_reasons.end())
      d.review_reasons.push_back(reason);
  }
  const bool changed = d.review_reasons != before.review_reasons || d.checklist.missing != before.checklist.missing ||
                       d.checklist.satisfied != before.checklist.satisfied;
  if (changed) d.needs_review = !d.review_reasons.empty();
  return changed;
}

// The fax status its documents imply, for a fax whose document reasons changed.
IntakeStatus StatusAfter(IntakeStatus status, const std::vector<Document>& docs) {
  if (status == IntakeStatus::kQuarantined) return status;
  const bool review = std::any_of(docs.begin(), docs.end(), [](const Document& d) { return d.needs_review; });
  return review ? IntakeStatus::kNeedsReview : IntakeStatus::kFiled;
}

}  // namespace

Result<std::optional<RecordStore::Impl::OtherFax>> RecordStore::Impl::LoadOtherFax(const std::string& fax_id,
                                                                                  const std::string& own_fax_id,
                                                                                  HeldLocks& held) {
  // Lock order is fax stripe, then link_mu_; this thread holds both already, so it may only try.
  // A busy stripe means that fax is being committed or resolved now: its own linking syncs the
  // document from the referral this commit writes.
  std::mutex& stripe = Stripe(fax_id);
  const bool owned = &stripe == &Stripe(own_fax_id) ||
                     std::any_of(held.begin(), held.end(), [&](const auto& l) { return l.mutex() == &stripe; });
  if (!owned) {
    if (!stripe.try_lock()) return std::optional<OtherFax>();
    held.emplace_back(stripe, std::adopt_lock);
  }
  const rdb::ReadOptions ro;
  auto record = ReadFaxRecord(ro, fax_id);
  if (!record) return std::unexpected(record.error());
  if (!*record || (*record)->revision == 0) return std::optional<OtherFax>();
  auto docs = ReadDocuments(ro, fax_id);
  if (!docs) return std::unexpected(docs.error());
  return std::optional<OtherFax>(OtherFax{std::move(**record), std::move(*docs), false});
}

Result<void> RecordStore::Impl::SettleOpeningDocuments(LinkSet& set, IntakeResult& result, rdb::WriteBatch& batch,
                                                       std::vector<LinkEvent>& events, HeldLocks& held) {
  std::map<std::string, std::optional<OtherFax>> others;  // nullopt: left alone (busy, not processed)
  bool changed_here = false;
  for (const auto& [rid, r] : set.referrals) {
    if (r.documents.empty() || r.required_missing.empty()) continue;
    if (r.opened_by_fax == result.fax_id) {
      if (r.opened_by_document < result.documents.size())
        changed_here |= SyncWithReferral(result.documents[r.opened_by_document], r);
      continue;
    }
    // Another fax's document: only when this commit changed what the referral misses.
    auto old = set.referral_old_missing.find(rid);
    if (old != set.referral_old_missing.end() && old->second == r.missing) continue;
    auto it = others.find(r.opened_by_fax);
    if (it == others.end()) {
      auto loaded = LoadOtherFax(r.opened_by_fax, result.fax_id, held);
      if (!loaded) return std::unexpected(loaded.error());
      it = others.emplace(r.opened_by_fax, std::move(*loaded)).first;
      if (!it->second) log::Info("referral_document_sync_skipped", "fax_id={} referral_id={}", r.opened_by_fax, rid);
    }
    if (it->second && r.opened_by_document < it->second->documents.size())
      it->second->changed |= SyncWithReferral(it->second->documents[r.opened_by_document], r);
  }
  if (changed_here) result.status = StatusAfter(result.status, result.documents);

  for (auto& [fax_id, other] : others) {
    if (!other || !other->changed) continue;
    FaxRecord& rec = other->record;
    const FaxState before = rec.state;
    for (const std::string& k : rec.index_keys) batch.Delete(index_.handle, k);
    rec.status = StatusAfter(rec.status, other->documents);
    rec.state = StateForStatus(rec.status);
    rec.revision += 1;
    if (auto w = PutDocumentsAndRecord(batch, fax_id, rec, other->documents); !w) return w;
    if (before != rec.state) {
      AddToCounter(batch, StateCounter(before), -1);
      AddToCounter(batch, StateCounter(rec.state), 1);
    }
    OutboxEvent e;
    e.type = std::string(kEventFaxDocumentsUpdated);
    e.fax_id = fax_id;
    e.state = rec.state;
    e.revision = rec.revision;
    LinkEvent le{std::move(e), "pipeline", "referral items supplied by a later fax"};
    le.own_fax_fields = true;
    events.push_back(std::move(le));
  }
  return {};
}

}  // namespace faxintake::store
