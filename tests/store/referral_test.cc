// Patients and referral episodes in the record store: matching across faxes, referral
// checklists over several faxes, lifecycle, idempotent re-commits.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "store/record_store.h"
#include "tests/store/referral_fixtures.h"

namespace faxintake::store {
namespace {

using namespace faxintake::store::testing;

TEST_F(ReferralStoreTest, ALaterAuthorizationLetterClearsTheMissingAuthorizationNumber) {
  const IntakeResult first = Fax(1, 1, {Referral(kMaria, {"authorization.number"})});
  const Document& referral = first.documents[0];
  ASSERT_TRUE(referral.patient_id.has_value());
  ASSERT_TRUE(referral.referral_id.has_value());
  ReferralRecord r = Stored(referral.referral_id);
  EXPECT_EQ(r.state, ReferralState::kIncomplete);
  EXPECT_EQ(r.missing, std::vector<std::string>{"authorization.number"});
  EXPECT_EQ(r.patient_id, *referral.patient_id);
  EXPECT_EQ(*store_->ReferralsInState(ReferralState::kIncomplete, 10),
            (std::vector<ReferralSummary>{{*referral.referral_id, ReferralState::kIncomplete, r.state_since_us}}));

  // Three days later the payer's letter arrives in its own fax, the name printed without hyphen.
  Person letter_name = kMaria;
  letter_name.family = "GARCIA LOPEZ";
  const IntakeResult second = Fax(2, 4, {AuthorizationLetter(letter_name, "approved")});
  EXPECT_EQ(second.documents[0].patient_id, referral.patient_id);
  EXPECT_EQ(second.documents[0].referral_id, referral.referral_id);
  EXPECT_EQ(second.status, IntakeStatus::kFiled);
  r = Stored(referral.referral_id);
  EXPECT_TRUE(r.missing.empty());
  EXPECT_EQ(r.required_missing, std::vector<std::string>{"authorization.number"});
  EXPECT_EQ(r.state, ReferralState::kAuthorizationApproved);
  EXPECT_EQ(r.documents.size(), 2u);
  EXPECT_GT(r.ready_at_us, r.opened_at_us);
  EXPECT_TRUE(store_->ReferralsInState(ReferralState::kIncomplete, 10)->empty());

  // A clinical note with a nickname-free short form, then the consult note that closes the loop.
  const IntakeResult third = Fax(3, 6, {Note(DocType::kClinicalNote, kMaria)});
  EXPECT_EQ(third.documents[0].referral_id, referral.referral_id);
  const IntakeResult fourth = Fax(4, 20, {Note(DocType::kConsultNote, kMaria)});
  EXPECT_EQ(fourth.documents[0].referral_id, referral.referral_id);
  r = Stored(referral.referral_id);
  EXPECT_EQ(r.state, ReferralState::kConsultReceived);
  std::vector<std::string> states;
  for (const ReferralTransition& t : r.history) states.push_back(ReferralStateName(t.state));
  EXPECT_EQ(states, (std::vector<std::string>{"received", "incomplete", "authorization_approved", "consult_received"}));
  EXPECT_EQ(ReferralEvents(), (std::vector<std::string>{"referral.opened:received", "referral.state_changed:incomplete",
                                                        "referral.state_changed:authorization_approved",
                                                        "referral.state_changed:consult_received"}));
  auto patient = store_->GetPatient(*referral.patient_id);
  ASSERT_TRUE(patient.has_value());
  EXPECT_EQ(patient->sightings.size(), 4u);

  ASSERT_TRUE(store_->CloseReferral(*referral.referral_id, "coordinator:7", "loop closed").has_value());
  EXPECT_EQ(Stored(referral.referral_id).state, ReferralState::kClosed);
  EXPECT_EQ(store_->ReferralsInState(ReferralState::kClosed, 10)->size(), 1u);
  EXPECT_TRUE(store_->ReferralsInState(ReferralState::kConsultReceived, 10)->empty());
  // A later note of hers no longer joins the closed referral.
  const IntakeResult fifth = Fax(5, 25, {Note(DocType::kLabResult, kMaria)});
  EXPECT_EQ(fifth.documents[0].patient_id, referral.patient_id);
  EXPECT_FALSE(fifth.documents[0].referral_id.has_value());
}

TEST_F(ReferralStoreTest, ALaterLetterClearsTheEarlierReferralDocumentsReasonAndTakingItBackRestoresIt) {
  const IntakeResult first = Fax(1, 1, {Referral(kMaria, {"authorization.number"})});
  ASSERT_TRUE(first.documents[0].needs_review);
  ASSERT_EQ(store_->ReviewQueue(10)->size(), 1u);
  const IntakeResult letter = Fax(2, 4, {AuthorizationLetter(kMaria, "approved")});

  auto stored = store_->GetResult(first.fax_id);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  const Document& d = (*stored)->documents[0];
  EXPECT_FALSE(HasReason(d, "missing:authorization.number"));
  EXPECT_FALSE(d.needs_review);
  EXPECT_TRUE(d.checklist.missing.empty());
  EXPECT_NE(std::find(d.checklist.satisfied.begin(), d.checklist.satisfied.end(), "authorization.number"),
            d.checklist.satisfied.end());
  EXPECT_EQ((*stored)->status, IntakeStatus::kFiled);
  EXPECT_TRUE(store_->ReviewQueue(10)->empty());
  EXPECT_EQ(store_->Stats()->needs_review, 0u);
  EXPECT_EQ(store_->FaxIdsInState(FaxState::kFiled, 10)->size(), 2u);
  const auto events = *store_->ReadOutbox(0, SIZE_MAX);
  auto updated = std::find_if(events.begin(), events.end(),
                              [](const OutboxEvent& e) { return e.type == "fax.documents_updated"; });
  ASSERT_NE(updated, events.end());
  EXPECT_EQ(updated->fax_id, first.fax_id);
  EXPECT_EQ(updated->state, FaxState::kFiled);

  // The letter's fax re-committed without it: the referral lacks the number again, and says so.
  IntakeResult empty = ResultOf(letter.fax_id, {});
  ASSERT_TRUE(store_->CommitResult(empty, {}).has_value());
  stored = store_->GetResult(first.fax_id);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_TRUE(HasReason((*stored)->documents[0], "missing:authorization.number"));
  EXPECT_TRUE((*stored)->documents[0].needs_review);
  EXPECT_EQ((*stored)->documents[0].checklist.missing, std::vector<std::string>{"authorization.number"});
  EXPECT_EQ((*stored)->status, IntakeStatus::kNeedsReview);
  EXPECT_EQ(store_->ReviewQueue(10)->size(), 1u);
  EXPECT_EQ(store_->Stats()->needs_review, 1u);
}

TEST_F(ReferralStoreTest, ALetterInTheSameFaxClearsTheReferralDocumentsReasonAtOnce) {
  const IntakeResult fax = Fax(1, 1, {Referral(kMaria, {"authorization.number"}), AuthorizationLetter(kMaria, "approved")});
  EXPECT_FALSE(HasReason(fax.documents[0], "missing:authorization.number"));
  EXPECT_FALSE(fax.documents[0].needs_review);
  EXPECT_EQ(fax.status, IntakeStatus::kFiled);
  EXPECT_TRUE(store_->ReviewQueue(10)->empty());
  // Other reasons stay.
  Document unsure = Referral(kSon, {"authorization.number"});
  unsure.AddReason("low_confidence:patient.phone");
  const IntakeResult other = Fax(2, 2, {unsure, AuthorizationLetter(kSon, "approved")});
  EXPECT_EQ(other.documents[0].review_reasons, std::vector<std::string>{"low_confidence:patient.phone"});
  EXPECT_EQ(other.status, IntakeStatus::kNeedsReview);
}

TEST_F(ReferralStoreTest, DocumentsOfOneFaxJoinItsReferralAndAPendingLetterHoldsIt) {
  Document card;
  card.type = DocType::kInsuranceCard;
  card.fields["patient.family_name"] = Text("LOPEZ");
  card.fields["patient.given_name"] = Text("MARIA");
  card.fields["insurance.member_id"] = Text("W12345G7B9");  // OCR: 6 read as G, 8 as B
  const IntakeResult fax = Fax(1, 1, {card, Referral(kMaria, {"authorization.number"}), AuthorizationLetter(kMaria, "pending")});
  ASSERT_TRUE(fax.documents[1].referral_id.has_value());
  for (const Document& d : fax.documents) {
    EXPECT_EQ(d.patient_id, fax.documents[1].patient_id);
    EXPECT_EQ(d.referral_id, fax.documents[1].referral_id);
  }
  EXPECT_EQ(Stored(fax.documents[1].referral_id).state, ReferralState::kAuthorizationPending);
  EXPECT_EQ(store_->CountKeys()->at("patients"), 1u);
}

TEST_F(ReferralStoreTest, FamilyMembersKeepTheirOwnPatientsAndReferrals) {
  const IntakeResult mother = Fax(1, 1, {Referral(kMaria, {})});
  const IntakeResult son = Fax(2, 2, {Referral(kSon, {})});
  ASSERT_TRUE(mother.documents[0].patient_id.has_value());
  ASSERT_TRUE(son.documents[0].patient_id.has_value());
  EXPECT_NE(mother.documents[0].patient_id, son.documents[0].patient_id);
  EXPECT_NE(mother.documents[0].referral_id, son.documents[0].referral_id);
  EXPECT_FALSE(son.documents[0].needs_review);
  // His note joins his referral, hers joins hers.
  const IntakeResult notes = Fax(3, 3, {Note(DocType::kClinicalNote, kSon), Note(DocType::kClinicalNote, kMaria)});
  EXPECT_EQ(notes.documents[0].referral_id, son.documents[0].referral_id);
  EXPECT_EQ(notes.documents[1].referral_id, mother.documents[0].referral_id);
  // A same-name stranger (other birth date and plan) is a new patient too.
  Person stranger = kMaria;
  stranger.dob = "1972-09-30";
  stranger.member = "H987654321";
  stranger.phone = "+12145550199";
  const IntakeResult other = Fax(4, 4, {Referral(stranger, {})});
  ASSERT_TRUE(other.documents[0].patient_id.has_value());
  EXPECT_NE(other.documents[0].patient_id, mother.documents[0].patient_id);
  EXPECT_EQ(store_->CountKeys()->at("patients"), 3u);
  EXPECT_EQ(store_->ReferralsInState(ReferralState::kReady, 10)->size(), 3u);
}

TEST_F(ReferralStoreTest, AnUncertainMatchIsLeftToAPersonWithTheCandidatesAndEvidence) {
  const IntakeResult first = Fax(1, 1, {Referral(kMaria, {})});
  // Name and phone agree, the birth date has one digit misread, no member id.
  Person swapped = kMaria;
  swapped.dob = "1956-08-04";
  swapped.member = "";
  Document note = Note(DocType::kClinicalNote, swapped);
  note.fields["patient.phone"] = Text(kMaria.phone);
  const IntakeResult second = Fax(2, 2, {note});
  const Document& d = second.documents[0];
  EXPECT_FALSE(d.patient_id.has_value());
  EXPECT_FALSE(d.referral_id.has_value());
  EXPECT_TRUE(HasReason(d, "possible_match"));
  EXPECT_TRUE(d.needs_review);
  EXPECT_EQ(second.status, IntakeStatus::kNeedsReview);
  auto review = store_->GetMatchReview(second.fax_id, 0);
  ASSERT_TRUE(review.has_value());
  ASSERT_TRUE(review->has_value());
  ASSERT_EQ((*review)->candidates.size(), 1u);
  EXPECT_EQ((*review)->candidates[0].patient_id, *first.documents[0].patient_id);
  const auto& evidence = (*review)->candidates[0].score.evidence;
  auto dob = std::find_if(evidence.begin(), evidence.end(),
                          [](const match::FieldEvidence& e) { return e.field == "patient.birth_date"; });
  ASSERT_NE(dob, evidence.end());
  EXPECT_EQ(dob->verdict, "one_digit");
  // The stored document says the same, and the review queue has it.
  auto stored = store_->GetResult(second.fax_id);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_TRUE(HasReason((*stored)->documents[0], "possible_match"));
  EXPECT_EQ(store_->ReviewQueue(10)->size(), 1u);
  EXPECT_EQ(store_->CountKeys()->at("patients"), 2u);  // the patient and the review
}

TEST_F(ReferralStoreTest, RecommittingAFaxLeavesOneSetOfPatientAndReferralRecords) {
  const IntakeResult first = Fax(1, 1, {Referral(kMaria, {"authorization.number"}), Note(DocType::kClinicalNote, kMaria)});
  const IntakeResult letter = Fax(2, 4, {AuthorizationLetter(kMaria, "approved")});
  const auto keys_before = *store_->CountKeys();
  const size_t events_before = ReferralEvents().size();

  // The first fax again (a re-run after a crash), from a fresh copy and from the filled one.
  IntakeResult again = ResultOf(first.fax_id, {Referral(kMaria, {"authorization.number"}), Note(DocType::kClinicalNote, kMaria)});
  ASSERT_TRUE(store_->CommitResult(again, {}).has_value());
  IntakeResult filled = first;
  ASSERT_TRUE(store_->CommitResult(filled, {}).has_value());
  EXPECT_EQ(again.documents[0].patient_id, first.documents[0].patient_id);
  EXPECT_EQ(again.documents[0].referral_id, first.documents[0].referral_id);
  EXPECT_EQ(filled.documents[1].referral_id, first.documents[0].referral_id);

  auto keys_after = *store_->CountKeys();
  for (const char* k : {"patients", "referrals", "index/p", "index/o", "index/f", "index/n", "documents"}) {
    SCOPED_TRACE(k);
    EXPECT_EQ(keys_after[k], keys_before.at(k));
  }
  EXPECT_EQ(keys_after["patients"], 1u);
  EXPECT_EQ(keys_after["referrals"], 1u);
  EXPECT_EQ(ReferralEvents().size(), events_before);  // nothing changed state
  const ReferralRecord r = Stored(first.documents[0].referral_id);
  EXPECT_EQ(r.documents.size(), 3u);
  EXPECT_EQ(r.state, ReferralState::kAuthorizationApproved);
  auto patient = store_->GetPatient(*first.documents[0].patient_id);
  ASSERT_TRUE(patient.has_value());
  EXPECT_EQ(patient->sightings.size(), 3u);
  EXPECT_EQ(letter.documents[0].referral_id, first.documents[0].referral_id);

  // Re-committed without its documents, the fax gives back what it filed; the letter's fax keeps
  // its own patient and referral.
  IntakeResult empty = ResultOf(first.fax_id, {});
  ASSERT_TRUE(store_->CommitResult(empty, {}).has_value());
  patient = store_->GetPatient(*first.documents[0].patient_id);
  ASSERT_TRUE(patient.has_value());
  EXPECT_EQ(patient->sightings.size(), 1u);
  EXPECT_EQ(Stored(first.documents[0].referral_id).documents.size(), 1u);
}

TEST_F(ReferralStoreTest, ConcurrentFaxesOfOneNewPatientMakeOnePatient) {
  std::vector<std::string> ids(8);
  for (int n = 0; n < 8; ++n) {
    FaxMetadata meta;
    meta.source = "dropfolder:main";
    ids[static_cast<size_t>(n)] = store_->AcceptFax("concurrent fax #" + std::to_string(n), meta)->fax_id;
  }
  std::vector<std::thread> threads;
  std::vector<std::optional<std::string>> patients(8);
  for (int n = 0; n < 8; ++n)
    threads.emplace_back([&, n] {
      IntakeResult r = ResultOf(ids[static_cast<size_t>(n)], {n % 2 == 0 ? Referral(kMaria, {}) : Note(DocType::kLabResult, kMaria)});
      if (store_->CommitResult(r, {}).has_value()) patients[static_cast<size_t>(n)] = r.documents[0].patient_id;
    });
  for (std::thread& t : threads) t.join();
  for (const auto& p : patients) {
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(*p, *patients[0]);
  }
  EXPECT_EQ(store_->CountKeys()->at("patients"), 1u);
  EXPECT_EQ(store_->CountKeys()->at("referrals"), 4u);
  EXPECT_EQ(store_->GetPatient(*patients[0])->sightings.size(), 8u);
}

TEST_F(ReferralStoreTest, ReferrerVolumesComeFromTheIndex) {
  Fax(1, 1, {Referral(kMaria, {}, "1234567893")});
  Fax(2, 2, {Referral(kSon, {}, "1234567893")});
  Person other{"NGUYEN", "ANH", "1990-02-02", "U000111222", "+15125550100", "1 ELM ST", "78702"};
  Fax(3, 3, {Referral(other, {}, "1457390062")});
  auto volumes = store_->ReferrerVolumes();
  ASSERT_TRUE(volumes.has_value());
  ASSERT_EQ(volumes->size(), 2u);
  EXPECT_EQ((*volumes)[0].npi, "1234567893");
  EXPECT_EQ((*volumes)[0].referrals, 2u);
  EXPECT_EQ((*volumes)[1].referrals, 1u);
}

TEST_F(ReferralStoreTest, MalformedIdsAndUnknownRecordsSaySo) {
  EXPECT_EQ(store_->GetPatient("nope").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetReferral("pt_00000000000000000000000000000000").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetReferral("rf_00000000000000000000000000000000").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->CloseReferral("rf_00000000000000000000000000000000", "", "x").error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace faxintake::store
