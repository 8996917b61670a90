// A drop folder: the watched directory where fax servers (HylaFAX recvq, scanners,
// e-fax tools) leave files. Polling, so it works on NFS/SMB shares too.
//
// A file is taken only when it is complete: not locked by its writer (HylaFAX holds
// flock(LOCK_EX) while receiving) and its size and mtime unchanged for the settle time.
// It is then claimed atomically (rename into the work folder), handed to `accept`, which
// must store it durably, and only then moved to the archive. Files left in the work folder
// by a crash are accepted again at start-up (accept is idempotent on the bytes).
//
// Backpressure: when accept answers that the intake is full (kResourceExhausted) or the
// store is unavailable (kUnavailable), the pass stops claiming; the file in hand stays claimed
// and is retried first after busy_retry_seconds, the rest stay in the folder. Nothing is quarantined or
// dropped for being early. At most max_claims_per_scan files are claimed per pass, and one
// file is in memory at a time.
//
// mgetty (format kMgetty or kAuto): the per-page raw G3 files of one fax (see ingest/mgetty.h)
// are taken together once the page set is contiguous from page 1 and neither the set nor any
// page's size or mtime changed for the settle time (mgetty holds no lock). The pages are
// claimed into one folder work/<group>.mgetty/, which is marked complete (a synced
// `.claimed` file) only when every page is in; a crash before that puts the pages back, after
// it the group is taken again. Pages are checked (EOL structure, then libtiff decoding row by
// row: a page with fewer than 16 rows, or more than half its rows undecodable at widths
// 1728, 2048 and 2432, is corrupt), wrapped into one multi-page TIFF (WrapRawG3Pages) and
// accepted; the page folder moves to archive/<fax_id>_<group>/ (or, for a corrupt page or a
// missing page that never came, to quarantine/<group>/ with <group>.reason.txt beside it) in
// one rename. The sender's station id from the names goes to metadata.sender_tsi.
//
// Logs carry the folder label, fax ids, codes and a short hash of a file name, never the name
// (mgetty and scanner names carry callers' numbers).
//
// Thread-safety: one thread drives a DropFolder (Recover/ScanOnce); QuarantineArchived may
// be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

enum class DropFolderFormat {
  kFiles,   // every file matching `patterns` is one fax
  kMgetty,  // mgetty's per-page raw G3 files, joined per fax (patterns unused)
  kAuto,    // both: files matching `patterns`, and mgetty page files recognised by name
};

// "files", "mgetty", "auto"; nullopt for anything else.
std::optional<DropFolderFormat> ParseDropFolderFormat(std::string_view name);

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
  // After the intake answered "full", the folder claims nothing for this long, then retries
  // the claimed file first.
  double busy_retry_seconds = 1;
  DropFolderFormat format = DropFolderFormat::kFiles;
  // Claims per ScanOnce at most (files or mgetty faxes); the rest wait for the next pass.
  int max_claims_per_scan = 100;
  // An mgetty fax whose page numbers have a gap (a page file missing) waits this long after
  // settling, then goes to quarantine (reason mgetty_page_missing).
  double mgetty_missing_page_seconds = 600;
};

// Counters of one folder; read them any time.
struct DropFolderStats {
  std::atomic<uint64_t> claimed{0};       // files and mgetty faxes claimed
  std::atomic<uint64_t> archived{0};      // stored, then moved to the archive
  std::atomic<uint64_t> quarantined{0};   // moved to quarantine (here or after processing)
  std::atomic<uint64_t> retries{0};       // accepts that failed; the claim is retried later
  std::atomic<uint64_t> busy_stops{0};    // passes that stopped claiming: the intake was full
  std::atomic<uint64_t> mgetty_faxes{0};  // mgetty page sets joined and stored as one fax
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
  const DropFolderStats& stats() const { return stats_; }
  // True when the last ScanOnce stopped at max_claims_per_scan: more is waiting; scan again soon.
  bool backlog() const { return backlog_; }

 private:
  struct Seen {
    int64_t size = -1;
    int64_t mtime_ns = 0;
    std::chrono::steady_clock::time_point since;
  };
  struct GroupSeen {
    std::string pages;  // the page numbers seen, in order
    std::chrono::steady_clock::time_point since;
  };
  struct GroupPage {
    std::string name;
    int page = 0;
    bool ready = false;
  };
  bool Matches(const std::string& name) const;
  bool Ready(const std::string& path, int64_t size, int64_t mtime_ns);
  Result<std::string> Take(const std::string& claimed_path, const std::string& original_name);
  std::vector<std::string> TakeClaimed();  // every file and page folder in the work folder
  // Claims and takes the mgetty faxes in `groups` that are complete and settled.
  void ScanGroups(const std::map<std::string, std::vector<GroupPage>>& groups, std::vector<std::string>& ids,
                  int& claims);
  std::optional<std::string> ClaimGroup(const std::string& group, const std::vector<GroupPage>& pages);
  Result<std::string> TakeGroup(const std::string& dir, const std::string& group);
  void UnclaimGroup(const std::string& dir);
  void QuarantineClaimed(const std::string& claimed_path, const std::string& name, const std::string& code,
                         const std::string& message);
  Result<std::string> AcceptAndArchive(std::string_view bytes, const FaxMetadata& meta, const std::string& claimed_path,
                                       const std::string& name);

  DropFolderOptions options_;
  AcceptFn accept_;
  DropFolderStats stats_;
  bool stalled_ = false;  // the intake refused for being full in this pass
  bool backlog_ = false;  // the last pass stopped at max_claims_per_scan
  std::chrono::steady_clock::time_point hold_until_{};  // no claims before this (intake full)
  std::map<std::string, Seen> seen_;
  std::map<std::string, GroupSeen> groups_seen_;
  std::chrono::steady_clock::time_point last_retry_ = std::chrono::steady_clock::now();
  bool retry_pending_ = false;  // a Take failed since the last retry
  std::mutex archive_mu_;
  // fax_id -> archived path of recent faxes (older ones are found by their name prefix).
  std::map<std::string, std::string> archived_;
  std::deque<std::string> archived_order_;  // bounds archived_ to kRecentArchived entries
};

// True when another process holds an exclusive flock on the file (still being written).
bool IsLockedByWriter(const std::string& path);

// 8 hex digits (FNV-1a, 32 bits) standing for a file name in logs, where names (which carry
// callers' numbers) must not appear.
std::string ShortNameHash(std::string_view name);

// Writes `bytes` to `path` and fsyncs the file and its folder. Errors: kUnavailable.
Result<void> WriteFileDurably(const std::string& path, std::string_view bytes);

}  // namespace faxintake::ingest
