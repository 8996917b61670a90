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
