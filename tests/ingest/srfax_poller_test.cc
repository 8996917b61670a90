// SrfaxPoller against a fake SRFax API (cpp-httplib on 127.0.0.1, plain http allowed to
// loopback): list unread, retrieve, accept, then mark viewed; failures leave faxes unread.
#include "ingest/srfax_poller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/webhooks_config.h"

namespace faxintake::ingest {
namespace {

using nlohmann::json;

std::string B64(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// The fake SRFax inbox; every event (server side and accept callback) goes to one log.
class FakeSrfax {
 public:
  FakeSrfax() {
    server_.Post("/SRF_SecWebSvc.php", [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeSrfax() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/SRF_SecWebSvc.php"; }

  void AddFax(const std::string& file_name, const std::string& bytes) {
    std::lock_guard lock(mu_);
    faxes_[file_name] = bytes;
  }
  void Log(const std::string& event) {
    std::lock_guard lock(mu_);
    events_.push_back(event);
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::set<std::string> viewed() {
    std::lock_guard lock(mu_);
    return viewed_;
  }
  void set_fail_all(bool v) {
    std::lock_guard lock(mu_);
    fail_all_ = v;
  }
  int requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    ++requests_;
    if (fail_all_) {
      res.status = 500;
      res.set_content("oops", "text/plain");
      return;
    }
    json answer;
    if (req.get_param_value("access_id") != "12345" || req.get_param_value("access_pwd") != "p&ss w=rd+%é") {
      answer = {{"Status", "Failed"}, {"Result", "Invalid Access Code / Password"}};
      res.set_content(answer.dump(), "application/json");
      return;
    }
    const std::string action = req.get_param_value("action");
    if (action == "Get_Fax_Inbox") {
      EXPECT_EQ(req.get_param_value("sViewedStatus"), "UNREAD");
      json list = json::array();
      for (const auto& [name, bytes] : faxes_) {
        if (viewed_.contains(name)) continue;
        list.push_back({{"FileName", name},
                        {"ReceiveStatus", "Ok"},
                        {"EpochTime", 1700000000},
                        {"CallerID", "5551234567"},
                        {"RemoteID", "CLINIC A"},
                        {"Pages", "1"},
                        {"ViewedStatus", "N"}});
      }
      answer = {{"Status", "Success"}, {"Result", list}};
    } else if (action == "Retrieve_Fax") {
      const std::string name = req.get_param_value("sFaxFileName");
      EXPECT_EQ(req.get_param_value("sDirection"), "IN");
      EXPECT_EQ(req.get_param_value("sMarkasViewed"), "N");
      events_.push_back("retrieve:" + name);
      if (!faxes_.contains(name)) {
        answer = {{"Status", "Failed"}, {"Result", "No fax found"}};
      } else {
        answer = {{"Status", "Success"}, {"Result", B64(faxes_[name])}};
      }
    } else if (action == "Update_Viewed_Status") {
      const std::string name = req.get_param_value("sFaxFileName");
      EXPECT_EQ(req.get_param_value("sMarkasViewed"), "Y");
      events_.push_back("viewed:" + name);
      viewed_.insert(name);
      answer = {{"Status", "Success"}, {"Result", ""}};
    } else {
      answer = {{"Status", "Failed"}, {"Result", "unknown action"}};
    }
    res.set_content(answer.dump(), "application/json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, std::string> faxes_;
  std::set<std::string> viewed_;
  std::vector<std::string> events_;
  bool fail_all_ = false;
  int requests_ = 0;
};

const std::string kFax1 = "20240101120000-1-1_0|111";
const std::string kFax2 = "20240101120500-1-1_0|222";

SrfaxPollerOptions Options(const FakeSrfax& fake) {
  SrfaxPollerOptions o;
  o.base_url = fake.url();
  o.access_id = "12345";
  o.access_pwd = "p&ss w=rd+%é";  // form-encoded on the way
  o.poll_seconds = 0.05;
  o.fetch.allow_plain_http_to_loopback = true;
  o.fetch.attempts = 1;
  o.fetch.connect_timeout_ms = 2000;
  o.fetch.total_timeout_ms = 5000;
  return o;
}

// An in-memory "store": dedupes on (source, gateway id); can be told to fail.
struct FakeStore {
  FakeSrfax* fake;
  std::mutex mu;
  std::map<std::string, std::string> by_gateway_id;  // gateway id -> bytes
  std::vector<FaxMetadata> metas;
  int calls = 0;
  int new_faxes = 0;
  std::set<std::string> fail_for;

  SrfaxAcceptFn Fn() {
    return [this](std::string_view bytes, const FaxMetadata& meta) -> Result<std::string> {
      std::lock_guard lock(mu);
      ++calls;
      if (fail_for.contains(meta.gateway_fax_id)) {
        fake->Log("accept_failed:" + meta.gateway_fax_id);
        return MakeError(ErrorCode::kUnavailable, "disk_full", "no room");
      }
      fake->Log("accept:" + meta.gateway_fax_id);
      if (!by_gateway_id.contains(meta.gateway_fax_id)) {
        by_gateway_id[meta.gateway_fax_id] = std::string(bytes);
        metas.push_back(meta);
        ++new_faxes;
      }
      return "fax-" + meta.gateway_fax_id;
    };
  }
};

size_t IndexOf(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), s) - v.begin());
}

TEST(SrfaxPollerTest, AcceptsBothUnreadFaxesOnceAndMarksThemViewedAfterAcceptance) {
  FakeSrfax fake;
  fake.AddFax(kFax1, std::string("%PDF-1.4 one\0\x01\xff", 15));
  fake.AddFax(kFax2, "%PDF-1.4 two");
  FakeStore store{&fake};
  SrfaxPoller poller(Options(fake), store.Fn());

  auto stats = poller.PollOnce();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->listed, 2u);
  EXPECT_EQ(stats->accepted, 2u);
  EXPECT_EQ(stats->marked_viewed, 2u);
  EXPECT_EQ(stats->failed, 0u);
  EXPECT_EQ(store.new_faxes, 2);
  EXPECT_EQ(store.calls, 2);
  EXPECT_EQ(store.by_gateway_id[kFax1], std::string("%PDF-1.4 one\0\x01\xff", 15));
  EXPECT_EQ(store.by_gateway_id[kFax2], "%PDF-1.4 two");
  ASSERT_EQ(store.metas.size(), 2u);
  EXPECT_EQ(store.metas[0].source, "poller:srfax");
  EXPECT_EQ(store.metas[0].gateway_fax_id, kFax1);
  EXPECT_EQ(store.metas[0].from_number, "5551234567");
  EXPECT_EQ(store.metas[0].sender_tsi, "CLINIC A");
  EXPECT_EQ(store.metas[0].received_at, "2023-11-14T22:13:20Z");
  EXPECT_EQ(fake.viewed(), (std::set<std::string>{kFax1, kFax2}));

  const auto events = fake.events();
  for (const std::string& f : {kFax1, kFax2}) {
    const size_t retrieved = IndexOf(events, "retrieve:" + f), accepted = IndexOf(events, "accept:" + f),
                 viewed = IndexOf(events, "viewed:" + f);
    ASSERT_LT(viewed, events.size()) << f;
    EXPECT_LT(retrieved, accepted) << f;
    EXPECT_LT(accepted, viewed) << f;
  }

  // Nothing unread is left: the next poll accepts nothing again.
  auto again = poller.PollOnce();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->listed, 0u);
  EXPECT_EQ(store.calls, 2);
}

TEST(SrfaxPollerTest, FailedAcceptLeavesTheFaxUnreadAndTheNextPollRetriesIt) {
  FakeSrfax fake;
  fake.AddFax(kFax1, "%PDF-1.4 one");
  fake.AddFax(kFax2, "%PDF-1.4 two");
  FakeStore store{&fake};
  store.fail_for.insert(kFax2);
  SrfaxPoller poller(Options(fake), store.Fn());

  auto first = poller.PollOnce();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->accepted, 1u);
  EXPECT_EQ(first->failed, 1u);
  EXPECT_EQ(fake.viewed(), (std::set<std::string>{kFax1}));
  EXPECT_THAT(fake.events(), testing::Not(testing::Contains("viewed:" + kFax2)));

  {
    std::lock_guard lock(store.mu);
    store.fail_for.clear();
  }
  auto second = poller.PollOnce();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->listed, 1u);
  EXPECT_EQ(second->marked_viewed, 1u);
  EXPECT_EQ(fake.viewed(), (std::set<std::string>{kFax1, kFax2}));
  EXPECT_EQ(store.new_faxes, 2);
  const auto events = fake.events();
  EXPECT_LT(IndexOf(events, "accept:" + kFax2), IndexOf(events, "viewed:" + kFax2));
}

TEST(SrfaxPollerTest, DuplicateIsStillMarkedViewed) {
  FakeSrfax fake;
  fake.AddFax(kFax1, "%PDF-1.4 one");
  FakeStore store{&fake};
  store.by_gateway_id[kFax1] = "%PDF-1.4 one";  // stored earlier (e.g. marking viewed failed)
  SrfaxPoller poller(Options(fake), store.Fn());

  auto stats = poller.PollOnce();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->accepted, 1u);
  EXPECT_EQ(stats->marked_viewed, 1u);
  EXPECT_EQ(store.new_faxes, 0);
  EXPECT_EQ(fake.viewed(), (std::set<std::string>{kFax1}));
}

TEST(SrfaxPollerTest, ServerErrorLeavesEverythingForTheNextPoll) {
  FakeSrfax fake;
  fake.AddFax(kFax1, "%PDF-1.4 one");
  fake.AddFax(kFax2, "%PDF-1.4 two");
  FakeStore store{&fake};
  SrfaxPoller poller(Options(fake), store.Fn());

  fake.set_fail_all(true);
  auto failed = poller.PollOnce();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.calls, 0);
  EXPECT_TRUE(fake.viewed().empty());

  fake.set_fail_all(false);
  auto ok = poller.PollOnce();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->marked_viewed, 2u);
  EXPECT_EQ(store.new_faxes, 2);
  EXPECT_EQ(fake.viewed(), (std::set<std::string>{kFax1, kFax2}));
}

TEST(SrfaxPollerTest, WrongCredentialsFailThePollWithoutAcceptingAnything) {
  FakeSrfax fake;
  fake.AddFax(kFax1, "%PDF-1.4 one");
  FakeStore store{&fake};
  SrfaxPollerOptions o = Options(fake);
  o.access_pwd = "wrong";
  SrfaxPoller poller(o, store.Fn());
  auto r = poller.PollOnce();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().message.find("wrong"), std::string::npos);
  EXPECT_EQ(store.calls, 0);
}

TEST(SrfaxPollerTest, PlainHttpIsRefusedWithoutTheLoopbackOption) {
  FakeSrfax fake;
  FakeStore store{&fake};
  SrfaxPollerOptions o = Options(fake);
  o.fetch.allow_plain_http_to_loopback = false;
  SrfaxPoller poller(o, store.Fn());
  auto r = poller.PollOnce();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fake.requests(), 0);
}

TEST(SrfaxPollerTest, StartPollsInTheBackgroundUntilStopped) {
  FakeSrfax fake;
  fake.AddFax(kFax1, "%PDF-1.4 one");
  FakeStore store{&fake};
  SrfaxPoller poller(Options(fake), store.Fn());
  poller.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fake.viewed().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  poller.Stop();
  EXPECT_EQ(fake.viewed(), (std::set<std::string>{kFax1}));
  const int after_stop = fake.requests();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(fake.requests(), after_stop);
}

// ---- configuration (gateways.yaml `srfax:`)

class SrfaxConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("srfax_cfg_" + std::to_string(::getpid()) + "_" + testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& yaml) {
    const auto p = dir_ / "gateways.yaml";
    std::ofstream(p) << yaml;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(SrfaxConfigTest, DisabledOrAbsentMeansNoPoller) {
  auto absent = server::LoadWebhooksConfig(Write("webhooks: {}\n"));
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_FALSE(absent->srfax);
  auto disabled = server::LoadWebhooksConfig(Write("srfax:\n  enabled: false\n  access_id_env: FAXINTAKE_TEST_NOPE\n"));
  ASSERT_TRUE(disabled) << disabled.error().message;
  EXPECT_FALSE(disabled->srfax);
  // The shipped file keeps it disabled.
  auto shipped = server::LoadWebhooksConfig(std::string(FAXINTAKE_SOURCE_DIR) + "/config/gateways.yaml");
  ASSERT_TRUE(shipped) << shipped.error().message;
  EXPECT_FALSE(shipped->srfax);
}

TEST_F(SrfaxConfigTest, EnabledLoadsCredentialsFromEnvAndFile) {
  ::setenv("FAXINTAKE_TEST_SRFAX_ID", "12345", 1);
  std::ofstream(dir_ / "srfax_pwd") << "s3cret\n";
  auto c = server::LoadWebhooksConfig(Write(
      "webhooks:\n  fetch:\n    attempts: 2\n"
      "srfax:\n  enabled: true\n  poll_seconds: 30\n  access_id_env: FAXINTAKE_TEST_SRFAX_ID\n"
      "  access_pwd_file: srfax_pwd\n"));
  ::unsetenv("FAXINTAKE_TEST_SRFAX_ID");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->srfax);
  EXPECT_EQ(c->srfax->access_id, "12345");
  EXPECT_EQ(c->srfax->access_pwd, "s3cret");
  EXPECT_EQ(c->srfax->poll_seconds, 30);
  EXPECT_EQ(c->srfax->base_url, kSrfaxDefaultUrl);
  EXPECT_EQ(c->srfax->fetch.attempts, 2);
  EXPECT_FALSE(c->srfax->fetch.allow_plain_http_to_loopback);
}

TEST_F(SrfaxConfigTest, EnabledWithoutCredentialsOrWithHttpUrlIsAnError) {
  auto missing = server::LoadWebhooksConfig(
      Write("srfax:\n  enabled: true\n  access_id_env: FAXINTAKE_TEST_UNSET_ID\n  access_pwd_env: FAXINTAKE_TEST_UNSET_PWD\n"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition);
  ::setenv("FAXINTAKE_TEST_SRFAX_ID2", "1", 1);
  auto http = server::LoadWebhooksConfig(Write(
      "srfax:\n  enabled: true\n  base_url: http://www.srfax.com/x\n  access_id_env: FAXINTAKE_TEST_SRFAX_ID2\n"
      "  access_pwd_env: FAXINTAKE_TEST_SRFAX_ID2\n"));
  ::unsetenv("FAXINTAKE_TEST_SRFAX_ID2");
  ASSERT_FALSE(http);
  EXPECT_EQ(http.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace faxintake::ingest
