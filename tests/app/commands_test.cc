// The store maintenance commands `faxintake report` and `faxintake retention`, run in-process
// on a store written through the store API.
#include "app/commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>

#include "store/record_store.h"
#include "tests/support/test_support.h"

namespace faxintake::app {
namespace {

using faxintake::testing::TempDir;
using faxintake::testing::WriteConfig;

Field Text(const std::string& v) { return Field{v, 0.95, 1, Box{10, 10, 100, 20}}; }

// Runs `command` with std::cout captured.
std::string Capture(const std::function<int()>& command, int* exit_code) {
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  *exit_code = command();
  std::cout.rdbuf(old);
  return out.str();
}

class StoreCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_path_ = (dir_.path() / "store").string();
    key_path_ = (dir_.path() / "store.key").string();
    store::StoreOptions o;
    o.path = store_path_;
    o.key_file = key_path_;
    o.create_key_if_missing = true;
    auto st = store::RecordStore::Open(o);
    ASSERT_TRUE(st.has_value()) << st.error().message;
    FaxMetadata meta;
    meta.source = "cli";
    meta.received_at = "2024-05-01T09:00:00Z";
    const std::string fax_id = (*st)->AcceptFax("referral fax bytes", meta)->fax_id;
    IntakeResult r;
    r.fax_id = fax_id;
    r.input = "in.tif";
    r.status = IntakeStatus::kFiled;
    Document d;
    d.type = DocType::kReferral;
    d.fields["patient.family_name"] = Text("QUINTERO");
    d.fields["patient.given_name"] = Text("LUZ");
    d.fields["patient.birth_date"] = Text("1961-11-02");
    d.fields["referring.npi"] = Text("1234567893");
    d.checklist.missing = {"authorization.number"};
    d.AddReason("missing:authorization.number");
    r.documents = {d};
    r.status = IntakeStatus::kNeedsReview;
    ASSERT_TRUE((*st)->CommitResult(r, {}).has_value());
  }

  ServiceConfig Config(int raw_days) {
    const auto config_dir = dir_.path() / ("config" + std::to_string(++configs_));
    std::filesystem::create_directories(config_dir);
    auto c = LoadConfig(WriteConfig(config_dir, {{"path: var/store", "path: " + store_path_},
                                                  {"key_file: var/keys/store.key", "key_file: " + key_path_},
                                                  {"key_env: FAXINTAKE_STORE_KEY", "key_env: \"\""},
                                                  {"raw_days: 0", "raw_days: " + std::to_string(raw_days)}}));
    EXPECT_TRUE(c.has_value()) << c.error().message;
    return c.value_or(ServiceConfig{});
  }

  TempDir dir_;
  std::string store_path_, key_path_;
  int configs_ = 0;
};

TEST_F(StoreCommandsTest, ReportPrintsTheReferralMetricsAsJsonAndTextAndAuditsTheRead) {
  const ServiceConfig config = Config(0);
  int code = -1;
  const std::string json = Capture([&] { return RunReport(config, "", /*json=*/true); }, &code);
  ASSERT_EQ(code, 0);
  const auto j = nlohmann::json::parse(json, nullptr, false);
  ASSERT_TRUE(j.is_object()) << json;
  EXPECT_EQ(j["referrals"], 1);
  EXPECT_EQ(j["missing_required"]["reasons"]["missing:authorization.number"], 1);
  EXPECT_EQ(j["top_referrers"][0]["npi"], "1234567893");

  const std::string text = Capture([&] { return RunReport(config, store_path_, /*json=*/false); }, &code);
  ASSERT_EQ(code, 0);
  EXPECT_NE(text.find("pending (not ready)"), std::string::npos) << text;
  EXPECT_EQ(text.find("QUINTERO"), std::string::npos);

  store::StoreOptions o;
  o.path = store_path_;
  o.key_file = key_path_;
  auto st = store::RecordStore::Open(o);
  ASSERT_TRUE(st.has_value());
  const auto audit = *(*st)->ReadAudit(0, 100);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().subject_kind, "report");
  EXPECT_EQ(audit.back().action, "read");
}

TEST_F(StoreCommandsTest, RetentionReportsWhatItKeptAndADisabledPolicyDoesNothing) {
  int code = -1;
  std::string out = Capture([&] { return RunRetention(Config(0), "", /*dry_run=*/false); }, &code);
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(out.empty());
  out = Capture([&] { return RunRetention(Config(30), "", /*dry_run=*/true); }, &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("dry run"), std::string::npos) << out;
  EXPECT_NE(out.find("processed faxes examined       1"), std::string::npos) << out;
}

TEST_F(StoreCommandsTest, AMissingStoreIsAConfigurationError) {
  int code = -1;
  Capture([&] { return RunReport(Config(0), (dir_.path() / "nowhere").string(), false); }, &code);
  EXPECT_EQ(code, 2);
  Capture([&] { return RunRetention(Config(30), (dir_.path() / "nowhere").string(), false); }, &code);
  EXPECT_EQ(code, 2);
}

}  // namespace
}  // namespace faxintake::app
