// mgetty+sendfax incoming faxes: mgetty writes one raw Group 3 file per page (not TIFF) into
// its incoming spool, named (mgetty faxrec.c)
//   f<n|f><7 hex digits: call start time><2 chars: tty id>[-<remote station id>].<page, 2 digits>
// e.g. fn1a2b3c4S0-49-89-1234567.01, fn1a2b3c4S0-49-89-1234567.02, ...; `n` is normal
// resolution (204 x 98 dpi), `f` fine (204 x 196). The remote id is the sender's TSI with
// every character but a-z, A-Z, 0-9 turned into '-'; without one the name has no '-' part.
// The data is 1-D (modified Huffman) G3 with EOL codes, bytes MSB first by default (mgetty's
// `-r` tools read LSB first); files made by Ghostscript's dfax device carry a 64-byte
// "digifax" header ("\0PC Research, Inc\0...", byte 29 = 1 for fine) before the data.
//
// This file parses those names and pages without libtiff; the pages are wrapped into one
// multi-page TIFF by WrapRawG3Pages (ingest/tiff_decoder.h), so the ordinary decode path
// reads them. Parsing is linear in the input and safe on untrusted bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace faxintake::ingest {

struct MgettyPageName {
  std::string group;      // the name without ".<page>": all pages of one fax share it
  int page = 0;           // 1-based
  bool fine = false;      // 'f': 204 x 196 dpi; 'n': 204 x 98 dpi
  std::string remote_id;  // the sender's station id as in the name ('-' for blanks), or ""
};

// The parts of an mgetty page file name; nullopt for any other name.
std::optional<MgettyPageName> ParseMgettyPageName(std::string_view file_name);

struct RawG3Scan {
  size_t data_offset = 0;          // 64 after a digifax header, else 0
  int rows = 0;                    // rows between EOL codes (the RTC's empty ones not counted)
  int eols = 0;
  int fill_order = 1;              // 1 MSB first, 2 LSB first: the order with more EOLs
  std::optional<bool> digifax_fine;  // resolution from a digifax header
};

// Finds the rows of a raw 1-D G3 page. Errors: kDataLoss "g3_page_corrupt" when the data has
// fewer than `min_rows` rows in either bit order (empty, truncated or not G3 at all), or more
// than `max_rows`.
Result<RawG3Scan> ScanRawG3Page(std::string_view bytes, int min_rows = 16, int max_rows = 10000);

}  // namespace faxintake::ingest
