// The Tesseract adapter (only file that includes Tesseract) and the engine pool.
//
// An OcrEngine wraps one TessBaseAPI, initialized once and reused for many pages.
// Thread-safety: an OcrEngine is used by one thread at a time; EnginePool hands
// engines to threads (Lease) and is itself thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ocr/cleanup.h"
#include "ocr/gap_fill.h"
#include "ocr/reread.h"
#include "pipeline/model.h"
#include "pipeline/status.h"

namespace tesseract {
class TessBaseAPI;
}

namespace faxintake::ocr {

struct OcrOptions {
  std::string tessdata_dir;          // empty: Tesseract's compiled-in default
  std::string language = "eng";
  int page_segmentation_mode = 3;    // Tesseract PSM: 3 automatic, 6 single block
  int page_deadline_ms = 30000;      // per page; a page past it keeps the words read so far
  // Tesseract's ranked readings per character of words holding digits (Word::glyphs), for
  // identifier repair: how many alternative paths the LSTM search explores (0: none). On
  // three generated sets, 3 read 5 more key identifiers right than 0, 1 none; eval 4.6
  // against 4.9 pages/s without (5, Tesseract's default, about 4.2 pages/s, no more read).
  int char_choice_iterations = 3;
  CleanupOptions cleanup;
  GapFillOptions gap_fill;
  RereadOptions reread;
  JunkLineOptions junk_lines;
  // A second model for the re-reading of identifiers (reread.h), in its own tessdata
  // directory (empty: the one the build writes, see ocr/CMakeLists.txt). Debian's
  // Latin-script model, trained apart from `language`'s, errs elsewhere: it read
  // 7Y79NK6NF65 at 0.90 where the first read 7Y70NKENF6S. Empty language: none.
  std::string second_language = "Latin";
  std::string second_tessdata_dir;
};

// What OCR made of one page: words in the upright page's pixel coordinates.
struct OcrPage {
  PageText text;
  int rotation = 0;                  // degrees applied to make the page upright
  int width = 0, height = 0;         // upright page size in pixels
  bool timed_out = false;
  int gap_words = 0;                 // words added from the reading with rules erased and of junk lines
  int reread_words = 0;              // words replaced by a surer reading of the word alone
};

class OcrEngine {
 public:
  // Loads the language model. Errors: kFailedPrecondition when the model cannot be loaded
  // (message names the tessdata directory and language).
  static Result<std::unique_ptr<OcrEngine>> Create(const OcrOptions& options);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Cleans up and recognizes one page. Never fails on bad pixels: an unreadable page
  // gives an empty PageText. Errors: kInternal only when Leptonica cannot allocate.
  Result<OcrPage> Recognize(const Raster& page);

  // Recognizes an already prepared page (no clean-up). Boxes are divided by `scale`.
  OcrPage RecognizePrepared(const PreparedPage& page);

 private:
  explicit OcrEngine(const OcrOptions& options);
  // Reads the regions of `bare` (a ruled form with its rules erased) that hold ink the
  // first reading left without words, and adds what they yield to `page_read`; all the
  // regions of a page share a quarter of the page deadline.
  void FillRuledGaps(const PreparedPage& bare, OcrPage& page_read);
  // Reads again, each alone as one line, the low-confidence words that look like
  // identifiers or dates (reread.h), with the page's model and with the second model, and
  // keeps a new reading two readings support (TakeRereading); each model's readings of a
  // page share an eighth of the page deadline.
  void RereadIdentifiers(const PreparedPage& prepared, OcrPage& page_read);
  // Reads again the regions of junk lines (gap_fill.h: JunkLineRegions) as blocks, sharing
  // an eighth of the page deadline, and adds their clear lines where nothing was read.
  void RereadJunkLines(const PreparedPage& prepared, OcrPage& page_read);
  // Reads with `api` (api_ or second_) `count` rectangles of `page` (pix coordinates)
  // one by one in page segmentation mode `psm`, all sharing `budget_ms`: `region(k)` gives
  // the k-th (an empty box is skipped) and `take(k, text, complete)` receives what was
  // read, `complete` false when the deadline cut the reading short. api_'s own mode is
  // restored after.
  void ReadRegions(tesseract::TessBaseAPI* api, const PreparedPage& page, int psm, int budget_ms, size_t count,
                   const std::function<Box(size_t)>& region,
                   const std::function<void(size_t, const PageText&, bool)>& take);
  OcrOptions options_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  std::unique_ptr<tesseract::TessBaseAPI> second_;  // second_language's model, or none
};

// A fixed set of engines, created up front (model loading costs ~0.1 s each).
class EnginePool {
 public:
  // Creates `size` engines (size >= 1). Errors as OcrEngine::Create.
  static Result<std::unique_ptr<EnginePool>> Create(const OcrOptions& options, int size);

  // A borrowed engine, returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(EnginePool* pool, std::unique_ptr<OcrEngine> engine) : pool_(pool), engine_(std::move(engine)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    OcrEngine& operator*() { return *engine_; }
    OcrEngine* operator->() { return engine_.get(); }

   private:
    EnginePool* pool_;
    std::unique_ptr<OcrEngine> engine_;
  };

  // Blocks until an engine is free.
  Lease Acquire();
  int size() const { return size_; }

 private:
  friend class Lease;
  void Release(std::unique_ptr<OcrEngine> engine);
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<OcrEngine>> free_;
  int size_ = 0;
};

}  // namespace faxintake::ocr
