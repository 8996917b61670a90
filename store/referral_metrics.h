// Referral coordination metrics (shared/reference/referral-workflow.md, "Metrics the field
// tracks"), as RecordStore::ComputeReferralMetrics computes them from the per-referral
// summary entries. Definitions:
//
//   pending          referrals not yet ready: received, incomplete, authorization pending or
//                    denied. Aged from receipt (the opening fax's received time) in whole days:
//                    0-2, 3-7, 8-14, 15-30, over 30.
//   missing          referrals whose referral document lacked an item its checklist requires
//                    (at receipt), as a share of all referrals, with the count per item
//                    ("missing:authorization.number" -> n); `still_missing` of them lack it now.
//   receipt to ready hours from receipt to the first time the referral was ready (or
//                    authorized): median and 90th percentile (nearest rank) over the referrals
//                    that got there.
//   loop closure     referrals whose consult note came back, over the referrals received at
//                    least kLoopClosureEligibleDays before `now` (younger ones have not had
//                    the time); the share over all referrals is given too.
//   top referrers    referring NPIs by number of referrals (at most kTopReferrers), each with
//                    the share of its referrals that arrived complete (nothing missing).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace faxintake::store {

inline constexpr int kLoopClosureEligibleDays = 30;
inline constexpr size_t kTopReferrers = 10;

struct ReferrerMetrics {
  std::string npi;
  uint64_t referrals = 0;
  uint64_t complete = 0;         // arrived with nothing missing
  double completeness = 0;       // complete / referrals
};

struct ReferralMetrics {
  int64_t now_unix_ms = 0;
  uint64_t referrals = 0;                    // all referral episodes on file
  std::map<std::string, uint64_t> by_state;  // state name -> referrals now in it

  uint64_t pending = 0;
  // Pending referrals by age bucket, in this order: "0-2d", "3-7d", "8-14d", "15-30d", ">30d".
  std::vector<std::pair<std::string, uint64_t>> pending_by_age;

  uint64_t missing_at_receipt = 0;           // referrals that arrived lacking a required item
  double missing_share = 0;                  // missing_at_receipt / referrals (0 when none)
  std::map<std::string, uint64_t> missing_reasons;  // "missing:<item>" -> referrals lacking it at receipt
  uint64_t still_missing = 0;                // referrals lacking a required item now

  uint64_t reached_ready = 0;                // referrals that were ever ready or authorized
  double receipt_to_ready_median_hours = 0;
  double receipt_to_ready_p90_hours = 0;

  uint64_t loop_eligible = 0;                // received at least kLoopClosureEligibleDays ago
  uint64_t loop_closed_eligible = 0;         // of those, consult note received
  double loop_closure_rate = 0;              // loop_closed_eligible / loop_eligible (0 when none)
  uint64_t loop_closed = 0;                  // all referrals whose consult note came back

  std::vector<ReferrerMetrics> top_referrers;  // most referrals first, ties by NPI
};

// The metrics as JSON (the `faxintake report --json` form) and as readable text.
nlohmann::json ReferralMetricsJson(const ReferralMetrics& m);
std::string FormatReferralMetrics(const ReferralMetrics& m);

}  // namespace faxintake::store
