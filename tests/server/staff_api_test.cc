// The staff and export API over real HTTP (127.0.0.1, port 0) and a real record store in a
// temp dir: tokens and roles are enforced, every route answers, and every read of patient data
// is in the audit log (actor, action, subject, purpose) before the data is sent.
#include "server/staff_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "server/auth.h"
#include "server/http_server.h"
#include "store/record_store.h"
#include "tests/support/test_support.h"

namespace faxintake::server {
namespace {

using faxintake::testing::TempDir;
using nlohmann::json;

Field Text(const std::string& v) { return Field{v, 0.95, 1, Box{10, 10, 100, 20}}; }

// A referral for a distinctive patient that lacks its authorization number.
Document Referral() {
  Document d;
  d.type = DocType::kReferral;
  d.confidence = 0.9;
  d.fields["patient.family_name"] = Text("QUIGLEYWORTH");
  d.fields["patient.given_name"] = Text("PERPETUA");
  d.fields["patient.birth_date"] = Text("1951-07-23");
  d.fields["insurance.member_id"] = Text("ZQ8842197");
  d.fields["patient.phone"] = Text("+15125550199");
  d.fields["referring.npi"] = Text("1234567893");
  d.fields["referral.specialty"] = Text("CARDIOLOGY");
  d.checklist.name = "prior_auth_payer";
  d.checklist.missing = {"authorization.number"};
  d.AddReason("missing:authorization.number");
  return d;
}

// A note whose birth date has one digit misread and no member id: a possible match.
Document UncertainNote() {
  Document d;
  d.type = DocType::kClinicalNote;
  d.confidence = 0.9;
  d.fields["patient.family_name"] = Text("QUIGLEYWORTH");
  d.fields["patient.given_name"] = Text("PERPETUA");
  d.fields["patient.birth_date"] = Text("1951-07-28");
  d.fields["patient.phone"] = Text("+15125550199");
  return d;
}

struct Entry {
  std::string actor, role, action, subject_kind, subject_id, purpose;
};

class StaffApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = (tmp_.path() / "store").string();
    o.key_file = (tmp_.path() / "store.key").string();
    o.create_key_if_missing = true;
    o.sync_commits = false;
    auto opened = store::RecordStore::Open(o);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);

    const std::string tokens_file = (tmp_.path() / "api_tokens.yaml").string();
    staff_ = *AddPrincipal(tokens_file, "alice", Role::kStaff);
    export_ = *AddPrincipal(tokens_file, "ehr-export", Role::kExport);
    admin_ = *AddPrincipal(tokens_file, "root", Role::kAdmin);
    auto registry = TokenRegistry::Open(tokens_file);
    ASSERT_TRUE(registry.has_value()) << registry.error().message;
    tokens_ = std::move(*registry);

    StaffApiOptions api_options;
    api_options.now_unix_ms = [] { return int64_t{1717200000000}; };  // 2024-06-01
    api_options.record_access = [this](const store::AccessEntry& e) -> Result<void> {
      if (fail_audit_) return MakeError(ErrorCode::kUnavailable, "io_error", "disk gone");
      return store_->RecordAccess(e);
    };
    api_ = std::make_unique<StaffApi>(api_options, store_.get(), tokens_.get());
    HttpHandlers h;
    h.upload = [](std::string_view, const FaxMetadata&) -> Result<UploadReply> { return UploadReply{}; };
    h.api = api_->Routes();
    HttpOptions ho;
    ho.port = 0;
    server_ = std::make_unique<HttpServer>(ho, h);
    ASSERT_TRUE(server_->Start().has_value());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());

    referral_fax_ = Fax(1, "2024-05-02T09:00:00Z", {Referral()});
    note_fax_ = Fax(2, "2024-05-03T09:00:00Z", {UncertainNote()});
    ASSERT_TRUE(referral_fax_.documents[0].patient_id.has_value());
    ASSERT_TRUE(referral_fax_.documents[0].referral_id.has_value());
    patient_id_ = *referral_fax_.documents[0].patient_id;
    referral_id_ = *referral_fax_.documents[0].referral_id;
  }

  IntakeResult Fax(int n, const std::string& received_at, std::vector<Document> documents) {
    FaxMetadata meta;
    meta.source = "dropfolder:main";
    meta.received_at = received_at;
    auto accepted = store_->AcceptFax("fax bytes #" + std::to_string(n), meta);
    EXPECT_TRUE(accepted.has_value());
    IntakeResult r;
    r.fax_id = accepted->fax_id;
    r.input = "inbox/" + r.fax_id + ".tif";
    for (size_t i = 0; i < documents.size(); ++i) {
      PageResult p;
      p.number = static_cast<int>(i) + 1;
      r.pages.push_back(p);
      documents[i].pages = {p.number};
    }
    r.documents = std::move(documents);
    r.status = IntakeStatus::kNeedsReview;
    auto committed = store_->CommitResult(r, {});
    EXPECT_TRUE(committed.has_value()) << committed.error().message;
    return r;
  }

  httplib::Result Get(const std::string& path, const std::string& token, const std::string& purpose = "") {
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    if (!purpose.empty()) headers.emplace("X-Purpose", purpose);
    return client_->Get(path.c_str(), headers);
  }
  httplib::Result Post(const std::string& path, const std::string& token, const json& body) {
    return client_->Post(path.c_str(), {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
  }

  // The access entries of the audit log (change entries left out), read from the store.
  std::vector<Entry> Accesses() {
    std::vector<Entry> out;
    auto entries = store_->ReadAudit(0, 100000);
    EXPECT_TRUE(entries.has_value());
    for (const store::AuditEntry& e : entries.value_or(std::vector<store::AuditEntry>{}))
      if (e.event_type.empty()) out.push_back({e.actor, e.role, e.action, e.subject_kind, e.subject_id, e.purpose});
    return out;
  }
  // Expects the last access entry to be exactly this one.
  void ExpectLastAccess(const Entry& want) {
    const auto all = Accesses();
    ASSERT_FALSE(all.empty());
    const Entry& got = all.back();
    EXPECT_EQ(got.actor, want.actor);
    EXPECT_EQ(got.role, want.role);
    EXPECT_EQ(got.action, want.action);
    EXPECT_EQ(got.subject_kind, want.subject_kind);
    EXPECT_EQ(got.subject_id, want.subject_id);
    EXPECT_EQ(got.purpose, want.purpose);
  }

  TempDir tmp_;
  std::unique_ptr<store::RecordStore> store_;
  std::unique_ptr<TokenRegistry> tokens_;
  std::unique_ptr<StaffApi> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::string staff_, export_, admin_;
  IntakeResult referral_fax_, note_fax_;
  std::string patient_id_, referral_id_;
  bool fail_audit_ = false;
};

TEST_F(StaffApiTest, EveryRouteNeedsAKnownToken) {
  const std::vector<std::string> paths = {"/v1/faxes/" + referral_fax_.fax_id, "/v1/review", "/v1/referrals?state=incomplete",
                                          "/v1/referrals/" + referral_id_, "/v1/patients/" + patient_id_,
                                          "/v1/matches/" + note_fax_.fax_id + "/0", "/v1/events", "/v1/reports/referrals",
                                          "/v1/audit"};
  const size_t audited_before = Accesses().size();
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    auto none = client_->Get(path.c_str());
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401);
    EXPECT_EQ(json::parse(none->body)["error"]["code"], "missing_token");
    EXPECT_EQ(none->get_header_value("WWW-Authenticate"), R"(Bearer realm="faxintake")");
    auto wrong = Get(path, *NewToken());
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);
    EXPECT_EQ(json::parse(wrong->body)["error"]["code"], "invalid_token");
    EXPECT_EQ(wrong->body.find("QUIGLEYWORTH"), std::string::npos);
  }
  for (const std::string& path : {"/v1/referrals/" + referral_id_ + "/close",
                                  "/v1/matches/" + note_fax_.fax_id + "/0/resolve"}) {
    auto r = client_->Post(path.c_str(), R"({"reason":"x","new_patient":true})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << path;
  }
  EXPECT_EQ(Accesses().size(), audited_before);
  EXPECT_EQ(store_->GetReferral(referral_id_)->state, store::ReferralState::kIncomplete);
}

TEST_F(StaffApiTest, EachRoleReachesOnlyItsRoutes) {
  const struct {
    std::string path;
    std::string token;
  } forbidden[] = {
      {"/v1/review", export_},
      {"/v1/referrals?state=incomplete", export_},
      {"/v1/patients/" + patient_id_, export_},
      {"/v1/matches/" + note_fax_.fax_id + "/0", export_},
      {"/v1/reports/referrals", export_},
      {"/v1/events", staff_},
      {"/v1/audit", staff_},
      {"/v1/audit", export_},
  };
  for (const auto& f : forbidden) {
    SCOPED_TRACE(f.path);
    auto r = Get(f.path, f.token);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "forbidden");
  }
  auto close = Post("/v1/referrals/" + referral_id_ + "/close", export_, {{"reason", "done"}});
  ASSERT_TRUE(close);
  EXPECT_EQ(close->status, 403);
  EXPECT_TRUE(Accesses().empty());
  // Export jobs read results and the outbox; admins everything.
  EXPECT_EQ(Get("/v1/faxes/" + referral_fax_.fax_id, export_)->status, 200);
  EXPECT_EQ(Get("/v1/events", export_)->status, 200);
  EXPECT_EQ(Get("/v1/review", admin_)->status, 200);
  EXPECT_EQ(Get("/v1/events", admin_)->status, 200);
}

TEST_F(StaffApiTest, AFaxResultIsSentOnlyAfterItsReadIsAudited) {
  auto r = Get("/v1/faxes/" + referral_fax_.fax_id, staff_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json result = json::parse(r->body);
  EXPECT_EQ(result["schema"], "faxintake.result/1");
  EXPECT_EQ(result["documents"][0]["fields"]["patient.family_name"]["value"], "QUIGLEYWORTH");
  ExpectLastAccess({"alice", "staff", "read", "fax", referral_fax_.fax_id, "review"});

  auto exported = Get("/v1/faxes/" + referral_fax_.fax_id, export_, "ehr sync");
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->status, 200);
  ExpectLastAccess({"ehr-export", "export", "read", "fax", referral_fax_.fax_id, "ehr sync"});

  // Accepted but not processed: 202, nothing read. Unknown: 404. Malformed: 400. No audit.
  const size_t before = Accesses().size();
  auto pending = store_->AcceptFax("bytes not processed yet", FaxMetadata{});
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(Get("/v1/faxes/" + pending->fax_id, staff_)->status, 202);
  EXPECT_EQ(Get("/v1/faxes/fx_00000000000000000000000000000000", staff_)->status, 404);
  EXPECT_EQ(Get("/v1/faxes/nonsense", staff_)->status, 400);
  EXPECT_EQ(Accesses().size(), before);

  // A purpose the log cannot take is refused before anything is read.
  auto bad = Get("/v1/faxes/" + referral_fax_.fax_id, staff_, std::string(65, 'x'));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["error"]["code"], "bad_purpose");
  EXPECT_EQ(Accesses().size(), before);
}

TEST_F(StaffApiTest, WhenTheAuditWriteFailsNoDataIsSent) {
  fail_audit_ = true;
  for (const std::string& path : {"/v1/faxes/" + referral_fax_.fax_id, "/v1/patients/" + patient_id_,
                                  "/v1/referrals/" + referral_id_, "/v1/matches/" + note_fax_.fax_id + "/0",
                                  std::string("/v1/review")}) {
    SCOPED_TRACE(path);
    auto r = Get(path, staff_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "audit_unavailable");
    EXPECT_EQ(r->body.find("QUIGLEYWORTH"), std::string::npos);
    EXPECT_EQ(r->body.find(patient_id_), std::string::npos);
    EXPECT_FALSE(r->get_header_value("Retry-After").empty());
  }
}

TEST_F(StaffApiTest, StaffReadTheReviewQueueReferralsAndPatients) {
  auto review = Get("/v1/review?limit=10", staff_);
  ASSERT_TRUE(review);
  ASSERT_EQ(review->status, 200) << review->body;
  const json items = json::parse(review->body)["items"];
  ASSERT_EQ(items.size(), 2u);  // the incomplete referral and the uncertain note
  EXPECT_TRUE(std::any_of(items.begin(), items.end(), [&](const json& i) {
    return i["fax_id"] == note_fax_.fax_id && i["document"] == 0 && i["priority"] == "routine";
  }));
  ExpectLastAccess({"alice", "staff", "read", "review_queue", "", "review"});

  auto list = Get("/v1/referrals?state=incomplete", staff_, "treatment");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  const json referrals = json::parse(list->body)["referrals"];
  ASSERT_EQ(referrals.size(), 1u);
  EXPECT_EQ(referrals[0]["referral_id"], referral_id_);
  EXPECT_EQ(referrals[0]["state"], "incomplete");
  ExpectLastAccess({"alice", "staff", "read", "referral_queue", "incomplete", "treatment"});

  auto referral = Get("/v1/referrals/" + referral_id_, staff_);
  ASSERT_TRUE(referral);
  ASSERT_EQ(referral->status, 200) << referral->body;
  const json rf = json::parse(referral->body);
  EXPECT_EQ(rf["patient_id"], patient_id_);
  EXPECT_EQ(rf["state"], "incomplete");
  EXPECT_EQ(rf["missing"], json::array({"authorization.number"}));
  EXPECT_EQ(rf["referring_npi"], "1234567893");
  EXPECT_EQ(rf["documents"][0]["type"], "referral");
  ExpectLastAccess({"alice", "staff", "read", "referral", referral_id_, "review"});

  auto patient = Get("/v1/patients/" + patient_id_, staff_);
  ASSERT_TRUE(patient);
  ASSERT_EQ(patient->status, 200) << patient->body;
  const json pt = json::parse(patient->body);
  EXPECT_EQ(pt["patient_id"], patient_id_);
  EXPECT_EQ(pt["sightings"][0]["identity"]["patient.family_name"], "QUIGLEYWORTH");
  EXPECT_EQ(pt["sightings"][0]["fax_id"], referral_fax_.fax_id);
  ExpectLastAccess({"alice", "staff", "read", "patient", patient_id_, "review"});

  for (const auto& [path, status] : std::vector<std::pair<std::string, int>>{
           {"/v1/referrals", 400},
           {"/v1/referrals?state=lost", 400},
           {"/v1/review?limit=0", 400},
           {"/v1/review?limit=501", 400},
           {"/v1/review?limit=ten", 400},
           {"/v1/referrals/rf_00000000000000000000000000000000", 404},
           {"/v1/patients/pt_00000000000000000000000000000000", 404},
           {"/v1/patients/x", 400}}) {
    SCOPED_TRACE(path);
    auto r = Get(path, staff_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
  }
}

TEST_F(StaffApiTest, StaffSettleAMatchReviewAndCloseAReferral) {
  const std::string match_path = "/v1/matches/" + note_fax_.fax_id + "/0";
  auto review = Get(match_path, staff_);
  ASSERT_TRUE(review);
  ASSERT_EQ(review->status, 200) << review->body;
  const json m = json::parse(review->body);
  EXPECT_EQ(m["decision"], "possible_match");
  ASSERT_EQ(m["candidates"].size(), 1u);
  EXPECT_EQ(m["candidates"][0]["patient_id"], patient_id_);
  EXPECT_FALSE(m["candidates"][0]["evidence"].empty());
  ExpectLastAccess({"alice", "staff", "read", "match_review", note_fax_.fax_id + "#0", "review"});
  EXPECT_EQ(Get("/v1/matches/" + referral_fax_.fax_id + "/0", staff_)->status, 404);  // matched automatically

  for (const json& bad : {json{{"reason", "chart"}}, json{{"reason", "chart"}, {"new_patient", true}, {"patient_id", patient_id_}},
                          json{{"patient_id", patient_id_}}, json{{"patient_id", patient_id_}, {"reason", ""}}}) {
    SCOPED_TRACE(bad.dump());
    auto r = Post(match_path + "/resolve", staff_, bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  auto not_json = client_->Post((match_path + "/resolve").c_str(), {{"Authorization", "Bearer " + staff_}}, "{", "application/json");
  EXPECT_EQ(not_json->status, 400);
  auto stranger = Post(match_path + "/resolve", staff_, {{"patient_id", "pt_00000000000000000000000000000000"}, {"reason", "chart"}});
  EXPECT_EQ(stranger->status, 400) << stranger->body;  // not one of the candidates

  auto resolved = Post(match_path + "/resolve", staff_, {{"patient_id", patient_id_}, {"reason", "same person per chart"}});
  ASSERT_TRUE(resolved);
  ASSERT_EQ(resolved->status, 200) << resolved->body;
  const json outcome = json::parse(resolved->body);
  EXPECT_EQ(outcome["patient_id"], patient_id_);
  EXPECT_EQ(outcome["new_patient"], false);
  EXPECT_EQ(Get(match_path, staff_)->status, 404);  // settled
  auto audit = store_->ReadAudit(0, 1000);
  ASSERT_TRUE(audit.has_value());
  EXPECT_TRUE(std::any_of(audit->begin(), audit->end(), [](const store::AuditEntry& e) { return e.actor == "alice" && !e.event_type.empty(); }));

  const std::string close_path = "/v1/referrals/" + referral_id_ + "/close";
  EXPECT_EQ(Post(close_path, staff_, json::object())->status, 400);
  EXPECT_EQ(Post(close_path, staff_, {{"reason", "line one\nline two"}})->status, 400);
  EXPECT_EQ(Post("/v1/referrals/rf_00000000000000000000000000000000/close", staff_, {{"reason", "dup"}})->status, 404);
  auto closed = Post(close_path, staff_, {{"reason", "patient declined"}});
  ASSERT_TRUE(closed);
  ASSERT_EQ(closed->status, 200) << closed->body;
  EXPECT_EQ(json::parse(closed->body)["state"], "closed");
  auto rf = store_->GetReferral(referral_id_);
  ASSERT_TRUE(rf.has_value());
  EXPECT_EQ(rf->state, store::ReferralState::kClosed);
  EXPECT_EQ(Post(close_path, admin_, {{"reason", "again"}})->status, 200);  // closing twice changes nothing
}

TEST_F(StaffApiTest, ExportJobsPageThroughTheOutboxWithACursor) {
  auto all = store_->ReadOutbox(0, 1000);
  ASSERT_TRUE(all.has_value());
  ASSERT_GE(all->size(), 3u);
  std::vector<uint64_t> seqs;
  uint64_t after = 0;
  for (int page = 0; page < 100; ++page) {
    auto r = Get("/v1/events?limit=2&after=" + std::to_string(after), export_);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json body = json::parse(r->body);
    ExpectLastAccess({"ehr-export", "export", "export", "outbox", "after:" + std::to_string(after), "export"});
    EXPECT_LE(body["events"].size(), 2u);
    for (const json& e : body["events"]) {
      seqs.push_back(e["seq"].get<uint64_t>());
      EXPECT_TRUE(e.contains("type"));
      EXPECT_TRUE(e.contains("fax_id"));
    }
    if (body["events"].empty()) {
      EXPECT_EQ(body["next_after"], after);
      break;
    }
    after = body["next_after"].get<uint64_t>();
  }
  ASSERT_EQ(seqs.size(), all->size());
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], (*all)[i].seq);
  EXPECT_EQ(Get("/v1/events?after=-1", export_)->status, 400);
}

TEST_F(StaffApiTest, StaffReadReferralMetricsAndAdminsTheAuditLog) {
  auto report = Get("/v1/reports/referrals", staff_, "quality report");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->status, 200) << report->body;
  EXPECT_NE(report->body.find("1234567893"), std::string::npos);  // the referring NPI
  EXPECT_EQ(report->body.find("QUIGLEYWORTH"), std::string::npos);
  ExpectLastAccess({"alice", "staff", "read", "report", "referrals", "quality report"});

  ASSERT_EQ(Get("/v1/patients/" + patient_id_, staff_)->status, 200);
  auto log = Get("/v1/audit?limit=500", admin_);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->status, 200) << log->body;
  const json body = json::parse(log->body);
  const json entries = body["entries"];
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(body["next_after"], entries.back()["seq"]);
  EXPECT_TRUE(std::any_of(entries.begin(), entries.end(), [&](const json& e) {
    return e["actor"] == "alice" && e["action"] == "read" && e["subject_kind"] == "patient" &&
           e["subject_id"] == patient_id_ && e["purpose"] == "review" && e["role"] == "staff";
  })) << entries.dump();
  EXPECT_EQ(log->body.find("QUIGLEYWORTH"), std::string::npos);
  ExpectLastAccess({"root", "admin", "read", "audit_log", "after:0", "administration"});
  // Paging on from the cursor shows only the admin's own read of the log.
  auto next = Get("/v1/audit?after=" + std::to_string(body["next_after"].get<uint64_t>()), admin_);
  ASSERT_TRUE(next);
  const json rest = json::parse(next->body)["entries"];
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0]["subject_kind"], "audit_log");
}

}  // namespace
}  // namespace faxintake::server
