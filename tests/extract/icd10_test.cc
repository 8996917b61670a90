// The ICD-10-CM code table and the choice among OCR readings of a printed code.
#include "extract/icd10.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace faxintake::extract {
namespace {

TEST(Icd10Table, CommonTableKnowsReferralCodesButIsNotComplete) {
  auto t = Icd10Table::Common();
  EXPECT_FALSE(t->complete());
  EXPECT_GT(t->size(), 300u);
  EXPECT_TRUE(t->Title("I10").has_value());
  EXPECT_EQ(*t->Title("E11.9"), "Type 2 diabetes mellitus without complications");
  EXPECT_FALSE(t->Title("I19").has_value());
  EXPECT_FALSE(t->Title("E119").has_value());  // codes are kept with their dot
}

TEST(Icd10Table, TitleBesideTheCodeDecidesBetweenRealReadings) {
  auto t = Icd10Table::Common();
  // E11.9 read as F11.9 (not in the table) or as F32.4 for F32.A (both real codes).
  auto c = t->Resolve("F11.9", "F11.9 - Type 2 diabetes mellitus without complications");
  EXPECT_EQ(c.code, "E11.9");
  EXPECT_TRUE(c.changed);
  c = t->Resolve("F32.4", "Diagnosis: F32.4 - Depression, unspecified");
  EXPECT_EQ(c.code, "F32.A");
  c = t->Resolve("I45.909", "I45.909 Unspecified asthma, uncomplicated");
  EXPECT_EQ(c.code, "J45.909");
}

TEST(Icd10Table, TitleAfterAnUnreadableCodeNamesTheCodeItLooksLike) {
  auto t = Icd10Table::Common();
  // The dot lost and I read as 1; I read as i twice; L read as "1."; E read as a bracket;
  // a digit read twice.
  EXPECT_EQ(t->FromTitle("1509", "Heart failure, unspecified; F411"), "I50.9");
  EXPECT_EQ(t->FromTitle("ii0", "Essential (primary) hypertension"), "I10");
  EXPECT_EQ(t->FromTitle("1.40.0", "Psoriasis vulgaris"), "L40.0");
  EXPECT_EQ(t->FromTitle("[11.9", "Type 2 diabetes mellitus without complications"), "E11.9");
  EXPECT_EQ(t->FromTitle("M00.69", "Rheumatoid arthritis, unspecified"), "M06.9");
  // E read as a dash: E11.9 and E11.8 look alike and both titles are fully printed; the
  // printed "without" is E11.9's.
  EXPECT_EQ(t->FromTitle("\xE2\x80\x94" "11.9", "Type 2 diabetes mellitus without complications"), "E11.9");
  // The title must name the code, and the code must look like what was printed.
  EXPECT_EQ(t->FromTitle("1509", "Essential (primary) hypertension"), std::nullopt);
  EXPECT_EQ(t->FromTitle("1509", "Heart"), std::nullopt);  // one word of two is not enough
  EXPECT_EQ(t->FromTitle("K21.9", "Heart failure, unspecified"), std::nullopt);
  EXPECT_EQ(t->FromTitle("1509", ""), std::nullopt);
  // Two slips (the D of D50.9 read as two glyphs, "19509") only under the whole title and
  // nothing else.
  EXPECT_EQ(t->FromTitle("19509", "Iron deficiency anemia, unspecified"), "D50.9");
  EXPECT_EQ(t->FromTitle("19509", "Iron deficiency anemia, unspecified, severe"), std::nullopt);
  // A title shared by several look-alike readings names none of them; demanding every
  // word of the title keeps a near title from standing in for it.
  EXPECT_EQ(t->FromTitle("E11.69", "Type 2 diabetes mellitus with other specified complication", 1.0), std::nullopt);
}

TEST(Icd10Table, KnownReadingStaysWithoutContraryTitle) {
  auto t = Icd10Table::Common();
  auto c = t->Resolve("E11.9", "E11.9 - Type 2 diabetes mellitus without complications");
  EXPECT_EQ(c.code, "E11.9");
  EXPECT_FALSE(c.changed);
  c = t->Resolve("F32.4", "");  // a real code, nothing printed beside it: kept
  EXPECT_EQ(c.code, "F32.4");
  EXPECT_FALSE(c.changed);
}

TEST(Icd10Table, UnknownReadingIsRepairedOnlyWhenItsCategoryIsUnknownToo) {
  auto t = Icd10Table::Common();
  // No I19 category exists; the only real code one confusion away is I10.
  auto c = t->Resolve("I19", "");
  EXPECT_EQ(c.code, "I10");
  EXPECT_TRUE(c.changed);
  // E11.69 is a real code the common table lacks; category E11 is known, so it is kept.
  c = t->Resolve("E11.69", "");
  EXPECT_EQ(c.code, "E11.69");
  EXPECT_FALSE(c.changed);
  EXPECT_FALSE(c.known);
}

class Icd10FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("icd10_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(Icd10FileTest, LoadsTheCmsCodeFileAsACompleteTable) {
  const std::string path = Write("icd10cm_codes.txt",
                                 "E119    Type 2 diabetes mellitus without complications\n"
                                 "E1169   Type 2 diabetes mellitus with other specified complication\n"
                                 "I10     Essential (primary) hypertension\n"
                                 "not a code line\n");
  auto t = Icd10Table::Load(path);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE((*t)->complete());
  EXPECT_EQ((*t)->size(), 3u);
  EXPECT_TRUE((*t)->Title("E11.69").has_value());
  // With a complete table an unknown reading with one real neighbour is repaired.
  EXPECT_EQ((*t)->Resolve("E11.6", "").code, "E11.6");  // no neighbour: kept
  EXPECT_EQ((*t)->Resolve("I19", "").code, "I10");
}

TEST_F(Icd10FileTest, TabSeparatedLinesWithDotsLoadToo) {
  auto t = Icd10Table::Load(Write("codes.tsv", "J45.909\tUnspecified asthma, uncomplicated\n"));
  ASSERT_TRUE(t);
  EXPECT_TRUE((*t)->Title("J45.909").has_value());
}

TEST_F(Icd10FileTest, MissingOrEmptyFilesAreErrors) {
  auto missing = Icd10Table::Load((dir_ / "nope.txt").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition);
  auto empty = Icd10Table::Load(Write("empty.txt", "hello\nworld\n"));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace faxintake::extract
