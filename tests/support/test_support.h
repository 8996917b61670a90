// Helpers shared by the tests: where things are, temp dirs, file I/O.
// Thread-safety: call from the test thread.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace faxintake::testing {

std::filesystem::path SourceDir();   // the repository root
// ../shared beside the checkout; fails the current test (ADD_FAILURE) with a clear
// message if the folder is missing, since tests must not skip silently.
std::filesystem::path SharedDir();
std::filesystem::path SharedData(const std::string& relative);  // SharedDir()/data/relative
std::string Python3();               // Debian's python3 (has PIL, numpy, jsonschema)

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::filesystem::path& p);
void WriteFile(const std::filesystem::path& p, const std::string& bytes);

}  // namespace faxintake::testing

#include <vector>

namespace faxintake::testing {

struct CommandResult {
  int exit_code = -1;      // -1 when killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;         // stdout
  std::string err;         // stderr
  double seconds = 0;
};

// Runs argv[0] with argv (no shell), capturing stdout and stderr; kills it after
// `timeout_seconds`. Environment is inherited plus OMP_THREAD_LIMIT=1.
CommandResult RunCommand(const std::vector<std::string>& argv, double timeout_seconds = 600);

// The built faxintake binary.
std::string FaxintakeBinary();

// Parses JSON Lines (one object per non-empty line), as `faxintake process` writes them.
std::vector<nlohmann::json> JsonLines(const std::string& text);

}  // namespace faxintake::testing
