#include "pipeline/model.h"

#include <gtest/gtest.h>

#include "pipeline/base64.h"
#include "pipeline/result_json.h"

namespace faxintake {
namespace {

TEST(Base64, PaddingRequiredOrOptional) {
  EXPECT_EQ(Base64Decode("aGVsbG8=").value_or("?"), "hello");
  EXPECT_FALSE(Base64Decode("aGVsbG8").has_value());
  // SRFax sends file contents with or without padding.
  EXPECT_EQ(Base64Decode("aGVsbG8", /*require_padding=*/false).value_or("?"), "hello");
  EXPECT_EQ(Base64Decode("aGVsbG8=", /*require_padding=*/false).value_or("?"), "hello");
  EXPECT_FALSE(Base64Decode("aGVsbG8h1", /*require_padding=*/false).has_value());  // 9 characters
  EXPECT_FALSE(Base64Decode("aGVs=bG8", /*require_padding=*/false).has_value());   // data after padding
}

TEST(DocType, RoundTripsEveryContractName) {
  for (DocType t : AllDocTypes()) {
    SCOPED_TRACE(DocTypeName(t));
    auto parsed = ParseDocType(DocTypeName(t));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_FALSE(ParseDocType("fax").has_value());
}

TEST(Box, UnionCoversBothAndIgnoresEmpty) {
  Box u = Union(Box{10, 10, 5, 5}, Box{0, 20, 3, 3});
  EXPECT_EQ(u.x, 0);
  EXPECT_EQ(u.y, 10);
  EXPECT_EQ(u.w, 15);
  EXPECT_EQ(u.h, 13);
  Box e = Union(Box{}, Box{1, 2, 3, 4});
  EXPECT_EQ(e.x, 1);
  EXPECT_EQ(e.h, 4);
}

TEST(ResultJson, QuarantinedResultHasErrorAndNoDocuments) {
  IntakeResult r;
  r.input = "bad.tif";
  r.fax_id = "fx_1";
  r.status = IntakeStatus::kQuarantined;
  r.error_code = "tiff_unreadable";
  r.error_message = "not a TIFF";
  auto j = ToContractJson(r);
  EXPECT_EQ(j["schema"], "faxintake.result/1");
  EXPECT_EQ(j["status"], "quarantined");
  EXPECT_EQ(j["error"]["code"], "tiff_unreadable");
  EXPECT_TRUE(j["documents"].empty());
}

TEST(ResultJson, DocumentsCarryNullIdsAndFieldBoxes) {
  IntakeResult r;
  r.input = "a.tif";
  r.fax_id = "fx_2";
  Document d;
  d.type = DocType::kReferral;
  d.pages = {1, 2};
  d.fields["referral.diagnosis_codes"] = Field{std::vector<std::string>{"M17.11"}, 0.9, 2, Box{1, 2, 3, 4}};
  d.AddReason("missing:referring.npi");
  d.AddReason("missing:referring.npi");
  r.documents.push_back(d);
  auto j = ToContractJson(r);
  const auto& dj = j["documents"][0];
  EXPECT_TRUE(dj["patient_id"].is_null());
  EXPECT_EQ(dj["review_reasons"].size(), 1u);
  EXPECT_EQ(dj["needs_review"], true);
  EXPECT_EQ(dj["fields"]["referral.diagnosis_codes"]["box"], nlohmann::json::array({1, 2, 3, 4}));
  EXPECT_EQ(dj["fields"]["referral.diagnosis_codes"]["value"][0], "M17.11");
}

}  // namespace
}  // namespace faxintake
