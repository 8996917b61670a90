// Helpers shared by the tests: where things are, temp dirs, file I/O.
// Thread-safety: call from the test thread.
#pragma once

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
