// Packet checklists over a two-patient fax: only the referral's own patient's documents
// supply its items.
#include "extract/checklist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace faxintake::extract {
namespace {

constexpr const char* kYaml = R"(
checklists:
  - name: prior_auth_payer
    extends: standard
    when: {payer: [AETNA, CIGNA]}
    required_fields: [authorization.number]
  - name: standard
    required_fields: [patient.birth_date, insurance.member_id, referring.npi, referral.diagnosis_codes]
)";

Document Doc(DocType type, std::vector<int> pages, std::vector<std::pair<std::string, FieldValue>> fields) {
  Document d;
  d.type = type;
  d.pages = std::move(pages);
  for (auto& [k, v] : fields) d.fields[k] = Field{v, 0.9, d.pages.front(), Box{}, true};
  return d;
}

bool Has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(Checklist, TwoPatientPacketTakesItemsOnlyFromTheSamePatient) {
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value()) << set.error().message;
  std::vector<Document> docs;
  docs.push_back(Doc(DocType::kFaxCover, {1}, {{"fax_cover.page_count", int64_t{5}}}));
  // Patient A: referral without member id or authorization number; A's card has the id.
  docs.push_back(Doc(DocType::kReferral, {2},
                     {{"patient.family_name", std::string("LOPEZ")},
                      {"patient.given_name", std::string("MARIA")},
                      {"patient.birth_date", std::string("1956-03-04")},
                      {"insurance.payer", std::string("AETNA")},
                      {"referring.npi", std::string("1234567893")},
                      {"referral.diagnosis_codes", std::vector<std::string>{"M17.11"}}}));
  docs.push_back(Doc(DocType::kInsuranceCard, {3},
                     {{"patient.family_name", std::string("LOPEZ")},
                      {"patient.given_name", std::string("MARIA")},
                      {"insurance.payer", std::string("AETNA")},
                      {"insurance.member_id", std::string("W123456789")}}));
  // Patient B: complete referral, and an authorization letter that must not count for A.
  docs.push_back(Doc(DocType::kReferral, {4},
                     {{"patient.family_name", std::string("NGUYEN")},
                      {"patient.given_name", std::string("DAVID")},
                      {"patient.birth_date", std::string("1970-01-02")},
                      {"insurance.payer", std::string("MEDICARE")},
                      {"insurance.member_id", std::string("1EG4TE5MK73")},
                      {"referring.npi", std::string("1234567893")},
                      {"referral.diagnosis_codes", std::vector<std::string>{"I10"}}}));
  docs.push_back(Doc(DocType::kPriorAuthorization, {5},
                     {{"patient.family_name", std::string("NGUYEN")},
                      {"patient.given_name", std::string("DAVID")},
                      {"patient.birth_date", std::string("1970-01-02")},
                      {"authorization.number", std::string("PA2026123456")}}));
  set->Evaluate(docs);

  const Document& a = docs[1];
  EXPECT_EQ(a.checklist.name, "prior_auth_payer");
  EXPECT_TRUE(Has(a.checklist.satisfied, "insurance.member_id"));  // from A's card
  EXPECT_TRUE(Has(a.checklist.missing, "authorization.number"));   // B's letter does not count
  EXPECT_TRUE(a.needs_review);
  EXPECT_TRUE(Has(a.review_reasons, "missing:authorization.number"));

  const Document& b = docs[3];
  EXPECT_EQ(b.checklist.name, "standard");
  EXPECT_TRUE(b.checklist.missing.empty());
  EXPECT_TRUE(docs[2].checklist.name.empty());  // not a referral
}

TEST(Checklist, OnePatientFaxDocumentWithoutNameSupplies) {
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs;
  docs.push_back(Doc(DocType::kReferral, {1},
                     {{"patient.family_name", std::string("LOPEZ")},
                      {"insurance.payer", std::string("CIGNA")},
                      {"patient.birth_date", std::string("1956-03-04")},
                      {"referring.npi", std::string("1234567893")},
                      {"referral.diagnosis_codes", std::vector<std::string>{"M17.11"}}}));
  // A determination letter whose member line OCR lost the name: one patient in the fax.
  docs.push_back(Doc(DocType::kPriorAuthorization, {2},
                     {{"insurance.member_id", std::string("U1234567801")},
                      {"authorization.number", std::string("UM50515661")}}));
  set->Evaluate(docs);
  EXPECT_EQ(docs[0].checklist.name, "prior_auth_payer");
  EXPECT_TRUE(docs[0].checklist.missing.empty());
}

TEST(Checklist, AnItemPrintedButUnreadableIsNeitherMissingNorSatisfied) {
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value()) << set.error().message;
  std::vector<Document> docs;
  docs.push_back(Doc(DocType::kReferral, {1},
                     {{"patient.family_name", std::string("LOPEZ")},
                      {"patient.birth_date", std::string("1956-03-04")},
                      {"referring.npi", std::string("1234567893")},
                      {"referral.diagnosis_codes", std::vector<std::string>{"M17.11"}}}));
  docs[0].AddReason("unreadable:insurance.member_id");
  set->Evaluate(docs);
  EXPECT_FALSE(Has(docs[0].checklist.missing, "insurance.member_id"));
  EXPECT_FALSE(Has(docs[0].checklist.satisfied, "insurance.member_id"));
  EXPECT_FALSE(Has(docs[0].review_reasons, "missing:insurance.member_id"));
  EXPECT_TRUE(docs[0].needs_review);
}

TEST(Checklist, ThePayerIsTheSurestReadingOfThePatientsDocuments) {
  // Seed 30 s0019: the form's payer cell read "FFUMANE" at 0.32, the card HUMANA at 0.96;
  // the form lacks the authorization number Aetna's checklist requires.
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value()) << set.error().message;
  const auto packet = [](double form_confidence) {
    std::vector<Document> docs;
    docs.push_back(Doc(DocType::kReferral, {1},
                       {{"patient.family_name", std::string("LOPEZ")},
                        {"patient.birth_date", std::string("1956-03-04")},
                        {"insurance.payer", std::string("ARTNE")},
                        {"insurance.member_id", std::string("W123456789")},
                        {"referring.npi", std::string("1234567893")},
                        {"referral.diagnosis_codes", std::vector<std::string>{"M17.11"}}}));
    docs[0].fields.at("insurance.payer").confidence = form_confidence;
    docs.push_back(Doc(DocType::kInsuranceCard, {2},
                       {{"insurance.payer", std::string("AETNA")}, {"insurance.member_id", std::string("W123456789")}}));
    return docs;
  };
  std::vector<Document> docs = packet(0.32);
  set->Evaluate(docs);
  EXPECT_EQ(docs[0].checklist.name, "prior_auth_payer");
  EXPECT_TRUE(Has(docs[0].checklist.missing, "authorization.number"));
  // The form's own reading when it is the surer one.
  std::vector<Document> sure = packet(0.97);
  set->Evaluate(sure);
  EXPECT_EQ(sure[0].checklist.name, "standard");
}

TEST(Checklist, RejectsUnknownFieldKey) {
  auto set = ChecklistSet::LoadYaml("checklists:\n  - name: x\n    required_fields: [shoe.size]\n");
  EXPECT_FALSE(set.has_value());
}

TEST(Checklist, FamilyNamesAgreeThroughOneOcrSlip) {
  Document referral = Doc(DocType::kReferral, {2}, {{"patient.family_name", std::string("GONZALE RIVERA")}});
  Document note = Doc(DocType::kClinicalNote, {3},
                      {{"patient.family_name", std::string("GONZALEZ RIVERA")},
                       {"patient.birth_date", std::string("1933-06-20")}});
  EXPECT_TRUE(SamePatient(referral, note, false));
  Document other = Doc(DocType::kClinicalNote, {4}, {{"patient.family_name", std::string("GONZAGA")}});
  EXPECT_FALSE(SamePatient(referral, other, false));
  Document short_name = Doc(DocType::kClinicalNote, {5}, {{"patient.family_name", std::string("LEE")}});
  Document short_other = Doc(DocType::kReferral, {6}, {{"patient.family_name", std::string("LEO")}});
  EXPECT_FALSE(SamePatient(short_name, short_other, false));
}

// Seed 93 s0024: SHARON MURPHY's referral prints no birth date; RONALD MURPHY's note, later in
// the same fax, prints his. One family, two people: his note supplies nothing for her, and her
// missing birth date is flagged. The same birth date or member id outweighs a given name.
TEST(Checklist, OneFamilyNameWithTwoGivenNamesIsTwoPatients) {
  Document referral = Doc(DocType::kReferral, {2},
                          {{"patient.family_name", std::string("MURPHY")}, {"patient.given_name", std::string("SHARON")},
                           {"insurance.member_id", std::string("81702245")}});
  Document note = Doc(DocType::kClinicalNote, {6},
                      {{"patient.family_name", std::string("MURPHY")}, {"patient.given_name", std::string("RONALD")},
                       {"patient.birth_date", std::string("1958-08-07")}});
  EXPECT_FALSE(SamePatient(referral, note, true));
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {referral, note};
  set->Evaluate(docs);
  EXPECT_TRUE(Has(docs[0].checklist.missing, "patient.birth_date"));
  // A given name read with a slip, or as an initial, is the same person.
  Document slipped = note;
  slipped.fields["patient.given_name"].value = std::string("SHARCN");
  EXPECT_TRUE(SamePatient(referral, slipped, false));
  slipped.fields["patient.given_name"].value = std::string("S");
  EXPECT_TRUE(SamePatient(referral, slipped, false));
  // The same member id says the given name was misread.
  Document same_id = note;
  same_id.fields["insurance.member_id"] = referral.fields["insurance.member_id"];
  EXPECT_TRUE(SamePatient(referral, same_id, false));
  // A given name read unsure is no evidence.
  Document unsure = note;
  unsure.fields["patient.given_name"].confidence = 0.3;
  EXPECT_TRUE(SamePatient(referral, unsure, false));
}

TEST(Checklist, BothPartsOfTheNameOneSlipOffAreTheSamePatient) {
  // Seed 100 s0071: the referral's N read as U in both names; the card has the member id.
  Document referral = Doc(DocType::kReferral, {2, 3},
                          {{"patient.family_name", std::string("GREEU")}, {"patient.given_name", std::string("JUAU")},
                           {"patient.birth_date", std::string("1982-04-27")}});
  Document card = Doc(DocType::kInsuranceCard, {4},
                      {{"patient.family_name", std::string("GREEN")}, {"patient.given_name", std::string("JUAN")},
                       {"insurance.member_id", std::string("132086170")}});
  EXPECT_TRUE(SamePatient(referral, card, false));
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {referral, card};
  set->Evaluate(docs);
  EXPECT_FALSE(Has(docs[0].checklist.missing, "insurance.member_id"));
  // Only an initial on one, or another birth date: not enough to call them one.
  Document initial = card;
  initial.fields["patient.given_name"].value = std::string("J");
  EXPECT_FALSE(SamePatient(referral, initial, false));
  Document born_apart = card;
  born_apart.fields["patient.birth_date"] = referral.fields["patient.birth_date"];
  born_apart.fields["patient.birth_date"].value = std::string("1960-01-02");
  EXPECT_FALSE(SamePatient(referral, born_apart, false));
}

TEST(Checklist, TheSameMemberIdAndGivenNameOutweighAFamilyNameReadTwoSlipsApart) {
  // "HARRIS" read "HARMS" on the referral; the letter carries the birth date it lacks.
  Document referral = Doc(DocType::kReferral, {1},
                          {{"patient.family_name", std::string("HARMS")}, {"patient.given_name", std::string("CHRISTOPHER")},
                           {"insurance.member_id", std::string("W762392564")}});
  Document letter = Doc(DocType::kPriorAuthorization, {2},
                        {{"patient.family_name", std::string("HARRIS")}, {"patient.given_name", std::string("CHRISTOPHER")},
                         {"insurance.member_id", std::string("W762392564")}, {"patient.birth_date", std::string("1947-02-04")}});
  EXPECT_TRUE(SamePatient(referral, letter, false));
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {referral, letter};
  set->Evaluate(docs);
  EXPECT_FALSE(Has(docs[0].checklist.missing, "patient.birth_date"));
  // Another given name, or another member id: another patient.
  Document sibling = letter;
  sibling.fields["patient.given_name"].value = std::string("CHRISTINA");
  EXPECT_FALSE(SamePatient(referral, sibling, false));
  Document other = letter;
  other.fields["insurance.member_id"].value = std::string("W762392999");
  EXPECT_FALSE(SamePatient(referral, other, false));
}

// Seed 77 s0047: the referral's "Chen. Kevin Edward" read as given CHEN, family EDWARD; its
// NPI is printed on the authorization letter, where the name reads right. The same member id
// and the same birth date outweigh the family name; the member id alone, or with another
// birth date, does not.
TEST(Checklist, TheSameMemberIdAndBirthDateOutweighAFamilyNameReadWrong) {
  Document referral = Doc(DocType::kReferral, {2},
                          {{"patient.family_name", std::string("EDWARD")}, {"patient.given_name", std::string("CHEN")},
                           {"patient.birth_date", std::string("2006-05-10")},
                           {"insurance.member_id", std::string("U2370467901")}});
  Document letter = Doc(DocType::kPriorAuthorization, {4},
                        {{"patient.family_name", std::string("CHEN")}, {"patient.given_name", std::string("KEVIN")},
                         {"patient.birth_date", std::string("2006-05-10")},
                         {"insurance.member_id", std::string("U2370467901")}, {"referring.npi", std::string("1277130583")}});
  EXPECT_TRUE(SamePatient(referral, letter, false));
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {referral, letter};
  set->Evaluate(docs);
  EXPECT_FALSE(Has(docs[0].checklist.missing, "referring.npi"));
  Document no_date = letter;
  no_date.fields.erase("patient.birth_date");
  EXPECT_FALSE(SamePatient(referral, no_date, false));
  Document other_date = letter;
  other_date.fields["patient.birth_date"].value = std::string("2004-11-02");
  EXPECT_FALSE(SamePatient(referral, other_date, false));
}

TEST(Checklist, ACompoundSurnameReadInPartIsNoConflict) {
  // The authorization letter's "DEL TORO" read as "TORO"; birth date and member id agree.
  Document referral = Doc(DocType::kReferral, {2},
                          {{"patient.family_name", std::string("DEL TORO")},
                           {"patient.birth_date", std::string("1948-02-11")},
                           {"insurance.member_id", std::string("123456789")}});
  Document letter = Doc(DocType::kPriorAuthorization, {3},
                        {{"patient.family_name", std::string("TORO")},
                         {"patient.birth_date", std::string("1948-02-11")},
                         {"insurance.member_id", std::string("123456789")}});
  EXPECT_TRUE(SamePatient(referral, letter, false));
  // Alone, a shared part of a name is no agreement either.
  Document part = Doc(DocType::kClinicalNote, {4}, {{"patient.family_name", std::string("TORO")}});
  EXPECT_FALSE(SamePatient(referral, part, false));
  // Another birth date still makes another patient.
  letter.fields["patient.birth_date"].value = std::string("1975-07-30");
  EXPECT_FALSE(SamePatient(referral, letter, false));
}

// Seed 46 s0027: the letter prints no member id; the card of the same fax does, its
// "DELA ROSA" read for the family name "ROSA". One family, so one patient.
TEST(Checklist, AFaxWhoseFamilyNamesAreOneReadInPartHasOnePatient) {
  Document referral = Doc(DocType::kReferral, {2},
                          {{"patient.family_name", std::string("DE LA ROSA")},
                           {"patient.birth_date", std::string("1948-05-13")},
                           {"insurance.payer", std::string("MEDICARE")},
                           {"referring.npi", std::string("1281901813")},
                           {"referral.diagnosis_codes", std::vector<std::string>{"E05.90"}}});
  Document card = Doc(DocType::kInsuranceCard, {4},
                      {{"patient.family_name", std::string("ROSA")},
                       {"insurance.member_id", std::string("5CJ4FJ1MA70")}});
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {referral, card};
  set->Evaluate(docs);
  EXPECT_TRUE(docs[0].checklist.missing.empty()) << docs[0].checklist.missing.front();
  // A card naming another family is another patient's.
  docs = {referral, card};
  docs[1].fields["patient.family_name"].value = std::string("ROSALES");
  set->Evaluate(docs);
  EXPECT_EQ(docs[0].checklist.missing, std::vector<std::string>{"insurance.member_id"});
}

// Seed 48 s0059: two referrals of two patients in one fax; noise took the first one's
// name, its birth date read below the conflict confidence. The second's member id is no
// item of the first, whose own is missing.
TEST(Checklist, AnotherReferralOfTheFaxSuppliesNothing) {
  Document first = Doc(DocType::kReferral, {2},
                       {{"patient.birth_date", std::string("1982-07-27")},
                        {"insurance.payer", std::string("MEDICAID")},
                        {"referring.npi", std::string("1268609454")},
                        {"referral.diagnosis_codes", std::vector<std::string>{"M54.16"}}});
  first.fields["patient.birth_date"].confidence = 0.3;
  Document second = Doc(DocType::kReferral, {3},
                        {{"patient.family_name", std::string("RICHARDSON")},
                         {"patient.birth_date", std::string("1985-03-11")},
                         {"insurance.payer", std::string("MEDICAID")},
                         {"insurance.member_id", std::string("830762333")},
                         {"referring.npi", std::string("1268609454")},
                         {"referral.diagnosis_codes", std::vector<std::string>{"J45.909"}}});
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {first, second};
  set->Evaluate(docs);
  EXPECT_EQ(docs[0].checklist.missing, std::vector<std::string>{"insurance.member_id"});
  EXPECT_TRUE(docs[1].checklist.missing.empty());
  // A card of the one patient still backs the referral.
  Document card = Doc(DocType::kInsuranceCard, {4}, {{"insurance.member_id", std::string("830762334")}});
  docs = {first, card};
  set->Evaluate(docs);
  EXPECT_TRUE(docs[0].checklist.missing.empty());
}

// Seed 113 s0081: a two-patient fax whose second referral's card came through with its
// member id alone (the name not read): nothing to compare, it backs the referral it follows.
TEST(Checklist, ACardWithNothingToCompareBacksTheReferralItFollows) {
  const auto referral = [](int page, const std::string& family, const std::string& dob) {
    return Doc(DocType::kReferral, {page},
               {{"patient.family_name", family},
                {"patient.birth_date", dob},
                {"insurance.payer", std::string("MEDICAID")},
                {"referring.npi", std::string("1268609454")},
                {"referral.diagnosis_codes", std::vector<std::string>{"M54.16"}}});
  };
  const Document card = Doc(DocType::kInsuranceCard, {4}, {{"insurance.member_id", std::string("830762333")}});
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {referral(2, "SCHMIDT", "1934-06-18"), referral(3, "WOOP", "1955-04-17"), card};
  set->Evaluate(docs);
  EXPECT_EQ(docs[0].checklist.missing, std::vector<std::string>{"insurance.member_id"});  // not its card
  EXPECT_TRUE(docs[1].checklist.missing.empty());
  // Before the next referral: the card after the first referral is the first's.
  docs = {referral(2, "SCHMIDT", "1934-06-18"), card, referral(5, "WOOP", "1955-04-17")};
  docs[1].pages = {3};
  set->Evaluate(docs);
  EXPECT_TRUE(docs[0].checklist.missing.empty());
  EXPECT_EQ(docs[2].checklist.missing, std::vector<std::string>{"insurance.member_id"});
  // A card naming another patient backs neither, wherever it lies.
  docs[1].fields["patient.family_name"] = Field{std::string("NGUYEN"), 0.9, 3, Box{}, true};
  set->Evaluate(docs);
  EXPECT_EQ(docs[0].checklist.missing, std::vector<std::string>{"insurance.member_id"});
}

TEST(Checklist, AGarbledLowConfidenceIdIsNoEvidenceOfAnotherPatient) {
  // The referral's name was not read and its member id came out garbled at 0.05; the
  // authorization letter of the same one-patient fax carries the diagnosis code.
  Document referral = Doc(DocType::kReferral, {2},
                          {{"insurance.member_id", std::string("HS9031375")},
                           {"patient.birth_date", std::string("1965-09-27")},
                           {"referring.npi", std::string("1581255365")}});
  referral.fields["insurance.member_id"].confidence = 0.05;
  Document letter = Doc(DocType::kPriorAuthorization, {4},
                        {{"patient.family_name", std::string("ORTIZ")},
                         {"insurance.member_id", std::string("949032353")},
                         {"referral.diagnosis_codes", std::vector<std::string>{"D50.9"}}});
  EXPECT_TRUE(SamePatient(referral, letter, true));
  auto set = ChecklistSet::LoadYaml(kYaml);
  ASSERT_TRUE(set.has_value());
  std::vector<Document> docs = {referral, letter};
  set->Evaluate(docs);
  EXPECT_TRUE(docs[0].checklist.missing.empty()) << docs[0].checklist.missing.front();
  // Read with confidence, two different ids are two people.
  referral.fields["insurance.member_id"].confidence = 0.9;
  EXPECT_FALSE(SamePatient(referral, letter, true));
}

}  // namespace
}  // namespace faxintake::extract
