// Encryption at rest for the record store.
//
// Values are sealed with AES-256-GCM under a key derived from a 32-byte master key; the
// column family and the record key are the additional authenticated data, so a sealed value
// moved to another key (or family) fails to open. Index keys that would otherwise carry patient
// or gateway data are keyed hashes (HMAC-SHA256, truncated) under a second derived key.
//
// Master keys live outside the store folder: in a key file (64 hex digits, mode 0600) or an
// environment variable. Backups of the store do not contain the key.
//
// Thread-safety: StoreKey and Sealer are immutable values; all their methods may be called
// concurrently. The key-file functions may race with each other safely (creation is atomic).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace faxintake::store {

inline constexpr size_t kStoreKeyBytes = 32;

// A 256-bit master key. Its bytes are wiped from memory when the value is destroyed.
class StoreKey {
 public:
  // Parses 64 hex digits (either case). Errors: kInvalidArgument for anything else.
  static Result<StoreKey> FromHex(std::string_view hex);
  // A fresh random key from OpenSSL's CSPRNG. Errors: kInternal if the CSPRNG fails.
  static Result<StoreKey> Generate();

  StoreKey(const StoreKey&) = default;
  StoreKey& operator=(const StoreKey&) = default;
  ~StoreKey();

  const std::array<uint8_t, kStoreKeyBytes>& bytes() const { return bytes_; }
  std::string ToHex() const;

 private:
  StoreKey() = default;
  std::array<uint8_t, kStoreKeyBytes> bytes_{};
};

// Reads a key file holding 64 hex digits (surrounding whitespace ignored) or exactly 32 raw
// bytes. Errors: kNotFound when the file does not exist; kFailedPrecondition when group or
// others have any permission on it (it must be 0600 or 0400) or its content is not a key;
// kUnavailable when it cannot be read.
Result<StoreKey> LoadKeyFile(const std::string& path);

// Reads a key (64 hex digits) from the environment variable `name`.
// Errors: kNotFound when unset or empty; kFailedPrecondition when it does not hold a key.
Result<StoreKey> LoadKeyFromEnv(const std::string& name);

// LoadKeyFile(path); when the file does not exist, generates a key and creates the file
// atomically with mode 0600 (creating missing parent folders with mode 0700), synced to disk.
// Concurrent callers on one path all get the same key. Errors: those of LoadKeyFile, and
// kUnavailable when the file cannot be created.
Result<StoreKey> LoadOrCreateKey(const std::string& path);

// Seals record values and hashes index keys, either under a master key or, for tests and
// development only, in plaintext mode (values stored as is, index hashes under a fixed public
// key, i.e. obscured but not protected).
class Sealer {
 public:
  static Sealer Encrypting(const StoreKey& master);
  static Sealer Plaintext();

  bool encrypted() const;

  // The stored form of `plaintext`; `aad` binds it to its location (family + key).
  // Errors: kInternal if OpenSSL fails (allocation), kResourceExhausted above 2 GiB.
  Result<std::string> Seal(std::string_view plaintext, std::string_view aad) const;
  // The plaintext of a value made by Seal with the same key and `aad`. Errors: kDataLoss when
  // the value is truncated, was tampered with or moved, or is sealed in the other mode;
  // kFailedPrecondition when it was sealed under a different master key generation.
  Result<std::string> Unseal(std::string_view sealed, std::string_view aad) const;

  // A 16-byte keyed hash of `data`, for index keys.
  std::string IndexHash(std::string_view data) const;
  // A fingerprint of the master key (hex), kept in the store to recognise the right key.
  // Reveals nothing about the key. Plaintext mode: "plaintext".
  std::string KeyCheck() const;

 private:
  struct Keys;
  explicit Sealer(std::shared_ptr<const Keys> keys) : keys_(std::move(keys)) {}
  std::shared_ptr<const Keys> keys_;
};

}  // namespace faxintake::store
