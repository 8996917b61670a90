#include "classify/blend.h"

#include <algorithm>
#include <cmath>

namespace faxintake::classify {
namespace {

constexpr double kRuleTemperature = 2.0;  // rule points per e-fold of odds

int Best(const std::array<double, kDocTypeCount>& v) {
  return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

bool RulesAreSure(const RuleScores& rules, const ClassifierOptions& options) {
  const int best = Best(rules.score);
  if (!rules.titled[best]) return false;
  double second = 0;
  for (int i = 0; i < kDocTypeCount; ++i)
    if (i != best) second = std::max(second, rules.score[i]);
  return rules.score[best] - second >= options.sure_margin;
}

TypeProbabilities Blend(const TypeProbabilities& model, const RuleScores& rules, const ClassifierOptions& options) {
  std::array<double, kDocTypeCount> s = rules.score;
  const int other = static_cast<int>(DocType::kOther);
  s[other] = std::max(s[other], options.min_score);
  const double top = *std::max_element(s.begin(), s.end());
  TypeProbabilities rule_p{};
  double z = 0;
  for (int i = 0; i < kDocTypeCount; ++i) z += rule_p[i] = std::exp((s[i] - top) / kRuleTemperature);
  double model_sum = 0;
  for (double p : model) model_sum += p;
  const double w = model_sum > 0 ? std::clamp(options.model_weight, 0.0, 1.0) : 0.0;
  TypeProbabilities out{};
  for (int i = 0; i < kDocTypeCount; ++i)
    out[i] = (1 - w) * rule_p[i] / z + (model_sum > 0 ? w * model[i] / model_sum : 0.0);
  return out;
}

bool ApplyModel(const TypeProbabilities& model, const RuleScores& rules, const ClassifierOptions& options,
                PageClass& out) {
  if (RulesAreSure(rules, options)) return false;
  const TypeProbabilities p = Blend(model, rules, options);
  const int best = Best(p);
  out.type = static_cast<DocType>(best);
  out.confidence = p[best];
  out.has_title = rules.titled[best];
  // The splitter treats an untitled page under 2.5 x min_score as a continuation of the
  // document before it; a type the blend is confident about is not weak.
  out.score = std::max(rules.score[best], p[best] * 3.0 * options.min_score);
  return true;
}

}  // namespace faxintake::classify
