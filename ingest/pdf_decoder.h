// PDF decoding through poppler-cpp, in the calling process. The only file of
// faxintake that includes poppler is pdf_decoder.cc.
//
// Every page is rendered to 8-bit gray (antialiased) at the resolution of the
// fax image it carries, inferred from the image XObject sizes in the raw file
// (pages from fax gateways are one CCITT or JBIG2 image each), clamped to
// [100, 400] dpi, else DecodeLimits::pdf_default_dpi. Poppler renders square
// pixels, so normal-resolution images (half the rows) come out square without a
// stretch (stretched stays false; original_ydpi tells). A page whose text layer
// has at least pdf_min_text_chars letters and digits also gets a PageText built
// from it, in the rendered image's pixel coordinates.
// Poppler's messages never reach stderr.
//
// Thread-safety: reentrant for different documents; the first call installs
// poppler's (process-wide) message callback.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ingest/page_ops.h"
#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

// Decodes every page. A page poppler fails to render is kept white with
// damaged = true, as is a page whose rendering logged errors (e.g. a corrupt
// CCITT stream). Errors: "pdf_unreadable" (not loadable, or no page renders),
// "pdf_encrypted" (a user password is needed), "no_pages", and the limits of
// `ctx`, checked before each page is rendered.
// REQUIRES: `bytes` stays valid during the call.
Result<std::vector<DecodedPage>> DecodePdf(std::string_view bytes, DecodeContext& ctx);

// Pixel sizes of the image XObjects declared in a raw PDF (stream dictionaries
// are never inside object streams, so they can be found in the bytes), in file
// order, at most 4096. Indirect /Width or /Height values are skipped.
struct PdfImageSize {
  int64_t width = 0;
  int64_t height = 0;
};
std::vector<PdfImageSize> ScanPdfImageSizes(std::string_view bytes);

// The fax image resolution of a page width_pt x height_pt points (unrotated
// user space) given the file's image sizes: the largest image that fills the
// page at a plausible, square or normal-resolution (half as many rows) density.
// Returns false when none fits.
struct PdfImageDensity {
  double xdpi = 0;
  double ydpi = 0;
};
bool MatchPageImage(const std::vector<PdfImageSize>& images, double width_pt, double height_pt,
                    PdfImageDensity* out);

}  // namespace faxintake::ingest
