#include "ingest/page_ops.h"

#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace faxintake::ingest {

Result<void> DecodeContext::CheckDeadline() const {
  if (Clock::now() < deadline_) return {};
  return MakeError(ErrorCode::kDeadlineExceeded, "decode_timeout",
                   fmt::format("decode took longer than {} ms", limits_.timeout_ms));
}

Result<void> DecodeContext::CheckPageCount(int64_t pages) const {
  if (pages <= limits_.max_pages) return {};
  return MakeError(ErrorCode::kResourceExhausted, "too_many_pages",
                   fmt::format("more than {} pages", limits_.max_pages));
}

Result<void> DecodeContext::CheckPageSize(int64_t width, int64_t height,
                                          const char* bad_size_reason) const {
  if (width <= 0 || height <= 0)
    return MakeError(ErrorCode::kInvalidArgument, bad_size_reason,
                     fmt::format("page has no pixels ({} x {})", width, height));
  // Divide rather than multiply so absurd sizes cannot overflow.
  if (width > limits_.max_page_pixels / height)
    return MakeError(ErrorCode::kResourceExhausted, "page_too_large",
                     fmt::format("page of {} x {} pixels exceeds {} pixels", width, height,
                                 limits_.max_page_pixels));
  if (width * height > limits_.max_total_pixels - total_pixels_)
    return MakeError(ErrorCode::kResourceExhausted, "total_pixels_too_large",
                     fmt::format("pages exceed {} pixels in all", limits_.max_total_pixels));
  return {};
}

Result<void> DecodeContext::ReservePage(int64_t width, int64_t height, const char* bad_size_reason) {
  if (auto ok = CheckPageSize(width, height, bad_size_reason); !ok) return ok;
  total_pixels_ += width * height;
  return {};
}

namespace {

constexpr double kMinPlausibleDpi = 50;
constexpr double kMaxPlausibleDpi = 2400;

bool Plausible(double dpi) {
  return std::isfinite(dpi) && dpi >= kMinPlausibleDpi && dpi <= kMaxPlausibleDpi;
}

// Horizontal resolution implied by a standard fax line width, or 0.
double FaxWidthDpi(int64_t width) {
  switch (width) {
    case 1728: case 2048: case 2432: return 204;   // 8 pels/mm: A4/Letter, B4, A3
    case 3456: case 4096: case 4864: return 408;   // 16 pels/mm
    default: return 0;
  }
}

bool About(double ratio, double target) { return std::abs(ratio - target) <= 0.2; }

}  // namespace

Resolution InferResolution(int64_t width, int64_t height, double xdpi, double ydpi) {
  const bool x_ok = Plausible(xdpi);
  const bool y_ok = Plausible(ydpi);
  if (x_ok && y_ok) return {xdpi, ydpi, false};

  Resolution r;
  r.inferred = true;
  const double fax_dpi = FaxWidthDpi(width);
  if (x_ok) r.x = xdpi;
  else if (fax_dpi > 0) r.x = fax_dpi;
  else if (y_ok) r.x = ydpi;
  else r.x = 200;

  if (y_ok) {
    r.y = ydpi;
  } else if (fax_dpi > 0 && width > 0 && static_cast<double>(height) / width < 0.9) {
    r.y = r.x * 98.0 / 204.0;   // normal resolution: half the lines per inch
  } else {
    r.y = r.x;
  }
  return r;
}

Stretch StretchFor(double xdpi, double ydpi) {
  if (!(xdpi > 0) || !(ydpi > 0)) return Stretch::kNone;
  if (About(xdpi / ydpi, 2)) return Stretch::kDoubleRows;
  if (About(ydpi / xdpi, 2)) return Stretch::kDoubleColumns;
  return Stretch::kNone;
}

void StretchedSize(Stretch s, int64_t& width, int64_t& height) {
  if (s == Stretch::kDoubleRows) height *= 2;
  if (s == Stretch::kDoubleColumns) width *= 2;
}

void ApplyStretch(Stretch s, Raster& r) {
  if (s == Stretch::kNone || r.empty()) return;
  const size_t w = r.width, h = r.height;
  std::vector<uint8_t> out;
  if (s == Stretch::kDoubleRows) {
    out.resize(w * h * 2);
    for (size_t y = 0; y < h; ++y) {
      const uint8_t* src = r.pixels.data() + y * w;
      std::copy(src, src + w, out.data() + (2 * y) * w);
      std::copy(src, src + w, out.data() + (2 * y + 1) * w);
    }
    r.height *= 2;
    r.ydpi *= 2;
  } else {
    out.resize(w * h * 2);
    for (size_t y = 0; y < h; ++y) {
      const uint8_t* src = r.pixels.data() + y * w;
      uint8_t* dst = out.data() + y * w * 2;
      for (size_t x = 0; x < w; ++x) dst[2 * x] = dst[2 * x + 1] = src[x];
    }
    r.width *= 2;
    r.xdpi *= 2;
  }
  r.pixels = std::move(out);
}

void ApplyTiffOrientation(int orientation, Raster& r) {
  if (orientation < 2 || orientation > 8 || r.empty()) return;
  const int64_t w = r.width, h = r.height;
  const bool transposed = orientation >= 5;
  const int64_t ow = transposed ? h : w;
  const int64_t oh = transposed ? w : h;
  std::vector<uint8_t> out(r.pixels.size());
  // For each stored pixel (x, y) the output position it belongs at, per the TIFF
  // 6.0 definition of which visual side the 0th row and 0th column represent.
  for (int64_t y = 0; y < h; ++y) {
    const uint8_t* src = r.pixels.data() + y * w;
    for (int64_t x = 0; x < w; ++x) {
      int64_t ox = x, oy = y;
      switch (orientation) {
        case 2: ox = w - 1 - x; break;                      // TOPRIGHT
        case 3: ox = w - 1 - x; oy = h - 1 - y; break;      // BOTRIGHT
        case 4: oy = h - 1 - y; break;                      // BOTLEFT
        case 5: ox = y; oy = x; break;                      // LEFTTOP
        case 6: ox = h - 1 - y; oy = x; break;              // RIGHTTOP
        case 7: ox = h - 1 - y; oy = w - 1 - x; break;      // RIGHTBOT
        case 8: ox = y; oy = w - 1 - x; break;              // LEFTBOT
      }
      out[oy * ow + ox] = src[x];
    }
  }
  r.pixels = std::move(out);
  r.width = static_cast<int>(ow);
  r.height = static_cast<int>(oh);
  if (transposed) std::swap(r.xdpi, r.ydpi);
}

}  // namespace faxintake::ingest
