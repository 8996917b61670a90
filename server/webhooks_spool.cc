#include "server/webhooks_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/log.h"
#include "server/webhooks_crypto.h"

namespace faxintake::server {
namespace {

namespace fs = std::filesystem;

Error IoError(const std::string& what) {
  return Error{ErrorCode::kUnavailable, "spool_io", what + ": " + std::strerror(errno)};
}

bool SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json ToJson(const PendingFetch& f) {
  const FaxMetadata& m = f.meta;
  return {{"key", f.key},
          {"gateway", f.gateway},
          {"media_url", f.media_url},
          {"meta",
           {{"source", m.source},
            {"gateway_fax_id", m.gateway_fax_id},
            {"from_number", m.from_number},
            {"to_number", m.to_number},
            {"sender_tsi", m.sender_tsi},
            {"received_at", m.received_at},
            {"original_name", m.original_name}}},
          {"failures", f.failures},
          {"first_seen_ms", f.first_seen_ms},
          {"next_attempt_ms", f.next_attempt_ms},
          {"last_error", f.last_error}};
}

std::optional<PendingFetch> FromJson(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    PendingFetch f;
    f.key = j.at("key").get<std::string>();
    f.gateway = j.at("gateway").get<std::string>();
    f.media_url = j.at("media_url").get<std::string>();
    const auto& m = j.at("meta");
    f.meta.source = m.value("source", "");
    f.meta.gateway_fax_id = m.value("gateway_fax_id", "");
    f.meta.from_number = m.value("from_number", "");
    f.meta.to_number = m.value("to_number", "");
    f.meta.sender_tsi = m.value("sender_tsi", "");
    f.meta.received_at = m.value("received_at", "");
    f.meta.original_name = m.value("original_name", "");
    f.failures = j.value("failures", 0);
    f.first_seen_ms = j.value("first_seen_ms", int64_t{0});
    f.next_attempt_ms = j.value("next_attempt_ms", int64_t{0});
    f.last_error = j.value("last_error", "");
    return f;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

constexpr std::string_view kSealedMagic = "FXSPOOL1";

std::string Aad(const std::string& key) { return "faxintake.webhook-spool.pending/1\n" + key; }

}  // namespace

Result<std::string> FetchSpool::Encode(const PendingFetch& fetch) const {
  std::string json = ToJson(fetch).dump();
  if (!cipher_.enabled()) return json;
  auto sealed = cipher_.seal(json, Aad(fetch.key));
  if (!sealed) return std::unexpected(sealed.error());
  return std::string(kSealedMagic) + *sealed;
}

std::optional<PendingFetch> FetchSpool::Decode(const std::string& key, const std::string& stored,
                                               bool* was_plaintext) const {
  if (was_plaintext) *was_plaintext = false;
  if (stored.starts_with(kSealedMagic)) {
    if (!cipher_.enabled()) return std::nullopt;
    auto plain = cipher_.open(std::string_view(stored).substr(kSealedMagic.size()), Aad(key));
    if (!plain) return std::nullopt;
    auto f = FromJson(*plain);
    if (f && f->key != key) return std::nullopt;
    return f;
  }
  auto f = FromJson(stored);  // written before the spool was sealed
  if (f && was_plaintext) *was_plaintext = true;
  return f;
}

size_t FetchSpool::MigratePlaintext() {
  size_t migrated = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "pending", ec)) {
    if (e.path().extension() != ".json") continue;
    auto text = ReadSmallFile(e.path().string());
    bool plaintext = false;
    auto fetch = text ? Decode(e.path().stem().string(), *text, &plaintext) : std::nullopt;
    if (!fetch || !plaintext) continue;
    if (auto u = Update(*fetch); !u) {
      log::Error("webhook_spool_migration_failed", "key={} code={}", fetch->key, u.error().reason);
      continue;
    }
    ++migrated;
  }
  if (migrated > 0) log::Info("webhook_spool_migrated", "records={}", migrated);
  return migrated;
}

Result<FetchSpool> FetchSpool::Open(const std::string& dir, SpoolCipher cipher) {
  std::error_code ec;
  for (const char* sub : {"pending", "done", "tmp"}) {
    fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "spool_io", "cannot create the webhook spool " + dir + ": " + ec.message());
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  // Leftovers of writes interrupted by a crash.
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "tmp", ec)) fs::remove(e.path(), ec);
  FetchSpool spool(dir, std::move(cipher));
  if (spool.cipher_.enabled()) spool.MigratePlaintext();
  return spool;
}

std::string FetchSpool::KeyFor(const std::string& gateway, const std::string& gateway_fax_id) {
  return HexLower(Sha1(gateway + "\n" + gateway_fax_id));
}

Result<std::string> FetchSpool::WriteTemp(const std::string& bytes) const {
  static std::atomic<uint64_t> counter{0};
  const std::string path =
      dir_ + "/tmp/" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) + ".tmp";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(IoError("cannot create a spool file"));
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = IoError("cannot write a spool file");
      ::close(fd);
      ::unlink(path.c_str());
      return std::unexpected(e);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Error e = IoError("cannot sync a spool file");
    ::close(fd);
    ::unlink(path.c_str());
    return std::unexpected(e);
  }
  ::close(fd);
  return path;
}

Result<FetchSpool::AddOutcome> FetchSpool::Add(const PendingFetch& fetch) {
  if (DoneFaxId(fetch.key)) return AddOutcome::kAlreadyDone;
  auto stored = Encode(fetch);
  if (!stored) return std::unexpected(stored.error());
  auto tmp = WriteTemp(*stored);
  if (!tmp) return std::unexpected(tmp.error());
  const std::string target = dir_ + "/pending/" + fetch.key + ".json";
  // link(2) fails with EEXIST when the key is already pending: the atomic "create if absent".
  const int rc = ::link(tmp->c_str(), target.c_str());
  const int err = errno;
  ::unlink(tmp->c_str());
  if (rc != 0) {
    if (err == EEXIST) return AddOutcome::kAlreadyPending;
    errno = err;
    return std::unexpected(IoError("cannot add a pending fetch"));
  }
  if (!SyncDir(dir_ + "/pending")) return std::unexpected(IoError("cannot sync the spool folder"));
  return AddOutcome::kAdded;
}

Result<void> FetchSpool::Update(const PendingFetch& fetch) {
  auto stored = Encode(fetch);
  if (!stored) return std::unexpected(stored.error());
  auto tmp = WriteTemp(*stored);
  if (!tmp) return std::unexpected(tmp.error());
  const std::string target = dir_ + "/pending/" + fetch.key + ".json";
  if (::rename(tmp->c_str(), target.c_str()) != 0) {
    Error e = IoError("cannot update a pending fetch");
    ::unlink(tmp->c_str());
    return std::unexpected(e);
  }
  if (!SyncDir(dir_ + "/pending")) return std::unexpected(IoError("cannot sync the spool folder"));
  return {};
}

Result<void> FetchSpool::MarkDone(const std::string& key, const std::string& fax_id) {
  auto tmp = WriteTemp(fax_id);
  if (!tmp) return std::unexpected(tmp.error());
  if (::rename(tmp->c_str(), (dir_ + "/done/" + key).c_str()) != 0) {
    Error e = IoError("cannot record a done fetch");
    ::unlink(tmp->c_str());
    return std::unexpected(e);
  }
  if (!SyncDir(dir_ + "/done")) return std::unexpected(IoError("cannot sync the spool folder"));
  // From here a crash leaves both files; ListPending skips (and removes) pending ones that
  // are done.
  if (::unlink((dir_ + "/pending/" + key + ".json").c_str()) != 0 && errno != ENOENT)
    return std::unexpected(IoError("cannot remove a done fetch"));
  SyncDir(dir_ + "/pending");
  return {};
}

std::optional<std::string> FetchSpool::DoneFaxId(const std::string& key) const {
  return ReadSmallFile(dir_ + "/done/" + key);
}

std::optional<PendingFetch> FetchSpool::GetPending(const std::string& key) const {
  auto text = ReadSmallFile(dir_ + "/pending/" + key + ".json");
  if (!text) return std::nullopt;
  return Decode(key, *text, nullptr);
}

std::vector<PendingFetch> FetchSpool::ListPending() const {
  std::vector<PendingFetch> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "pending", ec)) {
    if (e.path().extension() != ".json") continue;
    auto text = ReadSmallFile(e.path().string());
    auto fetch = text ? Decode(e.path().stem().string(), *text, nullptr) : std::nullopt;
    if (!fetch) {
      log::Warn("webhook_spool_unreadable", "file={}", e.path().filename().string());
      continue;
    }
    if (DoneFaxId(fetch->key)) {
      fs::remove(e.path(), ec);
      continue;
    }
    out.push_back(std::move(*fetch));
  }
  std::sort(out.begin(), out.end(),
            [](const PendingFetch& a, const PendingFetch& b) { return a.first_seen_ms < b.first_seen_ms; });
  return out;
}

size_t FetchSpool::PendingCount() const {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "pending", ec))
    if (e.path().extension() == ".json") ++n;
  return n;
}

}  // namespace faxintake::server
