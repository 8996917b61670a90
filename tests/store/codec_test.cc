#include "store/codec.h"

#include <gtest/gtest.h>

#include "pipeline/result_json.h"
#include "store/fax_id.h"
#include "tests/store/sample_results.h"

namespace faxintake::store {
namespace {

IntakeResult RichResult() {
  IntakeResult r = testing::SampleResult(FaxIdForBytes("codec"), 3, "urgent");
  r.metadata = FaxMetadata{"webhook:phaxio", "gw-77", "+15551234567", "+15557654321", "CLINIC TSI",
                           "2024-05-01T13:45:00Z", "scan 1.pdf"};
  // OCR can hand us bytes that are not valid UTF-8 (text layers, gateways); they must survive.
  r.pages[0].text.words[0].text = std::string("\xff\xfe bad utf8", 11);
  r.pages[1].text.words[1].confidence = 0.1f / 3.0f;
  r.documents[0].referral_id = "rf_9";
  r.documents[1].fields["authorization.visits"] = Field{int64_t{-12}, 0.0, 2, Box{-1, 0, 0, 0}};
  return r;
}

TEST(Codec, RoundTripsEveryMemberOfAnIntakeResult) {
  const IntakeResult original = RichResult();
  auto decoded = DecodeIntakeResult(EncodeIntakeResult(original));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  // The full JSON form covers every member, so equal JSON means equal values.
  EXPECT_EQ(IntakeResultToJson(*decoded), IntakeResultToJson(original));
  EXPECT_EQ(ToContractJson(*decoded).dump(), ToContractJson(original).dump());
  EXPECT_EQ(decoded->pages[0].text.words[0].text, original.pages[0].text.words[0].text);
  EXPECT_EQ(decoded->pages[1].text.words[1].confidence, original.pages[1].text.words[1].confidence);
  EXPECT_EQ(decoded->pages[1].ydpi, 196.1);
  EXPECT_TRUE(decoded->pages[1].damaged);
  EXPECT_FALSE(decoded->documents[0].fields.at("fax_cover.page_count").valid);
  EXPECT_EQ(std::get<int64_t>(decoded->documents[1].fields.at("authorization.visits").value), -12);
  EXPECT_EQ(decoded->documents[0].referral_id, "rf_9");
  EXPECT_FALSE(decoded->documents[1].patient_id.has_value());
  EXPECT_EQ(decoded->metadata.original_name, "scan 1.pdf");
}

TEST(Codec, RoundTripsQuarantinedResultsWithTheirError) {
  const IntakeResult original = testing::QuarantinedResult(FaxIdForBytes("q"));
  auto decoded = DecodeIntakeResult(EncodeIntakeResult(original));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(ToContractJson(*decoded).dump(), ToContractJson(original).dump());
  EXPECT_EQ(decoded->error_code, "tiff_unreadable");
}

TEST(Codec, RoundTripsFaxRecordsWithBinaryIndexKeys) {
  FaxRecord r;
  r.metadata.source = "cli";
  r.state = FaxState::kNeedsReview;
  r.accept_seq = 42;
  r.accepted_at_us = 1714571100000000;
  r.received_at_us = -5;
  r.byte_size = 123456;
  r.revision = 2;
  r.committed_at_us = 1714571200000000;
  r.input = "a.tif";
  r.status = IntakeStatus::kNeedsReview;
  r.page_count = 3;
  r.document_count = 2;
  r.index_keys = {std::string("s\x03\x00\x00\xff", 5), "r-key"};
  r.gateway_keys = {std::string("g\x00\x01", 3)};
  auto decoded = DecodeFaxRecord(EncodeFaxRecord(r));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(FaxRecordToJson(*decoded), FaxRecordToJson(r));
  EXPECT_EQ(decoded->index_keys, r.index_keys);
  EXPECT_EQ(decoded->gateway_keys, r.gateway_keys);
  EXPECT_EQ(decoded->received_at_us, -5);
}

TEST(Codec, RoundTripsOutboxEvents) {
  const OutboxEvent e{UINT64_MAX - 1, std::string(kEventFaxProcessed), FaxIdForBytes("e"), FaxState::kQuarantined, 3, 17};
  auto decoded = DecodeOutboxEvent(EncodeOutboxEvent(e));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(OutboxEventToJson(*decoded), OutboxEventToJson(e));
}

TEST(Codec, IgnoresKeysItDoesNotKnowSoNewerRecordsStayReadable) {
  nlohmann::json j = DocumentToJson(RichResult().documents[0]);
  j["added_by_a_later_version"] = {1, 2, 3};
  j.erase("referral_id");  // optional keys may be absent
  auto d = DecodeDocument(EncodeRecord(j));
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_FALSE(d->referral_id.has_value());
}

TEST(Codec, ReportsCorruptRecordsAsDataLoss) {
  const std::string good = EncodeIntakeResult(RichResult());
  nlohmann::json wrong_type = IntakeResultToJson(RichResult());
  wrong_type["pages"][0]["words"][0][1] = "not a number";
  nlohmann::json bad_doc_type = IntakeResultToJson(RichResult());
  bad_doc_type["documents"][0]["type"] = "fax";
  nlohmann::json missing = IntakeResultToJson(RichResult());
  missing.erase("pages");
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"empty", ""},
      {"unknown format tag", "\x07" + good.substr(1)},
      {"truncated", good.substr(0, good.size() / 2)},
      {"wrong value type", EncodeRecord(wrong_type)},
      {"unknown document type", EncodeRecord(bad_doc_type)},
      {"missing required key", EncodeRecord(missing)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto decoded = DecodeIntakeResult(c.bytes);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error().code, ErrorCode::kDataLoss);
    EXPECT_EQ(decoded.error().reason, "record_malformed");
  }
}

TEST(Codec, ErrorMessagesNeverQuoteTheRecord) {
  nlohmann::json j = IntakeResultToJson(RichResult());
  j["pages"][0]["words"][0][0] = 12345;  // a word's text replaced by a number
  j["documents"][0]["fields"]["patient.family_name"]["page"] = "QUIXOTEFERNSBY";
  auto decoded = DecodeIntakeResult(EncodeRecord(j));
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().message.find("QUIXOTE"), std::string::npos);
  EXPECT_EQ(decoded.error().message.find("12345"), std::string::npos);
}

}  // namespace
}  // namespace faxintake::store
