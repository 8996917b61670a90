// The audit log: access entries from callers and change entries from the store, one ordered,
// append-only sequence.
#include <gtest/gtest.h>

#include <thread>

#include "store/codec.h"
#include "store/keys.h"
#include "store/record_store.h"
#include "tests/store/referral_fixtures.h"

namespace faxintake::store {
namespace {

using namespace faxintake::store::testing;

AccessEntry Read(const std::string& actor, const std::string& kind, const std::string& id) {
  return AccessEntry{actor, "coordinator", "read", kind, id, "referral review"};
}

using AuditTest = ReferralStoreTest;

TEST_F(AuditTest, AccessEntriesComeBackInOrderWithWhoWhatWhenAndWhy) {
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(store_->RecordAccess(Read("user:17", "fax", "fx_0123456789abcdef0123456789abcdef")).has_value());
  ASSERT_TRUE(store_->RecordAccess(AccessEntry{"export:ehr", "export_job", "export", "outbox", "", "ehr sync"}).has_value());
  auto audit = store_->ReadAudit(0, 10);
  ASSERT_TRUE(audit.has_value()) << audit.error().message;
  ASSERT_EQ(audit->size(), 2u);
  const AuditEntry& first = (*audit)[0];
  EXPECT_EQ(first.seq, 1u);
  EXPECT_GE(first.at_unix_ms, before_ms);
  EXPECT_EQ(first.actor, "user:17");
  EXPECT_EQ(first.role, "coordinator");
  EXPECT_EQ(first.action, "read");
  EXPECT_EQ(first.subject_kind, "fax");
  EXPECT_EQ(first.subject_id, "fx_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(first.purpose, "referral review");
  EXPECT_TRUE(first.event_type.empty());
  EXPECT_EQ((*audit)[1].seq, 2u);
  EXPECT_EQ((*audit)[1].action, "export");

  // The cursor: entries after seq 1 only; a limit.
  EXPECT_EQ(store_->ReadAudit(1, 10)->size(), 1u);
  EXPECT_EQ(store_->ReadAudit(0, 1)->size(), 1u);
  EXPECT_TRUE(store_->ReadAudit(2, 10)->empty());
  EXPECT_TRUE(store_->ReadAudit(0, 0)->empty());
}

TEST_F(AuditTest, AnEntryWithoutActorOrActionOrWithControlCharactersIsRefused) {
  struct Case {
    const char* name;
    AccessEntry entry;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"no actor", AccessEntry{"", "staff", "read", "fax", "", ""}, "audit_actor_missing"},
      {"no action", AccessEntry{"user:1", "staff", "", "fax", "", ""}, "audit_action_missing"},
      {"newline", AccessEntry{"user:1\nuser:2", "staff", "read", "fax", "", ""}, "audit_field_control_character"},
      {"too long", AccessEntry{"user:1", "staff", "read", "fax", "", std::string(600, 'x')}, "audit_field_too_long"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = store_->RecordAccess(c.entry);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().reason, c.reason);
  }
  EXPECT_TRUE(store_->ReadAudit(0, 10)->empty());
}

TEST_F(AuditTest, ChangeEntriesOfReferralsShareTheSequenceWithAccessEntries) {
  const IntakeResult first = Fax(1, 1, {Referral(kMaria, {"authorization.number"})});
  ASSERT_TRUE(store_->RecordAccess(Read("user:17", "referral", *first.documents[0].referral_id)).has_value());
  ASSERT_TRUE(store_->CloseReferral(*first.documents[0].referral_id, "user:17", "duplicate referral").has_value());
  auto audit = store_->ReadAudit(0, 100);
  ASSERT_TRUE(audit.has_value()) << audit.error().message;
  std::vector<std::string> seen;
  for (size_t i = 0; i < audit->size(); ++i) {
    const AuditEntry& e = (*audit)[i];
    EXPECT_EQ(e.seq, i + 1);
    seen.push_back(e.actor + "/" + e.role + "/" + e.action + "/" + e.subject_kind + "/" + e.event_type);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "pipeline/system/change/referral/referral.opened",
                      "pipeline/system/change/referral/referral.state_changed",
                      "pipeline/system/change/patient/patient.created",
                      "user:17/coordinator/read/referral/",
                      "user:17/staff/change/referral/referral.state_changed",
                  }));
  EXPECT_EQ(audit->back().subject_id, *first.documents[0].referral_id);
  EXPECT_EQ(audit->back().purpose, "duplicate referral");
}

TEST_F(AuditTest, TheLogSurvivesReopeningAndNeverReusesASeq) {
  ASSERT_TRUE(store_->RecordAccess(Read("user:1", "review_queue", "")).has_value());
  Reopen();
  ASSERT_TRUE(store_->RecordAccess(Read("user:2", "review_queue", "")).has_value());
  auto audit = store_->ReadAudit(0, 10);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].actor, "user:1");
  EXPECT_EQ((*audit)[1].actor, "user:2");
  EXPECT_EQ((*audit)[1].seq, 2u);
}

TEST_F(AuditTest, ConcurrentWritersLeaveOneEntryEachWithDistinctSeqs) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i)
        EXPECT_TRUE(store_->RecordAccess(Read("user:" + std::to_string(t), "patient", "")).has_value());
    });
  for (std::thread& t : threads) t.join();
  auto audit = store_->ReadAudit(0, 1000);
  ASSERT_EQ(audit->size(), 100u);
  for (size_t i = 0; i < audit->size(); ++i) EXPECT_EQ((*audit)[i].seq, i + 1);
}

TEST_F(AuditTest, AVersionOneStoreIsMigratedAndKeepsItsLog) {
  Fax(1, 1, {Referral(kMaria, {"authorization.number"})});
  ASSERT_TRUE(store_->RecordAccess(Read("user:1", "fax", "")).has_value());
  const auto before = *store_->ReadAudit(0, 100);
  ASSERT_TRUE(store_->SetSchemaVersionForTesting(1).has_value());
  Reopen();
  const auto after = store_->ReadAudit(0, 100);
  ASSERT_TRUE(after.has_value()) << after.error().message;
  ASSERT_EQ(after->size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ((*after)[i].seq, before[i].seq);
    EXPECT_EQ((*after)[i].event_type, before[i].event_type);
  }
  auto metrics = store_->ComputeReferralMetrics(MayMicros(2) / 1000);
  ASSERT_TRUE(metrics.has_value());
  EXPECT_EQ(metrics->referrals, 1u);
  ASSERT_TRUE(store_->RecordAccess(Read("user:2", "fax", "")).has_value());
  EXPECT_EQ(store_->ReadAudit(0, 100)->back().seq, before.size() + 1);
}

TEST_F(AuditTest, VersionOneChangeEntriesAreCarriedOverInTheirOrder) {
  // Version 1 keyed change entries by (time, outbox seq) and stored {actor, reason, event}.
  auto legacy = [](int64_t at_us, uint64_t seq, const std::string& actor, const std::string& referral_id) {
    std::string key;
    keys::PutBigEndian64(&key, keys::OrderedFromSigned(at_us));
    keys::PutBigEndian64(&key, seq);
    OutboxEvent e;
    e.seq = seq;
    e.type = "referral.state_changed";
    e.fax_id = "fx_0123456789abcdef0123456789abcdef";
    e.at_us = at_us;
    e.referral_id = referral_id;
    e.referral_state = "closed";
    return std::pair{key, EncodeRecord({{"actor", actor}, {"reason", "why"}, {"event", OutboxEventToJson(e)}})};
  };
  const std::string rf = "rf_0123456789abcdef0123456789abcdef";
  for (const auto& [key, value] : {legacy(MayMicros(2), 7, "user:2", rf), legacy(MayMicros(1), 9, "pipeline", rf)})
    ASSERT_TRUE(store_->PutSealedForTesting("audit", key, value).has_value());
  ASSERT_TRUE(store_->SetSchemaVersionForTesting(1).has_value());
  Reopen();
  auto audit = store_->ReadAudit(0, 10);
  ASSERT_TRUE(audit.has_value()) << audit.error().message;
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].seq, 1u);
  EXPECT_EQ((*audit)[0].actor, "pipeline");  // the earlier one first
  EXPECT_EQ((*audit)[0].role, "system");
  EXPECT_EQ((*audit)[0].at_unix_ms, MayMicros(1) / 1000);
  EXPECT_EQ((*audit)[1].actor, "user:2");
  EXPECT_EQ((*audit)[1].role, "staff");
  EXPECT_EQ((*audit)[1].action, "change");
  EXPECT_EQ((*audit)[1].subject_kind, "referral");
  EXPECT_EQ((*audit)[1].subject_id, rf);
  EXPECT_EQ((*audit)[1].purpose, "why");
  EXPECT_EQ((*audit)[1].event_type, "referral.state_changed");
  ASSERT_TRUE(store_->RecordAccess(Read("user:3", "fax", "")).has_value());
  EXPECT_EQ(store_->ReadAudit(0, 10)->back().seq, 3u);
  EXPECT_EQ(store_->CountKeys()->at("audit"), 3u);
}

}  // namespace
}  // namespace faxintake::store
