#include "pipeline/packet_consensus.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <numeric>
#include <optional>
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

bool IsNameKey(const std::string& key) { return key == "patient.family_name" || key == "patient.given_name"; }

// The edits between `a` and `b`, up to `limit` + 1; with `look_alikes`, letters that stand
// for digits count as those digits.
int Distance(const std::string& a, const std::string& b, int limit, bool look_alikes) {
  const int edits = extract::BoundedEditDistance(a, b, limit + 1);
  if (edits <= limit || !look_alikes) return edits;
  const auto folded = [](std::string s) {
    for (char& c : s) c = extract::DigitFor(c).value_or(c);
    return s;
  };
  return extract::BoundedEditDistance(folded(a), folded(b), limit + 1);
}

// A given name read with the middle initial after it joined on ("LUISE" for "LUIS E", where
// the note prints "Luis Edward"; seed 68 s0033): `mine` is `other` and one more letter.
bool JoinedInitial(const std::string& key, const std::string& mine, const std::string& other) {
  return key == "patient.given_name" && mine.size() == other.size() + 1 && other.size() >= 3 &&
         mine.compare(0, other.size(), other) == 0 && extract::IsAlpha(mine.back());
}

// A name read with an H as two strokes ("RICILARD" or "RICIIARD" for RICHARD, seed 68
// s0077 and s0013): `mine` is `other` with one of its H read as two of I, L, 1.
bool HAsStrokes(const std::string& key, const std::string& mine, const std::string& other) {
  if (!IsNameKey(key) || mine.size() != other.size() + 1) return false;
  for (size_t i = 0; i < other.size(); ++i)
    if (other[i] == 'H' && extract::IsStroke(mine[i]) && extract::IsStroke(mine[i + 1]) &&
        mine.compare(0, i, other, 0, i) == 0 && mine.compare(i + 2, std::string::npos, other, i + 1) == 0)
      return true;
  return false;
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
  // A member id that fits the shape its payer prints (any payer the group read: "TLUMANA"
  // on the form, HUMANA on the card) outweighs one that does not ("1140187375" read at
  // 0.96 for H40187375).
  std::vector<std::string> payers;
  if (key == "insurance.member_id")
    for (size_t i : group)
      if (auto p = ValidText(docs[i], "insurance.payer")) payers.push_back(*p);
  // Medicare's shape is the MBI's.
  const auto fits = [&](const std::string& v) {
    return std::any_of(payers.begin(), payers.end(), [&](const std::string& p) {
      if (p != "MEDICARE") return extract::FitsMemberIdShape(v, p);
      const extract::Checked mbi = extract::NormalizeMbi(v);
      return mbi.valid && mbi.value == v;
    });
  };
  const auto support = [&](const std::string& v) {
    return std::count_if(readings.begin(), readings.end(), [&](const Reading& r) { return r.value == v; });
  };
  int corrected = 0;
  for (const Reading& mine : readings) {
    Field& field = docs[mine.doc].fields.at(key);
    const Reading* best = nullptr;
    for (const Reading& other : readings) {
      if (other.value == mine.value || !other.valid) continue;
      const auto theirs = support(other.value), ours = support(mine.value);
      int allowed = AllowedEdits(key, field, mine.value, other.value);
      // A name read alike on more documents may mend one more slip ("HARMS" for HARRIS).
      if (theirs > ours && IsNameKey(key) && mine.value.size() >= 5)
        ++allowed;
      const bool shape = fits(other.value), mine_shape = fits(mine.value);
      if (mine_shape && !shape) continue;
      // An identifier that fails its check or its payer's shape, where the other passes, is
      // read with its look-alikes as the digits they stand for: a referral's "1GKOHB2IC18"
      // is the card's MBI 1GK0H82JC18 through three look-alikes, one more than eleven
      // characters allow as slips (seed 68 s0077).
      const bool look_alikes = (key == "insurance.member_id" || key == "authorization.number") &&
                               (!mine.valid || (shape && !mine_shape));
      const bool strokes = HAsStrokes(key, mine.value, other.value);  // two edits, one slip
      if (!strokes && (allowed == 0 || Distance(mine.value, other.value, allowed, look_alikes) > allowed)) continue;
      // The card is where the payer prints the id; a referral copies it. Read as surely, the
      // card's reading is the one (a referral's "H54966930" at 0.85 beside the card's
      // H53966930 at 0.90, seed 102 s0079).
      const bool card = key == "insurance.member_id" && docs[other.doc].type == DocType::kInsuranceCard &&
                        docs[mine.doc].type != DocType::kInsuranceCard && other.confidence >= mine.confidence;
      const bool better = theirs > ours || (theirs == ours && (!mine.valid || (shape && !mine_shape) ||
                                                               JoinedInitial(key, mine.value, other.value) ||
                                                               strokes || card ||
                                                               other.confidence > mine.confidence + 0.1));
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

// Documents by patient: the union of pairs that are the same patient.
std::vector<std::vector<size_t>> PatientGroups(const std::vector<Document>& docs) {
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
  std::erase_if(groups, [](const std::vector<size_t>& g) { return g.size() < 2; });
  return groups;
}

// The word (or two words of one line, joined) on the pages `numbers` (of the fax's `pages`)
// that reads as `value` within one edit per four characters, nearest first; none (page 0)
// when two different words are as near. Words whose box is `taken` are skipped.
struct Found {
  int page = 0;
  int distance = 0;
  Box box;
  std::string read;
  bool tie = false;
};

Found FindWord(const std::vector<PageResult>& pages, const std::vector<int>& numbers, const std::string& value,
               const std::vector<Box>& taken) {
  Found best;
  const int allowed = SlipEdits(value, value);
  const auto consider = [&](int page, const std::string& text, const Box& box) {
    const std::string read = extract::AlnumUpper(text);
    if (read.empty() || std::abs(static_cast<int>(read.size()) - static_cast<int>(value.size())) > allowed) return;
    if (std::find(taken.begin(), taken.end(), box) != taken.end()) return;
    const int d = extract::BoundedEditDistance(read, value, allowed + 1);
    if (d > allowed) return;
    if (best.page == 0 || d < best.distance) {
      best = Found{page, d, box, read, false};
    } else if (d == best.distance && read != best.read) {
      best.tie = true;
    }
  };
  for (int n : numbers) {
    if (n < 1 || static_cast<size_t>(n) > pages.size()) continue;
    const auto& words = pages[static_cast<size_t>(n) - 1].text.words;
    for (size_t k = 0; k < words.size(); ++k) {
      consider(n, words[k].text, words[k].box);
      if (k + 1 < words.size() && words[k + 1].line == words[k].line)
        consider(n, words[k].text + words[k + 1].text, Union(words[k].box, words[k + 1].box));
    }
  }
  if (best.tie) best.page = 0;
  return best;
}

}  // namespace

int ReconcilePacket(std::vector<Document>& docs, double low_confidence) {
  int corrected = 0;
  for (const auto& group : PatientGroups(docs)) {
    for (const char* key : {"patient.family_name", "patient.given_name", "patient.birth_date", "insurance.member_id",
                            "authorization.number"})
      corrected += Reconcile(docs, group, key, low_confidence);
  }
  std::vector<size_t> all(docs.size());
  std::iota(all.begin(), all.end(), 0);
  corrected += Reconcile(docs, all, "referring.npi", low_confidence);
  return corrected;
}

namespace {

// The best supported valid reading of `key` among the documents `group`: read on most
// documents, then surest; null when none holds a valid value of six characters or more.
const Field* BestSupported(const std::vector<Document>& docs, const std::vector<size_t>& group, const std::string& key) {
  const Field* source = nullptr;
  int source_support = 0;
  for (size_t i : group) {
    auto it = docs[i].fields.find(key);
    if (it == docs[i].fields.end() || !it->second.valid) continue;
    const std::string* v = TextOf(it->second);
    if (v == nullptr || v->size() < 6) continue;
    int support = 0;
    for (size_t j : group) {
      auto other = docs[j].fields.find(key);
      const std::string* w = other != docs[j].fields.end() ? TextOf(other->second) : nullptr;
      if (w != nullptr && *w == *v) ++support;
    }
    if (source == nullptr || support > source_support ||
        (support == source_support && it->second.confidence > source->confidence)) {
      source = &it->second;
      source_support = support;
    }
  }
  return source;
}

// Each document of `group` (indexes into docs) without `key` takes the group's best
// supported reading of it where `find` places it on the document (its page, box and
// confidence); a field below `low_confidence` goes to review. Returns the fields taken.
int TakeFromGroup(std::vector<Document>& docs, const std::vector<size_t>& group, const std::string& key,
                  double low_confidence,
                  const std::function<std::optional<Field>(const Document&, const std::string&, const Field&)>& find) {
  const Field* source = BestSupported(docs, group, key);
  if (source == nullptr) return 0;
  const std::string value = *TextOf(*source);
  int found = 0;
  for (size_t i : group) {
    Document& doc = docs[i];
    if (doc.fields.count(key) > 0) continue;
    std::optional<Field> field = find(doc, value, *source);
    if (!field) continue;
    field->value = value;
    field->valid = true;
    if (field->confidence < low_confidence) doc.AddReason("low_confidence:" + key);
    doc.fields[key] = std::move(*field);
    ++found;
  }
  return found;
}

// FindInPacket for one identifier over the documents `group`.
int FindInGroup(std::vector<Document>& docs, const std::vector<PageResult>& pages, const std::vector<size_t>& group,
                const std::string& key, double low_confidence) {
  return TakeFromGroup(docs, group, key, low_confidence,
                       [&](const Document& doc, const std::string& value, const Field& source) -> std::optional<Field> {
                         // An id belongs on the documents that print ids: not on clinical notes or results.
                         if (doc.type != DocType::kReferral && doc.type != DocType::kInsuranceCard &&
                             doc.type != DocType::kPriorAuthorization)
                           return std::nullopt;
                         // Cards print no provider.
                         if (key == "referring.npi" && doc.type == DocType::kInsuranceCard) return std::nullopt;
                         std::vector<Box> taken;
                         for (const auto& [k, f] : doc.fields) taken.push_back(f.box);
                         const Found best = FindWord(pages, doc.pages, value, taken);
                         if (best.page == 0) return std::nullopt;
                         Field field;
                         field.page = best.page;
                         field.box = best.box;
                         field.confidence = best.distance == 0 ? source.confidence
                                                               : std::min(source.confidence, low_confidence - 0.01);
                         return field;
                       });
}

// Whether `digits` (a birth-date mark's digits as read) print `date` (ISO) with one slip:
// as MMDDYYYY or M D YYYY, or, beside the month's name, as DD YYYY or D YYYY.
bool PrintsDate(const std::string& digits, const std::string& date, bool month_named) {
  const auto ymd = extract::ParseIsoDate(date);
  if (!ymd || digits.size() < 5) return false;
  const std::string year = std::to_string(ymd->year), m = std::to_string(ymd->month), d = std::to_string(ymd->day);
  const std::string mm = (ymd->month < 10 ? "0" : "") + m, dd = (ymd->day < 10 ? "0" : "") + d;
  std::vector<std::string> printed = {mm + dd + year, m + d + year};
  if (month_named) printed.insert(printed.end(), {dd + year, d + year});
  return std::any_of(printed.begin(), printed.end(),
                     [&](const std::string& p) { return extract::BoundedEditDistance(digits, p, 2) <= 1; });
}

// A birth date read on one document of a patient and not on another (a clinical note's
// "DOB: 119 1943" for 10/19/1943, seed 53 s0100): the other's birth-date mark, the words
// after "DOB" or "Birth" on a line up to the next label, taken when its digits print the
// date with one slip, or (not on a referral) when it is garbled past reading, held below
// the review threshold.
int FindBirthDateInGroup(std::vector<Document>& docs, const std::vector<PageResult>& pages,
                         const std::vector<size_t>& group, double low_confidence) {
  const auto find = [&](const Document& doc, const std::string& value, const Field& source) -> std::optional<Field> {
    std::optional<Field> field;
    int marks = 0;
    for (int n : doc.pages) {
      if (n < 1 || static_cast<size_t>(n) > pages.size()) continue;
      const PageText& text = pages[static_cast<size_t>(n) - 1].text;
      for (const Line& line : text.lines) {
        std::string digits;
        bool month_named = false, after_label = false, garbled = false;
        Box box;
        for (int k = line.first_word; k < line.first_word + line.word_count; ++k) {
          const Word& w = text.words[static_cast<size_t>(k)];
          const std::string read = extract::AlnumUpper(w.text);
          if (!after_label) {
            after_label = read == "DOB" || read == "BIRTH";
            continue;
          }
          if (!w.text.empty() && w.text.back() == ':') break;  // the next label
          for (char c : w.text)
            if (c >= '0' && c <= '9') digits += c;
          month_named = month_named || extract::IsMonthName(read);
          garbled = garbled || (read.size() >= 4 && w.confidence < 0.5f);
          box = Union(box, w.box);
        }
        // A mark garbled past reading ("DOB: VMONOTR" at 0.14 on a noisy clinical note, seed
        // 76 s0068): no digit, a word of four or more letters read unsure. Not on a referral,
        // whose blank birth date the checklist must see.
        const bool unreadable = digits.empty() && garbled && doc.type != DocType::kReferral;
        if (!after_label || !(unreadable || PrintsDate(digits, value, month_named))) continue;
        ++marks;
        field = Field{};
        field->page = n;
        field->box = box;
        field->confidence = std::min(source.confidence, low_confidence - 0.01);
      }
    }
    return marks == 1 ? field : std::nullopt;
  };
  return TakeFromGroup(docs, group, "patient.birth_date", low_confidence, find);
}

}  // namespace

int FindInPacket(std::vector<Document>& docs, const std::vector<PageResult>& pages, double low_confidence) {
  int found = 0;
  const auto groups = PatientGroups(docs);
  for (const auto& group : groups) {
    for (const char* key : {"insurance.member_id", "insurance.group_number", "authorization.number"})
      found += FindInGroup(docs, pages, group, key, low_confidence);
    found += FindBirthDateInGroup(docs, pages, group, low_confidence);
  }
  // The referring provider is the sender's, one for the fax whatever the patient (as
  // ReconcilePacket reads it): seed 49 s0021's second referral read its NPI "238/190830".
  std::vector<size_t> all(docs.size());
  std::iota(all.begin(), all.end(), 0);
  found += FindInGroup(docs, pages, all, "referring.npi", low_confidence);
  return found;
}

}  // namespace faxintake
