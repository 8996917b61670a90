// Serialization of the store's records: each record is a JSON value (nlohmann::json) stored
// as CBOR behind a one-byte format tag. The JSON form is complete (every member of the model
// types, not only the contract's), so a record decodes to exactly the value that was encoded.
//
// Compatibility rule: decoders ignore keys they do not know and default keys that are missing
// but optional, so a newer writer's records stay readable; removing or retyping a key is a
// schema version with a migration (store/record_store.cc). Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "pipeline/model.h"
#include "pipeline/status.h"
#include "store/records.h"

namespace faxintake::store {

// JSON forms. The *FromJson functions return kDataLoss for a value of the wrong shape.
nlohmann::json MetadataToJson(const FaxMetadata& m);
Result<FaxMetadata> MetadataFromJson(const nlohmann::json& j);
nlohmann::json PageResultToJson(const PageResult& p);
Result<PageResult> PageResultFromJson(const nlohmann::json& j);
nlohmann::json DocumentToJson(const Document& d);
Result<Document> DocumentFromJson(const nlohmann::json& j);
// Every member of IntakeResult, including metadata and per-page text (not the contract form:
// for that see pipeline/result_json.h).
nlohmann::json IntakeResultToJson(const IntakeResult& r);
Result<IntakeResult> IntakeResultFromJson(const nlohmann::json& j);
nlohmann::json FaxRecordToJson(const FaxRecord& r);
Result<FaxRecord> FaxRecordFromJson(const nlohmann::json& j);
nlohmann::json OutboxEventToJson(const OutboxEvent& e);
Result<OutboxEvent> OutboxEventFromJson(const nlohmann::json& j);

// Byte forms: the format tag followed by the CBOR of the JSON form. Decoders return kDataLoss
// for bytes that are not such a record (truncated, unknown tag, wrong shape).
std::string EncodeRecord(const nlohmann::json& j);
Result<nlohmann::json> DecodeRecord(std::string_view bytes);

std::string EncodePageResult(const PageResult& p);
Result<PageResult> DecodePageResult(std::string_view bytes);
std::string EncodeDocument(const Document& d);
Result<Document> DecodeDocument(std::string_view bytes);
std::string EncodeIntakeResult(const IntakeResult& r);
Result<IntakeResult> DecodeIntakeResult(std::string_view bytes);
std::string EncodeFaxRecord(const FaxRecord& r);
Result<FaxRecord> DecodeFaxRecord(std::string_view bytes);
std::string EncodeOutboxEvent(const OutboxEvent& e);
Result<OutboxEvent> DecodeOutboxEvent(std::string_view bytes);

// Patients, referrals and match reviews (store/records.h).
nlohmann::json PatientRecordToJson(const PatientRecord& p);
Result<PatientRecord> PatientRecordFromJson(const nlohmann::json& j);
nlohmann::json ReferralRecordToJson(const ReferralRecord& r);
Result<ReferralRecord> ReferralRecordFromJson(const nlohmann::json& j);
nlohmann::json MatchReviewToJson(const MatchReview& m);
Result<MatchReview> MatchReviewFromJson(const nlohmann::json& j);
std::string EncodePatientRecord(const PatientRecord& p);
Result<PatientRecord> DecodePatientRecord(std::string_view bytes);
std::string EncodeReferralRecord(const ReferralRecord& r);
Result<ReferralRecord> DecodeReferralRecord(std::string_view bytes);
std::string EncodeMatchReview(const MatchReview& m);
Result<MatchReview> DecodeMatchReview(std::string_view bytes);

}  // namespace faxintake::store
