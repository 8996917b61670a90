#include "store/crypto.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace faxintake::store {
namespace {

// Stored value layout: one format byte, then the payload.
//   0x00 plaintext | bytes
//   0x01 AES-256-GCM, master key generation 1 | 12-byte nonce | ciphertext | 16-byte tag
// A later key rotation adds format bytes for new generations rather than changing these.
constexpr uint8_t kFormatPlaintext = 0x00;
constexpr uint8_t kFormatGcmV1 = 0x01;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kIndexHashBytes = 16;

using Digest = std::array<uint8_t, 32>;

Digest HmacSha256(const uint8_t* key, size_t key_len, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key, static_cast<int>(key_len), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out.data(), &len) == nullptr ||
      len != out.size())
    std::abort();  // only on allocation failure inside OpenSSL; a wrong hash would corrupt indexes
  return out;
}

std::string Hex(const uint8_t* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace

// ------------------------------------------------------------------ StoreKey

StoreKey::~StoreKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Result<StoreKey> StoreKey::FromHex(std::string_view hex) {
  if (hex.size() != kStoreKeyBytes * 2)
    return MakeError(ErrorCode::kInvalidArgument, "bad_key", "a store key is 64 hex digits");
  StoreKey key;
  for (size_t i = 0; i < kStoreKeyBytes; ++i) {
    const int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return MakeError(ErrorCode::kInvalidArgument, "bad_key", "a store key is 64 hex digits");
    key.bytes_[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return key;
}

Result<StoreKey> StoreKey::Generate() {
  StoreKey key;
  if (RAND_bytes(key.bytes_.data(), static_cast<int>(key.bytes_.size())) != 1)
    return MakeError(ErrorCode::kInternal, "rand_failed", "OpenSSL could not generate a key");
  return key;
}

std::string StoreKey::ToHex() const { return Hex(bytes_.data(), bytes_.size()); }

// ------------------------------------------------------------------ key files

Result<StoreKey> LoadKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return MakeError(ErrorCode::kNotFound, "key_file_missing", "no key file at " + path);
    return MakeError(ErrorCode::kUnavailable, "key_file_unreadable",
                     "cannot stat key file " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode))
    return MakeError(ErrorCode::kFailedPrecondition, "key_file_invalid", "key file is not a regular file: " + path);
  if ((st.st_mode & 077) != 0)
    return MakeError(ErrorCode::kFailedPrecondition, "key_file_permissions",
                     "key file " + path + " is accessible to group or others; chmod 600 it");
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnavailable, "key_file_unreadable", "cannot open key file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  Result<StoreKey> key = std::unexpected(Error{});
  if (content.size() == kStoreKeyBytes) {
    std::string hex = Hex(reinterpret_cast<const uint8_t*>(content.data()), content.size());
    key = StoreKey::FromHex(hex);
    Wipe(hex);
  } else {
    key = StoreKey::FromHex(Trim(content));
  }
  Wipe(content);
  if (!key)
    return MakeError(ErrorCode::kFailedPrecondition, "key_file_invalid",
                     "key file " + path + " holds neither 64 hex digits nor 32 bytes");
  return key;
}

Result<StoreKey> LoadKeyFromEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0')
    return MakeError(ErrorCode::kNotFound, "key_env_missing", "environment variable " + name + " is not set");
  auto key = StoreKey::FromHex(Trim(value));
  if (!key)
    return MakeError(ErrorCode::kFailedPrecondition, "key_env_invalid",
                     "environment variable " + name + " does not hold 64 hex digits");
  return key;
}

namespace {

// Writes `content` to a fresh temp file beside `path` with mode 0600, syncs it, and links it
// into place; link(2) fails if `path` appeared meanwhile, so exactly one creator wins.
Result<void> CreateKeyFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec)
      return MakeError(ErrorCode::kUnavailable, "key_file_create_failed",
                       "cannot create folder " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(reinterpret_cast<uintptr_t>(&content));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return MakeError(ErrorCode::kUnavailable, "key_file_create_failed",
                     "cannot create " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t written = 0;
  while (ok && written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return MakeError(ErrorCode::kUnavailable, "key_file_create_failed",
                     "cannot write " + tmp + ": " + std::strerror(saved_errno));
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && link_errno != EEXIST)
    return MakeError(ErrorCode::kUnavailable, "key_file_create_failed",
                     "cannot create " + path + ": " + std::strerror(link_errno));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace

Result<StoreKey> LoadOrCreateKey(const std::string& path) {
  auto existing = LoadKeyFile(path);
  if (existing || existing.error().code != ErrorCode::kNotFound) return existing;
  auto fresh = StoreKey::Generate();
  if (!fresh) return fresh;
  std::string content = fresh->ToHex() + "\n";
  auto created = CreateKeyFileAtomically(path, content);
  Wipe(content);
  if (!created) return std::unexpected(created.error());
  // Read back rather than return `fresh`: a concurrent creator may have won the race.
  return LoadKeyFile(path);
}

// ------------------------------------------------------------------ Sealer

struct Sealer::Keys {
  bool encrypted = false;
  Digest value_key{};
  Digest index_key{};
  std::string key_check;
  ~Keys() {
    OPENSSL_cleanse(value_key.data(), value_key.size());
    OPENSSL_cleanse(index_key.data(), index_key.size());
  }
};

Sealer Sealer::Encrypting(const StoreKey& master) {
  // Separate keys per purpose (NIST SP 800-108 style derivation with HMAC-SHA256), so the
  // index hashes and the key check reveal nothing usable against the value key.
  auto keys = std::make_shared<Keys>();
  keys->encrypted = true;
  const auto& m = master.bytes();
  keys->value_key = HmacSha256(m.data(), m.size(), "faxintake.store.value-key.v1");
  keys->index_key = HmacSha256(m.data(), m.size(), "faxintake.store.index-key.v1");
  const Digest check = HmacSha256(m.data(), m.size(), "faxintake.store.key-check.v1");
  keys->key_check = Hex(check.data(), 16);
  return Sealer(std::move(keys));
}

Sealer Sealer::Plaintext() {
  auto keys = std::make_shared<Keys>();
  keys->encrypted = false;
  keys->index_key = HmacSha256(nullptr, 0, "faxintake.store.plaintext-index-key.v1");
  keys->key_check = "plaintext";
  return Sealer(std::move(keys));
}

bool Sealer::encrypted() const { return keys_->encrypted; }

std::string Sealer::KeyCheck() const { return keys_->key_check; }

std::string Sealer::IndexHash(std::string_view data) const {
  const Digest d = HmacSha256(keys_->index_key.data(), keys_->index_key.size(), data);
  return std::string(reinterpret_cast<const char*>(d.data()), kIndexHashBytes);
}

Result<std::string> Sealer::Seal(std::string_view plaintext, std::string_view aad) const {
  if (!keys_->encrypted) {
    std::string out;
    out.reserve(1 + plaintext.size());
    out.push_back(static_cast<char>(kFormatPlaintext));
    out.append(plaintext);
    return out;
  }
  if (plaintext.size() > static_cast<size_t>(INT_MAX) - 64 || aad.size() > static_cast<size_t>(INT_MAX))
    return MakeError(ErrorCode::kResourceExhausted, "value_too_large", "a stored value is limited to 2 GiB");
  std::string out(1 + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  p[0] = kFormatGcmV1;
  unsigned char* nonce = p + 1;
  unsigned char* cipher = nonce + kNonceBytes;
  unsigned char* tag = cipher + plaintext.size();
  // Random 96-bit nonces: safe for well over 2^32 values under one key by NIST's bound;
  // rotation (a new format byte) comes long before that.
  if (RAND_bytes(nonce, static_cast<int>(kNonceBytes)) != 1)
    return MakeError(ErrorCode::kInternal, "rand_failed", "OpenSSL could not generate a nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, keys_->value_key.data(), nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), cipher, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), tag) == 1;
  if (!ok) return MakeError(ErrorCode::kInternal, "encrypt_failed", "AES-256-GCM encryption failed");
  return out;
}

Result<std::string> Sealer::Unseal(std::string_view sealed, std::string_view aad) const {
  if (sealed.empty()) return MakeError(ErrorCode::kDataLoss, "value_truncated", "stored value is empty");
  const auto format = static_cast<uint8_t>(sealed[0]);
  if (format == kFormatPlaintext) {
    if (keys_->encrypted)
      return MakeError(ErrorCode::kDataLoss, "value_not_encrypted", "plaintext value in an encrypted store");
    return std::string(sealed.substr(1));
  }
  if (format != kFormatGcmV1)
    return MakeError(ErrorCode::kFailedPrecondition, "value_unknown_format", "value sealed in an unknown format");
  if (!keys_->encrypted)
    return MakeError(ErrorCode::kDataLoss, "value_encrypted", "encrypted value in a plaintext store");
  if (sealed.size() < 1 + kNonceBytes + kTagBytes || sealed.size() > static_cast<size_t>(INT_MAX) ||
      aad.size() > static_cast<size_t>(INT_MAX))
    return MakeError(ErrorCode::kDataLoss, "value_truncated", "stored value is truncated");
  const auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
  const unsigned char* nonce = p + 1;
  const unsigned char* cipher = nonce + kNonceBytes;
  const size_t cipher_len = sealed.size() - 1 - kNonceBytes - kTagBytes;
  const unsigned char* tag = cipher + cipher_len;
  std::string out(cipher_len, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, keys_->value_key.data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, cipher,
                        static_cast<int>(cipher_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          const_cast<unsigned char*>(tag)) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  if (!ok) {
    Wipe(out);
    return MakeError(ErrorCode::kDataLoss, "value_unauthentic", "stored value failed authentication");
  }
  return out;
}

}  // namespace faxintake::store
