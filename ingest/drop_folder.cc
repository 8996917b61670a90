#include "ingest/drop_folder.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/decode.h"
#include "ingest/mgetty.h"
#include "ingest/tiff_decoder.h"
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

std::string ShortNameHash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

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

std::optional<DropFolderFormat> ParseDropFolderFormat(std::string_view name) {
  if (name == "files") return DropFolderFormat::kFiles;
  if (name == "mgetty") return DropFolderFormat::kMgetty;
  if (name == "auto") return DropFolderFormat::kAuto;
  return std::nullopt;
}

DropFolder::DropFolder(DropFolderOptions options, AcceptFn accept)
    : options_(std::move(options)), accept_(std::move(accept)) {}

bool DropFolder::Matches(const std::string& name) const {
  if (name.empty() || name[0] == '.') return false;  // hidden and temporary files
  if (options_.format == DropFolderFormat::kMgetty) return false;
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
  stalled_ = false;
  std::vector<fs::directory_entry> entries;
  for (const auto& entry : fs::directory_iterator(options_.work, ec)) entries.push_back(entry);
  std::sort(entries.begin(), entries.end());
  for (const auto& entry : entries) {
    if (stalled_) {  // the intake is full: the rest stay claimed for the next retry
      retry_pending_ = true;
      break;
    }
    std::error_code fec;
    const std::string name = entry.path().filename().string();
    Result<std::string> id = MakeError(ErrorCode::kNotFound, "skipped", "");
    if (entry.is_directory(fec) && name.ends_with(".mgetty")) {
      if (!fs::exists(entry.path() / ".claimed", fec)) {  // the claim was cut short by a crash
        UnclaimGroup(entry.path().string());
        continue;
      }
      id = TakeGroup(entry.path().string(), name.substr(0, name.size() - 7));
    } else if (entry.is_regular_file(fec)) {
      id = Take(entry.path().string(), name);
    }
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
  const auto now = std::chrono::steady_clock::now();
  if (now < hold_until_) return ids;  // the intake was full a moment ago
  const bool after_busy = hold_until_ != std::chrono::steady_clock::time_point{};
  hold_until_ = {};
  stalled_ = false;
  if (retry_pending_ &&
      (after_busy || std::chrono::duration<double>(now - last_retry_).count() >= options_.retry_seconds))
    ids = TakeClaimed();
  if (stalled_) {  // still full: claim nothing new
    ++stats_.busy_stops;
    hold_until_ = now + std::chrono::milliseconds(static_cast<int64_t>(options_.busy_retry_seconds * 1000));
    return ids;
  }
  std::error_code ec;
  std::map<std::string, Seen> still_seen;
  std::map<std::string, std::vector<GroupPage>> groups;
  int claims = 0;
  const bool mgetty = options_.format != DropFolderFormat::kFiles;
  for (const auto& entry : fs::directory_iterator(options_.path, ec)) {
    std::error_code fec;
    if (!entry.is_regular_file(fec)) continue;
    const std::string name = entry.path().filename().string();
    const bool single = Matches(name);
    std::optional<MgettyPageName> page = mgetty && !single ? ParseMgettyPageName(name) : std::nullopt;
    if (!single && !page) continue;
    struct stat st {};
    const std::string path = entry.path().string();
    if (::stat(path.c_str(), &st) != 0) continue;
    const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    const bool ready = Ready(path, st.st_size, mtime_ns);
    if (page) {
      still_seen[path] = seen_[path];
      groups[page->group].push_back(GroupPage{name, page->page, ready});
      continue;
    }
    if (!ready || stalled_ || claims >= options_.max_claims_per_scan) {
      still_seen[path] = seen_[path];
      continue;
    }
    // Claim: an atomic rename on the same filesystem; whoever renames first owns the file.
    const std::string claimed = FreeName(options_.work, name);
    if (::rename(path.c_str(), claimed.c_str()) != 0) continue;
    ++claims;
    ++stats_.claimed;
    auto id = Take(claimed, name);
    if (id) ids.push_back(*id);
  }
  if (ec) log::Warn("dropfolder_scan_failed", "folder={} error={}", options_.label, ec.value());
  seen_ = std::move(still_seen);
  ScanGroups(groups, ids, claims);
  backlog_ = claims >= options_.max_claims_per_scan && !stalled_;
  if (stalled_) {
    ++stats_.busy_stops;
    hold_until_ = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(options_.busy_retry_seconds * 1000));
    log::Info("dropfolder_intake_full", "folder={} claimed={}", options_.label, claims);
  }
  return ids;
}

// ---------------------------------------------------------------- mgetty page sets

void DropFolder::ScanGroups(const std::map<std::string, std::vector<GroupPage>>& groups, std::vector<std::string>& ids,
                            int& claims) {
  const auto now = std::chrono::steady_clock::now();
  std::map<std::string, GroupSeen> still_seen;
  for (const auto& [group, unsorted] : groups) {
    std::vector<GroupPage> pages = unsorted;
    std::sort(pages.begin(), pages.end(), [](const GroupPage& a, const GroupPage& b) { return a.page < b.page; });
    std::string signature;
    for (const GroupPage& p : pages) signature += std::to_string(p.page) + ",";
    GroupSeen seen = groups_seen_.count(group) ? groups_seen_[group] : GroupSeen{"", now};
    if (seen.pages != signature) seen = GroupSeen{signature, now};  // a page came (or went): wait again
    still_seen[group] = seen;
    const double quiet = std::chrono::duration<double>(now - seen.since).count();
    const bool settled = quiet >= options_.settle_seconds &&
                         std::all_of(pages.begin(), pages.end(), [](const GroupPage& p) { return p.ready; });
    if (!settled || stalled_ || claims >= options_.max_claims_per_scan) continue;
    bool contiguous = true;
    for (size_t i = 0; i < pages.size(); ++i) contiguous &= pages[i].page == static_cast<int>(i) + 1;
    if (!contiguous && quiet < options_.mgetty_missing_page_seconds) continue;  // a page may still come

    auto dir = ClaimGroup(group, pages);
    if (!dir) continue;
    still_seen.erase(group);
    ++claims;
    ++stats_.claimed;
    auto id = TakeGroup(*dir, group);
    if (id) ids.push_back(*id);
  }
  groups_seen_ = std::move(still_seen);
}

std::optional<std::string> DropFolder::ClaimGroup(const std::string& group, const std::vector<GroupPage>& pages) {
  const std::string dir = FreeName(options_.work, group + ".mgetty");
  if (::mkdir(dir.c_str(), 0700) != 0) return std::nullopt;
  for (const GroupPage& p : pages) {
    const std::string from = (fs::path(options_.path) / p.name).string();
    if (::rename(from.c_str(), (fs::path(dir) / p.name).c_str()) != 0) {
      UnclaimGroup(dir);  // another process took a page: give back what we moved
      return std::nullopt;
    }
  }
  FsyncDir(dir);
  FsyncDir(options_.path);
  // Complete only now: a crash before this line puts the pages back (TakeClaimed).
  if (auto marked = WriteFileDurably((fs::path(dir) / ".claimed").string(), std::to_string(pages.size()) + "\n");
      !marked) {
    UnclaimGroup(dir);
    return std::nullopt;
  }
  return dir;
}

void DropFolder::UnclaimGroup(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') {
      fs::remove(e.path(), ec);
      continue;
    }
    ::rename(e.path().c_str(), FreeName(options_.path, name).c_str());
  }
  FsyncDir(options_.path);
  fs::remove(dir, ec);
  log::Warn("dropfolder_mgetty_unclaimed", "folder={} group_hash={}", options_.label,
            ShortNameHash(fs::path(dir).filename().string()));
}

Result<std::string> DropFolder::TakeGroup(const std::string& dir, const std::string& group) {
  struct Page {
    std::string name;
    MgettyPageName parsed;
    std::string bytes;
  };
  std::vector<Page> pages;
  std::error_code ec;
  int64_t total = 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    auto parsed = ParseMgettyPageName(name);
    if (!parsed || parsed->group != group) continue;
    std::error_code sec;
    total += static_cast<int64_t>(fs::file_size(e.path(), sec));
    pages.push_back(Page{name, *parsed, ""});
  }
  std::sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) { return a.parsed.page < b.parsed.page; });
  auto reject = [&](const std::string& code, const std::string& message) -> Result<std::string> {
    QuarantineClaimed(dir, group, code, message);
    return MakeError(ErrorCode::kInvalidArgument, code, message);
  };
  if (pages.empty()) return reject("mgetty_no_pages", "the claimed page folder holds no mgetty page");
  for (size_t i = 0; i < pages.size(); ++i)
    if (pages[i].parsed.page != static_cast<int>(i) + 1)
      return reject("mgetty_page_missing", "page " + std::to_string(i + 1) + " of the fax never arrived");
  if (total > options_.max_file_bytes)
    return reject("input_too_large", "pages of " + std::to_string(total) + " bytes exceed the limit of " +
                                         std::to_string(options_.max_file_bytes));

  std::vector<RawG3Page> raw;
  for (Page& p : pages) {
    auto bytes = ReadWhole((fs::path(dir) / p.name).string(), options_.max_file_bytes);
    if (!bytes) return std::unexpected(bytes.error());  // unreadable now: retried later
    p.bytes = std::move(*bytes);
    const std::string which = "page " + std::to_string(p.parsed.page) + ": ";
    auto scan = ScanRawG3Page(p.bytes);
    if (!scan) return reject(scan.error().reason, which + scan.error().message);
    RawG3Page r;
    r.data = std::string_view(p.bytes).substr(scan->data_offset);
    r.rows = scan->rows;
    r.fill_order = scan->fill_order;
    r.fine = scan->digifax_fine.value_or(p.parsed.fine);
    r.description = p.parsed.remote_id;
    // Letter/A4, B4 and A3 widths at 8 pels/mm; a wrong width fails almost every row.
    int damaged = r.rows;
    for (int width : {1728, 2048, 2432}) {
      r.width = width;
      auto bad = CountDamagedG3Rows(r);
      damaged = bad ? *bad : r.rows;
      if (damaged * 2 <= r.rows) break;
    }
    if (damaged * 2 > r.rows)
      return reject("g3_page_corrupt", which + std::to_string(damaged) + " of " + std::to_string(r.rows) +
                                           " rows cannot be decoded");
    raw.push_back(r);
  }
  auto tiff = WrapRawG3Pages(raw);
  if (!tiff) return reject(tiff.error().reason, tiff.error().message);
  raw.clear();
  for (Page& p : pages) std::string().swap(p.bytes);  // only the joined TIFF from here

  FaxMetadata meta;
  meta.source = "dropfolder:" + options_.label;
  meta.original_name = group;
  meta.received_at = NowRfc3339();
  meta.sender_tsi = pages.front().parsed.remote_id;
  auto id = AcceptAndArchive(*tiff, meta, dir, group);
  if (id) {
    ++stats_.mgetty_faxes;
    log::Info("dropfolder_mgetty_joined", "folder={} fax_id={} pages={}", options_.label, *id, pages.size());
  }
  return id;
}

// ---------------------------------------------------------------- taking one claim

void DropFolder::QuarantineClaimed(const std::string& claimed_path, const std::string& name, const std::string& code,
                                   const std::string& message) {
  const std::string dest = FreeName(options_.quarantine, name);
  if (::rename(claimed_path.c_str(), dest.c_str()) != 0) {
    log::Error("dropfolder_quarantine_failed", "folder={} code={} name_hash={}", options_.label, code, ShortNameHash(name));
    return;
  }
  FsyncDir(options_.quarantine);
  WriteFileDurably(dest + ".reason.txt", "code: " + code + "\nmessage: " + message + "\n");
  ++stats_.quarantined;
  log::Warn("dropfolder_quarantined", "folder={} code={} name_hash={}", options_.label, code, ShortNameHash(name));
}

Result<std::string> DropFolder::AcceptAndArchive(std::string_view bytes, const FaxMetadata& meta,
                                                 const std::string& claimed_path, const std::string& name) {
  auto id = accept_(bytes, meta);
  if (!id) {
    retry_pending_ = true;
    ++stats_.retries;
    if (id.error().code == ErrorCode::kResourceExhausted || id.error().code == ErrorCode::kUnavailable) stalled_ = true;
    log::Warn("dropfolder_accept_failed", "folder={} code={} name_hash={}", options_.label, id.error().reason,
              ShortNameHash(name));
    return std::unexpected(id.error());  // stays claimed; retried after retry_seconds
  }
  const std::string archived = FreeName(options_.archive, *id + "_" + name);
  if (::rename(claimed_path.c_str(), archived.c_str()) == 0) {
    FsyncDir(options_.archive);
    ++stats_.archived;
    std::lock_guard lock(archive_mu_);
    // A long-running service archives without end; only recent faxes are remembered.
    constexpr size_t kRecentArchived = 4096;
    if (archived_.emplace(*id, archived).second) archived_order_.push_back(*id);
    while (archived_order_.size() > kRecentArchived) {
      archived_.erase(archived_order_.front());
      archived_order_.pop_front();
    }
  }
  log::Info("dropfolder_accepted", "folder={} fax_id={} bytes={} name_hash={}", options_.label, *id, bytes.size(),
            ShortNameHash(name));
  return id;
}

Result<std::string> DropFolder::Take(const std::string& claimed_path, const std::string& original_name) {
  auto bytes = ReadWhole(claimed_path, options_.max_file_bytes);
  if (!bytes) {
    if (bytes.error().code == ErrorCode::kResourceExhausted)
      QuarantineClaimed(claimed_path, original_name, bytes.error().reason, bytes.error().message);
    return std::unexpected(bytes.error());
  }
  FaxMetadata meta;
  meta.source = "dropfolder:" + options_.label;
  meta.original_name = original_name;
  meta.received_at = NowRfc3339();
  meta.sender_tsi = TiffImageDescription(*bytes);  // HylaFAX puts the sender's TSI there
  return AcceptAndArchive(*bytes, meta, claimed_path, original_name);
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
  ++stats_.quarantined;
  std::ostringstream reason;
  reason << "fax_id: " << fax_id << "\ncode: " << code << "\nmessage: " << message << "\n";
  return WriteFileDurably(dest + ".reason.txt", reason.str());
}

}  // namespace faxintake::ingest
