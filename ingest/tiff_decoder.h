// TIFF decoding through libtiff, in the calling process. The only file of
// faxintake that includes libtiff is tiff_decoder.cc.
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

// See TiffImageDescription in ingest/decode.h (a bounds-checked parser, not libtiff).
std::string ReadFirstImageDescription(std::string_view bytes);

}  // namespace faxintake::ingest
