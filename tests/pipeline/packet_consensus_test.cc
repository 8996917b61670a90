// Packet consensus on hand-built documents: corrections between documents of one patient.
#include "pipeline/packet_consensus.h"

#include <gtest/gtest.h>

namespace faxintake {
namespace {

Field F(const std::string& value, double confidence, bool valid = true) {
  Field f;
  f.value = value;
  f.confidence = confidence;
  f.valid = valid;
  f.page = 1;
  return f;
}

Document Doc(DocType type, int page, std::map<std::string, Field> fields) {
  Document d;
  d.type = type;
  d.pages = {page};
  for (auto& [k, f] : fields) f.page = page;
  d.fields = std::move(fields);
  return d;
}

std::string Value(const Document& d, const std::string& key) { return std::get<std::string>(d.fields.at(key).value); }

TEST(ReconcilePacket, AMemberIdMisreadOnTheReferralIsCorrectedFromTheCardAndTheLetter) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"insurance.member_id", F("W135226543", 0.55)}}),
      Doc(DocType::kInsuranceCard, 2, {{"patient.family_name", F("REYES", 0.9)}, {"insurance.member_id", F("W135216543", 0.9)}}),
      Doc(DocType::kPriorAuthorization, 3,
          {{"patient.birth_date", F("1942-06-02", 0.9)}, {"insurance.member_id", F("W135216543", 0.8)}}),
  };
  docs[0].AddReason("low_confidence:insurance.member_id");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "W135216543");
  EXPECT_EQ(docs[0].fields.at("insurance.member_id").page, 1);  // still where it is printed
  EXPECT_GE(docs[0].fields.at("insurance.member_id").confidence, 0.6);
  EXPECT_TRUE(docs[0].review_reasons.empty());
  EXPECT_FALSE(docs[0].needs_review);
}

TEST(ReconcilePacket, AnAuthorizationNumberMisreadOnTheReferralIsCorrectedFromTheLetter) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"authorization.number", F("UM49114989", 0.55)}}),
      Doc(DocType::kPriorAuthorization, 2,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"authorization.number", F("UM49114980", 0.9)}}),
  };
  docs[0].AddReason("low_confidence:authorization.number");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "authorization.number"), "UM49114980");
  EXPECT_FALSE(docs[0].needs_review);
}

TEST(ReconcilePacket, AnotherPatientsDocumentsAreNeverUsed) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"insurance.member_id", F("W135226543", 0.5)}}),
      Doc(DocType::kInsuranceCard, 2,
          {{"patient.family_name", F("MORGAN", 0.9)}, {"patient.birth_date", F("1977-01-30", 0.9)},
           {"insurance.member_id", F("W135216543", 0.95)}}),
  };
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 0);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "W135226543");
}

TEST(ReconcilePacket, DifferentValuesAreNotSlipsAndAbsentValuesAreNotFilled) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("REYES", 0.9)}, {"insurance.member_id", F("W135226543", 0.5)}}),
      Doc(DocType::kInsuranceCard, 2,
          {{"patient.family_name", F("REYES", 0.9)}, {"insurance.member_id", F("XQ9900112", 0.95)},
           {"patient.given_name", F("JOSE", 0.95)}}),
  };
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 0);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "W135226543");
  EXPECT_EQ(docs[0].fields.count("patient.given_name"), 0u);
}

TEST(ReconcilePacket, AnInvalidNpiTakesTheValidOneAValidNpiIsLeftAlone) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"referring.npi", F("1259339806", 0.3, /*valid=*/false)}}),
      Doc(DocType::kPriorAuthorization, 2, {{"referring.npi", F("1259398869", 0.9)}}),
      Doc(DocType::kClinicalNote, 3, {{"referring.npi", F("1234567893", 0.6)}}),
  };
  docs[0].AddReason("invalid:referring.npi");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "referring.npi"), "1259398869");
  EXPECT_TRUE(docs[0].fields.at("referring.npi").valid);
  EXPECT_FALSE(docs[0].needs_review);
  EXPECT_EQ(Value(docs[2], "referring.npi"), "1234567893");  // a valid NPI is another provider's
}

TEST(ReconcilePacket, OfTwoEquallySupportedValidNamesOnlyAClearlySurerOneWins) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("HILL-BEDWARDS", 0.62)}, {"patient.birth_date", F("1981-08-27", 0.9)}}),
      Doc(DocType::kClinicalNote, 2, {{"patient.family_name", F("HILL-EDWARDS", 0.95)}, {"patient.birth_date", F("1981-08-27", 0.9)}}),
  };
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "patient.family_name"), "HILL-EDWARDS");
  docs[0].fields.at("patient.family_name") = F("HILL-EDWARDZ", 0.9);
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 0);  // 0.95 against 0.9: no clear winner
  EXPECT_EQ(Value(docs[0], "patient.family_name"), "HILL-EDWARDZ");
}

}  // namespace
}  // namespace faxintake
