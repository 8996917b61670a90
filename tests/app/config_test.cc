// Loading the service configuration: the store's matching thresholds and the retention policy.
#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace faxintake::app {
namespace {

using faxintake::testing::TempDir;
using faxintake::testing::WriteConfig;

TEST(Config, TheShippedFileHasTheMatcherDefaultsAndKeepsRawFaxesForever) {
  TempDir dir;
  auto c = LoadConfig(WriteConfig(dir.path(), {}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const store::match::MatchOptions defaults;
  EXPECT_EQ(c->match.auto_threshold, defaults.auto_threshold);
  EXPECT_EQ(c->match.review_threshold, defaults.review_threshold);
  EXPECT_EQ(c->match.max_review_candidates, defaults.max_review_candidates);
  EXPECT_EQ(c->retention_raw_days, 0);
}

TEST(Config, CharacterAlternativesAreOnByDefaultAndCanBeTurnedOff) {
  TempDir dir;
  auto c = LoadConfig(WriteConfig(dir.path(), {}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->processor.ocr.char_choice_iterations, 3);
  TempDir off_dir;
  auto off = LoadConfig(WriteConfig(off_dir.path(), {{"char_choice_iterations: 3", "char_choice_iterations: 0"}}));
  ASSERT_TRUE(off.has_value()) << off.error().message;
  EXPECT_EQ(off->processor.ocr.char_choice_iterations, 0);
}

TEST(Config, RuledFormGapFillingIsReadAndCanBeTurnedOff) {
  TempDir dir;
  auto c = LoadConfig(WriteConfig(dir.path(), {}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(c->processor.ocr.cleanup.fill_ruled_gaps);
  EXPECT_EQ(c->processor.ocr.gap_fill.min_confidence, 0.7);
  TempDir off_dir;
  auto off = LoadConfig(WriteConfig(off_dir.path(), {{"fill_ruled_gaps: true", "fill_ruled_gaps: false"},
                                                     {"gap_min_confidence: 0.7", "gap_min_confidence: 0.8"}}));
  ASSERT_TRUE(off.has_value()) << off.error().message;
  EXPECT_FALSE(off->processor.ocr.cleanup.fill_ruled_gaps);
  EXPECT_EQ(off->processor.ocr.gap_fill.min_confidence, 0.8);
}

TEST(Config, IdentifierRereadingIsReadAndCanBeTurnedOff) {
  TempDir dir;
  auto c = LoadConfig(WriteConfig(dir.path(), {}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(c->processor.ocr.reread.enabled);
  EXPECT_EQ(c->processor.ocr.reread.below, 0.9);
  TempDir off_dir;
  auto off = LoadConfig(WriteConfig(off_dir.path(), {{"reread_identifiers: true", "reread_identifiers: false"},
                                                     {"reread_below: 0.9", "reread_below: 0.7"}}));
  ASSERT_TRUE(off.has_value()) << off.error().message;
  EXPECT_FALSE(off->processor.ocr.reread.enabled);
  EXPECT_EQ(off->processor.ocr.reread.below, 0.7);
  TempDir bad_dir;
  auto bad = LoadConfig(WriteConfig(bad_dir.path(), {{"reread_below: 0.9", "reread_below: 1.5"}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("ocr.reread_below"), std::string::npos);
}

TEST(Config, SecondModelIsReadAndCanBeTurnedOff) {
  TempDir dir;
  auto c = LoadConfig(WriteConfig(dir.path(), {}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->processor.ocr.second_language, "Latin");
  EXPECT_EQ(c->processor.ocr.second_tessdata_dir, "");
  TempDir off_dir;
  auto off = LoadConfig(WriteConfig(off_dir.path(), {{"second_model: Latin", "second_model: \"\"\n  second_model_dir: /opt/models"}}));
  ASSERT_TRUE(off.has_value()) << off.error().message;
  EXPECT_EQ(off->processor.ocr.second_language, "");
  EXPECT_EQ(off->processor.ocr.second_tessdata_dir, "/opt/models");
}

TEST(Config, MatchThresholdsAndRetentionDaysAreRead) {
  TempDir dir;
  auto c = LoadConfig(WriteConfig(dir.path(), {{"auto_threshold: 10.0", "auto_threshold: 12.5"},
                                               {"review_threshold: 5.0", "review_threshold: 6"},
                                               {"max_review_candidates: 5", "max_review_candidates: 3"},
                                               {"raw_days: 0", "raw_days: 90"}}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->match.auto_threshold, 12.5);
  EXPECT_EQ(c->match.review_threshold, 6);
  EXPECT_EQ(c->match.max_review_candidates, 3u);
  EXPECT_EQ(c->retention_raw_days, 90);
}

TEST(Config, AFileWithoutTheNewSectionsGetsTheDefaults) {
  TempDir dir;
  auto c = LoadConfig(WriteConfig(dir.path(), {{"  match:\n", "  unused_match:\n"}, {"retention:\n", "unused_retention:\n"}}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->match.auto_threshold, store::match::MatchOptions{}.auto_threshold);
  EXPECT_EQ(c->retention_raw_days, 0);
}

TEST(Config, BadThresholdsAndRetentionDaysNameTheirKey) {
  struct Case {
    const char* from;
    const char* to;
    const char* key;
  };
  const std::vector<Case> cases = {
      {"review_threshold: 5.0", "review_threshold: 11", "store.match.review_threshold"},  // above auto
      {"auto_threshold: 10.0", "auto_threshold: -1", "store.match.auto_threshold"},
      {"auto_threshold: 10.0", "auto_threshold: high", "store.match.auto_threshold"},
      {"max_review_candidates: 5", "max_review_candidates: 0", "store.match.max_review_candidates"},
      {"raw_days: 0", "raw_days: -3", "retention.raw_days"},
      {"raw_days: 0", "raw_days: [1]", "retention.raw_days"},
      {"char_choice_iterations: 3", "char_choice_iterations: 11", "ocr.char_choice_iterations"},
      {"char_choice_iterations: 3", "char_choice_iterations: -1", "ocr.char_choice_iterations"},
      {"char_choice_iterations: 3", "char_choice_iterations: many", "ocr.char_choice_iterations"},
      {"gap_min_confidence: 0.7", "gap_min_confidence: 1.5", "ocr.gap_min_confidence"},
      {"fill_ruled_gaps: true", "fill_ruled_gaps: sometimes", "ocr.fill_ruled_gaps"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.to);
    TempDir dir;
    auto c = LoadConfig(WriteConfig(dir.path(), {{k.from, k.to}}));
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(c.error().message.find(k.key), std::string::npos) << c.error().message;
  }
}

TEST(Config, AFullIcd10TableIsReadBesideTheFileAndMustExist) {
  TempDir dir;
  {
    std::ofstream(std::filesystem::path(dir.path()) / "icd10cm_codes.txt") << "I10     Essential (primary) hypertension\n";
  }
  auto c = LoadConfig(WriteConfig(dir.path(), {{"icd10_table: \"\"", "icd10_table: icd10cm_codes.txt"}}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(std::filesystem::path(c->processor.extract.icd10_table).filename(), "icd10cm_codes.txt");
  TempDir other;
  auto missing = LoadConfig(WriteConfig(other.path(), {{"icd10_table: \"\"", "icd10_table: nope.txt"}}));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("extract.icd10_table"), std::string::npos);
}

TEST(Config, AuthorizationPrefixesAreReadAndChecked) {
  TempDir dir;
  auto shipped = LoadConfig(WriteConfig(dir.path(), {}));
  ASSERT_TRUE(shipped.has_value()) << shipped.error().message;
  EXPECT_EQ(shipped->processor.extract.authorization_prefixes,
            (std::vector<std::string>{"UM", "PA", "PRA", "REF", "AUTH", "CERT"}));
  TempDir own_dir;
  auto own = LoadConfig(WriteConfig(own_dir.path(), {{"authorization_prefixes: [UM, PA, PRA, REF, AUTH, CERT]",
                                                  "authorization_prefixes: [XG, UM]"}}));
  ASSERT_TRUE(own.has_value()) << own.error().message;
  EXPECT_EQ(own->processor.extract.authorization_prefixes, (std::vector<std::string>{"XG", "UM"}));
  TempDir none_dir;
  auto none = LoadConfig(WriteConfig(none_dir.path(), {{"authorization_prefixes: [UM, PA, PRA, REF, AUTH, CERT]",
                                                   "authorization_prefixes: []"}}));
  ASSERT_TRUE(none.has_value()) << none.error().message;
  EXPECT_TRUE(none->processor.extract.authorization_prefixes.empty());
  for (const char* bad : {"[um]", "[U]", "[ABCDEFG]", "[U1]"}) {
    TempDir bad_dir;
    auto c = LoadConfig(WriteConfig(bad_dir.path(), {{"authorization_prefixes: [UM, PA, PRA, REF, AUTH, CERT]",
                                                  std::string("authorization_prefixes: ") + bad}}));
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_NE(c.error().message.find("extract.authorization_prefixes"), std::string::npos) << c.error().message;
  }
}

}  // namespace
}  // namespace faxintake::app
