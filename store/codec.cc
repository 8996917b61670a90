#include "store/codec.h"

#include <cstdint>
#include <vector>

#include "pipeline/result_json.h"

namespace faxintake::store {
namespace {

using nlohmann::json;

// Byte form format tags. 0x01: CBOR of the JSON form. Never reuse a retired tag.
constexpr uint8_t kFormatCbor = 0x01;

// Thrown inside the decoders for shapes nlohmann accepts but the model does not; caught at
// the public boundary together with nlohmann's own exceptions.
struct Malformed {
  const char* what;
};

template <typename T>
T Get(const json& j, const char* key) {
  return j.at(key).get<T>();
}

template <typename T>
T GetOr(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

json OptionalJson(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

std::optional<std::string> OptionalFrom(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

json BoxToJson(const Box& b) { return json::array({b.x, b.y, b.w, b.h}); }

Box BoxFrom(const json& j) {
  if (!j.is_array() || j.size() != 4) throw Malformed{"box"};
  return Box{j[0].get<int>(), j[1].get<int>(), j[2].get<int>(), j[3].get<int>()};
}

template <typename F>
auto Guard(const char* what, F&& decode) -> Result<decltype(decode())> {
  try {
    return decode();
  } catch (const json::exception& e) {
    // Only the error id: nlohmann's messages may quote parts of the (patient) value.
    return MakeError(ErrorCode::kDataLoss, "record_malformed",
                     std::string(what) + " record is malformed (json error " + std::to_string(e.id) + ")");
  } catch (const Malformed& m) {
    return MakeError(ErrorCode::kDataLoss, "record_malformed",
                     std::string(what) + " record is malformed (" + m.what + ")");
  }
}

// ---------------------------------------------------------------- throwing decoders

FaxMetadata MetadataFrom(const json& j) {
  FaxMetadata m;
  m.source = Get<std::string>(j, "source");
  m.gateway_fax_id = GetOr<std::string>(j, "gateway_fax_id", "");
  m.from_number = GetOr<std::string>(j, "from_number", "");
  m.to_number = GetOr<std::string>(j, "to_number", "");
  m.sender_tsi = GetOr<std::string>(j, "sender_tsi", "");
  m.received_at = GetOr<std::string>(j, "received_at", "");
  m.original_name = GetOr<std::string>(j, "original_name", "");
  return m;
}

PageSource PageSourceFrom(const std::string& s) {
  if (s == "ocr") return PageSource::kOcr;
  if (s == "text_layer") return PageSource::kTextLayer;
  throw Malformed{"page source"};
}

PageResult PageFrom(const json& j) {
  PageResult p;
  p.number = Get<int>(j, "number");
  p.width = Get<int>(j, "width");
  p.height = Get<int>(j, "height");
  p.xdpi = Get<double>(j, "xdpi");
  p.ydpi = Get<double>(j, "ydpi");
  p.rotation = Get<int>(j, "rotation");
  p.ocr_confidence = Get<double>(j, "ocr_confidence");
  p.source = PageSourceFrom(Get<std::string>(j, "source"));
  p.damaged = GetOr<bool>(j, "damaged", false);
  p.ocr_timed_out = GetOr<bool>(j, "ocr_timed_out", false);
  for (const json& w : j.at("words")) {
    if (!w.is_array() || w.size() != 7) throw Malformed{"word"};
    p.text.words.push_back(Word{w[0].get<std::string>(), Box{w[1].get<int>(), w[2].get<int>(), w[3].get<int>(), w[4].get<int>()},
                                w[5].get<float>(), w[6].get<int>()});
  }
  for (const json& l : j.at("lines")) {
    if (!l.is_array() || l.size() != 8) throw Malformed{"line"};
    p.text.lines.push_back(Line{l[0].get<std::string>(), Box{l[1].get<int>(), l[2].get<int>(), l[3].get<int>(), l[4].get<int>()},
                                l[5].get<int>(), l[6].get<int>(), l[7].get<int>()});
  }
  return p;
}

Document DocumentFrom(const json& j) {
  Document d;
  auto type = ParseDocType(Get<std::string>(j, "type"));
  if (!type) throw Malformed{"document type"};
  d.type = *type;
  d.confidence = Get<double>(j, "confidence");
  d.pages = Get<std::vector<int>>(j, "pages");
  for (const auto& [key, f] : j.at("fields").items()) {
    auto value = FieldValueFromJson(f.at("value"));
    if (!value) throw Malformed{"field value"};
    Field field;
    field.value = std::move(*value);
    field.confidence = Get<double>(f, "confidence");
    field.page = Get<int>(f, "page");
    field.box = BoxFrom(f.at("box"));
    field.valid = GetOr<bool>(f, "valid", true);
    d.fields.emplace(key, std::move(field));
  }
  const json& c = j.at("checklist");
  d.checklist.name = Get<std::string>(c, "name");
  d.checklist.missing = Get<std::vector<std::string>>(c, "missing");
  d.checklist.satisfied = Get<std::vector<std::string>>(c, "satisfied");
  d.needs_review = Get<bool>(j, "needs_review");
  d.review_reasons = Get<std::vector<std::string>>(j, "review_reasons");
  d.patient_id = OptionalFrom(j, "patient_id");
  d.referral_id = OptionalFrom(j, "referral_id");
  return d;
}

IntakeStatus StatusFrom(const std::string& s) {
  for (IntakeStatus st : {IntakeStatus::kFiled, IntakeStatus::kNeedsReview, IntakeStatus::kQuarantined})
    if (s == IntakeStatusName(st)) return st;
  throw Malformed{"status"};
}

FaxState StateFrom(const std::string& s) {
  auto st = ParseFaxState(s);
  if (!st) throw Malformed{"state"};
  return *st;
}

IntakeResult ResultFrom(const json& j) {
  IntakeResult r;
  r.input = Get<std::string>(j, "input");
  r.fax_id = Get<std::string>(j, "fax_id");
  r.status = StatusFrom(Get<std::string>(j, "status"));
  r.error_code = OptionalFrom(j, "error_code");
  r.error_message = OptionalFrom(j, "error_message");
  for (const json& p : j.at("pages")) r.pages.push_back(PageFrom(p));
  for (const json& d : j.at("documents")) r.documents.push_back(DocumentFrom(d));
  r.metadata = MetadataFrom(j.at("metadata"));
  return r;
}

FaxRecord FaxRecordFrom(const json& j) {
  FaxRecord r;
  r.metadata = MetadataFrom(j.at("metadata"));
  r.state = StateFrom(Get<std::string>(j, "state"));
  r.accept_seq = Get<uint64_t>(j, "accept_seq");
  r.accepted_at_us = Get<int64_t>(j, "accepted_at_us");
  r.received_at_us = Get<int64_t>(j, "received_at_us");
  r.byte_size = Get<uint64_t>(j, "byte_size");
  r.revision = GetOr<uint32_t>(j, "revision", 0);
  if (r.revision > 0) {
    r.committed_at_us = Get<int64_t>(j, "committed_at_us");
    r.input = Get<std::string>(j, "input");
    r.status = StatusFrom(Get<std::string>(j, "status"));
    r.error_code = OptionalFrom(j, "error_code");
    r.error_message = OptionalFrom(j, "error_message");
    r.page_count = Get<uint32_t>(j, "page_count");
    r.document_count = Get<uint32_t>(j, "document_count");
  }
  for (const json& k : j.at("index_keys")) r.index_keys.push_back(std::string(k.get_binary().begin(), k.get_binary().end()));
  for (const json& k : j.at("gateway_keys"))
    r.gateway_keys.push_back(std::string(k.get_binary().begin(), k.get_binary().end()));
  r.raw_purged_at_us = GetOr<int64_t>(j, "raw_purged_at_us", 0);
  return r;
}

OutboxEvent OutboxEventFrom(const json& j) {
  OutboxEvent e;
  e.seq = Get<uint64_t>(j, "seq");
  e.type = Get<std::string>(j, "type");
  e.fax_id = Get<std::string>(j, "fax_id");
  e.state = StateFrom(Get<std::string>(j, "state"));
  e.revision = Get<uint32_t>(j, "revision");
  e.at_us = Get<int64_t>(j, "at_us");
  e.patient_id = GetOr<std::string>(j, "patient_id", "");
  e.referral_id = GetOr<std::string>(j, "referral_id", "");
  e.referral_state = GetOr<std::string>(j, "referral_state", "");
  return e;
}

json Binary(const std::string& s) { return json::binary(std::vector<uint8_t>(s.begin(), s.end())); }

}  // namespace

// ---------------------------------------------------------------- JSON forms

nlohmann::json MetadataToJson(const FaxMetadata& m) {
  return {{"source", m.source},         {"gateway_fax_id", m.gateway_fax_id}, {"from_number", m.from_number},
          {"to_number", m.to_number},   {"sender_tsi", m.sender_tsi},         {"received_at", m.received_at},
          {"original_name", m.original_name}};
}

Result<FaxMetadata> MetadataFromJson(const nlohmann::json& j) {
  return Guard("metadata", [&] { return MetadataFrom(j); });
}

nlohmann::json PageResultToJson(const PageResult& p) {
  json words = json::array();
  for (const Word& w : p.text.words)
    words.push_back(json::array({w.text, w.box.x, w.box.y, w.box.w, w.box.h, w.confidence, w.line}));
  json lines = json::array();
  for (const Line& l : p.text.lines)
    lines.push_back(json::array({l.text, l.box.x, l.box.y, l.box.w, l.box.h, l.first_word, l.word_count, l.block}));
  return {{"number", p.number},
          {"width", p.width},
          {"height", p.height},
          {"xdpi", p.xdpi},
          {"ydpi", p.ydpi},
          {"rotation", p.rotation},
          {"ocr_confidence", p.ocr_confidence},
          {"source", p.source == PageSource::kTextLayer ? "text_layer" : "ocr"},
          {"damaged", p.damaged},
          {"ocr_timed_out", p.ocr_timed_out},
          {"words", std::move(words)},
          {"lines", std::move(lines)}};
}

Result<PageResult> PageResultFromJson(const nlohmann::json& j) {
  return Guard("page", [&] { return PageFrom(j); });
}

nlohmann::json DocumentToJson(const Document& d) {
  json fields = json::object();
  for (const auto& [key, f] : d.fields) {
    fields[key] = {{"value", FieldValueToJson(f.value)},
                   {"confidence", f.confidence},
                   {"page", f.page},
                   {"box", BoxToJson(f.box)},
                   {"valid", f.valid}};
  }
  return {{"type", DocTypeName(d.type)},
          {"confidence", d.confidence},
          {"pages", d.pages},
          {"fields", std::move(fields)},
          {"checklist", {{"name", d.checklist.name}, {"missing", d.checklist.missing}, {"satisfied", d.checklist.satisfied}}},
          {"needs_review", d.needs_review},
          {"review_reasons", d.review_reasons},
          {"patient_id", OptionalJson(d.patient_id)},
          {"referral_id", OptionalJson(d.referral_id)}};
}

Result<Document> DocumentFromJson(const nlohmann::json& j) {
  return Guard("document", [&] { return DocumentFrom(j); });
}

nlohmann::json IntakeResultToJson(const IntakeResult& r) {
  json pages = json::array();
  for (const PageResult& p : r.pages) pages.push_back(PageResultToJson(p));
  json docs = json::array();
  for (const Document& d : r.documents) docs.push_back(DocumentToJson(d));
  return {{"input", r.input},
          {"fax_id", r.fax_id},
          {"status", IntakeStatusName(r.status)},
          {"error_code", OptionalJson(r.error_code)},
          {"error_message", OptionalJson(r.error_message)},
          {"pages", std::move(pages)},
          {"documents", std::move(docs)},
          {"metadata", MetadataToJson(r.metadata)}};
}

Result<IntakeResult> IntakeResultFromJson(const nlohmann::json& j) {
  return Guard("result", [&] { return ResultFrom(j); });
}

nlohmann::json FaxRecordToJson(const FaxRecord& r) {
  json j = {{"metadata", MetadataToJson(r.metadata)},
            {"state", FaxStateName(r.state)},
            {"accept_seq", r.accept_seq},
            {"accepted_at_us", r.accepted_at_us},
            {"received_at_us", r.received_at_us},
            {"byte_size", r.byte_size},
            {"revision", r.revision}};
  if (r.revision > 0) {
    j["committed_at_us"] = r.committed_at_us;
    j["input"] = r.input;
    j["status"] = IntakeStatusName(r.status);
    j["error_code"] = OptionalJson(r.error_code);
    j["error_message"] = OptionalJson(r.error_message);
    j["page_count"] = r.page_count;
    j["document_count"] = r.document_count;
  }
  json index_keys = json::array();
  for (const std::string& k : r.index_keys) index_keys.push_back(Binary(k));
  json gateway_keys = json::array();
  for (const std::string& k : r.gateway_keys) gateway_keys.push_back(Binary(k));
  j["index_keys"] = std::move(index_keys);
  j["gateway_keys"] = std::move(gateway_keys);
  if (r.raw_purged_at_us != 0) j["raw_purged_at_us"] = r.raw_purged_at_us;  // added key: older records lack it
  return j;
}

Result<FaxRecord> FaxRecordFromJson(const nlohmann::json& j) {
  return Guard("fax", [&] { return FaxRecordFrom(j); });
}

nlohmann::json OutboxEventToJson(const OutboxEvent& e) {
  json j = {{"seq", e.seq},       {"type", e.type},         {"fax_id", e.fax_id},
            {"state", FaxStateName(e.state)}, {"revision", e.revision}, {"at_us", e.at_us}};
  // Added keys only when set, so fax events keep their original form.
  if (!e.patient_id.empty()) j["patient_id"] = e.patient_id;
  if (!e.referral_id.empty()) j["referral_id"] = e.referral_id;
  if (!e.referral_state.empty()) j["referral_state"] = e.referral_state;
  return j;
}

Result<OutboxEvent> OutboxEventFromJson(const nlohmann::json& j) {
  return Guard("outbox", [&] { return OutboxEventFrom(j); });
}

// ---------------------------------------------------------------- byte forms

std::string EncodeRecord(const nlohmann::json& j) {
  std::string out(1, static_cast<char>(kFormatCbor));
  json::to_cbor(j, out);
  return out;
}

Result<nlohmann::json> DecodeRecord(std::string_view bytes) {
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kFormatCbor)
    return MakeError(ErrorCode::kDataLoss, "record_malformed", "record has no known format tag");
  return Guard("stored", [&] {
    // Byte strings stay binary (the index keys); CBOR tags are never written, so reject them.
    return json::from_cbor(bytes.substr(1), /*strict=*/true, /*allow_exceptions=*/true,
                           json::cbor_tag_handler_t::error);
  });
}

namespace {
template <typename T, typename F>
Result<T> DecodeWith(std::string_view bytes, F&& from_json) {
  auto j = DecodeRecord(bytes);
  if (!j) return std::unexpected(j.error());
  return from_json(*j);
}
}  // namespace

std::string EncodePageResult(const PageResult& p) { return EncodeRecord(PageResultToJson(p)); }
Result<PageResult> DecodePageResult(std::string_view bytes) { return DecodeWith<PageResult>(bytes, PageResultFromJson); }
std::string EncodeDocument(const Document& d) { return EncodeRecord(DocumentToJson(d)); }
Result<Document> DecodeDocument(std::string_view bytes) { return DecodeWith<Document>(bytes, DocumentFromJson); }
std::string EncodeIntakeResult(const IntakeResult& r) { return EncodeRecord(IntakeResultToJson(r)); }
Result<IntakeResult> DecodeIntakeResult(std::string_view bytes) {
  return DecodeWith<IntakeResult>(bytes, IntakeResultFromJson);
}
std::string EncodeFaxRecord(const FaxRecord& r) { return EncodeRecord(FaxRecordToJson(r)); }
Result<FaxRecord> DecodeFaxRecord(std::string_view bytes) { return DecodeWith<FaxRecord>(bytes, FaxRecordFromJson); }
std::string EncodeOutboxEvent(const OutboxEvent& e) { return EncodeRecord(OutboxEventToJson(e)); }
Result<OutboxEvent> DecodeOutboxEvent(std::string_view bytes) {
  return DecodeWith<OutboxEvent>(bytes, OutboxEventFromJson);
}

// ---------------------------------------------------------------- patients and referrals

namespace {

json IdentityToJson(const match::Identity& id) {
  json j = json::object();
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("family_name", id.family_name);
  put("given_name", id.given_name);
  put("birth_date", id.birth_date);
  put("member_id", id.member_id);
  put("phone", id.phone);
  put("address_line", id.address_line);
  put("postal_code", id.postal_code);
  put("sex", id.sex);
  return j;
}

match::Identity IdentityFrom(const json& j) {
  match::Identity id;
  id.family_name = GetOr<std::string>(j, "family_name", "");
  id.given_name = GetOr<std::string>(j, "given_name", "");
  id.birth_date = GetOr<std::string>(j, "birth_date", "");
  id.member_id = GetOr<std::string>(j, "member_id", "");
  id.phone = GetOr<std::string>(j, "phone", "");
  id.address_line = GetOr<std::string>(j, "address_line", "");
  id.postal_code = GetOr<std::string>(j, "postal_code", "");
  id.sex = GetOr<std::string>(j, "sex", "");
  return id;
}

json BinaryList(const std::vector<std::string>& keys) {
  json out = json::array();
  for (const std::string& k : keys) out.push_back(Binary(k));
  return out;
}

std::vector<std::string> BinaryListFrom(const json& j) {
  std::vector<std::string> out;
  for (const json& k : j) out.push_back(std::string(k.get_binary().begin(), k.get_binary().end()));
  return out;
}

ReferralState ReferralStateFrom(const std::string& s) {
  auto st = ParseReferralState(s);
  if (!st) throw Malformed{"referral state"};
  return *st;
}

DocType DocTypeFrom(const std::string& s) {
  auto t = ParseDocType(s);
  if (!t) throw Malformed{"document type"};
  return *t;
}

PatientRecord PatientFrom(const json& j) {
  PatientRecord p;
  p.id = Get<std::string>(j, "id");
  p.created_at_us = Get<int64_t>(j, "created_at_us");
  for (const json& s : j.at("sightings"))
    p.sightings.push_back(PatientSighting{Get<std::string>(s, "fax_id"), Get<uint32_t>(s, "document"),
                                          Get<int64_t>(s, "at_us"), IdentityFrom(s.at("identity"))});
  p.index_keys = BinaryListFrom(j.at("index_keys"));
  return p;
}

ReferralRecord ReferralFrom(const json& j) {
  ReferralRecord r;
  r.id = Get<std::string>(j, "id");
  r.patient_id = Get<std::string>(j, "patient_id");
  r.opened_by_fax = Get<std::string>(j, "opened_by_fax");
  r.opened_by_document = Get<uint32_t>(j, "opened_by_document");
  r.opened_at_us = Get<int64_t>(j, "opened_at_us");
  r.checklist = GetOr<std::string>(j, "checklist", "");
  r.required_missing = Get<std::vector<std::string>>(j, "required_missing");
  r.missing = Get<std::vector<std::string>>(j, "missing");
  r.priority = GetOr<std::string>(j, "priority", "");
  r.specialty = GetOr<std::string>(j, "specialty", "");
  r.referring_npi = GetOr<std::string>(j, "referring_npi", "");
  for (const json& d : j.at("documents"))
    r.documents.push_back(ReferralDocument{Get<std::string>(d, "fax_id"), Get<uint32_t>(d, "document"),
                                           DocTypeFrom(Get<std::string>(d, "type")), Get<int64_t>(d, "at_us"),
                                           Get<std::vector<std::string>>(d, "provides"),
                                           GetOr<std::string>(d, "authorization_status", "")});
  r.state = ReferralStateFrom(Get<std::string>(j, "state"));
  r.state_since_us = Get<int64_t>(j, "state_since_us");
  r.ready_at_us = GetOr<int64_t>(j, "ready_at_us", 0);
  for (const json& h : j.at("history"))
    r.history.push_back(ReferralTransition{ReferralStateFrom(Get<std::string>(h, "state")), Get<int64_t>(h, "at_us"),
                                           GetOr<std::string>(h, "fax_id", "")});
  r.closed = GetOr<bool>(j, "closed", false);
  r.index_keys = BinaryListFrom(j.at("index_keys"));
  return r;
}

match::Decision DecisionFrom(const std::string& s) {
  for (match::Decision d : {match::Decision::kSamePatient, match::Decision::kPossibleMatch,
                            match::Decision::kPossibleDuplicate, match::Decision::kNewPatient})
    if (s == match::DecisionName(d)) return d;
  throw Malformed{"match decision"};
}

MatchReview MatchReviewFrom(const json& j) {
  MatchReview m;
  m.fax_id = Get<std::string>(j, "fax_id");
  m.document = Get<uint32_t>(j, "document");
  m.decision = DecisionFrom(Get<std::string>(j, "decision"));
  for (const json& c : j.at("candidates")) {
    match::ScoredCandidate sc;
    sc.patient_id = Get<std::string>(c, "patient_id");
    sc.score.total = Get<double>(c, "score");
    sc.score.auto_eligible = GetOr<bool>(c, "auto_eligible", false);
    for (const json& e : c.at("evidence"))
      sc.score.evidence.push_back(
          match::FieldEvidence{Get<std::string>(e, "field"), Get<std::string>(e, "verdict"), Get<double>(e, "weight")});
    m.candidates.push_back(std::move(sc));
  }
  return m;
}

}  // namespace

nlohmann::json PatientRecordToJson(const PatientRecord& p) {
  json sightings = json::array();
  for (const PatientSighting& s : p.sightings)
    sightings.push_back({{"fax_id", s.fax_id},
                         {"document", s.document},
                         {"at_us", s.at_us},
                         {"identity", IdentityToJson(s.identity)}});
  return {{"id", p.id},
          {"created_at_us", p.created_at_us},
          {"sightings", std::move(sightings)},
          {"index_keys", BinaryList(p.index_keys)}};
}

Result<PatientRecord> PatientRecordFromJson(const nlohmann::json& j) {
  return Guard("patient", [&] { return PatientFrom(j); });
}

nlohmann::json ReferralRecordToJson(const ReferralRecord& r) {
  json documents = json::array();
  for (const ReferralDocument& d : r.documents) {
    json dj = {{"fax_id", d.fax_id}, {"document", d.document}, {"type", DocTypeName(d.type)},
               {"at_us", d.at_us},   {"provides", d.provides}};
    if (!d.authorization_status.empty()) dj["authorization_status"] = d.authorization_status;
    documents.push_back(std::move(dj));
  }
  json history = json::array();
  for (const ReferralTransition& h : r.history)
    history.push_back({{"state", ReferralStateName(h.state)}, {"at_us", h.at_us}, {"fax_id", h.fax_id}});
  return {{"id", r.id},
          {"patient_id", r.patient_id},
          {"opened_by_fax", r.opened_by_fax},
          {"opened_by_document", r.opened_by_document},
          {"opened_at_us", r.opened_at_us},
          {"checklist", r.checklist},
          {"required_missing", r.required_missing},
          {"missing", r.missing},
          {"priority", r.priority},
          {"specialty", r.specialty},
          {"referring_npi", r.referring_npi},
          {"documents", std::move(documents)},
          {"state", ReferralStateName(r.state)},
          {"state_since_us", r.state_since_us},
          {"ready_at_us", r.ready_at_us},
          {"history", std::move(history)},
          {"closed", r.closed},
          {"index_keys", BinaryList(r.index_keys)}};
}

Result<ReferralRecord> ReferralRecordFromJson(const nlohmann::json& j) {
  return Guard("referral", [&] { return ReferralFrom(j); });
}

nlohmann::json MatchReviewToJson(const MatchReview& m) {
  json candidates = json::array();
  for (const match::ScoredCandidate& c : m.candidates) {
    json evidence = json::array();
    for (const match::FieldEvidence& e : c.score.evidence)
      evidence.push_back({{"field", e.field}, {"verdict", e.verdict}, {"weight", e.weight}});
    candidates.push_back({{"patient_id", c.patient_id},
                          {"score", c.score.total},
                          {"auto_eligible", c.score.auto_eligible},
                          {"evidence", std::move(evidence)}});
  }
  return {{"fax_id", m.fax_id},
          {"document", m.document},
          {"decision", match::DecisionName(m.decision)},
          {"candidates", std::move(candidates)}};
}

Result<MatchReview> MatchReviewFromJson(const nlohmann::json& j) {
  return Guard("match review", [&] { return MatchReviewFrom(j); });
}

std::string EncodePatientRecord(const PatientRecord& p) { return EncodeRecord(PatientRecordToJson(p)); }
Result<PatientRecord> DecodePatientRecord(std::string_view bytes) {
  return DecodeWith<PatientRecord>(bytes, PatientRecordFromJson);
}
std::string EncodeReferralRecord(const ReferralRecord& r) { return EncodeRecord(ReferralRecordToJson(r)); }
Result<ReferralRecord> DecodeReferralRecord(std::string_view bytes) {
  return DecodeWith<ReferralRecord>(bytes, ReferralRecordFromJson);
}
std::string EncodeMatchReview(const MatchReview& m) { return EncodeRecord(MatchReviewToJson(m)); }
Result<MatchReview> DecodeMatchReview(std::string_view bytes) {
  return DecodeWith<MatchReview>(bytes, MatchReviewFromJson);
}

}  // namespace faxintake::store
