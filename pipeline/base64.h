// Base64 decoding of untrusted text (gateway webhooks, SRFax answers): the standard
// alphabet, whitespace skipped, nothing accepted after the padding.
//
// Thread-safety: a pure function, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace faxintake {

// The decoded bytes, or nullopt for anything malformed. With `require_padding` the text must
// be whole groups of four characters ("aGVsbG8="); without it the padding may be left off
// ("aGVsbG8"), but a length no base64 text can have is still refused.
std::optional<std::string> Base64Decode(std::string_view text, bool require_padding = true);

}  // namespace faxintake
