// The change-of-patient split cue on hand-built pages read by the real extractor.
#include "pipeline/patient_split.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace faxintake {
namespace {

std::unique_ptr<extract::Extractor> MakeExtractor() {
  extract::ExtractorOptions options;
  options.today = "2026-03-01";
  auto e = extract::Extractor::Create(options);
  EXPECT_TRUE(e.has_value());
  return e ? std::move(*e) : nullptr;
}

PageResult Letter(int number, const std::string& name, const std::string& dob) {
  return testing::PageOfLines({"Dear Dr. Patel,", "I am referring my patient " + name + " (DOB " + dob +
                                   ") for evaluation of chest pain.",
                               "Sincerely,"},
                              number);
}

Document OneDocument(DocType type, std::vector<int> pages) {
  Document d;
  d.type = type;
  d.confidence = 0.8;
  d.pages = std::move(pages);
  return d;
}

std::vector<std::vector<int>> PagesOf(const std::vector<Document>& docs) {
  std::vector<std::vector<int>> out;
  for (const Document& d : docs) out.push_back(d.pages);
  return out;
}

TEST(SplitByPatient, TwoReferralLettersForTwoPatientsBecomeTwoDocuments) {
  auto extractor = MakeExtractor();
  ASSERT_TRUE(extractor);
  const std::vector<PageResult> pages = {Letter(1, "Maria Lopez", "03/04/1956"), Letter(2, "John Carter", "11/23/1971")};
  auto docs = SplitByPatient({OneDocument(DocType::kReferral, {1, 2})}, pages,
                             {DocType::kReferral, DocType::kReferral}, *extractor);
  EXPECT_EQ(PagesOf(docs), (std::vector<std::vector<int>>{{1}, {2}}));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].type, DocType::kReferral);
  EXPECT_DOUBLE_EQ(docs[1].confidence, 0.8);
}

TEST(SplitByPatient, OneSlipInTheNameOrTheBirthDateIsTheSamePatient) {
  auto extractor = MakeExtractor();
  ASSERT_TRUE(extractor);
  // The same patient with an OCR slip in the birth date (1956 read as 1958), then in the name.
  const std::vector<PageResult> pages = {Letter(1, "Maria Lopez", "03/04/1956"), Letter(2, "Maria Lopez", "03/04/1958"),
                                         Letter(3, "Maria L0pez", "03/04/1956")};
  auto docs = SplitByPatient({OneDocument(DocType::kReferral, {1, 2, 3})}, pages,
                             {DocType::kReferral, DocType::kReferral, DocType::kReferral}, *extractor);
  EXPECT_EQ(PagesOf(docs), (std::vector<std::vector<int>>{{1, 2, 3}}));
}

TEST(SplitByPatient, APageWithoutAPatientContinuesAndCoversAreLeftAlone) {
  auto extractor = MakeExtractor();
  ASSERT_TRUE(extractor);
  const std::vector<PageResult> pages = {
      testing::PageOfLines({"FAX", "To: Dr. Patel", "Pages: 3"}, 1), Letter(2, "Maria Lopez", "03/04/1956"),
      testing::PageOfLines({"History of present illness", "Chest pain on exertion for two weeks."}, 3),
      Letter(4, "John Carter", "11/23/1971")};
  auto docs = SplitByPatient({OneDocument(DocType::kFaxCover, {1}), OneDocument(DocType::kReferral, {2, 3, 4})},
                             pages, {DocType::kFaxCover, DocType::kReferral, DocType::kClinicalNote, DocType::kReferral},
                             *extractor);
  EXPECT_EQ(PagesOf(docs), (std::vector<std::vector<int>>{{1}, {2, 3}, {4}}));
}

TEST(SplitByPatient, AgreeingOnTheBirthDateKeepsPagesTogetherDespiteADifferentName) {
  auto extractor = MakeExtractor();
  ASSERT_TRUE(extractor);
  // A married name on the second page, same birth date: a person decides, not the splitter.
  const std::vector<PageResult> pages = {Letter(1, "Maria Lopez", "03/04/1956"), Letter(2, "Maria Carter", "03/04/1956")};
  auto docs = SplitByPatient({OneDocument(DocType::kReferral, {1, 2})}, pages,
                             {DocType::kReferral, DocType::kReferral}, *extractor);
  EXPECT_EQ(PagesOf(docs), (std::vector<std::vector<int>>{{1, 2}}));
}

TEST(SplitByPatient, ACompoundSurnameReadInPartIsNoOtherPatient) {
  auto extractor = MakeExtractor();
  ASSERT_TRUE(extractor);
  // Seed 118 s0098: a referral's second page, its header naming the patient by the last word
  // of his surname; the first page reads DE LA CRUZ.
  const auto continued = [&](const std::string& name) {
    const std::vector<PageResult> pages = {
        testing::PageOfLines({"Patient Name: DE LA CRUZ, ERIC", "DOB: 03/28/1968", "Reason for referral: chest pain"}, 1),
        testing::PageOfLines({"Patient Name: " + name, "Pertinent History", "57-year-old male with chest pain."}, 2)};
    return PagesOf(SplitByPatient({OneDocument(DocType::kReferral, {1, 2})}, pages,
                                  {DocType::kReferral, DocType::kReferral}, *extractor));
  };
  EXPECT_EQ(continued("CRUZ, ERIC"), (std::vector<std::vector<int>>{{1, 2}}));
  EXPECT_EQ(continued("PEREZ, ERIC"), (std::vector<std::vector<int>>{{1}, {2}}));
}

TEST(SplitByPatient, ANameReadFaintlyIsNoOtherPatient) {
  auto extractor = MakeExtractor();
  ASSERT_TRUE(extractor);
  // A continuation page whose header name was garbled by noise ("MY PRS" for MYERS at 0.18,
  // seed 100 s0089): the same letter read surely would start another patient's document.
  std::vector<PageResult> pages = {Letter(1, "Thomas Myers", "03/28/1963"), Letter(2, "Thomas Mypers", "11/23/1971")};
  auto sure = SplitByPatient({OneDocument(DocType::kReferral, {1, 2})}, pages,
                             {DocType::kReferral, DocType::kReferral}, *extractor);
  EXPECT_EQ(PagesOf(sure), (std::vector<std::vector<int>>{{1}, {2}}));
  for (Word& w : pages[1].text.words) w.confidence = 0.18;
  auto faint = SplitByPatient({OneDocument(DocType::kReferral, {1, 2})}, pages,
                              {DocType::kReferral, DocType::kReferral}, *extractor);
  EXPECT_EQ(PagesOf(faint), (std::vector<std::vector<int>>{{1, 2}}));
}

}  // namespace
}  // namespace faxintake
