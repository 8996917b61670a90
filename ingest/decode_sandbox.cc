#include "ingest/decode_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

#include <fmt/format.h>

namespace faxintake::ingest {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kMagic = 0x31445846;     // "FXD1"
constexpr uint32_t kEndMagic = 0x45445846;  // "FXDE"
constexpr uint8_t kBilevel = 1, kStretched = 2, kDamaged = 4, kHasText = 8, kInferred = 16;

// Bounds on what a child may send besides pixels.
constexpr uint32_t kMaxWordBytes = 4096;
constexpr uint32_t kMaxLineBytes = 1 << 20;
constexpr uint32_t kMaxWordsPerPage = 1 << 20;
constexpr int64_t kMaxTextBytes = 64LL << 20;
constexpr uint32_t kMaxReasonBytes = 128;
constexpr uint32_t kMaxMessageBytes = 4096;
constexpr double kMaxDpi = 10000;

// ---------------------------------------------------------------- writing
class Writer {
 public:
  explicit Writer(ByteSink& sink) : sink_(sink) {}
  template <typename T>
  void Put(T v) { ok_ = ok_ && sink_.Write(&v, sizeof v); }
  void Bytes(const void* p, size_t n) { ok_ = ok_ && sink_.Write(p, n); }
  void Str(const std::string& s) {
    Put<uint32_t>(static_cast<uint32_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  void PutBox(const Box& b) {
    Put<int32_t>(b.x); Put<int32_t>(b.y); Put<int32_t>(b.w); Put<int32_t>(b.h);
  }
  bool ok() const { return ok_; }

 private:
  ByteSink& sink_;
  bool ok_ = true;
};

void WritePage(const DecodedPage& p, bool inferred, Writer& w) {
  w.Put<int32_t>(p.image.width);
  w.Put<int32_t>(p.image.height);
  w.Put<double>(p.image.xdpi);
  w.Put<double>(p.image.ydpi);
  w.Put<double>(p.original_xdpi);
  w.Put<double>(p.original_ydpi);
  uint8_t flags = 0;
  if (p.image.bilevel) flags |= kBilevel;
  if (p.stretched) flags |= kStretched;
  if (p.damaged) flags |= kDamaged;
  if (p.text_layer) flags |= kHasText;
  if (inferred) flags |= kInferred;
  w.Put<uint8_t>(flags);
  w.Bytes(p.image.pixels.data(), p.image.pixels.size());
  if (!p.text_layer) return;
  w.Put<uint32_t>(static_cast<uint32_t>(p.text_layer->words.size()));
  for (const Word& word : p.text_layer->words) {
    w.Str(word.text);
    w.PutBox(word.box);
    w.Put<float>(word.confidence);
    w.Put<int32_t>(word.line);
  }
  w.Put<uint32_t>(static_cast<uint32_t>(p.text_layer->lines.size()));
  for (const Line& line : p.text_layer->lines) {
    w.Str(line.text);
    w.PutBox(line.box);
    w.Put<int32_t>(line.first_word);
    w.Put<int32_t>(line.word_count);
    w.Put<int32_t>(line.block);
  }
}

// ---------------------------------------------------------------- reading
auto Invalid(const std::string& what) {
  return MakeError(ErrorCode::kInternal, "decoder_output_invalid", "sandboxed decoder sent " + what);
}

class Reader {
 public:
  explicit Reader(ByteSource& source) : source_(source) {}
  template <typename T>
  bool Get(T* v) { return source_.Read(v, sizeof *v); }
  bool Bytes(void* p, size_t n) { return n == 0 || source_.Read(p, n); }
  bool Str(std::string* s, uint32_t max) {
    uint32_t n = 0;
    if (!Get(&n) || n > max) return false;
    s->resize(n);
    return Bytes(s->data(), n);
  }
  bool GetBox(Box* b) { return Get(&b->x) && Get(&b->y) && Get(&b->w) && Get(&b->h); }

 private:
  ByteSource& source_;
};

bool Inside(const Box& b, int width, int height) {
  return b.x >= 0 && b.y >= 0 && b.w >= 0 && b.h >= 0 && b.x <= width - b.w && b.y <= height - b.h;
}

bool PlausibleDpi(double d) { return std::isfinite(d) && d > 0 && d <= kMaxDpi; }

Result<PageText> ReadText(Reader& r, int width, int height, int64_t* text_bytes) {
  PageText t;
  uint32_t words = 0;
  if (!r.Get(&words) || words > kMaxWordsPerPage) return Invalid("a bad word count");
  t.words.reserve(words);
  for (uint32_t i = 0; i < words; ++i) {
    Word w;
    int32_t line = 0;
    if (!r.Str(&w.text, kMaxWordBytes) || !r.GetBox(&w.box) || !r.Get(&w.confidence) || !r.Get(&line))
      return Invalid("a truncated word");
    *text_bytes += static_cast<int64_t>(w.text.size());
    if (*text_bytes > kMaxTextBytes) return Invalid("too much text");
    if (!Inside(w.box, width, height) || !(w.confidence >= 0 && w.confidence <= 1) || line < 0)
      return Invalid("a word out of bounds");
    w.line = line;
    t.words.push_back(std::move(w));
  }
  uint32_t lines = 0;
  if (!r.Get(&lines) || lines > words) return Invalid("a bad line count");
  t.lines.reserve(lines);
  for (uint32_t i = 0; i < lines; ++i) {
    Line l;
    if (!r.Str(&l.text, kMaxLineBytes) || !r.GetBox(&l.box) || !r.Get(&l.first_word) ||
        !r.Get(&l.word_count) || !r.Get(&l.block))
      return Invalid("a truncated line");
    *text_bytes += static_cast<int64_t>(l.text.size());
    if (*text_bytes > kMaxTextBytes) return Invalid("too much text");
    if (!Inside(l.box, width, height) || l.first_word < 0 || l.word_count < 0 ||
        l.first_word > static_cast<int64_t>(words) - l.word_count || l.block < 0)
      return Invalid("a line out of bounds");
    t.lines.push_back(std::move(l));
  }
  for (const Word& w : t.words)
    if (w.line >= static_cast<int64_t>(lines)) return Invalid("a word of no line");
  return t;
}

Result<DecodedPage> ReadPage(Reader& r, const DecodeLimits& limits, int64_t* total_pixels,
                             int64_t* text_bytes, bool* inferred) {
  DecodedPage p;
  int32_t w = 0, h = 0;
  uint8_t flags = 0;
  if (!r.Get(&w) || !r.Get(&h) || !r.Get(&p.image.xdpi) || !r.Get(&p.image.ydpi) ||
      !r.Get(&p.original_xdpi) || !r.Get(&p.original_ydpi) || !r.Get(&flags))
    return Invalid("a truncated page header");
  if (w <= 0 || h <= 0 || w > limits.max_page_pixels / h) return Invalid("a page size out of bounds");
  const int64_t pixels = static_cast<int64_t>(w) * h;
  if (pixels > limits.max_total_pixels - *total_pixels) return Invalid("more pixels than allowed");
  *total_pixels += pixels;
  if (!PlausibleDpi(p.image.xdpi) || !PlausibleDpi(p.image.ydpi) || !PlausibleDpi(p.original_xdpi) ||
      !PlausibleDpi(p.original_ydpi))
    return Invalid("a resolution out of bounds");
  if (flags >= 32) return Invalid("unknown page flags");

  p.image.width = w;
  p.image.height = h;
  p.image.bilevel = flags & kBilevel;
  p.stretched = flags & kStretched;
  p.damaged = flags & kDamaged;
  *inferred = flags & kInferred;
  p.image.pixels.resize(static_cast<size_t>(pixels));
  if (!r.Bytes(p.image.pixels.data(), p.image.pixels.size())) return Invalid("truncated pixels");
  if (flags & kHasText) {
    auto text = ReadText(r, w, h, text_bytes);
    if (!text) return std::unexpected(text.error());
    p.text_layer = std::move(*text);
  }
  return p;
}

bool IsReasonCode(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// ---------------------------------------------------------------- descriptors
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Reads the child's pipe with poll() until the deadline.
class PipeSource : public ByteSource {
 public:
  PipeSource(int fd, Clock::time_point deadline) : fd_(fd), deadline_(deadline) {}

  bool Read(void* data, size_t n) override {
    auto* out = static_cast<char*>(data);
    while (n > 0) {
      if (begin_ == end_) {
        // Large reads (pixels) go straight to their destination.
        if (n >= sizeof buf_) {
          const ssize_t got = Fill(out, n);
          if (got <= 0) return false;
          out += got;
          n -= static_cast<size_t>(got);
          continue;
        }
        const ssize_t got = Fill(buf_, sizeof buf_);
        if (got <= 0) return false;
        begin_ = 0;
        end_ = static_cast<size_t>(got);
      }
      const size_t take = std::min(n, end_ - begin_);
      std::memcpy(out, buf_ + begin_, take);
      begin_ += take;
      out += take;
      n -= take;
    }
    return true;
  }

  bool timed_out() const { return timed_out_; }
  bool ended() const { return ended_; }

 private:
  // One read() once the pipe is readable; 0 at end of stream, -1 on error or timeout.
  ssize_t Fill(char* dst, size_t n) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
      if (left.count() <= 0) {
        timed_out_ = true;
        return -1;
      }
      pollfd pfd{fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, INT32_MAX)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return -1;
      if (ready == 0) continue;  // the deadline check above decides
      const ssize_t got = ::read(fd_, dst, n);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got == 0) ended_ = true;
      return got;
    }
  }

  int fd_;
  Clock::time_point deadline_;
  bool timed_out_ = false;
  bool ended_ = false;
  char buf_[64 * 1024];
  size_t begin_ = 0, end_ = 0;
};

// Buffered writes to the pipe from the child.
class FdSink : public ByteSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  bool Write(const void* data, size_t n) override {
    if (failed_) return false;
    if (n >= sizeof buf_) return Flush() && WriteAll(static_cast<const char*>(data), n);
    if (used_ + n > sizeof buf_ && !Flush()) return false;
    std::memcpy(buf_ + used_, data, n);
    used_ += n;
    return true;
  }
  bool Flush() {
    if (failed_) return false;
    const bool ok = WriteAll(buf_, used_);
    used_ = 0;
    return ok;
  }

 private:
  bool WriteAll(const char* p, size_t n) {
    while (n > 0) {
      const ssize_t put = ::write(fd_, p, n);
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) {
        failed_ = true;
        return false;
      }
      p += put;
      n -= static_cast<size_t>(put);
    }
    return true;
  }

  int fd_;
  bool failed_ = false;
  char buf_[64 * 1024];
  size_t used_ = 0;
};

// ---------------------------------------------------------------- the child
// Address space the child inherited, from /proc/self/statm (raw syscalls only).
int64_t CurrentAddressSpace() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[64] = {};
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  int64_t pages = 0;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pages = pages * 10 + (buf[i] - '0');
  return pages * ::getpagesize();
}

void CloseInheritedDescriptors(int keep) {
  const int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    for (int fd = 0; fd <= 2; ++fd)
      if (fd != keep) ::dup2(devnull, fd);
  }
  // Descriptors of other threads' pipes must not stay open here, or their
  // parents would not see end-of-stream when their own children exit.
  if (keep > 3) ::close_range(3, static_cast<unsigned>(keep) - 1, 0);
  ::close_range(static_cast<unsigned>(keep) + 1, ~0U, 0);
}

void ResetSignals() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  struct sigaction ign = dfl;
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, nullptr);  // a gone parent gives EPIPE, not a signal
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void SetLimits(const DecodeLimits& limits) {
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  const int64_t inherited = CurrentAddressSpace();
  const int64_t as = limits.memory_limit_bytes > INT64_MAX - inherited ? INT64_MAX
                                                                        : inherited + limits.memory_limit_bytes;
  const rlimit mem{static_cast<rlim_t>(as), static_cast<rlim_t>(as)};
  ::setrlimit(RLIMIT_AS, &mem);
  const rlim_t cpu = static_cast<rlim_t>(std::max(1, limits.timeout_ms / 1000 + 1));
  const rlimit cpu_limit{cpu, cpu + 1};
  ::setrlimit(RLIMIT_CPU, &cpu_limit);
}

[[noreturn]] void RunChild(int out_fd, pid_t parent, std::string_view bytes, const DecodeLimits& limits,
                           DecodeFn decode) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(2);  // the parent died before prctl
  ResetSignals();
  // Keep the pipe at a known low number so the rest can be closed in one sweep.
  int keep = out_fd;
  if (out_fd <= 2) {
    keep = ::fcntl(out_fd, F_DUPFD, 3);
    if (keep < 0) ::_exit(3);
  }
  CloseInheritedDescriptors(keep);
  SetLimits(limits);

  FdSink sink(keep);
  DecodeInfo info;
  Result<std::vector<DecodedPage>> result = MakeError(ErrorCode::kInternal, "decoder_crashed", "no result");
  try {
    result = decode(bytes, limits, &info);
  } catch (const std::bad_alloc&) {
    result = MakeError(ErrorCode::kResourceExhausted, "decoder_out_of_memory",
                       "the decoder ran out of its memory limit");
  } catch (...) {
    result = MakeError(ErrorCode::kInternal, "decoder_crashed", "the decoder threw an exception");
  }
  const bool ok = WriteDecodeStream(result, info, sink) && sink.Flush();
  ::_exit(ok ? 0 : 4);
}

// ---------------------------------------------------------------- the parent
// Owns a child until it is reaped: destruction kills and reaps a live child, so
// no path leaves a zombie.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) Kill();
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Waits for the child to exit until the deadline, then kills it.
  void Wait(Clock::time_point deadline) {
    auto pause = std::chrono::microseconds(200);
    while (pid_ > 0) {
      const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
      if (r == pid_) {
        pid_ = 0;
        return;
      }
      if (r < 0 && errno != EINTR) {
        // Reaped by someone else (see REQUIRES): the status is lost; judge the
        // child by its answer alone.
        pid_ = 0;
        status_ = 0;
        return;
      }
      if (Clock::now() >= deadline) {
        Kill();
        return;
      }
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(pause).count();
      const timespec ts{0, static_cast<long>(ns)};
      ::nanosleep(&ts, nullptr);
      pause = std::min(pause * 2, std::chrono::microseconds(10'000));
    }
  }

  bool killed_by_us() const { return killed_; }
  int status() const { return status_; }

 private:
  void Kill() {
    ::kill(pid_, SIGKILL);
    killed_ = true;
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
  }

  pid_t pid_;
  int status_ = 0;
  bool killed_ = false;
};

Error TimeoutError(const DecodeLimits& limits) {
  return Error{ErrorCode::kDeadlineExceeded, "decode_timeout",
               fmt::format("decode took longer than {} ms", limits.timeout_ms)};
}

}  // namespace

bool WriteDecodeStream(const Result<std::vector<DecodedPage>>& result, const DecodeInfo& info, ByteSink& sink) {
  Writer w(sink);
  w.Put<uint32_t>(kMagic);
  w.Put<uint8_t>(result.has_value() ? 1 : 0);
  if (result) {
    w.Put<uint32_t>(static_cast<uint32_t>(info.format));
    w.Put<uint32_t>(static_cast<uint32_t>(result->size()));
    for (size_t i = 0; i < result->size(); ++i)
      WritePage((*result)[i], i < info.resolution_inferred.size() && info.resolution_inferred[i], w);
  } else {
    w.Put<uint32_t>(static_cast<uint32_t>(result.error().code));
    w.Str(result.error().reason.substr(0, kMaxReasonBytes));
    w.Str(result.error().message.substr(0, kMaxMessageBytes));
  }
  w.Put<uint32_t>(kEndMagic);
  return w.ok();
}

Result<std::vector<DecodedPage>> ReadDecodeStream(ByteSource& source, const DecodeLimits& limits,
                                                  DecodeInfo* info) {
  Reader r(source);
  uint32_t magic = 0;
  uint8_t ok = 0;
  if (!r.Get(&magic) || magic != kMagic || !r.Get(&ok) || ok > 1) return Invalid("no valid header");

  if (ok == 0) {
    uint32_t code = 0;
    Error e;
    if (!r.Get(&code) || code > static_cast<uint32_t>(ErrorCode::kInternal) || !r.Str(&e.reason, kMaxReasonBytes) ||
        !IsReasonCode(e.reason) || !r.Str(&e.message, kMaxMessageBytes) || !r.Get(&magic) || magic != kEndMagic)
      return Invalid("a malformed error");
    e.code = static_cast<ErrorCode>(code);
    return std::unexpected(std::move(e));
  }

  uint32_t format = 0, count = 0;
  if (!r.Get(&format) || format > static_cast<uint32_t>(InputFormat::kUnknown) || !r.Get(&count) ||
      count == 0 || count > static_cast<uint32_t>(std::max(limits.max_pages, 0)))
    return Invalid("a bad page count");
  DecodeInfo got;
  got.format = static_cast<InputFormat>(format);
  std::vector<DecodedPage> pages;
  int64_t total_pixels = 0, text_bytes = 0;
  for (uint32_t i = 0; i < count; ++i) {
    bool inferred = false;
    auto page = ReadPage(r, limits, &total_pixels, &text_bytes, &inferred);
    if (!page) return std::unexpected(page.error());
    pages.push_back(std::move(*page));
    got.resolution_inferred.push_back(inferred);
  }
  if (!r.Get(&magic) || magic != kEndMagic) return Invalid("no end marker");
  if (info != nullptr) *info = std::move(got);
  return pages;
}

Result<std::vector<DecodedPage>> DecodeInSandbox(std::string_view bytes, const DecodeLimits& limits,
                                                 DecodeFn decode, DecodeInfo* info) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(std::max(0, limits.timeout_ms));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return MakeError(ErrorCode::kInternal, "sandbox_unavailable", fmt::format("pipe2 failed: errno {}", errno));
  UniqueFd read_end(fds[0]), write_end(fds[1]);

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0)
    return MakeError(ErrorCode::kInternal, "sandbox_unavailable", fmt::format("fork failed: errno {}", errno));
  if (pid == 0) RunChild(write_end.get(), parent, bytes, limits, decode);

  write_end.reset();
  Child child(pid);
  PipeSource source(read_end.get(), deadline);
  DecodeInfo got;
  Result<std::vector<DecodedPage>> result = ReadDecodeStream(source, limits, &got);
  read_end.reset();  // a child still writing gets EPIPE and exits
  child.Wait(source.timed_out() ? Clock::now() : deadline);

  const int st = child.status();
  if (source.timed_out() || child.killed_by_us()) return std::unexpected(TimeoutError(limits));
  if (WIFSIGNALED(st)) {
    if (WTERMSIG(st) == SIGXCPU) return std::unexpected(TimeoutError(limits));
    return MakeError(ErrorCode::kInternal, "decoder_crashed",
                     fmt::format("decoder died by signal {}", WTERMSIG(st)));
  }
  // Reading stopped before end-of-stream: the answer was complete, or was
  // rejected while the child was still sending. Either way it stands; the exit
  // status would only reflect the pipe closed on the child.
  if (!source.ended()) {
    if (result && info != nullptr) *info = std::move(got);
    return result;
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return MakeError(ErrorCode::kInternal, "decoder_crashed", fmt::format("decoder exited with status {}", st));
  if (result && info != nullptr) *info = std::move(got);
  return result;
}

}  // namespace faxintake::ingest
