#include "classify/classifier.h"

#include "classify/blend.h"
#include "classify/text_model.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace faxintake::classify {

struct Classifier::Rules {
  struct Phrase {
    std::string text;                // normalized
    std::vector<std::string> words;  // `text` split at its spaces
    double weight = 1;
  };
  // Labels that head a page's lines or columns ("To:", "From:", "Fax #:", "# Pages:"): a
  // page with `min` of them, one of `required` among them, scores `weight` more. A cover
  // sheet whose FAX title OCR lost is still told by its header block.
  struct HeaderLabels {
    std::vector<std::string> labels;    // normalized, '#' and ':' left out
    std::vector<std::string> required;
    int min = 0;
    double weight = 0;
  };
  struct TypeRules {
    DocType type;
    std::vector<std::string> titles;   // normalized
    std::vector<Phrase> phrases;
    HeaderLabels header;
    double compact = 0;  // added on a compact page (PageClass::compact)
  };
  std::vector<TypeRules> types;
};

namespace {

// At most this many words on a compact page (PageClass::compact): a card's front and back
// hold some forty.
constexpr int kCompactWords = 80;

const RE2& PageOfPattern() {
  static const RE2 re(R"((?i)\bpa[gq]e\s*(\d{1,2})\s*(?:of|/)\s*(\d{1,2})\b)");
  return re;
}
// "Page 2" without a total (running headers and footers of continuation pages). Both
// patterns take a g read as q ("Referral Request - paqe 2", seed 57 s0090); this one, in
// the page's header or footer band, also as p ("Referral Request - pape 2", seed 119 s0064).
const RE2& PageNumberPattern() {
  static const RE2 re(R"((?i)\bpa[gqp]e\s*[:#]?\s*(\d{1,2})\b)");
  return re;
}
// The sending machine's header line (TTI): "P.002/005" style page counter.
const RE2& TtiPattern() {
  static const RE2 re(R"((?i)\bP\s*[.,]?\s*\d{1,3}\s*/\s*\d{1,3}\b)");
  return re;
}

bool IsTtiLine(const Line& line, int page_height) {
  return line.box.y < page_height * 0.06 && RE2::PartialMatch(line.text, TtiPattern());
}

// The distinct labels of `wanted` that stand first on a line or after a gap wider than
// twice the line's height (a second column), each followed by a colon: "To:", "Fax #:",
// "# Pages:", "No. of Pages:", "To:____".
std::vector<std::string> HeaderLabelsOn(const PageText& text, int page_height, const std::vector<std::string>& wanted) {
  std::vector<std::string> found;
  for (const Line& line : text.lines) {
    if (IsTtiLine(line, page_height)) continue;
    const int end = line.first_word + line.word_count;
    int start = line.first_word;  // the first word of the label being read
    for (int i = line.first_word; i < end && i < static_cast<int>(text.words.size()); ++i) {
      const Word& w = text.words[static_cast<size_t>(i)];
      const bool opens = i == line.first_word ||
                         w.box.x - text.words[static_cast<size_t>(i - 1)].box.right() > 2 * std::max(1, line.box.h);
      if (opens) start = i;
      const size_t colon = w.text.find(':');
      if (colon == std::string::npos || i - start > 3) continue;
      std::string label;
      for (int k = start; k < i; ++k) label += text.words[static_cast<size_t>(k)].text + " ";
      label = NormalizeForMatch(label + w.text.substr(0, colon));
      if (std::find(wanted.begin(), wanted.end(), label) != wanted.end() &&
          std::find(found.begin(), found.end(), label) == found.end())
        found.push_back(label);
      start = i + 1;
    }
  }
  return found;
}

// Whether a word as read is `wanted` or one OCR slip from it: a word of six letters or more
// with one letter read for another ("relerring", "paticnt").
bool SameWord(std::string_view read, std::string_view wanted) {
  if (read == wanted) return true;
  if (wanted.size() < 6 || read.size() != wanted.size()) return false;
  int slips = 0;
  for (size_t i = 0; i < read.size() && slips < 2; ++i) slips += read[i] != wanted[i] ? 1 : 0;
  return slips == 1;
}

// The words of a space-normalized text.
std::vector<std::string> SplitAtSpaces(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream split(text);
  for (std::string w; split >> w;) out.push_back(w);
  return out;
}

// Whether the page's words (`body`, space-normalized, and the same split into `words`)
// hold `phrase` (split into `wanted` when the rules were read) as whole words, each word as
// printed or one slip from it (SameWord): a noisy letter's "referring my paticnt" is a
// referral's cue (seed 108 s0100, typed a prior authorization on "authorization number"
// alone).
bool ContainsPhrase(const std::string& body, const std::vector<std::string>& words, const std::string& phrase,
                    const std::vector<std::string>& wanted) {
  if ((" " + body + " ").find(" " + phrase + " ") != std::string::npos) return true;
  if (std::none_of(wanted.begin(), wanted.end(), [](const std::string& w) { return w.size() >= 6; })) return false;
  for (size_t i = 0; i + wanted.size() <= words.size(); ++i) {
    size_t k = 0;
    while (k < wanted.size() && SameWord(words[i + k], wanted[k])) ++k;
    if (k == wanted.size()) return true;
  }
  return false;
}

Result<std::vector<std::string>> ReadStrings(const YAML::Node& node, const std::string& where) {
  std::vector<std::string> out;
  if (!node) return out;
  if (!node.IsSequence()) return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", where + " must be a list");
  for (const auto& item : node) out.push_back(NormalizeForMatch(item.as<std::string>()));
  return out;
}

}  // namespace

std::string NormalizeForMatch(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool space = true;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Classifier::Classifier(std::unique_ptr<Rules> rules, const ClassifierOptions& options)
    : rules_(std::move(rules)), options_(options) {}
Classifier::~Classifier() = default;

Result<std::unique_ptr<Classifier>> Classifier::FromYaml(const std::string& yaml, const ClassifierOptions& options) {
  auto rules = std::make_unique<Rules>();
  try {
    YAML::Node root = YAML::Load(yaml);
    YAML::Node types = root["types"];
    if (!types || !types.IsMap())
      return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", "classifier rules need a `types` map");
    for (const auto& entry : types) {
      const std::string name = entry.first.as<std::string>();
      auto type = ParseDocType(name);
      if (!type) return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", "unknown document type `" + name + "`");
      Rules::TypeRules tr{*type, {}, {}, {}, 0};
      auto titles = ReadStrings(entry.second["titles"], "types." + name + ".titles");
      if (!titles) return std::unexpected(titles.error());
      tr.titles = std::move(*titles);
      if (const YAML::Node phrases = entry.second["phrases"]) {
        if (!phrases.IsMap())
          return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", "types." + name + ".phrases must map phrase to weight");
        for (const auto& p : phrases) {
          const std::string text = NormalizeForMatch(p.first.as<std::string>());
          tr.phrases.push_back({text, SplitAtSpaces(text), p.second.as<double>()});
        }
      }
      if (const YAML::Node compact = entry.second["compact"]) {
        tr.compact = compact.as<double>();
        if (tr.compact < 0)
          return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", "types." + name + ".compact must not be negative");
      }
      if (const YAML::Node header = entry.second["header_labels"]) {
        const std::string where = "types." + name + ".header_labels";
        if (!header.IsMap() || !header["labels"] || !header["min"] || !header["weight"])
          return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", where + " needs labels, min and weight");
        auto labels = ReadStrings(header["labels"], where + ".labels");
        if (!labels) return std::unexpected(labels.error());
        auto required = ReadStrings(header["required"], where + ".required");
        if (!required) return std::unexpected(required.error());
        tr.header.labels = std::move(*labels);
        tr.header.required = std::move(*required);
        tr.header.min = header["min"].as<int>();
        tr.header.weight = header["weight"].as<double>();
        if (tr.header.labels.empty() || tr.header.min < 1 || tr.header.weight <= 0)
          return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules",
                           where + ": labels must not be empty, min and weight must be positive");
        for (const std::string& r : tr.header.required)
          if (std::find(tr.header.labels.begin(), tr.header.labels.end(), r) == tr.header.labels.end())
            return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", where + ": required label `" + r + "` is not among the labels");
      }
      rules->types.push_back(std::move(tr));
    }
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, "bad_classifier_rules", std::string("classifier rules: ") + e.what());
  }
  return std::unique_ptr<Classifier>(new Classifier(std::move(rules), options));
}

Result<std::unique_ptr<Classifier>> Classifier::FromFile(const std::string& path, const ClassifierOptions& options) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kFailedPrecondition, "config_missing", "cannot read classifier rules " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = FromYaml(ss.str(), options);
  if (!c) c.error().message = path + ": " + c.error().message;
  return c;
}

PageClass Classifier::ClassifyPage(const PageResult& page) const {
  PageClass out;
  const int height = std::max(1, page.height);
  std::string body, title_zone;
  bool continued = false;
  Box extent;
  int words = 0;
  for (const Line& line : page.text.lines) {
    if (IsTtiLine(line, height)) continue;
    // A line in the page's top or bottom twentieth is the sending machine's header, also
    // when the page was fed upside down and its header, turned with it, reads as garble at
    // the foot ("900/£00'd ZOTOSSSOT?" under a Medicaid card's front, seed 112 s0010): no
    // part of the page's text block.
    const bool margin = line.box.bottom() <= height / 20 || line.box.y >= height - height / 20;
    if (!margin && std::any_of(line.text.begin(), line.text.end(), [](unsigned char c) { return std::isalnum(c); })) {
      extent = Union(extent, line.box);
      std::istringstream split(line.text);
      for (std::string w; split >> w;) ++words;
    }
    const std::string norm = NormalizeForMatch(line.text);
    body += norm + " ";
    if (line.box.y < height * options_.title_zone) {
      title_zone += "|" + norm + "|";
      if (norm.find("continued") != std::string::npos) continued = true;
    }
    int i = 0, n = 0;
    if (out.page_of == 0 && RE2::PartialMatch(line.text, PageOfPattern(), &i, &n) && i >= 1 && n >= i && n <= 50) {
      out.page_of = i;
      out.page_total = n;
    } else if (out.page_of == 0 && (line.box.y < height * 0.12 || line.box.y > height * 0.9) &&
               RE2::PartialMatch(line.text, PageNumberPattern(), &i) && i >= 1 && i <= 50) {
      // A running header or footer "Page 2" / "Referral Request - page 2" / "LOPEZ, MARIA - Page 2".
      out.page_of = i;
    }
  }
  out.continued = continued;
  out.compact = words > 0 && words <= kCompactWords && extent.h * 2 <= height;
  const std::vector<std::string> body_words = SplitAtSpaces(body);

  double best = 0, second = 0;
  RuleScores rule_scores;  // per type, for the model blend
  for (const auto& tr : rules_->types) {
    double score = 0;
    bool titled = false;
    for (const std::string& t : tr.titles) {
      // A title is a line of the title zone that starts with the phrase, or ends with it
      // when it has two words or more ("VALLEY FAMILY MEDICINE   REFERRAL FORM").
      const bool ends = t.find(' ') != std::string::npos && title_zone.find(" " + t + "|") != std::string::npos;
      if (title_zone.find("|" + t) != std::string::npos || ends) {
        titled = true;
        break;
      }
    }
    if (titled) score += 5.0;
    if (out.compact) score += tr.compact;
    for (const auto& p : tr.phrases)
      if (ContainsPhrase(body, body_words, p.text, p.words)) score += p.weight;
    if (!tr.header.labels.empty()) {
      const std::vector<std::string> found = HeaderLabelsOn(page.text, height, tr.header.labels);
      const bool required = tr.header.required.empty() ||
                            std::any_of(found.begin(), found.end(), [&](const std::string& l) {
                              return std::find(tr.header.required.begin(), tr.header.required.end(), l) !=
                                     tr.header.required.end();
                            });
      if (static_cast<int>(found.size()) >= tr.header.min && required) score += tr.header.weight;
    }
    rule_scores.score[static_cast<int>(tr.type)] = score;
    rule_scores.titled[static_cast<int>(tr.type)] = titled;
    if (score > best) {
      second = best;
      best = score;
      out.type = tr.type;
      out.has_title = titled;
    } else if (score > second) {
      second = score;
    }
  }
  out.score = best;
  // A trained model decides with the rules unless the rules are sure (classify/blend.h).
  if (model_ != nullptr && ApplyModel(model_->PredictPage(page), rule_scores, options_, out)) return out;
  if (best < options_.min_score) {
    out.type = DocType::kOther;
    out.has_title = false;
    out.confidence = page.text.words.empty() ? 0.2 : 0.5;
    return out;
  }
  // Margin-based confidence: clear winners approach 1.
  out.confidence = std::clamp(0.5 + 0.5 * (best - second) / (best + 1.0), 0.0, 1.0);
  return out;
}

std::vector<Document> Classifier::Split(const std::vector<PageResult>& pages,
                                        const std::vector<PageClass>& classes) const {
  std::vector<Document> docs;
  for (size_t i = 0; i < pages.size() && i < classes.size(); ++i) {
    const PageClass& c = classes[i];
    Document* current = docs.empty() ? nullptr : &docs.back();
    bool start_new = current == nullptr;
    if (!start_new) {
      // A card's copy is a page of its own however few of its cues were read (an untitled
      // Medicaid card after a referral, seed 39 s0028).
      const bool card = c.type == DocType::kInsuranceCard && c.compact;
      const bool weak = !c.has_title && !card && c.score < options_.min_score * 2.5;
      const bool footer_continues = c.page_of > 1;
      const bool footer_starts = c.page_of == 1;
      if (footer_starts) {
        start_new = true;
      } else if (footer_continues || c.continued) {
        start_new = false;
      } else if (c.type != current->type) {
        // A weakly typed page after a document is its continuation (a referral's second
        // page full of history reads like a note); a titled or strongly typed page is not.
        start_new = !(weak && current->type != DocType::kFaxCover);
      } else {
        start_new = c.has_title && current->type != DocType::kOther;
      }
    }
    if (start_new) {
      Document d;
      d.type = c.type;
      d.confidence = c.confidence;
      docs.push_back(std::move(d));
      current = &docs.back();
    } else {
      current->confidence = std::min(current->confidence, std::max(c.confidence, 0.5));
    }
    current->pages.push_back(pages[i].number);
  }
  return docs;
}

std::optional<int> SenderPageTotal(const std::vector<PageResult>& pages) {
  // "P.002/005", "P 2/5", "PAGE 002/005", "P,@01/002" (a zero read as @): number, then total.
  static const RE2 counter(R"((?i)\bP(?:AGE)?\s*[.,:]*\s*([@0-9OQ]{1,3})\s*/\s*([0-9OQ]{1,3})\b)");
  constexpr int kMostPages = 200;
  auto number = [](std::string digits) {
    for (char& c : digits)
      if (c == 'O' || c == 'o' || c == 'Q' || c == 'q' || c == '@') c = '0';
    return std::atoi(digits.c_str());
  };
  // Votes for (total, page number minus position): pages lost before the first one received
  // shift every counter by the same amount.
  std::map<std::pair<int, int>, int> votes;
  int read = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageResult& page = pages[i];
    for (const Line& line : page.text.lines) {
      // The header band at the top (or, on some machines, the bottom) of the page.
      const bool band = line.box.y < page.height * 0.06 || line.box.y > page.height * 0.94;
      std::string at_text, total_text;
      if (!band || !RE2::PartialMatch(line.text, counter, &at_text, &total_text)) continue;
      ++read;
      const int at = number(at_text), total = number(total_text);
      // "P.901/902": a zero-padded counter whose zeros were read as nines.
      if (at >= 1 && at <= total && total <= kMostPages) ++votes[{total, at - static_cast<int>(i) - 1}];
      break;
    }
  }
  if (votes.empty()) return std::nullopt;
  const auto best = std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  // Two counters at least, and most of those read, must agree: one misread digit on a
  // one-page fax ("P.001/007") must not announce pages that never existed.
  if (best->second < 2 || best->second * 2 <= read) return std::nullopt;
  return best->first.first;
}

}  // namespace faxintake::classify
