// The retention policy for raw faxes and page images.
#include <gtest/gtest.h>

#include <chrono>

#include "store/record_store.h"
#include "tests/store/referral_fixtures.h"

namespace faxintake::store {
namespace {

using namespace faxintake::store::testing;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
constexpr int64_t kDayMs = 86'400'000;

const Person kOther{"NGUYEN", "ANH", "1990-02-02", "U000111222", "+15125550100", "1 ELM ST", "78702"};

class RetentionTest : public ReferralStoreTest {
 protected:
  // Faxes are accepted now (store clock); the policy is applied 40 days later.
  RetentionOptions In40Days(bool dry_run = false) {
    RetentionOptions o;
    o.raw_days = 30;
    o.now_unix_ms = NowMs() + 40 * kDayMs;
    o.dry_run = dry_run;
    return o;
  }
};

TEST_F(RetentionTest, AnOldFaxOfAClosedReferralLosesItsRawBytesAndImagesButKeepsItsRecords) {
  const IntakeResult closed = Fax(1, 1, {Referral(kMaria, {})});
  ASSERT_TRUE(store_->CloseReferral(*closed.documents[0].referral_id, "user:1", "seen").has_value());
  const auto raw_before = store_->GetRawFax(closed.fax_id);
  ASSERT_TRUE(raw_before.has_value());

  auto report = store_->ApplyRetention(In40Days());
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->examined, 1u);
  EXPECT_EQ(report->purged, 1u);
  EXPECT_GE(report->bytes_freed, raw_before->size());
  EXPECT_FALSE(report->dry_run);

  auto raw = store_->GetRawFax(closed.fax_id);
  ASSERT_FALSE(raw.has_value());
  EXPECT_EQ(raw.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(raw.error().reason, "purged_by_retention");
  auto image = store_->GetPageImage(closed.fax_id, 1);
  ASSERT_FALSE(image.has_value());
  EXPECT_EQ(image.error().reason, "purged_by_retention");
  auto result = store_->GetResult(closed.fax_id);
  ASSERT_TRUE(result.has_value() && result->has_value()) << (result ? "" : result.error().message);
  EXPECT_EQ((*result)->documents[0].referral_id, closed.documents[0].referral_id);
  EXPECT_NE(store_->GetFaxRecord(closed.fax_id)->raw_purged_at_us, 0);
  EXPECT_EQ(store_->CountKeys()->at("raw"), 0u);
  EXPECT_EQ(store_->CountKeys()->at("pages"), 0u);
  EXPECT_EQ(store_->ReadOutbox(0, SIZE_MAX)->back().type, "fax.raw_purged");
  const auto audit = *store_->ReadAudit(0, 100);
  EXPECT_EQ(audit.back().action, "purge");
  EXPECT_EQ(audit.back().subject_id, closed.fax_id);

  // Applying it again finds nothing more to do.
  report = store_->ApplyRetention(In40Days());
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->purged, 0u);
  EXPECT_EQ(report->already_purged, 1u);

  // A backup of the purged store opens and reads the same.
  const std::string backup = (dir_.path() / "backup").string();
  ASSERT_TRUE(store_->Backup(backup).has_value());
  StoreOptions o = Options();
  o.path = backup;
  o.create_if_missing = false;
  o.create_key_if_missing = false;
  auto copy = RecordStore::Open(o);
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  auto copied = (*copy)->GetResult(closed.fax_id);
  ASSERT_TRUE(copied.has_value() && copied->has_value());
  EXPECT_EQ((*copy)->GetRawFax(closed.fax_id).error().reason, "purged_by_retention");
  ASSERT_TRUE((*copy)->FlushAndCompact().has_value());
}

TEST_F(RetentionTest, FaxesAnOpenReferralNeedsOrAPersonStillReviewsAreKept) {
  const IntakeResult open = Fax(1, 1, {Referral(kMaria, {"authorization.number"})});
  // Her consult note closes the loop, but staff have not closed the referral: kept too.
  const IntakeResult consult = Fax(2, 2, {Note(DocType::kConsultNote, kMaria)});
  ASSERT_EQ(consult.documents[0].referral_id, open.documents[0].referral_id);
  Document unsure = Referral(kOther, {});
  unsure.AddReason("low_confidence:patient.phone");
  const IntakeResult review = Fax(3, 3, {unsure});
  ASSERT_TRUE(store_->CloseReferral(*review.documents[0].referral_id, "user:1", "dup").has_value());

  auto report = store_->ApplyRetention(In40Days());
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->examined, 3u);
  EXPECT_EQ(report->purged, 0u);
  EXPECT_EQ(report->kept_open_referral, 2u);
  EXPECT_EQ(report->kept_needs_review, 1u);
  for (const IntakeResult* r : {&open, &consult, &review}) EXPECT_TRUE(store_->GetRawFax(r->fax_id).has_value());
}

TEST_F(RetentionTest, AQuarantinedFaxKeepsItsRawBytes) {
  FaxMetadata meta;
  meta.source = "dropfolder:main";
  const std::string id = store_->AcceptFax("not a fax at all", meta)->fax_id;
  IntakeResult r;
  r.fax_id = id;
  r.status = IntakeStatus::kQuarantined;
  r.error_code = "undecodable";
  ASSERT_TRUE(store_->CommitResult(r, {}).has_value());
  auto report = store_->ApplyRetention(In40Days());
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->kept_quarantined, 1u);
  EXPECT_EQ(report->purged, 0u);
  EXPECT_TRUE(store_->GetRawFax(id).has_value());
}

TEST_F(RetentionTest, YoungFaxesPendingFaxesAndADryRunAreLeftAlone) {
  const IntakeResult closed = Fax(1, 1, {Referral(kMaria, {})});
  ASSERT_TRUE(store_->CloseReferral(*closed.documents[0].referral_id, "user:1", "seen").has_value());
  FaxMetadata meta;
  meta.source = "dropfolder:main";
  const std::string pending = store_->AcceptFax("never processed", meta)->fax_id;
  const auto keys_before = *store_->CountKeys();

  RetentionOptions young;
  young.raw_days = 30;
  young.now_unix_ms = NowMs();
  auto report = store_->ApplyRetention(young);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->examined, 1u);  // the pending fax is not even looked at
  EXPECT_EQ(report->kept_young, 1u);
  EXPECT_EQ(report->purged, 0u);

  report = store_->ApplyRetention(In40Days(/*dry_run=*/true));
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->dry_run);
  EXPECT_EQ(report->purged, 1u);
  EXPECT_GT(report->bytes_freed, 0u);
  EXPECT_EQ(*store_->CountKeys(), keys_before);
  EXPECT_TRUE(store_->GetRawFax(closed.fax_id).has_value());
  EXPECT_TRUE(store_->GetRawFax(pending).has_value());

  RetentionOptions forever = In40Days();
  forever.raw_days = 0;
  report = store_->ApplyRetention(forever);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->purged, 0u);
  RetentionOptions negative = In40Days();
  negative.raw_days = -1;
  EXPECT_EQ(store_->ApplyRetention(negative).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store_->CountKeys(), keys_before);
}

}  // namespace
}  // namespace faxintake::store
