#include "extract/layout.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include "extract/choices.h"
#include "extract/validators.h"

namespace faxintake::extract {
namespace {

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

int Median(std::vector<int> v, int fallback) {
  if (v.empty()) return fallback;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Ruled lines and cell borders come back as "|", "_" or "l|" runs glued to words.
std::string StripRules(const std::string& text) {
  size_t b = 0, e = text.size();
  auto rule = [](char c) { return c == '|' || c == '_'; };
  while (b < e && rule(text[b])) ++b;
  while (e > b && rule(text[e - 1])) --e;
  return text.substr(b, e - b);
}

// Words worth keeping: any letter or digit, or punctuation that carries meaning in a form
// (checkbox brackets, range dashes, the '#' of "Group #").
bool Meaningful(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text)
    if (IsAsciiAlnum(c)) return true;
  static const std::string kKeep = "#-[](){}:;,&/";
  bool all_keep = true;
  for (char c : text) all_keep &= kKeep.find(c) != std::string::npos;
  if (all_keep) return true;
  return text == "\xE2\x80\x93" || text == "\xE2\x80\x94";  // en and em dash
}

// A unit of layout: one recognized line (or a lone word), before rows are formed.
struct Unit {
  std::vector<int> words;
  Box box;
  double cy = 0;
  int height = 0;
};

// A label's "#:" whose colon was read as a digit, the engine weighing the colon first
// among the glyph's readings ("Auth #3 PA-4298-080740", ':' at 0.83 and '3' at 0.78,
// seed 79 s0098): the marks as printed. Otherwise the word's text.
std::string HashColonRead(const Word& w) {
  if (w.text.size() != 2 || w.text[0] != '#' || !std::isdigit(static_cast<unsigned char>(w.text[1])) ||
      w.glyphs.size() != 2 || w.glyphs[1].choices.empty())
    return w.text;
  const char first = w.glyphs[1].choices.front().c;
  return first == ':' || first == ';' ? "#:" : w.text;
}

// Whether `echo` is the engine reading the end of `word`'s ink a second time: two letters
// or digits or more that end `word`'s own, read less surely, in a box standing mostly
// (half its width or more) over the end of `word`'s and level with it ("PA-9096-925115"
// at 0.88, then "115" at 0.32 over its last 37 px; seed 108 s0018).
bool EchoOf(const LayoutWord& echo, const LayoutWord& word) {
  if (echo.confidence >= word.confidence || echo.box.x <= word.box.x) return false;
  const int across = std::min(echo.box.right(), word.box.right()) - echo.box.x;
  const int down = std::min(echo.box.bottom(), word.box.bottom()) - std::max(echo.box.y, word.box.y);
  if (across * 2 < echo.box.w || down * 2 < std::min(echo.box.h, word.box.h)) return false;
  const std::string tail = AlnumUpper(echo.text), whole = AlnumUpper(word.text);
  return tail.size() >= 2 && whole.size() > tail.size() && whole.ends_with(tail);
}

}  // namespace

std::vector<std::string> Tokenize(const std::string& text) {
  // A label's "#:" read with a stray character between the marks ("Authorization #4:",
  // seed 40 s0056) is the mark alone.
  if (text.size() == 3 && text[0] == '#' && IsAsciiAlnum(text[1]) && (text[2] == ':' || text[2] == ';')) return {"#"};
  // Or a speck after it read as a small letter ("AUTHORIZATION #f", seed 87 s0020): no
  // value is one small letter.
  if (text.size() == 2 && text[0] == '#' && std::islower(static_cast<unsigned char>(text[1]))) return {"#"};
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsAsciiAlnum(c)) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      continue;
    }
    // An apostrophe inside a word is OCR noise in labels ("PALIEN'T"); keep the run.
    if (c == '\'' && !cur.empty()) continue;
    if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
        (text[i + 2] == '\x98' || text[i + 2] == '\x99') && !cur.empty()) {
      i += 2;
      continue;
    }
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
    if (c == '#') out.emplace_back("#");
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

PageLayout::PageLayout(const PageResult& page) : number_(page.number), width_(page.width), height_(page.height) {
  CollectWords(page);
  BuildRows(page);
  DropHeaderRows();
}

void PageLayout::CollectWords(const PageResult& page) {
  std::vector<int> heights;
  for (const Word& w : page.text.words) {
    std::string text = StripRules(w.glyphs.empty() ? w.text : TextWithMarksRead(w));
    if (text == w.text) text = HashColonRead(w);
    if (!Meaningful(text) || w.box.empty()) continue;
    LayoutWord lw;
    lw.text = text;
    lw.tokens = Tokenize(text);
    lw.box = w.box;
    lw.confidence = std::clamp(static_cast<double>(w.confidence), 0.0, 1.0);
    lw.colon = text.back() == ':';
    lw.source = &w;
    words_.push_back(std::move(lw));
    const bool line_ok = w.line >= 0 && static_cast<size_t>(w.line) < page.text.lines.size();
    source_line_.push_back(line_ok ? w.line : -1);
    heights.push_back(w.box.h);
  }
  typical_height_ = std::max(8, Median(heights, 20));
  // A speck read as a letter ("j" on a 2 x 2 box beside a cell label) is no word: no
  // letter or digit is that small beside print of the page's size. Punctuation is (the
  // dash of "M17.11 - Unilateral ..." is 5 x 2).
  const int speck = typical_height_ / 4;
  // Nor is a cell's rule read as a letter: one narrow stroke-like glyph, unsure, standing
  // a half again taller than the page's print ("J" 14 x 38 beside 22 px print between the
  // INSURANCE and MEMBER ID cells, before the id; seed 60 s0015).
  const auto rule_read_as_letter = [&](const LayoutWord& w) {
    return w.text.size() == 1 && std::string_view("JIl1|[]!").find(w.text[0]) != std::string_view::npos &&
           w.confidence < 0.6 && w.box.h * 2 >= typical_height_ * 3 && w.box.w * 2 <= w.box.h;
  };
  std::vector<bool> echo(words_.size(), false);
  for (size_t i = 0; i < words_.size(); ++i)
    echo[i] = std::any_of(words_.begin(), words_.end(), [&](const LayoutWord& w) { return EchoOf(words_[i], w); });
  std::vector<LayoutWord> kept;
  std::vector<int> kept_lines;
  for (size_t i = 0; i < words_.size(); ++i) {
    const Box& b = words_[i].box;
    const std::string& t = words_[i].text;
    if (b.h <= speck && b.w <= speck && std::any_of(t.begin(), t.end(), IsAsciiAlnum)) continue;
    if (rule_read_as_letter(words_[i])) continue;
    if (echo[i]) continue;
    kept.push_back(std::move(words_[i]));
    kept_lines.push_back(source_line_[i]);
  }
  words_ = std::move(kept);
  source_line_ = std::move(kept_lines);
  if (width_ <= 0 || height_ <= 0) {
    for (const LayoutWord& w : words_) {
      width_ = std::max(width_, w.box.right());
      height_ = std::max(height_, w.box.bottom());
    }
  }
}

void PageLayout::BuildRows(const PageResult& page) {
  (void)page;
  // Units: the words of one recognized line stay together.
  std::map<int, Unit> by_line;
  std::vector<Unit> units;
  for (size_t i = 0; i < words_.size(); ++i) {
    if (source_line_[i] < 0) {
      Unit u;
      u.words.push_back(static_cast<int>(i));
      units.push_back(u);
    } else {
      by_line[source_line_[i]].words.push_back(static_cast<int>(i));
    }
  }
  for (auto& [line, u] : by_line) units.push_back(std::move(u));
  for (Unit& u : units) {
    std::vector<int> hs, cys;
    for (int wi : u.words) {
      const Box& b = word(wi).box;
      u.box = Union(u.box, b);
      hs.push_back(b.h);
      cys.push_back(b.y + b.h / 2);
    }
    u.height = std::max(1, Median(hs, typical_height_));
    u.cy = Median(cys, u.box.y + u.box.h / 2);
  }
  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) { return a.cy < b.cy; });

  // Rows: units side by side at the same height. A unit joins the row whose centre is
  // nearest, if close enough for its size and the two do not overlap horizontally.
  struct Building {
    std::vector<int> words;
    double cy = 0;
    int height = 0;
    int n = 0;
    std::vector<Box> spans;
  };
  std::vector<Building> rows;
  for (const Unit& u : units) {
    int best = -1;
    double best_d = 1e9;
    for (int r = static_cast<int>(rows.size()) - 1; r >= 0 && r >= static_cast<int>(rows.size()) - 12; --r) {
      const Building& row = rows[static_cast<size_t>(r)];
      const double d = std::abs(row.cy - u.cy);
      const double tol = 0.5 * std::min(row.height, u.height);
      if (d > tol || d >= best_d) continue;
      // Word by word: a recognized line may span a cell it skipped (DATE OF BIRTH ...
      // PHONE read as one line over the SEX cell read apart).
      bool overlap = false;
      for (const Box& s : row.spans)
        for (int wi : u.words) {
          const Box& b = word(wi).box;
          const int ov = std::min(s.right(), b.right()) - std::max(s.x, b.x);
          if (ov > std::min(u.height, row.height) / 2) overlap = true;
        }
      if (overlap) continue;
      best = r;
      best_d = d;
    }
    if (best < 0) {
      rows.push_back(Building{});
      best = static_cast<int>(rows.size()) - 1;
    }
    Building& row = rows[static_cast<size_t>(best)];
    const int m = static_cast<int>(u.words.size());
    row.cy = (row.cy * row.n + u.cy * m) / (row.n + m);
    row.n += m;
    row.height = row.height == 0 ? u.height : std::max(row.height, u.height);
    row.words.insert(row.words.end(), u.words.begin(), u.words.end());
    for (int wi : u.words) row.spans.push_back(word(wi).box);
  }
  std::sort(rows.begin(), rows.end(), [](const Building& a, const Building& b) { return a.cy < b.cy; });

  rows_.clear();
  for (Building& b : rows) {
    LayoutRow row;
    row.words = std::move(b.words);
    std::sort(row.words.begin(), row.words.end(), [this](int a, int c) { return word(a).box.x < word(c).box.x; });
    std::vector<int> hs;
    for (int wi : row.words) {
      row.box = Union(row.box, word(wi).box);
      hs.push_back(word(wi).box.h);
    }
    row.height = std::max(1, Median(hs, typical_height_));
    rows_.push_back(std::move(row));
  }
  for (size_t r = 0; r < rows_.size(); ++r) {
    LayoutRow& row = rows_[r];
    for (size_t p = 0; p < row.words.size(); ++p) {
      LayoutWord& w = words_[static_cast<size_t>(row.words[p])];
      w.row = static_cast<int>(r);
      w.pos = static_cast<int>(p);
      row.text += (p ? " " : "") + w.text;
    }
  }
}

void PageLayout::DropHeaderRows() {
  // The sending machine's header (TTI) sits in the top band of every page ("MAR 03 2026
  // 10:42AM FROM: ... P.002/005"); on a page turned upright it ends up in the bottom band.
  static const RE2 tti(R"((?i)(\bP\s*[.,]?\s*\d{2,3}\s*/\s*\d{2,3}\b|\bFROM\s*:|\b\d{1,2}:\d{2}\s*(AM|PM)?\b|\bFAX\s*:?\s*\(?\d{3}))");
  std::vector<LayoutRow> kept;
  for (LayoutRow& row : rows_) {
    const double cy = row.box.y + row.box.h / 2.0;
    const bool top = cy < height_ * 0.032;
    const bool bottom = cy > height_ * 0.975;
    const bool near_top = cy < height_ * 0.05;
    if (top || bottom || (near_top && RE2::PartialMatch(row.text, tti))) {
      for (int wi : row.words) words_[static_cast<size_t>(wi)].row = -1;
      continue;
    }
    kept.push_back(std::move(row));
  }
  rows_ = std::move(kept);
  for (size_t r = 0; r < rows_.size(); ++r)
    for (size_t p = 0; p < rows_[r].words.size(); ++p) {
      LayoutWord& w = words_[static_cast<size_t>(rows_[r].words[p])];
      w.row = static_cast<int>(r);
      w.pos = static_cast<int>(p);
    }
}

bool PageLayout::StartsSegment(int wi) const {
  const LayoutWord& w = word(wi);
  if (w.row < 0) return false;
  if (w.pos == 0) return true;
  const LayoutRow& row = rows_[static_cast<size_t>(w.row)];
  // A comma goes on: "CARTER,   TIMOTHY" printed wide in a name cell is one value.
  const LayoutWord& prev = word(row.words[static_cast<size_t>(w.pos - 1)]);
  const double factor = !prev.text.empty() && prev.text.back() == ',' ? 2.0 : 1.2;
  return GapBefore(wi) > std::max(row.height, typical_height_) * factor;
}

std::vector<std::vector<int>> PageLayout::Segments(int row) const {
  std::vector<std::vector<int>> out;
  for (int wi : rows_[static_cast<size_t>(row)].words) {
    if (out.empty() || StartsSegment(wi)) out.emplace_back();
    out.back().push_back(wi);
  }
  return out;
}

int PageLayout::TextHeight(const std::vector<int>& words) const {
  std::vector<int> hs;
  for (int wi : words) hs.push_back(word(wi).box.h);
  return Median(hs, typical_height_);
}

int PageLayout::GapBefore(int wi) const {
  const LayoutWord& w = word(wi);
  if (w.row < 0 || w.pos == 0) return 0;
  const LayoutWord& prev = word(rows_[static_cast<size_t>(w.row)].words[static_cast<size_t>(w.pos - 1)]);
  return w.box.x - prev.box.right();
}

std::string PageLayout::Join(int row, int from, int to) const {
  std::string out;
  const LayoutRow& r = rows_[static_cast<size_t>(row)];
  to = std::min(to, static_cast<int>(r.words.size()));
  for (int p = std::max(0, from); p < to; ++p) {
    if (!out.empty()) out += ' ';
    out += word(r.words[static_cast<size_t>(p)]).text;
  }
  return out;
}

}  // namespace faxintake::extract
