#include "pipeline/result_json.h"

#include <cmath>

namespace faxintake {
namespace {

double Round(double v, double scale) { return std::round(v * scale) / scale; }

nlohmann::json BoxJson(const Box& b) { return nlohmann::json::array({b.x, b.y, b.w, b.h}); }

nlohmann::json DocumentJson(const Document& d) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [key, f] : d.fields) {
    fields[key] = {{"value", FieldValueToJson(f.value)},
                   {"confidence", Round(f.confidence, 1000)},
                   {"page", f.page},
                   {"box", BoxJson(f.box)}};
  }
  nlohmann::json j = {
      {"type", DocTypeName(d.type)},
      {"confidence", Round(d.confidence, 1000)},
      {"pages", d.pages},
      {"fields", fields},
      {"checklist",
       {{"name", d.checklist.name}, {"missing", d.checklist.missing}, {"satisfied", d.checklist.satisfied}}},
      {"needs_review", d.needs_review},
      {"review_reasons", d.review_reasons},
      {"patient_id", nullptr},
      {"referral_id", nullptr},
  };
  if (d.patient_id) j["patient_id"] = *d.patient_id;
  if (d.referral_id) j["referral_id"] = *d.referral_id;
  return j;
}

}  // namespace

nlohmann::json FieldValueToJson(const FieldValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  return std::get<std::vector<std::string>>(v);
}

Result<FieldValue> FieldValueFromJson(const nlohmann::json& j) {
  if (j.is_string()) return FieldValue{j.get<std::string>()};
  if (j.is_number_integer()) return FieldValue{j.get<int64_t>()};
  if (j.is_array()) {
    std::vector<std::string> out;
    for (const auto& e : j) {
      if (!e.is_string()) return MakeError(ErrorCode::kInvalidArgument, "bad_field_value", "array element is not a string");
      out.push_back(e.get<std::string>());
    }
    return FieldValue{std::move(out)};
  }
  return MakeError(ErrorCode::kInvalidArgument, "bad_field_value", "field value must be string, integer or array");
}

nlohmann::json ToContractJson(const IntakeResult& r) {
  nlohmann::json pages = nlohmann::json::array();
  for (const PageResult& p : r.pages) {
    pages.push_back({{"number", p.number},
                     {"width", p.width},
                     {"height", p.height},
                     {"dpi", {Round(p.xdpi, 10), Round(p.ydpi, 10)}},
                     {"rotation", p.rotation},
                     {"ocr_confidence", Round(p.ocr_confidence, 1000)},
                     {"source", p.source == PageSource::kTextLayer ? "text_layer" : "ocr"}});
  }
  nlohmann::json docs = nlohmann::json::array();
  for (const Document& d : r.documents) docs.push_back(DocumentJson(d));
  nlohmann::json error = nullptr;
  if (r.error_code) error = {{"code", *r.error_code}, {"message", r.error_message.value_or("")}};
  return {{"schema", kResultSchema}, {"input", r.input},  {"fax_id", r.fax_id},
          {"status", IntakeStatusName(r.status)}, {"error", error},
          {"pages", pages}, {"documents", docs}};
}

}  // namespace faxintake
