#include "ingest/decode.h"

#include <chrono>
#include <new>

#include <fmt/format.h>

#include "ingest/decode_sandbox.h"
#include "ingest/image_decoder.h"
#include "ingest/page_ops.h"
#include "ingest/pdf_decoder.h"
#include "ingest/tiff_decoder.h"

namespace faxintake::ingest {
namespace {

bool StartsWith(std::string_view bytes, std::string_view magic) {
  return bytes.substr(0, magic.size()) == magic;
}

uint32_t Le32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

// "BM", then a file header whose pixel-data offset lies past the headers, and a
// known DIB header size.
bool LooksLikeBmp(std::string_view b) {
  if (b.size() < 26 || !StartsWith(b, "BM")) return false;
  const uint32_t data_offset = Le32(b, 10);
  const uint32_t dib_size = Le32(b, 14);
  const bool known_dib = dib_size == 12 || dib_size == 40 || dib_size == 52 || dib_size == 56 ||
                         dib_size == 64 || dib_size == 108 || dib_size == 124;
  return known_dib && data_offset >= 14 + dib_size;
}

// Runs the decoder for the sniffed format here, in this process.
Result<std::vector<DecodedPage>> DecodeHere(std::string_view bytes, const DecodeLimits& limits, DecodeInfo* info) {
  DecodeContext ctx(limits, Clock::now() + std::chrono::milliseconds(limits.timeout_ms));
  const InputFormat format = SniffFormat(bytes);
  Result<std::vector<DecodedPage>> pages = MakeError(
      ErrorCode::kInvalidArgument, "unknown_format", "not a TIFF, PDF, PNG, JPEG or BMP file");
  try {
    switch (format) {
      case InputFormat::kTiff: pages = DecodeTiff(bytes, ctx); break;
      case InputFormat::kPdf: pages = DecodePdf(bytes, ctx); break;
      case InputFormat::kPng:
      case InputFormat::kJpeg:
      case InputFormat::kBmp: pages = DecodeImage(bytes, ctx); break;
      case InputFormat::kUnknown: break;
    }
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorCode::kResourceExhausted, "decoder_out_of_memory", "the decoder ran out of memory");
  } catch (const std::exception&) {
    return MakeError(ErrorCode::kInternal, "decoder_crashed", "the decoder threw an exception");
  }
  if (pages && pages->empty()) return MakeError(ErrorCode::kInvalidArgument, "no_pages", "the file has no pages");
  if (pages && info != nullptr) {
    info->format = format;
    info->resolution_inferred = ctx.resolution_inferred();
    info->resolution_inferred.resize(pages->size(), false);
  }
  return pages;
}

}  // namespace

std::string_view InputFormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kTiff: return "tiff";
    case InputFormat::kPdf: return "pdf";
    case InputFormat::kPng: return "png";
    case InputFormat::kJpeg: return "jpeg";
    case InputFormat::kBmp: return "bmp";
    case InputFormat::kUnknown: return "unknown";
  }
  return "unknown";
}

InputFormat SniffFormat(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (StartsWith(bytes, "II*\0"sv) || StartsWith(bytes, "MM\0*"sv) || StartsWith(bytes, "II+\0"sv) ||
      StartsWith(bytes, "MM\0+"sv))
    return InputFormat::kTiff;
  if (StartsWith(bytes, "\x89PNG\r\n\x1a\n"sv)) return InputFormat::kPng;
  if (StartsWith(bytes, "\xFF\xD8\xFF"sv)) return InputFormat::kJpeg;
  if (LooksLikeBmp(bytes)) return InputFormat::kBmp;
  // Readers accept a PDF header anywhere in the first 1024 bytes.
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return InputFormat::kPdf;
  return InputFormat::kUnknown;
}

Result<std::vector<DecodedPage>> DecodeFax(std::string_view bytes, const DecodeLimits& limits, DecodeInfo* info) {
  if (static_cast<int64_t>(bytes.size()) > limits.max_input_bytes)
    return MakeError(ErrorCode::kResourceExhausted, "input_too_large",
                     fmt::format("input of {} bytes exceeds {} bytes", bytes.size(), limits.max_input_bytes));
  if (SniffFormat(bytes) == InputFormat::kUnknown)
    return MakeError(ErrorCode::kInvalidArgument, "unknown_format", "not a TIFF, PDF, PNG, JPEG or BMP file");
  if (!limits.sandbox) return DecodeHere(bytes, limits, info);
  return DecodeInSandbox(bytes, limits, &DecodeHere, info);
}

std::string TiffImageDescription(std::string_view bytes) { return ReadFirstImageDescription(bytes); }

}  // namespace faxintake::ingest
