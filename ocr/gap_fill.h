// Merging a second reading of a page into the first: the words the second reading found
// where the first found none. Used for ruled forms read again with their rules erased
// (cleanup.h: RulesErased), where Tesseract's layout analysis of the grid can swallow a
// whole cell, label and value.
//
// Thread-safety: pure functions over values.
#pragma once

#include <functional>
#include <vector>

#include "ocr/cleanup.h"
#include "pipeline/model.h"

namespace faxintake::ocr {

struct GapFillOptions {
  double min_confidence = 0.7;  // words of the second reading read with less are not added
  double max_overlap = 0.2;     // share of the added word's box a first-reading word may cover
  // Tesseract's page segmentation for the second reading: 11, sparse text, finds the
  // small cells (SEX / M) that automatic layout joins into one blob even without rules.
  int page_segmentation_mode = 11;
  InkRegionOptions regions;
};

// The boxes of the words of `text` that hold a letter or digit (the ones FillGaps keeps
// clear of), scaled by `scale` into the pixel grid the page was read at.
std::vector<Box> ReadBoxes(const PageText& text, double scale);

// Adds to `first` the words of `second` that hold a letter or digit, were read with at
// least `min_confidence`, and overlap no letter-or-digit word of `first` by more than
// `max_overlap` of their own area. Added words keep their line of `second`: each such line
// becomes a new line at the end of `first` (in a block after `first`'s blocks), its text
// the added words. Returns the number of words added.
int FillGaps(PageText& first, const PageText& second, const GapFillOptions& options = {});

// Lines the engine read as junk: every word below `junk_below` or without a letter or
// digit, and as wide as three letters of the page's text at least (specks and rule debris
// are narrower). Under a signature the engine may take a printed line for part of the
// scribble and give it as a thin line of junk above the real one ("wr ters" for "NPI:
// 2898741147"); read again as a block of its own, the line comes out clear.
struct JunkLineOptions {
  bool enabled = true;
  double junk_below = 0.45;
  double keep_from = 0.8;  // a line read again is added only when every word of it is this sure
  int max_lines = 6;       // per page
};

// The regions to read again (page pixels): each junk line with a text height of room
// above and to its left, two below and five to its right (the real line lies around the
// junk the engine made of it). The text height is the median height of the words read
// with 0.7 or more; a page with fewer than ten such words has none. At most max_lines.
std::vector<Box> JunkLineRegions(const PageText& text, const JunkLineOptions& options = {});

// The lines of `found` whose every word was read with at least `keep_from`.
PageText ClearLines(const PageText& found, double keep_from);

// The lines of `text` for which `keep` holds, with their words; line indexes renumbered.
PageText KeepLines(const PageText& text, const std::function<bool(const Line&)>& keep);

}  // namespace faxintake::ocr
