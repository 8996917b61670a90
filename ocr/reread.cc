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

Box RereadRegion(const Box& word, double scale, int width, int height, int left_room, int right_room) {
  const double k = scale > 0 ? scale : 1.0;
  const double h = word.h * k;
  const double left = std::min(h / 2, std::max(0, left_room) * k / 2);
  const double right = std::min(h / 2, std::max(0, right_room) * k / 2);
  const int x0 = std::max(0, static_cast<int>(std::floor(word.x * k - left)));
  const int y0 = std::max(0, static_cast<int>(std::floor(word.y * k - h / 3)));
  const int x1 = std::min(width, static_cast<int>(std::ceil((word.x + word.w) * k + right)));
  const int y1 = std::min(height, static_cast<int>(std::ceil((word.y + word.h) * k + h / 3)));
  return Box{x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

std::pair<int, int> RoomBeside(const PageText& text, int index) {
  const Word& w = text.words[static_cast<size_t>(index)];
  int left = 1 << 20, right = 1 << 20;
  if (w.line < 0 || static_cast<size_t>(w.line) >= text.lines.size()) return {left, right};
  const Line& line = text.lines[static_cast<size_t>(w.line)];
  for (int k = line.first_word; k < line.first_word + line.word_count; ++k) {
    if (k == index) continue;
    const Box& b = text.words[static_cast<size_t>(k)].box;
    if (b.right() <= w.box.x) left = std::min(left, w.box.x - b.right());
    if (b.x >= w.box.right()) right = std::min(right, b.x - w.box.right());
  }
  return {left, right};
}

bool TakeRereading(Word& word, const PageText& reread, const RereadOptions& options) {
  const Word* found = nullptr;
  for (const Word& w : reread.words) {
    if (!HasAlnum(w.text)) continue;
    if (found != nullptr) return false;  // read as two words: no longer the same unit
    found = &w;
  }
  if (found == nullptr || found->text == word.text || found->confidence < word.confidence + options.margin) return false;
  // Both readings must hold the change: every character read differently alone was one
  // the engine weighed for that place in the first reading (a 0 second to a 9). A reading
  // of another length (a thin 1 lost at the cut's edge) is no such agreement.
  if (found->text.size() != word.text.size() || word.glyphs.size() != word.text.size()) return false;
  for (size_t i = 0; i < word.text.size(); ++i) {
    if (found->text[i] == word.text[i]) continue;
    const auto& choices = word.glyphs[i].choices;
    if (std::none_of(choices.begin(), choices.end(), [&](const CharChoice& c) { return c.c == found->text[i]; }))
      return false;
  }
  const int line = word.line;
  word = *found;
  word.line = line;
  return true;
}

}  // namespace faxintake::ocr
