// The geometry the extract stage reads a page by: recognized words regrouped into visual
// rows (left to right, top to bottom), with the sending machine's header line and ruled
// lines read as text ("|", "___") left out.
//
// Tesseract splits a form into many blocks and lines (one per cell or column), and may
// merge cells of one row into one line; rows here are rebuilt from word boxes so that a
// label and its value on the same visual line always share a row, whatever the blocks.
//
// Thread-safety: a built PageLayout is immutable and may be read from several threads.
#pragma once

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace faxintake::extract {

struct LayoutWord {
  std::string text;                 // as read, with ruled-line bars stripped
  std::vector<std::string> tokens;  // lower-case letter/digit runs and '#', for label matching
  Box box;
  double confidence = 0;            // 0..1
  int row = -1;                     // index into PageLayout::rows()
  int pos = -1;                     // index within its row
  bool colon = false;               // ends with ':' (a label's mark)
  const Word* source = nullptr;     // the recognized word (its glyph alternatives)
};

struct LayoutRow {
  std::vector<int> words;  // word indices, left to right
  Box box;
  int height = 0;          // median word height, the row's text size in pixels
  std::string text;        // words joined by single spaces
};

class PageLayout {
 public:
  // Builds the rows of `page`. `page` must outlive the layout.
  explicit PageLayout(const PageResult& page);

  int number() const { return number_; }
  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<LayoutWord>& words() const { return words_; }
  const std::vector<LayoutRow>& rows() const { return rows_; }
  const LayoutWord& word(int i) const { return words_[static_cast<size_t>(i)]; }
  const LayoutRow& row(int i) const { return rows_[static_cast<size_t>(i)]; }
  // The index of the word at `pos` in `row`.
  int WordAt(int row, int pos) const { return rows_[static_cast<size_t>(row)].words[static_cast<size_t>(pos)]; }

  // True when the word opens a new column on its row: the row's first word, or one after a
  // gap wider than 1.2 times the row's text height (twice after a word ending in a comma).
  bool StartsSegment(int word) const;
  // The words of `row` in its segments (StartsSegment), left to right; none for an empty row.
  std::vector<std::vector<int>> Segments(int row) const;
  // The median height of `words` (pixels), as a row's height is measured; the page's
  // typical height for none.
  int TextHeight(const std::vector<int>& words) const;
  // Horizontal gap between a word and the one before it on its row (0 for the first).
  int GapBefore(int word) const;
  // Words [from, to) of `row` joined by single spaces.
  std::string Join(int row, int from, int to) const;

  // Median text height over the page (pixels); 20 when the page has no words.
  int typical_height() const { return typical_height_; }

 private:
  void CollectWords(const PageResult& page);
  void BuildRows(const PageResult& page);
  void DropHeaderRows();

  int number_ = 1;
  int width_ = 0;
  int height_ = 0;
  int typical_height_ = 20;
  std::vector<LayoutWord> words_;
  std::vector<int> source_line_;  // Tesseract line of each word (-1 unknown)
  std::vector<LayoutRow> rows_;
};

// Lower-case letter/digit runs and '#' of a text, e.g. "Group #:" -> {"group", "#"}.
std::vector<std::string> Tokenize(const std::string& text);

}  // namespace faxintake::extract
