#include "pipeline/model.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace faxintake {

Box Union(const Box& a, const Box& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  const int x = std::min(a.x, b.x), y = std::min(a.y, b.y);
  return Box{x, y, std::max(a.right(), b.right()) - x, std::max(a.bottom(), b.bottom()) - y};
}

int64_t Area(const Box& b) { return static_cast<int64_t>(std::max(0, b.w)) * std::max(0, b.h); }

int64_t IntersectionArea(const Box& a, const Box& b) {
  const int w = std::min(a.right(), b.right()) - std::max(a.x, b.x);
  const int h = std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? static_cast<int64_t>(w) * h : 0;
}

bool HasAlnum(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

std::string PageText::Text() const {
  std::string out;
  int block = lines.empty() ? 0 : lines.front().block;
  for (const Line& l : lines) {
    if (!out.empty()) out += (l.block != block) ? "\n\n" : "\n";
    block = l.block;
    out += l.text;
  }
  return out;
}

double PageText::MeanConfidence() const {
  if (words.empty()) return 0;
  double sum = 0;
  for (const Word& w : words) sum += w.confidence;
  return sum / static_cast<double>(words.size());
}

namespace {
constexpr std::array<std::pair<DocType, const char*>, kDocTypeCount> kDocTypeNames{{
    {DocType::kFaxCover, "fax_cover"},
    {DocType::kReferral, "referral"},
    {DocType::kInsuranceCard, "insurance_card"},
    {DocType::kPriorAuthorization, "prior_authorization"},
    {DocType::kClinicalNote, "clinical_note"},
    {DocType::kConsultNote, "consult_note"},
    {DocType::kLabResult, "lab_result"},
    {DocType::kImagingReport, "imaging_report"},
    {DocType::kRecordsRequest, "records_request"},
    {DocType::kOther, "other"},
}};
}  // namespace

const char* DocTypeName(DocType t) {
  for (const auto& [type, name] : kDocTypeNames)
    if (type == t) return name;
  return "other";
}

std::optional<DocType> ParseDocType(const std::string& s) {
  for (const auto& [type, name] : kDocTypeNames)
    if (s == name) return type;
  return std::nullopt;
}

const std::vector<DocType>& AllDocTypes() {
  static const std::vector<DocType> all = [] {
    std::vector<DocType> v;
    for (const auto& [type, name] : kDocTypeNames) v.push_back(type);
    return v;
  }();
  return all;
}

void Document::AddReason(const std::string& reason) {
  needs_review = true;
  if (std::find(review_reasons.begin(), review_reasons.end(), reason) == review_reasons.end())
    review_reasons.push_back(reason);
}

const char* IntakeStatusName(IntakeStatus s) {
  switch (s) {
    case IntakeStatus::kFiled: return "filed";
    case IntakeStatus::kNeedsReview: return "needs_review";
    case IntakeStatus::kQuarantined: return "quarantined";
  }
  return "needs_review";
}

}  // namespace faxintake
