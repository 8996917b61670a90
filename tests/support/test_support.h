// Helpers shared by the tests: where things are, temp dirs, file I/O.
// Thread-safety: call from the test thread.
#pragma once

#include <nlohmann/json.hpp>

#include "pipeline/model.h"

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

// A recognized page (1728 x 2200) whose lines are laid out top to bottom, 40 px apart
// from y = `top`, every word with confidence 0.9.
PageResult PageOfLines(const std::vector<std::string>& lines, int number = 1, int top = 150);

// Writes a copy of config/faxintake.yaml into `dir` with each (from, to) replacement made
// (ADD_FAILURE when `from` is absent), beside copies of the rule, checklist and model
// files it names; returns the copy's path.
std::string WriteConfig(const std::filesystem::path& dir,
                        const std::vector<std::pair<std::string, std::string>>& replacements);

// Parses JSON Lines (one object per non-empty line), as `faxintake process` writes them.
std::vector<nlohmann::json> JsonLines(const std::string& text);

}  // namespace faxintake::testing
