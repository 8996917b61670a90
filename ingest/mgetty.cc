#include "ingest/mgetty.h"

#include <re2/re2.h>

#include <cstring>

namespace faxintake::ingest {
namespace {

constexpr size_t kDigifaxHeaderBytes = 64;
constexpr char kDigifaxMagic[] = "PC Research, Inc";  // at offset 1, NUL-terminated

struct EolCount {
  int eols = 0;
  int rows = 0;
};

// An EOL is at least 11 zero bits (fill bits included) followed by a one; no other code
// sequence of T.4 holds 11 zeros in a row. A row is any stretch with a one bit between two
// EOLs (or before the first / after the last), so the RTC's six EOLs add nothing.
EolCount CountEols(std::string_view data, bool lsb_first) {
  EolCount c;
  int zeros = 0;
  bool content = false;
  for (unsigned char byte : data) {
    if (byte == 0) {
      zeros += 8;
      continue;
    }
    for (int i = 0; i < 8; ++i) {
      const int bit = lsb_first ? (byte >> i) & 1 : (byte >> (7 - i)) & 1;
      if (bit == 0) {
        ++zeros;
        continue;
      }
      if (zeros >= 11) {
        ++c.eols;
        if (content) ++c.rows;
        content = false;
      } else {
        content = true;
      }
      zeros = 0;
    }
  }
  if (content) ++c.rows;
  return c;
}

}  // namespace

std::optional<MgettyPageName> ParseMgettyPageName(std::string_view file_name) {
  // f, resolution, call start (%07x), tty id (2 chars), optional -remote id, .page (%02d).
  static const RE2 kName(R"(^(f([nf])[0-9a-fA-F]{7}[^./]{2}(?:-([^./]+))?)\.([0-9]{2,3})$)");
  std::string group, res, remote, page;
  if (!RE2::FullMatch(file_name, kName, &group, &res, &remote, &page)) return std::nullopt;
  MgettyPageName n;
  n.group = std::move(group);
  n.fine = res == "f";
  n.remote_id = std::move(remote);
  n.page = std::stoi(page);
  if (n.page < 1) return std::nullopt;
  return n;
}

Result<RawG3Scan> ScanRawG3Page(std::string_view bytes, int min_rows, int max_rows) {
  RawG3Scan s;
  if (bytes.size() >= kDigifaxHeaderBytes && bytes[0] == '\0' &&
      std::memcmp(bytes.data() + 1, kDigifaxMagic, sizeof kDigifaxMagic) == 0) {
    s.data_offset = kDigifaxHeaderBytes;
    s.digifax_fine = bytes[29] != 0;
  }
  const std::string_view data = bytes.substr(s.data_offset);
  const EolCount msb = CountEols(data, false);
  const EolCount lsb = CountEols(data, true);
  const EolCount& best = lsb.eols > msb.eols ? lsb : msb;
  s.fill_order = lsb.eols > msb.eols ? 2 : 1;
  s.rows = best.rows;
  s.eols = best.eols;
  if (s.rows < min_rows || s.eols < min_rows)
    return MakeError(ErrorCode::kDataLoss, "g3_page_corrupt",
                     "the page holds " + std::to_string(s.rows) + " G3 rows with " + std::to_string(s.eols) +
                         " EOL codes; not a raw G3 fax page");
  if (s.rows > max_rows)
    return MakeError(ErrorCode::kDataLoss, "g3_page_corrupt",
                     "the page holds " + std::to_string(s.rows) + " rows, more than " + std::to_string(max_rows));
  return s;
}

}  // namespace faxintake::ingest
