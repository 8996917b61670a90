// Combining the rule scores with a trained model's probabilities for one page.
//
// The rules are sure when their winner has a title in the title zone and leads the
// runner-up by at least `sure_margin` (a "FAX" header with a page-count phrase): the page
// keeps the rules' verdict. Otherwise the rule scores become a distribution (softmax; the
// `other` type scores at least `min_score`, as the rules call a page `other` below it), it
// is blended with the model's (`model_weight` of the model), and the page takes the most
// probable type with that probability as its confidence.
//
// Thread-safety: pure functions.
#pragma once

#include <array>

#include "classify/classifier.h"
#include "classify/text_model.h"

namespace faxintake::classify {

// What the rules found per type, indexed by static_cast<int>(DocType).
struct RuleScores {
  std::array<double, kDocTypeCount> score{};
  std::array<bool, kDocTypeCount> titled{};
};

// True when the rules are sure (by the test above).
bool RulesAreSure(const RuleScores& rules, const ClassifierOptions& options);

// The blended distribution (sums to 1).
TypeProbabilities Blend(const TypeProbabilities& model, const RuleScores& rules, const ClassifierOptions& options);

// Sets out.type, confidence, has_title and score from the blend unless the rules are
// sure. Returns false (and leaves `out` alone) when the rules are sure.
bool ApplyModel(const TypeProbabilities& model, const RuleScores& rules, const ClassifierOptions& options,
                PageClass& out);

}  // namespace faxintake::classify
