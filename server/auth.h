// Who is calling the staff and export API: principals with a role, known by the SHA-256 of
// their bearer token. The tokens file holds names, roles and hashes, never a token:
//
//   # faxintake API principals (faxintake add-token NAME ROLE). Tokens are never stored.
//   principals:
//     - name: alice
//       role: staff
//       token_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// A token is "fxt_" followed by 64 hex digits (256 random bits from OpenSSL RAND_bytes); the
// hash covers the whole token text. The fax upload and gateway webhook routes do not use this
// (they have their own machine authentication).
//
// Thread-safety: a TokenRegistry may be used from any number of threads; it re-reads its file
// when the file changes (so `faxintake add-token` takes effect without a restart).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/status.h"

namespace faxintake::server {

enum class Role { kStaff, kExport, kAdmin };
const char* RoleName(Role r);  // "staff", "export", "admin"
std::optional<Role> ParseRole(std::string_view name);
// The purpose recorded in the audit log when a request names none (X-Purpose): "review" for
// staff, "export" for export jobs, "administration" for admins.
const char* DefaultPurpose(Role r);

struct Principal {
  std::string name;
  Role role = Role::kStaff;
};

// True for a principal name the tokens file accepts: 1..64 of [A-Za-z0-9._@-].
bool IsValidPrincipalName(std::string_view name);

// The SHA-256 of `token` as 64 lower-case hex digits.
std::string TokenHash(std::string_view token);

// A new bearer token: "fxt_" + 64 hex digits from RAND_bytes. Errors: kInternal when the
// random generator fails.
Result<std::string> NewToken();

// Appends a principal with a new token to the tokens file at `path` (created with mode 0600,
// its folder with 0700, when missing) and returns the token, which exists nowhere else: the
// caller shows it once. Errors: kInvalidArgument for a bad name; kAlreadyExists when the name is
// taken; kInvalidArgument when the existing file is malformed; kUnavailable on I/O errors.
Result<std::string> AddPrincipal(const std::string& path, const std::string& name, Role role);

class TokenRegistry {
 public:
  // Reads the tokens file at `path`. A missing file is no principals (every request is then
  // unauthenticated) and is read again once it appears. Errors: kInvalidArgument when the file
  // is malformed (unknown role, bad hash, duplicate name or hash).
  static Result<std::unique_ptr<TokenRegistry>> Open(const std::string& path);
  // A registry over fixed principals (no file), for tests: (principal, token hash) pairs.
  static std::unique_ptr<TokenRegistry> ForPrincipals(std::vector<std::pair<Principal, std::string>> entries);
  ~TokenRegistry();
  TokenRegistry(const TokenRegistry&) = delete;
  TokenRegistry& operator=(const TokenRegistry&) = delete;

  // The principal whose token is the bearer token of `authorization` (the Authorization
  // header's value, "Bearer <token>"). The hash of the presented token is compared with every
  // principal's in constant time. Errors: kUnauthenticated when the header is missing or
  // malformed or the token unknown. When the file changed since it was last read it is read
  // again first; a file that became malformed keeps the principals last read (logged).
  Result<Principal> Authenticate(std::string_view authorization) const;

  size_t size() const;

 private:
  struct State;
  TokenRegistry();
  std::unique_ptr<State> state_;
};

}  // namespace faxintake::server
