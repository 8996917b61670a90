// The wire formats webhooks arrive in, parsed from the raw bytes: multipart/form-data,
// application/x-www-form-urlencoded and HTTP Basic credentials. Written for untrusted input:
// malformed input is an error, never a crash, and nothing here allocates more than a small
// multiple of the input.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/status.h"

namespace faxintake::server {

struct FormPart {
  std::string name;
  std::string filename;      // empty for plain fields
  bool is_file = false;      // the part had a `filename` parameter
  std::string content_type;  // as sent, may be empty
  std::string content;
};

// Parses a multipart/form-data body, given the request's Content-Type (which carries the
// boundary). Parts come back in the order sent.
// Errors: kInvalidArgument for a missing boundary, a malformed part or more than 256 parts.
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body);

// Parses name=value&... with percent-decoding and '+' as space, in the order sent.
// Errors: kInvalidArgument for a malformed percent escape.
Result<std::vector<std::pair<std::string, std::string>>> ParseUrlEncoded(std::string_view body);

// The user and password of an `Authorization: Basic ...` header value; nullopt when it is
// not Basic or not valid base64 of "user:password".
std::optional<std::pair<std::string, std::string>> ParseBasicAuth(std::string_view header_value);

// The media type of a Content-Type value, lower-cased, without parameters.
std::string MediaType(std::string_view content_type);

// The first part named `name`, or nullptr.
const FormPart* FindPart(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace faxintake::server
