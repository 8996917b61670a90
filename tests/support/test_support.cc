#include "tests/support/test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace faxintake::testing {

std::filesystem::path SourceDir() { return FAXINTAKE_SOURCE_DIR; }

std::filesystem::path SharedDir() {
  std::filesystem::path p = std::filesystem::weakly_canonical(FAXINTAKE_SHARED_DIR);
  if (!std::filesystem::is_directory(p / "data"))
    ADD_FAILURE() << "shared test data missing: expected " << p.string()
                  << "/data beside the checkout (see ../shared/data/README.md)";
  return p;
}

std::filesystem::path SharedData(const std::string& relative) { return SharedDir() / "data" / relative; }

std::string Python3() { return FAXINTAKE_PYTHON3; }

TempDir::TempDir() {
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    auto p = std::filesystem::temp_directory_path() /
             ("faxintake-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create temp dir");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace faxintake::testing

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace faxintake::testing {

std::string FaxintakeBinary() {
#ifdef FAXINTAKE_BINARY
  return FAXINTAKE_BINARY;
#else
  return (SourceDir() / "build/app/faxintake").string();
#endif
}

CommandResult RunCommand(const std::vector<std::string>& argv, double timeout_seconds) {
  CommandResult result;
  TempDir tmp;
  const std::string out_path = (tmp.path() / "stdout").string();
  const std::string err_path = (tmp.path() / "stderr").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::setenv("OMP_THREAD_LIMIT", "1", 0);
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    result.err = "cannot start " + argv[0];
    return result;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > timeout_seconds) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> v;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) v.push_back(nlohmann::json::parse(line));
  return v;
}

PageResult PageOfLines(const std::vector<std::string>& lines, int number, int top) {
  PageResult p;
  p.number = number;
  p.width = 1728;
  p.height = 2200;
  int y = top;
  for (const std::string& text : lines) {
    Line line;
    line.text = text;
    line.box = Box{100, y, 1000, 30};
    line.first_word = static_cast<int>(p.text.words.size());
    std::istringstream in(text);
    std::string w;
    while (in >> w) {
      p.text.words.push_back(Word{w, line.box, 0.9f, static_cast<int>(p.text.lines.size())});
      ++line.word_count;
    }
    p.text.lines.push_back(line);
    y += 40;
  }
  return p;
}

std::string WriteConfig(const std::filesystem::path& dir,
                        const std::vector<std::pair<std::string, std::string>>& replacements) {
  std::string yaml = ReadFile(SourceDir() / "config" / "faxintake.yaml");
  for (const auto& [from, to] : replacements) {
    const auto at = yaml.find(from);
    if (at == std::string::npos) {
      ADD_FAILURE() << "config/faxintake.yaml has no `" << from << "`";
      continue;
    }
    yaml.replace(at, from.size(), to);
  }
  for (const char* name : {"checklists.yaml", "doctypes.yaml", "page_model.ftz"})
    if (std::filesystem::exists(SourceDir() / "config" / name))
      std::filesystem::copy_file(SourceDir() / "config" / name, dir / name);
  WriteFile(dir / "faxintake.yaml", yaml);
  return (dir / "faxintake.yaml").string();
}

}  // namespace faxintake::testing
