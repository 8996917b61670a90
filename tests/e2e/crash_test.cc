// Nothing is lost and nothing is doubled when the service dies: `faxintake serve` is
// killed with SIGKILL at random moments while it takes faxes from its drop folder and
// processes them, then restarted, again and again. At the end every fax is in the store
// exactly once with a complete result, and every file is archived exactly once.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "store/fax_id.h"
#include "store/record_store.h"
#include "tests/support/test_support.h"

extern char** environ;

namespace faxintake {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kKeyEnv[] = "FAXINTAKE_CRASH_TEST_KEY";
constexpr int kKills = 50;

class Server {
 public:
  Server(const std::string& config, const fs::path& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> argv = {testing::FaxintakeBinary(), "--config", config, "--log-level", "warn", "serve"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    started_ = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Server() { Kill(SIGKILL); }
  bool started() const { return started_; }
  // Sends `sig` and reaps the process; returns its wait status.
  int Kill(int sig) {
    if (!started_ || pid_ <= 0) return 0;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  bool started_ = false;
};

std::string Config(const fs::path& dir) {
  return testing::WriteConfig(dir, {
                                       {"path: var/store", "path: " + (dir / "store").string()},
                                       {"key_file: var/keys/store.key", "key_file: \"\""},
                                       {"key_env: FAXINTAKE_STORE_KEY", std::string("key_env: ") + kKeyEnv},
                                       {"- path: var/inbox", "- path: " + (dir / "inbox").string()},
                                       {"archive: var/archive", "archive: " + (dir / "archive").string()},
                                       {"quarantine: var/quarantine", "quarantine: " + (dir / "quarantine").string()},
                                       {"work: var/work", "work: " + (dir / "work").string()},
                                       {"settle_seconds: 2", "settle_seconds: 0.2"},
                                       {"poll_seconds: 1", "poll_seconds: 0.1"},
                                       {"port: 8080", "port: 0"},
                                       {"tokens_file: var/keys/api_tokens.yaml",
                                        "tokens_file: " + (dir / "api_tokens.yaml").string()},
                                   });
}

// The port `serve` announced on stderr, once it is listening.
int WaitForPort(const fs::path& err, std::chrono::seconds timeout) {
  const std::string announced = "serving on http://127.0.0.1:";
  for (auto deadline = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < deadline;) {
    const std::string text = testing::ReadFile(err);
    if (const auto at = text.find(announced); at != std::string::npos) return std::atoi(text.c_str() + at + announced.size());
    std::this_thread::sleep_for(20ms);
  }
  return 0;
}

TEST(CrashTest, KilledAtRandomTheServiceLosesAndDoublesNothing) {
  ::setenv(kKeyEnv, "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed", 1);
  testing::TempDir tmp;
  const std::string config = Config(tmp.path());
  fs::create_directories(tmp.path() / "inbox");
  // Results are read back through the staff API: an export job's token, made by the command.
  const auto made = testing::RunCommand({testing::FaxintakeBinary(), "--config", config, "add-token", "crash-test", "export"}, 60);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string token = made.out.substr(0, made.out.find('\n'));
  ASSERT_TRUE(token.starts_with("fxt_")) << made.out;

  std::vector<fs::path> samples;
  for (const auto& e : fs::directory_iterator(testing::SourceDir() / "samples" / "set"))
    if (e.path().extension() == ".tif" || e.path().extension() == ".pdf") samples.push_back(e.path());
  std::sort(samples.begin(), samples.end());
  ASSERT_EQ(samples.size(), 20u);
  std::set<std::string> expected_ids;
  for (const auto& s : samples) expected_ids.insert(store::FaxIdForBytes(testing::ReadFile(s)));
  auto drop = [&](size_t from, size_t to) {  // written aside, renamed in
    for (size_t i = from; i < to; ++i) {
      const fs::path part = tmp.path() / "inbox" / ("." + samples[i].filename().string() + ".part");
      testing::WriteFile(part, testing::ReadFile(samples[i]));
      fs::rename(part, tmp.path() / "inbox" / samples[i].filename());
    }
  };
  drop(0, 10);

  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> after_ms(200, 2500);
  int kills = 0;
  for (int round = 0; round < kKills; ++round) {
    if (round == kKills / 2) drop(10, 20);  // more arrive while the crashes go on
    Server server(config, tmp.path() / "serve.err");
    ASSERT_TRUE(server.started());
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms(rng)));
    const int status = server.Kill(SIGKILL);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "serve exited on its own; stderr:\n" << testing::ReadFile(tmp.path() / "serve.err");
    ++kills;
  }

  // A last, undisturbed run finishes the work.
  Server server(config, tmp.path() / "serve.err");
  const int port = WaitForPort(tmp.path() / "serve.err", 60s);
  ASSERT_GT(port, 0) << testing::ReadFile(tmp.path() / "serve.err");
  httplib::Client client("127.0.0.1", port);
  std::set<std::string> done;
  for (auto deadline = std::chrono::steady_clock::now() + 600s;
       done.size() < expected_ids.size() && std::chrono::steady_clock::now() < deadline;) {
    for (const auto& id : expected_ids)
      if (!done.count(id))
        if (auto r = client.Get(("/v1/faxes/" + id).c_str(), {{"Authorization", "Bearer " + token}}); r && r->status == 200)
          done.insert(id);
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(done.size(), expected_ids.size());
  const int status = server.Kill(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(tmp.path() / "serve.err");
  std::cout << "crash test: " << kills << " SIGKILLs, " << done.size() << "/" << expected_ids.size()
            << " faxes complete\n";

  // Exactly once: 20 faxes in the store, each with a result; 20 files archived; nothing
  // left claimed or waiting.
  store::StoreOptions so;
  so.path = (tmp.path() / "store").string();
  so.key_env = kKeyEnv;
  so.create_if_missing = false;
  auto st = store::RecordStore::Open(so);
  ASSERT_TRUE(st.has_value()) << st.error().message;
  auto keys = (*st)->CountKeys();
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(keys->at("raw"), 20u);
  for (const auto& id : expected_ids) {
    auto r = (*st)->GetResult(id);
    ASSERT_TRUE(r.has_value() && r->has_value()) << id;
    EXPECT_FALSE((**r).pages.empty()) << id;
    EXPECT_FALSE((**r).documents.empty()) << id;
  }
  auto pending = (*st)->PendingFaxIds();
  ASSERT_TRUE(pending.has_value());
  EXPECT_TRUE(pending->empty());
  size_t archived = 0;
  for (const auto& e : fs::directory_iterator(tmp.path() / "archive")) archived += e.is_regular_file();
  EXPECT_EQ(archived, 20u);
  for (const char* folder : {"inbox", "work"})
    for (const auto& e : fs::directory_iterator(tmp.path() / folder))
      ADD_FAILURE() << "left in " << folder << ": " << e.path().filename();
}

}  // namespace
}  // namespace faxintake
