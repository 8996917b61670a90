// A trained page-type classifier over OCR text and simple layout features: the one
// adapter for fastText (Debian's libfasttext-dev). No other file includes fastText.
//
// Features of a page (PageFeatures): the OCR text without the sending machine's header
// line, lower case, punctuation folded to spaces, every run of digits mapped to `<d>`;
// words in the top quarter of the page once more with a `__top__` prefix (titles live
// there); one `__wc_N__` token for the word-count bucket (blank, short, long pages).
//
// The shipped model (config/page_model.ftz) is reproducible from the generator:
//
//   /usr/bin/python3 samples/generate.py --seed 4 --count 150 --out /tmp/train4
//   build-ft/app/faxintake train /tmp/train4 --out config/page_model.ftz
//
// (one training thread and a fixed seed: the same pages give the same model). Seeds 7, 8
// and 9 are held out for evaluation and must never be trained on. Staff can retrain from
// documents they reviewed: a folder of faxes with <stem>.truth.json beside each, in the
// generator's shape (samples/SPEC.md; per-page `type`, or `documents` with `type` and
// `pages`).
//
// Thread-safety: a loaded or trained TextModel is immutable; Predict is const and may be
// called from many threads. Train and Save are for one thread.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace fasttext {
class FastText;
}

namespace faxintake::classify {

// One probability per DocType, indexed by static_cast<int>(type); sums to 1 (or all 0
// when the model knows no label).
using TypeProbabilities = std::array<double, kDocTypeCount>;

struct TrainingExample {
  DocType type = DocType::kOther;
  std::string features;  // PageFeatures(page)
};

struct TrainOptions {
  int dim = 16;            // small vectors: ten classes need little
  int epoch = 100;
  double lr = 1.0;
  int word_ngrams = 2;
  int min_count = 1;
  int minn = 3, maxn = 5;  // character n-grams absorb OCR misspellings
  int bucket = 100000;     // hashed n-gram rows (before quantization)
  int seed = 4;
  bool quantize = true;    // product-quantize for a small file (.ftz)
};

// The feature line of a page (see above). Never contains patient-identifying digits:
// digit runs become `<d>`. Still patient text: never log it.
std::string PageFeatures(const PageResult& page);

class TextModel {
 public:
  // Errors: kFailedPrecondition when the file is missing or unreadable; kInvalidArgument
  // when it is not a fastText supervised model.
  static Result<std::unique_ptr<TextModel>> Load(const std::string& path);
  // Trains on one thread with a fixed seed (reproducible). `work_dir` receives a
  // temporary training file, removed afterwards. Errors: kInvalidArgument without
  // examples; kInternal when fastText fails.
  static Result<std::unique_ptr<TextModel>> Train(const std::vector<TrainingExample>& examples,
                                                  const TrainOptions& options, const std::string& work_dir);
  ~TextModel();

  // Errors: kInternal when the file cannot be written.
  Result<void> Save(const std::string& path) const;

  TypeProbabilities Predict(const std::string& features) const;
  TypeProbabilities PredictPage(const PageResult& page) const { return Predict(PageFeatures(page)); }

 private:
  explicit TextModel(std::unique_ptr<fasttext::FastText> ft);
  std::unique_ptr<fasttext::FastText> ft_;
};

}  // namespace faxintake::classify
