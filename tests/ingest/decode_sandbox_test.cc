// The sandbox with decoders that misbehave on purpose, and the validation of
// the stream a (possibly compromised) child sends back.
#include "ingest/decode_sandbox.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace faxintake::ingest {
namespace {

using Clock = std::chrono::steady_clock;

bool HasChildren() { return !(::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD); }

DecodedPage SmallPage(int width = 8, int height = 4) {
  DecodedPage p;
  p.image.width = width;
  p.image.height = height;
  p.image.xdpi = p.image.ydpi = 200;
  p.image.bilevel = true;
  p.image.pixels.assign(static_cast<size_t>(width) * height, 255);
  p.image.pixels[0] = 0;
  p.original_xdpi = 200;
  p.original_ydpi = 100;
  p.stretched = true;
  return p;
}

PageText SmallText() {
  PageText t;
  t.words = {{"Referral", {0, 0, 4, 2}, 1.0f, 0}, {"note", {4, 0, 3, 2}, 1.0f, 0}};
  t.lines = {{"Referral note", {0, 0, 7, 2}, 0, 2, 0}};
  return t;
}

// Decoders run in the child by the tests below.
Result<std::vector<DecodedPage>> Fine(std::string_view, const DecodeLimits&, DecodeInfo* info) {
  info->format = InputFormat::kTiff;
  info->resolution_inferred = {false, true};
  std::vector<DecodedPage> pages = {SmallPage(), SmallPage(8, 3)};
  pages[1].text_layer = SmallText();
  pages[1].damaged = true;
  return pages;
}
Result<std::vector<DecodedPage>> Refuses(std::string_view, const DecodeLimits&, DecodeInfo*) {
  return MakeError(ErrorCode::kInvalidArgument, "tiff_unreadable", "page 1: no strip could be decoded");
}
Result<std::vector<DecodedPage>> Segfaults(std::string_view, const DecodeLimits&, DecodeInfo*) {
  ::raise(SIGSEGV);
  return {};
}
Result<std::vector<DecodedPage>> Aborts(std::string_view, const DecodeLimits&, DecodeInfo*) { std::abort(); }
Result<std::vector<DecodedPage>> Exits(std::string_view, const DecodeLimits&, DecodeInfo*) { ::_exit(7); }
Result<std::vector<DecodedPage>> Sleeps(std::string_view, const DecodeLimits&, DecodeInfo*) {
  for (;;) ::pause();
}
Result<std::vector<DecodedPage>> Spins(std::string_view, const DecodeLimits&, DecodeInfo*) {
  volatile uint64_t n = 0;
  for (;;) n = n + 1;
}
Result<std::vector<DecodedPage>> Hogs(std::string_view, const DecodeLimits&, DecodeInfo*) {
  std::vector<std::vector<char>> blocks;
  for (;;) blocks.emplace_back(64 << 20, 'x');
}
Result<std::vector<DecodedPage>> Throws(std::string_view, const DecodeLimits&, DecodeInfo*) {
  throw std::runtime_error("decoder bug");
}
Result<std::vector<DecodedPage>> TooBig(std::string_view, const DecodeLimits& limits, DecodeInfo*) {
  // A compromised child claiming more than the limits allow.
  return std::vector<DecodedPage>(static_cast<size_t>(limits.max_pages) + 1, SmallPage());
}
Result<std::vector<DecodedPage>> TooBigAndLarge(std::string_view, const DecodeLimits& limits, DecodeInfo*) {
  // As above, with pages large enough that the child is still writing when the
  // parent stops reading.
  return std::vector<DecodedPage>(static_cast<size_t>(limits.max_pages) + 1, SmallPage(2000, 2000));
}

TEST(DecodeSandbox, ReturnsWhatTheChildDecoded) {
  DecodeInfo info;
  auto r = DecodeInSandbox("bytes", DecodeLimits{}, Fine, &info);
  ASSERT_TRUE(r.has_value()) << r.error().reason;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].image.pixels, SmallPage().image.pixels);
  EXPECT_TRUE((*r)[0].stretched);
  EXPECT_TRUE((*r)[0].image.bilevel);
  EXPECT_DOUBLE_EQ((*r)[0].original_ydpi, 100);
  EXPECT_TRUE((*r)[1].damaged);
  ASSERT_TRUE((*r)[1].text_layer.has_value());
  EXPECT_EQ((*r)[1].text_layer->Text(), SmallText().Text());
  EXPECT_EQ((*r)[1].text_layer->words[1].box.x, 4);
  EXPECT_EQ(info.format, InputFormat::kTiff);
  EXPECT_EQ(info.resolution_inferred, (std::vector<bool>{false, true}));
  EXPECT_FALSE(HasChildren());
}

TEST(DecodeSandbox, PassesTheDecodersOwnErrorThrough) {
  auto r = DecodeInSandbox("bytes", DecodeLimits{}, Refuses, nullptr);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().reason, "tiff_unreadable");
  EXPECT_EQ(r.error().message, "page 1: no strip could be decoded");
}

TEST(DecodeSandbox, MapsEveryWayTheChildCanFailToAReason) {
  struct Case {
    const char* name;
    DecodeFn fn;
    ErrorCode code;
    const char* reason;
    // Touching 256 MB takes well under a second, but on a loaded machine more than 500 ms:
    // the memory case gets a deadline it cannot hit first.
    int timeout_ms = 500;
  };
  const Case cases[] = {
      {"segfault", Segfaults, ErrorCode::kInternal, "decoder_crashed"},
      {"abort", Aborts, ErrorCode::kInternal, "decoder_crashed"},
      {"exit status 7", Exits, ErrorCode::kInternal, "decoder_crashed"},
      {"uncaught exception", Throws, ErrorCode::kInternal, "decoder_crashed"},
      {"sleeps forever", Sleeps, ErrorCode::kDeadlineExceeded, "decode_timeout"},
      {"spins forever", Spins, ErrorCode::kDeadlineExceeded, "decode_timeout"},
      {"allocates without end", Hogs, ErrorCode::kResourceExhausted, "decoder_out_of_memory", 10'000},
      {"claims too many pages", TooBig, ErrorCode::kInternal, "decoder_output_invalid"},
      {"claims too many large pages", TooBigAndLarge, ErrorCode::kInternal, "decoder_output_invalid"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    DecodeLimits limits;
    limits.timeout_ms = c.timeout_ms;
    limits.memory_limit_bytes = 256 << 20;
    limits.max_pages = 3;
    const auto start = Clock::now();
    auto r = DecodeInSandbox("bytes", limits, c.fn, nullptr);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(c.timeout_ms + 2500));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, c.code);
    EXPECT_EQ(r.error().reason, c.reason) << r.error().message;
    EXPECT_FALSE(HasChildren());
  }
}

// ---------------------------------------------------------------- the stream
class StringSink : public ByteSink {
 public:
  bool Write(const void* data, size_t n) override {
    bytes.append(static_cast<const char*>(data), n);
    return true;
  }
  std::string bytes;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string bytes) : bytes_(std::move(bytes)) {}
  bool Read(void* data, size_t n) override {
    if (n > bytes_.size() - pos_) return false;
    std::memcpy(data, bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

std::string Encode(const Result<std::vector<DecodedPage>>& r, const DecodeInfo& info = {}) {
  StringSink sink;
  EXPECT_TRUE(WriteDecodeStream(r, info, sink));
  return sink.bytes;
}

Result<std::vector<DecodedPage>> Parse(std::string bytes, const DecodeLimits& limits = DecodeLimits{}) {
  StringSource source(std::move(bytes));
  return ReadDecodeStream(source, limits, nullptr);
}

std::vector<DecodedPage> PagesWithText(PageText text) {
  std::vector<DecodedPage> pages = {SmallPage()};
  pages[0].text_layer = std::move(text);
  return pages;
}

TEST(DecodeStream, RejectsEveryTruncation) {
  const std::string good = Encode(PagesWithText(SmallText()));
  ASSERT_TRUE(Parse(good).has_value());
  for (size_t len = 0; len < good.size(); ++len) {
    SCOPED_TRACE(len);
    auto r = Parse(good.substr(0, len));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().reason, "decoder_output_invalid");
  }
}

TEST(DecodeStream, RejectsAnythingOutsideTheLimitsOrInconsistent) {
  struct Case {
    const char* name;
    std::string stream;
    DecodeLimits limits;
  };
  DecodeLimits small_pages;
  small_pages.max_page_pixels = 31;
  DecodeLimits small_total;
  small_total.max_total_pixels = 40;
  DecodeLimits one_page;
  one_page.max_pages = 1;

  PageText word_outside = SmallText();
  word_outside.words[1].box = {6, 0, 3, 2};  // past the 8-pixel width
  PageText bad_line_index = SmallText();
  bad_line_index.words[1].line = 1;
  PageText bad_word_range = SmallText();
  bad_word_range.lines[0].word_count = 3;
  PageText negative_box = SmallText();
  negative_box.words[0].box.w = -1;

  auto nan_dpi = PagesWithText(SmallText());
  nan_dpi[0].image.xdpi = std::numeric_limits<double>::quiet_NaN();

  std::string bad_magic = Encode(PagesWithText(SmallText()));
  bad_magic[0] ^= 1;
  std::string trailing_garbage_end = Encode(PagesWithText(SmallText()));
  trailing_garbage_end[trailing_garbage_end.size() - 1] ^= 1;

  const Case cases[] = {
      {"a page over max_page_pixels", Encode(PagesWithText(SmallText())), small_pages},
      {"pages over max_total_pixels", Encode(std::vector<DecodedPage>(2, SmallPage())), small_total},
      {"pages over max_pages", Encode(std::vector<DecodedPage>(2, SmallPage())), one_page},
      {"no pages", Encode(std::vector<DecodedPage>{}), DecodeLimits{}},
      {"a word outside the page", Encode(PagesWithText(word_outside)), DecodeLimits{}},
      {"a word of no line", Encode(PagesWithText(bad_line_index)), DecodeLimits{}},
      {"a line with more words than exist", Encode(PagesWithText(bad_word_range)), DecodeLimits{}},
      {"a negative box", Encode(PagesWithText(negative_box)), DecodeLimits{}},
      {"a NaN resolution", Encode(nan_dpi), DecodeLimits{}},
      {"a wrong magic", bad_magic, DecodeLimits{}},
      {"a wrong end marker", trailing_garbage_end, DecodeLimits{}},
      {"an error reason that is not a code",
       Encode(MakeError(ErrorCode::kInvalidArgument, "bad reason!", "x")), DecodeLimits{}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = Parse(c.stream, c.limits);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInternal);
    EXPECT_EQ(r.error().reason, "decoder_output_invalid");
  }
}

TEST(DecodeStream, RefusesAHugeClaimedSizeWithoutAllocatingIt) {
  std::string stream = Encode(std::vector<DecodedPage>{SmallPage()});
  // Rewrite width and height (after magic, ok flag, format and count) to 2^30 each.
  const size_t at = 4 + 1 + 4 + 4;
  const int32_t huge = 1 << 30;
  std::memcpy(&stream[at], &huge, 4);
  std::memcpy(&stream[at + 4], &huge, 4);
  auto r = Parse(stream);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason, "decoder_output_invalid");
}

}  // namespace
}  // namespace faxintake::ingest
