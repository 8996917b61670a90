// Staff resolution of the matches the matcher left to a person.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/record_store.h"
#include "tests/store/referral_fixtures.h"

namespace faxintake::store {
namespace {

using namespace faxintake::store::testing;

// Name and phone agree with kMaria, the birth date has one digit misread, no member id: the
// matcher leaves it to a person with kMaria as the candidate.
Document UncertainNote(DocType type = DocType::kClinicalNote) {
  Person swapped = kMaria;
  swapped.dob = "1956-08-04";
  swapped.member = "";
  Document note = Note(type, swapped);
  note.fields["patient.phone"] = Text(kMaria.phone);
  return note;
}

class MatchResolutionTest : public ReferralStoreTest {
 protected:
  void SetUp() override {
    ReferralStoreTest::SetUp();
    first_ = Fax(1, 1, {Referral(kMaria, {})});
    maria_ = first_.documents[0].patient_id.value_or("");
    ASSERT_FALSE(maria_.empty());
  }

  std::vector<std::string> EventTypes(uint64_t after) {
    std::vector<std::string> out;
    const auto events = store_->ReadOutbox(after, SIZE_MAX);
    EXPECT_TRUE(events.has_value());
    for (const OutboxEvent& e : events.value_or(std::vector<OutboxEvent>{})) out.push_back(e.type);
    return out;
  }
  uint64_t LastOutboxSeq() {
    auto events = store_->ReadOutbox(0, SIZE_MAX);
    return events->empty() ? 0 : events->back().seq;
  }

  IntakeResult first_;
  std::string maria_;
};

TEST_F(MatchResolutionTest, SamePatientFilesTheDocumentToHerOpenReferralAndClearsTheReview) {
  const IntakeResult second = Fax(2, 2, {UncertainNote()});
  ASSERT_TRUE(HasReason(second.documents[0], "possible_match"));
  ASSERT_EQ(store_->ReviewQueue(10)->size(), 1u);
  const uint64_t seq_before = LastOutboxSeq();

  auto out = store_->ResolveMatchReview(second.fax_id, 0, MatchDecision::Same(maria_), "user:17", "same birth year, phone");
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(out->patient_id, maria_);
  EXPECT_EQ(out->referral_id, first_.documents[0].referral_id);
  EXPECT_FALSE(out->new_patient);
  EXPECT_FALSE(out->already_resolved);
  EXPECT_FALSE(out->still_needs_review);
  EXPECT_EQ(out->fax_status, IntakeStatus::kFiled);

  auto stored = store_->GetResult(second.fax_id);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  const Document& d = (*stored)->documents[0];
  EXPECT_EQ(d.patient_id, maria_);
  EXPECT_EQ(d.referral_id, first_.documents[0].referral_id);
  EXPECT_FALSE(HasReason(d, "possible_match"));
  EXPECT_FALSE(d.needs_review);
  EXPECT_EQ((*stored)->status, IntakeStatus::kFiled);
  EXPECT_TRUE(store_->ReviewQueue(10)->empty());
  EXPECT_FALSE(store_->GetMatchReview(second.fax_id, 0)->has_value());
  EXPECT_EQ(*store_->FaxIdsInState(FaxState::kFiled, 10), (std::vector<std::string>{first_.fax_id, second.fax_id}));
  EXPECT_EQ(store_->Stats()->needs_review, 0u);
  EXPECT_EQ(store_->GetPatient(maria_)->sightings.size(), 2u);
  EXPECT_EQ(Stored(first_.documents[0].referral_id).documents.size(), 2u);
  EXPECT_EQ(EventTypes(seq_before), std::vector<std::string>{"match.resolved"});
  const auto audit = *store_->ReadAudit(0, 100);
  auto resolve = std::find_if(audit.begin(), audit.end(), [](const AuditEntry& e) { return e.action == "resolve"; });
  ASSERT_NE(resolve, audit.end());
  EXPECT_EQ(resolve->actor, "user:17");
  EXPECT_EQ(resolve->subject_kind, "match_review");
  EXPECT_EQ(resolve->subject_id, second.fax_id + "#0");
  EXPECT_EQ(resolve->purpose, "same birth year, phone");

  // The same decision again changes nothing; another decision is refused.
  const auto keys_before = *store_->CountKeys();
  auto again = store_->ResolveMatchReview(second.fax_id, 0, MatchDecision::Same(maria_), "user:17", "again");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(again->already_resolved);
  EXPECT_EQ(again->patient_id, maria_);
  EXPECT_EQ(*store_->CountKeys(), keys_before);
  EXPECT_EQ(EventTypes(seq_before), std::vector<std::string>{"match.resolved"});
  auto other = store_->ResolveMatchReview(second.fax_id, 0, MatchDecision::New(), "user:17", "changed my mind");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(other.error().reason, "already_resolved");

  // A re-run of the fax keeps the person's decision.
  IntakeResult rerun = ResultOf(second.fax_id, {UncertainNote()});
  ASSERT_TRUE(store_->CommitResult(rerun, {}).has_value());
  EXPECT_EQ(rerun.documents[0].patient_id, maria_);
  EXPECT_FALSE(rerun.documents[0].needs_review);
  EXPECT_EQ(store_->GetPatient(maria_)->sightings.size(), 2u);
}

TEST_F(MatchResolutionTest, NewPatientCreatesOneWithAStableIdAndARerunKeepsIt) {
  const IntakeResult third = Fax(3, 3, {UncertainNote(DocType::kLabResult)});
  ASSERT_TRUE(HasReason(third.documents[0], "possible_match"));
  auto out = store_->ResolveMatchReview(third.fax_id, 0, MatchDecision::New(), "user:3", "different person");
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_TRUE(out->new_patient);
  EXPECT_NE(out->patient_id, maria_);
  EXPECT_FALSE(out->referral_id.has_value());  // a lab result opens no referral, and they have none
  auto patient = store_->GetPatient(out->patient_id);
  ASSERT_TRUE(patient.has_value());
  EXPECT_EQ(patient->sightings.size(), 1u);
  EXPECT_EQ(out->fax_status, IntakeStatus::kFiled);

  auto again = store_->ResolveMatchReview(third.fax_id, 0, MatchDecision::New(), "user:3", "again");
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->already_resolved);
  EXPECT_EQ(again->patient_id, out->patient_id);

  IntakeResult rerun = ResultOf(third.fax_id, {UncertainNote(DocType::kLabResult)});
  ASSERT_TRUE(store_->CommitResult(rerun, {}).has_value());
  EXPECT_EQ(rerun.documents[0].patient_id, out->patient_id);
  EXPECT_FALSE(HasReason(rerun.documents[0], "possible_match"));
}

TEST_F(MatchResolutionTest, AResolvedReferralDocumentOpensItsReferralAndItsCardFollows) {
  Person swapped = kMaria;
  swapped.dob = "1956-08-04";
  swapped.member = "";
  Document referral = Referral(swapped, {});
  Document card;
  card.type = DocType::kInsuranceCard;
  card.fields["patient.family_name"] = Text(kMaria.family);
  card.fields["patient.given_name"] = Text(kMaria.given);
  const IntakeResult second = Fax(2, 2, {referral, card});
  ASSERT_TRUE(HasReason(second.documents[0], "possible_match"));
  ASSERT_FALSE(second.documents[1].patient_id.has_value());

  auto out = store_->ResolveMatchReview(second.fax_id, 0, MatchDecision::Same(maria_), "user:5", "verified by phone");
  ASSERT_TRUE(out.has_value()) << out.error().message;
  ASSERT_TRUE(out->referral_id.has_value());
  EXPECT_NE(out->referral_id, first_.documents[0].referral_id);  // its own episode
  const auto stored = **store_->GetResult(second.fax_id);
  EXPECT_EQ(stored.documents[1].patient_id, maria_);
  EXPECT_EQ(stored.documents[1].referral_id, out->referral_id);
  EXPECT_EQ(Stored(out->referral_id).documents.size(), 2u);
  EXPECT_EQ(Stored(out->referral_id).patient_id, maria_);
}

TEST_F(MatchResolutionTest, ADocumentWithOtherReasonsStaysInTheQueue) {
  Document note = UncertainNote();
  note.AddReason("low_confidence:patient.phone");
  const IntakeResult second = Fax(2, 2, {note});
  auto out = store_->ResolveMatchReview(second.fax_id, 0, MatchDecision::Same(maria_), "user:17", "");
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_TRUE(out->still_needs_review);
  EXPECT_EQ(out->fax_status, IntakeStatus::kNeedsReview);
  EXPECT_EQ(store_->ReviewQueue(10)->size(), 1u);
  const auto stored = **store_->GetResult(second.fax_id);
  EXPECT_EQ(stored.documents[0].review_reasons, std::vector<std::string>{"low_confidence:patient.phone"});
}

TEST_F(MatchResolutionTest, BadRequestsSaySo) {
  const IntakeResult second = Fax(2, 2, {UncertainNote()});
  struct Case {
    const char* name;
    std::string fax_id;
    uint32_t document;
    MatchDecision decision;
    std::string actor;
    ErrorCode code;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"not a candidate", second.fax_id, 0, MatchDecision::Same("pt_00000000000000000000000000000000"), "user:1",
       ErrorCode::kInvalidArgument, "not_a_candidate"},
      {"malformed patient", second.fax_id, 0, MatchDecision::Same("maria"), "user:1", ErrorCode::kInvalidArgument,
       "bad_patient_id"},
      {"no actor", second.fax_id, 0, MatchDecision::Same(maria_), "", ErrorCode::kInvalidArgument, "actor_missing"},
      {"malformed fax", "fx_nope", 0, MatchDecision::New(), "user:1", ErrorCode::kInvalidArgument, "bad_fax_id"},
      {"unknown fax", "fx_00000000000000000000000000000000", 0, MatchDecision::New(), "user:1", ErrorCode::kNotFound,
       "fax_not_found"},
      {"no such document", second.fax_id, 3, MatchDecision::New(), "user:1", ErrorCode::kNotFound,
       "document_not_found"},
      {"nothing to resolve", first_.fax_id, 0, MatchDecision::New(), "user:1", ErrorCode::kFailedPrecondition,
       "no_match_review"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = store_->ResolveMatchReview(c.fax_id, c.document, c.decision, c.actor, "x");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, c.code);
    EXPECT_EQ(r.error().reason, c.reason);
  }
  EXPECT_EQ(store_->ReviewQueue(10)->size(), 1u);  // nothing changed
}

}  // namespace
}  // namespace faxintake::store
