// Error values returned across module boundaries.
//
// Every fallible function in faxintake returns `Result<T>` (std::expected<T, Error>).
// Codes follow Abseil's canonical meanings. Thread-safety: plain values.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace faxintake {

enum class ErrorCode {
  kInvalidArgument,     // bad input: undecodable file, malformed request
  kNotFound,            // no such record
  kAlreadyExists,       // duplicate where one is not allowed
  kResourceExhausted,   // a configured limit (pages, pixels, bytes, queue) was exceeded
  kDeadlineExceeded,    // a time bound ran out
  kFailedPrecondition,  // fix the state first (e.g. missing model or key file)
  kUnavailable,         // retry later
  kDataLoss,            // stored data is corrupt
  kUnauthenticated,     // bad or missing signature / credentials
  kInternal,            // broken invariant in a dependency
};

// Short machine-readable name, e.g. "invalid_argument".
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  // Stable machine-readable reason, e.g. "tiff_too_many_pages"; used as the
  // contract's `error.code` for quarantined input.
  std::string reason;
  // Human-readable explanation. Never contains patient data.
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string reason, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(reason), std::move(message)});
}

}  // namespace faxintake
