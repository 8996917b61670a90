#include "bench/wer.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace faxintake::bench {
namespace {

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool IsAsciiPunct(unsigned char c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

// Unicode punctuation that OCR engines and typeset texts commonly use, as UTF-8.
constexpr std::array<std::string_view, 16> kUnicodePunct = {
    "\u2018", "\u2019", "\u201A", "\u201B", "\u201C", "\u201D", "\u201E", "\u201F",  // quotes
    "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2026",                      // dashes, ...
    "\u00AB", "\u00BB",                                                              // guillemets
};

// Length of the punctuation mark at the start (or end) of `w`, 0 if none.
size_t PunctPrefix(std::string_view w) {
  if (w.empty()) return 0;
  if (IsAsciiPunct(static_cast<unsigned char>(w.front()))) return 1;
  for (std::string_view p : kUnicodePunct)
    if (w.starts_with(p)) return p.size();
  return 0;
}
size_t PunctSuffix(std::string_view w) {
  if (w.empty()) return 0;
  if (IsAsciiPunct(static_cast<unsigned char>(w.back()))) return 1;
  for (std::string_view p : kUnicodePunct)
    if (w.ends_with(p)) return p.size();
  return 0;
}

}  // namespace

std::vector<std::string> NormalizeWords(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !IsSpace(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view w = text.substr(i, j - i);
    for (size_t n; (n = PunctPrefix(w)) > 0;) w.remove_prefix(n);
    for (size_t n; (n = PunctSuffix(w)) > 0;) w.remove_suffix(n);
    if (!w.empty()) words.emplace_back(w);
    i = j;
  }
  return words;
}

int64_t WordEditDistance(const std::vector<std::string>& reference,
                         const std::vector<std::string>& hypothesis) {
  const size_t m = hypothesis.size();
  std::vector<int64_t> prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= reference.size(); ++i) {
    cur[0] = static_cast<int64_t>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int64_t sub = prev[j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return prev[m];
}

int64_t WordsMatchedIgnoringOrder(const std::vector<std::string>& reference,
                                  const std::vector<std::string>& hypothesis) {
  std::unordered_map<std::string_view, int64_t> available;
  for (const std::string& w : hypothesis) ++available[w];
  int64_t matched = 0;
  for (const std::string& w : reference) {
    auto it = available.find(w);
    if (it != available.end() && it->second > 0) {
      --it->second;
      ++matched;
    }
  }
  return matched;
}

double WerCounts::wer() const {
  if (reference_words == 0) return hypothesis_words == 0 ? 0.0 : 1.0;
  return static_cast<double>(errors) / static_cast<double>(reference_words);
}

void WerCounts::Add(const WerCounts& other) {
  errors += other.errors;
  reference_words += other.reference_words;
  hypothesis_words += other.hypothesis_words;
  matched_any_order += other.matched_any_order;
}

WerCounts ComputeWer(std::string_view reference, std::string_view hypothesis) {
  const std::vector<std::string> ref = NormalizeWords(reference);
  const std::vector<std::string> hyp = NormalizeWords(hypothesis);
  WerCounts c;
  c.errors = WordEditDistance(ref, hyp);
  c.reference_words = static_cast<int64_t>(ref.size());
  c.hypothesis_words = static_cast<int64_t>(hyp.size());
  c.matched_any_order = WordsMatchedIgnoringOrder(ref, hyp);
  return c;
}

}  // namespace faxintake::bench
