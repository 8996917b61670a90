// Referral coordination metrics, from one small summary entry per referral (written in the same
// batch as the referral record, see WriteLinkSet) instead of the referral records themselves,
// which carry every attached document and the whole history.
#include "store/referral_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "store/codec.h"
#include "store/record_store_impl.h"

namespace faxintake::store {

using namespace internal;

namespace {

constexpr int64_t kDayMicros = 86'400'000'000;
constexpr int64_t kHourMicros = 3'600'000'000;

// What the metrics need of one referral; no patient data (the NPI is the referring provider's).
struct Summary {
  ReferralState state = ReferralState::kReceived;
  int64_t opened_at_us = 0;
  int64_t ready_at_us = 0;        // 0: never ready
  int64_t loop_closed_at_us = 0;  // the first consult note's received time; 0: none
  std::vector<std::string> required_missing;
  std::vector<std::string> missing;
  std::string npi;
  std::string priority;
};

nlohmann::json SummaryJson(const ReferralRecord& r) {
  int64_t loop_closed = 0;
  for (const ReferralDocument& d : r.documents)
    if (d.type == DocType::kConsultNote && (loop_closed == 0 || d.at_us < loop_closed)) loop_closed = d.at_us;
  // A referral closed after its consult note keeps the loop closed; the history remembers it.
  for (const ReferralTransition& t : r.history)
    if (t.state == ReferralState::kConsultReceived && loop_closed == 0) loop_closed = t.at_us;
  return {{"state", ReferralStateName(r.state)},  {"opened_at_us", r.opened_at_us},
          {"ready_at_us", r.ready_at_us},          {"loop_closed_at_us", loop_closed},
          {"required_missing", r.required_missing}, {"missing", r.missing},
          {"npi", r.referring_npi},                {"priority", r.priority}};
}

Result<Summary> SummaryFrom(const nlohmann::json& j) {
  try {
    Summary s;
    auto state = ParseReferralState(j.at("state").get<std::string>());
    if (!state) return MakeError(ErrorCode::kDataLoss, "summary_corrupt", "referral summary has an unknown state");
    s.state = *state;
    s.opened_at_us = j.at("opened_at_us").get<int64_t>();
    s.ready_at_us = j.at("ready_at_us").get<int64_t>();
    s.loop_closed_at_us = j.at("loop_closed_at_us").get<int64_t>();
    s.required_missing = j.at("required_missing").get<std::vector<std::string>>();
    s.missing = j.at("missing").get<std::vector<std::string>>();
    s.npi = j.at("npi").get<std::string>();
    s.priority = j.value("priority", "");
    return s;
  } catch (const nlohmann::json::exception&) {
    return MakeError(ErrorCode::kDataLoss, "summary_corrupt", "referral summary is malformed");
  }
}

bool Pending(ReferralState s) {
  return s == ReferralState::kReceived || s == ReferralState::kIncomplete || s == ReferralState::kAuthorizationPending ||
         s == ReferralState::kAuthorizationDenied;
}

// Nearest-rank percentile of sorted values; 0 for none.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

double Share(uint64_t part, uint64_t whole) { return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole); }

}  // namespace

Result<void> RecordStore::Impl::PutReferralSummary(rdb::WriteBatch& batch, const ReferralRecord& r) {
  return PutSealed(batch, summaries_, r.id, EncodeRecord(SummaryJson(r)));
}

Result<ReferralMetrics> RecordStore::Impl::ComputeReferralMetrics(int64_t now_unix_ms) {
  ReferralMetrics m;
  m.now_unix_ms = now_unix_ms;
  const int64_t now_us = now_unix_ms * 1000;
  m.pending_by_age = {{"0-2d", 0}, {"3-7d", 0}, {"8-14d", 0}, {"15-30d", 0}, {">30d", 0}};
  std::vector<double> ready_hours;
  std::map<std::string, ReferrerMetrics> referrers;

  SnapshotGuard snapshot(db_);
  std::optional<Error> failure;
  auto scanned = ScanPrefix(snapshot.Options(), summaries_, "", [&](std::string_view key, std::string_view value) {
    auto plain = sealer_.Unseal(value, Aad(summaries_, key));
    auto j = plain ? DecodeRecord(*plain) : Result<nlohmann::json>(std::unexpected(plain.error()));
    auto s = j ? SummaryFrom(*j) : Result<Summary>(std::unexpected(j.error()));
    if (!s) {
      failure = s.error();
      return false;
    }
    ++m.referrals;
    ++m.by_state[ReferralStateName(s->state)];
    const int64_t age_days = std::max<int64_t>(0, (now_us - s->opened_at_us) / kDayMicros);
    if (Pending(s->state)) {
      ++m.pending;
      const size_t bucket = age_days <= 2 ? 0 : age_days <= 7 ? 1 : age_days <= 14 ? 2 : age_days <= 30 ? 3 : 4;
      ++m.pending_by_age[bucket].second;
    }
    if (!s->required_missing.empty()) ++m.missing_at_receipt;
    for (const std::string& item : s->required_missing) ++m.missing_reasons["missing:" + item];
    if (!s->missing.empty()) ++m.still_missing;
    if (s->ready_at_us > 0) {
      ++m.reached_ready;
      ready_hours.push_back(static_cast<double>(std::max<int64_t>(0, s->ready_at_us - s->opened_at_us)) /
                            static_cast<double>(kHourMicros));
    }
    if (s->loop_closed_at_us > 0) ++m.loop_closed;
    if (age_days >= kLoopClosureEligibleDays) {
      ++m.loop_eligible;
      if (s->loop_closed_at_us > 0) ++m.loop_closed_eligible;
    }
    if (!s->npi.empty()) {
      ReferrerMetrics& r = referrers[s->npi];
      r.npi = s->npi;
      ++r.referrals;
      if (s->required_missing.empty()) ++r.complete;
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);

  m.missing_share = Share(m.missing_at_receipt, m.referrals);
  std::sort(ready_hours.begin(), ready_hours.end());
  m.receipt_to_ready_median_hours = Percentile(ready_hours, 0.5);
  m.receipt_to_ready_p90_hours = Percentile(ready_hours, 0.9);
  m.loop_closure_rate = Share(m.loop_closed_eligible, m.loop_eligible);
  for (auto& [npi, r] : referrers) {
    r.completeness = Share(r.complete, r.referrals);
    m.top_referrers.push_back(r);
  }
  std::stable_sort(m.top_referrers.begin(), m.top_referrers.end(),
                   [](const ReferrerMetrics& a, const ReferrerMetrics& b) { return a.referrals > b.referrals; });
  if (m.top_referrers.size() > kTopReferrers) m.top_referrers.resize(kTopReferrers);
  return m;
}

nlohmann::json ReferralMetricsJson(const ReferralMetrics& m) {
  nlohmann::json ages = nlohmann::json::object();
  for (const auto& [bucket, n] : m.pending_by_age) ages[bucket] = n;
  nlohmann::json top = nlohmann::json::array();
  for (const ReferrerMetrics& r : m.top_referrers)
    top.push_back({{"npi", r.npi}, {"referrals", r.referrals}, {"complete", r.complete}, {"completeness", r.completeness}});
  return {{"now_unix_ms", m.now_unix_ms},
          {"referrals", m.referrals},
          {"by_state", m.by_state},
          {"pending", {{"total", m.pending}, {"by_age", ages}}},
          {"missing_required",
           {{"at_receipt", m.missing_at_receipt},
            {"share", m.missing_share},
            {"reasons", m.missing_reasons},
            {"still_missing", m.still_missing}}},
          {"receipt_to_ready_hours",
           {{"referrals", m.reached_ready},
            {"median", m.receipt_to_ready_median_hours},
            {"p90", m.receipt_to_ready_p90_hours}}},
          {"loop_closure",
           {{"eligible_after_days", kLoopClosureEligibleDays},
            {"eligible", m.loop_eligible},
            {"closed", m.loop_closed_eligible},
            {"rate", m.loop_closure_rate},
            {"closed_all", m.loop_closed},
            {"rate_all", Share(m.loop_closed, m.referrals)}}},
          {"top_referrers", top}};
}

std::string FormatReferralMetrics(const ReferralMetrics& m) {
  std::string out = fmt::format("referrals on file             {}\n", m.referrals);
  for (const auto& [state, n] : m.by_state) out += fmt::format("  {:<27} {}\n", state, n);
  out += fmt::format("pending (not ready)           {}\n", m.pending);
  for (const auto& [bucket, n] : m.pending_by_age) out += fmt::format("  {:<27} {}\n", bucket, n);
  out += fmt::format("missing required info         {:.3f} ({}/{} at receipt; {} still missing)\n", m.missing_share,
                     m.missing_at_receipt, m.referrals, m.still_missing);
  for (const auto& [reason, n] : m.missing_reasons) out += fmt::format("  {:<27} {}\n", reason, n);
  out += fmt::format("receipt to ready, hours       median {:.1f}, p90 {:.1f} ({} referrals)\n",
                     m.receipt_to_ready_median_hours, m.receipt_to_ready_p90_hours, m.reached_ready);
  out += fmt::format("loop closure                  {:.3f} ({}/{} received {}+ days ago; {} closed in all)\n",
                     m.loop_closure_rate, m.loop_closed_eligible, m.loop_eligible, kLoopClosureEligibleDays,
                     m.loop_closed);
  out += "top referring providers (NPI, referrals, complete at receipt)\n";
  for (const ReferrerMetrics& r : m.top_referrers)
    out += fmt::format("  {:<12} {:>5}  {:.3f}\n", r.npi, r.referrals, r.completeness);
  return out;
}

Result<ReferralMetrics> RecordStore::ComputeReferralMetrics(int64_t now_unix_ms) {
  return impl_->ComputeReferralMetrics(now_unix_ms);
}

}  // namespace faxintake::store
