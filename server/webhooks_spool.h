// The fetch spool: webhook events that point at a fax to download (Telnyx media_url, Twilio
// MediaUrl), kept durably until the fax they point at is in the record store.
//
// Why a folder and not the record store: the store accepts faxes (bytes), and a pending
// fetch has none yet; a folder of small synced files keeps the store's contract unchanged
// and is easy to inspect. Layout under the spool folder:
//   pending/<key>.json  one event waiting to be fetched (mode 0600: the URL is a credential),
//                       sealed with the spool cipher: "FXSPOOL1" + AES-256-GCM under the store
//                       key, bound to its key (see SpoolCipher); plaintext JSON without one
//   done/<key>          the fax id it became (no patient data); answers later repeats
//   tmp/                files being written
// <key> is the hex SHA-1 of "<gateway name>\n<gateway fax id>", so an event repeated by a
// gateway maps to the same file. Every write is write-to-tmp, fsync, link or rename, fsync
// of the folder: a record either exists whole or not at all.
//
// Records written before the spool was sealed (plaintext JSON) are read once and rewritten
// sealed when the spool is opened with a cipher (logged as webhook_spool_migrated).
//
// Thread-safety: all methods may be called concurrently; Add is atomic per key (link(2)).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::server {

struct PendingFetch {
  std::string key;
  std::string gateway;    // configured gateway name
  std::string media_url;
  FaxMetadata meta;
  int failures = 0;
  int64_t first_seen_ms = 0;     // Unix ms
  int64_t next_attempt_ms = 0;   // Unix ms; due when <= now
  std::string last_error;        // reason code only
};

// Seals spool records at rest. The service wires the record store's sealer (AES-256-GCM under
// the store key); `aad` binds a record to its key. Empty functions: records are plaintext
// (tests and tools only).
struct SpoolCipher {
  std::function<Result<std::string>(std::string_view plaintext, std::string_view aad)> seal;
  std::function<Result<std::string>(std::string_view sealed, std::string_view aad)> open;
  bool enabled() const { return seal && open; }
};

class FetchSpool {
 public:
  // Creates the folders when missing and, with a cipher, seals plaintext records left by an
  // earlier version. Errors: kUnavailable on I/O errors.
  static Result<FetchSpool> Open(const std::string& dir, SpoolCipher cipher = {});

  static std::string KeyFor(const std::string& gateway, const std::string& gateway_fax_id);

  enum class AddOutcome { kAdded, kAlreadyPending, kAlreadyDone };
  // Writes `fetch` durably unless its key is pending or done already.
  // Errors: kUnavailable on I/O errors.
  Result<AddOutcome> Add(const PendingFetch& fetch);
  // Replaces a pending record (failures, schedule, a newer URL). Errors: kUnavailable.
  Result<void> Update(const PendingFetch& fetch);
  // Records the fax id first, then removes the pending record. Errors: kUnavailable.
  Result<void> MarkDone(const std::string& key, const std::string& fax_id);
  // The fax id a done key became.
  std::optional<std::string> DoneFaxId(const std::string& key) const;
  std::optional<PendingFetch> GetPending(const std::string& key) const;
  // Every pending record, oldest first. Unreadable files are skipped with a warning.
  std::vector<PendingFetch> ListPending() const;
  size_t PendingCount() const;

 private:
  FetchSpool(std::string dir, SpoolCipher cipher) : dir_(std::move(dir)), cipher_(std::move(cipher)) {}
  Result<std::string> WriteTemp(const std::string& bytes) const;
  // The stored form of a record, and back. Decode: nullopt when unreadable (bad JSON, wrong key,
  // sealed without a cipher); `was_plaintext` says it predates sealing.
  Result<std::string> Encode(const PendingFetch& fetch) const;
  std::optional<PendingFetch> Decode(const std::string& key, const std::string& stored, bool* was_plaintext) const;
  size_t MigratePlaintext();
  std::string dir_;
  SpoolCipher cipher_;
};

}  // namespace faxintake::server
