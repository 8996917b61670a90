// TIFF decoding through libtiff, in the calling process, and wrapping raw G3 pages (mgetty)
// into a TIFF. The only file of faxintake that includes libtiff is tiff_decoder.cc.
//
// Handles every TIFF Class F variant (Compression 2, 3 1-D and 2-D, 4, 32771;
// FillOrder 1 and 2; MinIsWhite and MinIsBlack) on a direct bilevel path, and
// everything else libtiff can read (LZW, Deflate, palette, RGB, gray, old and new
// JPEG, tiles) through its RGBA interface, converted to gray by luma.
// libtiff messages never reach stderr: each handle collects its own.
//
// Thread-safety: reentrant; decodes on different threads share nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/page_ops.h"
#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

// Decodes every directory of a TIFF held in memory (reduced-resolution
// thumbnails skipped). Pages with strip errors are kept with damaged = true; the
// last page is also marked damaged when the directory chain is broken after it.
// Errors: "tiff_unreadable" (not openable, or a page with no decodable image),
// "no_pages", and the limits of `ctx` (checked before each page is allocated).
// REQUIRES: `bytes` stays valid during the call.
Result<std::vector<DecodedPage>> DecodeTiff(std::string_view bytes, DecodeContext& ctx);

// One raw 1-D Group 3 page (with EOL codes) and what the TIFF must say about it.
struct RawG3Page {
  std::string_view data;   // the coded rows, as received
  int width = 1728;        // pixels per row
  int rows = 0;            // rows in `data` (see ScanRawG3Page in ingest/mgetty.h)
  int fill_order = 1;      // 1 MSB first, 2 LSB first
  bool fine = false;       // 204 x 196 dpi; else 204 x 98
  std::string description; // ImageDescription (the sender's id), when not empty
};

// A multi-page TIFF (Compression 3, 1-D, MinIsWhite, one strip per page) holding `pages` in
// order, each page's bytes copied as they are (nothing is decoded). Errors: kInvalidArgument
// "no_pages" / "g3_page_corrupt" for an empty list or a page without rows or data; kInternal
// "tiff_write_failed" when libtiff refuses. REQUIRES: every `data` stays valid during the call.
Result<std::string> WrapRawG3Pages(const std::vector<RawG3Page>& pages);

// How many rows of `page` libtiff cannot decode cleanly (a bad code word, a row of the wrong
// length), by decoding it row by row in this process; memory is one row. Errors: those of
// WrapRawG3Pages, and "tiff_unreadable".
Result<int> CountDamagedG3Rows(const RawG3Page& page);

// See TiffImageDescription in ingest/decode.h (a bounds-checked parser, not libtiff).
std::string ReadFirstImageDescription(std::string_view bytes);

}  // namespace faxintake::ingest
