// Referral coordination metrics from the per-referral summaries, with controlled timestamps
// (each fax's received time is a day of May 2024).
#include <gtest/gtest.h>

#include "store/record_store.h"
#include "tests/store/referral_fixtures.h"

namespace faxintake::store {
namespace {

using namespace faxintake::store::testing;

const Person kOther{"NGUYEN", "ANH", "1990-02-02", "U000111222", "+15125550100", "1 ELM ST", "78702"};
const Person kThird{"OKAFOR", "CHIDI", "1971-07-19", "Q555666777", "+15125550111", "9 PINE RD", "78704"};
constexpr const char* kNpiA = "1234567893";
constexpr const char* kNpiB = "1457390062";

using ReferralMetricsTest = ReferralStoreTest;

TEST_F(ReferralMetricsTest, AnEmptyStoreHasNoReferrals) {
  auto m = store_->ComputeReferralMetrics(MayMicros(1) / 1000);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->referrals, 0u);
  EXPECT_EQ(m->missing_share, 0);
  EXPECT_EQ(m->loop_closure_rate, 0);
  EXPECT_EQ(m->pending_by_age.size(), 5u);
  EXPECT_TRUE(m->top_referrers.empty());
}

TEST_F(ReferralMetricsTest, PendingAgesMissingReasonsTimeToReadyLoopClosureAndReferrers) {
  // Maria: lacks the authorization number (day 1), the letter comes on day 4 (ready after
  // 72 h), the consult note on day 20 closes the loop.
  const IntakeResult maria = Fax(1, 1, {Referral(kMaria, {"authorization.number"}, kNpiA)});
  Fax(2, 4, {AuthorizationLetter(kMaria, "approved")});
  Fax(3, 20, {Note(DocType::kConsultNote, kMaria)});
  // Her son: complete on arrival (day 10): ready at once.
  Fax(4, 10, {Referral(kSon, {}, kNpiA)});
  // Two referrals still incomplete, received on days 25 and 30.
  Fax(5, 25, {Referral(kOther, {"authorization.number", "patient.phone"}, kNpiB)});
  Fax(6, 30, {Referral(kThird, {"authorization.number"}, kNpiB)});

  const int64_t now_ms = MayMicros(40) / 1000;  // June 9
  auto m = store_->ComputeReferralMetrics(now_ms);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->now_unix_ms, now_ms);
  EXPECT_EQ(m->referrals, 4u);
  EXPECT_EQ(m->by_state, (std::map<std::string, uint64_t>{{"consult_received", 1}, {"incomplete", 2}, {"ready", 1}}));

  EXPECT_EQ(m->pending, 2u);
  EXPECT_EQ(m->pending_by_age, (std::vector<std::pair<std::string, uint64_t>>{
                                   {"0-2d", 0}, {"3-7d", 0}, {"8-14d", 1}, {"15-30d", 1}, {">30d", 0}}));

  EXPECT_EQ(m->missing_at_receipt, 3u);
  EXPECT_DOUBLE_EQ(m->missing_share, 0.75);
  EXPECT_EQ(m->missing_reasons, (std::map<std::string, uint64_t>{{"missing:authorization.number", 3},
                                                                 {"missing:patient.phone", 1}}));
  EXPECT_EQ(m->still_missing, 2u);

  EXPECT_EQ(m->reached_ready, 2u);
  EXPECT_DOUBLE_EQ(m->receipt_to_ready_median_hours, 0);  // nearest rank of {0, 72}
  EXPECT_DOUBLE_EQ(m->receipt_to_ready_p90_hours, 72);

  // Received 30 days or more before June 9: Maria's (day 1) and her son's (day 10).
  EXPECT_EQ(m->loop_eligible, 2u);
  EXPECT_EQ(m->loop_closed_eligible, 1u);
  EXPECT_DOUBLE_EQ(m->loop_closure_rate, 0.5);
  EXPECT_EQ(m->loop_closed, 1u);

  ASSERT_EQ(m->top_referrers.size(), 2u);
  EXPECT_EQ(m->top_referrers[0].npi, kNpiA);
  EXPECT_EQ(m->top_referrers[0].referrals, 2u);
  EXPECT_EQ(m->top_referrers[0].complete, 1u);
  EXPECT_DOUBLE_EQ(m->top_referrers[0].completeness, 0.5);
  EXPECT_EQ(m->top_referrers[1].npi, kNpiB);
  EXPECT_DOUBLE_EQ(m->top_referrers[1].completeness, 0);

  // Closing her referral keeps its loop closed; the summaries follow every change.
  ASSERT_TRUE(store_->CloseReferral(*maria.documents[0].referral_id, "user:1", "done").has_value());
  m = store_->ComputeReferralMetrics(now_ms);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->by_state.at("closed"), 1u);
  EXPECT_EQ(m->by_state.count("consult_received"), 0u);
  EXPECT_EQ(m->loop_closed_eligible, 1u);

  // The JSON and text forms carry the same figures.
  const nlohmann::json j = ReferralMetricsJson(*m);
  EXPECT_EQ(j["pending"]["by_age"]["8-14d"], 1);
  EXPECT_EQ(j["missing_required"]["reasons"]["missing:patient.phone"], 1);
  EXPECT_EQ(j["loop_closure"]["rate"], 0.5);
  EXPECT_EQ(j["top_referrers"][0]["npi"], kNpiA);
  const std::string text = FormatReferralMetrics(*m);
  EXPECT_NE(text.find("missing:authorization.number"), std::string::npos);
  EXPECT_NE(text.find(kNpiB), std::string::npos);
}

TEST_F(ReferralMetricsTest, RecommittingAFaxDoesNotCountItsReferralTwice) {
  const IntakeResult first = Fax(1, 1, {Referral(kMaria, {"authorization.number"})});
  IntakeResult again = ResultOf(first.fax_id, {Referral(kMaria, {"authorization.number"})});
  ASSERT_TRUE(store_->CommitResult(again, {}).has_value());
  EXPECT_EQ(store_->ComputeReferralMetrics(MayMicros(3) / 1000)->referrals, 1u);
  // Without its documents the fax gives its referral back, and its summary with it.
  IntakeResult empty = ResultOf(first.fax_id, {});
  ASSERT_TRUE(store_->CommitResult(empty, {}).has_value());
  EXPECT_EQ(store_->ComputeReferralMetrics(MayMicros(3) / 1000)->referrals, 0u);
  EXPECT_EQ(store_->CountKeys()->at("referral_summaries"), 0u);
}

}  // namespace
}  // namespace faxintake::store
