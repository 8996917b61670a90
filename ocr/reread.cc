#include "ocr/reread.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

namespace faxintake::ocr {

namespace {

// Whether another word of `w`'s line lies within `w`'s box and is narrower: the engine gave
// `w` a box over its neighbours' ink too ("PA-1365" boxed over "PA-1365-202206"), and a cut
// of that box would read them into it.
bool BoxHoldsANeighbour(const PageText& text, size_t i) {
  const Box& b = text.words[i].box;
  for (size_t j = 0; j < text.words.size(); ++j) {
    const Box& o = text.words[j].box;
    if (j == i || text.words[j].line != text.words[i].line || o.w <= 0 || o.w >= b.w * 0.8) continue;
    const int64_t shared = IntersectionArea(b, o);
    if (shared > 0 && static_cast<double>(shared) >= 0.8 * static_cast<double>(Area(o))) return true;
  }
  return false;
}

}  // namespace

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
    if (digits >= options.min_digits && alnum >= options.min_alnum && !BoxHoldsANeighbour(text, i))
      out.push_back(static_cast<int>(i));
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

namespace {

// The only word of `text` holding a letter or digit; nullptr when none or several (read as
// two words: no longer the same unit).
const Word* OnlyWord(const PageText& text) {
  const Word* found = nullptr;
  for (const Word& w : text.words) {
    if (!HasAlnum(w.text)) continue;
    if (found != nullptr) return nullptr;
    found = &w;
  }
  return found;
}

// True when every character of `text` that is no letter or digit is punctuation printed
// in identifiers and dates; a $ or a § is a letter or digit misread ("$ZA525589319" for
// SZA525589319), and two readings without it do not agree on a letter.
bool PlainPunctuation(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-/.,:()#").find(c) != std::string_view::npos;
  });
}

// Letters (upper case) and digits of `text`.
std::string Spelled(const std::string& text) {
  std::string out;
  for (unsigned char c : text)
    if (std::isalnum(c)) out += static_cast<char>(std::toupper(c));
  return out;
}

// True when the second model's reading (`spelled`, as many letters and digits as `word`)
// changes `word` only as the usual confusions go: a digit for a letter (an O for a 0, an S
// for a 5), or a character the first reading weighed for that place (Word::glyphs). A
// letter for a digit only extends a leading letter prefix ("345.909" as J45.909), and
// only when weighed at 0.2 or more: the second model reads some 0s as D.
bool ChangesPlausible(const Word& word, const std::string& spelled) {
  const bool has_glyphs = word.glyphs.size() == word.text.size();
  size_t k = 0;
  bool prefix = true;  // every character so far, as changed, is a letter
  for (size_t i = 0; i < word.text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(word.text[i]);
    if (!std::isalnum(c)) continue;
    const char meant = spelled[k++];
    const bool letter = std::isalpha(static_cast<unsigned char>(meant)) != 0;
    const bool changed = std::toupper(c) != meant;
    if (changed) {
      const auto weighed = [&](float at_least) {
        if (!has_glyphs) return false;
        const auto& choices = word.glyphs[i].choices;
        return std::any_of(choices.begin(), choices.end(),
                           [&](const CharChoice& x) { return std::toupper(x.c) == meant && x.confidence >= at_least; });
      };
      bool ok;
      if (std::isdigit(c) && letter) ok = prefix && weighed(0.2f);
      else if (std::isalpha(c) && !letter) ok = true;
      else ok = weighed(0.0f);
      if (!ok) return false;
    }
    prefix = prefix && letter;
  }
  return true;
}

// `word` becomes `with`, keeping its line.
void Replace(Word& word, const Word& with) {
  const int line = word.line;
  word = with;
  word.line = line;
}

// Keeps on `word` its other readings: `first` (its reading before), and the words read
// alone, where each is one word with letters or digits; a reading alike the word's only
// where it is surer than the word (a confirmation: "UMO9440878" read at 0.00 on the page and
// at 0.62 alone, seed 80 s0038).
void KeepReadings(Word& word, const WordReading& first, const Word* found, const Word* other) {
  std::vector<WordReading> candidates = {first}, readings;
  for (const Word* w : {found, other})
    if (w != nullptr) candidates.push_back({w->text, w->confidence});
  for (const WordReading& r : candidates) {
    if ((r.text == word.text && r.confidence <= word.confidence) || !HasAlnum(r.text)) continue;
    if (std::none_of(readings.begin(), readings.end(), [&](const WordReading& k) { return k.text == r.text; }))
      readings.push_back(r);
  }
  word.readings = std::move(readings);
}

// TakeRereading's choice between the word and its readings alone, `found` by the page's
// model and `other` by the second (either null when it read no one word).
bool Decide(Word& word, const Word* found, const Word* other, const RereadOptions& options) {
  const std::string as_read = Spelled(word.text);
  const std::string alone = found != nullptr ? Spelled(found->text) : std::string();
  const std::string by_second = other != nullptr ? Spelled(other->text) : std::string();
  // The second model alone, sure where the page's model was not, reading as many letters
  // and digits, unless the first model's reading alone confirms the word.
  const bool alone_confirms = found != nullptr && alone == as_read;
  if (other != nullptr && !alone_confirms && PlainPunctuation(other->text) && other->confidence >= options.second_sure &&
      other->confidence >= word.confidence + options.second_margin && by_second.size() == as_read.size() &&
      by_second != as_read && ChangesPlausible(word, by_second)) {
    Replace(word, *other);
    return true;
  }
  if (found == nullptr || found->text == word.text) return false;
  const bool models_agree = other != nullptr && PlainPunctuation(found->text) && PlainPunctuation(other->text) &&
                            by_second == alone && alone != as_read;
  if (!models_agree) {
    if (found->confidence < word.confidence + options.margin) return false;
    // Both readings must hold the change: every character read differently alone was one
    // the engine weighed for that place in the first reading (a 0 second to a 9). A
    // reading of another length (a thin 1 lost at the cut's edge) is no such agreement.
    if (found->text.size() != word.text.size() || word.glyphs.size() != word.text.size()) return false;
    for (size_t i = 0; i < word.text.size(); ++i) {
      if (found->text[i] == word.text[i]) continue;
      const auto& choices = word.glyphs[i].choices;
      if (std::none_of(choices.begin(), choices.end(), [&](const CharChoice& c) { return c.c == found->text[i]; }))
        return false;
    }
  }
  Replace(word, *found);
  return true;
}

}  // namespace

bool TakeRereading(Word& word, const PageText& reread, const RereadOptions& options, const PageText* second) {
  const Word* found = OnlyWord(reread);
  const Word* other = second != nullptr ? OnlyWord(*second) : nullptr;
  const WordReading first{word.text, word.confidence};
  const bool taken = Decide(word, found, other, options);
  KeepReadings(word, first, found, other);
  return taken;
}

}  // namespace faxintake::ocr
