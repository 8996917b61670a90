#include "ocr/gap_fill.h"

#include <algorithm>
#include <cmath>

namespace faxintake::ocr {

std::vector<Box> ReadBoxes(const PageText& text, double scale) {
  const double k = scale > 0 ? scale : 1.0;
  std::vector<Box> out;
  for (const Word& w : text.words)
    if (HasAlnum(w.text))
      out.push_back(Box{static_cast<int>(w.box.x * k), static_cast<int>(w.box.y * k),
                        static_cast<int>(std::ceil(w.box.w * k)), static_cast<int>(std::ceil(w.box.h * k))});
  return out;
}

int FillGaps(PageText& first, const PageText& second, const GapFillOptions& options) {
  const std::vector<Box> taken = ReadBoxes(first, 1.0);
  int next_block = 0;
  for (const Line& l : first.lines) next_block = std::max(next_block, l.block + 1);

  int added = 0;
  for (const Line& line : second.lines) {
    Line out;
    out.first_word = static_cast<int>(first.words.size());
    out.block = next_block + line.block;
    for (int i = line.first_word; i < line.first_word + line.word_count; ++i) {
      const Word& w = second.words[static_cast<size_t>(i)];
      if (w.confidence < options.min_confidence || !HasAlnum(w.text) || Area(w.box) == 0) continue;
      const double limit = options.max_overlap * static_cast<double>(Area(w.box));
      if (std::any_of(taken.begin(), taken.end(),
                      [&](const Box& b) { return static_cast<double>(IntersectionArea(b, w.box)) > limit; }))
        continue;
      Word copy = w;
      copy.line = static_cast<int>(first.lines.size());
      if (out.word_count > 0) out.text += ' ';
      out.text += copy.text;
      out.box = Union(out.box, copy.box);
      ++out.word_count;
      first.words.push_back(std::move(copy));
    }
    if (out.word_count == 0) continue;
    added += out.word_count;
    first.lines.push_back(std::move(out));
  }
  return added;
}

}  // namespace faxintake::ocr
