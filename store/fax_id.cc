#include "store/fax_id.h"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>

namespace faxintake::store {
namespace {

std::array<unsigned char, 32> Sha256(std::string_view bytes) {
  std::array<unsigned char, 32> digest{};
  unsigned int len = 0;
  // EVP_Digest fails only on allocation failure or a broken OpenSSL build; neither is
  // recoverable here and an id must never silently be wrong.
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != digest.size())
    std::abort();
  return digest;
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  const auto digest = Sha256(bytes);
  return Hex(digest.data(), digest.size());
}

std::string FaxIdForBytes(std::string_view bytes) {
  const auto digest = Sha256(bytes);
  return std::string(kFaxIdPrefix) + Hex(digest.data(), 16);
}

bool IsValidFaxId(std::string_view id) {
  if (id.size() != kFaxIdLength || !id.starts_with(kFaxIdPrefix)) return false;
  for (char c : id.substr(kFaxIdPrefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace faxintake::store
