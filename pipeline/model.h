// The shared model of faxintake: what every stage reads and writes.
//
// Plain value types with no behaviour beyond small helpers; no third-party
// headers, so every stage can depend on this file. Thread-safety: values; a
// value may be read from several threads once built, never written concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace faxintake {

// ---------------------------------------------------------------- geometry
struct Box {
  int x = 0, y = 0, w = 0, h = 0;
  int right() const { return x + w; }
  int bottom() const { return y + h; }
  bool empty() const { return w <= 0 || h <= 0; }
  bool operator==(const Box&) const = default;
};
// Smallest box holding both (an empty box is the identity).
Box Union(const Box& a, const Box& b);
// Pixels of `b` (0 for an empty box), and pixels the two boxes share.
int64_t Area(const Box& b);
int64_t IntersectionArea(const Box& a, const Box& b);

// ---------------------------------------------------------------- images
// An 8-bit grayscale page image, row-major, one byte per pixel, stride == width.
// 0 is black, 255 is white. Bilevel fax pages hold only 0 and 255.
struct Raster {
  int width = 0;
  int height = 0;
  double xdpi = 0;   // resolution of the pixel grid (after any stretch)
  double ydpi = 0;
  bool bilevel = false;
  std::vector<uint8_t> pixels;  // width * height bytes

  bool empty() const { return width <= 0 || height <= 0; }
};

// ---------------------------------------------------------------- text
// One of the engine's ranked readings of a character (ASCII only).
struct CharChoice {
  char c = 0;
  float confidence = 0;   // 0..1
};
// A recognized character and the readings the engine weighed for it, best first (the
// reading itself included). Identifier readers choose among them by shape or check digit.
struct Glyph {
  std::string text;       // UTF-8, as in the word's text
  std::vector<CharChoice> choices;
};

// A word read again alone (ocr/reread.h): what a model read and how sure it was.
struct WordReading {
  std::string text;       // UTF-8
  float confidence = 0;   // 0..1
  bool operator==(const WordReading&) const = default;
};

// One recognized (or text-layer) word; box in the upright page's pixels.
struct Word {
  std::string text;       // UTF-8
  Box box;
  float confidence = 0;   // 0..1
  int line = 0;           // index into PageText::lines
  // Per character of `text`, in order, when the engine reported alternatives; empty for
  // text-layer words and for pages read back from the store (the glyphs are not stored).
  std::vector<Glyph> glyphs;
  // Other readings of the whole word, where it was read again alone (ocr/reread.h): by the
  // page's model and by the second model, and the first reading when one of those replaced
  // it. Identifier readers take one that fits a field's shape the word does not (an MBI
  // read "SWUSWV7JO39" on the page and "3WU9WV7JQ39" alone); a reading alike `text` is kept
  // only where surer than the word (a confirmation). Not stored, like glyphs.
  std::vector<WordReading> readings;
};

// True when `text` holds an ASCII letter or digit: a word, not a mark or a rule read as one.
bool HasAlnum(const std::string& text);

struct Line {
  std::string text;       // words joined by single spaces
  Box box;
  int first_word = 0;     // words [first_word, first_word + word_count)
  int word_count = 0;
  int block = 0;          // layout block (paragraph/region) id
};

struct PageText {
  std::vector<Word> words;
  std::vector<Line> lines;
  // Full text, lines separated by '\n' (blank line between blocks).
  std::string Text() const;
  // Mean word confidence 0..1 (0 when no words).
  double MeanConfidence() const;
};

// ---------------------------------------------------------------- decode
enum class PageSource { kOcr, kTextLayer };

// One page as decoded from the input file, before OCR.
struct DecodedPage {
  Raster image;                  // upright-agnostic; square pixels (normal resolution stretched)
  double original_xdpi = 0;      // as the file said (or inferred)
  double original_ydpi = 0;
  bool stretched = false;        // rows were doubled (normal-resolution fax)
  bool damaged = false;          // decoder reported errors but produced an image
  std::optional<PageText> text_layer;  // present when the PDF page had a usable text layer
};

// Transmission metadata a source knows about a fax.
struct FaxMetadata {
  std::string source;            // "cli", "dropfolder:<label>", "webhook:<gateway>"
  std::string gateway_fax_id;    // gateway's own id, empty for files
  std::string from_number;
  std::string to_number;
  std::string sender_tsi;        // from the TIFF ImageDescription (HylaFAX) or gateway
  std::string received_at;       // RFC 3339 UTC
  std::string original_name;     // file name as received
};

// ---------------------------------------------------------------- documents
enum class DocType {
  kFaxCover, kReferral, kInsuranceCard, kPriorAuthorization, kClinicalNote,
  kConsultNote, kLabResult, kImagingReport, kRecordsRequest, kOther,
};
inline constexpr int kDocTypeCount = 10;
const char* DocTypeName(DocType t);                        // contract spelling, e.g. "fax_cover"
std::optional<DocType> ParseDocType(const std::string& s);
const std::vector<DocType>& AllDocTypes();

// A field value: string, integer or list of strings (contract: value types).
using FieldValue = std::variant<std::string, int64_t, std::vector<std::string>>;

struct Field {
  FieldValue value;
  double confidence = 0;  // 0..1
  int page = 1;           // 1-based page number in the fax
  Box box;                // in that page's upright pixel coordinates
  bool valid = true;      // false: kept, but failed validation (see review reasons)
};

struct Checklist {
  std::string name;
  std::vector<std::string> missing;
  std::vector<std::string> satisfied;
};

struct Document {
  DocType type = DocType::kOther;
  double confidence = 0;
  std::vector<int> pages;                 // 1-based fax page numbers
  std::map<std::string, Field> fields;    // contract field keys
  Checklist checklist;
  bool needs_review = false;
  std::vector<std::string> review_reasons;
  std::optional<std::string> patient_id;
  std::optional<std::string> referral_id;

  void AddReason(const std::string& reason);  // appends once; sets needs_review
};

// ---------------------------------------------------------------- results
struct PageResult {
  int number = 1;
  int width = 0, height = 0;
  double xdpi = 0, ydpi = 0;
  int rotation = 0;               // 0, 90, 180, 270: degrees applied to make it upright
  double ocr_confidence = 0;
  PageSource source = PageSource::kOcr;
  bool damaged = false;
  bool ocr_timed_out = false;
  PageText text;                  // words in upright coordinates
};

enum class IntakeStatus { kFiled, kNeedsReview, kQuarantined };
const char* IntakeStatusName(IntakeStatus s);

// The intake result contract (faxintake.result/1) as a value.
struct IntakeResult {
  std::string input;
  std::string fax_id;
  IntakeStatus status = IntakeStatus::kNeedsReview;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  std::vector<PageResult> pages;
  std::vector<Document> documents;
  FaxMetadata metadata;           // not part of the contract object; kept in the store
};

inline constexpr const char* kResultSchema = "faxintake.result/1";

}  // namespace faxintake
