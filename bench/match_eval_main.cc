// match_eval: patient matching evaluated on generated multi-fax sets.
//
// Generates families of made-up patients (a subscriber, sometimes a spouse on the same member id,
// children with the plan's id and their own suffix, sometimes twins), plus same-name strangers
// (same family and given name, other birth date, plan, address), and for every person a few
// documents arriving as separate faxes in shuffled order: referrals (full demographics),
// insurance cards (name and member id), authorization letters, clinical and consult notes and
// lab reports (name and birth date). Documents carry the variants real faxes show: nicknames,
// double surnames printed with a space or in part, OCR confusions in names and member ids,
// birth dates with day and month swapped or two digits swapped, one misread digit.
//
// Every document is committed to a fresh record store (CommitResult, as the pipeline does), and
// the patient ids it assigns are compared pairwise with the generator's truth: precision and
// recall of automatic matches over all pairs of documents of patients. A document left to a
// person (possible match) has no patient id, so it costs recall, never precision.
//
// Seeded and reproducible: the same --seed gives the same documents and figures.
// Exit status: 0 when precision >= --min-precision and recall >= --min-recall, 1 otherwise.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/match.h"
#include "store/record_store.h"

namespace fs = std::filesystem;
using namespace faxintake;

namespace {

struct Person {
  int id = 0;
  int family = 0;
  std::string family_name, given, dob, member, phone, line, zip, sex;
  bool stranger = false;  // a same-name copy of someone in another family
};

struct Doc {
  int person = 0;
  Document document;
  std::vector<std::string> variants;  // what was changed, for the report
};

// Given names with the nicknames the matcher's table knows (the formal name first).
const std::vector<std::vector<std::string>> kGiven = {
    {"ROBERT", "BOB", "ROB", "BOBBY"}, {"ELIZABETH", "LIZ", "BETH", "BETSY"}, {"WILLIAM", "BILL", "WILL"},
    {"MARGARET", "PEGGY", "MAGGIE"},   {"JAMES", "JIM", "JIMMY"},             {"JENNIFER", "JEN", "JENNY"},
    {"MICHAEL", "MIKE"},               {"PATRICIA", "PAT", "TRISH"},          {"RICHARD", "RICK", "DICK"},
    {"KATHERINE", "KATE", "KATHY"},    {"THOMAS", "TOM"},                      {"SUSAN", "SUE"},
    {"JOSEPH", "JOE"},                 {"DANIEL", "DAN", "DANNY"},             {"CHRISTOPHER", "CHRIS"},
    {"DEBORAH", "DEBBIE", "DEB"},      {"ANTHONY", "TONY"},                    {"BARBARA", "BARB"},
    {"EDWARD", "ED", "TED"},           {"FRANCISCO", "PACO"},                  {"GUADALUPE", "LUPE"},
    {"MARIA"}, {"JOSE"}, {"ANA"}, {"SOFIA"}, {"DIEGO"}, {"LUIS"}, {"CARMEN"}, {"ROSA"}, {"ANH"}, {"MINH"},
    {"WEI"}, {"AISHA"}, {"OMAR"}, {"FATIMA"}, {"PRIYA"}, {"RAJ"}, {"LINDA"}, {"KEVIN"}, {"BRIAN"}, {"NANCY"},
    {"KAREN"}, {"LAURA"}, {"ERIC"}, {"HELEN"}, {"DENISE"}, {"CARLOS"}, {"ELENA"}, {"IVAN"}, {"OLGA"},
};
const std::vector<std::string> kSurnames = {
    "SMITH",  "JOHNSON", "WILLIAMS", "BROWN",   "JONES",   "GARCIA",  "MILLER",    "DAVIS",   "RODRIGUEZ",
    "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR",  "MOORE",
    "JACKSON", "MARTIN",  "LEE",     "PEREZ",   "THOMPSON", "WHITE",   "HARRIS",  "SANCHEZ", "CLARK",
    "RAMIREZ", "LEWIS",   "ROBINSON", "WALKER", "YOUNG",   "ALLEN",   "KING",    "WRIGHT",  "SCOTT",
    "TORRES",  "NGUYEN",  "HILL",    "FLORES",  "OBRIEN",  "DE LA CRUZ", "VAN DYKE", "PATEL", "KIM"};
const std::vector<std::string> kHispanic = {"GARCIA", "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ",
                                            "GONZALEZ", "PEREZ",  "SANCHEZ",  "RAMIREZ",   "TORRES", "FLORES"};
const std::vector<std::string> kStreets = {"OAK ST", "ELM AVE", "MAIN ST", "CEDAR LN", "PINE RD", "LAMAR BLVD"};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))]; }

  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + Uniform(0, 9)));
    return s;
  }
  std::string Date(int year) {
    return fmt::format("{:04d}-{:02d}-{:02d}", year, Uniform(1, 12), Uniform(1, 28));
  }
  std::string Surname() {
    if (Chance(0.25)) {
      const std::string a = Pick(kHispanic);
      std::string b = Pick(kHispanic);
      while (b == a) b = Pick(kHispanic);
      return a + "-" + b;
    }
    return Pick(kSurnames);
  }
  std::string Member() { return std::string(1, static_cast<char>('A' + Uniform(0, 25))) + Digits(8); }

  std::vector<Person> People(int families, double stranger_share) {
    std::vector<Person> people;
    for (int f = 0; f < families; ++f) {
      Person head;
      head.family = f;
      head.family_name = Surname();
      head.given = Pick(kGiven)[0];
      const int year = Uniform(1940, 1995);
      head.dob = Date(year);
      head.member = Member();
      head.phone = "+1512555" + Digits(4);
      head.line = std::to_string(Uniform(1, 9999)) + " " + Pick(kStreets);
      head.zip = "787" + Digits(2);
      people.push_back(head);
      if (Chance(0.5)) {  // spouse, often on the subscriber's member id
        Person spouse = head;
        spouse.given = OtherGiven(head.given);
        spouse.dob = Date(year + Uniform(-6, 6));
        if (!Chance(0.4)) spouse.member = head.member.substr(0, 7) + Digits(2);
        people.push_back(spouse);
      }
      const int children = Chance(0.4) ? Uniform(1, 3) : 0;
      const int child_year = std::min(2015, year + Uniform(20, 38));
      for (int c = 0; c < children; ++c) {
        Person child = head;
        // Siblings, twins included, never share a first name with anyone in the family.
        child.given = OtherGiven(head.given);
        while (std::any_of(people.begin(), people.end(), [&](const Person& q) {
          return q.family == f && (q.given == child.given || store::match::AreNicknames(q.given, child.given));
        }))
          child.given = OtherGiven(head.given);
        // Twins share a birth date; other children are born in other years.
        child.dob = c > 0 && Chance(0.5) ? people.back().dob : Date(child_year + 2 * c);
        child.member = head.member.substr(0, 7) + fmt::format("{:02d}", c + 1);
        people.push_back(child);
      }
    }
    // Same-name strangers: another person with a family member's full name.
    const size_t known = people.size();
    for (size_t i = 0; i < known; ++i) {
      if (!Chance(stranger_share)) continue;
      Person s = people[static_cast<size_t>(Uniform(0, static_cast<int>(known) - 1))];
      s.family = families + static_cast<int>(i);
      s.dob = Date(Uniform(1940, 2010));
      s.member = Member();
      s.phone = "+1214555" + Digits(4);
      s.line = std::to_string(Uniform(1, 9999)) + " " + Pick(kStreets);
      s.zip = "752" + Digits(2);
      s.stranger = true;
      people.push_back(s);
    }
    for (size_t i = 0; i < people.size(); ++i) {
      people[i].id = static_cast<int>(i);
      people[i].sex = Chance(0.5) ? "female" : "male";
    }
    return people;
  }

  // A document about `p` of a type fitting the order of a referral's paperwork.
  Doc Document(const Person& p, int n, const std::vector<double>& rates) {
    static const std::vector<DocType> kLater = {DocType::kInsuranceCard, DocType::kPriorAuthorization,
                                                DocType::kClinicalNote, DocType::kConsultNote, DocType::kLabResult};
    Doc doc;
    doc.person = p.id;
    faxintake::Document& d = doc.document;
    d.type = n == 0 ? DocType::kReferral : Pick(kLater);
    d.confidence = 0.9;
    d.pages = {1};
    std::string family = p.family_name, given = p.given, dob = p.dob, member = p.member;
    // Variants, each with its own rate.
    if (Chance(rates[0])) {
      for (const auto& group : kGiven)
        if (group[0] == given && group.size() > 1) {
          given = group[static_cast<size_t>(Uniform(1, static_cast<int>(group.size()) - 1))];
          doc.variants.push_back("nickname");
        }
    }
    if (family.find('-') != std::string::npos && Chance(rates[1])) {
      const size_t dash = family.find('-');
      const int how = Uniform(0, 2);
      family = how == 0 ? family.substr(0, dash) + " " + family.substr(dash + 1)
                        : how == 1 ? family.substr(0, dash) : family.substr(dash + 1);
      doc.variants.push_back("surname_form");
    }
    if (Chance(rates[2])) {
      OcrConfuse(Chance(0.5) ? family : given, /*name=*/true);
      doc.variants.push_back("ocr_name");
    }
    const bool has_dob = d.type != DocType::kInsuranceCard;
    const bool has_member = d.type == DocType::kReferral || d.type == DocType::kInsuranceCard ||
                            d.type == DocType::kPriorAuthorization;
    if (has_member && Chance(rates[3])) {
      OcrConfuse(member, /*name=*/false);
      doc.variants.push_back("ocr_member_id");
    }
    if (has_dob && Chance(rates[4])) {
      auto swaps = store::match::BirthDateVariants(dob, /*one_digit=*/false);
      if (!swaps.empty()) {
        dob = Pick(swaps);
        doc.variants.push_back("dob_transposed");
      }
    } else if (has_dob && Chance(rates[5])) {
      auto typos = store::match::BirthDateVariants(dob, /*one_digit=*/true);
      dob = Pick(typos);
      doc.variants.push_back("dob_digit");
    }
    auto put = [&](const char* key, const std::string& v) { d.fields[key] = Field{v, 0.9, 1, Box{}}; };
    put("patient.family_name", family);
    put("patient.given_name", given);
    if (has_dob) put("patient.birth_date", dob);
    if (has_member) put("insurance.member_id", member);
    if (d.type == DocType::kReferral) {
      put("patient.phone", p.phone);
      put("patient.address.line", p.line);
      put("patient.address.postal_code", p.zip);
      put("patient.sex", p.sex);
      put("referring.npi", "1234567893");
      d.checklist.name = "standard";
    }
    if (d.type == DocType::kPriorAuthorization) {
      put("authorization.number", "A" + Digits(7));
      put("authorization.status", "approved");
    }
    return doc;
  }

 private:
  std::string OtherGiven(const std::string& not_this) {
    std::string g = Pick(kGiven)[0];
    while (g == not_this || store::match::AreNicknames(g, not_this)) g = Pick(kGiven)[0];
    return g;
  }

  void OcrConfuse(std::string& s, bool name) {
    static const std::map<char, char> kName = {{'O', '0'}, {'I', '1'}, {'L', '1'}, {'S', '5'}, {'B', '8'}};
    static const std::map<char, char> kId = {{'0', 'O'}, {'1', 'I'}, {'5', 'S'}, {'8', 'B'}, {'6', 'G'}, {'2', 'Z'}};
    const auto& table = name ? kName : kId;
    std::vector<size_t> spots;
    for (size_t i = 0; i < s.size(); ++i)
      if (table.count(s[i])) spots.push_back(i);
    if (spots.empty()) return;
    const size_t i = Pick(spots);
    s[i] = table.at(s[i]);
  }

  std::mt19937_64 rng_;
};

const char* DocumentTypeName(const Doc& d) { return DocTypeName(d.document.type); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Patient matching evaluation on generated multi-fax sets"};
  uint64_t seed = 7;
  int families = 300;
  int min_docs = 1, max_docs = 6;
  double stranger_share = 0.08;
  double nickname_rate = 0.2, surname_rate = 0.4, ocr_name_rate = 0.05, ocr_member_rate = 0.05,
         dob_swap_rate = 0.03, dob_digit_rate = 0.01;
  double min_precision = 0.995, min_recall = 0.95;
  bool verbose = false;
  app.add_option("--seed", seed, "generator seed");
  app.add_option("--families", families, "families to generate");
  app.add_option("--max-docs", max_docs, "documents per person, at most");
  app.add_option("--strangers", stranger_share, "share of people given a same-name stranger");
  app.add_option("--nickname-rate", nickname_rate);
  app.add_option("--surname-rate", surname_rate, "double surnames printed with a space or in part");
  app.add_option("--ocr-name-rate", ocr_name_rate);
  app.add_option("--ocr-member-rate", ocr_member_rate);
  app.add_option("--dob-swap-rate", dob_swap_rate);
  app.add_option("--dob-digit-rate", dob_digit_rate);
  app.add_option("--min-precision", min_precision);
  app.add_option("--min-recall", min_recall);
  app.add_flag("--verbose", verbose, "list every wrong merge and missed pair");
  CLI11_PARSE(app, argc, argv);

  Generator gen(seed);
  const std::vector<Person> people = gen.People(families, stranger_share);
  std::vector<Doc> docs;
  const std::vector<double> rates = {nickname_rate, surname_rate, ocr_name_rate, ocr_member_rate, dob_swap_rate,
                                     dob_digit_rate};
  for (const Person& p : people) {
    const int n = gen.Uniform(min_docs, max_docs);
    // The referral comes first; the rest arrive later in any order.
    std::vector<Doc> mine;
    for (int i = 0; i < n; ++i) mine.push_back(gen.Document(p, i, rates));
    for (Doc& d : mine) docs.push_back(std::move(d));
  }
  // Arrival order: shuffled, but each person's referral before their other documents.
  std::vector<size_t> order(docs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed ^ 0x9e3779b97f4a7c15ULL));
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return docs[i].document.type == DocType::kReferral; });

  const fs::path dir = fs::temp_directory_path() / fmt::format("match_eval_{}_{}", seed, ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  store::StoreOptions options;
  options.path = (dir / "store").string();
  options.allow_plaintext = true;  // a throwaway store of made-up people
  options.sync_commits = false;
  auto opened = store::RecordStore::Open(options);
  if (!opened) {
    fmt::print(stderr, "cannot open a store in {}: {}\n", dir.string(), opened.error().message);
    return 2;
  }
  auto& st = **opened;

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::optional<std::string>> assigned(docs.size());
  std::map<std::string, int> decisions;
  int day = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    FaxMetadata meta;
    meta.source = "bench:match_eval";
    meta.received_at = fmt::format("2024-{:02d}-{:02d}T{:02d}:00:00Z", 1 + (day / 28) % 12, 1 + day % 28, k % 24);
    if (k % 40 == 39) ++day;
    auto accepted = st.AcceptFax(fmt::format("match_eval seed {} fax {}", seed, k), meta);
    if (!accepted) {
      fmt::print(stderr, "accept failed: {}\n", accepted.error().message);
      return 2;
    }
    IntakeResult r;
    r.fax_id = accepted->fax_id;
    r.input = "eval";
    r.status = IntakeStatus::kFiled;
    PageResult page;
    page.number = 1;
    r.pages.push_back(page);
    r.documents.push_back(docs[i].document);
    if (auto c = st.CommitResult(r, {}); !c) {
      fmt::print(stderr, "commit failed: {}\n", c.error().message);
      return 2;
    }
    const Document& d = r.documents[0];
    assigned[i] = d.patient_id;
    std::string decision = d.patient_id ? "filed to a patient" : "left to a person";
    for (const std::string& reason : d.review_reasons)
      if (reason == "possible_match" || reason == "possible_duplicate") decision = reason;
    ++decisions[decision];
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Pairwise: every pair of documents; true when the same person, predicted when the same id.
  uint64_t tp = 0, fp = 0, fn = 0, fp_family = 0, fp_stranger = 0;
  for (size_t a = 0; a < docs.size(); ++a) {
    for (size_t b = a + 1; b < docs.size(); ++b) {
      const bool same = docs[a].person == docs[b].person;
      const bool predicted = assigned[a] && assigned[b] && *assigned[a] == *assigned[b];
      if (same && predicted) ++tp;
      if (same && !predicted) ++fn;
      if (!same && predicted) {
        ++fp;
        const Person& pa = people[static_cast<size_t>(docs[a].person)];
        const Person& pb = people[static_cast<size_t>(docs[b].person)];
        if (pa.family == pb.family) ++fp_family;
        if (pa.stranger || pb.stranger) ++fp_stranger;
        if (verbose)
          fmt::print("wrong merge: person {} {} {} {} {} {} [{}] with person {} {} {} {} {} {} [{}]\n", pa.id,
                     DocumentTypeName(docs[a]), pa.family_name, pa.given, pa.dob, pa.member,
                     fmt::join(docs[a].variants, ","), pb.id, DocumentTypeName(docs[b]), pb.family_name, pb.given,
                     pb.dob, pb.member, fmt::join(docs[b].variants, ","));
      }
      if (verbose && same && !predicted)
        fmt::print("missed pair: person {} docs [{}] / [{}]\n", docs[a].person, fmt::join(docs[a].variants, ","),
                   fmt::join(docs[b].variants, ","));
    }
  }
  // Patients created versus people: the over-splitting a reviewer would have to merge.
  std::set<std::string> patients;
  for (const auto& id : assigned)
    if (id) patients.insert(*id);
  std::map<std::string, int> variant_counts;
  for (const Doc& d : docs)
    for (const std::string& v : d.variants) ++variant_counts[v];
  int family_people = 0;
  {
    std::map<int, int> sizes;
    for (const Person& p : people) ++sizes[p.family];
    for (const Person& p : people) family_people += sizes[p.family] > 1;
  }
  int strangers = 0;
  for (const Person& p : people) strangers += p.stranger;

  const double precision = tp + fp == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fp);
  const double recall = tp + fn == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fn);
  fmt::print("match_eval seed={} families={} people={} (in families of 2+: {}, same-name strangers: {})\n", seed,
             families, people.size(), family_people, strangers);
  fmt::print("documents={} faxes={} seconds={:.2f}\n", docs.size(), docs.size(), seconds);
  fmt::print("variants:");
  for (const auto& [v, n] : variant_counts) fmt::print(" {}={}", v, n);
  fmt::print("\noutcomes:");
  for (const auto& [d, n] : decisions) fmt::print(" {}={}", d, n);
  fmt::print("\npatients created={} for {} people\n", patients.size(), people.size());
  fmt::print("pairs: true={} auto-matched={} correct={} wrong={} (family members: {}, same-name strangers: {}) missed={}\n",
             tp + fn, tp + fp, tp, fp, fp_family, fp_stranger, fn);
  fmt::print("pairwise precision={:.4f} (target >= {:.3f})  recall={:.4f} (target >= {:.3f})\n", precision,
             min_precision, recall, min_recall);
  const bool ok = precision >= min_precision && recall >= min_recall;
  fmt::print("{}\n", ok ? "PASS" : "FAIL");
  opened->reset();
  fs::remove_all(dir);
  return ok ? 0 : 1;
}
