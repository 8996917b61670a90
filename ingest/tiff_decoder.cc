#include "ingest/tiff_decoder.h"

#include <tiffio.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace faxintake::ingest {
namespace {

// ---------------------------------------------------------------- memory file
struct MemoryFile {
  const char* data = nullptr;
  int64_t size = 0;
  int64_t pos = 0;
};

tmsize_t ReadProc(thandle_t h, void* buf, tmsize_t n) {
  auto* f = static_cast<MemoryFile*>(h);
  if (n <= 0 || f->pos < 0 || f->pos >= f->size) return 0;
  const int64_t take = std::min<int64_t>(n, f->size - f->pos);
  std::memcpy(buf, f->data + f->pos, static_cast<size_t>(take));
  f->pos += take;
  return take;
}

tmsize_t WriteProc(thandle_t, void*, tmsize_t) { return 0; }

toff_t SeekProc(thandle_t h, toff_t off, int whence) {
  auto* f = static_cast<MemoryFile*>(h);
  // toff_t is unsigned; SEEK_CUR and SEEK_END offsets may be negative in two's complement.
  const auto delta = static_cast<int64_t>(off);
  int64_t base = 0;
  if (whence == SEEK_CUR) base = f->pos;
  else if (whence == SEEK_END) base = f->size;
  else if (whence != SEEK_SET) return static_cast<toff_t>(-1);
  if ((delta > 0 && base > INT64_MAX - delta) || base + delta < 0) return static_cast<toff_t>(-1);
  f->pos = base + delta;
  return static_cast<toff_t>(f->pos);
}

int CloseProc(thandle_t) { return 0; }
toff_t SizeProc(thandle_t h) { return static_cast<toff_t>(static_cast<MemoryFile*>(h)->size); }

// No memory mapping ("m" in the open mode): libtiff then copies each strip into
// its own buffer, so word alignment (Compression 32771) is reckoned from the
// start of the strip as the format intends, not from wherever the caller's
// buffer happens to sit in memory.
int MapProc(thandle_t, void**, toff_t*) { return 0; }
void UnmapProc(thandle_t, void*, toff_t) {}

// ---------------------------------------------------------------- messages
// What libtiff said through one handle. Warnings from the CCITT decoders
// ("Premature EOL", "Premature EOF") are how libtiff reports a damaged reception.
struct Messages {
  int errors = 0;
  int codec_warnings = 0;
  std::string first_error;
};

bool IsFaxCodecModule(const char* module) {
  return module != nullptr && std::strncmp(module, "Fax", 3) == 0;
}

int OnError(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* m = static_cast<Messages*>(user);
  ++m->errors;
  if (m->first_error.empty()) {
    char buf[200];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    m->first_error = fmt::format("{}: {}", module ? module : "libtiff", buf);
  }
  return 1;  // handled: the global (printing) handlers are not called
}

int OnWarning(TIFF*, void* user, const char* module, const char*, va_list) {
  auto* m = static_cast<Messages*>(user);
  if (IsFaxCodecModule(module)) ++m->codec_warnings;
  return 1;
}

// ---------------------------------------------------------------- handle
struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
struct OptionsFreer {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

// One open TIFF over a memory buffer with its own message sink.
class TiffFile {
 public:
  TiffFile(std::string_view bytes, int64_t max_single_alloc) {
    file_.data = bytes.data();
    file_.size = static_cast<int64_t>(bytes.size());
    std::unique_ptr<TIFFOpenOptions, OptionsFreer> opts(TIFFOpenOptionsAlloc());
    if (!opts) return;
    TIFFOpenOptionsSetMaxSingleMemAlloc(opts.get(), max_single_alloc);
    TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), OnError, &messages_);
    TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), OnWarning, &messages_);
    tif_.reset(TIFFClientOpenExt("fax", "rm", &file_, ReadProc, WriteProc, SeekProc, CloseProc,
                                 SizeProc, MapProc, UnmapProc, opts.get()));
  }
  TiffFile(const TiffFile&) = delete;
  TiffFile& operator=(const TiffFile&) = delete;

  TIFF* get() const { return tif_.get(); }
  const Messages& messages() const { return messages_; }

 private:
  MemoryFile file_;
  Messages messages_;                       // must outlive tif_ (declared first)
  std::unique_ptr<TIFF, TiffCloser> tif_;
};

int64_t MaxSingleAlloc(const DecodeLimits& limits) {
  // Enough for one uncompressed strip of the largest allowed page at 8 bytes per
  // pixel, never less than 16 MiB, never more than 2 GiB.
  const int64_t want = limits.max_page_pixels > INT64_MAX / 8 ? INT64_MAX : limits.max_page_pixels * 8;
  return std::clamp<int64_t>(want, 16LL << 20, 2LL << 30);
}

Result<TiffFile*> CheckOpen(TiffFile& f) {
  if (f.get() != nullptr) return &f;
  return MakeError(ErrorCode::kInvalidArgument, "tiff_unreadable",
                   f.messages().first_error.empty() ? "not a readable TIFF" : f.messages().first_error);
}

// ---------------------------------------------------------------- directories
bool IsThumbnail(TIFF* tif) {
  uint32_t subfile = 0;
  return TIFFGetField(tif, TIFFTAG_SUBFILETYPE, &subfile) && (subfile & FILETYPE_REDUCEDIMAGE);
}

// Outcome of moving to the next directory.
enum class Next { kPage, kEnd, kBroken };

Next ReadNextDirectory(TIFF* tif) {
  if (TIFFLastDirectory(tif)) return Next::kEnd;
  // A failure here with a next offset present is a broken chain (loops are
  // detected by libtiff and reported this way too).
  return TIFFReadDirectory(tif) ? Next::kPage : Next::kBroken;
}

// Pages (non-thumbnail directories) in the file, without decoding any, so a
// file with too many pages fails before the expensive part.
Result<int> CountPages(TiffFile& f, DecodeContext& ctx) {
  const int max_directories = ctx.limits().max_pages * 2 + 16;
  int pages = 0;
  int directories = 0;
  Next next = Next::kPage;
  while (next == Next::kPage) {
    if (++directories > max_directories) return std::unexpected(ctx.CheckPageCount(INT32_MAX).error());
    if (!IsThumbnail(f.get())) ++pages;
    if (auto ok = ctx.CheckPageCount(pages); !ok) return std::unexpected(ok.error());
    next = ReadNextDirectory(f.get());
  }
  if (pages == 0)
    return MakeError(ErrorCode::kInvalidArgument, "no_pages", "TIFF has only thumbnail images");
  return pages;
}

// ---------------------------------------------------------------- page properties
struct PageProps {
  uint32_t width = 0;
  uint32_t height = 0;
  uint16_t bits = 1;
  uint16_t samples = 1;
  uint16_t photometric = PHOTOMETRIC_MINISWHITE;
  uint16_t orientation = ORIENTATION_TOPLEFT;
  bool tiled = false;
  double xdpi = 0;  // 0: absent or not in absolute units
  double ydpi = 0;
  bool reception_unclean = false;  // CleanFaxData / BadFaxLines say so
};

PageProps ReadProps(TIFF* tif) {
  PageProps p;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p.width);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p.height);
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &p.bits);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &p.samples);
  if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &p.photometric))
    p.photometric = PHOTOMETRIC_MINISWHITE;  // the fax norm when a writer omits it
  TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &p.orientation);
  p.tiled = TIFFIsTiled(tif) != 0;

  float xres = 0, yres = 0;
  uint16_t unit = RESUNIT_INCH;
  TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres);
  TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres);
  TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
  const double scale = unit == RESUNIT_CENTIMETER ? 2.54 : unit == RESUNIT_INCH ? 1.0 : 0.0;
  p.xdpi = xres * scale;
  p.ydpi = yres * scale;

  uint16_t clean = 0;
  uint32_t bad_lines = 0;
  if (TIFFGetField(tif, TIFFTAG_CLEANFAXDATA, &clean) && clean != CLEANFAXDATA_CLEAN)
    p.reception_unclean = true;
  if (TIFFGetField(tif, TIFFTAG_BADFAXLINES, &bad_lines) && bad_lines > 0) p.reception_unclean = true;
  return p;
}

bool IsBilevelStrips(const PageProps& p) {
  return p.bits == 1 && p.samples == 1 && !p.tiled &&
         (p.photometric == PHOTOMETRIC_MINISWHITE || p.photometric == PHOTOMETRIC_MINISBLACK);
}

Error PageUnreadable(int page, const Messages& m, const char* what) {
  return Error{ErrorCode::kInvalidArgument, "tiff_unreadable",
               fmt::format("page {}: {}{}{}", page, what, m.first_error.empty() ? "" : "; ",
                           m.first_error)};
}

// ---------------------------------------------------------------- bilevel path
// 8 gray pixels for each byte value, for set bits meaning black (MinIsWhite) or
// white (MinIsBlack). libtiff hands out MSB-first bytes whatever the FillOrder.
struct BitLut {
  std::array<std::array<uint8_t, 8>, 256> set_is_black;
  std::array<std::array<uint8_t, 8>, 256> set_is_white;
  BitLut() {
    for (int v = 0; v < 256; ++v)
      for (int b = 0; b < 8; ++b) {
        const bool set = (v >> (7 - b)) & 1;
        set_is_black[v][b] = set ? 0 : 255;
        set_is_white[v][b] = set ? 255 : 0;
      }
  }
};
// Built at load time: no lazy-init guard can be held when a sandbox child forks.
const BitLut kLut;
const BitLut& Lut() { return kLut; }

struct Decoded {
  Raster raster;
  bool damaged = false;
};

// The packed 1-bit rows of a page as read strip by strip, and how that went.
struct StripRead {
  std::vector<uint8_t> packed;
  int64_t attempted = 0;
  int64_t failed = 0;
  bool damaged = false;  // a strip failed or came short, rows are missing, or libtiff complained
};

Result<StripRead> ReadStrips(TIFF* tif, const PageProps& p, const Messages& m, const DecodeContext& ctx) {
  const int64_t w = p.width, h = p.height;
  const int64_t row_bytes = (w + 7) / 8;
  uint32_t rps = 0;
  TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
  const int64_t rows_per_strip = (rps == 0 || rps > h) ? h : rps;
  const int64_t strips = TIFFNumberOfStrips(tif);
  const int errors_before = m.errors, warnings_before = m.codec_warnings;

  StripRead r;
  const bool min_is_white = p.photometric == PHOTOMETRIC_MINISWHITE;
  r.packed.assign(static_cast<size_t>(row_bytes * h), min_is_white ? 0x00 : 0xFF);
  r.damaged = strips * rows_per_strip < h;  // rows no strip covers stay white
  for (int64_t s = 0; s < strips; ++s) {
    const int64_t row0 = s * rows_per_strip;
    if (row0 >= h) break;
    if (auto ok = ctx.CheckDeadline(); !ok) return std::unexpected(ok.error());
    const int64_t rows = std::min(rows_per_strip, h - row0);
    ++r.attempted;
    const tmsize_t want = static_cast<tmsize_t>(rows * row_bytes);
    // On a damaged strip the CCITT decoders return -1 but leave the rows they
    // managed in the buffer; keep them.
    const tmsize_t got = TIFFReadEncodedStrip(tif, static_cast<uint32_t>(s), r.packed.data() + row0 * row_bytes, want);
    if (got < 0) ++r.failed;
    if (got != want) r.damaged = true;
  }
  if (m.errors > errors_before || m.codec_warnings > warnings_before) r.damaged = true;
  return r;
}

bool IsGroup3OneD(TIFF* tif) {
  uint16_t compression = 0;
  uint32_t t4 = 0;
  TIFFGetField(tif, TIFFTAG_COMPRESSION, &compression);
  TIFFGetField(tif, TIFFTAG_GROUP3OPTIONS, &t4);
  return compression == COMPRESSION_CCITTFAX3 && (t4 & GROUP3OPT_2DENCODING) == 0;
}

// Some senders write Group 3 1-D rows without EOL codes, which libtiff 4.5's
// Group 3 decoder cannot synchronise on. Such rows are exactly libtiff's
// modified-Huffman (CCITTRLE) decoder without its byte alignment, so read the
// page again that way and keep whichever reading failed on fewer strips.
Result<StripRead> RetryWithoutEols(TIFF* tif, const PageProps& p, const Messages& m, const DecodeContext& ctx,
                                   StripRead first) {
  if (!TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTRLE) ||
      !TIFFSetField(tif, TIFFTAG_FAXMODE, FAXMODE_NORTC | FAXMODE_NOEOL))
    return first;
  auto retry = ReadStrips(tif, p, m, ctx);
  if (!retry) return std::unexpected(retry.error());
  return retry->failed < first.failed ? std::move(*retry) : std::move(first);
}

Result<Decoded> DecodeBilevel(TIFF* tif, const PageProps& p, int page, const Messages& m,
                              const DecodeContext& ctx) {
  const int64_t w = p.width, h = p.height;
  const int64_t row_bytes = (w + 7) / 8;
  if (static_cast<int64_t>(TIFFScanlineSize64(tif)) != row_bytes)
    return std::unexpected(PageUnreadable(page, m, "inconsistent scanline size"));
  auto read = ReadStrips(tif, p, m, ctx);
  if (read && read->failed > 0 && IsGroup3OneD(tif)) read = RetryWithoutEols(tif, p, m, ctx, std::move(*read));
  if (!read) return std::unexpected(read.error());

  Decoded d;
  d.raster.width = static_cast<int>(w);
  d.raster.height = static_cast<int>(h);
  d.raster.bilevel = true;
  d.raster.pixels.resize(static_cast<size_t>(w * h));
  const auto& lut = p.photometric == PHOTOMETRIC_MINISWHITE ? Lut().set_is_black : Lut().set_is_white;
  const int64_t full_bytes = w / 8;
  const int64_t tail = w % 8;
  for (int64_t y = 0; y < h; ++y) {
    const uint8_t* src = read->packed.data() + y * row_bytes;
    uint8_t* dst = d.raster.pixels.data() + y * w;
    for (int64_t i = 0; i < full_bytes; ++i) std::memcpy(dst + 8 * i, lut[src[i]].data(), 8);
    if (tail > 0) std::memcpy(dst + 8 * full_bytes, lut[src[full_bytes]].data(), tail);
  }
  if (read->failed == read->attempted &&
      std::find(d.raster.pixels.begin(), d.raster.pixels.end(), 0) == d.raster.pixels.end())
    return std::unexpected(PageUnreadable(page, m, "no strip could be decoded"));
  d.damaged = read->damaged;
  return d;
}

// ---------------------------------------------------------------- RGBA path
struct RgbaEnd {
  void operator()(TIFFRGBAImage* img) const { TIFFRGBAImageEnd(img); }
};

Result<Decoded> DecodeRgba(TIFF* tif, const PageProps& p, int page, const Messages& m,
                           const DecodeContext& ctx) {
  char emsg[1024] = {};
  if (!TIFFRGBAImageOK(tif, emsg)) return std::unexpected(PageUnreadable(page, m, "unsupported image layout"));
  TIFFRGBAImage img{};
  if (!TIFFRGBAImageBegin(&img, tif, /*stop_on_error=*/0, emsg))
    return std::unexpected(PageUnreadable(page, m, "unsupported image layout"));
  std::unique_ptr<TIFFRGBAImage, RgbaEnd> end(&img);
  // Ask for the stored orientation: rows come out as stored, top row first, and
  // ApplyTiffOrientation turns the page afterwards the same way for both paths.
  img.req_orientation = img.orientation;

  const int64_t w = p.width, h = p.height;
  // Read in bands of whole strips or tile rows so nothing is decoded twice,
  // keeping the 4-byte RGBA buffer to a band rather than the whole page.
  uint32_t unit = 0;
  if (p.tiled) TIFFGetField(tif, TIFFTAG_TILELENGTH, &unit);
  else TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &unit);
  int64_t band = (unit == 0 || unit > h) ? h : unit;
  band = std::min<int64_t>(h, band * std::max<int64_t>(1, 256 / band));

  Decoded d;
  d.raster.width = static_cast<int>(w);
  d.raster.height = static_cast<int>(h);
  d.raster.pixels.resize(static_cast<size_t>(w * h));
  std::vector<uint32_t> rgba(static_cast<size_t>(w * band));
  const int errors_before = m.errors;
  int64_t failed = 0, bands = 0;
  for (int64_t y = 0; y < h; y += band) {
    if (auto ok = ctx.CheckDeadline(); !ok) return std::unexpected(ok.error());
    const int64_t rows = std::min(band, h - y);
    std::fill(rgba.begin(), rgba.end(), 0xFFFFFFFFu);
    img.row_offset = static_cast<int>(y);
    img.col_offset = 0;
    ++bands;
    if (!TIFFRGBAImageGet(&img, rgba.data(), static_cast<uint32_t>(w), static_cast<uint32_t>(rows))) ++failed;
    uint8_t* dst = d.raster.pixels.data() + y * w;
    for (int64_t i = 0; i < rows * w; ++i) {
      const uint32_t px = rgba[static_cast<size_t>(i)];
      const int luma = (77 * TIFFGetR(px) + 150 * TIFFGetG(px) + 29 * TIFFGetB(px) + 128) >> 8;
      // RGBA samples are premultiplied: composite over white.
      dst[i] = static_cast<uint8_t>(std::min(255, luma + 255 - static_cast<int>(TIFFGetA(px))));
    }
  }
  if (failed == bands) return std::unexpected(PageUnreadable(page, m, "no part of the image could be decoded"));
  d.damaged = failed > 0 || m.errors > errors_before;
  return d;
}

// ---------------------------------------------------------------- one page
Result<DecodedPage> DecodePage(TiffFile& f, int page, DecodeContext& ctx) {
  TIFF* tif = f.get();
  const PageProps p = ReadProps(tif);
  if (p.width == 0 || p.height == 0 || p.width > (1u << 24) || p.height > (1u << 24))
    return std::unexpected(PageUnreadable(page, f.messages(), "no usable image size"));

  const Resolution res = InferResolution(p.width, p.height, p.xdpi, p.ydpi);
  const Stretch stretch = StretchFor(res.x, res.y);
  int64_t out_w = p.width, out_h = p.height;
  StretchedSize(stretch, out_w, out_h);
  // The stretched size bounds every buffer below (the packed bits, one RGBA band
  // and the gray page are each at most this many bytes, times 4 for the band).
  if (auto ok = ctx.ReservePage(out_w, out_h, "tiff_unreadable"); !ok) return std::unexpected(ok.error());

  auto decoded = IsBilevelStrips(p) ? DecodeBilevel(tif, p, page, f.messages(), ctx)
                                    : DecodeRgba(tif, p, page, f.messages(), ctx);
  if (!decoded) return std::unexpected(decoded.error());

  DecodedPage out;
  out.image = std::move(decoded->raster);
  out.image.xdpi = res.x;
  out.image.ydpi = res.y;
  out.original_xdpi = res.x;
  out.original_ydpi = res.y;
  out.damaged = decoded->damaged || p.reception_unclean;
  ApplyStretch(stretch, out.image);
  out.stretched = stretch != Stretch::kNone;
  ApplyTiffOrientation(p.orientation, out.image);
  if (p.orientation >= ORIENTATION_LEFTTOP && p.orientation <= ORIENTATION_LEFTBOT)
    std::swap(out.original_xdpi, out.original_ydpi);
  ctx.resolution_inferred().push_back(res.inferred);
  return out;
}

// ---------------------------------------------------------------- first IFD, by hand
struct ByteReader {
  std::string_view b;
  bool little = true;
  bool Has(uint64_t off, uint64_t n) const { return off <= b.size() && n <= b.size() - off; }
  uint64_t Get(uint64_t off, int n) const {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
      const auto byte = static_cast<uint8_t>(b[off + (little ? n - 1 - i : i)]);
      v = (v << 8) | byte;
    }
    return v;
  }
};

// ---------------------------------------------------------------- writing raw G3
// A growable in-memory file for TIFFClientOpen in write mode.
struct GrowingFile {
  std::string data;
  uint64_t pos = 0;
};

tmsize_t GrowRead(thandle_t h, void* buf, tmsize_t n) {
  auto* f = static_cast<GrowingFile*>(h);
  if (n <= 0 || f->pos >= f->data.size()) return 0;
  const uint64_t take = std::min<uint64_t>(static_cast<uint64_t>(n), f->data.size() - f->pos);
  std::memcpy(buf, f->data.data() + f->pos, take);
  f->pos += take;
  return static_cast<tmsize_t>(take);
}

tmsize_t GrowWrite(thandle_t h, void* buf, tmsize_t n) {
  auto* f = static_cast<GrowingFile*>(h);
  if (n <= 0) return 0;
  const uint64_t end = f->pos + static_cast<uint64_t>(n);
  if (end > f->data.size()) f->data.resize(end, '\0');
  std::memcpy(f->data.data() + f->pos, buf, static_cast<size_t>(n));
  f->pos = end;
  return n;
}

toff_t GrowSeek(thandle_t h, toff_t off, int whence) {
  auto* f = static_cast<GrowingFile*>(h);
  const auto delta = static_cast<int64_t>(off);
  int64_t base = 0;
  if (whence == SEEK_CUR) base = static_cast<int64_t>(f->pos);
  else if (whence == SEEK_END) base = static_cast<int64_t>(f->data.size());
  else if (whence != SEEK_SET) return static_cast<toff_t>(-1);
  if (base + delta < 0) return static_cast<toff_t>(-1);
  f->pos = static_cast<uint64_t>(base + delta);
  return static_cast<toff_t>(f->pos);
}

toff_t GrowSize(thandle_t h) { return static_cast<toff_t>(static_cast<GrowingFile*>(h)->data.size()); }

bool WriteRawG3Directory(TIFF* tif, const RawG3Page& p, int index, int count) {
  TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(p.width));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(p.rows));
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX3);
  TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, 0);  // 1-D, no uncompressed mode, no fill-bit alignment promise
  TIFFSetField(tif, TIFFTAG_FILLORDER, p.fill_order == 2 ? FILLORDER_LSB2MSB : FILLORDER_MSB2LSB);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
  TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(p.rows));
  TIFFSetField(tif, TIFFTAG_XRESOLUTION, 204.0f);
  TIFFSetField(tif, TIFFTAG_YRESOLUTION, p.fine ? 196.0f : 98.0f);
  TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  TIFFSetField(tif, TIFFTAG_PAGENUMBER, static_cast<uint16_t>(index), static_cast<uint16_t>(count));
  if (!p.description.empty()) TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, p.description.c_str());
  // The page's bytes go in as they came: no decoding or re-encoding here.
  if (TIFFWriteRawStrip(tif, 0, const_cast<char*>(p.data.data()), static_cast<tmsize_t>(p.data.size())) < 0)
    return false;
  return TIFFWriteDirectory(tif) != 0;
}

}  // namespace

Result<std::string> WrapRawG3Pages(const std::vector<RawG3Page>& pages) {
  if (pages.empty()) return MakeError(ErrorCode::kInvalidArgument, "no_pages", "no G3 pages to wrap");
  for (const RawG3Page& p : pages)
    if (p.width <= 0 || p.rows <= 0 || p.data.empty())
      return MakeError(ErrorCode::kInvalidArgument, "g3_page_corrupt", "a G3 page without rows or data");
  GrowingFile out;
  Messages messages;
  {
    std::unique_ptr<TIFFOpenOptions, OptionsFreer> opts(TIFFOpenOptionsAlloc());
    if (!opts) return MakeError(ErrorCode::kInternal, "tiff_write_failed", "libtiff cannot allocate options");
    TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), OnError, &messages);
    TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), OnWarning, &messages);
    std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpenExt("g3", "w", &out, GrowRead, GrowWrite, GrowSeek, CloseProc,
                                                            GrowSize, MapProc, UnmapProc, opts.get()));
    if (!tif) return MakeError(ErrorCode::kInternal, "tiff_write_failed", "libtiff cannot open a memory TIFF");
    for (size_t i = 0; i < pages.size(); ++i)
      if (!WriteRawG3Directory(tif.get(), pages[i], static_cast<int>(i), static_cast<int>(pages.size())))
        return MakeError(ErrorCode::kInternal, "tiff_write_failed",
                         messages.first_error.empty() ? "libtiff cannot write a page" : messages.first_error);
  }  // TIFFClose flushes the last directory
  if (messages.errors > 0) return MakeError(ErrorCode::kInternal, "tiff_write_failed", messages.first_error);
  return std::move(out.data);
}

Result<int> CountDamagedG3Rows(const RawG3Page& page) {
  auto wrapped = WrapRawG3Pages({page});
  if (!wrapped) return std::unexpected(wrapped.error());
  TiffFile f(*wrapped, 16 << 20);
  if (auto ok = CheckOpen(f); !ok) return std::unexpected(ok.error());
  std::vector<uint8_t> row(static_cast<size_t>(TIFFScanlineSize(f.get())));
  int damaged = 0;
  for (int y = 0; y < page.rows; ++y) {
    const int errors = f.messages().errors, warnings = f.messages().codec_warnings;
    const bool ok = TIFFReadScanline(f.get(), row.data(), static_cast<uint32_t>(y), 0) == 1;
    if (!ok || f.messages().errors > errors || f.messages().codec_warnings > warnings) ++damaged;
  }
  return damaged;
}

Result<std::vector<DecodedPage>> DecodeTiff(std::string_view bytes, DecodeContext& ctx) {
  const int64_t max_alloc = MaxSingleAlloc(ctx.limits());
  {
    TiffFile counter(bytes, max_alloc);
    if (auto ok = CheckOpen(counter); !ok) return std::unexpected(ok.error());
    if (auto pages = CountPages(counter, ctx); !pages) return std::unexpected(pages.error());
  }

  TiffFile f(bytes, max_alloc);
  if (auto ok = CheckOpen(f); !ok) return std::unexpected(ok.error());
  std::vector<DecodedPage> pages;
  Next next = Next::kPage;
  while (next == Next::kPage) {
    if (auto ok = ctx.CheckDeadline(); !ok) return std::unexpected(ok.error());
    if (!IsThumbnail(f.get())) {
      if (auto ok = ctx.CheckPageCount(static_cast<int64_t>(pages.size()) + 1); !ok)
        return std::unexpected(ok.error());
      auto page = DecodePage(f, static_cast<int>(pages.size()) + 1, ctx);
      if (!page) return std::unexpected(page.error());
      pages.push_back(std::move(*page));
    }
    next = ReadNextDirectory(f.get());
  }
  if (pages.empty())
    return MakeError(ErrorCode::kInvalidArgument, "no_pages", "TIFF has no page images");
  if (next == Next::kBroken) pages.back().damaged = true;
  return pages;
}

std::string ReadFirstImageDescription(std::string_view bytes) {
  constexpr uint16_t kImageDescription = 270;
  constexpr size_t kMaxChars = 256;
  ByteReader r{bytes};
  if (!r.Has(0, 8)) return "";
  if (bytes.substr(0, 2) == "II") r.little = true;
  else if (bytes.substr(0, 2) == "MM") r.little = false;
  else return "";

  const uint64_t magic = r.Get(2, 2);
  const bool big = magic == 43;
  if (magic != 42 && !big) return "";
  if (big && (!r.Has(0, 16) || r.Get(4, 2) != 8)) return "";
  const uint64_t ifd = big ? r.Get(8, 8) : r.Get(4, 4);
  const int count_size = big ? 8 : 2;
  const uint64_t entry_size = big ? 20 : 12;
  const int value_size = big ? 8 : 4;
  if (!r.Has(ifd, count_size)) return "";
  const uint64_t entries = r.Get(ifd, count_size);
  const uint64_t first = ifd + count_size;
  if (entries > bytes.size() / entry_size || !r.Has(first, entries * entry_size)) return "";

  for (uint64_t i = 0; i < entries; ++i) {
    const uint64_t e = first + i * entry_size;
    if (r.Get(e, 2) != kImageDescription) continue;
    const uint64_t type = r.Get(e + 2, 2);
    if (type != 2 && type != 1 && type != 7) return "";  // ASCII, BYTE, UNDEFINED
    const uint64_t n = r.Get(e + 4, big ? 8 : 4);
    const uint64_t value_at = e + 4 + (big ? 8 : 4);
    const uint64_t data = n <= static_cast<uint64_t>(value_size) ? value_at : r.Get(value_at, value_size);
    if (!r.Has(data, std::min<uint64_t>(n, 1))) return "";
    const uint64_t avail = std::min<uint64_t>(n, bytes.size() - data);
    std::string out;
    for (uint64_t k = 0; k < avail && out.size() < kMaxChars; ++k) {
      const char c = bytes[data + k];
      if (c == '\0') break;
      if (c >= 0x20 && c <= 0x7e) out.push_back(c);
    }
    return out;
  }
  return "";
}

}  // namespace faxintake::ingest
