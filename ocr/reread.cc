#include "ocr/reread.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace faxintake::ocr {

std::vector<int> WordsToReread(const PageText& text, const RereadOptions& options) {
  std::vector<int> out;
  for (size_t i = 0; i < text.words.size(); ++i) {
    const Word& w = text.words[i];
    if (w.confidence >= options.below) continue;
    int digits = 0, alnum = 0;
    for (unsigned char c : w.text) {
      digits += std::isdigit(c) ? 1 : 0;
      alnum += std::isalnum(c) ? 1 : 0;
    }
    if (digits >= options.min_digits && alnum >= options.min_alnum) out.push_back(static_cast<int>(i));
  }
  std::stable_sort(out.begin(), out.end(), [&](int a, int b) {
    return text.words[static_cast<size_t>(a)].confidence < text.words[static_cast<size_t>(b)].confidence;
  });
  if (out.size() > static_cast<size_t>(std::max(0, options.max_words))) out.resize(static_cast<size_t>(std::max(0, options.max_words)));
  return out;
}

Box RereadRegion(const Box& word, double scale, int width, int height) {
  const double k = scale > 0 ? scale : 1.0;
  const double h = word.h * k;
  const int x0 = std::max(0, static_cast<int>(std::floor(word.x * k - h / 4)));
  const int y0 = std::max(0, static_cast<int>(std::floor(word.y * k - h / 3)));
  const int x1 = std::min(width, static_cast<int>(std::ceil((word.x + word.w) * k + h / 4)));
  const int y1 = std::min(height, static_cast<int>(std::ceil((word.y + word.h) * k + h / 3)));
  return Box{x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

bool TakeRereading(Word& word, const PageText& reread, const RereadOptions& options) {
  const Word* found = nullptr;
  for (const Word& w : reread.words) {
    if (!std::any_of(w.text.begin(), w.text.end(), [](unsigned char c) { return std::isalnum(c) != 0; })) continue;
    if (found != nullptr) return false;  // read as two words: no longer the same unit
    found = &w;
  }
  if (found == nullptr || found->confidence < word.confidence + options.margin) return false;
  const int line = word.line;
  word = *found;
  word.line = line;
  return true;
}

}  // namespace faxintake::ocr
