#include "tests/ingest/pdf_builder.h"

#include <fmt/format.h>

namespace faxintake::testing {

std::string BuildPdf(const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += fmt::format("{} 0 obj\n{}\nendobj\n", i + 1, objects[i]);
  }
  const size_t xref = pdf.size();
  pdf += fmt::format("xref\n0 {}\n0000000000 65535 f \n", objects.size() + 1);
  for (size_t off : offsets) pdf += fmt::format("{:010d} 00000 n \n", off);
  pdf += fmt::format("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n", objects.size() + 1, xref);
  return pdf;
}

std::string PdfStream(const std::string& dict_entries, const std::string& data) {
  return fmt::format("<< {} /Length {} >>\nstream\n", dict_entries, data.size()) + data + "\nendstream";
}

std::string FaxImagePdf(const std::string& g4, int width, int height, double page_w_pt, double page_h_pt) {
  const std::string content = fmt::format("q {} 0 0 {} 0 0 cm /Im1 Do Q\n", page_w_pt, page_h_pt);
  return BuildPdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      fmt::format("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /XObject << /Im1 5 0 R >> >> "
                  "/Contents 4 0 R >>",
                  page_w_pt, page_h_pt),
      PdfStream("", content),
      PdfStream(fmt::format("/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray "
                            "/BitsPerComponent 1 /Filter /CCITTFaxDecode "
                            "/DecodeParms << /K -1 /Columns {} /Rows {} >>",
                            width, height, width, height),
                g4),
  });
}

std::string TextPdf(const std::vector<std::string>& lines) {
  std::string content = "BT /F1 12 Tf 14 TL 72 720 Td\n";
  for (const std::string& line : lines) {
    std::string escaped;
    for (char c : line) {
      if (c == '(' || c == ')' || c == '\\') escaped += '\\';
      escaped += c;
    }
    content += "(" + escaped + ") Tj T*\n";
  }
  content += "ET\n";
  return BuildPdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
      "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
      PdfStream("", content),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  });
}

}  // namespace faxintake::testing
