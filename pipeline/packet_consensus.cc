#include "pipeline/packet_consensus.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "extract/validators.h"
#include "pipeline/patient_identity.h"

namespace faxintake {
namespace {

const std::string* TextOf(const Field& f) { return std::get_if<std::string>(&f.value); }

int AllowedEdits(const std::string& key, const Field& mine, const std::string& a, const std::string& b) {
  if (key == "patient.birth_date") return 2;
  if (key == "referring.npi") return mine.valid ? 0 : 3;  // a valid NPI is another provider's
  return SlipEdits(a, b);
}

// Corrects `key` among the documents `group` (indexes into docs).
int Reconcile(std::vector<Document>& docs, const std::vector<size_t>& group, const std::string& key,
              double low_confidence) {
  struct Reading {
    size_t doc;
    std::string value;
    bool valid;
    double confidence;
  };
  std::vector<Reading> readings;
  for (size_t i : group) {
    auto it = docs[i].fields.find(key);
    if (it == docs[i].fields.end()) continue;
    const std::string* s = TextOf(it->second);
    if (s == nullptr || s->empty()) continue;
    readings.push_back({i, *s, it->second.valid, it->second.confidence});
  }
  if (readings.size() < 2) return 0;
  const auto support = [&](const std::string& v) {
    return std::count_if(readings.begin(), readings.end(), [&](const Reading& r) { return r.value == v; });
  };
  int corrected = 0;
  for (const Reading& mine : readings) {
    Field& field = docs[mine.doc].fields.at(key);
    const Reading* best = nullptr;
    for (const Reading& other : readings) {
      if (other.value == mine.value || !other.valid) continue;
      const int allowed = AllowedEdits(key, field, mine.value, other.value);
      if (allowed == 0 || extract::BoundedEditDistance(mine.value, other.value, allowed + 1) > allowed) continue;
      const auto theirs = support(other.value), ours = support(mine.value);
      const bool better = theirs > ours ||
                          (theirs == ours && (!mine.valid || other.confidence > mine.confidence + 0.1));
      if (better && (best == nullptr || other.confidence > best->confidence)) best = &other;
    }
    if (best == nullptr) continue;
    field.value = best->value;
    field.valid = true;
    field.confidence = std::max(mine.confidence, best->confidence * 0.95);
    Document& doc = docs[mine.doc];
    std::erase(doc.review_reasons, "invalid:" + key);
    if (field.confidence >= low_confidence) std::erase(doc.review_reasons, "low_confidence:" + key);
    doc.needs_review = !doc.review_reasons.empty();
    ++corrected;
  }
  return corrected;
}

}  // namespace

int ReconcilePacket(std::vector<Document>& docs, double low_confidence) {
  // Group documents by patient (union of pairs that are the same patient).
  std::vector<size_t> parent(docs.size());
  std::iota(parent.begin(), parent.end(), 0);
  const auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::vector<PatientKey> keys;
  for (const Document& d : docs) keys.push_back(PatientOf(d));
  for (size_t i = 0; i < docs.size(); ++i)
    for (size_t j = i + 1; j < docs.size(); ++j)
      if (SamePatient(keys[i], keys[j])) parent[find(j)] = find(i);
  std::vector<std::vector<size_t>> groups(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) groups[find(i)].push_back(i);

  int corrected = 0;
  for (const auto& group : groups) {
    if (group.size() < 2) continue;
    for (const char* key : {"patient.family_name", "patient.given_name", "patient.birth_date", "insurance.member_id",
                            "authorization.number"})
      corrected += Reconcile(docs, group, key, low_confidence);
  }
  std::vector<size_t> all(docs.size());
  std::iota(all.begin(), all.end(), 0);
  corrected += Reconcile(docs, all, "referring.npi", low_confidence);
  return corrected;
}

}  // namespace faxintake
