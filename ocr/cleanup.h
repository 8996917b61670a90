// Page clean-up before OCR (Leptonica): scale for low-resolution scans,
// orientation (0/90/180/270), deskew, despeckle.
//
// Thread-safety: PreparePage is reentrant; each call owns its images.
#pragma once

#include <vector>

#include "ocr/leptonica.h"
#include "pipeline/model.h"

namespace faxintake::ocr {

struct CleanupOptions {
  bool detect_orientation = true;   // Leptonica's text orientation test, 90/180/270
  double min_orientation_conf = 6.0;  // below this, the page is left as it is
  // Up/down confidence over left/right confidence needed to call a page upright or upside
  // down (Leptonica's own default, 2.5, misses most upside-down fax pages).
  double min_updown_ratio = 1.5;
  bool deskew = true;
  double max_skew_degrees = 6.0;    // larger measured skews are not trusted
  // Remove isolated specks from bilevel pages. Off by default: it also removes dots,
  // commas and stroke fragments (bench/ocr_wer: +0.02 WER on noisy normal-resolution pages).
  bool despeckle = false;
  int speck_max_size = 2;           // components no larger than this (both sides) are removed
  double min_ocr_dpi = 150;         // pages scanned below this are scaled up for OCR
  // Remove scribbles (signatures, initials) and empty frames before OCR: a connected
  // component taller than any line of text, wide, and mostly empty inside its box. On a
  // row beside printed text (DATE | PROVIDER SIGNATURE) a signature makes Tesseract size
  // the whole line by it and read the print as debris.
  bool remove_scribbles = true;
  int scribble_min_height = 45;     // page pixels at about 200 dpi
  int scribble_min_width = 120;
  double scribble_max_fill = 0.15;  // black pixels over the component's box
  // Tried and left out, measured with bench/ocr_wer on 26 noisy normal-resolution pages
  // (WER 0.109 with the bilevel page as it is): a 3x3 mean filter handing Tesseract a gray
  // page 0.119; the same thresholded back to bilevel 0.212; rows doubled from normal
  // resolution interpolated in gray 0.164; scaling by 1.5 in gray 0.124; filling rows lost
  // in transmission 0.109 (no change: few dropouts cross a text line). Tesseract reads a
  // fax's own bilevel strokes best. Tesseract's Sauvola thresholding of the deskewed gray
  // page (thresholding_method=2) was no steadier: 0.163 against 0.178 on one generated set,
  // 0.128 against 0.109 on another.
  // Removing thin ruled lines (openings along rows and columns of 60 px, bands thicker
  // than 8 px kept, the rules found on a bilevel copy after deskew, gaps from lost rows
  // bridged) recovered whole form cells Tesseract had dropped on one generated set (field
  // F1 0.963 -> 0.966, normal noisy 0.880 -> 0.895) and lost more on another (0.952 ->
  // 0.943, false missing flags 4 -> 8 of 51): debris of skewed rules reads as letters.
  // Ruled forms are read a second time with their rules erased, and the words of that
  // reading that land where the first reading has none are added (a cell's value, or a
  // whole cell, that Tesseract's layout analysis swallowed into the grid). See
  // RulesErased and ocr/gap_fill.h.
  bool fill_ruled_gaps = true;
  int rule_min_length = 60;          // page pixels at about 200 dpi: longer runs are rules
  int rule_max_thickness = 10;       // thicker bars (white-on-black headings) are kept
  double min_rule_rows = 3.0;        // rule pixels over the page width needed to call it a form
  // Before this, a second look at ink the first reading left without words (each region read again as
  // one line, words below 0.6 confidence dropped) found the values of form cells that
  // Tesseract had skipped but not their small labels: F1 0.969 -> 0.969 and 0.959 -> 0.954.
  // Tesseract's page segmentation mode 11 (sparse text): 0.959 -> 0.954 (normal noisy
  // 0.882 -> 0.896, fine noisy 0.941 -> 0.923); textord_tabfind_find_tables=0: 0.957.
};

// An upright page ready for the OCR engine.
struct PreparedPage {
  PixPtr pix;                // what the engine reads (1 or 8 bpp)
  int rotation = 0;          // degrees clockwise applied to make the page upright
  double skew_degrees = 0;   // deskew applied (0 when none)
  double scale = 1.0;        // pix pixels per page pixel (>1 when scaled up for OCR)
  int page_width = 0;        // the upright page at the raster's own pixel grid
  int page_height = 0;
  double dpi = 0;            // resolution of `pix`
  int scribbles_removed = 0;  // signatures and empty frames erased before OCR
  // Leptonica's orientation test did not decide (sparse pages: insurance cards, boxed
  // forms with few words; about 1 page in 20). The engine then reads the page both ways.
  bool orientation_uncertain = false;
};

// REQUIRES: !page.empty(). Returns a page whose pix is null only when Leptonica fails
// to allocate (the caller treats that page as unreadable).
PreparedPage PreparePage(const Raster& page, const CleanupOptions& options);

// The page with its ruled lines (rows and columns of ink at least rule_min_length long,
// at most rule_max_thickness thick, and a pixel around them) erased; same geometry. The
// pix is null when the page holds fewer rules than min_rule_rows page widths (not a
// ruled form) or Leptonica fails to allocate.
PreparedPage RulesErased(const PreparedPage& page, const CleanupOptions& options);

// Regions of `page` (in its pix coordinates) holding ink that no box of `read` covers:
// `read` are the boxes of the words already read, in pix coordinates. Ink is grouped
// into regions of about a cell (gaps up to gap_x by gap_y page pixels at 200 dpi bridged);
// specks, regions with less ink than a short word and solid bars are left out; at most `max_regions`,
// the largest first, each with a margin around it.
struct InkRegionOptions {
  int gap_x = 20, gap_y = 20;
  int min_height = 10;               // page pixels at 200 dpi
  int min_ink = 60;                  // black pixels at 200 dpi
  int margin = 6;
  double max_fill = 0.5;             // black over the ink's box: more is a bar, not text
  int max_regions = 40;
};
std::vector<Box> UnreadInk(const PreparedPage& page, const std::vector<Box>& read, const InkRegionOptions& options);

// The same page turned by 180 degrees (rotation adjusted, sizes unchanged). The pix is
// null only when Leptonica fails to allocate.
PreparedPage TurnedOver(const PreparedPage& page);

}  // namespace faxintake::ocr
