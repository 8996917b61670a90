// Word error rate (WER) between a reference text and an OCR hypothesis, for the
// OCR accuracy benchmark (bench/ocr_wer_main.cc).
//
// Normalization (the same for reference and hypothesis): split on any whitespace
// (so line breaks and runs of spaces count as one separator), strip punctuation at
// both edges of each word (ASCII punctuation and the common Unicode quotes, dashes
// and ellipsis), drop words that were punctuation only, keep case and inner
// punctuation ("E-mail", "12.5", "M17.11" stay as they are).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faxintake::bench {

// One line describing the normalization above, for reports.
inline constexpr std::string_view kWerNormalization =
    "case kept; whitespace collapsed; punctuation stripped at word edges "
    "(ASCII and Unicode quotes/dashes/ellipsis); punctuation-only words dropped";

// The words of `text` after the normalization above.
std::vector<std::string> NormalizeWords(std::string_view text);

// Word-level Levenshtein distance (substitutions, insertions and deletions all cost 1).
int64_t WordEditDistance(const std::vector<std::string>& reference,
                         const std::vector<std::string>& hypothesis);

// Reference words also found in the hypothesis, ignoring order (multiset intersection).
int64_t WordsMatchedIgnoringOrder(const std::vector<std::string>& reference,
                                  const std::vector<std::string>& hypothesis);

struct WerCounts {
  int64_t errors = 0;           // word edit distance
  int64_t reference_words = 0;
  int64_t hypothesis_words = 0;
  int64_t matched_any_order = 0;  // see WordsMatchedIgnoringOrder
  // errors / reference_words; 0 for an empty reference and hypothesis, 1 when only
  // the reference is empty (every hypothesis word is an insertion; capped at 1).
  double wer() const;
  void Add(const WerCounts& other);
};

// Normalizes both texts and counts the errors.
WerCounts ComputeWer(std::string_view reference, std::string_view hypothesis);

}  // namespace faxintake::bench
