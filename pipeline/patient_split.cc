#include "pipeline/patient_split.h"

#include <algorithm>

#include "pipeline/patient_identity.h"

namespace faxintake {
namespace {

// Below this a name or birth date is too garbled to start another patient's document: a
// continuation page's header "Patient: MYERS, THOMAS R" read "Faiieni; MY PRS, THOMAS" at
// 0.18 (seed 100 s0089) is not another patient.
constexpr double kSplitConfidence = 0.5;

PatientKey PatientOnPage(const PageResult& page, DocType type, const extract::Extractor& extractor) {
  Document one;
  one.type = type;
  extractor.Extract({&page}, one);
  PatientKey key = PatientOf(one);
  auto unsure = [&](const char* field) {
    auto it = one.fields.find(field);
    return it != one.fields.end() && it->second.confidence < kSplitConfidence;
  };
  if (unsure("patient.family_name")) key.family.reset();
  if (unsure("patient.birth_date")) key.birth_date.reset();
  return key;
}

}  // namespace

std::vector<Document> SplitByPatient(std::vector<Document> docs, const std::vector<PageResult>& pages,
                                     const std::vector<DocType>& page_types, const extract::Extractor& extractor) {
  std::vector<Document> out;
  for (Document& doc : docs) {
    if (doc.pages.size() < 2 || doc.type == DocType::kFaxCover) {
      out.push_back(std::move(doc));
      continue;
    }
    Document current;
    current.type = doc.type;
    current.confidence = doc.confidence;
    PatientKey so_far;
    for (int number : doc.pages) {
      const size_t index = static_cast<size_t>(number) - 1;
      if (index >= pages.size()) continue;
      const DocType page_type = index < page_types.size() ? page_types[index] : doc.type;
      const PatientKey here = PatientOnPage(pages[index], current.pages.empty() ? doc.type : page_type, extractor);
      if (!current.pages.empty() && !so_far.empty() && !here.empty() && OtherPatient(so_far, here)) {
        out.push_back(std::move(current));
        current = Document{};
        current.type = page_type == DocType::kOther ? doc.type : page_type;
        current.confidence = doc.confidence;
        so_far = PatientKey{};
      }
      current.pages.push_back(number);
      if (!so_far.family) so_far.family = here.family;
      if (!so_far.birth_date) so_far.birth_date = here.birth_date;
    }
    out.push_back(std::move(current));
  }
  return out;
}

}  // namespace faxintake
