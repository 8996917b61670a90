// The fetch spool: webhook events that point at a fax to download (Telnyx media_url, Twilio
// MediaUrl), kept durably until the fax they point at is in the record store.
//
// Why a folder and not the record store: the store accepts faxes (bytes), and a pending
// fetch has none yet; a folder of small synced files keeps the store's contract unchanged
// and is easy to inspect. Layout under the spool folder:
//   pending/<key>.json  one event waiting to be fetched (mode 0600: the URL is a credential)
//   done/<key>          the fax id it became; answers later repeats of the event
//   tmp/                files being written
// <key> is the hex SHA-1 of "<gateway name>\n<gateway fax id>", so an event repeated by a
// gateway maps to the same file. Every write is write-to-tmp, fsync, link or rename, fsync
// of the folder: a record either exists whole or not at all.
//
// Thread-safety: all methods may be called concurrently; Add is atomic per key (link(2)).
#pragma once

#include <cstdint>
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

class FetchSpool {
 public:
  // Creates the folders when missing. Errors: kUnavailable on I/O errors.
  static Result<FetchSpool> Open(const std::string& dir);

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
  explicit FetchSpool(std::string dir) : dir_(std::move(dir)) {}
  Result<std::string> WriteTemp(const std::string& bytes) const;
  std::string dir_;
};

}  // namespace faxintake::server
