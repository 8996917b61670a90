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

std::vector<Box> JunkLineRegions(const PageText& text, const JunkLineOptions& options) {
  std::vector<Box> out;
  std::vector<int> heights;
  for (const Word& w : text.words)
    if (w.confidence >= 0.7f && HasAlnum(w.text)) heights.push_back(w.box.h);
  if (heights.size() < 10) return out;
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2), heights.end());
  const int h = heights[heights.size() / 2];
  for (const Line& line : text.lines) {
    if (static_cast<int>(out.size()) >= options.max_lines) break;
    if (line.word_count == 0 || line.box.w < 3 * h) continue;
    bool junk = true;
    for (int k = line.first_word; k < line.first_word + line.word_count && junk; ++k) {
      const Word& w = text.words[static_cast<size_t>(k)];
      junk = w.confidence < options.junk_below || !HasAlnum(w.text);
    }
    if (!junk) continue;
    const int x = std::max(0, line.box.x - h), y = std::max(0, line.box.y - h);
    out.push_back(Box{x, y, line.box.right() + 5 * h - x, line.box.bottom() + 2 * h - y});
  }
  return out;
}

PageText ClearLines(const PageText& found, double keep_from) {
  return KeepLines(found, [&](const Line& line) {
    bool sure = line.word_count > 0;
    for (int k = line.first_word; k < line.first_word + line.word_count; ++k)
      sure &= found.words[static_cast<size_t>(k)].confidence >= keep_from;
    return sure;
  });
}

PageText KeepLines(const PageText& text, const std::function<bool(const Line&)>& keep) {
  PageText out;
  for (const Line& line : text.lines) {
    if (!keep(line)) continue;
    Line copy = line;
    copy.first_word = static_cast<int>(out.words.size());
    for (int k = line.first_word; k < line.first_word + line.word_count; ++k) {
      Word w = text.words[static_cast<size_t>(k)];
      w.line = static_cast<int>(out.lines.size());
      out.words.push_back(std::move(w));
    }
    out.lines.push_back(std::move(copy));
  }
  return out;
}

}  // namespace faxintake::ocr
