#include "store/crypto.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <future>
#include <vector>

#include "tests/support/test_support.h"

namespace faxintake::store {
namespace {

StoreKey KeyOf(char digit) { return *StoreKey::FromHex(std::string(64, digit)); }

TEST(StoreKey, ParsesSixtyFourHexDigitsAndNothingElse) {
  auto key = StoreKey::FromHex(std::string(62, '0') + "Af");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->bytes()[31], 0xaf);
  EXPECT_EQ(key->ToHex(), std::string(62, '0') + "af");
  for (const std::string& bad : {std::string(63, '0'), std::string(66, '0'), std::string(63, '0') + "g"}) {
    SCOPED_TRACE(bad);
    auto parsed = StoreKey::FromHex(bad);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(Sealer, RoundTripsAndHidesThePlaintext) {
  const Sealer sealer = Sealer::Encrypting(KeyOf('1'));
  const std::string secret = "DOB 1931-07-23 QUIXOTEFERNSBY";
  auto sealed = sealer.Seal(secret, "faxes/fx_1");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->find("QUIXOTE"), std::string::npos);
  EXPECT_EQ(sealed->size(), secret.size() + 1 + 12 + 16);
  auto opened = sealer.Unseal(*sealed, "faxes/fx_1");
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, secret);
  // Random nonces: sealing twice never gives the same bytes.
  EXPECT_NE(*sealer.Seal(secret, "a"), *sealer.Seal(secret, "a"));
}

TEST(Sealer, RejectsTamperedMovedOrForeignValuesAsDataLoss) {
  const Sealer sealer = Sealer::Encrypting(KeyOf('1'));
  const std::string sealed = *sealer.Seal("payload", "ocr/key-1");
  struct Case {
    const char* name;
    std::string value;
    std::string aad;
    const Sealer* by;
  };
  std::string flipped = sealed;
  flipped[20] ^= 0x01;
  const Sealer other = Sealer::Encrypting(KeyOf('2'));
  const Sealer plaintext = Sealer::Plaintext();
  const Case cases[] = {
      {"flipped bit", flipped, "ocr/key-1", &sealer},
      {"moved to another key", sealed, "ocr/key-2", &sealer},
      {"truncated", sealed.substr(0, 20), "ocr/key-1", &sealer},
      {"other key", sealed, "ocr/key-1", &other},
      {"empty", "", "ocr/key-1", &sealer},
      {"plaintext in encrypted store", *plaintext.Seal("payload", "x"), "x", &sealer},
      {"encrypted in plaintext store", sealed, "ocr/key-1", &plaintext},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto opened = c.by->Unseal(c.value, c.aad);
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code, ErrorCode::kDataLoss);
  }
}

TEST(Sealer, PlaintextModeStoresValuesAsIs) {
  const Sealer sealer = Sealer::Plaintext();
  EXPECT_FALSE(sealer.encrypted());
  auto sealed = sealer.Seal("visible", "k");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_NE(sealed->find("visible"), std::string::npos);
  EXPECT_EQ(*sealer.Unseal(*sealed, "other aad"), "visible");
}

TEST(Sealer, IndexHashesAreKeyedStableAndSixteenBytes) {
  const Sealer a = Sealer::Encrypting(KeyOf('1'));
  const Sealer b = Sealer::Encrypting(KeyOf('2'));
  EXPECT_EQ(a.IndexHash("gateway-42").size(), 16u);
  EXPECT_EQ(a.IndexHash("gateway-42"), Sealer::Encrypting(KeyOf('1')).IndexHash("gateway-42"));
  EXPECT_NE(a.IndexHash("gateway-42"), b.IndexHash("gateway-42"));
  EXPECT_NE(a.IndexHash("gateway-42"), a.IndexHash("gateway-43"));
  EXPECT_NE(a.KeyCheck(), b.KeyCheck());
  EXPECT_EQ(a.KeyCheck().find(KeyOf('1').ToHex()), std::string::npos);
}

TEST(KeyFile, LoadOrCreateKeyCreatesAPrivateFileOnceAndThenReadsIt) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "var" / "store.key").string();
  auto created = LoadOrCreateKey(path);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(testing::ReadFile(path), created->ToHex() + "\n");
  auto again = LoadOrCreateKey(path);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->bytes(), created->bytes());
}

TEST(KeyFile, ConcurrentCreatorsAllGetTheSameKey) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "store.key").string();
  std::vector<std::future<Result<StoreKey>>> futures;
  for (int i = 0; i < 8; ++i) futures.push_back(std::async(std::launch::async, [&] { return LoadOrCreateKey(path); }));
  std::vector<std::string> keys;
  for (auto& f : futures) {
    auto key = f.get();
    ASSERT_TRUE(key.has_value()) << key.error().message;
    keys.push_back(key->ToHex());
  }
  for (const std::string& k : keys) EXPECT_EQ(k, keys.front());
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u) << "temporary files were left behind";
}

TEST(KeyFile, ReadsRawThirtyTwoByteKeys) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "raw.key").string();
  testing::WriteFile(path, std::string(32, '\x11'));
  ::chmod(path.c_str(), 0600);
  auto key = LoadKeyFile(path);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->ToHex(), std::string(64, '1'));
}

TEST(KeyFile, RefusesMissingReadableByOthersOrMalformedFiles) {
  testing::TempDir dir;
  const std::string good = std::string(64, 'a') + "\n";
  struct Case {
    const char* name;
    std::optional<std::string> content;
    mode_t mode;
    ErrorCode code;
    const char* reason;
  };
  const Case cases[] = {
      {"missing", std::nullopt, 0600, ErrorCode::kNotFound, "key_file_missing"},
      {"group readable", good, 0640, ErrorCode::kFailedPrecondition, "key_file_permissions"},
      {"world readable", good, 0604, ErrorCode::kFailedPrecondition, "key_file_permissions"},
      {"too short", std::string(40, 'a'), 0600, ErrorCode::kFailedPrecondition, "key_file_invalid"},
      {"not hex", std::string(64, 'z'), 0600, ErrorCode::kFailedPrecondition, "key_file_invalid"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = (dir.path() / c.name).string();
    if (c.content) {
      testing::WriteFile(path, *c.content);
      ::chmod(path.c_str(), c.mode);
    }
    auto key = LoadKeyFile(path);
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().code, c.code);
    EXPECT_EQ(key.error().reason, c.reason);
    // LoadOrCreateKey must not paper over a bad existing file.
    if (c.content) {
      auto created = LoadOrCreateKey(path);
      ASSERT_FALSE(created.has_value());
      EXPECT_EQ(created.error().code, c.code);
    }
  }
}

TEST(KeyEnv, ReadsHexFromTheNamedVariable) {
  ::setenv("FAXINTAKE_TEST_KEY", (std::string(64, 'b') + "\n").c_str(), 1);
  auto key = LoadKeyFromEnv("FAXINTAKE_TEST_KEY");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->ToHex(), std::string(64, 'b'));
  ::setenv("FAXINTAKE_TEST_KEY", "nope", 1);
  EXPECT_EQ(LoadKeyFromEnv("FAXINTAKE_TEST_KEY").error().code, ErrorCode::kFailedPrecondition);
  ::unsetenv("FAXINTAKE_TEST_KEY");
  EXPECT_EQ(LoadKeyFromEnv("FAXINTAKE_TEST_KEY").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace faxintake::store
