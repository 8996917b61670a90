// Internal to ingest/: the bookkeeping of one decode (limits, deadline, pixel
// budget) and the raster operations every decoder shares (resolution inference,
// stretching to square pixels, TIFF orientation).
//
// Thread-safety: a DecodeContext belongs to one decode on one thread; the free
// functions are reentrant.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "ingest/decode.h"
#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

using Clock = std::chrono::steady_clock;

class DecodeContext {
 public:
  DecodeContext(const DecodeLimits& limits, Clock::time_point deadline)
      : limits_(limits), deadline_(deadline) {}
  DecodeContext(const DecodeContext&) = delete;
  DecodeContext& operator=(const DecodeContext&) = delete;

  const DecodeLimits& limits() const { return limits_; }

  // kDeadlineExceeded "decode_timeout" once the deadline has passed.
  Result<void> CheckDeadline() const;
  // kResourceExhausted "too_many_pages" when `pages` exceeds max_pages.
  Result<void> CheckPageCount(int64_t pages) const;
  // Whether a width x height page may be allocated: both positive (else
  // kInvalidArgument `bad_size_reason`), at most max_page_pixels ("page_too_large")
  // and within what is left of max_total_pixels ("total_pixels_too_large").
  // Reserves nothing.
  Result<void> CheckPageSize(int64_t width, int64_t height, const char* bad_size_reason) const;
  // CheckPageSize, then counts the page toward max_total_pixels.
  Result<void> ReservePage(int64_t width, int64_t height, const char* bad_size_reason);

  // One entry per page produced, in order (see DecodeInfo).
  std::vector<bool>& resolution_inferred() { return resolution_inferred_; }

 private:
  const DecodeLimits& limits_;
  Clock::time_point deadline_;
  int64_t total_pixels_ = 0;
  std::vector<bool> resolution_inferred_;
};

struct Resolution {
  double x = 0;
  double y = 0;
  bool inferred = false;  // at least one axis was missing or implausible
};

// The resolution of a width x height page whose file says xdpi x ydpi (0 or
// negative: absent). A value outside [50, 2400] dpi is implausible and inferred:
// a fax width (1728, 2048, 2432 pixels) means 204 dpi across (408 for the
// 16 pels/mm widths), otherwise the other axis, otherwise 200; vertically, a fax
// width with height/width < 0.9 means normal resolution (98 dpi for 204 across),
// otherwise the horizontal value.
Resolution InferResolution(int64_t width, int64_t height, double xdpi, double ydpi);

enum class Stretch { kNone, kDoubleRows, kDoubleColumns };

// kDoubleRows when xdpi/ydpi is about 2 (normal-resolution fax), kDoubleColumns
// when ydpi/xdpi is about 2, else kNone.
Stretch StretchFor(double xdpi, double ydpi);

// Height (kDoubleRows) or width (kDoubleColumns) multiplied by 2.
void StretchedSize(Stretch s, int64_t& width, int64_t& height);

// Doubles every row or column of `r` and the matching dpi. REQUIRES: the result
// fits (checked with StretchedSize + DecodeContext before calling).
void ApplyStretch(Stretch s, Raster& r);

// Turns a raster stored in TIFF Orientation `orientation` (1..8; other values
// are taken as 1) into top-left order; orientations 5..8 swap width/height and
// the dpis.
void ApplyTiffOrientation(int orientation, Raster& r);

}  // namespace faxintake::ingest
