// The service end to end in-process: a real record store in a temp dir, a real drop
// folder, real HTTP on 127.0.0.1 port 0, real OCR. A fax dropped into the inbox and a fax
// uploaded over HTTP are both stored, processed and readable back; the dropped file is
// archived only after it was stored; a bad file lands in quarantine with a reason file.
// Results are read through the staff API with a bearer token, and each read is audited.
#include <gtest/gtest.h>
#include <httplib.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "app/config.h"
#include "app/service.h"
#include "server/webhooks.h"
#include "server/auth.h"
#include "tests/support/test_support.h"

namespace faxintake::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kKeyEnv[] = "FAXINTAKE_SERVICE_TEST_KEY";

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv(kKeyEnv, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    auto loaded = LoadConfig((testing::SourceDir() / "config" / "faxintake.yaml").string());
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    config_ = *loaded;
    config_.store_path = (tmp_.path() / "store").string();
    config_.key_file.clear();
    config_.key_env = kKeyEnv;
    DropFolderConfig f;
    f.path = (tmp_.path() / "inbox").string();
    f.label = "line1";
    f.archive = (tmp_.path() / "archive").string();
    f.quarantine = (tmp_.path() / "quarantine").string();
    f.work = (tmp_.path() / "work").string();
    f.settle_seconds = 0.3;
    config_.folders = {f};
    config_.poll_seconds = 0.1;
    config_.http_port = 0;
    config_.fax_workers = 2;
    config_.tokens_file = (tmp_.path() / "api_tokens.yaml").string();
    auto token = server::AddPrincipal(config_.tokens_file, "intake-test", server::Role::kStaff);
    ASSERT_TRUE(token.has_value()) << token.error().message;
    token_ = *token;
  }

  // Polls the HTTP result endpoint until the fax is processed (200) or time runs out.
  nlohmann::json WaitForResult(httplib::Client& client, const std::string& fax_id) {
    for (auto deadline = std::chrono::steady_clock::now() + 120s; std::chrono::steady_clock::now() < deadline;) {
      auto r = client.Get(("/v1/faxes/" + fax_id).c_str(), {{"Authorization", "Bearer " + token_}});
      if (r && r->status == 200) return nlohmann::json::parse(r->body);
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "no result for " << fax_id;
    return {};
  }

  testing::TempDir tmp_;
  ServiceConfig config_;
  std::string token_;  // a staff principal's bearer token
};

TEST_F(ServiceTest, DropFolderAndUploadFeedTheSameWorkersAndStore) {
  auto service = Service::Create(config_);
  ASSERT_TRUE(service.has_value()) << service.error().message;
  ASSERT_TRUE((*service)->Start().has_value());
  const int port = (*service)->http_port();
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);

  // Drop: written under a temporary name, then renamed in (what careful writers do).
  const fs::path sample = testing::SourceDir() / "samples" / "set" / "s0001.tif";
  const fs::path inbox = config_.folders[0].path;
  testing::WriteFile(inbox / ".s0001.tif.part", testing::ReadFile(sample));
  fs::rename(inbox / ".s0001.tif.part", inbox / "s0001.tif");

  // Upload: multipart, answered 202 with the fax id once stored.
  const std::string pdf = testing::ReadFile(testing::SourceDir() / "samples" / "set" / "s0010.pdf");
  httplib::MultipartFormDataItems items = {{"file", pdf, "s0010.pdf", "application/pdf"}};
  auto up = client.Post("/v1/faxes", items);
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 202) << up->body;
  const auto reply = nlohmann::json::parse(up->body);
  EXPECT_FALSE(reply["duplicate"].get<bool>());
  const auto uploaded = WaitForResult(client, reply["fax_id"]);
  EXPECT_EQ(uploaded["schema"], "faxintake.result/1");
  EXPECT_NE(uploaded["status"], "quarantined");
  EXPECT_FALSE(uploaded["documents"].empty());

  // The same bytes again: a duplicate, nothing new queued.
  auto again = client.Post("/v1/faxes", items);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 202);
  EXPECT_TRUE(nlohmann::json::parse(again->body)["duplicate"].get<bool>());

  // The dropped file is archived under its fax id once stored, and processed.
  std::string archived;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       archived.empty() && std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(50ms))
    for (const auto& e : fs::directory_iterator(config_.folders[0].archive))
      if (e.path().filename().string().ends_with("_s0001.tif")) archived = e.path().filename().string();
  ASSERT_FALSE(archived.empty());
  EXPECT_FALSE(fs::exists(inbox / "s0001.tif"));
  const std::string dropped_id = archived.substr(0, archived.find('_', 3));
  const auto dropped = WaitForResult(client, dropped_id);
  EXPECT_EQ(dropped["fax_id"], dropped_id);
  EXPECT_EQ(dropped["pages"].size(), 2u);

  // Results are patient data: no token, no result; each read is in the audit log.
  auto anonymous = client.Get("/v1/faxes/" + dropped_id);
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto audit = (*service)->store().ReadAudit(0, 10000);
  ASSERT_TRUE(audit.has_value());
  EXPECT_TRUE(std::any_of(audit->begin(), audit->end(), [&](const store::AuditEntry& e) {
    return e.actor == "intake-test" && e.action == "read" && e.subject_kind == "fax" && e.subject_id == dropped_id &&
           e.purpose == "review";
  }));

  // A file that is not a fax: stored, quarantined, moved beside a reason file.
  testing::WriteFile(inbox / "broken.tif", std::string("II*\0garbage that is not a TIFF", 30));
  fs::path reason;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       reason.empty() && std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(50ms))
    for (const auto& e : fs::directory_iterator(config_.folders[0].quarantine))
      if (e.path().string().ends_with(".reason.txt")) reason = e.path();
  ASSERT_FALSE(reason.empty());
  EXPECT_NE(testing::ReadFile(reason).find("tiff_unreadable"), std::string::npos) << testing::ReadFile(reason);

  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("faxintake_faxes_accepted_total 3"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("faxintake_faxes_duplicate_total 1"), std::string::npos);
  (*service)->Stop();
}

TEST_F(ServiceTest, FaxesAcceptedButNotProcessedAreProcessedAfterARestart) {
  std::string fax_id;
  {
    auto service = Service::Create(config_);
    ASSERT_TRUE(service.has_value()) << service.error().message;
    // Accepted into the store but never started: as if the process died right after the 202.
    FaxMetadata meta;
    meta.source = "upload";
    auto accepted = (*service)->store().AcceptFax(
        testing::ReadFile(testing::SourceDir() / "samples" / "set" / "s0003.tif"), meta);
    ASSERT_TRUE(accepted.has_value());
    fax_id = accepted->fax_id;
  }
  auto service = Service::Create(config_);
  ASSERT_TRUE(service.has_value());
  ASSERT_TRUE((*service)->Start().has_value());
  httplib::Client client("127.0.0.1", (*service)->http_port());
  const auto result = WaitForResult(client, fax_id);
  EXPECT_EQ(result["fax_id"], fax_id);
  EXPECT_FALSE(result["pages"].empty());
}

TEST_F(ServiceTest, MetricsCoverSourcesStagesQueueFoldersAndTheReviewBacklog) {
  config_.folders[0].label = "line \"2\"\\b";  // label values must come out escaped
  auto service = Service::Create(config_);
  ASSERT_TRUE(service.has_value()) << service.error().message;
  ASSERT_TRUE((*service)->Start().has_value());
  const fs::path inbox = config_.folders[0].path;
  testing::WriteFile(inbox / ".s0003.tif.part", testing::ReadFile(testing::SourceDir() / "samples" / "set" / "s0003.tif"));
  fs::rename(inbox / ".s0003.tif.part", inbox / "s0003.tif");
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       fs::is_empty(config_.folders[0].archive) && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(50ms);
  ASSERT_TRUE((*service)->WaitIdle(120s));

  httplib::Client client("127.0.0.1", (*service)->http_port());
  auto scraped = client.Get("/metrics");
  ASSERT_TRUE(scraped);
  ASSERT_EQ(scraped->status, 200);
  const std::string& body = scraped->body;
  const std::string folder = R"(line \"2\"\\b)";
  auto stats = (*service)->store().Stats();
  ASSERT_TRUE(stats.has_value());
  for (const std::string& line :
       {"faxintake_faxes_received_total{source=\"dropfolder:" + folder + "\"} 1",
        "faxintake_dropfolder_claimed_total{folder=\"" + folder + "\"} 1",
        "faxintake_dropfolder_archived_total{folder=\"" + folder + "\"} 1",
        "faxintake_dropfolder_quarantined_total{folder=\"" + folder + "\"} 0",
        std::string("faxintake_faxes_processed_total 1"), std::string("faxintake_queue_depth 0"),
        std::string("faxintake_store_faxes 1"), std::string("faxintake_store_pending 0"),
        "faxintake_review_backlog " + std::to_string(stats->needs_review)}) {
    SCOPED_TRACE(line);
    EXPECT_NE(body.find(line + "\n"), std::string::npos) << body;
  }
  EXPECT_NE(body.find("faxintake_pages_processed_total 2\n"), std::string::npos) << body;
  for (const char* stage : {"decode", "ocr", "analyze"})
    EXPECT_NE(body.find(std::string("faxintake_stage_seconds_total{stage=\"") + stage + "\"} "), std::string::npos);
  // Every sample belongs to a family announced with HELP and TYPE.
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_NE(body.find("# HELP " + name + " "), std::string::npos) << name;
    EXPECT_NE(body.find("# TYPE " + name + " "), std::string::npos) << name;
  }
  (*service)->Stop();
}

TEST_F(ServiceTest, WebhookEventsWaitingForTheirFaxAreSealedUnderTheStoreKey) {
  // gateways.yaml beside the configuration file: one Twilio-style gateway whose media link
  // cannot be fetched yet, so the event waits in the spool.
  const fs::path spool = tmp_.path() / "webhooks";
  config_.config_file = (tmp_.path() / "faxintake.yaml").string();
  testing::WriteFile(tmp_.path() / "gateways.yaml", "webhooks:\n"
                                                    "  public_base_url: https://fax.example.org\n"
                                                    "  spool: " + spool.string() + "\n"
                                                    "  fetch:\n"
                                                    "    attempts: 1\n"
                                                    "    connect_timeout_seconds: 1\n"
                                                    "    total_timeout_seconds: 2\n"
                                                    "    retry_min_seconds: 3600\n"
                                                    "    retry_max_seconds: 3600\n"
                                                    "  gateways:\n"
                                                    "    - name: signalwire\n"
                                                    "      type: twilio\n"
                                                    "      enabled: true\n"
                                                    "      secret_env: FAXINTAKE_SERVICE_TEST_TWILIO\n");
  ::setenv("FAXINTAKE_SERVICE_TEST_TWILIO", "twilio-token", 1);
  auto service = Service::Create(config_);
  ASSERT_TRUE(service.has_value()) << service.error().message;
  ASSERT_TRUE((*service)->Start().has_value());

  const std::string marker = "MARKER5150PATIENT";
  const std::vector<std::pair<std::string, std::string>> params = {
      {"FaxSid", "FX" + marker}, {"From", "+15551239999"}, {"FaxStatus", "received"},
      {"MediaUrl", "https://127.0.0.1:1/media?token=" + marker}};
  auto encode = [](const std::string& v) {
    std::string e;
    for (unsigned char c : v) e += std::isalnum(c) ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
    return e;
  };
  std::string body;
  for (const auto& [k, v] : params) body += (body.empty() ? "" : "&") + k + "=" + encode(v);
  httplib::Client client("127.0.0.1", (*service)->http_port());
  auto posted = client.Post(
      "/v1/webhooks/signalwire",
      {{"X-Twilio-Signature",
        server::TwilioSignature("twilio-token", "https://fax.example.org/v1/webhooks/signalwire", params)}},
      body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200) << posted->body;
  std::this_thread::sleep_for(500ms);  // the fetcher tries once and records the failure
  (*service)->Stop();

  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(spool)) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string stored = testing::ReadFile(e.path());
    EXPECT_EQ(stored.find(marker), std::string::npos) << e.path();
    EXPECT_EQ(stored.find("+15551239999"), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 1u) << "the pending event";
  ::unsetenv("FAXINTAKE_SERVICE_TEST_TWILIO");
}

}  // namespace
}  // namespace faxintake::app
