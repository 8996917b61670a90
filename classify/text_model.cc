#include "classify/text_model.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>
#include <re2/re2.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace faxintake::classify {
namespace {

constexpr const char* kLabelPrefix = "__label__";

// The sending machine's header line (TTI), as the rules see it: near the top, with a
// "P.002/005" page counter. It names the sender, not the document, so it is no feature.
const RE2& TtiPattern() {
  static const RE2 re(R"((?i)\bP\s*[.,]?\s*\d{1,3}\s*/\s*\d{1,3}\b)");
  return re;
}

// Lower case alphanumeric tokens; each run of digits becomes `<d>` ("M17.11" -> "m<d> <d>").
void AppendTokens(const std::string& text, std::vector<std::string>& out) {
  std::string token;
  bool in_digits = false;
  auto flush = [&] {
    if (!token.empty()) out.push_back(std::move(token));
    token.clear();
    in_digits = false;
  };
  for (unsigned char c : text) {
    if (std::isdigit(c)) {
      if (!in_digits) token += "<d>";
      in_digits = true;
    } else if (std::isalpha(c)) {
      token += static_cast<char>(std::tolower(c));
      in_digits = false;
    } else {
      flush();
    }
  }
  flush();
}

int WordCountBucket(size_t n) {
  if (n == 0) return 0;
  if (n < 20) return 1;
  if (n < 60) return 2;
  if (n < 150) return 3;
  if (n < 300) return 4;
  return 5;
}

Error FastTextError(const std::string& what, const std::exception& e) {
  // fastText's messages name files and options, never page text.
  return Error{ErrorCode::kInternal, "text_model_failed", what + ": " + e.what()};
}

}  // namespace

std::string PageFeatures(const PageResult& page) {
  const int height = std::max(1, page.height);
  std::vector<std::string> body, top;
  for (const Line& line : page.text.lines) {
    if (line.box.y < height * 0.06 && RE2::PartialMatch(line.text, TtiPattern())) continue;
    const size_t before = body.size();
    AppendTokens(line.text, body);
    if (line.box.y < height * 0.25)
      for (size_t i = before; i < body.size(); ++i) top.push_back("__top__" + body[i]);
  }
  std::string out = "__wc_" + std::to_string(WordCountBucket(body.size())) + "__";
  for (const auto* tokens : {&top, &body})
    for (const std::string& t : *tokens) {
      out += ' ';
      out += t;
    }
  return out;
}

TextModel::TextModel(std::unique_ptr<fasttext::FastText> ft) : ft_(std::move(ft)) {}
TextModel::~TextModel() = default;

Result<std::unique_ptr<TextModel>> TextModel::Load(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    return MakeError(ErrorCode::kFailedPrecondition, "model_missing", "page model not found: " + path);
  auto ft = std::make_unique<fasttext::FastText>();
  try {
    ft->loadModel(path);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, "bad_model", path + " is not a fastText model: " + e.what());
  }
  if (ft->getArgs().model != fasttext::model_name::sup)
    return MakeError(ErrorCode::kInvalidArgument, "bad_model", path + " is not a supervised fastText model");
  return std::unique_ptr<TextModel>(new TextModel(std::move(ft)));
}

Result<std::unique_ptr<TextModel>> TextModel::Train(const std::vector<TrainingExample>& examples,
                                                    const TrainOptions& options, const std::string& work_dir) {
  if (examples.empty()) return MakeError(ErrorCode::kInvalidArgument, "no_examples", "no training examples");
  namespace fs = std::filesystem;
  const fs::path input = fs::path(work_dir) / ("faxintake-train-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(input);
    for (const TrainingExample& ex : examples)
      out << kLabelPrefix << DocTypeName(ex.type) << ' ' << ex.features << '\n';
    if (!out)
      return MakeError(ErrorCode::kInternal, "text_model_failed", "cannot write training file in " + work_dir);
  }
  fasttext::Args args;
  args.input = input.string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = options.dim;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.wordNgrams = options.word_ngrams;
  args.minCount = options.min_count;
  args.minn = options.minn;
  args.maxn = options.maxn;
  args.bucket = options.bucket;
  args.seed = options.seed;
  args.thread = 1;  // reproducible: one thread, fixed seed
  args.verbose = 0;
  auto ft = std::make_unique<fasttext::FastText>();
  try {
    ft->train(args);
    if (options.quantize) {
      fasttext::Args q = args;
      q.qnorm = true;
      q.retrain = false;
      q.dsub = 2;
      ft->quantize(q);
    }
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(input, ec);
    return std::unexpected(FastTextError("training failed", e));
  }
  std::error_code ec;
  fs::remove(input, ec);
  return std::unique_ptr<TextModel>(new TextModel(std::move(ft)));
}

Result<void> TextModel::Save(const std::string& path) const {
  try {
    ft_->saveModel(path);
  } catch (const std::exception& e) {
    return std::unexpected(FastTextError("cannot save the page model to " + path, e));
  }
  return {};
}

TypeProbabilities TextModel::Predict(const std::string& features) const {
  TypeProbabilities probs{};
  std::istringstream in(features + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  ft_->predictLine(in, predictions, kDocTypeCount, 0.0);
  const size_t prefix = std::string(kLabelPrefix).size();
  for (const auto& [p, label] : predictions) {
    if (label.size() <= prefix) continue;
    if (auto type = ParseDocType(label.substr(prefix))) probs[static_cast<int>(*type)] += p;
  }
  return probs;
}

}  // namespace faxintake::classify
