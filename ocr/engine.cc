#include "ocr/engine.h"

#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "ocr/gap_fill.h"
#include "pipeline/log.h"

namespace faxintake::ocr {
namespace {

struct TextDeleter {
  void operator()(char* p) const { delete[] p; }
};
using TessText = std::unique_ptr<char, TextDeleter>;

// Tesseract's LSTM uses OpenMP inside a page; we parallelize across pages instead, so
// every thread that recognizes pins OpenMP to itself (see reference/ocr-performance.md).
void PinOpenMpToThisThread() { omp_set_num_threads(1); }

Box ScaledBox(int left, int top, int right, int bottom, double scale) {
  const double s = scale > 0 ? 1.0 / scale : 1.0;
  const int x = static_cast<int>(std::floor(left * s));
  const int y = static_cast<int>(std::floor(top * s));
  return Box{x, y, std::max(1, static_cast<int>(std::ceil(right * s)) - x),
             std::max(1, static_cast<int>(std::ceil(bottom * s)) - y)};
}

// At most this many readings are kept per character (measured: the right character of a
// misread identifier was within the first four when it was there at all).
constexpr size_t kMaxChoices = 6;

// The characters of the word at `word_it` with the LSTM's ranked readings of each
// (lstm_choice_mode 2). Empty when the characters do not spell the word's text.
std::vector<Glyph> WordGlyphs(const tesseract::ResultIterator& word_it, const std::string& text) {
  std::vector<Glyph> out;
  tesseract::ResultIterator s(word_it);
  std::string spelled;
  do {
    TessText sym(s.GetUTF8Text(tesseract::RIL_SYMBOL));
    Glyph g;
    if (sym) g.text = sym.get();
    tesseract::ChoiceIterator ci(s);
    do {
      const char* t = ci.GetUTF8Text();
      if (t == nullptr || t[0] == '\0' || t[1] != '\0' || static_cast<unsigned char>(t[0]) > 127) continue;
      g.choices.push_back({t[0], std::clamp(ci.Confidence() / 100.0f, 0.0f, 1.0f)});
    } while (g.choices.size() < kMaxChoices && ci.Next());
    spelled += g.text;
    out.push_back(std::move(g));
    if (s.IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL)) break;
  } while (s.Next(tesseract::RIL_SYMBOL));
  if (spelled != text) out.clear();
  return out;
}

// Reads words, lines and blocks from the recognized page.
PageText CollectText(tesseract::TessBaseAPI* api, double scale, bool choices) {
  PageText text;
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  if (!it) return text;
  int block = -1;
  const auto word_level = tesseract::RIL_WORD;
  do {
    if (it->Empty(word_level)) continue;
    if (it->IsAtBeginningOf(tesseract::RIL_BLOCK)) ++block;
    if (text.lines.empty() || it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
      Line line;
      line.first_word = static_cast<int>(text.words.size());
      line.block = std::max(block, 0);
      text.lines.push_back(line);
    }
    TessText utf8(it->GetUTF8Text(word_level));
    if (!utf8 || utf8.get()[0] == '\0') continue;
    int l = 0, t = 0, r = 0, b = 0;
    it->BoundingBox(word_level, &l, &t, &r, &b);
    Word w;
    w.text = utf8.get();
    w.box = ScaledBox(l, t, r, b, scale);
    w.confidence = std::clamp(it->Confidence(word_level) / 100.0f, 0.0f, 1.0f);
    w.line = static_cast<int>(text.lines.size()) - 1;
    // Identifiers hold digits; the alternatives of other words are not read (cost).
    if (choices && std::any_of(w.text.begin(), w.text.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
      w.glyphs = WordGlyphs(*it, w.text);
    Line& line = text.lines.back();
    if (line.word_count > 0) line.text += ' ';
    line.text += w.text;
    line.box = Union(line.box, w.box);
    ++line.word_count;
    text.words.push_back(std::move(w));
  } while (it->Next(word_level));
  // Drop lines that ended up without words (renumber words' line indexes).
  return KeepLines(text, [](const Line& line) { return line.word_count > 0; });
}

// Below this mean word confidence a page the orientation test turned is read as it came
// too. Pages read the right way up score 0.85-0.95; debris read sideways about 0.5.
constexpr double kDoubtfulTurnConfidence = 0.7;

// How much confidently read text a page yields: letters and digits of words read with
// confidence 0.7 or more. Text read upside down comes out as low-confidence debris. The
// top and bottom twentieth of the page are left out: the sending machine stamps its header
// line there the right way up whatever way the page was fed, so it reads well one way and
// as debris the other (an insurance card fed upside down under an upright "P.004/005"
// header stayed upside down, seed 101 s0015).
double ReadingScore(const OcrPage& page) {
  double score = 0;
  const int band = page.height / 20;
  for (const Word& w : page.text.words) {
    if (w.confidence < 0.7) continue;
    const int centre = w.box.y + w.box.h / 2;
    if (page.height > 0 && (centre < band || centre > page.height - band)) continue;
    int alnum = 0;
    for (unsigned char c : w.text) alnum += std::isalnum(c) ? 1 : 0;
    score += alnum * w.confidence;
  }
  return score;
}

}  // namespace

OcrEngine::OcrEngine(const OcrOptions& options) : options_(options), api_(new tesseract::TessBaseAPI) {}

OcrEngine::~OcrEngine() {
  if (api_) api_->End();
  if (second_) second_->End();
}

Result<std::unique_ptr<OcrEngine>> OcrEngine::Create(const OcrOptions& options) {
  PinOpenMpToThisThread();
  // Leptonica reports to stderr by default; our logs carry ids and codes only.
  setMsgSeverity(L_SEVERITY_NONE);
  std::unique_ptr<OcrEngine> engine(new OcrEngine(options));
  const char* datapath = options.tessdata_dir.empty() ? nullptr : options.tessdata_dir.c_str();
  if (engine->api_->Init(datapath, options.language.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return MakeError(ErrorCode::kFailedPrecondition, "ocr_model_missing",
                     "cannot load Tesseract language '" + options.language + "' from " +
                         (datapath ? options.tessdata_dir : std::string("the default tessdata directory")) +
                         " (install tesseract-ocr-" + options.language + ")");
  }
  engine->api_->SetVariable("debug_file", "/dev/null");
  if (options.char_choice_iterations > 0) {
    engine->api_->SetVariable("lstm_choice_mode", "2");
    engine->api_->SetVariable("lstm_choice_iterations", std::to_string(options.char_choice_iterations).c_str());
  }
  engine->api_->SetPageSegMode(static_cast<tesseract::PageSegMode>(options.page_segmentation_mode));
  if (!options.second_language.empty()) {
    const std::string& dir = options.second_tessdata_dir.empty() ? std::string(FAXINTAKE_MODEL_DIR) : options.second_tessdata_dir;
    engine->second_.reset(new tesseract::TessBaseAPI);
    if (engine->second_->Init(dir.c_str(), options.second_language.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
      return MakeError(ErrorCode::kFailedPrecondition, "ocr_model_missing",
                       "cannot load the second Tesseract model '" + options.second_language + "' from " + dir);
    }
    engine->second_->SetVariable("debug_file", "/dev/null");
  }
  return engine;
}

Result<OcrPage> OcrEngine::Recognize(const Raster& page) {
  PreparedPage prepared = PreparePage(page, options_.cleanup);
  if (!prepared.pix) return MakeError(ErrorCode::kInternal, "ocr_alloc_failed", "cannot allocate page image");
  OcrPage page_read = RecognizePrepared(prepared);
  if (prepared.orientation_uncertain) {
    // Orientation undecided: read it upside down too and keep the reading with more
    // confident text (3 of 319 generated pages were upside down and left so before).
    PreparedPage turned = TurnedOver(prepared);
    if (turned.pix) {
      OcrPage turned_read = RecognizePrepared(turned);
      // Measured on 8 undecided pages: the right way up scores 3 to 30 times the wrong one.
      if (ReadingScore(turned_read) > 1.5 * ReadingScore(page_read)) {
        page_read = std::move(turned_read);
        prepared = std::move(turned);
      }
    }
  }
  // Turned by the orientation test yet read poorly: Leptonica may take a boxed form's rules
  // for text running the other way (an upright referral form turned by 270 degrees read as
  // debris at 0.48, seed 35 s0099). The page as it came is read too; the better reading wins.
  if (prepared.rotation != 0 && !page_read.timed_out && page_read.text.MeanConfidence() < kDoubtfulTurnConfidence) {
    CleanupOptions as_is = options_.cleanup;
    as_is.detect_orientation = false;
    PreparedPage unturned = PreparePage(page, as_is);
    if (unturned.pix) {
      OcrPage unturned_read = RecognizePrepared(unturned);
      if (ReadingScore(unturned_read) > 1.5 * ReadingScore(page_read)) {
        page_read = std::move(unturned_read);
        prepared = std::move(unturned);
      }
    }
  }
  bool ruled = false;
  if (options_.cleanup.fill_ruled_gaps && !page_read.timed_out) {
    PreparedPage bare = RulesErased(prepared, options_.cleanup);
    ruled = bare.pix != nullptr;
    if (ruled) FillRuledGaps(bare, page_read);
  }
  // Letters and notes: a ruled form's cells are the gap fill's (on seeds 27 and 28 this
  // re-reading added a form's state cell to its city).
  if (options_.junk_lines.enabled && !ruled && !page_read.timed_out) RereadJunkLines(prepared, page_read);
  if (options_.reread.enabled && !page_read.timed_out) RereadIdentifiers(prepared, page_read);
  return page_read;
}

OcrPage OcrEngine::RecognizePrepared(const PreparedPage& page) {
  PinOpenMpToThisThread();
  OcrPage out;
  out.rotation = page.rotation;
  out.width = page.page_width;
  out.height = page.page_height;
  api_->SetImage(page.pix.get());
  api_->SetSourceResolution(static_cast<int>(std::lround(page.dpi)));
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(options_.page_deadline_ms);
  const int rc = api_->Recognize(&monitor);
  out.timed_out = monitor.deadline_exceeded();
  if (rc == 0 || out.timed_out) out.text = CollectText(api_.get(), page.scale, options_.char_choice_iterations > 0);
  api_->Clear();
  return out;
}

void OcrEngine::ReadRegions(tesseract::TessBaseAPI* api, const PreparedPage& page, int psm, int budget_ms, size_t count,
                            const std::function<Box(size_t)>& region,
                            const std::function<void(size_t, const PageText&, bool)>& take) {
  PinOpenMpToThisThread();
  api->SetPageSegMode(static_cast<tesseract::PageSegMode>(psm));
  api->SetImage(page.pix.get());
  api->SetSourceResolution(static_cast<int>(std::lround(page.dpi)));
  const auto start = std::chrono::steady_clock::now();
  for (size_t k = 0; k < count; ++k) {
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    const int left_ms = budget_ms - static_cast<int>(spent.count());
    if (left_ms <= 0) break;
    const Box r = region(k);
    if (r.empty()) continue;
    api->SetRectangle(r.x, r.y, r.w, r.h);
    tesseract::ETEXT_DESC monitor;
    monitor.set_deadline_msecs(left_ms);
    const int rc = api->Recognize(&monitor);
    if (rc != 0 && !monitor.deadline_exceeded()) continue;
    take(k, CollectText(api, page.scale, options_.char_choice_iterations > 0), rc == 0);
  }
  api->Clear();
  if (api == api_.get()) api->SetPageSegMode(static_cast<tesseract::PageSegMode>(options_.page_segmentation_mode));
}

void OcrEngine::FillRuledGaps(const PreparedPage& bare, OcrPage& page_read) {
  const std::vector<Box> regions = UnreadInk(bare, ReadBoxes(page_read.text, bare.scale), options_.gap_fill.regions);
  if (regions.empty()) return;
  // One time budget for all the regions of the page, a quarter of the page's deadline.
  ReadRegions(
      api_.get(), bare, options_.gap_fill.page_segmentation_mode, options_.page_deadline_ms / 4, regions.size(),
      [&](size_t k) { return regions[k]; },
      [&](size_t, const PageText& found, bool) { page_read.gap_words += FillGaps(page_read.text, found, options_.gap_fill); });
}

void OcrEngine::RereadJunkLines(const PreparedPage& prepared, OcrPage& page_read) {
  const std::vector<Box> lines = JunkLineRegions(page_read.text, options_.junk_lines);
  if (lines.empty()) return;
  const int width = pixGetWidth(prepared.pix.get()), height = pixGetHeight(prepared.pix.get());
  const auto to_pix = [&](const Box& b) {
    const double s = prepared.scale > 0 ? prepared.scale : 1.0;
    const int x = std::clamp(static_cast<int>(b.x * s), 0, width), y = std::clamp(static_cast<int>(b.y * s), 0, height);
    return Box{x, y, std::min(width - x, static_cast<int>(std::ceil(b.w * s))),
               std::min(height - y, static_cast<int>(std::ceil(b.h * s)))};
  };
  // Each region as one block of text (PSM 6); one budget for the page, an eighth of its deadline.
  ReadRegions(
      api_.get(), prepared, 6, options_.page_deadline_ms / 8, lines.size(), [&](size_t k) { return to_pix(lines[k]); },
      [&](size_t, const PageText& found, bool) {
        page_read.gap_words += FillGaps(page_read.text, ClearLines(found, options_.junk_lines.keep_from), options_.gap_fill);
      });
}

void OcrEngine::RereadIdentifiers(const PreparedPage& prepared, OcrPage& page_read) {
  const std::vector<int> words = WordsToReread(page_read.text, options_.reread);
  if (words.empty()) return;
  const int width = pixGetWidth(prepared.pix.get()), height = pixGetHeight(prepared.pix.get());
  std::vector<Box> regions;
  for (int index : words) {
    const auto [left_room, right_room] = RoomBeside(page_read.text, index);
    regions.push_back(RereadRegion(page_read.text.words[static_cast<size_t>(index)].box, prepared.scale, width, height,
                                   left_room, right_room));
  }
  // Each word alone by the page's model, then by the second model; one budget each.
  std::vector<std::optional<PageText>> alone(words.size()), second(words.size());
  const auto read_with = [&](tesseract::TessBaseAPI* api, std::vector<std::optional<PageText>>& out) {
    ReadRegions(
        api, prepared, options_.reread.page_segmentation_mode, options_.page_deadline_ms / 8, words.size(),
        [&](size_t k) { return regions[k]; },
        [&](size_t k, const PageText& found, bool complete) {
          if (complete) out[k] = found;
        });
  };
  read_with(api_.get(), alone);
  if (second_) read_with(second_.get(), second);
  std::vector<bool> changed_line(page_read.text.lines.size(), false);
  for (size_t k = 0; k < words.size(); ++k) {
    if (!alone[k]) continue;
    Word& word = page_read.text.words[static_cast<size_t>(words[k])];
    if (!TakeRereading(word, *alone[k], options_.reread, second[k] ? &*second[k] : nullptr)) continue;
    ++page_read.reread_words;
    if (word.line >= 0 && static_cast<size_t>(word.line) < changed_line.size())
      changed_line[static_cast<size_t>(word.line)] = true;
  }
  // The lines' text follows their words.
  for (size_t l = 0; l < changed_line.size(); ++l) {
    if (!changed_line[l]) continue;
    Line& line = page_read.text.lines[l];
    line.text.clear();
    for (int k = line.first_word; k < line.first_word + line.word_count; ++k) {
      if (k > line.first_word) line.text += ' ';
      line.text += page_read.text.words[static_cast<size_t>(k)].text;
    }
  }
}

Result<std::unique_ptr<EnginePool>> EnginePool::Create(const OcrOptions& options, int size) {
  std::unique_ptr<EnginePool> pool(new EnginePool);
  pool->size_ = std::max(1, size);
  for (int i = 0; i < pool->size_; ++i) {
    auto engine = OcrEngine::Create(options);
    if (!engine) return std::unexpected(engine.error());
    pool->free_.push_back(std::move(*engine));
  }
  return pool;
}

EnginePool::Lease EnginePool::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty(); });
  std::unique_ptr<OcrEngine> engine = std::move(free_.back());
  free_.pop_back();
  return Lease(this, std::move(engine));
}

void EnginePool::Release(std::unique_ptr<OcrEngine> engine) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(engine));
  }
  cv_.notify_one();
}

EnginePool::Lease::~Lease() {
  if (engine_) pool_->Release(std::move(engine_));
}

}  // namespace faxintake::ocr
