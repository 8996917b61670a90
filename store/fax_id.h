// Stable fax ids: "fx_" followed by the first 32 hex digits (128 bits) of the SHA-256 of the
// fax's raw bytes, so the same bytes always yield the same id, in any store, on any machine.
//
// The id is an unkeyed hash: whoever holds a fax can compute its id. It says nothing about the
// content, so it may appear in logs, keys and URLs. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace faxintake::store {

inline constexpr std::string_view kFaxIdPrefix = "fx_";
inline constexpr size_t kFaxIdLength = 35;  // "fx_" + 32 lowercase hex digits

// The fax id of `bytes` (any length, including empty).
std::string FaxIdForBytes(std::string_view bytes);

// True when `id` has the exact shape FaxIdForBytes produces.
bool IsValidFaxId(std::string_view id);

// Lowercase hex of the full SHA-256 of `bytes` (64 digits).
std::string Sha256Hex(std::string_view bytes);

}  // namespace faxintake::store
