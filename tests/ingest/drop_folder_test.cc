// The drop folder on a real file system: a file is taken only when whole (HylaFAX's lock
// released, a slow copy done growing), claimed atomically, archived after the accept
// stored it, retried when the accept failed, recovered after a crash, quarantined with
// a reason; and the sender's TSI is read from a HylaFAX TIFF.
#include "ingest/drop_folder.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/test_support.h"

namespace faxintake::ingest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DropFolderTest : public ::testing::Test {
 protected:
  DropFolderOptions Options() const {
    DropFolderOptions o;
    o.path = (tmp_.path() / "recvq").string();
    o.label = "line1";
    o.patterns = {"fax*.tif", "*.pdf"};
    o.work = (tmp_.path() / "work").string();
    o.archive = (tmp_.path() / "archive").string();
    o.quarantine = (tmp_.path() / "quarantine").string();
    o.settle_seconds = 0.3;
    o.retry_seconds = 0.2;
    return o;
  }
  DropFolder Make(DropFolderOptions o) {
    return DropFolder(std::move(o), [this](std::string_view bytes, const FaxMetadata& meta) -> Result<std::string> {
      if (fail_accepts_ > 0) {
        --fail_accepts_;
        return MakeError(ErrorCode::kUnavailable, "store_unavailable", "store down");
      }
      accepted_.emplace_back(bytes);
      metas_.push_back(meta);
      return "fx_" + std::to_string(accepted_.size());
    });
  }
  // Scans until `want` faxes were accepted or `timeout` passes.
  void ScanUntil(DropFolder& f, size_t want, std::chrono::milliseconds timeout) {
    for (auto end = std::chrono::steady_clock::now() + timeout;
         accepted_.size() < want && std::chrono::steady_clock::now() < end;) {
      f.ScanOnce();
      std::this_thread::sleep_for(50ms);
    }
  }
  size_t FilesIn(const std::string& dir) const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(tmp_.path() / dir)) n += e.is_regular_file();
    return n;
  }

  testing::TempDir tmp_;
  std::vector<std::string> accepted_;
  std::vector<FaxMetadata> metas_;
  int fail_accepts_ = 0;
};

TEST_F(DropFolderTest, AFileLockedByHylaFaxIsLeftUntilTheLockIsReleased) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  const std::string path = (tmp_.path() / "recvq" / "fax00012.tif").string();
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // as faxgetty does while receiving
  ASSERT_EQ(::write(fd, "II*\0page one", 12), 12);
  ScanUntil(f, 1, 1200ms);  // settled, but locked
  EXPECT_TRUE(accepted_.empty());
  ASSERT_EQ(::write(fd, " page two", 9), 9);
  ::flock(fd, LOCK_UN);
  ::close(fd);
  ScanUntil(f, 1, 3000ms);
  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(accepted_[0], std::string("II*\0page one page two", 21));
  EXPECT_EQ(metas_[0].source, "dropfolder:line1");
  EXPECT_EQ(metas_[0].original_name, "fax00012.tif");
  EXPECT_TRUE(fs::exists(tmp_.path() / "archive" / "fx_1_fax00012.tif"));
  EXPECT_EQ(FilesIn("recvq") + FilesIn("work"), 0u);
}

TEST_F(DropFolderTest, ASlowCopyIsTakenOnlyAfterItStopsGrowing) {
  DropFolderOptions o = Options();
  o.settle_seconds = 0.6;
  DropFolder f = Make(o);
  ASSERT_TRUE(f.Recover().has_value());
  const fs::path path = tmp_.path() / "recvq" / "scan.pdf";
  std::string whole = "%PDF-1.4\n";
  {
    std::ofstream out(path, std::ios::binary);
    out << whole << std::flush;
  }
  for (int i = 0; i < 8; ++i) {  // an SMB copy writing a chunk every 250 ms for 2 s
    f.ScanOnce();
    std::this_thread::sleep_for(250ms);
    const std::string chunk = "chunk " + std::to_string(i) + "\n";
    std::ofstream(path, std::ios::binary | std::ios::app) << chunk << std::flush;
    whole += chunk;
  }
  EXPECT_TRUE(accepted_.empty()) << "taken while still growing";
  ScanUntil(f, 1, 3000ms);
  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(accepted_[0], whole);
}

TEST_F(DropFolderTest, OnlyMatchingNamesAndNeverHiddenOrTemporaryFiles) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  testing::WriteFile(tmp_.path() / "recvq" / "seqf", "1");  // HylaFAX's sequence file
  testing::WriteFile(tmp_.path() / "recvq" / ".fax1.tif.part", "II*\0x");
  testing::WriteFile(tmp_.path() / "recvq" / "notes.txt", "x");
  ScanUntil(f, 1, 1000ms);
  EXPECT_TRUE(accepted_.empty());
  EXPECT_EQ(FilesIn("recvq"), 3u);
}

TEST_F(DropFolderTest, AFailedAcceptLeavesTheFileClaimedAndIsRetried) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  fail_accepts_ = 2;  // the store is down for two attempts
  testing::WriteFile(tmp_.path() / "recvq" / "fax00001.tif", "II*\0one");
  ScanUntil(f, 1, 3000ms);
  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(fail_accepts_, 0);
  EXPECT_EQ(FilesIn("work"), 0u);
  EXPECT_EQ(FilesIn("archive"), 1u);
}

TEST_F(DropFolderTest, FilesClaimedBeforeACrashAreAcceptedAtStartUp) {
  fs::create_directories(tmp_.path() / "work");
  testing::WriteFile(tmp_.path() / "work" / "fax00007.tif", std::string("II*\0claimed", 11));
  DropFolder f = Make(Options());
  auto ids = f.Recover();
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<std::string>{"fx_1"});
  EXPECT_EQ(accepted_.at(0), std::string("II*\0claimed", 11));
  EXPECT_EQ(FilesIn("work"), 0u);
}

TEST_F(DropFolderTest, QuarantineMovesTheArchivedFileBesideAReason) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  testing::WriteFile(tmp_.path() / "recvq" / "fax00003.tif", "II*\0bad");
  ScanUntil(f, 1, 3000ms);
  ASSERT_EQ(accepted_.size(), 1u);
  ASSERT_TRUE(f.QuarantineArchived("fx_1", "tiff_unreadable", "no strip could be decoded").has_value());
  EXPECT_EQ(FilesIn("archive"), 0u);
  const std::string reason = testing::ReadFile(tmp_.path() / "quarantine" / "fx_1_fax00003.tif.reason.txt");
  EXPECT_NE(reason.find("tiff_unreadable"), std::string::npos) << reason;
  EXPECT_FALSE(f.QuarantineArchived("fx_9", "x", "y").has_value());
}

TEST_F(DropFolderTest, TooLargeFilesGoToQuarantineWithoutAnAccept) {
  DropFolderOptions o = Options();
  o.max_file_bytes = 16;
  DropFolder f = Make(o);
  ASSERT_TRUE(f.Recover().has_value());
  testing::WriteFile(tmp_.path() / "recvq" / "fax00004.tif", std::string(64, 'x'));
  for (auto end = std::chrono::steady_clock::now() + 3s;
       FilesIn("quarantine") < 2 && std::chrono::steady_clock::now() < end; std::this_thread::sleep_for(50ms))
    f.ScanOnce();
  EXPECT_TRUE(accepted_.empty());
  EXPECT_EQ(FilesIn("quarantine"), 2u);  // the file and its reason
}

TEST_F(DropFolderTest, TheSendersTsiComesFromTheHylaFaxImageDescription) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  const fs::path tif = tmp_.path() / "recvq" / ".fax00005.tif.tmp";
  auto made = testing::RunCommand({testing::Python3(), "-c",
                                   "import sys; from PIL import Image; "
                                   "Image.new('1', (1728, 40), 1).save(sys.argv[1], format='TIFF', compression='group4', "
                                   "tiffinfo={270: '+1 512 555 0100'})",
                                   tif.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  fs::rename(tif, tmp_.path() / "recvq" / "fax00005.tif");
  ScanUntil(f, 1, 3000ms);
  ASSERT_EQ(metas_.size(), 1u);
  EXPECT_EQ(metas_[0].sender_tsi, "+1 512 555 0100");
}

}  // namespace
}  // namespace faxintake::ingest
