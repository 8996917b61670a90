// Principals and bearer tokens of the staff and export API: the tokens file keeps hashes only,
// tokens are random, unknown or malformed credentials are refused, and a token added while the
// service runs is accepted without a restart.
#include "server/auth.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "tests/support/test_support.h"

namespace faxintake::server {
namespace {

namespace fs = std::filesystem;
using faxintake::testing::ReadFile;
using faxintake::testing::TempDir;
using faxintake::testing::WriteFile;

TEST(TokenHash, IsTheSha256OfTheTokenInLowerCaseHex) {
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(NewToken, IsAPrefixAnd256RandomBitsInHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto t = NewToken();
    ASSERT_TRUE(t.has_value());
    ASSERT_EQ(t->size(), 4u + 64u);
    EXPECT_TRUE(t->starts_with("fxt_"));
    EXPECT_EQ(t->find_first_not_of("0123456789abcdef", 4), std::string::npos);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(Roles, ParseAndDefaultPurposes) {
  EXPECT_TRUE(ParseRole("staff") == Role::kStaff);
  EXPECT_TRUE(ParseRole("export") == Role::kExport);
  EXPECT_TRUE(ParseRole("admin") == Role::kAdmin);
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_STREQ(DefaultPurpose(Role::kStaff), "review");
  EXPECT_STREQ(DefaultPurpose(Role::kExport), "export");
}

TEST(AddPrincipal, WritesOnlyTheHashToAFileOnlyTheOwnerCanRead) {
  TempDir tmp;
  const std::string path = (tmp.path() / "keys" / "api_tokens.yaml").string();
  auto alice = AddPrincipal(path, "alice", Role::kStaff);
  ASSERT_TRUE(alice.has_value()) << alice.error().message;
  auto job = AddPrincipal(path, "export:ehr", Role::kExport);
  EXPECT_FALSE(job.has_value());  // ':' is not allowed in a name
  EXPECT_EQ(job.error().code, ErrorCode::kInvalidArgument);
  auto ehr = AddPrincipal(path, "ehr-export", Role::kExport);
  ASSERT_TRUE(ehr.has_value());

  const std::string text = ReadFile(path);
  EXPECT_EQ(text.find(*alice), std::string::npos);
  EXPECT_EQ(text.find(alice->substr(4)), std::string::npos);
  EXPECT_NE(text.find(TokenHash(*alice)), std::string::npos);
  EXPECT_NE(text.find(TokenHash(*ehr)), std::string::npos);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((tmp.path() / "keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);

  auto again = AddPrincipal(path, "alice", Role::kAdmin);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(path), text);

  auto registry = TokenRegistry::Open(path);
  ASSERT_TRUE(registry.has_value()) << registry.error().message;
  EXPECT_EQ((*registry)->size(), 2u);
  auto who = (*registry)->Authenticate("Bearer " + *alice);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "alice");
  EXPECT_EQ(who->role, Role::kStaff);
  who = (*registry)->Authenticate("bearer  " + *ehr);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "ehr-export");
  EXPECT_EQ(who->role, Role::kExport);
}

TEST(TokenRegistry, RefusesMissingMalformedAndUnknownCredentials) {
  auto token = NewToken();
  ASSERT_TRUE(token.has_value());
  auto registry = TokenRegistry::ForPrincipals({{Principal{"alice", Role::kStaff}, TokenHash(*token)}});
  const std::string other = *NewToken();
  for (const std::string& header : {std::string(""), std::string("Bearer"), std::string("Bearer "),
                                    "Basic " + *token, *token, "Bearer " + other, "Bearer " + TokenHash(*token),
                                    "Bearer " + token->substr(0, token->size() - 1), "Bearer " + std::string(300, 'a')}) {
    SCOPED_TRACE(header);
    auto r = registry->Authenticate(header);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r.error().message.find(*token), std::string::npos);
  }
  EXPECT_TRUE(registry->Authenticate("Bearer " + *token).has_value());
}

TEST(TokenRegistry, AMissingFileIsNoPrincipalsAndATokenAddedLaterIsAcceptedWithoutARestart) {
  TempDir tmp;
  const std::string path = (tmp.path() / "api_tokens.yaml").string();
  auto registry = TokenRegistry::Open(path);
  ASSERT_TRUE(registry.has_value());
  EXPECT_EQ((*registry)->size(), 0u);
  auto token = AddPrincipal(path, "bob", Role::kAdmin);
  ASSERT_TRUE(token.has_value());
  auto who = (*registry)->Authenticate("Bearer " + *token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "bob");
  EXPECT_EQ(who->role, Role::kAdmin);
  // A file broken by hand later keeps the principals last read.
  WriteFile(path, "principals: [ {name: bob, role: superuser, token_sha256: 00} ]\n");
  EXPECT_TRUE((*registry)->Authenticate("Bearer " + *token).has_value());
}

TEST(TokenRegistry, AMalformedFileIsRefusedNamingTheEntry) {
  TempDir tmp;
  const std::string hash = TokenHash("x");
  const struct {
    const char* name;
    std::string text;
    std::string mentions;
  } cases[] = {
      {"unknown role", "principals:\n  - {name: a, role: root, token_sha256: " + hash + "}\n", "principals[0].role"},
      {"short hash", "principals:\n  - {name: a, role: staff, token_sha256: abc}\n", "token_sha256"},
      {"no name", "principals:\n  - {role: staff, token_sha256: " + hash + "}\n", "principals[0].name"},
      {"duplicate name",
       "principals:\n  - {name: a, role: staff, token_sha256: " + hash + "}\n  - {name: a, role: admin, token_sha256: " +
           TokenHash("y") + "}\n",
       "principals[1].name"},
      {"duplicate hash",
       "principals:\n  - {name: a, role: staff, token_sha256: " + hash + "}\n  - {name: b, role: admin, token_sha256: " +
           hash + "}\n",
       "principals[1].token_sha256"},
      {"not a list", "principals: alice\n", "must be a list"},
      {"not yaml", "principals: [\n", "api_tokens.yaml"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path path = tmp.path() / "api_tokens.yaml";
    WriteFile(path, c.text);
    auto r = TokenRegistry::Open(path.string());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.mentions), std::string::npos) << r.error().message;
    auto added = AddPrincipal(path.string(), "z", Role::kStaff);
    EXPECT_FALSE(added.has_value());
  }
}

}  // namespace
}  // namespace faxintake::server
