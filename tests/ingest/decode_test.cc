// DecodeFax as the pipeline calls it: format sniffing, images, the malformed
// corpora through the sandbox, timeouts, and concurrent use without leaks.
#include "ingest/decode.h"

#include <dirent.h>
#include <errno.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_support.h"

namespace faxintake::ingest {
namespace {

using namespace std::string_literals;
using Clock = std::chrono::steady_clock;

std::string Shared(const std::string& relative) { return testing::ReadFile(testing::SharedData(relative)); }

// A 24-bit BMP of width x height, white with a black top-left quarter.
std::string Bmp(int width, int height) {
  const int row = (width * 3 + 3) / 4 * 4;
  const uint32_t data_size = static_cast<uint32_t>(row * height);
  std::string b;
  auto u16 = [&](uint32_t v) { b += static_cast<char>(v & 0xFF); b += static_cast<char>(v >> 8 & 0xFF); };
  auto u32 = [&](uint32_t v) { u16(v & 0xFFFF); u16(v >> 16); };
  b += "BM";
  u32(54 + data_size); u32(0); u32(54);
  u32(40); u32(width); u32(height); u16(1); u16(24); u32(0); u32(data_size);
  u32(11811); u32(11811);  // 300 dpi in pixels per metre
  u32(0); u32(0);
  for (int y = height - 1; y >= 0; --y) {  // bottom-up
    std::string line(static_cast<size_t>(row), '\0');
    for (int x = 0; x < width; ++x) {
      const char v = (x < width / 2 && y < height / 2) ? 0 : static_cast<char>(0xFF);
      line[x * 3] = line[x * 3 + 1] = line[x * 3 + 2] = v;
    }
    b += line;
  }
  return b;
}

int OpenDescriptors() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)e;
    ++n;
  }
  return n;
}

bool HasChildren() { return !(::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD); }

TEST(SniffFormat, RecognisesFilesByTheirMagicBytes) {
  struct Case {
    const char* name;
    std::string bytes;
    InputFormat want;
  };
  const Case cases[] = {
      {"little-endian TIFF", "II*\0\x08\0\0\0"s, InputFormat::kTiff},
      {"big-endian TIFF", "MM\0*\0\0\0\x08"s, InputFormat::kTiff},
      {"BigTIFF", "II+\0\x08\0\0\0"s, InputFormat::kTiff},
      {"PDF", "%PDF-1.7\n"s, InputFormat::kPdf},
      {"PDF after junk", std::string(600, ' ') + "%PDF-1.4\n", InputFormat::kPdf},
      {"PDF header too late", std::string(1100, ' ') + "%PDF-1.4\n", InputFormat::kUnknown},
      {"PNG", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s, InputFormat::kPng},
      {"JPEG", "\xFF\xD8\xFF\xE0\0\x10JFIF"s, InputFormat::kJpeg},
      {"BMP", Bmp(4, 4), InputFormat::kBmp},
      {"text starting with BM", "BMW service report\nnothing else"s, InputFormat::kUnknown},
      {"GIF", "GIF89a\x01\0\x01\0"s, InputFormat::kUnknown},
      {"TIFF magic cut short", "II*"s, InputFormat::kUnknown},
      {"empty", ""s, InputFormat::kUnknown},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(SniffFormat(c.bytes), c.want);
  }
  EXPECT_EQ(SniffFormat(Shared("tiff/pport_g4.tif")), InputFormat::kTiff);
  EXPECT_EQ(SniffFormat(Shared("pdf/issue5747.pdf")), InputFormat::kPdf);
  EXPECT_EQ(SniffFormat(Shared("real-faxes/82092117.png")), InputFormat::kPng);
}

TEST(DecodeFax, RefusesInputOfUnknownFormatBeforeDecoding) {
  auto r = DecodeFax("GIF89a....", DecodeLimits{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().reason, "unknown_format");
}

TEST(DecodeFax, DecodesPngBmpAndJpegToOneGrayPage) {
  DecodeInfo info;
  auto png = DecodeFax(Shared("real-faxes/82092117.png"), DecodeLimits{}, &info);
  ASSERT_TRUE(png.has_value()) << png.error().reason;
  ASSERT_EQ(png->size(), 1u);
  EXPECT_EQ(info.format, InputFormat::kPng);
  EXPECT_GT(png->front().image.width, 500);
  EXPECT_EQ(png->front().image.pixels.size(),
            static_cast<size_t>(png->front().image.width) * png->front().image.height);

  auto bmp = DecodeFax(Bmp(40, 20), DecodeLimits{}, &info);
  ASSERT_TRUE(bmp.has_value()) << bmp.error().reason;
  const Raster& r = bmp->front().image;
  EXPECT_EQ(info.format, InputFormat::kBmp);
  EXPECT_EQ(r.width, 40);
  EXPECT_EQ(r.height, 20);
  EXPECT_NEAR(r.xdpi, 300, 0.5);
  EXPECT_FALSE(info.resolution_inferred[0]);
  EXPECT_EQ(r.pixels[0], 0);                  // top left is black
  EXPECT_EQ(r.pixels[19 * 40 + 39], 255);     // bottom right is white

  testing::TempDir dir;
  const auto jpeg_path = dir.path() / "page.jpg";
  const std::string cmd = testing::Python3() + " -c \"from PIL import Image; Image.new('RGB', (64, 48), (250, 250, 250)).save('" +
                          jpeg_path.string() + "')\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "Debian's python3 with PIL is required: " << cmd;
  auto jpeg = DecodeFax(testing::ReadFile(jpeg_path), DecodeLimits{}, &info);
  ASSERT_TRUE(jpeg.has_value()) << jpeg.error().reason;
  EXPECT_EQ(info.format, InputFormat::kJpeg);
  EXPECT_EQ(jpeg->front().image.width, 64);
  EXPECT_TRUE(info.resolution_inferred[0]);
  EXPECT_DOUBLE_EQ(jpeg->front().image.xdpi, 200);
  EXPECT_GT(jpeg->front().image.pixels[0], 240);
}

TEST(DecodeFax, RefusesAnImageLargerThanThePageLimitBeforeReadingIt) {
  DecodeLimits limits;
  limits.max_page_pixels = 40 * 20 - 1;
  auto r = DecodeFax(Bmp(40, 20), limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, "page_too_large");
}

// ---------------------------------------------------------------- malformed inputs
struct Malformed {
  const char* name;
  const char* reason;   // expected error, or nullptr when pages come back
  size_t pages;         // when they do
  bool last_damaged;
};

void CheckMalformed(const std::string& folder, const std::vector<Malformed>& table) {
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SharedData(folder))) {
    (void)entry;
    ++seen;
  }
  EXPECT_EQ(seen, table.size()) << "a file was added to ../shared/data/" << folder << ": add it to this table";

  DecodeLimits limits;
  limits.timeout_ms = 10'000;
  for (const Malformed& m : table) {
    for (bool sandbox : {true, false}) {
      SCOPED_TRACE(std::string(m.name) + (sandbox ? " sandboxed" : " in process"));
      limits.sandbox = sandbox;
      const auto start = Clock::now();
      auto r = DecodeFax(Shared(folder + "/" + m.name), limits);
      EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(limits.timeout_ms + 2000));
      if (m.reason != nullptr) {
        ASSERT_FALSE(r.has_value()) << "decoded " << r->size() << " pages";
        EXPECT_EQ(r.error().reason, m.reason) << r.error().message;
        EXPECT_NE(r.error().code, ErrorCode::kInternal) << "the decoder itself failed";
      } else {
        ASSERT_TRUE(r.has_value()) << r.error().reason << ": " << r.error().message;
        EXPECT_EQ(r->size(), m.pages);
        EXPECT_EQ(r->back().damaged, m.last_damaged);
      }
    }
  }
  // The parent never held more than the validated pages.
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  EXPECT_LT(usage.ru_maxrss, 512 * 1024) << "peak resident set in KiB";
}

TEST(DecodeFax, FinishesEveryMalformedTiffWithAnErrorOrDamagedPages) {
  CheckMalformed("tiff-malformed", {
      {"crash-0c7e0e8e11ce787078f00b5b0ca409a167f070e0.tif", "tiff_unreadable", 0, false},
      {"crash-0e16d3bfb83be87356d026d66919deaefca44dac.tif", "tiff_unreadable", 0, false},
      {"crash-1185209cf7655b5aed8ae5e77784dfdd18ab59e9.tif", "tiff_unreadable", 0, false},
      {"crash-338516dbd2f0e83caddb8ce256c22db3bd6dc40f.tif", "tiff_unreadable", 0, false},
      {"crash-63b1dffefc8c075ddc606c0a2f5fdc15ece78863.tif", nullptr, 1, true},
      {"crash-86214e58da443d2b80820cff9677a38a33dcbbca.tif", "tiff_unreadable", 0, false},
      // Valid image data with junk after it: nothing is lost.
      {"deflate-last-strip-extra-data.tiff", nullptr, 1, false},
      {"libtiff_segfault.tif", "tiff_unreadable", 0, false},
      // Directories in an unusual order, all readable.
      {"multipage_out_of_order.tiff", nullptr, 3, false},
      {"oom-225817ca0f8c663be7ab4b9e717b02c661e66834.tif", "tiff_unreadable", 0, false},
      {"test_ifd_loop_subifd.tif", nullptr, 5, true},
      {"test_ifd_loop_to_first.tif", nullptr, 2, true},
      {"test_ifd_loop_to_self.tif", nullptr, 1, true},
      {"testfax3_bug_513.tiff", nullptr, 1, true},
      // libtiff copes with the inconsistent BitsPerSample.
      {"tiff_wrong_bits_per_sample.tiff", nullptr, 1, false},
      {"tiff_wrong_bits_per_sample_3.tiff", nullptr, 1, false},
  });
}

TEST(DecodeFax, FinishesEveryMalformedPdfWithAClearReason) {
  CheckMalformed("pdf-malformed", {
      {"REDHAT-1531897-0.pdf", "pdf_unreadable", 0, false},
      {"bug1980958.pdf", "pdf_unreadable", 0, false},
      {"issue18986.pdf", "pdf_unreadable", 0, false},
      {"issue3371.pdf", "pdf_encrypted", 0, false},
      {"issue6010_2.pdf", "pdf_encrypted", 0, false},
      {"issue9418.pdf", "no_pages", 0, false},
      {"poppler-67295-0.pdf", "no_pages", 0, false},
      {"poppler-91414-0-53.pdf", "no_pages", 0, false},
      {"pr6531_1.pdf", "pdf_encrypted", 0, false},
      {"saslprep-r6.pdf", "pdf_encrypted", 0, false},
  });
}

// ---------------------------------------------------------------- time and concurrency
TEST(DecodeFax, GivesUpWhenTheTimeoutRunsOut) {
  const std::string big = Shared("tiff/g4-multi.tiff");
  for (bool sandbox : {true, false}) {
    SCOPED_TRACE(sandbox ? "sandboxed" : "in process");
    DecodeLimits limits;
    limits.sandbox = sandbox;
    limits.timeout_ms = sandbox ? 1 : 0;
    auto r = DecodeFax(big, limits);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
    EXPECT_EQ(r.error().reason, "decode_timeout");
  }
  EXPECT_FALSE(HasChildren());
}

TEST(DecodeFax, RefusesTooManyPagesOrTooLargeAPageInARealFile) {
  DecodeLimits one_page;
  one_page.max_pages = 1;
  auto pages = DecodeFax(Shared("tiff/g4-multi.tiff"), one_page);
  ASSERT_FALSE(pages.has_value());
  EXPECT_EQ(pages.error().reason, "too_many_pages");

  DecodeLimits small;
  small.max_page_pixels = 1'000'000;
  for (const char* name : {"tiff/pport_g4.tif", "pdf/issue5747.pdf"}) {
    SCOPED_TRACE(name);
    auto r = DecodeFax(Shared(name), small);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(r.error().reason, "page_too_large");
  }
}

TEST(DecodeFax, SandboxedAndInProcessDecodingAgree) {
  for (const char* name : {"tiff/pport_g4.tif", "tiff/rgb-3c-8b.tiff", "pdf/bug1815476.pdf", "pdf/issue13372.pdf"}) {
    SCOPED_TRACE(name);
    const std::string bytes = Shared(name);
    DecodeLimits in_process;
    in_process.sandbox = false;
    DecodeInfo a_info, b_info;
    auto a = DecodeFax(bytes, DecodeLimits{}, &a_info);
    auto b = DecodeFax(bytes, in_process, &b_info);
    ASSERT_TRUE(a.has_value() && b.has_value());
    ASSERT_EQ(a->size(), b->size());
    EXPECT_EQ(a_info.format, b_info.format);
    EXPECT_EQ(a_info.resolution_inferred, b_info.resolution_inferred);
    for (size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].image.pixels, (*b)[i].image.pixels);
      EXPECT_EQ((*a)[i].image.xdpi, (*b)[i].image.xdpi);
      EXPECT_EQ((*a)[i].damaged, (*b)[i].damaged);
      ASSERT_EQ((*a)[i].text_layer.has_value(), (*b)[i].text_layer.has_value());
      if ((*a)[i].text_layer) {
        EXPECT_EQ((*a)[i].text_layer->Text(), (*b)[i].text_layer->Text());
      }
    }
  }
}

TEST(DecodeFax, RunsFromManyThreadsAtOnceWithoutLeakingDescriptorsOrChildren) {
  const std::vector<std::string> inputs = {Shared("tiff/pport_g4.tif"), Shared("pdf/issue5747.pdf"),
                                           Shared("tiff-malformed/libtiff_segfault.tif"),
                                           Shared("tiff/testfax3_bug54_1dnoEOL.tif")};
  const int fds_before = OpenDescriptors();
  constexpr int kThreads = 6;
  constexpr int kRounds = 4;
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const size_t which = static_cast<size_t>(t + round) % inputs.size();
        auto r = DecodeFax(inputs[which], DecodeLimits{});
        const bool want_ok = which != 2;
        if (r.has_value() != want_ok)
          failures[t] = "input " + std::to_string(which) + ": " + (r ? "decoded" : r.error().reason);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");
  EXPECT_EQ(OpenDescriptors(), fds_before);
  EXPECT_FALSE(HasChildren());
}

}  // namespace
}  // namespace faxintake::ingest
