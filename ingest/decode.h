// The decode stage: turns the bytes of a received fax (TIFF, PDF, PNG, JPEG or
// BMP) into page images with square pixels, plus the text layer of PDF pages
// that have one.
//
// Input is untrusted. By default every decode runs in a forked child process
// with an address-space and CPU limit, and the parent enforces a wall-clock
// deadline (see ingest/decode_sandbox.h), so a decoder crash, hang or memory
// blow-up becomes an error value, never a crash of the service.
//
// Thread-safety: every function here may be called from several threads at
// once. REQUIRES (when DecodeLimits::sandbox is true): nobody else in the
// process reaps children with waitpid(-1, ...) or sets SIGCHLD to SIG_IGN.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

struct DecodeLimits {
  // Larger input: kResourceExhausted "input_too_large", checked before anything else.
  int64_t max_input_bytes = 64 << 20;
  // More pages: kResourceExhausted "too_many_pages". Counted by walking the file,
  // never from the TIFF PageNumber tag.
  int max_pages = 100;
  // Pixels of one page after stretching to square pixels, checked before the page
  // is allocated: kResourceExhausted "page_too_large".
  int64_t max_page_pixels = 60'000'000;
  // Pixels of all pages together: kResourceExhausted "total_pixels_too_large".
  int64_t max_total_pixels = 600'000'000;
  // Wall-clock bound for the whole file: kDeadlineExceeded "decode_timeout".
  // Enforced by killing the child when sandboxed; in-process decoding only checks
  // it between pages and TIFF strips (a PDF page render cannot be interrupted).
  int timeout_ms = 60'000;
  // Address space the sandboxed decoder may add to what it inherited from the
  // parent at fork time (RLIMIT_AS = inherited + this). Running out gives
  // kResourceExhausted "decoder_out_of_memory" (or "decoder_crashed" if a library
  // aborts instead of failing the allocation).
  int64_t memory_limit_bytes = 3LL << 30;
  // Decode in a forked child (the default). false: decode in the calling
  // process; for the decoders' own tests and for debugging only.
  bool sandbox = true;
  // Render resolution of PDF pages whose embedded image resolution cannot be inferred.
  double pdf_default_dpi = 204;
  // A PDF page with fewer letters and digits in its text layer is rendered and
  // left for OCR; with at least this many, the text layer is used (and the page
  // is still rendered, for display).
  int pdf_min_text_chars = 40;
};

enum class InputFormat { kTiff, kPdf, kPng, kJpeg, kBmp, kUnknown };

// "tiff", "pdf", "png", "jpeg", "bmp", "unknown".
std::string_view InputFormatName(InputFormat format);

// The format by magic bytes (never by file name): TIFF and BigTIFF in either byte
// order, "%PDF-" within the first 1024 bytes, PNG, JPEG (FF D8 FF), BMP ("BM" with
// a plausible header). kUnknown otherwise.
InputFormat SniffFormat(std::string_view bytes);

// Facts about a decode that are not part of a page image.
struct DecodeInfo {
  InputFormat format = InputFormat::kUnknown;
  // One entry per decoded page: true when the file gave no usable resolution for
  // that page and it was inferred (fax widths mean 204 dpi across; otherwise 200).
  std::vector<bool> resolution_inferred;
};

// Decodes every page of `bytes`.
//
// On success: at least one page, in file order. Every image is 8-bit gray,
// 0 black and 255 white, with square pixels: normal-resolution fax pages (e.g.
// 204 x 98 dpi) have every row doubled (stretched = true, image.ydpi = 2 x
// original_ydpi); pages twice as tall in resolution as wide have every column
// doubled. TIFF pages are turned upright according to their Orientation tag.
// A page that decoded with errors but still has an image has damaged = true
// (also when the file says its fax reception was unclean). PDF pages with a
// usable text layer carry it in text_layer, in the rendered image's pixels,
// every word with confidence 1.
//
// Errors (Error::reason):
//   kInvalidArgument   "unknown_format", "tiff_unreadable", "pdf_unreadable",
//                      "pdf_encrypted" (needs a user password), "image_unreadable",
//                      "no_pages"
//   kResourceExhausted "input_too_large", "too_many_pages", "page_too_large",
//                      "total_pixels_too_large", "decoder_out_of_memory"
//   kDeadlineExceeded  "decode_timeout"
//   kInternal          "decoder_crashed" (the sandboxed child died by a signal or
//                      exited abnormally), "decoder_output_invalid" (the child's
//                      answer failed validation), "sandbox_unavailable" (pipe or
//                      fork failed; the caller may retry)
// Messages never contain document content.
//
// `info`, when not null, is filled on success.
Result<std::vector<DecodedPage>> DecodeFax(std::string_view bytes, const DecodeLimits& limits,
                                           DecodeInfo* info = nullptr);

// The ImageDescription tag (270) of the first TIFF directory, where HylaFAX puts
// the sender's TSI; printable ASCII only (other bytes dropped), at most 256
// characters. Empty when absent or when `bytes` is not a TIFF.
//
// Safe to call on untrusted input without the sandbox: it is a small bounds-checked
// parser of the first directory, not libtiff.
std::string TiffImageDescription(std::string_view bytes);

}  // namespace faxintake::ingest
