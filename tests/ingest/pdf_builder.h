// Test-only: builds small PDFs by hand (catalog, one page, an image or text), so
// the PDF decoder can be checked on inputs whose content is known exactly.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace faxintake::testing {

// A PDF whose object i+1 is objects[i] (a complete body such as "<< ... >>" or
// a stream); object 1 must be the catalog. Writes a correct xref table.
std::string BuildPdf(const std::vector<std::string>& objects);

// A stream object body: the dictionary entries plus /Length, then the data.
std::string PdfStream(const std::string& dict_entries, const std::string& data);

// One page of page_w_pt x page_h_pt points filled by a CCITT Group 4 image of
// width x height pixels (`g4` is the raw T.6 data, black runs black).
std::string FaxImagePdf(const std::string& g4, int width, int height, double page_w_pt, double page_h_pt);

// One Letter page with `lines` in Helvetica 12 pt, one per line from the top
// left margin (72 pt in, first baseline 720 pt up), 14 pt apart.
std::string TextPdf(const std::vector<std::string>& lines);

}  // namespace faxintake::testing
