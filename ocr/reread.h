// A second look at the words that carry identifiers: a member id, an authorization number,
// an NPI or a date read with low confidence is read again alone, as one line of text cut
// from the page, by the page's model and by a second model trained apart. Read inside its
// line, a word's characters are weighed with their neighbours' context and the line's
// baseline; read alone, a clean "PA-0032-300619" that the page reading gave as
// "PA-9032-300619" at 0.52 (the 0 second for the 9) comes out right at 0.82. A new
// reading is kept only where two readings support it (TakeRereading).
//
// Thread-safety: pure functions over values.
#pragma once

#include <utility>
#include <vector>

#include "pipeline/model.h"

namespace faxintake::ocr {

struct RereadOptions {
  bool enabled = true;
  double below = 0.9;          // words read with less confidence are read again
  double margin = 0.05;        // the new reading must be surer by this much to replace
  int min_digits = 3;          // words with fewer digits are no identifiers or dates
  int min_alnum = 5;
  int max_words = 30;          // per page, least confident first
  int page_segmentation_mode = 7;  // one line of text
  // The second model's reading alone replaces the word when this sure, and surer than the
  // word's first reading by second_margin.
  double second_sure = 0.85;
  double second_margin = 0.1;
};

// The indexes of the words of `text` to read again: at least `min_alnum` letters and
// digits of which `min_digits` digits, confidence below `below`, and a box holding no
// narrower word of its line (a box the engine stretched over its neighbours); least
// confident first, at most `max_words`.
std::vector<int> WordsToReread(const PageText& text, const RereadOptions& options = {});

// The region to cut for reading `word` again, in the pixel grid the page was read at
// (`scale` pix pixels per page pixel): its box with a margin of a third of its height
// above and below, and to each side half its height but at most half the space to the
// next word on its line (`left_room`, `right_room`, page pixels; a thin 1 at the edge of a
// tight cut is lost), kept inside a `width` x `height` image.
Box RereadRegion(const Box& word, double scale, int width, int height, int left_room = 1 << 20,
                 int right_room = 1 << 20);
// The space between the word `index` of `text` and its neighbours on its line (page
// pixels; 1 << 20 where it has none), for RereadRegion.
std::pair<int, int> RoomBeside(const PageText& text, int index);

// Replaces `word` by a reading of its region alone, keeping the word's line; returns
// whether it did. `reread` is the page's model's reading, `second` (optional) a second
// model's. Readings count when they are one word holding a letter or digit. In order:
//  - the second model's reading, when that model is sure (second_sure, and second_margin
//    surer than the word), reads as many letters and digits, the first model's reading
//    alone does not confirm the word as read, and every change is a usual confusion: a
//    digit for a letter, a character the first reading weighed there (Word::glyphs), a
//    letter for a digit only in a leading prefix and weighed at 0.2 or more (the second
//    model reads some 0s as D);
//  - the first model's reading, when the second model's spells the same letters and
//    digits and the word does not (two models agree, also on another length: XXX18498495
//    read alone as XX18498495 by both);
//  - the first model's reading, when it is of the same length, at least `margin` surer,
//    and every character it reads differently was among the first reading's alternatives.
// Either way the word keeps its other readings (Word::readings): the ones alone not taken,
// and its first reading when one was, for the identifier readers to choose by shape; and a
// reading alone alike the word's where surer than the word, a confirmation.
bool TakeRereading(Word& word, const PageText& reread, const RereadOptions& options = {},
                   const PageText* second = nullptr);

}  // namespace faxintake::ocr
