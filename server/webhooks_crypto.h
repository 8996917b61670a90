// The cryptography gateways sign their webhooks with, and API tokens are hashed with:
// HMAC-SHA1/SHA256, SHA-1, SHA-256, Ed25519,
// base64 and constant-time comparison, through OpenSSL (included here and, for random
// tokens only, in auth.cc).
//
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/base64.h"

namespace faxintake::server {

// Raw (binary) MACs and digests.
std::string HmacSha1(std::string_view key, std::string_view message);
std::string HmacSha256(std::string_view key, std::string_view message);
std::string Sha1(std::string_view data);
std::string Sha256(std::string_view data);

std::string HexLower(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);
// Decoding: Base64Decode in pipeline/base64.h.

// True when a and b are equal, in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Verifies an Ed25519 signature (64 bytes) of `message` under a raw 32-byte public key.
// False for a wrong size of key or signature, too.
bool VerifyEd25519(std::string_view public_key, std::string_view signature, std::string_view message);

}  // namespace faxintake::server
