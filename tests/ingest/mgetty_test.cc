// mgetty's per-page raw G3 files: names parsed, rows found in either bit order and behind a
// digifax header, and in a drop folder the pages of one fax joined into one TIFF only when the
// set is complete and quiet, quarantined together when a page is corrupt or missing, and put
// back or taken again after a crash. Also the folder's backpressure: a full intake stops the
// pass instead of claiming more. Raw pages are the strips of G3 TIFFs written by libtiff.
#include "ingest/mgetty.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "ingest/decode.h"
#include "ingest/drop_folder.h"
#include "tests/ingest/tiff_writer.h"
#include "tests/support/test_support.h"

namespace faxintake::ingest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The coded rows of a one-page 1-D G3 TIFF (libtiff writes an EOL before every row), plus
// the RTC (six EOLs) a modem sends after the page.
std::string RawG3Page(int height, int fill_order = 1, bool rtc = true) {
  testing::TiffPageSpec spec;
  spec.width = 1728;
  spec.height = height;
  spec.gray = testing::FaxPattern(spec.width, spec.height);
  spec.compression = 3;
  spec.t4_options = 0;
  spec.fill_order = fill_order;
  const std::string tiff = testing::WriteTiff({spec});
  const auto strip = testing::LocateStrip(tiff, 0);
  if (!strip) return "";
  std::string raw = tiff.substr(strip->offset, strip->size);
  if (rtc) {
    // 6 x 000000000001 = 72 bits, MSB first: 00 10 01 00 10 01 00 10 01.
    const std::string msb("\x00\x10\x01\x00\x10\x01\x00\x10\x01", 9);
    for (char c : msb) {
      unsigned char b = static_cast<unsigned char>(c), r = 0;
      for (int i = 0; i < 8; ++i) r |= ((b >> i) & 1) << (7 - i);
      raw += fill_order == 2 ? static_cast<char>(r) : c;
    }
  }
  return raw;
}

std::string Noise(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

TEST(MgettyNames, PartsAreReadFromTheNameMgettyWrites) {
  struct Case {
    const char* name;
    bool ok;
    const char* group;
    int page;
    bool fine;
    const char* remote;
  };
  const Case cases[] = {
      {"fn1a2b3c4S0-49-89-1234567.01", true, "fn1a2b3c4S0-49-89-1234567", 1, false, "49-89-1234567"},
      {"ff0c0ffeeS1.12", true, "ff0c0ffeeS1", 12, true, ""},
      {"ffabcdef0A0-ACME-Clinic.03", true, "ffabcdef0A0-ACME-Clinic", 3, true, "ACME-Clinic"},
      {"fax00012.tif", false, "", 0, false, ""},
      {"fn123S0.01", false, "", 0, false, ""},
      {"fx1a2b3c4S0.01", false, "", 0, false, ""},
      {"fn1a2b3c4S0.00", false, "", 0, false, ""},
      {"fn1a2b3c4S0-1.01.tmp", false, "", 0, false, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto n = ParseMgettyPageName(c.name);
    ASSERT_EQ(n.has_value(), c.ok);
    if (!c.ok) continue;
    EXPECT_EQ(n->group, c.group);
    EXPECT_EQ(n->page, c.page);
    EXPECT_EQ(n->fine, c.fine);
    EXPECT_EQ(n->remote_id, c.remote);
  }
}

TEST(MgettyPages, RowsAreCountedInEitherBitOrderAndBehindADigifaxHeader) {
  const std::string msb = RawG3Page(300, 1);
  auto a = ScanRawG3Page(msb);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->rows, 300);  // the RTC's empty rows are not rows
  EXPECT_EQ(a->fill_order, 1);
  EXPECT_EQ(a->data_offset, 0u);

  auto b = ScanRawG3Page(RawG3Page(300, 2));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->rows, 300);
  EXPECT_EQ(b->fill_order, 2);

  std::string header(64, '\0');
  header.replace(1, 16, "PC Research, Inc");
  header[29] = 1;  // fine
  auto c = ScanRawG3Page(header + msb);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->data_offset, 64u);
  EXPECT_EQ(c->rows, 300);
  EXPECT_EQ(c->digifax_fine, std::optional<bool>(true));
}

TEST(MgettyPages, WhatIsNotAG3PageIsCorrupt) {
  for (const std::string& bad : {std::string(), std::string(4096, '\0'), std::string("II*\0 a TIFF, not raw G3", 23)}) {
    auto s = ScanRawG3Page(bad);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kDataLoss);
    EXPECT_EQ(s.error().reason, "g3_page_corrupt");
  }
}

class MgettyFolderTest : public ::testing::Test {
 protected:
  DropFolderOptions Options() const {
    DropFolderOptions o;
    o.path = (tmp_.path() / "incoming").string();
    o.label = "modem";
    o.format = DropFolderFormat::kMgetty;
    o.work = (tmp_.path() / "work").string();
    o.archive = (tmp_.path() / "archive").string();
    o.quarantine = (tmp_.path() / "quarantine").string();
    o.settle_seconds = 0.4;
    o.retry_seconds = 0.2;
    o.busy_retry_seconds = 0.2;
    o.mgetty_missing_page_seconds = 0.8;
    return o;
  }
  DropFolder Make(DropFolderOptions o) {
    return DropFolder(std::move(o), [this](std::string_view bytes, const FaxMetadata& meta) -> Result<std::string> {
      if (busy_ > 0) {
        --busy_;
        return MakeError(ErrorCode::kResourceExhausted, "queue_full", "the intake queue is full");
      }
      accepted_.emplace_back(bytes);
      metas_.push_back(meta);
      return "fx_" + std::to_string(accepted_.size());
    });
  }
  void ScanUntil(DropFolder& f, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    for (auto end = std::chrono::steady_clock::now() + timeout; !done() && std::chrono::steady_clock::now() < end;) {
      f.ScanOnce();
      std::this_thread::sleep_for(50ms);
    }
  }
  void Drop(const std::string& name, const std::string& bytes) { testing::WriteFile(tmp_.path() / "incoming" / name, bytes); }
  size_t EntriesIn(const std::string& dir) const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp_.path() / dir)) ++n;
    return n;
  }
  std::vector<DecodedPage> Decode(const std::string& bytes) {
    DecodeLimits limits;
    limits.sandbox = false;
    auto pages = DecodeFax(bytes, limits);
    EXPECT_TRUE(pages.has_value()) << pages.error().message;
    return pages ? std::move(*pages) : std::vector<DecodedPage>{};
  }

  testing::TempDir tmp_;
  std::vector<std::string> accepted_;
  std::vector<FaxMetadata> metas_;
  int busy_ = 0;
};

TEST_F(MgettyFolderTest, PagesOfOneFaxAreJoinedIntoOneTiffWithTheSendersId) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  const std::string group = "ff1a2b3c4S0-49-89-1234567";
  Drop(group + ".01", RawG3Page(400));
  Drop(group + ".02", RawG3Page(350, 2));  // another bit order on page 2
  Drop("fn00000aaS1.01", RawG3Page(200));  // a second fax, normal resolution
  ScanUntil(f, [&] { return accepted_.size() == 2; }, 5s);
  ASSERT_EQ(accepted_.size(), 2u);
  EXPECT_EQ(f.stats().mgetty_faxes.load(), 2u);

  size_t fine = metas_[0].original_name == group ? 0 : 1;
  EXPECT_EQ(metas_[fine].source, "dropfolder:modem");
  EXPECT_EQ(metas_[fine].sender_tsi, "49-89-1234567");
  EXPECT_EQ(metas_[1 - fine].sender_tsi, "");
  const auto pages = Decode(accepted_[fine]);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].image.width, 1728);
  EXPECT_EQ(pages[0].image.height, 400);
  EXPECT_EQ(pages[1].image.height, 350);
  EXPECT_FALSE(pages[0].damaged);
  EXPECT_FALSE(pages[1].damaged);
  const auto normal = Decode(accepted_[1 - fine]);
  ASSERT_EQ(normal.size(), 1u);
  EXPECT_EQ(normal[0].image.height, 400);  // 200 rows at 98 dpi, doubled to square pixels
  EXPECT_TRUE(normal[0].stretched);

  // Each fax's pages were archived together, in one folder named by its fax id.
  EXPECT_TRUE(fs::exists(tmp_.path() / "archive" / ("fx_" + std::to_string(fine + 1) + "_" + group) / (group + ".02")));
  EXPECT_EQ(EntriesIn("incoming") + EntriesIn("work"), 0u);
}

TEST_F(MgettyFolderTest, AFaxStillReceivingPagesIsNotTaken) {
  DropFolderOptions o = Options();
  o.settle_seconds = 0.6;
  DropFolder f = Make(o);
  ASSERT_TRUE(f.Recover().has_value());
  const std::string group = "fn0badcafS0-5551234";
  const std::string page2 = RawG3Page(300);
  Drop(group + ".01", RawG3Page(300));
  // Page 2 arrives while page 1 settles, then grows for a while as the modem writes it.
  for (int i = 0; i < 8; ++i) {
    f.ScanOnce();
    std::this_thread::sleep_for(200ms);
    if (i >= 2) Drop(group + ".02", page2.substr(0, page2.size() * (i - 1) / 6));
  }
  EXPECT_TRUE(accepted_.empty()) << "taken while still receiving";
  ScanUntil(f, [&] { return !accepted_.empty(); }, 5s);
  ASSERT_EQ(accepted_.size(), 1u);
  const auto pages = Decode(accepted_[0]);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[1].image.height, 600);
}

TEST_F(MgettyFolderTest, ACorruptPageQuarantinesTheWholeFaxWithAReason) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  const std::string group = "ff00c0ffeS0-4711";
  Drop(group + ".01", RawG3Page(300));
  Drop(group + ".02", Noise(20000, 7));
  ScanUntil(f, [&] { return fs::exists(tmp_.path() / "quarantine" / (group + ".reason.txt")); }, 5s);
  EXPECT_TRUE(accepted_.empty());
  const std::string reason = testing::ReadFile(tmp_.path() / "quarantine" / (group + ".reason.txt"));
  EXPECT_NE(reason.find("g3_page_corrupt"), std::string::npos) << reason;
  EXPECT_NE(reason.find("page 2"), std::string::npos) << reason;
  EXPECT_TRUE(fs::exists(tmp_.path() / "quarantine" / group / (group + ".01")));
  EXPECT_TRUE(fs::exists(tmp_.path() / "quarantine" / group / (group + ".02")));
  EXPECT_EQ(f.stats().quarantined.load(), 1u);
  EXPECT_EQ(EntriesIn("incoming") + EntriesIn("work"), 0u);
}

TEST_F(MgettyFolderTest, AMissingPageThatNeverComesQuarantinesTheFax) {
  DropFolder f = Make(Options());
  ASSERT_TRUE(f.Recover().has_value());
  const std::string group = "fn0000001S0";
  Drop(group + ".01", RawG3Page(200));
  Drop(group + ".03", RawG3Page(200));
  f.ScanOnce();
  std::this_thread::sleep_for(500ms);
  f.ScanOnce();
  EXPECT_EQ(EntriesIn("quarantine"), 0u) << "waits for the page a while";
  ScanUntil(f, [&] { return EntriesIn("quarantine") == 2; }, 5s);
  EXPECT_TRUE(accepted_.empty());
  EXPECT_NE(testing::ReadFile(tmp_.path() / "quarantine" / (group + ".reason.txt")).find("mgetty_page_missing"),
            std::string::npos);
}

TEST_F(MgettyFolderTest, AClaimCutShortByACrashPutsThePagesBackAndACompleteOneIsTaken) {
  const std::string half = "fn0000002S0-1";
  const std::string whole = "fn0000003S0-2";
  fs::create_directories(tmp_.path() / "work" / (half + ".mgetty"));
  fs::create_directories(tmp_.path() / "work" / (whole + ".mgetty"));
  fs::create_directories(tmp_.path() / "incoming");
  testing::WriteFile(tmp_.path() / "work" / (half + ".mgetty") / (half + ".01"), RawG3Page(200));
  testing::WriteFile(tmp_.path() / "incoming" / (half + ".02"), RawG3Page(200));  // not yet moved
  testing::WriteFile(tmp_.path() / "work" / (whole + ".mgetty") / (whole + ".01"), RawG3Page(200));
  testing::WriteFile(tmp_.path() / "work" / (whole + ".mgetty") / ".claimed", "1\n");

  DropFolder f = Make(Options());
  auto ids = f.Recover();
  ASSERT_TRUE(ids.has_value());
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(metas_.at(0).original_name, whole);
  EXPECT_TRUE(fs::exists(tmp_.path() / "incoming" / (half + ".01")));
  EXPECT_EQ(EntriesIn("work"), 0u);
  ScanUntil(f, [&] { return accepted_.size() == 2; }, 5s);
  ASSERT_EQ(accepted_.size(), 2u);
  EXPECT_EQ(Decode(accepted_[1]).size(), 2u);
}

TEST_F(MgettyFolderTest, AFullIntakeStopsClaimingAndNothingIsLostOrQuarantined) {
  DropFolderOptions o = Options();
  o.format = DropFolderFormat::kAuto;
  o.patterns = {"*.tif"};
  o.settle_seconds = 0;
  DropFolder f = Make(o);
  ASSERT_TRUE(f.Recover().has_value());
  for (int i = 0; i < 5; ++i) Drop("fax" + std::to_string(i) + ".tif", "II*\0fax " + std::to_string(i));
  Drop("fn0000004S0.01", RawG3Page(200));
  busy_ = 3;
  f.ScanOnce();
  f.ScanOnce();  // still within busy_retry_seconds: nothing more is claimed
  EXPECT_TRUE(accepted_.empty());
  EXPECT_EQ(EntriesIn("work"), 1u) << "claims stop at the first full answer";
  EXPECT_EQ(EntriesIn("incoming"), 5u);
  EXPECT_EQ(f.stats().busy_stops.load(), 1u);
  ScanUntil(f, [&] { return accepted_.size() == 6; }, 5s);
  EXPECT_EQ(accepted_.size(), 6u);
  EXPECT_EQ(EntriesIn("archive"), 6u);
  EXPECT_EQ(EntriesIn("quarantine") + EntriesIn("work") + EntriesIn("incoming"), 0u);
}

}  // namespace
}  // namespace faxintake::ingest
