// Page classification and packet splitting.
//
// A fax is a packet of documents. Each page gets a document type from rules in
// configuration (titles near the top of the page, weighted key phrases); the
// splitter then groups consecutive pages into documents using the page types and
// the cues packets carry ("Page 1 of 3", a new title, "continued").
//
// With a trained text model attached (classify/text_model.h) the rules still decide
// where they are sure (a title far ahead of every other type, such as a fax cover with
// its page count); elsewhere the model's probabilities are blended with the rule scores
// (classify/blend.h) and the page's confidence is the blended probability. Without a
// model the rules work alone.
//
// Thread-safety: a built Classifier is immutable once SetModel (if any) has been called;
// Classify/Split are const and may be called from many threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::classify {

struct ClassifierOptions {
  double min_score = 2.0;           // below this the page is `other`
  double review_confidence = 0.55;  // documents below this confidence go to review
  double title_zone = 0.30;         // top share of the page where titles count
  double model_weight = 0.7;        // share of the model in the blended probability
  double sure_margin = 5.0;         // a titled rule winner this far ahead: rules alone decide
};

class TextModel;

// What the classifier saw on one page.
struct PageClass {
  DocType type = DocType::kOther;
  double score = 0;            // rule score of `type`
  double confidence = 0;       // 0..1
  bool has_title = false;      // a title of `type` in the title zone
  bool continued = false;      // "continued" near the top
  int page_of = 0, page_total = 0;  // "Page i of n" when printed, else 0
  // The page's text (the fax machine's header line aside) is a few dozen words filling no
  // more than half the page's height: a card's copy, not a page of a form or letter.
  bool compact = false;
};

class Classifier {
 public:
  // Parses the rules (YAML). Errors: kInvalidArgument naming the bad key.
  static Result<std::unique_ptr<Classifier>> FromYaml(const std::string& yaml, const ClassifierOptions& options);
  static Result<std::unique_ptr<Classifier>> FromFile(const std::string& path, const ClassifierOptions& options);
  ~Classifier();

  PageClass ClassifyPage(const PageResult& page) const;

  // Groups pages into documents (types, page lists, confidences). `classes[i]` belongs
  // to `pages[i]`. Every page lands in exactly one document, in order.
  std::vector<Document> Split(const std::vector<PageResult>& pages, const std::vector<PageClass>& classes) const;

  const ClassifierOptions& options() const { return options_; }
  // Attaches a trained page model (null: rules only). Call before the first ClassifyPage.
  void SetModel(std::shared_ptr<const TextModel> model) { model_ = std::move(model); }
  bool has_model() const { return model_ != nullptr; }

 private:
  struct Rules;
  Classifier(std::unique_ptr<Rules> rules, const ClassifierOptions& options);
  std::unique_ptr<Rules> rules_;
  ClassifierOptions options_;
  std::shared_ptr<const TextModel> model_;
};

// The sending machine's page counter in the header line it prints on every page
// ("P.002/005", "P. 2/5", "PAGE 002/005"): the page count the sender announced, when the
// counters agree on it (most pages that show one); nullopt when no page shows a counter.
std::optional<int> SenderPageTotal(const std::vector<PageResult>& pages);

// Lower case ASCII, punctuation folded to spaces, single spaces. Used on both rule
// phrases and page text so that OCR punctuation noise does not matter.
std::string NormalizeForMatch(const std::string& text);

}  // namespace faxintake::classify
