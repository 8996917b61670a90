#include "ingest/drop_folder.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/decode.h"
#include "pipeline/log.h"

namespace faxintake::ingest {
namespace {

namespace fs = std::filesystem;

std::string NowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> ReadWhole(const std::string& path, int64_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnavailable, "file_unreadable", "cannot open a claimed file");
  in.seekg(0, std::ios::end);
  const int64_t size = in.tellg();
  if (size > max_bytes)
    return MakeError(ErrorCode::kResourceExhausted, "input_too_large",
                     "file of " + std::to_string(size) + " bytes exceeds the limit of " + std::to_string(max_bytes));
  in.seekg(0);
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), size);
  if (!in) return MakeError(ErrorCode::kUnavailable, "file_unreadable", "short read of a claimed file");
  return bytes;
}

void FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// A path in `dir` named `name` that does not exist yet.
std::string FreeName(const std::string& dir, const std::string& name) {
  fs::path p = fs::path(dir) / name;
  for (int i = 1; fs::exists(p); ++i) p = fs::path(dir) / (name + "." + std::to_string(i));
  return p.string();
}

}  // namespace

bool IsLockedByWriter(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return true;  // vanished or unreadable: not ready
  const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // closing releases our shared lock if we got it
  return locked;
}

Result<void> WriteFileDurably(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, "write_failed", std::string("cannot create file: ") + std::strerror(errno));
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return MakeError(ErrorCode::kUnavailable, "write_failed", std::string("write failed: ") + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0)
    return MakeError(ErrorCode::kUnavailable, "write_failed", "cannot sync or rename file");
  FsyncDir(fs::path(path).parent_path().string());
  return {};
}

DropFolder::DropFolder(DropFolderOptions options, AcceptFn accept)
    : options_(std::move(options)), accept_(std::move(accept)) {}

bool DropFolder::Matches(const std::string& name) const {
  if (name.empty() || name[0] == '.') return false;  // hidden and temporary files
  for (const std::string& p : options_.patterns)
    if (::fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

Result<std::vector<std::string>> DropFolder::Recover() {
  for (const std::string& dir : {options_.path, options_.work, options_.archive, options_.quarantine}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return MakeError(ErrorCode::kFailedPrecondition, "folder_unusable", "cannot create folder " + dir + ": " + ec.message());
  }
  return TakeClaimed();
}

std::vector<std::string> DropFolder::TakeClaimed() {
  std::vector<std::string> ids;
  std::error_code ec;
  retry_pending_ = false;
  for (const auto& entry : fs::directory_iterator(options_.work, ec)) {
    std::error_code fec;
    if (!entry.is_regular_file(fec)) continue;
    const std::string name = entry.path().filename().string();
    auto id = Take(entry.path().string(), name);
    if (id) {
      ids.push_back(*id);
      log::Info("dropfolder_recovered", "folder={} fax_id={}", options_.label, *id);
    }
  }
  last_retry_ = std::chrono::steady_clock::now();
  return ids;
}

bool DropFolder::Ready(const std::string& path, int64_t size, int64_t mtime_ns) {
  const auto now = std::chrono::steady_clock::now();
  Seen& s = seen_[path];
  if (s.size != size || s.mtime_ns != mtime_ns) {
    s = Seen{size, mtime_ns, now};
    if (options_.settle_seconds > 0) return false;
  }
  if (std::chrono::duration<double>(now - s.since).count() < options_.settle_seconds) return false;
  if (size == 0) return false;  // HylaFAX creates the file first, then writes
  return !IsLockedByWriter(path);
}

std::vector<std::string> DropFolder::ScanOnce() {
  std::vector<std::string> ids;
  if (retry_pending_ &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_retry_).count() >= options_.retry_seconds)
    ids = TakeClaimed();
  std::error_code ec;
  std::map<std::string, Seen> still_seen;
  for (const auto& entry : fs::directory_iterator(options_.path, ec)) {
    std::error_code fec;
    if (!entry.is_regular_file(fec)) continue;
    const std::string name = entry.path().filename().string();
    if (!Matches(name)) continue;
    struct stat st {};
    const std::string path = entry.path().string();
    if (::stat(path.c_str(), &st) != 0) continue;
    const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (!Ready(path, st.st_size, mtime_ns)) {
      still_seen[path] = seen_[path];
      continue;
    }
    // Claim: an atomic rename on the same filesystem; whoever renames first owns the file.
    const std::string claimed = FreeName(options_.work, name);
    if (::rename(path.c_str(), claimed.c_str()) != 0) continue;
    auto id = Take(claimed, name);
    if (id) ids.push_back(*id);
  }
  if (ec) log::Warn("dropfolder_scan_failed", "folder={} error={}", options_.label, ec.value());
  seen_ = std::move(still_seen);
  return ids;
}

Result<std::string> DropFolder::Take(const std::string& claimed_path, const std::string& original_name) {
  auto bytes = ReadWhole(claimed_path, options_.max_file_bytes);
  if (!bytes) {
    if (bytes.error().code == ErrorCode::kResourceExhausted) {
      const std::string dest = FreeName(options_.quarantine, original_name);
      ::rename(claimed_path.c_str(), dest.c_str());
      WriteFileDurably(dest + ".reason.txt", bytes.error().reason + ": " + bytes.error().message + "\n");
      log::Warn("dropfolder_quarantined", "folder={} code={}", options_.label, bytes.error().reason);
    }
    return std::unexpected(bytes.error());
  }
  FaxMetadata meta;
  meta.source = "dropfolder:" + options_.label;
  meta.original_name = original_name;
  meta.received_at = NowRfc3339();
  meta.sender_tsi = TiffImageDescription(*bytes);  // HylaFAX puts the sender's TSI there
  auto id = accept_(*bytes, meta);
  if (!id) {
    retry_pending_ = true;
    log::Warn("dropfolder_accept_failed", "folder={} code={}", options_.label, id.error().reason);
    return std::unexpected(id.error());  // stays claimed; Recover() retries it
  }
  const std::string archived = FreeName(options_.archive, *id + "_" + original_name);
  if (::rename(claimed_path.c_str(), archived.c_str()) == 0) {
    FsyncDir(options_.archive);
    std::lock_guard lock(archive_mu_);
    archived_[*id] = archived;
  }
  log::Info("dropfolder_accepted", "folder={} fax_id={} bytes={}", options_.label, *id, bytes->size());
  return id;
}

Result<void> DropFolder::QuarantineArchived(const std::string& fax_id, const std::string& code,
                                            const std::string& message) {
  std::string archived;
  {
    std::lock_guard lock(archive_mu_);
    auto it = archived_.find(fax_id);
    if (it != archived_.end()) {
      archived = it->second;
      archived_.erase(it);
    }
  }
  if (archived.empty()) {  // archived by an earlier run: find it by its fax id prefix
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options_.archive, ec))
      if (entry.path().filename().string().starts_with(fax_id + "_")) archived = entry.path().string();
  }
  if (archived.empty()) return MakeError(ErrorCode::kNotFound, "not_archived", "fax not archived by this folder");
  const std::string name = fs::path(archived).filename().string();
  const std::string dest = FreeName(options_.quarantine, name);
  if (::rename(archived.c_str(), dest.c_str()) != 0)
    return MakeError(ErrorCode::kUnavailable, "quarantine_failed", "cannot move file to quarantine");
  std::ostringstream reason;
  reason << "fax_id: " << fax_id << "\ncode: " << code << "\nmessage: " << message << "\n";
  return WriteFileDurably(dest + ".reason.txt", reason.str());
}

}  // namespace faxintake::ingest
