#include "tests/store/referral_fixtures.h"

#include <algorithm>
#include <ctime>

namespace faxintake::store::testing {

Field Text(const std::string& v) { return Field{v, 0.95, 1, Box{10, 10, 100, 20}}; }

const Person kMaria{"GARCIA-LOPEZ", "MARIA", "1956-03-04", "W123456789", "+15125550142", "12 OAK ST", "78701"};
const Person kSon{"GARCIA-LOPEZ", "DIEGO", "1984-10-12", "W123456702", "+15125550142", "12 OAK ST", "78701"};

void AddPatient(Document& d, const Person& p, bool demographics) {
  d.fields["patient.family_name"] = Text(p.family);
  d.fields["patient.given_name"] = Text(p.given);
  if (!p.dob.empty()) d.fields["patient.birth_date"] = Text(p.dob);
  if (!p.member.empty()) d.fields["insurance.member_id"] = Text(p.member);
  if (demographics) {
    d.fields["patient.phone"] = Text(p.phone);
    d.fields["patient.address.line"] = Text(p.line);
    d.fields["patient.address.postal_code"] = Text(p.zip);
  }
}

Document Referral(const Person& p, std::vector<std::string> missing, const std::string& npi) {
  Document d;
  d.type = DocType::kReferral;
  d.confidence = 0.9;
  d.pages = {1};
  AddPatient(d, p, true);
  d.fields["insurance.payer"] = Text("AETNA");
  d.fields["referring.npi"] = Text(npi);
  d.fields["referral.diagnosis_codes"] = Field{std::vector<std::string>{"M17.11"}, 0.9, 1, Box{}};
  d.fields["referral.specialty"] = Text("ORTHOPEDICS");
  d.checklist.name = "prior_auth_payer";
  d.checklist.missing = std::move(missing);
  for (const std::string& m : d.checklist.missing) d.AddReason("missing:" + m);
  return d;
}

Document AuthorizationLetter(const Person& p, const std::string& status) {
  Document d;
  d.type = DocType::kPriorAuthorization;
  d.confidence = 0.9;
  d.pages = {1};
  AddPatient(d, p, false);
  d.fields["authorization.number"] = Text("AUTH778899");
  d.fields["authorization.status"] = Text(status);
  return d;
}

Document Note(DocType type, const Person& p) {
  Document d;
  d.type = type;
  d.confidence = 0.9;
  d.pages = {1};
  d.fields["patient.family_name"] = Text(p.family);
  d.fields["patient.given_name"] = Text(p.given);
  d.fields["patient.birth_date"] = Text(p.dob);
  return d;
}

IntakeResult ResultOf(const std::string& fax_id, std::vector<Document> documents) {
  IntakeResult r;
  r.input = "inbox/" + fax_id + ".tif";
  r.fax_id = fax_id;
  for (size_t i = 0; i < documents.size(); ++i) {
    PageResult p;
    p.number = static_cast<int>(i) + 1;
    r.pages.push_back(p);
    documents[i].pages = {p.number};
  }
  r.documents = std::move(documents);
  r.status = std::any_of(r.documents.begin(), r.documents.end(), [](const Document& d) { return d.needs_review; })
                 ? IntakeStatus::kNeedsReview
                 : IntakeStatus::kFiled;
  return r;
}

bool HasReason(const Document& d, const std::string& reason) {
  return std::find(d.review_reasons.begin(), d.review_reasons.end(), reason) != d.review_reasons.end();
}

StoreOptions ReferralStoreTest::Options() const {
  StoreOptions o;
  o.path = (dir_.path() / "store").string();
  o.key_file = (dir_.path() / "store.key").string();
  o.create_key_if_missing = true;
  o.sync_commits = false;
  return o;
}

void ReferralStoreTest::SetUp() {
  auto opened = RecordStore::Open(Options());
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  store_ = std::move(*opened);
}

void ReferralStoreTest::Reopen() {
  store_.reset();
  auto opened = RecordStore::Open(Options());
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  store_ = std::move(*opened);
}

int64_t MayMicros(int day) {
  // 2024-05-01T09:00:00Z
  constexpr int64_t kMay1 = 1714554000LL * 1000000;
  return kMay1 + static_cast<int64_t>(day - 1) * 86400LL * 1000000;
}

IntakeResult ReferralStoreTest::Fax(int n, int day, std::vector<Document> documents) {
  FaxMetadata meta;
  meta.source = "dropfolder:main";
  // RFC 3339 from the day count, so days past May roll over correctly.
  const time_t t = static_cast<time_t>(MayMicros(day) / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  meta.received_at = buf;
  auto accepted = store_->AcceptFax("fax bytes #" + std::to_string(n), meta);
  EXPECT_TRUE(accepted.has_value());
  IntakeResult r = ResultOf(accepted->fax_id, std::move(documents));
  std::vector<std::string> images(r.pages.size(), "page image of fax " + std::to_string(n));
  auto committed = store_->CommitResult(r, images);
  EXPECT_TRUE(committed.has_value()) << committed.error().message;
  return r;
}

ReferralRecord ReferralStoreTest::Stored(const std::optional<std::string>& id) {
  EXPECT_TRUE(id.has_value());
  auto r = store_->GetReferral(id.value_or(""));
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return r ? *r : ReferralRecord{};
}

std::vector<std::string> ReferralStoreTest::ReferralEvents() {
  std::vector<std::string> out;
  const auto events = store_->ReadOutbox(0, SIZE_MAX);
  EXPECT_TRUE(events.has_value());
  for (const OutboxEvent& e : events.value_or(std::vector<OutboxEvent>{}))
    if (!e.referral_id.empty()) out.push_back(e.type + ":" + e.referral_state);
  return out;
}

}  // namespace faxintake::store::testing
