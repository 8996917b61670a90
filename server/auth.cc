#include "server/auth.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <strings.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "pipeline/log.h"
#include "server/webhooks_crypto.h"

namespace faxintake::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTokenPrefix = "fxt_";
constexpr size_t kMaxTokenChars = 256;
constexpr char kFileHeader[] =
    "# faxintake API principals (faxintake add-token NAME ROLE). Only SHA-256 hashes of the\n"
    "# bearer tokens are kept here; a token is shown once, when it is made. Keep this file 0600.\n"
    "principals:\n";

struct Entry {
  Principal principal;
  std::string hash;  // 32 raw bytes
};

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

Error Malformed(const std::string& path, const std::string& what) {
  return Error{ErrorCode::kInvalidArgument, "bad_tokens_file", path + ": " + what};
}

// Parses the text of a tokens file. `path` only names it in errors.
Result<std::vector<Entry>> ParseTokens(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return std::unexpected(Malformed(path, e.what()));
  }
  std::vector<Entry> entries;
  if (!root || root.IsNull()) return entries;
  if (!root.IsMap()) return std::unexpected(Malformed(path, "must be a mapping with `principals`"));
  const YAML::Node list = root["principals"];
  if (!list || list.IsNull()) return entries;
  if (!list.IsSequence()) return std::unexpected(Malformed(path, "`principals` must be a list"));
  std::set<std::string> names, hashes;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "principals[" + std::to_string(i) + "]";
    const YAML::Node p = list[i];
    if (!p.IsMap()) return std::unexpected(Malformed(path, where + " must be a mapping"));
    std::string name, role, hash;
    try {
      name = p["name"] ? p["name"].as<std::string>() : "";
      role = p["role"] ? p["role"].as<std::string>() : "";
      hash = p["token_sha256"] ? p["token_sha256"].as<std::string>() : "";
    } catch (const YAML::Exception&) {
      return std::unexpected(Malformed(path, where + " has a value that is not text"));
    }
    if (!IsValidPrincipalName(name)) return std::unexpected(Malformed(path, where + ".name is missing or invalid"));
    const auto parsed_role = ParseRole(role);
    if (!parsed_role) return std::unexpected(Malformed(path, where + ".role must be staff, export or admin"));
    const auto raw = hash.size() == 64 ? Unhex(hash) : std::nullopt;
    if (!raw) return std::unexpected(Malformed(path, where + ".token_sha256 must be 64 hex digits"));
    if (!names.insert(name).second) return std::unexpected(Malformed(path, where + ".name is a duplicate"));
    if (!hashes.insert(*raw).second) return std::unexpected(Malformed(path, where + ".token_sha256 is a duplicate"));
    entries.push_back(Entry{Principal{name, *parsed_role}, *raw});
  }
  return entries;
}

// Identifies a version of the file: a change of any of these means read it again.
struct FileStamp {
  bool exists = false;
  ino_t inode = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp Stamp(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};
  return FileStamp{true, st.st_ino, st.st_size, int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnavailable, "tokens_file_unreadable", "cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<void> WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return MakeError(ErrorCode::kUnavailable, "tokens_file_write_failed", std::strerror(errno));
    text.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Replaces `path` with `text` atomically (temp file with mode 0600, fsync, rename).
Result<void> ReplaceFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return MakeError(ErrorCode::kUnavailable, "tokens_file_write_failed", "cannot write " + tmp + ": " + std::strerror(errno));
  auto written = WriteAll(fd, text);
  const bool synced = written && ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return MakeError(ErrorCode::kUnavailable, "tokens_file_write_failed", "cannot write " + path);
  }
  return {};
}

}  // namespace

const char* RoleName(Role r) {
  switch (r) {
    case Role::kStaff: return "staff";
    case Role::kExport: return "export";
    case Role::kAdmin: return "admin";
  }
  return "staff";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "staff") return Role::kStaff;
  if (name == "export") return Role::kExport;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

const char* DefaultPurpose(Role r) {
  switch (r) {
    case Role::kStaff: return "review";
    case Role::kExport: return "export";
    case Role::kAdmin: return "administration";
  }
  return "review";
}

bool IsValidPrincipalName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' || c == '-')) return false;
  return true;
}

std::string TokenHash(std::string_view token) { return HexLower(Sha256(token)); }

Result<std::string> NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return MakeError(ErrorCode::kInternal, "random_failed", "the random generator failed");
  std::string token(kTokenPrefix);
  token += HexLower(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  OPENSSL_cleanse(bytes, sizeof bytes);
  return token;
}

Result<std::string> AddPrincipal(const std::string& path, const std::string& name, Role role) {
  if (!IsValidPrincipalName(name))
    return MakeError(ErrorCode::kInvalidArgument, "bad_principal_name",
                     "a principal name is 1 to 64 of letters, digits and . _ @ -");
  std::string text = kFileHeader;
  if (std::error_code ec; fs::exists(path, ec)) {
    auto existing = ReadText(path);
    if (!existing) return std::unexpected(existing.error());
    auto entries = ParseTokens(*existing, path);
    if (!entries) return std::unexpected(entries.error());
    for (const Entry& e : *entries)
      if (e.principal.name == name)
        return MakeError(ErrorCode::kAlreadyExists, "principal_exists",
                         "a principal named " + name + " exists; remove its entry from " + path + " to replace it");
    text = std::move(*existing);
    if (!text.empty() && text.back() != '\n') text.push_back('\n');
    if (entries->empty() && text.find("principals:") == std::string::npos) text += "principals:\n";
  } else {
    const fs::path dir = fs::path(path).parent_path();
    if (!dir.empty() && !fs::exists(dir, ec)) {
      fs::create_directories(dir, ec);
      if (ec) return MakeError(ErrorCode::kUnavailable, "tokens_dir_failed", "cannot create " + dir.string() + ": " + ec.message());
      fs::permissions(dir, fs::perms::owner_all, ec);
    }
  }
  auto token = NewToken();
  if (!token) return std::unexpected(token.error());
  text += "  - name: " + name + "\n    role: " + RoleName(role) + "\n    token_sha256: " + TokenHash(*token) + "\n";
  // The file is appended to as text (comments stay); it must still read back with the new entry.
  auto check = ParseTokens(text, path);
  if (!check || check->empty() || check->back().principal.name != name)
    return MakeError(ErrorCode::kInvalidArgument, "bad_tokens_file",
                     path + ": `principals` must be the file's last key to add to it");
  auto replaced = ReplaceFile(path, text);
  if (!replaced) return std::unexpected(replaced.error());
  return token;
}

struct TokenRegistry::State {
  std::string path;  // empty: fixed principals
  mutable std::mutex mu;
  mutable FileStamp stamp;
  mutable std::shared_ptr<const std::vector<Entry>> entries = std::make_shared<std::vector<Entry>>();

  // Reads the file again when it changed. Called with mu held.
  void Refresh() const {
    if (path.empty()) return;
    const FileStamp now = Stamp(path);
    if (now == stamp) return;
    stamp = now;
    if (!now.exists) {
      entries = std::make_shared<std::vector<Entry>>();
      return;
    }
    auto text = ReadText(path);
    auto parsed = text ? ParseTokens(*text, path) : Result<std::vector<Entry>>(std::unexpected(text.error()));
    if (!parsed) {
      log::Error("api_tokens_unreadable", "code={} kept={}", parsed.error().reason, entries->size());
      return;
    }
    entries = std::make_shared<std::vector<Entry>>(std::move(*parsed));
    log::Info("api_tokens_loaded", "principals={}", entries->size());
  }
};

TokenRegistry::TokenRegistry() : state_(std::make_unique<State>()) {}
TokenRegistry::~TokenRegistry() = default;

Result<std::unique_ptr<TokenRegistry>> TokenRegistry::Open(const std::string& path) {
  std::unique_ptr<TokenRegistry> r(new TokenRegistry());
  r->state_->path = path;
  r->state_->stamp = Stamp(path);
  if (r->state_->stamp.exists) {
    auto text = ReadText(path);
    if (!text) return std::unexpected(text.error());
    auto parsed = ParseTokens(*text, path);
    if (!parsed) return std::unexpected(parsed.error());
    r->state_->entries = std::make_shared<std::vector<Entry>>(std::move(*parsed));
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
      log::Warn("api_tokens_file_mode", "mode={:o} want=600", st.st_mode & 0777);
  }
  return r;
}

std::unique_ptr<TokenRegistry> TokenRegistry::ForPrincipals(std::vector<std::pair<Principal, std::string>> entries) {
  std::unique_ptr<TokenRegistry> r(new TokenRegistry());
  auto list = std::make_shared<std::vector<Entry>>();
  for (auto& [principal, hex] : entries)
    if (auto raw = Unhex(hex); raw && raw->size() == 32 /* SHA-256 */) list->push_back(Entry{std::move(principal), *raw});
  r->state_->entries = std::move(list);
  return r;
}

Result<Principal> TokenRegistry::Authenticate(std::string_view authorization) const {
  auto unauthenticated = [](const char* reason, const char* message) {
    return MakeError(ErrorCode::kUnauthenticated, reason, message);
  };
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      ::strncasecmp(authorization.data(), kScheme.data(), kScheme.size()) != 0)
    return unauthenticated("missing_token", "send Authorization: Bearer <token>");
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.size() > kMaxTokenChars) return unauthenticated("invalid_token", "the bearer token is not valid");

  std::shared_ptr<const std::vector<Entry>> entries;
  {
    std::lock_guard lock(state_->mu);
    state_->Refresh();
    entries = state_->entries;
  }
  const std::string presented = Sha256(token);
  // Every entry is compared, each in constant time, so timing tells nothing about which
  // (or whether one) matched.
  const Entry* found = nullptr;
  for (const Entry& e : *entries) {
    const bool equal = ConstantTimeEquals(e.hash, presented);
    if (equal) found = &e;
  }
  if (found == nullptr) return unauthenticated("invalid_token", "the bearer token is not valid");
  return found->principal;
}

size_t TokenRegistry::size() const {
  std::lock_guard lock(state_->mu);
  state_->Refresh();
  return state_->entries->size();
}

}  // namespace faxintake::server
