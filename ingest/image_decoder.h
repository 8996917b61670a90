// PNG, JPEG and BMP decoding through Leptonica, in the calling process (the
// only ingest/ file that includes Leptonica is image_decoder.cc).
//
// The image becomes one 8-bit gray page (transparency composited over white;
// 1-bit images give a bilevel page). Its resolution comes from the file, else
// is inferred as for TIFF (InferResolution: usually 200 dpi), and non-square
// resolutions are stretched like fax pages.
//
// Thread-safety: reentrant.
#pragma once

#include <string_view>
#include <vector>

#include "ingest/page_ops.h"
#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

// Errors: "image_unreadable" (Leptonica cannot read the header or the image), and
// the limits of `ctx`, checked from the header before the image is allocated.
// REQUIRES: `bytes` stays valid during the call.
Result<std::vector<DecodedPage>> DecodeImage(std::string_view bytes, DecodeContext& ctx);

}  // namespace faxintake::ingest
