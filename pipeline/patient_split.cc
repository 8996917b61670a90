#include "pipeline/patient_split.h"

#include <algorithm>
#include <optional>
#include <string>

#include "extract/validators.h"

namespace faxintake {
namespace {

struct Patient {
  std::optional<std::string> family, birth_date;
  bool empty() const { return !family && !birth_date; }
};

std::optional<std::string> Text(const Document& d, const char* key) {
  auto it = d.fields.find(key);
  if (it == d.fields.end() || !it->second.valid) return std::nullopt;
  const std::string* s = std::get_if<std::string>(&it->second.value);
  if (s == nullptr || s->empty()) return std::nullopt;
  return *s;
}

Patient PatientOnPage(const PageResult& page, DocType type, const extract::Extractor& extractor) {
  Document one;
  one.type = type;
  extractor.Extract({&page}, one);
  return Patient{Text(one, "patient.family_name"), Text(one, "patient.birth_date")};
}

enum class Verdict { kUnknown, kAgree, kConflict };

Verdict CompareDates(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return Verdict::kUnknown;
  if (*a == *b) return Verdict::kAgree;
  return extract::BoundedEditDistance(*a, *b, 2) >= 2 ? Verdict::kConflict : Verdict::kUnknown;
}

Verdict CompareNames(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return Verdict::kUnknown;
  const int allowed = std::max(1, static_cast<int>(std::min(a->size(), b->size())) / 4);
  const int d = extract::BoundedEditDistance(*a, *b, allowed + 1);
  if (d == 0) return Verdict::kAgree;
  return d > allowed ? Verdict::kConflict : Verdict::kUnknown;
}

bool Conflicts(const Patient& so_far, const Patient& page) {
  const Verdict dob = CompareDates(so_far.birth_date, page.birth_date);
  const Verdict name = CompareNames(so_far.family, page.family);
  if (dob == Verdict::kAgree || name == Verdict::kAgree) return false;
  return dob == Verdict::kConflict || name == Verdict::kConflict;
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
    Patient so_far;
    for (int number : doc.pages) {
      const size_t index = static_cast<size_t>(number) - 1;
      if (index >= pages.size()) continue;
      const DocType page_type = index < page_types.size() ? page_types[index] : doc.type;
      const Patient here = PatientOnPage(pages[index], current.pages.empty() ? doc.type : page_type, extractor);
      if (!current.pages.empty() && !so_far.empty() && !here.empty() && Conflicts(so_far, here)) {
        out.push_back(std::move(current));
        current = Document{};
        current.type = page_type == DocType::kOther ? doc.type : page_type;
        current.confidence = doc.confidence;
        so_far = Patient{};
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
