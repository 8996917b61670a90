// Runs a decode in a forked child process, so that a decoder crash, hang or
// memory blow-up on hostile input costs one error value, not the service.
//
// The child: resets signal handlers and the signal mask, points stdin, stdout
// and stderr at /dev/null (libraries that print go nowhere), closes every other
// inherited descriptor, dies with its parent, disables core dumps (they would
// hold patient data), sets RLIMIT_AS to its inherited address space plus
// DecodeLimits::memory_limit_bytes and RLIMIT_CPU to the timeout, decodes, writes
// the result to a pipe in the stream format below and _exit()s. It never logs and
// touches no lock of the parent.
//
// The parent: reads the stream with poll() until the deadline, validates every
// count and size in it against the limits (the child may be compromised), kills
// the child with SIGKILL on timeout, and always reaps it.
//
// Thread-safety: DecodeInSandbox may run on several threads at once (pipes are
// created O_CLOEXEC and each child closes all descriptors it does not own).
// REQUIRES: nobody in the process reaps children with waitpid(-1, ...) or sets
// SIGCHLD to SIG_IGN.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "ingest/decode.h"
#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

// A decoder run inside the child. It receives the caller's limits (it must not
// itself fork) and fills `info` on success.
using DecodeFn = Result<std::vector<DecodedPage>> (*)(std::string_view bytes, const DecodeLimits& limits,
                                                      DecodeInfo* info);

// Runs `decode` in a child and returns what it returned. Errors besides the
// decoder's own: kDeadlineExceeded "decode_timeout" (timeout_ms passed, or the
// CPU limit hit), kInternal "decoder_crashed" (death by a signal or an abnormal
// exit status), kInternal "decoder_output_invalid" (the stream failed
// validation), kInternal "sandbox_unavailable" (pipe or fork failed).
// `info`, when not null, is filled on success.
Result<std::vector<DecodedPage>> DecodeInSandbox(std::string_view bytes, const DecodeLimits& limits,
                                                 DecodeFn decode, DecodeInfo* info);

// ---------------------------------------------------------------- stream format
// Native byte order (both ends are the same binary on the same machine):
//   u32 'FXD1', u8 ok,
//   ok:  u32 format, u32 page count, per page: i32 width, i32 height,
//        f64 xdpi, ydpi, original_xdpi, original_ydpi, u8 flags (1 bilevel,
//        2 stretched, 4 damaged, 8 text layer, 16 resolution inferred),
//        width*height pixel bytes, and with a text layer: u32 word count, per word
//        str text, i32 x y w h, f32 confidence, i32 line; u32 line count, per line
//        str text, i32 x y w h, i32 first_word, word_count, block,
//   !ok: u32 error code, str reason, str message,
//   u32 'FXDE'.
// str is u32 length then the bytes. Exposed for tests.

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // False once a write failed; later writes are ignored.
  virtual bool Write(const void* data, size_t n) = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Exactly n bytes, or false (end of stream, timeout, error).
  virtual bool Read(void* data, size_t n) = 0;
};

// Writes a decode result. Returns false when the sink failed.
bool WriteDecodeStream(const Result<std::vector<DecodedPage>>& result, const DecodeInfo& info, ByteSink& sink);

// Reads one decode result, validating it against `limits`: page count, page
// and total pixels, resolutions, string and word counts, word/line indices and
// boxes. A well-formed error in the stream is returned as that error; anything
// malformed or out of bounds is kInternal "decoder_output_invalid".
Result<std::vector<DecodedPage>> ReadDecodeStream(ByteSource& source, const DecodeLimits& limits,
                                                  DecodeInfo* info);

}  // namespace faxintake::ingest
