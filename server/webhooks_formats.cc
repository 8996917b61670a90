#include "server/webhooks_formats.h"

#include <algorithm>
#include <cctype>

#include "server/webhooks_crypto.h"

namespace faxintake::server {
namespace {

constexpr size_t kMaxParts = 256;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The value of parameter `name` in a header value like `form-data; name="a"; filename="b"`.
// Quoted values may contain ';' and escaped quotes.
std::optional<std::string> HeaderParam(std::string_view value, std::string_view name) {
  size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    const size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string key = Lower(Trim(value.substr(i, eq - i)));
    size_t j = eq + 1;
    std::string v;
    if (j < value.size() && value[j] == '"') {
      ++j;
      while (j < value.size() && value[j] != '"') {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        v.push_back(value[j++]);
      }
      if (j >= value.size()) return std::nullopt;  // unterminated quote
      ++j;
    } else {
      const size_t end = value.find(';', j);
      v = std::string(Trim(value.substr(j, end == std::string_view::npos ? std::string_view::npos : end - j)));
      j = end == std::string_view::npos ? value.size() : end;
    }
    if (key == name) return v;
    i = value.find(';', j);
  }
  return std::nullopt;
}

Result<FormPart> ParsePart(std::string_view raw) {
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string_view::npos)
    return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "a multipart part has no header end");
  FormPart part;
  bool disposition = false;
  std::string_view headers = raw.substr(0, header_end);
  while (!headers.empty()) {
    const size_t eol = headers.find("\r\n");
    const std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = Lower(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (key == "content-disposition") {
      disposition = true;
      auto name = HeaderParam(value, "name");
      if (!name) return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "a multipart part has no name");
      part.name = std::move(*name);
      if (auto filename = HeaderParam(value, "filename")) {
        part.is_file = true;
        part.filename = std::move(*filename);
      }
    } else if (key == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!disposition)
    return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "a multipart part has no Content-Disposition");
  part.content = std::string(raw.substr(header_end + 4));
  return part;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size())
        return MakeError(ErrorCode::kInvalidArgument, "bad_form", "a truncated percent escape");
      const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return MakeError(ErrorCode::kInvalidArgument, "bad_form", "a malformed percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::string MediaType(std::string_view content_type) {
  return Lower(Trim(content_type.substr(0, content_type.find(';'))));
}

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body) {
  if (MediaType(content_type) != "multipart/form-data")
    return MakeError(ErrorCode::kInvalidArgument, "not_multipart", "expected multipart/form-data");
  auto boundary = HeaderParam(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200)
    return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "multipart/form-data without a boundary");
  const std::string delimiter = "--" + *boundary;
  const std::string separator = "\r\n" + delimiter;

  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos || (pos != 0 && (pos < 2 || body.substr(pos - 2, 2) != "\r\n")))
    return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "the body does not start with the boundary");
  pos += delimiter.size();
  std::vector<FormPart> parts;
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // close delimiter
    // Transport padding after the delimiter, then CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n")
      return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "a boundary line is malformed");
    pos += 2;
    const size_t next = body.find(separator, pos);
    if (next == std::string_view::npos)
      return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "the multipart body is truncated");
    if (parts.size() >= kMaxParts)
      return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", "too many multipart parts");
    auto part = ParsePart(body.substr(pos, next - pos));
    if (!part) return std::unexpected(part.error());
    parts.push_back(std::move(*part));
    pos = next + separator.size();
  }
}

Result<std::vector<std::pair<std::string, std::string>>> ParseUrlEncoded(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq));
    if (!name) return std::unexpected(name.error());
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!value) return std::unexpected(value.error());
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::pair<std::string, std::string>> ParseBasicAuth(std::string_view header_value) {
  header_value = Trim(header_value);
  if (header_value.size() < 6 || Lower(header_value.substr(0, 6)) != "basic ") return std::nullopt;
  auto decoded = Base64Decode(Trim(header_value.substr(6)));
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

const FormPart* FindPart(const std::vector<FormPart>& parts, std::string_view name) {
  for (const FormPart& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace faxintake::server
