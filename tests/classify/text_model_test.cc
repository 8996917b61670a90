#include "classify/text_model.h"

#include <gtest/gtest.h>


#include "classify/blend.h"
#include "tests/support/test_support.h"

namespace faxintake::classify {
namespace {

PageResult MakePage(const std::vector<std::string>& lines, int top = 150) {
  return testing::PageOfLines(lines, /*number=*/1, top);
}

std::vector<TrainingExample> HandWrittenExamples() {
  const std::vector<std::pair<DocType, std::vector<std::string>>> pages = {
      {DocType::kFaxCover, {"FAX", "To: Orthopedic Clinic", "Pages including cover: 3", "Confidentiality notice"}},
      {DocType::kFaxCover, {"FACSIMILE", "From: Valley Medicine", "Number of pages: 2", "If received in error"}},
      {DocType::kLabResult, {"LABORATORY REPORT", "Collected: 03/04/2026", "Glucose 98 mg/dL 70-99", "Hemoglobin A1c 5.6 %"}},
      {DocType::kLabResult, {"LAB REPORT", "Specimen collected 01/02/2026", "Sodium 140 mmol/L", "Potassium 4.1 mmol/L"}},
      {DocType::kReferral, {"REFERRAL FORM", "Reason for referral: knee pain", "Referring provider: Dr. Smith"}},
      {DocType::kReferral, {"Referral Request", "Referred to: Orthopedics", "Reason for referral: hip pain"}},
  };
  std::vector<TrainingExample> out;
  for (int copy = 0; copy < 10; ++copy)
    for (const auto& [type, lines] : pages) out.push_back({type, PageFeatures(MakePage(lines))});
  return out;
}

TEST(PageFeaturesTest, NormalizesDigitsDropsTheHeaderLineAndMarksTheTop) {
  PageResult p = MakePage({"MAR 03 2026 10:42AM FROM: VALLEY 5125550142 P.002/005"}, 20);
  PageResult body = MakePage({"LABORATORY REPORT", "Glucose 98 mg/dL"});
  p.text.lines.insert(p.text.lines.end(), body.text.lines.begin(), body.text.lines.end());
  const std::string f = PageFeatures(p);
  EXPECT_EQ(f.find("valley"), std::string::npos) << "the sending machine's header line is no feature";
  EXPECT_EQ(f.find("98"), std::string::npos);
  EXPECT_NE(f.find("glucose <d> mg dl"), std::string::npos) << f;
  EXPECT_NE(f.find("__top__laboratory"), std::string::npos) << f;
  EXPECT_EQ(f.rfind("__wc_1__", 0), 0u) << f;
  EXPECT_EQ(PageFeatures(PageResult{}), "__wc_0__");
}

TEST(TextModelTest, TrainsPredictsAndRoundTripsThroughAFile) {
  testing::TempDir tmp;
  TrainOptions options;
  options.bucket = 2000;
  auto model = TextModel::Train(HandWrittenExamples(), options, tmp.path().string());
  ASSERT_TRUE(model.has_value()) << model.error().message;

  const PageResult lab = MakePage({"LABORATORY REPORT", "Glucose 101 mg/dL", "Collected 02/02/2026"});
  const TypeProbabilities p = (*model)->PredictPage(lab);
  double sum = 0;
  for (double v : p) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-3);
  EXPECT_GT(p[static_cast<int>(DocType::kLabResult)], 0.5);
  EXPECT_GT((*model)->PredictPage(MakePage({"FAX", "Number of pages: 4"}))[static_cast<int>(DocType::kFaxCover)], 0.5);
  // No file is left behind in the work dir.
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));

  const std::string file = (tmp.path() / "m.ftz").string();
  ASSERT_TRUE((*model)->Save(file).has_value());
  auto loaded = TextModel::Load(file);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  const TypeProbabilities q = (*loaded)->PredictPage(lab);
  for (int i = 0; i < kDocTypeCount; ++i) EXPECT_NEAR(p[i], q[i], 1e-6);
}

TEST(TextModelTest, TrainingIsReproducible) {
  testing::TempDir tmp;
  TrainOptions options;
  options.bucket = 2000;
  auto a = TextModel::Train(HandWrittenExamples(), options, tmp.path().string());
  auto b = TextModel::Train(HandWrittenExamples(), options, tmp.path().string());
  ASSERT_TRUE(a && b);
  ASSERT_TRUE((*a)->Save((tmp.path() / "a.ftz").string()) && (*b)->Save((tmp.path() / "b.ftz").string()));
  EXPECT_EQ(testing::ReadFile(tmp.path() / "a.ftz"), testing::ReadFile(tmp.path() / "b.ftz"));
}

TEST(TextModelTest, MissingOrBadFilesAreErrors) {
  testing::TempDir tmp;
  auto missing = TextModel::Load((tmp.path() / "nope.ftz").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition);
  testing::WriteFile(tmp.path() / "bad.ftz", "not a model");
  auto bad = TextModel::Load((tmp.path() / "bad.ftz").string());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(TextModel::Train({}, TrainOptions{}, tmp.path().string()).has_value());
}

TEST(BlendTest, SureRulesDecideAndOtherwiseTheModelIsBlendedIn) {
  ClassifierOptions options;
  RuleScores cover;
  cover.score[static_cast<int>(DocType::kFaxCover)] = 9.5;  // title + page count
  cover.titled[static_cast<int>(DocType::kFaxCover)] = true;
  cover.score[static_cast<int>(DocType::kReferral)] = 1;
  TypeProbabilities model{};
  model[static_cast<int>(DocType::kReferral)] = 1.0;
  PageClass out;
  out.type = DocType::kFaxCover;
  EXPECT_TRUE(RulesAreSure(cover, options));
  EXPECT_FALSE(ApplyModel(model, cover, options, out));
  EXPECT_EQ(out.type, DocType::kFaxCover);

  RuleScores weak;
  weak.score[static_cast<int>(DocType::kClinicalNote)] = 3;
  EXPECT_FALSE(RulesAreSure(weak, options));
  ASSERT_TRUE(ApplyModel(model, weak, options, out));
  EXPECT_EQ(out.type, DocType::kReferral);
  EXPECT_GT(out.confidence, 0.6);
  EXPECT_LT(out.confidence, 1.0);
  double sum = 0;
  for (double v : Blend(model, weak, options)) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

}  // namespace
}  // namespace faxintake::classify
