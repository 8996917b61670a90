#include "pipeline/base64.h"

#include <cstdint>

namespace faxintake {
namespace {

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

// Written out rather than OpenSSL's EVP_DecodeBlock, which keeps padding as zero bytes and
// accepts garbage after the padding.
std::optional<std::string> Base64Decode(std::string_view text, bool require_padding) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0, quads = 0, padding = 0;
  for (unsigned char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      ++quads;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    const int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    ++quads;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (padding > 2) return std::nullopt;
  if (require_padding ? quads % 4 != 0 : bits >= 6) return std::nullopt;
  return out;
}

}  // namespace faxintake
