// A drop folder: the watched directory where fax servers (HylaFAX recvq, scanners,
// e-fax tools) leave files. Polling, so it works on NFS/SMB shares too.
//
// A file is taken only when it is complete: not locked by its writer (HylaFAX holds
// flock(LOCK_EX) while receiving) and its size and mtime unchanged for the settle time.
// It is then claimed atomically (rename into the work folder), handed to `accept`, which
// must store it durably, and only then moved to the archive. Files left in the work folder
// by a crash are accepted again at start-up (accept is idempotent on the bytes).
//
// Thread-safety: one thread drives a DropFolder (Recover/ScanOnce); QuarantineArchived may
// be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

struct DropFolderOptions {
  std::string path;                  // the watched folder
  std::string label = "default";     // fax line or source name, kept as metadata.source
  std::vector<std::string> patterns = {"*.tif", "*.tiff", "*.pdf"};  // fnmatch patterns
  std::string work;                  // claimed files (same filesystem as path)
  std::string archive;               // stored files
  std::string quarantine;            // files that could not be processed, with a reason file
  double settle_seconds = 2;
  int64_t max_file_bytes = 64 << 20; // larger files go straight to quarantine
  // Claimed files whose accept failed (store unavailable, intake queue full) are retried
  // from the work folder this often; they are never left for a restart.
  double retry_seconds = 10;
};

class DropFolder {
 public:
  // Stores the bytes durably and returns the fax id; an error leaves the file claimed
  // in the work folder for a later retry.
  using AcceptFn = std::function<Result<std::string>(std::string_view bytes, const FaxMetadata& meta)>;

  DropFolder(DropFolderOptions options, AcceptFn accept);

  // Creates the folders and re-accepts files a crash left in the work folder.
  // Returns the fax ids accepted. Errors: kFailedPrecondition when a folder cannot be made.
  Result<std::vector<std::string>> Recover();

  // One pass over the folder (and, every retry_seconds, over claimed files whose accept
  // failed). Returns the fax ids accepted in this pass.
  std::vector<std::string> ScanOnce();

  // Moves the archived file of `fax_id` to quarantine and writes `<name>.reason.txt`
  // beside it with `code` and `message` (no patient data). kNotFound when not archived here.
  Result<void> QuarantineArchived(const std::string& fax_id, const std::string& code, const std::string& message);

  const DropFolderOptions& options() const { return options_; }

 private:
  struct Seen {
    int64_t size = -1;
    int64_t mtime_ns = 0;
    std::chrono::steady_clock::time_point since;
  };
  bool Matches(const std::string& name) const;
  bool Ready(const std::string& path, int64_t size, int64_t mtime_ns);
  Result<std::string> Take(const std::string& claimed_path, const std::string& original_name);
  std::vector<std::string> TakeClaimed();  // every file in the work folder

  DropFolderOptions options_;
  AcceptFn accept_;
  std::map<std::string, Seen> seen_;
  std::chrono::steady_clock::time_point last_retry_ = std::chrono::steady_clock::now();
  bool retry_pending_ = false;  // a Take failed since the last retry
  std::mutex archive_mu_;
  std::map<std::string, std::string> archived_;  // fax_id -> archived file path
};

// True when another process holds an exclusive flock on the file (still being written).
bool IsLockedByWriter(const std::string& path);

// Writes `bytes` to `path` and fsyncs the file and its folder. Errors: kUnavailable.
Result<void> WriteFileDurably(const std::string& path, std::string_view bytes);

}  // namespace faxintake::ingest
