// The extract stage on hand-built OCR pages: words with boxes as Tesseract returns them,
// including the slips seen on real fax pages (stray colons, garbled labels, split codes).
#include "extract/extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace faxintake::extract {
namespace {

// One printed line: words at x positions (left edges), on a row at `y`.
struct Printed {
  int y;
  std::vector<std::pair<int, std::string>> words;  // x, text
  int height = 24;
};

// Appends one line of `words` (text, box and confidence set), left to right, to the page.
void AppendLine(PageResult& p, std::vector<Word> words) {
  Line line;
  line.first_word = static_cast<int>(p.text.words.size());
  for (Word& w : words) {
    w.line = static_cast<int>(p.text.lines.size());
    line.box = Union(line.box, w.box);
    if (!line.text.empty()) line.text += ' ';
    line.text += w.text;
    p.text.words.push_back(std::move(w));
    ++line.word_count;
  }
  p.text.lines.push_back(line);
}

PageResult MakePage(const std::vector<Printed>& lines, int number = 1) {
  PageResult p;
  p.number = number;
  p.width = 1728;
  p.height = 2200;
  p.xdpi = p.ydpi = 204;
  for (const Printed& l : lines) {
    std::vector<Word> words;
    for (const auto& [x, text] : l.words) {
      Word w;
      w.text = text;
      w.box = Box{x, l.y, static_cast<int>(text.size()) * 14, l.height};
      w.confidence = 0.9f;
      words.push_back(std::move(w));
    }
    AppendLine(p, std::move(words));
  }
  return p;
}

// Words of a sentence laid out left to right from x, one space (14 px) apart.
std::vector<std::pair<int, std::string>> Sentence(int x, const std::string& text) {
  std::vector<std::pair<int, std::string>> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t j = std::min(text.find(' ', i), text.size());
    const std::string w = text.substr(i, j - i);
    if (!w.empty()) {
      out.emplace_back(x, w);
      x += static_cast<int>(w.size()) * 14 + 14;
    }
    i = j + 1;
  }
  return out;
}

Document Extract(DocType type, const std::vector<PageResult>& pages, ExtractorOptions o = {}) {
  o.today = "2026-03-16";
  auto ex = Extractor::Create(o);
  EXPECT_TRUE(ex.has_value());
  Document doc;
  doc.type = type;
  std::vector<const PageResult*> ptrs;
  for (const PageResult& p : pages) {
    ptrs.push_back(&p);
    doc.pages.push_back(p.number);
  }
  (*ex)->Extract(ptrs, doc);
  return doc;
}

std::string Str(const Document& d, const std::string& key) {
  auto it = d.fields.find(key);
  if (it == d.fields.end()) return "<none>";
  if (auto* s = std::get_if<std::string>(&it->second.value)) return *s;
  if (auto* n = std::get_if<int64_t>(&it->second.value)) return std::to_string(*n);
  std::string out;
  for (const std::string& c : std::get<std::vector<std::string>>(it->second.value)) out += (out.empty() ? "" : ",") + c;
  return out;
}

bool HasReason(const Document& d, const std::string& reason) {
  return std::find(d.review_reasons.begin(), d.review_reasons.end(), reason) != d.review_reasons.end();
}

TEST(ExtractorLines, StrayMarksBetweenLabelAndValueBelongToTheLabel) {
  const PageResult page = MakePage({
      {300, {{150, "Referral"}, {300, "Request"}}, 40},
      {400, {{150, "Patient"}, {270, "Name:"}, {380, ":"}, {420, "LOPEZ,"}, {530, "MARIA"}}},
      {450, {{150, "Gender:"}, {270, "."}, {420, "Female"}}},
      {500, {{150, "Date:"}, {270, "."}, {420, "03-15-2026"}}},
      {550, {{150, "Auth"}, {230, "#:"}, {420, "REFO717174"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "LOPEZ");
  EXPECT_EQ(Str(d, "patient.given_name"), "MARIA");
  EXPECT_EQ(Str(d, "patient.sex"), "female");
  EXPECT_EQ(Str(d, "referral.date"), "2026-03-15");
  // A letter O touching digits in an id is a zero.
  EXPECT_EQ(Str(d, "authorization.number"), "REF0717174");
}

// Seed 34 s0014: the group cell's label went unread; its value, far right of the member
// id in the same row, is not part of the member id.
TEST(ExtractorBoxed, ACellValueEndsAtAWideGap) {
  const PageResult page = MakePage({
      {150, Sentence(500, "OUTPATIENT REFERRAL"), 36},
      {430, {{114, "PATIENT"}, {240, "NAME"}, {320, "(LAST,"}, {410, "FIRST)"}}, 18},
      {462, {{114, "WASHINGTON,"}, {300, "LISA"}}, 22},
      {552, {{114, "INSURANCE"}, {733, "MEMBER"}, {842, "ID"}}, 18},
      {584, {{133, "AETNA"}, {739, "W909760468"}, {1215, "0214725"}}, 22},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "W909760468");
  EXPECT_EQ(Str(d, "insurance.payer"), "AETNA");
  // As read there: the group cell's value a row of its own, a few pixels higher.
  const PageResult apart = MakePage({
      {150, Sentence(500, "OUTPATIENT REFERRAL"), 36},
      {552, {{114, "INSURANCE"}, {733, "MEMBER"}, {842, "ID"}}, 18},
      {580, {{1215, "0214725"}}, 22},
      {604, {{133, "AETNA"}, {739, "W909760468"}}, 22},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {apart}), "insurance.member_id"), "W909760468");
}

TEST(ExtractorBoxed, ANameCellPrintedWideAfterItsCommaIsOneValue) {
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {336, {{139, "PATIENT"}, {249, "NAME"}, {321, "(LAST,"}, {416, "FIRST)"}, {793, "DATE"}, {862, "OF"}, {903, "BIRTH"}}, 15},
      {367, {{144, "CARTER,"}, {268, "TIMOTHY"}, {799, "04-03-1959"}}, 18},  // 26 px after the comma
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "CARTER");
  EXPECT_EQ(Str(d, "patient.given_name"), "TIMOTHY");
  EXPECT_EQ(Str(d, "insurance.payer"), "<none>");
}

// Seed 100 s0086: debris read faintly right of column headings printed without colons
// ("an" at 0.21 after the name heading, "OO" at 0.23 after PHONE, a rule's remains) had
// been taken for their values; the patient's name and phone are the row below.
TEST(ExtractorBoxed, FaintDebrisRightOfAColumnHeadingIsNoValue) {
  const auto page = [](float debris) {
    PageResult p = MakePage({
        {172, Sentence(171, "OUTPATIENT REFERRAL"), 28},
        {260, Sentence(170, "PATIENT INFORMATION"), 20},
        {292, {{174, "PATIENT"}, {279, "NAME"}, {352, "(LAST,"}, {428, "FIRST)"}, {571, "an"}, {873, "DOB"},
               {1094, "SEX"}, {1265, "PHONE"}, {1411, "OO"}},
         22},
        {337, {{185, "Cruz,"}, {266, "William"}, {814, "07/09/1982"}, {1099, "M"}, {1270, "972-555-0114"}}, 22},
    });
    for (Word& w : p.text.words)
      if (w.text == "an" || w.text == "OO") w.confidence = debris;
    return p;
  };
  const Document d = Extract(DocType::kReferral, {page(0.21f)});
  EXPECT_EQ(Str(d, "patient.family_name"), "CRUZ");
  EXPECT_EQ(Str(d, "patient.given_name"), "WILLIAM");
  EXPECT_EQ(Str(d, "patient.phone"), "+19725550114");
  // Read surely, a word right of the heading is its value.
  EXPECT_NE(Str(Extract(DocType::kReferral, {page(0.9f)}), "patient.family_name"), "CRUZ");
}

TEST(ExtractorBoxed, PayerUnderCellLabelAndStateFromZip) {
  // A boxed form: small capital labels, the value below in each cell. OCR lost the
  // STATE cell; MEDICARE under INSURANCE is the payer, not a "Medicare #" label.
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {300, {{120, "ADDRESS"}, {700, "CITY"}, {1300, "ZIP"}}, 16},
      {330, {{126, "12"}, {170, "Main"}, {240, "St"}, {706, "Austin"}, {1306, "78701-1234"}}},
      {400, {{120, "INSURANCE"}, {700, "MEMBER"}, {810, "ID"}, {1300, "GROUP"}, {1390, "#"}}, 16},
      {430, {{126, "MEDICARE"}, {706, "1EG4-TE5-MK73"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "MEDICARE");
  EXPECT_EQ(Str(d, "insurance.member_id"), "1EG4TE5MK73");
  EXPECT_EQ(Str(d, "patient.address.city"), "AUSTIN");
  EXPECT_EQ(Str(d, "patient.address.postal_code"), "78701");
  EXPECT_EQ(Str(d, "patient.address.state"), "TX");
  EXPECT_LT(d.fields.at("patient.address.state").confidence, d.fields.at("patient.address.postal_code").confidence);
}

TEST(ExtractorBoxed, AnNpiCellLabelWhosePWasReadAsF) {
  // Seed 86 s0019 at normal resolution: the NPI cell's label read "NFI", the P's bowl open.
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {684, {{144, "REFERRING"}, {300, "PROVIDER"}, {682, "NFI"}, {981, "PRACTICE"}}, 16},
      {714, {{149, "Carol"}, {230, "Wilson,"}, {330, "NP"}, {687, "2766181244"}, {986, "Metro"}, {1080, "Health"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referring.npi"), "2766181244");
}

TEST(ExtractorBoxed, ABirthDateReadAsTwoWordsAHairApart) {
  // Seed 84 s0069: "10/01/1971" read "10/01/1" and "971", 4 px apart on lines of their own.
  const auto dob = [](int gap) {
    const PageResult page = MakePage({
        {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
        {359, {{105, "PATIENT"}, {213, "NAME"}, {773, "DATE"}, {842, "OF"}, {881, "BIRTH"}, {1075, "SEX"}}, 18},
        {391, {{110, "Edwards,"}, {223, "Samuel"}, {314, "M"}, {780, "10/01/1"}}},
        {391, {{878 + gap, "971"}, {1081, "M"}}},
    });
    return Str(Extract(DocType::kReferral, {page}), "patient.birth_date");
  };
  EXPECT_EQ(dob(4), "1971-10-01");
  EXPECT_EQ(dob(14), "<none>");  // a space apart: two words
}

// Seed 116 s0003: a referral form printing no birth date; its DATE cell's "29 Dec 2025" read
// "20 pec 2008", a day old enough to be taken for a birth date whose label was lost.
TEST(ExtractorBoxed, AnOldDayUnderADateCellLabelIsNoBirthDate) {
  const auto dob = [](const std::string& second_label) {
    const PageResult page = MakePage({
        {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
        {300, {{105, "PATIENT"}, {213, "NAME"}, {1075, "SEX"}}, 18},
        {330, {{110, "Edwards,"}, {223, "Samuel"}, {1081, "M"}}},
        {1219, {{101, "DATE"}, {549, second_label}, {681, "SIGNATURE"}}, 18},
        {1255, {{106, "20"}, {152, "pec"}, {217, "2008"}}},
    });
    return Str(Extract(DocType::kReferral, {page}), "patient.birth_date");
  };
  EXPECT_EQ(dob("PROVIDER"), "<none>");
  // A word after DATE in its cell that starts no label: the label may be a garbled
  // "DATE OF BIRTH", and the day is the birth date as before.
  EXPECT_EQ(dob("Ooh"), "2008-12-20");
}

TEST(ExtractorBoxed, ACellReadApartJoinsTheRowAnotherLineSpansOverIt) {
  // Tesseract read DATE OF BIRTH and PHONE as one line over the SEX cell, and the values
  // row likewise; the SEX cell came from a second reading as lines of its own
  // (ocr/gap_fill.h). Rows are formed word by word, so the cell joins both rows.
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {300, {{128, "PATIENT"}, {229, "NAME"}}, 16},
      {300, {{767, "DATE"}, {834, "OF"}, {872, "BIRTH"}, {1231, "PHONE"}}, 16},
      {330, {{134, "Diaz,"}, {206, "Larry"}, {772, "09/27/1970"}, {1238, "512-555-0147"}}},
      {300, {{1057, "SEX"}}, 16},
      {330, {{1064, "M"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.sex"), "male");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1970-09-27");
  EXPECT_EQ(Str(d, "patient.phone"), "+15125550147");
}

TEST(ExtractorBoxed, SpecksInABlankCellAreNoValue) {
  // The member id cell is blank; specks below it were read as letters with low confidence.
  PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {400, {{120, "INSURANCE"}, {700, "MEMBER"}, {810, "ID"}, {1300, "GROUP"}, {1390, "#"}}, 16},
      {430, {{126, "Aetna"}, {706, "ceca"}, {790, "LC"}, {840, "Gc"}, {1306, "0685808"}}},
  });
  for (Word& w : page.text.words)
    if (w.text == "ceca" || w.text == "LC" || w.text == "Gc") w.confidence = 0.2f;
  Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "<none>");
  EXPECT_FALSE(HasReason(d, "unreadable:insurance.member_id"));
  // The same letters read with confidence are print: kept, invalid, for a person.
  for (Word& w : page.text.words) w.confidence = 0.9f;
  d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "CECALCGC");
  EXPECT_TRUE(HasReason(d, "invalid:insurance.member_id"));
}

TEST(ExtractorBoxed, AFaintMarkAfterACellLabelIsNoColon) {
  // A rule's debris read as ";" beside INSURANCE, and the ID of MEMBER ID garbled: the
  // payer is still the cell's value below its label, not the words to its right.
  PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {400, {{170, "INSURANCE"}, {310, ";"}, {700, "MEMBER"}, {796, "[DO"}, {1300, "GROUP"}, {1390, "#"}}, 16},
      {430, {{176, "UnitedHealthcare"}, {706, "916309158"}, {1306, "495323"}}},
  });
  for (Word& w : page.text.words)
    if (w.text == ";" || w.text == "[DO") w.confidence = 0.31f;
  Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "UNITEDHEALTHCARE");
  EXPECT_EQ(Str(d, "insurance.group_number"), "495323");
  // A colon printed and read clearly still makes a "Label: value" pair.
  for (Word& w : page.text.words)
    if (w.text == ";") w.confidence = 0.9f;
  d = Extract(DocType::kReferral, {page});
  EXPECT_NE(Str(d, "insurance.payer"), "UNITEDHEALTHCARE");
}

TEST(ExtractorBoxed, DiagnosisCodesBelowALabelWithDebrisBesideIt) {
  for (const std::vector<std::pair<int, std::string>>& label :
       {std::vector<std::pair<int, std::string>>{{132, "DIAGNOSIS"}, {290, "(ICD-16)"}},
        std::vector<std::pair<int, std::string>>{{132, "DIAGNOSIS(iCD-10)"}, {420, "7"}}}) {
    const PageResult page = MakePage({
        {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
        {1015, label, 16},
        {1046, Sentence(137, "M10.9 - Gout, unspecified")},
    });
    const Document d = Extract(DocType::kReferral, {page});
    EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "M10.9") << label.front().second;
  }
}

// Seed 57 s0062: "DIAGNOSIS (ICD-10)" read "DIAGNOSIS (!CD-10)", codes without titles below.
TEST(ExtractorBoxed, DiagnosisCodesBelowALabelWhoseIWasReadAsAMark) {
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {1015, {{132, "DIAGNOSIS"}, {266, "(!CD-10)"}}, 16},
      {1046, {{137, "Z12.11,"}, {260, "I10,"}, {330, "J45.909"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referral.diagnosis_codes"), "Z12.11,I10,J45.909");
}

// The glyphs of a word as read, with `alts` added at one position (best first after it).
void GiveGlyphs(Word& w, size_t at, const std::vector<CharChoice>& alts) {
  w.glyphs.clear();
  for (size_t i = 0; i < w.text.size(); ++i) {
    Glyph g{std::string(1, w.text[i]), {{w.text[i], 0.9f}}};
    if (i == at) g.choices.insert(g.choices.end(), alts.begin(), alts.end());
    w.glyphs.push_back(g);
  }
}

Word& WordWithText(PageResult& page, const std::string& text) {
  for (Word& w : page.text.words)
    if (w.text == text) return w;
  ADD_FAILURE() << "no word " << text;
  return page.text.words.front();
}

// Seed 33 s0026: "Auth #:" left blank; the heading under it, "Pertinent History" read as
// one word, is no authorization number, printed or unreadable: the number is missing.
TEST(ExtractorLines, AWordWithoutDigitsUnderABlankIdentifierLabelIsNotItsValue) {
  const PageResult page = MakePage({
      {300, {{150, "Referral"}, {300, "Request"}}, 40},
      {400, {{150, "Patient"}, {270, "Name:"}, {420, "CASTILLO,"}, {560, "DONALD"}}},
      {1300, {{150, "Priority:"}, {290, "Routine"}}},
      {1340, {{150, "Auth"}, {230, "#:"}}},
      {1392, {{144, "PENTHORY"}}},
      {1440, Sentence(144, "53-year-old male with left lower abdominal discomfort")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(d.fields.count("authorization.number"), 0u) << Str(d, "authorization.number");
  EXPECT_FALSE(HasReason(d, "unreadable:authorization.number"));
  // The same row holding digits is the number, printed below its label.
  PageResult below = page;
  WordWithText(below, "PENTHORY").text = "PA17170669";
  EXPECT_EQ(Str(Extract(DocType::kReferral, {below}), "authorization.number"), "PA17170669");
}

TEST(ExtractorLines, AnNpiFailingItsCheckDigitIsReadAgainFromTheEnginesAlternatives) {
  PageResult page = MakePage({
      {200, {{100, "Referring"}, {240, "Provider:"}, {380, "Dr."}, {430, "Ann"}, {490, "King"}}},
      {240, {{100, "NPI:"}, {180, "1974614356"}}},
  });
  // As read the check digit fails; without alternatives it stays so, flagged invalid.
  Document as_read = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(as_read, "referring.npi"), "1974614356");
  EXPECT_FALSE(as_read.fields.at("referring.npi").valid);
  // The engine weighed 0 closely for the last digit: that reading passes.
  GiveGlyphs(WordWithText(page, "1974614356"), 9, {{'0', 0.70f}, {'G', 0.26f}});
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referring.npi"), "1974614350");
  EXPECT_TRUE(d.fields.at("referring.npi").valid);
}

TEST(ExtractorCard, AnMbiWithALetterItNeverHoldsIsReadAgainFromTheAlternatives) {
  PageResult page = MakePage({
      {200, Sentence(150, "MEDICARE HEALTH INSURANCE"), 36},
      {300, {{150, "Medicare"}, {290, "Number:"}, {420, "9OX2N33XM91"}}},
  });
  GiveGlyphs(WordWithText(page, "9OX2N33XM91"), 1, {{'Q', 0.0146f}, {'0', 0.0f}});
  const Document d = Extract(DocType::kInsuranceCard, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "9QX2N33XM91");
}

// Seed 62 s0076: the MBI 9F39WR9FM54 read "SF39WRSFM54" on the page, where S taken for 5
// twice makes an MBI; read again alone, the second model gave it as printed.
TEST(ExtractorLines, AnMbiReadAloneWithFewerLookAlikesReplacesThePagesReading) {
  PageResult page = MakePage({
      {200, {{150, "Payer:"}, {290, "Medicare"}}},
      {240, {{150, "Member"}, {270, "ID:"}, {340, "SF39WRSFM54"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "5F39WR5FM54");
  WordWithText(page, "SF39WRSFM54").readings = {{"SF39WRSFMS4"}, {"9F39WR9FM54"}};
  GiveGlyphs(WordWithText(page, "SF39WRSFM54"), 0, {{'9', 0.41f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "9F39WR9FM54");
  // An NPI failing its check digit as read, passing as read alone.
  PageResult npi = MakePage({
      {200, {{100, "Referring"}, {240, "Provider:"}, {380, "Dr."}, {430, "Ann"}, {490, "King"}}},
      {240, {{100, "NPI:"}, {180, "1974614356"}}},
  });
  GiveGlyphs(WordWithText(npi, "1974614356"), 0, {});
  WordWithText(npi, "1974614356").readings = {{"1974614350"}};
  const Document d = Extract(DocType::kReferral, {npi});
  EXPECT_EQ(Str(d, "referring.npi"), "1974614350");
  EXPECT_TRUE(d.fields.at("referring.npi").valid);
}

// Seed 115 s0048: the NPI 2967628738 read "29676207360" on the page. Dropping its 9 passes
// the check digit, but read again alone it came out as printed, passing as read.
TEST(ExtractorLines, AnNpiReadAloneAsPrintedBeatsOneRepairedByADroppedDigit) {
  PageResult page = MakePage({
      {200, {{100, "Referring"}, {240, "Provider:"}, {380, "Dr."}, {430, "Ann"}, {490, "King"}}},
      {240, {{100, "NPI:"}, {180, "29676207360"}}},
  });
  GiveGlyphs(WordWithText(page, "29676207360"), 0, {});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referring.npi"), "2676207360");
  WordWithText(page, "29676207360").readings = {{"2967628738"}, {"29067628738"}};
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referring.npi"), "2967628738");
  EXPECT_TRUE(d.fields.at("referring.npi").valid);
  // Two readings passing: no way to choose, the repair stands.
  WordWithText(page, "29676207360").readings = {{"2967628738"}, {"1234567893"}};
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referring.npi"), "2676207360");
}

// Seed 60 s0086: Blue Cross's HTV386340794 read "IITV386340794", the H as two strokes,
// T (0.54), H (0.46) and J weighed for the first.
TEST(ExtractorLines, AnHReadAsTwoStrokesWhereTheEngineWeighedIt) {
  PageResult page = MakePage({
      {200, {{150, "Insurance:"}, {300, "Blue"}, {380, "Cross"}, {470, "Blue"}, {540, "Shield"}, {640, "of"}, {690, "Texas"}}},
      {240, {{150, "Member"}, {270, "ID:"}, {340, "IITV386340794"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "ITV386340794");
  GiveGlyphs(WordWithText(page, "IITV386340794"), 0, {{'T', 0.54f}, {'H', 0.46f}, {'J', 0.37f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "HTV386340794");
  // Not weighed: a stroke is dropped as before.
  GiveGlyphs(WordWithText(page, "IITV386340794"), 0, {{'T', 0.54f}, {'J', 0.37f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "ITV386340794");
}

TEST(ExtractorBoxed, SpecksReadAsAnIdsShapeWithoutADigitAreNoValue) {
  // Seed 62 s0054: the member id cell blank, specks read "yoo, ." (0.58 and 0) under it.
  PageResult yoo = MakePage({
      {400, {{120, "INSURANCE"}, {700, "MEMBER"}, {810, "ID"}, {1300, "GROUP"}, {1390, "#"}}, 16},
      {430, {{126, "Humana"}, {706, "yoo,"}, {780, "."}, {1306, "K8613847"}}},
  });
  WordWithText(yoo, "yoo,").confidence = 0.58f;
  WordWithText(yoo, ".").confidence = 0.0f;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {yoo}), "insurance.member_id"), "<none>");
  // With a digit read it stays: a value to review.
  WordWithText(yoo, "yoo,").text = "y00,";
  EXPECT_EQ(Str(Extract(DocType::kReferral, {yoo}), "insurance.member_id"), "Y00");
}

// Seed 68 s0086: "Auth #:" left blank, specks read "oO —_ _" (0.08, 0.17, 0.28) after it.
// Taken as "OO", it hid the missing authorization number from the checklist.
TEST(ExtractorLines, SpecksAfterABlankAuthorizationLabelAreNoNumber) {
  PageResult page = MakePage({
      {200, {{179, "Priority:"}, {330, "Routine"}}},
      {240, {{179, "Auth"}, {250, "#:"}, {300, "oO"}, {350, "\u2014_"}, {400, "_"}}},
  });
  WordWithText(page, "oO").confidence = 0.08f;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "<none>");
  // Read surer, a few letters without a digit are still no authorization number.
  WordWithText(page, "oO").confidence = 0.9f;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "<none>");
  // A number read unsure stays, to review.
  WordWithText(page, "oO").text = "A1234567";
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "A1234567");
}

// Seed 116 s0037: a letter's "Authorization #:" read "Aushovization #;", two letters off
// and its colon a semicolon; the label holds only with the mark after it.
TEST(ExtractorLines, AnAuthorizationLabelTwoLettersOffWithItsMarkAfterIt) {
  const auto auth = [](const std::string& mark) {
    const PageResult page = MakePage({
        {549, {{205, "Member:"}, {682, "Foster,"}, {774, "Rebecca"}}},
        {631, {{205, "Date"}, {274, "of"}, {308, "Birth:"}, {681, "09/01/1950"}}},
        {671, {{204, "Aushovization"}, {397, mark}, {682, "PA-3545-314315"}}},
        {709, {{205, "Status:"}, {681, "PENDING"}}},
    });
    return Str(Extract(DocType::kPriorAuthorization, {page}), "authorization.number");
  };
  EXPECT_EQ(auth("#;"), "PA3545314315");
  EXPECT_EQ(auth("#:"), "PA3545314315");
  EXPECT_EQ(auth("w;"), "<none>");
}

// Seed 74 s0059: "NPI# 1402716306" read "NPH# 14027 10306", the label's I as an H, the
// number split in two words and its 6 read as 0 with 6 weighed at 0.80.
TEST(ExtractorLines, AnNpiLabelReadNphAndItsNumberSplitInTwoWords) {
  PageResult first = MakePage({
      {200, Sentence(150, "Dear Dr. Hill,")},
      {240, Sentence(150, "I am referring my patient Ann King for evaluation.")},
  });
  PageResult page = MakePage({
      {240, Sentence(150, "Thank you for seeing her.")},
      {428, {{187, "Michael"}, {300, "Hill,"}, {380, "MD"}}},
      {479, {{194, "NPH#"}, {268, "14027"}, {344, "10306"}}},
  }, 2);
  GiveGlyphs(WordWithText(page, "14027"), 0, {});
  GiveGlyphs(WordWithText(page, "10306"), 1, {{'6', 0.80f}, {'O', 0.41f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {first, page}), "referring.npi"), "1402716306");
}

// Seed 79 s0098: "Auth #: PA-4298-080740" read "Auth #3 PA-4298-080740", the engine
// weighing the colon (0.83) above the 3 (0.78) that the word's text chose.
TEST(ExtractorLines, AnAuthorizationLabelWhoseColonWasReadAsADigit) {
  const auto read = [](const std::vector<CharChoice>& choices) {
    PageResult page = MakePage({{200, {{179, "Priority:"}, {330, "Routine"}}},
                                {240, {{197, "Auth"}, {265, "#3"}, {310, "PA-4298-080740"}}}});
    WordWithText(page, "#3").glyphs = {{"#", {{'#', 0.95f}}}, {"3", choices}};
    return Str(Extract(DocType::kReferral, {page}), "authorization.number");
  };
  EXPECT_EQ(read({{':', 0.83f}, {'3', 0.78f}}), "PA4298080740");
  EXPECT_EQ(read({{'3', 0.83f}, {':', 0.78f}}), "3PA4298080740");  // the 3 weighed first: as read
}

// Seed 75 s0100: "CG95795101" read "€G95795101" at 0.30 on the page, "CG95795101" at 0.60
// alone by the second model; seed 75 s0062: "PA-0220-815592" read "PA -112909-815592", the
// number's word at 0.30, "-0220-815592" at 0.46 alone. The surer reading alone is taken
// for a word read below 0.35; not for a word read surer, nor for a reading surer by less
// than 0.15.
TEST(ExtractorLines, AnAuthorizationNumberReadUnsureTakesTheReadingAloneAModelWasSurerOf) {
  const auto read = [](const std::vector<std::string>& words, float page_conf, std::vector<WordReading> alone) {
    std::vector<std::pair<int, std::string>> line = {{179, "Auth"}, {250, "#:"}};
    int x = 300;
    for (const std::string& w : words) line.push_back({(x += 80), w});
    PageResult page = MakePage({{200, {{179, "Priority:"}, {330, "Routine"}}}, {240, line}});
    Word& number = WordWithText(page, words.back());
    number.confidence = page_conf;
    number.readings = std::move(alone);
    return Str(Extract(DocType::kReferral, {page}), "authorization.number");
  };
  EXPECT_EQ(read({"\u20acG95795101"}, 0.30f, {{"C\u20acG95795101", 0.075f}, {"CG95795101", 0.599f}}), "CG95795101");
  EXPECT_EQ(read({"PA", "-112909-815592"}, 0.30f, {{"-0220-815592", 0.458f}}), "PA0220815592");
  EXPECT_EQ(read({"T168948416"}, 0.114f, {{"1168948416", 0.0f}, {"TT68948416", 0.386f}}), "TT68948416");
  EXPECT_EQ(read({"T168948416"}, 0.5f, {{"TT68948416", 0.9f}}), "T168948416");
  EXPECT_EQ(read({"T168948416"}, 0.3f, {{"TT68948416", 0.44f}}), "T168948416");
  // A reading alone alike the word's and surer than the others confirms it (seed 80 s0038).
  EXPECT_EQ(read({"UMO9440878"}, 0.0f, {{"UMO9440878", 0.62f}, {"UM0O9440878", 0.306f}}), "UM09440878");
  // The page read a known prefix the surer reading did not: the page's prefix, the
  // reading's digits (seed 84 s0079). An unknown prefix read on the page is not kept.
  EXPECT_EQ(read({"PA-4150-337568"}, 0.14f, {{"FA-4150-337968", 0.398f}}), "PA4150337968");
  EXPECT_EQ(read({"PX-4150-337568"}, 0.14f, {{"FA-4150-337968", 0.398f}}), "FA4150337968");
  // The reading alone read a known prefix's U as "TI" (seed 87 s0067): read as UM.
  EXPECT_EQ(read({"TM98775936"}, 0.32f, {{"TIM98775536", 0.576f}}), "UM98775536");
  // Read surely enough to stand, a reading alone one slip apart in the prefix still corrects
  // it: a stroke left out (seed 117 s0062).
  EXPECT_EQ(read({"HIN84110405"}, 0.56f, {{"FIN84110405", 0.36f}, {"HN84110405", 0.68f}}), "HN84110405");
}

// Seed 67 s0022: Cigna's U7678302404 read "U76783024 64," in a letter, 0 weighed at 0.74
// for the second 6 where every Cigna id prints a 0.
TEST(ExtractorLetter, AMemberIdTakesTheOneWeighedCharacterItsPayersShapeNeeds) {
  PageResult page = MakePage({
      {200, Sentence(150, "Dear Dr. Hill,")},
      {240, Sentence(150, "She is covered by Cigna, member ID U76783024 64, group 3619240. The authorization")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "U7678302464");
  GiveGlyphs(WordWithText(page, "64,"), 0, {{'0', 0.74f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "U7678302404");
}

// Seed 64 s0026: Aetna's W902753868 read "W9802753868" on the page (its 9 and 8 each
// weighing the other), "W902753868" alone: the reading alone fits Aetna's shape.
TEST(ExtractorLines, AMemberIdReadAloneInItsPayersShape) {
  PageResult page = MakePage({
      {200, {{150, "Insurance:"}, {300, "Aetna"}}},
      {240, {{150, "Member"}, {270, "ID:"}, {340, "W9802753868"}}},
  });
  GiveGlyphs(WordWithText(page, "W9802753868"), 1, {{'8', 0.84f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "W9802753868");
  WordWithText(page, "W9802753868").readings = {{"W902753868"}};
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "W902753868");
  // Readings alone that do not fit, or two that fit apart: as before.
  WordWithText(page, "W9802753868").readings = {{"W98027538688"}};
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "W9802753868");
  WordWithText(page, "W9802753868").readings = {{"W902753868"}, {"W982753868"}};
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "W9802753868");
}

// Seed 63 s0018: DOB 1959-10-12 read "1959-10642" on the page, "1959-142" by the page's
// model alone and "1959-1012" by the second model.
TEST(ExtractorLines, ABirthDateReadAloneWhereThePagesReadingIsNone) {
  PageResult page = MakePage({
      {200, Sentence(150, "Patient: Harris, Linda")},
      {240, {{150, "DOB:"}, {240, "1959-10642"}}},
  });
  GiveGlyphs(WordWithText(page, "1959-10642"), 8, {});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "patient.birth_date"), "<none>");
  WordWithText(page, "1959-10642").readings = {{"1959-142"}, {"1959-1012"}};
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "1959-10-12");
  EXPECT_TRUE(HasReason(d, "low_confidence:patient.birth_date"));
  // Two readings giving two dates: none.
  WordWithText(page, "1959-10642").readings = {{"1959-10-12"}, {"1959-10-22"}};
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "patient.birth_date"), "<none>");
}

TEST(ExtractorLines, CodesPrintedWithTheirTitlesAfterALabelOcrGarbled) {
  // "ICD-10:" read as "Tcd-10:", no label; the codes carry their titles.
  const PageResult page = MakePage({
      {200, {{100, "Patient:"}, {220, "LOPEZ,"}, {330, "MARIA"}}},
      {240, Sentence(100, "Tcd-10: 150.9 - Heart failure, unspecified")},
      {280, Sentence(240, "E03.9 - Hypothyroidism, unspecified")},
      {320, Sentence(100, "Reason for Referral: Heart failure management")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "I50.9,E03.9");
  // A dash after a number that names no code by its title is no code.
  const PageResult other = MakePage({
      {200, {{100, "Patient:"}, {220, "LOPEZ,"}, {330, "MARIA"}}},
      {240, Sentence(100, "BP 150.9 - stable on current medication")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {other}), "referral.diagnosis_codes"), "<none>");
}

TEST(ExtractorBoxed, AnNpiUnderALabelOcrGarbledIsTheOneNumberPassingTheCheckDigit) {
  // The NPI cell's label read as "TNP!": the provider row holds the one ten-digit number
  // that passes the check digit.
  const PageResult page = MakePage({
      {200, {{100, "REFERRING"}, {260, "PROVIDER"}, {560, "TNP!"}, {900, "PRACTICE"}}},
      {240, {{100, "Dr."}, {150, "Dennis"}, {250, "Nelson"}, {560, "1115073557"}, {900, "Westlake"}}},
      {300, {{100, "PHONE"}, {560, "FAX"}}},
      {340, {{100, "(678)"}, {180, "555-0152"}, {560, "(678)"}, {640, "555-0147"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referring.npi"), "1115073557");
  EXPECT_FALSE(HasReason(d, "missing:referring.npi"));

  // Two numbers that pass: neither is taken.
  PageResult two = page;
  two.text.words.push_back(Word{"1974614350", Box{100, 600, 140, 24}, 0.9f, 0, {}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {two}), "referring.npi"), "<none>");

  // The number is another field's value (an authorization number): no NPI.
  const PageResult auth = MakePage({
      {200, {{100, "REFERRING"}, {260, "PROVIDER"}, {560, "TNP!"}}},
      {240, {{100, "Dr."}, {150, "Dennis"}, {250, "Nelson"}}},
      {300, {{100, "Authorization"}, {280, "#:"}, {330, "1115073557"}}},
  });
  const Document a = Extract(DocType::kReferral, {auth});
  EXPECT_EQ(Str(a, "authorization.number"), "1115073557");
  EXPECT_EQ(Str(a, "referring.npi"), "<none>");

  // Seed 120 s0082: the number read as two words a narrow gap apart ("Ni'" over "10537
  // 15243"); a space a word gap wide keeps them two numbers.
  const auto split = [](int gap) {
    const PageResult page = MakePage({
        {200, {{100, "REFERRING"}, {260, "PROVIDER"}, {560, "Ni'"}, {900, "PRACTICE"}}},
        {240, {{100, "Dr."}, {150, "Janet"}, {250, "Martin"}, {560, "10537"}, {630 + gap, "15243"}, {900, "Westlake"}}},
    });
    return Str(Extract(DocType::kReferral, {page}), "referring.npi");
  };
  EXPECT_EQ(split(9), "1053715243");
  EXPECT_EQ(split(20), "<none>");
}

// Seed 107 s0021: the NPI cell's label read "NEL", matched loosely as PHONE. Its value, as a
// phone number, has an area code beginning with 1 and is none; as an NPI it passes the
// check digit, and it is the NPI, not the phone too.
TEST(ExtractorBoxed, ANumberTakenForAnInvalidPhoneIsTheNpiItPasses) {
  const PageResult page = MakePage({
      {200, {{100, "REFERRING"}, {260, "PROVIDER"}, {560, "PHONE"}, {900, "PRACTICE"}}},
      {240, {{100, "Dr:"}, {150, "John"}, {230, "Ward"}, {560, "1486771631"}, {900, "Bluebonnet"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referring.npi"), "1486771631");
  EXPECT_EQ(Str(d, "referring.phone"), "<none>");
  EXPECT_FALSE(HasReason(d, "missing:referring.npi"));
  EXPECT_FALSE(HasReason(d, "invalid:referring.phone"));
}

// Seed 107 s0021: the payer cell's label "INSURANCE" read "INS URANC TL", nearer "insurance
// id" than "insurance"; its value "Humana" is no member id. The id in the next cell, whose
// label was garbled too, is the payer's shape on the payer's row.
TEST(ExtractorBoxed, ALooseMemberIdLabelOverAValueWithoutDigitsGivesNoMemberId) {
  PageResult page = MakePage({{454, {{154, "INSURANCE"}, {330, "INFORMATION"}}}});
  // The words as read: the cell labels in small print, faint.
  AppendLine(page, {{"INS", {163, 500, 24, 14}, 0.33f}, {"URANC", {196, 501, 63, 14}, 0.0f},
                    {"TL", {269, 501, 6, 14}, 0.27f}, {"ME", {780, 501, 21, 14}, 0.19f},
                    {"MBL", {812, 500, 33, 14}, 0.19f}, {"He", {857, 501, 12, 13}, 0.28f},
                    {"UDe", {878, 501, 18, 13}, 0.0f}, {"GROUP", {1265, 500, 90, 13}, 0.59f},
                    {"&", {1347, 495, 12, 26}, 0.69f}});
  AppendLine(page, {{"Humana", {170, 530, 125, 24}, 0.96f}, {"H57054728", {786, 530, 177, 25}, 0.91f},
                    {"K7409339", {1272, 530, 154, 35}, 0.93f}});
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "H57054728");
  EXPECT_FALSE(HasReason(d, "invalid:insurance.member_id"));
}

// Seed 108 s0059: the insurance cells' labels garbled ("MIE METAR Ey" for MEMBER ID), and
// the payer cell's "MEDICARE" matched loosely as a Medicare number's label. Its value beside
// it, a valid MBI, is the member id, and the label the payer.
TEST(ExtractorBoxed, AnMbiBesideMedicareIsTheMemberIdWhenItsLabelWasGarbled) {
  PageResult page;
  page.width = 1728;
  page.height = 2200;
  AppendLine(page, {{"INSURANCE", {87, 445, 144, 18}, 0.96f}, {"INFORMATION", {242, 435, 171, 28}, 0.96f}});
  AppendLine(page, {{"INS", {95, 491, 23, 13}, 0.22f}, {"LHRANC", {129, 491, 63, 13}, 0.0f},
                    {"E", {205, 490, 3, 14}, 0.27f}, {"MIE", {743, 490, 20, 13}, 0.45f},
                    {"METAR", {775, 491, 33, 13}, 0.37f}, {"Ey", {820, 491, 39, 13}, 0.0f},
                    {"CRQOUIDY", {1251, 491, 92, 12}, 0.0f}, {"ce", {1334, 485, 12, 27}, 0.61f}});
  AppendLine(page, {{"MEDICARE", {101, 522, 159, 21}, 0.96f}, {"3GN2T62FT44", {749, 521, 203, 31}, 0.9f}});
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "3GN2T62FT44");
  EXPECT_EQ(Str(d, "insurance.payer"), "MEDICARE");
  EXPECT_FALSE(HasReason(d, "unreadable:insurance.member_id"));

  // No MBI beside it: no member id from it.
  page.text.words.back().text = "3GN2T62FT4";
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "<none>");
}

// Seed 108 s0018: the engine read the end of the authorization number twice, "115" over the
// last digits of "PA-9096-925115"; the echo is no part of the value.
TEST(ExtractorBoxed, TheEngineReadingTheEndOfAWordTwiceIsNoPartOfTheValue) {
  PageResult page = MakePage({{1037, {{135, "PRIORITY"}, {1038, "AUTHORIZATION"}, {1239, "#"}}, 17}});
  AppendLine(page, {{"Routine", {172, 1069, 82, 19}, 0.89f},
                    {"PA-9096-925115", {1044, 1069, 182, 18}, 0.88f},
                    {"115", {1189, 1065, 41, 32}, 0.32f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "PA9096925115");
  // A word beside it, not over it, is read.
  page.text.words.back().box.x = 1240;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "PA9096925115115");
}

// Seed 107 s0064: the authorization cell's label read "AUTHORIZATION Fs", no label; the
// one Medicare tracking number on the page is the authorization number, for a person to
// confirm.
TEST(ExtractorBoxed, TheOneTrackingNumberOnTheFormIsTheAuthorizationNumberWhenItsLabelWasGarbled) {
  PageResult page = MakePage({{1144, {{177, "PRIORITY"}, {1030, "AUTHORIZATION"}}, 17}});
  AppendLine(page, {{"Fs", {1230, 1144, 20, 17}, 0.0f}});
  AppendLine(page, {{"Routine", {210, 1175, 100, 30}, 0.96f}, {"71H01668070265", {1040, 1175, 230, 24}, 0.58f}});
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "authorization.number"), "71H01668070265");
  EXPECT_LE(d.fields.at("authorization.number").confidence, 0.5);
  EXPECT_FALSE(HasReason(d, "missing:authorization.number"));

  // Two of them: neither.
  AppendLine(page, {{"71H01668070266", {1040, 1400, 230, 24}, 0.9f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "<none>");
}

// Seed 70 s0084: the NPI left blank; the sending machine's header line printed the sender's
// fax number without separators, and it passes the NPI check digit.
TEST(ExtractorBoxed, TheSendersFaxNumberInTheHeaderLineIsNoNpi) {
  const auto page_with = [](int y) {
    return MakePage({
        {y, {{0, "NEC"}, {60, "87"}, {110, "2025"}, {190, "04:52PM"}, {300, "FROM:"}, {380, "PRAIRIE"}, {480, "VIEW"},
             {560, "FAMILY"}, {660, "HEALTH"}, {760, "2105550190"}}, 16},
        {1000, {{140, "REFERRING"}, {300, "PROVIDER"}}},
        {1056, {{139, "Referring"}, {280, "Provider:"}, {420, "STEPHANIE"}, {560, "WHITE,"}, {660, "NP"}}},
        {1097, {{139, "NPI:"}}},
    });
  };
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page_with(43)}), "referring.npi"), "<none>");
  // The same number printed on the page itself is the one that passes.
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page_with(600)}), "referring.npi"), "2105550190");
}

TEST(ExtractorBoxed, AMemberIdJoinedOntoThePayerCellIsSplitOff) {
  // The gap between the INSURANCE and MEMBER ID cells read as a space: "HUMANA H74023105"
  // under the INSURANCE label, nothing under MEMBER ID.
  const PageResult page = MakePage({
      {200, {{100, "INSURANCE"}, {700, "MEMBER"}, {800, "ID"}, {1200, "GROUP"}, {1290, "#"}}},
      {240, {{100, "Humana"}, {200, "H74023105"}, {1200, "K0949824"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "HUMANA");
  EXPECT_EQ(Str(d, "insurance.member_id"), "H74023105");
  EXPECT_EQ(Str(d, "insurance.group_number"), "K0949824");
  // With the member id in its own cell, that one is read and the payer's row is not used.
  const PageResult own = MakePage({
      {200, {{100, "INSURANCE"}, {700, "MEMBER"}, {800, "ID"}}},
      {240, {{100, "Humana"}, {200, "H11111111"}, {700, "H74023105"}}},
  });
  const Document o = Extract(DocType::kReferral, {own});
  EXPECT_EQ(Str(o, "insurance.payer"), "HUMANA");
  EXPECT_EQ(Str(o, "insurance.member_id"), "H74023105");
}

// Seed 93 s0009: the INSURANCE / MEMBER ID / GROUP cell labels in small capitals read as
// garble, so neither the payer nor the id had a label. The row opening with a known payer's
// name gives the payer, and the id in that payer's shape on that row.
TEST(ExtractorBoxed, ARowOpeningWithAPayersNameGivesTheIdWhenTheLabelsAreGarbled) {
  const auto page_with = [](const std::string& payer) {
    return MakePage({
        {251, {{131, "INSURANCE"}, {280, "INFORMATION"}}, 18},
        {505, {{140, "INGEH"}, {230, "GANG"}, {760, "T"}, {790, "ME"}, {840, "MISE"}, {1240, "EZ"}, {1280, "It?"}}, 13},
        {532, {{145, payer}, {240, ":"}, {760, "W153777346"}, {1240, "0051073"}}, 20},
        {660, {{147, "Dr."}, {200, "Edward"}, {300, "Peterson,"}, {440, "MD"}, {660, "2577275003"}}, 19},
    });
  };
  const Document d = Extract(DocType::kReferral, {page_with("AETNA")});
  EXPECT_EQ(Str(d, "insurance.member_id"), "W153777346");
  EXPECT_EQ(Str(d, "insurance.payer"), "AETNA");
  // A payer whose ids hold digits only shares its shape with the form's other numbers.
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page_with("UNITEDHEALTHCARE")}), "insurance.member_id"), "<none>");
  // A name that is no payer's gives nothing.
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page_with("AETNX")}), "insurance.member_id"), "<none>");
}

// Seed 103 s0094: the INSURANCE cell label read "INSURANCH :" with faint garble after it
// ("Pvt mat fei)" at 0.47-0.23), taken for the payer; the row below opens with the payer's
// name. The payer is that name, so the checklist asks for the authorization number
// UnitedHealthcare requires. Its nine-digit id is still not sought there.
TEST(ExtractorBoxed, APayerRowOutweighsFaintGarbleReadAsThePayer) {
  // The words as the engine read them: x, y, width, height, confidence, text.
  struct Read {
    int x, y, w, h;
    float confidence;
    const char* text;
  };
  // The form's rules come as blank words (the rows of cell boxes between the labels).
  const std::vector<std::vector<Read>> rows = {
      {{170, 529, 144, 18, 0.90f, "INSURANGE"}, {325, 529, 171, 19, 0.96f, "INFORMATION"}},
      {{167, 554, 1372, 14, 0.95f, " "}},
      {{1222, 560, 2, 86, 0.95f, " "}},
      {{758, 559, 2, 86, 0.95f, " "}},
      {{1230, 642, 317, 5, 0.95f, " "}},
      {{246, 639, 846, 11, 0.95f, " "}},
      {{179, 572, 112, 15, 0.34f, "INSURANCH"}, {620, 559, 3, 2, 0.0f, ":"}, {756, 555, 37, 40, 0.47f, "Pvt"},
       {806, 555, 29, 40, 0.25f, "mat"}, {846, 559, 45, 27, 0.23f, "fei)"}, {959, 561, 5, 2, 0.0f, "\""},
       {1086, 559, 60, 4, 0.0f, "~~"}, {1232, 572, 75, 14, 0.86f, "GROUP"}, {1316, 574, 8, 11, 0.03f, "#"},
       {1477, 561, 2, 2, 0.24f, ";"}},
      {{179, 602, 197, 45, 0.08f, "UNITEDHEAL"}, {378, 602, 116, 22, 0.45f, "THCARE"},
       {774, 602, 152, 22, 0.97f, "474596797"}, {1239, 602, 101, 28, 0.97f, "632895"}, {1559, 602, 2, 2, 0.0f, ":"}},
      {{185, 733, 40, 22, 0.90f, "Dr."}, {240, 733, 90, 22, 0.90f, "Amanda"}, {340, 733, 100, 22, 0.94f, "Thomas,"},
       {450, 733, 40, 22, 0.94f, "MD"}, {673, 733, 140, 22, 0.88f, "2986139238"}},
  };
  PageResult page = MakePage({});
  for (const std::vector<Read>& row : rows) {
    std::vector<Word> words;
    for (const Read& r : row) {
      Word w;
      w.text = r.text;
      w.box = Box{r.x, r.y, r.w, r.h};
      w.confidence = r.confidence;
      words.push_back(std::move(w));
    }
    AppendLine(page, std::move(words));
  }
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "UNITEDHEALTHCARE");
  EXPECT_EQ(Str(d, "insurance.member_id"), "<none>");
}

// Seed 100 s0067: TRICARE's eleven-digit benefits number on the row that opens with the
// payer's name, the INSURANCE / MEMBER ID labels above read "INSURANCE JME MILI ID". Eleven
// digits elsewhere on the form (a phone with its leading 1) are not taken.
TEST(ExtractorBoxed, ElevenDigitsOnTheRowOpeningWithTricare) {
  const auto form = [](const std::string& payer_row_id, const std::string& elsewhere) {
    return MakePage({
        {251, {{131, "INSURANCE"}, {280, "INFORMATION"}}, 18},
        {613, {{127, "INSURANCE"}, {300, "JME"}, {380, "MILI"}, {450, "ID"}, {760, "GROUP"}}, 15},
        {644, {{131, "TRICARE"}, {300, "."}, {760, payer_row_id}, {1240, "oo"}}, 24},
        {785, {{132, "Dr."}, {200, "Kimberly"}, {330, "Williams"}, {760, elsewhere}}, 23},
    });
  };
  Document d = Extract(DocType::kReferral, {form("57078089208", "1234567893")});
  EXPECT_EQ(Str(d, "insurance.member_id"), "57078089208");
  EXPECT_EQ(Str(d, "insurance.payer"), "TRICARE");
  EXPECT_EQ(Str(Extract(DocType::kReferral, {form("", "18175550112")}), "insurance.member_id"), "<none>");
  EXPECT_EQ(Str(Extract(DocType::kReferral, {form("570780892", "1234567893")}), "insurance.member_id"), "<none>");
}

// Seed 60 s0015: the rule between the INSURANCE and MEMBER ID cells read as a "J" (14 x 38
// px beside 22 px print, 0.45) before the Blue Cross prefix, itself read apart.
TEST(ExtractorBoxed, ACellRuleReadAsALetterIsNoPartOfTheValueBesideIt) {
  PageResult page = MakePage({
      {537, {{122, "INSURANCE"}, {725, "MEMBER"}, {830, "ID"}, {1244, "GROUP"}, {1330, "#"}}, 22},
      {571, {{128, "BLUE"}, {220, "CROSS"}, {344, "BLUE"}, {436, "SHIELD"}, {558, "OF"}, {612, "TEXAS"}, {725, "J"},
             {754, "SLP"}, {822, "296065562"}, {1244, "980527-963"}}, 22},
  });
  Word& rule = WordWithText(page, "J");
  rule.box = Box{725, 566, 14, 38};
  rule.confidence = 0.448f;
  Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "SLP296065562");
  EXPECT_EQ(Str(d, "insurance.group_number"), "980527963");
  // A J of the print's height is a letter of the id.
  rule.box = Box{725, 571, 14, 22};
  rule.confidence = 0.9f;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "JSLP296065562");
}

// Seed 94 s0017: a smudge between "Member ID:" and the id read as a one-letter word "i"
// (16 x 9 px beside 24 px print) with no confidence at all; it had left the id unread.
// It belongs to the label.
TEST(ExtractorLetter, ASmudgeReadAsALetterWithNoConfidenceIsNoWord) {
  PageResult page = MakePage({
      {545, Sentence(194, "Member: Kimberly E. Ortiz")},
      {587, {{194, "Member"}, {318, "ID:"}, {473, "i"}, {678, "H62195272"}}},
      {626, Sentence(194, "Date of Birth: 1968-12-30")},
  });
  Word& smudge = WordWithText(page, "i");
  smudge.box = Box{473, 605, 16, 9};
  smudge.confidence = 0.0f;
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "insurance.member_id"), "H62195272");
  // Of the print's height too ("Member ID: a 067995298", the a 37 x 27 at 0, seed 93 s0003).
  smudge.box = Box{473, 590, 37, 27};
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "insurance.member_id"), "H62195272");
  // Read with some confidence, a letter is a word.
  smudge.confidence = 0.6f;
  EXPECT_NE(Str(Extract(DocType::kPriorAuthorization, {page}), "insurance.member_id"), "H62195272");
}

TEST(ExtractorLetter, AnMbiInRunningTextWithAStrokeReadAsABackslash) {
  // "member ID 5W73GR9GN49" read "member 1D S\\W73GRIGN49.": the backslash is a stroke of
  // the W, the S stands in a digit position. As read, the I becomes 1 by the look-alike
  // table; the engine ranked 9 first among the digits for it, and 9 is taken.
  PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Smith,")},
      {240, Sentence(100, "I am referring my patient Maria Lopez, DOB 03/04/1956, for evaluation.")},
      {280, Sentence(100, "She is covered by Medicare, member 1D S\\W73GRIGN49. Thank you.")},
  });
  const Document plain = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(plain, "insurance.member_id"), "5W73GR1GN49");
  Word& id = WordWithText(page, "S\\W73GRIGN49.");
  id.glyphs.clear();
  for (char c : id.text) id.glyphs.push_back(Glyph{std::string(1, c), {{c, 0.9f}}});
  id.glyphs[0].choices.push_back({'5', 0.77f});
  id.glyphs[7].choices = {{'I', 0.9f}, {'O', 0.0f}, {'Y', 0.0f}, {'9', 0.0f}};
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "5W73GR9GN49");
}

// Seed 47 s0052: the card's "Medicare Number" read "Medicare Nutiber", no colon, the MBI
// below it with the 9 read S (9 weighed 0.53). A lone payer name is still no label.
TEST(ExtractorCard, AMedicareNumberLabelWithItsSecondWordSlipped) {
  PageResult page = MakePage({
      {200, Sentence(150, "MEDICARE HEALTH INSURANCE"), 36},
      {300, {{317, "Name"}}},
      {340, Sentence(317, "HERNANDEZ MARTINEZ, ELIZABETH")},
      {400, {{317, "Medicare"}, {410, "Nutiber"}}, 14},
      {430, {{316, "7UNSC77VC59"}}},
  });
  GiveGlyphs(WordWithText(page, "7UNSC77VC59"), 3, {{'9', 0.53f}, {'3', 0.23f}});
  EXPECT_EQ(Str(Extract(DocType::kInsuranceCard, {page}), "insurance.member_id"), "7UN9C77VC59");
  const PageResult payer = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Payer:"}, {300, "Medicaid"}, {420, "Texas"}}},
      {340, {{150, "Member"}, {270, "ID:"}, {320, "538519330"}}},
  });
  const Document d = Extract(DocType::kReferral, {payer});
  EXPECT_EQ(Str(d, "insurance.member_id"), "538519330");
}

TEST(ExtractorCard, ABlueCrossIdIsNotReadAsAnMbiWithACharacterDropped) {
  // Twelve characters, one deletion from a valid MBI (S -> 5, 6 -> G): kept as printed.
  const PageResult page = MakePage({
      {200, Sentence(150, "Blue Cross Blue Shield of Texas"), 36},
      {300, {{234, "ID:"}, {283, "RSY926506659"}}},
  });
  const Document d = Extract(DocType::kInsuranceCard, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "RSY926506659");
}

TEST(ExtractorCard, MemberIdAfterAGarbledIdLabel) {
  // A card read at normal resolution: "ID#" came out as "Ib#".
  const PageResult page = MakePage({
      {200, {{300, "KAISER"}, {450, "PERMANENTE"}}, 40},
      {300, {{300, "Member."}, {420, "ANTHONY"}, {540, "MCDONALD"}}},
      {340, {{300, "Ib#"}, {420, "92435792"}}},
      {380, {{300, "Group"}, {390, "No."}, {450, "34332-02"}}},
  });
  const Document d = Extract(DocType::kInsuranceCard, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "92435792");
  EXPECT_EQ(Str(d, "insurance.group_number"), "3433202");
}

// Seed 33 s0069: "Subscriber ID:" read "Subscriber (D: ; 42977134".
TEST(ExtractorLines, ASubscriberIdLabelWhoseIWasReadAsAParenthesis) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "GREEN,"}, {530, "ANN"}}},
      {340, {{150, "Insurance:"}, {420, "AETNA"}}},
      {380, {{150, "Subscriber"}, {320, "(D:"}, {370, ";"}, {420, "42977134"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "42977134");
}

// Seed 39 s0091: "Subscriber ID:" read "Subscriber §D: 22124796".
TEST(ExtractorLines, ASubscriberIdLabelWhoseIWasReadAsASectionSign) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "AMY"}, {500, "JAMES"}}},
      {340, {{150, "Payer:"}, {420, "KAISER"}, {520, "PERMANENTE"}}},
      {380, {{150, "Subscriber"}, {320, "§D:"}, {420, "22124796"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "22124796");
}

// Seed 48 s0027: a Blue Cross id's first zero read twice, once as an O ("XKCO082266006");
// the O beside the 0 became a 0 too, so the id as read decides.
TEST(ExtractorLines, AMemberIdWithAZeroReadTwiceOnceAsAnO) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "LEE,"}, {500, "ANN"}}},
      {340, {{150, "Insurance:"}, {300, "BLUE"}, {380, "CROSS"}, {470, "BLUE"}, {550, "SHIELD"}, {650, "OF"},
             {700, "TEXAS"}}},
      {380, {{150, "Member"}, {260, "ID:"}, {330, "XKCO082266006"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "XKC082266006");
}

// Seed 43 s0093: "Member ID:" read "Member I}: 378412614", the D as a brace. A brace alone
// after the label's word is no ID.
TEST(ExtractorLines, AMemberIdLabelWhoseDWasReadAsABrace) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name;"}, {420, "Nelson,"}, {530, "Nancy"}}},
      {340, {{150, "Insurance:"}, {300, "United!"}, {400, "lealthcare"}}},
      {380, {{150, "Member"}, {260, "I}:"}, {320, "378412614"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "378412614");
  const PageResult brace = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name;"}, {420, "Nelson,"}, {530, "Nancy"}}},
      {380, {{150, "Member"}, {260, "}:"}, {320, "378412614"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {brace}), "insurance.member_id"), "<none>");
}

// Seed 40 s0056: "Authorization #:" read "Authorization #4: UM91157300".
TEST(ExtractorPriorAuth, AnAuthorizationLabelWhoseMarkWasReadWithADigit) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Authorization Approval Notice"), 36},
      {300, {{150, "Member:"}, {310, "AMY"}, {380, "LEWIS"}}},
      {340, {{150, "Authorization"}, {330, "#4:"}, {420, "UM91157300"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "authorization.number"), "UM91157300");
}

// Seed 39 s0022: "HB71566462" read "HB/1566462", the engine weighing 7 for the slash.
TEST(ExtractorLines, AnAuthorizationNumberWithADigitReadAsASlash) {
  PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "AMY"}, {500, "JAMES"}}},
      {340, {{150, "Authorization"}, {330, "#:"}, {420, "HB/1566462"}}},
  });
  const Document as_read = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(as_read, "authorization.number"), "HB1566462");  // no alternatives: the slash is dropped
  Word& id = WordWithText(page, "HB/1566462");
  for (char c : id.text) id.glyphs.push_back(Glyph{std::string(1, c), {{c, 0.9f}}});
  id.glyphs[2].choices.push_back({'7', 0.35f});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "HB71566462");
}

TEST(ExtractorCard, MemberIdAfterAnIdLabelReadAsDigits) {
  // Small print: "ID#" read as 104 or ID4, "ID:" as 10; a letter prefix read as a word.
  const std::vector<std::pair<std::vector<std::pair<int, std::string>>, std::string>> cases = {
      {{{543, "10"}, {600, "75496584"}}, "75496584"},
      {{{558, "ID4"}, {620, "270069079"}}, "270069079"},
      {{{257, "104"}, {320, "APD"}, {380, "681005936"}}, "APD681005936"},
      {{{470, "JD:"}, {525, "RXG347609516"}}, "RXG347609516"},
      {{{470, "Ibt"}, {525, "TDU642302145"}}, "TDU642302145"},  // "ID#", seed 38 s0024
      {{{291, "Ip:"}, {380, "145005072"}}, "145005072"},         // "ID:", seed 78 s0061
  };
  for (const auto& [row, expected] : cases) {
    const PageResult page = MakePage({
        {200, {{300, "KAISER"}, {450, "PERMANENTE"}}, 40},
        {300, {{300, "Member:"}, {420, "RICHARD"}, {540, "WALKER"}}},
        {340, row},
        {380, {{300, "Group:"}, {390, "57766-43"}}},
        {420, {{300, "PCP"}, {360, "Phone:"}, {450, "(404)"}, {530, "555-0154"}}},
    });
    const Document d = Extract(DocType::kInsuranceCard, {page});
    EXPECT_EQ(Str(d, "insurance.member_id"), expected);
  }
  // A short number after a 10 is no member id ("10 mg").
  const PageResult page = MakePage({
      {200, {{300, "KAISER"}, {450, "PERMANENTE"}}, 40},
      {340, {{300, "10"}, {360, "mg"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kInsuranceCard, {page}), "insurance.member_id"), "<none>");
}

TEST(ExtractorCard, MemberIdLabelWhoseIdWasReadAsDigits) {
  // "Member ID:" in small print read as "Member 112;".
  const PageResult page = MakePage({
      {200, Sentence(150, "UnitedHealthcare"), 36},
      {300, {{447, "Member"}, {534, "112;"}, {577, "120653858"}}},
      {340, {{446, "Group"}, {514, "No.;"}, {569, "200703"}}},
  });
  const Document d = Extract(DocType::kInsuranceCard, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "120653858");
  EXPECT_EQ(Str(d, "insurance.group_number"), "200703");
}

TEST(ExtractorCard, MemberIdWithoutALabelHasItsPayersShape) {
  // The "ID:" label lost to noise ("ipDt"): the one value shaped like a Blue Cross id.
  auto card = [](const std::string& id_row_label) {
    return MakePage({
        {200, Sentence(150, "Blue Cross Blue Shield of Texas"), 36},
        {300, {{444, "Member:"}, {580, "LARRY"}, {697, "MURPHY"}}},
        {340, {{463, id_row_label}, {522, "EZK"}, {595, "289195523"}}},
        {380, {{462, "Group"}, {539, "No.:"}, {604, "312539"}}},
        {420, {{462, "RxBIN"}, {560, "976446"}}},
        {460, {{462, "Member"}, {560, "Services:"}, {715, "1-800-555-0131"}}},
    });
  };
  EXPECT_EQ(Str(Extract(DocType::kInsuranceCard, {card("ipDt")}), "insurance.member_id"), "EZK289195523");
  // Two values of that shape: neither is taken.
  const PageResult two = MakePage({
      {200, Sentence(150, "Blue Cross Blue Shield of Texas"), 36},
      {340, {{463, "ipDt"}, {522, "EZK289195523"}}},
      {380, {{463, "Ret"}, {522, "ABC123456789"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kInsuranceCard, {two}), "insurance.member_id"), "<none>");
  // A payer without a known shape: nothing is guessed.
  const PageResult other = MakePage({
      {200, Sentence(150, "Acme Health Plan"), 36},
      {340, {{463, "ipDt"}, {522, "EZK289195523"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kInsuranceCard, {other}), "insurance.member_id"), "<none>");
}

TEST(ExtractorPriorAuth, DashesAfterLabelsAndABirthDateWhoseSlashesNoiseBroke) {
  const PageResult page = MakePage({
      {200, {{300, "PRIOR"}, {420, "AUTHORIZATION"}, {640, "DETERMINATION"}}, 40},
      {300, {{150, "Member:"}, {280, "-"}, {310, "AMY"}, {380, "LEWIS"}}},
      {340, {{150, "Member"}, {270, "ID:"}, {330, "973738632"}}},
      {380, {{150, "Date"}, {220, "of"}, {260, "Birth:"}, {360, "045271938"}}},
      {420, {{150, "Diagnosis:"}, {300, "-"}, {330, "N39.0"}, {420, "Urinary"}, {540, "tract"}, {620, "infection"}}},
  });
  const Document d = Extract(DocType::kPriorAuthorization, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "1938-04-27");
  EXPECT_EQ(Str(d, "insurance.member_id"), "973738632");
  EXPECT_EQ(Str(d, "patient.family_name"), "LEWIS");
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "N39.0");
}

// Seed 68 s0036: 8/10/1958 under DATE OF BIRTH read "BLO1958", its slashes lost and its
// 8, 1 and 0 read as letters (8 weighed at 0.62 for the B).
TEST(ExtractorBoxed, ABirthDateReadAsLettersAndDigitsWithBothSlashesLost) {
  PageResult page = MakePage({
      {360, {{150, "PATIENT"}, {300, "NAME"}, {788, "DATE"}, {860, "OF"}, {900, "BIRTH"}}, 16},
      {396, {{156, "HALL,"}, {260, "ROSE"}, {793, "BLO1958"}}},
  });
  GiveGlyphs(WordWithText(page, "BLO1958"), 0, {{'8', 0.62f}, {'H', 0.48f}});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "patient.birth_date"), "1958-08-10");
  // 1/12/1958 or 11/2/1958: no way to choose.
  WordWithText(page, "BLO1958").text = "IIZ1958";
  GiveGlyphs(WordWithText(page, "IIZ1958"), 0, {});
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "patient.birth_date"), "<none>");
}

// Seed 82 s0022: "DOB: 11/16/1940" read "DOB: 11 16 1940", its slashes read as spaces; the
// complete referral was flagged missing its birth date. Two numbers without a year are no date.
TEST(ExtractorLines, ABirthDateWithItsSlashesReadAsSpaces) {
  const auto dob = [](const std::vector<std::pair<int, std::string>>& value) {
    std::vector<std::pair<int, std::string>> line = {{180, "DOB:"}};
    line.insert(line.end(), value.begin(), value.end());
    PageResult page = MakePage({{340, {{180, "Patient:"}, {300, "Tom"}, {380, "Hall"}}}, {382, line}});
    for (Word& w : page.text.words) GiveGlyphs(w, 0, {});
    return Str(Extract(DocType::kReferral, {page}), "patient.birth_date");
  };
  EXPECT_EQ(dob({{260, "11"}, {300, "16"}, {340, "1940"}}), "1940-11-16");
  EXPECT_EQ(dob({{260, "11"}, {300, "16"}}), "<none>");
  // Seed 86 s0015: "DOB: 10/14/1946" read "10/14 1946", the second slash too faint.
  EXPECT_EQ(dob({{260, "10/14"}, {340, "1946"}}), "1946-10-14");
}

TEST(ExtractorPriorAuth, ThePayerIsTheLetterheadsLargestPrintNotTheDepartmentBesideIt) {
  // Tesseract reads the logo's name on one line with the address below the department.
  PageResult page = MakePage({
      {20, {{23, "01/30/2026"}, {176, "17:19"}, {271, "8885550171"}, {436, "AETNA"}, {1576, "P.001/001"}}, 16},
      {93, {{1150, "Prior"}, {1217, "Authorization"}, {1410, "Department"}}, 22},
      {127, {{190, "Aetna"}, {1117, "PO"}, {1163, "Box"}, {1219, "40252,"}, {1323, "Atlanta,"}, {1437, "GA"}, {1486, "30348"}}, 20},
      {300, {{150, "Member:"}, {310, "AMY"}, {380, "LEWIS"}}},
  });
  Word& logo = WordWithText(page, "Aetna");
  logo.box.y = 92;
  logo.box.h = 40;
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "insurance.payer"), "AETNA");
}

// A payer prefix a practice configures is what a lost letter is corrected to; the
// default list does not hold it, so the number stays as read there.
TEST(ExtractorPriorAuth, AnAuthorizationPrefixOneLetterOffAConfiguredOne) {
  PageResult page = MakePage({
      {200, {{300, "PRIOR"}, {420, "AUTHORIZATION"}, {640, "DETERMINATION"}}, 40},
      {340, {{150, "Authorization"}, {330, "Number:"}, {470, "KG97165640"}}},
      {380, {{150, "Status:"}, {280, "APPROVED"}}},
  });
  GiveGlyphs(WordWithText(page, "KG97165640"), 0, {{'X', 0.45f}});
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "authorization.number"), "KG97165640");
  ExtractorOptions xg;
  xg.authorization_prefixes = {"XG"};
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}, xg), "authorization.number"), "XG97165640");
}

TEST(ExtractorOptions, OutOfRangeOptionsAreRefused) {
  ExtractorOptions low;
  low.low_confidence = 1.5;
  EXPECT_FALSE(Extractor::Create(low).has_value());
  ExtractorOptions day;
  day.today = "03/16/2026";
  EXPECT_FALSE(Extractor::Create(day).has_value());
  for (const char* bad : {"um", "U", "ABCDEFG", "U1"}) {
    ExtractorOptions o;
    o.authorization_prefixes = {"UM", bad};
    EXPECT_FALSE(Extractor::Create(o).has_value()) << bad;
  }
  ExtractorOptions none;
  none.authorization_prefixes.clear();
  EXPECT_TRUE(Extractor::Create(none).has_value());
}

// Seed 31 s0016: "Authorization" and "Number;" 32 px apart in 22 px print, a gap wider
// than a column's; the label is both words, so "Number;" is no value.
TEST(ExtractorPriorAuth, ALabelWhoseWordsStandAColumnGapApart) {
  const PageResult page = MakePage({
      {300, Sentence(150, "PRIOR AUTHORIZATION DETERMINATION"), 30},
      {580, Sentence(150, "Member: Dennis Lee"), 22},
      {640, Sentence(150, "Date of Birth: 1949-11-15"), 22},
      {670, {{161, "Authorization"}, {375, "Number;"}, {613, "PA-4651-271421"}}, 22},
      {700, Sentence(150, "Status; APPROVED"), 22},
  });
  const Document d = Extract(DocType::kPriorAuthorization, {page});
  EXPECT_EQ(Str(d, "authorization.number"), "PA4651271421");
  EXPECT_FALSE(HasReason(d, "invalid:authorization.number"));
}

// Seeds 22 and 24: an authorization number printed but unread, flagged missing.
TEST(ExtractorPriorAuth, AnAuthorizationNumberWhoseHashWasReadAsFour) {
  const PageResult page = MakePage({
      {200, {{300, "PRIOR"}, {420, "AUTHORIZATION"}, {640, "DETERMINATION"}}, 40},
      {300, {{150, "Member:"}, {280, "_"}, {310, "Baker,"}, {400, "Kimberly"}}},
      {340, {{150, "Authorization"}, {330, "4:"}, {370, "_"}, {400, "A904068925"}}},
      {380, {{150, "Status:"}, {280, "_"}, {310, "APPROVED"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "authorization.number"), "A904068925");
}

// Committed sample s0014: "PEREZ, MIGUEL A" read 0.97, 0.57, 0.57. Each name is as sure as
// its own words, and its box is theirs (the review screen highlights the family name alone).
TEST(ExtractorLines, EachNameHasItsOwnWordsConfidenceAndBox) {
  PageResult page = MakePage({
      {200, Sentence(150, "REFERRAL FORM"), 36},
      {300, {{188, "Patient"}, {300, "Name:"}, {400, "PEREZ,"}, {500, "MIGUEL"}, {600, "A"}}},
  });
  WordWithText(page, "PEREZ,").confidence = 0.97f;
  WordWithText(page, "MIGUEL").confidence = 0.57f;
  WordWithText(page, "A").confidence = 0.57f;
  const Document d = Extract(DocType::kReferral, {page});
  const Field& family = d.fields.at("patient.family_name");
  const Field& given = d.fields.at("patient.given_name");
  EXPECT_EQ(Str(d, "patient.family_name"), "PEREZ");
  EXPECT_GT(family.confidence, 0.9);
  EXPECT_EQ(family.box, WordWithText(page, "PEREZ,").box);
  EXPECT_EQ(Str(d, "patient.given_name"), "MIGUEL");
  EXPECT_LT(given.confidence, 0.6);
  EXPECT_EQ(given.box, WordWithText(page, "MIGUEL").box);
  EXPECT_TRUE(HasReason(d, "low_confidence:patient.given_name"));
  EXPECT_FALSE(HasReason(d, "low_confidence:patient.family_name"));
}

// Seed 69 s0095: Kaiser's 07790841 read "0779084" and a bar "|" as a word of its own after
// it; Kaiser prints eight digits.
TEST(ExtractorBoxed, AMemberIdsLastOneReadAsABarBesideIt) {
  PageResult page = MakePage({
      {494, {{95, "INSURANCE"}, {700, "MEMBER"}, {810, "ID"}, {1200, "GROUP"}, {1290, "#"}}, 18},
      {528, {{102, "Kaiser"}, {194, "Permanente"}, {722, "0779084"}, {838, "|"}, {1209, "85978-47"}}, 22},
  });
  Word& bar = WordWithText(page, "|");
  bar.box.w = 5;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "07790841");
  // A cell's rule runs taller than the print: no digit.
  bar.box.y -= 20;
  bar.box.h = 60;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "0779084");
}

// Seed 67 s0002: "covered hy Cigna": the payer read, and with it the shape that makes the
// "11" before Cigna's digits its U.
// Seed 96 s0030, a noisy normal-resolution page: "Insurance:" read "tnstirance:", past the
// label table, so the payer was read with it, and Aetna's W read as a backslash and a V.
// What follows the colon is the payer; the V in the place of Aetna's W is a W.
TEST(ExtractorForm, APayerReadWithItsGarbledLabelAndAnAetnaIdWithItsWReadV) {
  const PageResult page = MakePage({
      {729, {{183, "Insurance"}}},
      {775, {{184, "tnstirance:"}, {340, "ALTNA"}}},
      {806, {{182, "Subscriber"}, {340, "ID;"}, {400, "V328781475"}}},
      {844, {{183, "Group:"}, {290, "0054982"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "AETNA");
  EXPECT_EQ(Str(d, "insurance.member_id"), "W328781475");
}

TEST(ExtractorLetter, ThePayerAfterCoveredByReadHy) {
  const PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Foster,")},
      {240, Sentence(100, "She is covered hy Cigna, member ID 1163820539 03, group 3571957. Thank you.")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "CIGNA");
  EXPECT_EQ(Str(d, "insurance.member_id"), "U6382053903");
}

TEST(ExtractorLetter, AnAuthorizationNumberAfterGarbledWordsOrOnTheNextLine) {
  const PageResult next_line = MakePage({
      {200, Sentence(100, "Dear Dr. Foster,")},
      {240, Sentence(100, "I am referring my patient Kathleen R. Gomez (DOB 1946-02-12) to your Gastroenterology clinic.")},
      {280, Sentence(100, "She is covered by UnitedHealthcare, member ID 567767214, Prior authorization has been obtained, atthorization number")},
      {320, Sentence(100, "1176629895. ,")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {next_line}), "authorization.number"), "1176629895");
  // Seed 88 s0021: a speck after "number" read as a comma.
  const PageResult comma = MakePage({
      {200, Sentence(100, "Dear Dr. Foster,")},
      {280, Sentence(100, "He is covered by UnitedHealthcare, member 1D 432944524, group 863434. Prior authorization has been obtained, authorization")},
      {320, Sentence(100, "number, A302517746. This is urgent; please see him as soon as possible.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {comma}), "authorization.number"), "A302517746");
  const PageResult split = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {240, Sentence(100, "I am referring my patient Jennifer Schmidt (DOB 1940-06-23) to your Neurology clinic.")},
      {280, Sentence(100, "She is covered by Cigna, member ID U2804327703. The authorization munber is NH42096 347. This referral is")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {split}), "authorization.number"), "NH42096347");
  // Seed 30 s0016: "number" read "uuber", the number on the next line.
  const PageResult uuber = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {240, Sentence(100, "I am referring my patient Kimberly Young (DOB 1962-10-01) to your Cardiology clinic.")},
      {280, Sentence(100, "She is covered by Aetua, member ID W001703207, Prior authorization bas been obtained, authorization uuber")},
      {320, Sentence(100, "REF1452138.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {uuber}), "authorization.number"), "REF1452138");
  // Seed 99 s0024: both t's of "authorization" read l, "number" read "muuber".
  const PageResult ells = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {280, Sentence(100, "He is covered by UnitedHealthcare, member ID 044077404, group 630535. Prior authorization has been obtained,")},
      {320, Sentence(100, "aulhorizalion muuber GN51377994, This referral is urgent.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {ells}), "authorization.number"), "GN51377994");
  // Seed 102 s0093: "number" read with an accent, at the start of the next line.
  const PageResult accent = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {280, Sentence(100, "He is covered by Aetna, member ID W614980775, group 0152246. The authorization")},
      {320, Sentence(100, "numb\u00e9r is CL67461295. This is a routine referral.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {accent}), "authorization.number"), "CL67461295");
  // Seed 49 s0100: "is" read "!s", the number on the next line.
  const PageResult mark = MakePage({
      {200, Sentence(100, "Dear Dr. Allen,")},
      {240, Sentence(100, "I am referring my patient Mark L. Chavez (DOB 7/1/1963) to your Gastroenterology clinic.")},
      {280, Sentence(100, "He is covered by UnitedHealthcare, member 1D 905998268. group 692469. The authorization number !s")},
      {320, Sentence(100, "A216383405.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {mark}), "authorization.number"), "A216383405");
  // Seed 101 s0012: "is" read "fs".
  const PageResult fs = MakePage({
      {200, Sentence(100, "Dear Dr. Allen,")},
      {280, Sentence(100, "She is covered by Humana, member 19 H35535659, group K4266009. The authorization number fs A413339279,")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {fs}), "authorization.number"), "A413339279");
  // Seed 115 s0065: a speck after "is" read as a closing quote, the number on the next line.
  const PageResult quote = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {280, Sentence(100, "He is covered by Medicare, member ID 6TT1YE4YD82. The authorization number is\u2019")},
      {320, Sentence(100, "LM92446228. This is a routine referral.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {quote}), "authorization.number"), "LM92446228");
  // Seed 117 s0022: an apostrophe inside the number, its F read T ("RET'0546975.").
  const PageResult apostrophe = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {280, Sentence(100, "She is covered by Medicaid. The authorization number is RET'0546975. This is urgent.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {apostrophe}), "authorization.number"), "REF0546975");
  // Seed 51 s0026: "number" read "humber", the number on the next line.
  const PageResult humber = MakePage({
      {200, Sentence(100, "Dear Or. Hughes,")},
      {240, Sentence(100, "lam referring my patient Raj Adams (DOB 10-12-1939) to your Cardiology clinic.")},
      {280, Sentence(100, "He is covered by Cigna, member ID U22164890 O1. The authorization humber is")},
      {320, Sentence(100, "REF3871726., This is urgent; please see him as soon as. passible.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {humber}), "authorization.number"), "REF3871726");
  // Words after the lead-in that are no number: nothing.
  const PageResult none = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {240, Sentence(100, "I am referring my patient Jennifer Schmidt (DOB 1940-06-23) to your Neurology clinic.")},
      {280, Sentence(100, "Please include the authorization number on all claims. This referral is routine.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {none}), "authorization.number"), "<none>");
}

// Seed 23: two complete referrals flagged missing an item they print.
TEST(ExtractorBoxed, ADiagnosisLabelWhoseZeroWasReadAsAMark) {
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {932, {{96, "DIAGNOSIS"}, {240, "(ICD-1@)"}}, 16},
      {963, {{98, "E11.65"}, {200, "-"}, {230, "Type"}, {300, "2"}, {330, "diabetes"}, {460, "mellitus"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referral.diagnosis_codes"), "E11.65");
  // Seed 30 s0063: a break in "ICD" read as a space, the code under it unreadable. The
  // label is found, so the item is printed but unreadable, not missing.
  const PageResult broken = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {932, {{96, "DIAGNOSIS"}, {240, "(IC"}, {290, "D-10)"}}, 16},
      {963, Sentence(98, "145,909 - Unspecified asta, iim oniplic")},
  });
  const Document d = Extract(DocType::kReferral, {broken});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "<none>");
  EXPECT_TRUE(std::count(d.review_reasons.begin(), d.review_reasons.end(), "unreadable:referral.diagnosis_codes"));
}

TEST(ExtractorLetter, AMemberIdWhosePrefixWasReadWithAComma) {
  const PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Smith,")},
      {240, Sentence(100, "I am referring my patient Maria Lopez, DOB 03/04/1956, for evaluation.")},
      {280, Sentence(100, "She is covered by Blue Cross Blue Shield of Texas, member ID) EVZ, 376647550. This is routine.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "EVZ376647550");
}

TEST(ExtractorLetter, AMemberIdWhoseFirstLetterWasReadAsADollarSign) {
  // Seed 86 s0063: "member ID SJJ906078754." read "member ID $JJ906078754." on a clean page.
  const PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Smith,")},
      {240, Sentence(100, "I am referring my patient Maria Lopez, DOB 03/04/1956, for evaluation.")},
      {280, Sentence(100, "He is covered by Blue Cross Blue Shield of Texas, member ID $JJ906078754. Prior authorization")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "SJJ906078754");
}

// Seed 60 s0027: "member ID HTV386340794" read "meniber 1D FEV 386340794," (the m's
// strokes apart as "ni", the prefix at confidence 0): the id is taken, unsure, and the
// referral is not flagged as missing one.
TEST(ExtractorLetter, AMemberIdAfterMemberReadWithItsMApart) {
  PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Wood,")},
      {240, Sentence(100, "I am referring my patient Anna Long (DOB 1964-02-16) for evaluation.")},
      {280, Sentence(100, "She is covered by BlueCross Blue Shield of Texas, meniber 1D FEV 386340794, group 249600.")},
  });
  WordWithText(page, "FEV").confidence = 0.0f;
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "FEV386340794");
  EXPECT_TRUE(HasReason(d, "low_confidence:insurance.member_id"));
}

TEST(ExtractorLines, AMemberIdLabelWhoseFirstWordBrokeInTwo) {
  // Seed 29 s0053: "Subscriber ID:" read "Subsc er ID:" on a line the gap fill added.
  const PageResult page = MakePage({
      {200, Sentence(100, "Patient Name: TORRES, ANGELA")},
      {240, Sentence(100, "DOB: 2006-12-06")},
      {280, Sentence(100, "Insurance: TRICARE")},
      {800, {{197, "Subsc"}, {342, "er"}, {389, "ID:"}, {452, "38470988437"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "38470988437");
}

TEST(ExtractorLetter, AMemberIdPrintedButUnreadableIsNoMissingItem) {
  // Seed 29 s0044 at normal resolution: "member ID H00483525" read "member 11> HOGdRIS 25,".
  const auto letter = [](const std::string& insurance) {
    return MakePage({
        {200, Sentence(100, "Dear Dr. Smith,")},
        {240, Sentence(100, "I am referring my patient Michael J. Sanchez (DOB 06 Mar 1991) for evaluation.")},
        {280, Sentence(100, insurance)},
    });
  };
  const Document d = Extract(DocType::kReferral, {letter("He is covered by Humana, member 11> HOGdRIS 25, The plan")});
  EXPECT_EQ(Str(d, "insurance.member_id"), "<none>");
  EXPECT_TRUE(std::count(d.review_reasons.begin(), d.review_reasons.end(), "unreadable:insurance.member_id"));
  // No member id printed: nothing unreadable (the checklist then finds it missing).
  for (const char* text : {"He is covered by Humana.", "He is covered by Humana, member ID card attached."}) {
    const Document none = Extract(DocType::kReferral, {letter(text)});
    EXPECT_FALSE(std::count(none.review_reasons.begin(), none.review_reasons.end(), "unreadable:insurance.member_id"))
        << text;
  }
  // Seed 30 s0051: an empty "Member ID:" line, the group number on the next.
  const Document empty = Extract(DocType::kReferral, {MakePage({{200, Sentence(100, "Insurance: Aetna")},
                                                                 {240, Sentence(100, "Member ID:")},
                                                                 {280, Sentence(100, "Group 0527694")}})});
  EXPECT_FALSE(std::count(empty.review_reasons.begin(), empty.review_reasons.end(), "unreadable:insurance.member_id"));
  // Seed 105 s0082: a form's row of cell labels, "MEMBER ID" read "MEMBER 10", its cell left
  // blank; the next cell's label "GROUP." is no value.
  const Document cells = Extract(DocType::kReferral, {MakePage({
                                                         {445, Sentence(146, "INSURANCE INFORMATION"), 17},
                                                         {487, {{158, "INSURANCE"}, {760, "MEMBER"}, {851, "10"},
                                                                {1235, "GROUP."}, {1312, "1"}}, 14},
                                                         {515, {{160, "Kaiser"}, {274, "Permanente"}, {1245, "58088"},
                                                                {1326, "-40"}}, 20},
                                                     })});
  EXPECT_EQ(Str(cells, "insurance.member_id"), "<none>");
  EXPECT_FALSE(std::count(cells.review_reasons.begin(), cells.review_reasons.end(), "unreadable:insurance.member_id"));
}

TEST(ExtractorLetter, AnAuthorizationNumberPrintedButUnreadableIsNoMissingItem) {
  // Seed 85 s0035: "authorization number UM69946104." read "suthorization number
  // ('M69946104.", the U broken into two marks; the complete referral was flagged missing it.
  const auto letter = [](const std::string& auth) {
    return MakePage({
        {200, Sentence(100, "Dear Dr. Smith,")},
        {240, Sentence(100, "I am referring my patient Michael J. Sanchez (DOB 06 Mar 1991) for evaluation.")},
        {280, Sentence(100, "He is covered by UnitedHealthcare, member ID 474302973. Prior authorization has been obtained,")},
        {320, Sentence(100, auth)},
    });
  };
  const auto unreadable = [](const Document& d) {
    return std::count(d.review_reasons.begin(), d.review_reasons.end(), "unreadable:authorization.number") > 0;
  };
  const Document d = Extract(DocType::kReferral, {letter("suthorization number ('M69946104. This is a routine referral.")});
  EXPECT_EQ(Str(d, "authorization.number"), "<none>");
  EXPECT_TRUE(unreadable(d));
  // No number printed: nothing unreadable.
  for (const char* text : {"Thank you for seeing him.", "The authorization number is pending."})
    EXPECT_FALSE(unreadable(Extract(DocType::kReferral, {letter(text)}))) << text;
}

TEST(ExtractorLines, ABlankNpiIsMissingNotUnreadableWhenTheNextLabelWasCutShort) {
  // Seed 31 s0070: the NPI left blank, "Practice:" under it read "Pract 2".
  const auto page = [](const std::string& below) {
    return MakePage({{200, Sentence(100, "Referring Provider: PRIYA SCHMIDT, MD")},
                     {240, Sentence(100, "NPL:")},
                     {270, Sentence(100, below)},
                     {310, Sentence(100, "Phone: (512) 555-0149")}});
  };
  const auto unreadable = [](const Document& d) {
    return std::count(d.review_reasons.begin(), d.review_reasons.end(), "unreadable:referring.npi") > 0;
  };
  EXPECT_FALSE(unreadable(Extract(DocType::kReferral, {page("Pract 2 Crossroads F amily Practice")})));
}

TEST(ExtractorBoxed, LabelsWhoseBarsFadedAtNormalResolution) {
  // Small capitals at 204x98 dpi lose the bars of E and T: "PATIENT NAME" reads "PALILNI NAML".
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {300, {{120, "PALILNI"}, {230, "NAML"}, {300, "(LASI"}, {370, "IRS"}, {700, "DATE"}, {760, "OF"}, {800, "BIRTH"}}, 16},
      {330, {{126, "ORTIZ,"}, {230, "MATTHEW"}, {706, "12-20-1943"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "ORTIZ");
  EXPECT_EQ(Str(d, "patient.given_name"), "MATTHEW");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1943-12-20");
}

TEST(ExtractorBoxed, CellLabelsInFaintSmallPrintAboveTheirValues) {
  // A noisy boxed form: the cell labels in small capitals came out garbled ("PATHE NT NAME
  // (AST fEIRST)", "DATE OF ble bE", "cuy", "STAG"); the values below them are clear. The
  // row of small print over larger print is a row of cell labels: each cell's value is the
  // one below it, never the next cell's label to its right.
  const PageResult page = MakePage({
      {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
      {228, Sentence(142, "PATIENT INFORMATION"), 18},
      {271, {{151, "PATHE"}, {229, "NT"}, {265, "NAME"}, {329, "(AST"}, {393, "fEIRST)"}, {796, "DATE"}, {860, "OF"},
             {896, "ble"}, {946, "bE"}, {1090, "DUK"}, {1265, "PHONE"}}, 14},
      {301, {{157, "NELSON,"}, {265, "MARY"}, {801, "09/02/1967"}, {1096, "F"}, {1272, "512-555-0188"}}, 23},
      {360, {{151, "ADDRESS."}, {824, "cuy"}, {1178, "STAG"}, {1353, "ew"}}, 14},
      {391, {{158, "126"}, {212, "Riverside"}, {346, "Dr"}, {832, "Round"}, {910, "Rock"}, {1184, "TX"}, {1360, "78673"}}, 23},
      {900, Sentence(150, "Patient reports shortness of breath on exertion for three months now"), 24},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "NELSON");
  EXPECT_EQ(Str(d, "patient.given_name"), "MARY");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1967-09-02");
  EXPECT_EQ(Str(d, "patient.address.line"), "126 RIVERSIDE DR");
  EXPECT_EQ(Str(d, "patient.address.state"), "TX");
  EXPECT_EQ(Str(d, "referral.date"), "<none>");  // the DATE OF BIRTH cell is no referral date
}

TEST(ExtractorLines, ALabelEndingInAStrayMarkBeforeItsValueOnTheSameRowIsNoCellLabel) {
  // "City/State/ZIP:." a little smaller than the heading below it: its value is to its right.
  const PageResult page = MakePage({
      {649, {{188, "Address:"}, {343, "5864"}, {427, "Burnet"}, {543, "Pkwy"}}, 21},
      {686, {{189, "City/State/ZIP:."}, {461, "ROUND"}, {562, "ROCK,"}, {662, "TX"}, {713, "78676"}}, 19},
      {746, {{190, "Insurance"}, {376, "Information"}}, 25},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.address.city"), "ROUND ROCK");
  EXPECT_EQ(Str(d, "patient.address.postal_code"), "78676");
}

TEST(ExtractorLines, ASectionHeadingUnderABlankLabelIsNoValue) {
  // The authorization number left blank: the heading under it is not the number, and the
  // item is missing, not invalid.
  const PageResult page = MakePage({
      {600, {{150, "Priority:"}, {300, "Routine"}}},
      {640, {{150, "Authorization"}, {350, "Number:"}}},
      {700, {{150, "Clinical"}, {290, "Summary"}}},
      {740, Sentence(150, "Patient reports knee pain for three months.")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "authorization.number"), "<none>");
  EXPECT_TRUE(std::find(d.review_reasons.begin(), d.review_reasons.end(), "invalid:authorization.number") ==
              d.review_reasons.end());
  // A value under the label is still read ("Authorization Number:" wrapped onto the next row).
  const PageResult wrapped = MakePage({
      {640, {{150, "Authorization"}, {350, "Number:"}}},
      {670, {{150, "UM52960950"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {wrapped}), "authorization.number"), "UM52960950");
}

TEST(ExtractorLines, PrintedButUnreadableCoreItemsAreToldFromBlankOnes) {
  const PageResult page = MakePage({
      {200, Sentence(150, "REFERRAL FORM"), 36},
      {300, {{150, "Member"}, {260, "ID:"}, {400, "~~#%&;;"}, {480, "?!?"}}},  // nothing readable
      {340, {{150, "NPI:"}, {400, "l6Z9b"}}},                                // too short a number
      {380, {{150, "Authorization"}, {350, "#:"}, {400, "N/A"}}},
      {420, {{150, "Diagnosis:"}, {400, "________"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  auto has = [&](const std::string& r) {
    return std::find(d.review_reasons.begin(), d.review_reasons.end(), r) != d.review_reasons.end();
  };
  EXPECT_TRUE(has("unreadable:referring.npi"));
  EXPECT_FALSE(has("unreadable:authorization.number"));    // "N/A": nothing was sent
  EXPECT_FALSE(has("unreadable:referral.diagnosis_codes"));  // a blank line
  EXPECT_FALSE(has("unreadable:patient.birth_date"));        // no label at all
}

TEST(ExtractorBoxed, MixedCaseValueIsNotALooseLabel) {
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {400, {{120, "INSURANCE"}, {700, "MEMBER"}, {810, "ID"}}, 16},
      {430, {{126, "Medicaid"}, {706, "538519330"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "MEDICAID");
  EXPECT_EQ(Str(d, "insurance.member_id"), "538519330");
}

TEST(ExtractorLetter, AMemberIdAfterIdReadWithAClosingBracket) {
  const PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Smith,")},
      {240, Sentence(100, "I am referring my patient Maria Lopez, DOB 03/04/1956, for evaluation.")},
      {280, Sentence(100, "He is covered by Molina Healthcare, member ID) 163422898, This is a routine referral.")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "163422898");
}

// Seed 39 s0068: the patient's name broken by noise ("Sarah G,. Wilson") so the referring
// sentence does not parse; the DOB mark in parentheses is read on its own, its date with
// the first slash read as 7. The member id opens with a backslash and reads its W twice.
TEST(ExtractorLetter, ADobMarkOutsideTheReferringSentenceAndAWReadAsWV) {
  const PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Adams,")},
      {240, Sentence(100, "Lat referring my patient Sarah G,. Wilson (DOB 9728/2003) to your Urology clinie.")},
      {280, Sentence(100, "She is covered by Aetna, member 1D \\WV472358645. This is a routine referral.")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "2003-09-28");
  EXPECT_EQ(Str(d, "insurance.member_id"), "W472358645");
}

// Seed 40 s0035: the sex cell read "Sex: T"; the clinical summary's "55-year-old female"
// says it. A letter is not read so (its own sentences are read as a letter's).
TEST(ExtractorLines, TheSexFromTheClinicalSummaryWhenItsCellIsUnreadable) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "LOPEZ,"}, {520, "MARIA"}}},
      {340, {{150, "Sex:"}, {420, "T"}}},
      {900, Sentence(150, "55-year-old female with leg swelling and shortness of breath for 6 months.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "patient.sex"), "female");
  const PageResult labeled = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {340, {{150, "Sex:"}, {420, "M"}}},
      {900, Sentence(150, "55-year-old female with leg swelling.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {labeled}), "patient.sex"), "male");  // the cell rules
}

// Seed 111 s0022: a speck read as a faint "ae" between "Member ID:" and the id standing at
// the letter's value column; the id is the value, not the speck.
TEST(ExtractorLetter, AFaintSpeckBeforeAValueAtItsColumnIsNoValue) {
  PageResult page = MakePage({
      {523, {{147, "Member:"}, {606, "Andrew"}, {706, "Cook"}}},
      {563, {{148, "Member"}, {259, "ID:"}, {425, "ae"}, {606, "997267398"}}},
      {598, {{148, "Date"}, {210, "of"}, {250, "Birth:"}, {606, "1992-03-06"}}},
  });
  for (Word& w : page.text.words)
    if (w.text == "ae") w.confidence = 0.28f;
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "insurance.member_id"), "997267398");
  // Read surely, the word is the value (and no member id).
  for (Word& w : page.text.words) w.confidence = 0.9f;
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "insurance.member_id"), "<none>");
}

// Seed 109 s0038: a speck after the NPI label's colon read as a period ("NPI:."); the label
// still takes the value right of it, across a column's gap.
TEST(ExtractorLetter, ASpeckReadAsAPeriodAfterALabelsColon) {
  PageResult page = MakePage({
      {922, {{300, "Requesting"}, {450, "Provider:"}, {590, "Margaret"}, {720, "Cooper,"}, {830, "DO"}}},
      {971, {{203, "NPI:."}, {603, "\"1685125795"}}},
      {1050, Sentence(200, "This letter confirms that your request for psychiatric diagnostic evaluation has been approved.")},
  });
  // The number read faintly, at 0.16.
  for (Word& w : page.text.words)
    if (w.text == "\"1685125795") w.confidence = 0.16f;
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "referring.npi"), "1685125795");
}

// Seed 110 s0018: a stroke of the MBI read as a slash of its own after a letter; a slash
// between digits stays a date's.
TEST(ExtractorLetter, AMemberIdWithAStrokeReadAsASlash) {
  const auto letter = [](const std::string& id) {
    return MakePage({
        {200, Sentence(100, "Dear Dr. Adams,")},
        {240, Sentence(100, "I am referring my patient Samuel Bennett (DOB 07/01/1942) to your clinic.")},
        {280, Sentence(100, "He is covered by Medicare, member 1D " + id + " This is a routine referral.")},
    });
  };
  EXPECT_EQ(Str(Extract(DocType::kReferral, {letter("3Q67AF3PY/71.")}), "insurance.member_id"), "3Q67AF3PY71");
  EXPECT_EQ(Str(Extract(DocType::kReferral, {letter("03/04/2020.")}), "insurance.member_id"), "<none>");
}

// Seed 38 s0085: "member" read "inember" (its m as "in"), the Blue Cross prefix ZZB as "72B".
TEST(ExtractorLetter, AMemberLeadInWhoseMWasReadIn) {
  const PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Adams,")},
      {240, Sentence(100, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your clinic.")},
      {280, Sentence(100, "She is covered by Blue Cross Blue Shieid of Texas, inember ID 72B026016143, group 127814")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "ZZB026016143");
  // Seed 83 s0006: "member" read "weniber" on a clean normal-resolution page.
  const PageResult weniber = MakePage({
      {200, Sentence(100, "Dear Dr. Adams,")},
      {240, Sentence(100, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your clinic.")},
      {280, Sentence(100, "He is covered by Blue Cross Blue Shield of Texas, weniber ID KTG975619396, group B158664.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {weniber}), "insurance.member_id"), "KTG975619396");
  // Seed 96 s0015: "meinber iD" on a noisy page, its m read "in" after the e.
  const PageResult meinber = MakePage({
      {200, Sentence(100, "Dear Dr. Adams,")},
      {240, Sentence(100, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your clinic.")},
      {280, Sentence(100, "She is covered by Aetna, meinber iD W256519545, group 0263625. The authorization")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {meinber}), "insurance.member_id"), "W256519545");
}

TEST(ExtractorLetter, ABlueCrossMemberIdInRunningTextIsNotTurnedIntoAnMbi) {
  const PageResult page = MakePage({
      {200, Sentence(100, "Dear Dr. Smith,")},
      {280, Sentence(100, "She is covered by Blue Cross Blue Shield of Texas, member ID RSY926506659, group B682300. This")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "RSY926506659");
}

// Seed 84 s0006: the "Authorization #:" label read as specks ("Aneh ae"), its number read
// whole beside it; the complete referral was flagged missing it.
TEST(ExtractorLines, AnAuthorizationNumberWhoseLabelWasGarbledIsFoundByItsPayersPrefix) {
  const auto referral = [](const std::vector<std::pair<int, std::string>>& auth_row) {
    PageResult page = MakePage({
        {300, {{150, "Referral"}, {300, "Request"}}, 40},
        {400, {{174, "Patient"}, {270, "Name:"}, {614, "Ana"}, {680, "Ross"}}},
        {1410, {{173, "Priority:"}, {614, "STAT"}}},
        {1447, auth_row},
    });
    for (Word& w : page.text.words)
      if (w.text == "Aneh" || w.text == "ae") w.confidence = 0.0f;
    return Extract(DocType::kReferral, {page});
  };
  const Document d = referral({{175, "Aneh"}, {258, "ae"}, {614, "PA-0295-"}, {749, "329515"}});
  EXPECT_EQ(Str(d, "authorization.number"), "PA0295329515");
  EXPECT_TRUE(HasReason(d, "low_confidence:authorization.number"));
  // The priority STAT above it is no "state" label whose value is the number's "PA".
  EXPECT_EQ(Str(d, "patient.address.state"), "<none>");
  // A prefix no payer configured, or too few digits: no authorization number.
  EXPECT_EQ(Str(referral({{175, "Aneh"}, {258, "ae"}, {614, "QX-0295-"}, {749, "329515"}}), "authorization.number"),
            "<none>");
  EXPECT_EQ(Str(referral({{175, "Aneh"}, {258, "ae"}, {614, "PA-0295"}}), "authorization.number"), "<none>");
  // Two such numbers: neither.
  EXPECT_EQ(Str(referral({{175, "Aneh"}, {258, "ae"}, {614, "PA-0295-329515"}, {900, "UM12345678"}}),
                "authorization.number"),
            "<none>");
}

TEST(ExtractorLines, AnNpiLabelWhoseNWasReadAsW) {
  const PageResult page = MakePage({
      {300, {{150, "Referral"}, {300, "Request"}}, 40},
      {400, {{194, "Referring"}, {356, "Provider:"}, {516, "Dr."}, {580, "Walter"}, {694, "Patel"}}},
      {440, {{194, "WPI:"}, {274, "1616920518"}}},
  });
  // The number fails its check digit (0 read as 6): kept for a person, not missing.
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referring.npi"), "1616920518");
  EXPECT_TRUE(HasReason(d, "invalid:referring.npi"));
}

TEST(ExtractorBoxed, ASpeckBesideACellLabelIsNoValue) {
  // A 2 x 2 speck right of the NPI label was read as "j" and taken for the value; the NPI
  // below the label went unread.
  PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {715, {{176, "REFERRING"}, {315, "PROVIDER"}, {688, "NPI"}, {849, "j"}, {973, "PRACTICE"}}, 17},
      {755, {{181, "Dr."}, {223, "Melissa"}, {315, "Johnson"}, {696, "1581295365,"}, {978, "Valley"}, {1057, "Medical"}}},
  });
  for (Word& w : page.text.words)
    if (w.text == "j") w.box = Box{849, 715, 2, 2};
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referring.npi"), "1581295365");  // as read: 5 read as 9, for a person
}

TEST(ExtractorLines, ASmallDashBetweenCodeAndTitleIsKept) {
  // The label read as "{CD-10:"; the codes are found by their titles, after a dash whose box
  // is 4 x 2 pixels (no speck: punctuation is that small).
  PageResult page = MakePage({
      {300, {{150, "Referral"}, {300, "Request"}}, 40},
      {1091, {{168, "Specialty:"}, {311, "ORTHOPEDICS"}}, 19},
      {1123, {{168, "{CD-10:"}, {278, "M17.11"}, {376, "-"}, {391, "Unilateral"}, {513, "primary"},
              {610, "osteoarthritis,"}, {780, "right"}, {840, "knee"}}, 19},
      {1186, {{278, "F41.1"}, {355, "-"}, {371, "Generalized"}, {524, "anxiety"}, {616, "disorder"}}, 19},
  });
  for (Word& w : page.text.words)
    if (w.text == "-") w.box = Box{w.box.x, w.box.y + 10, 4, 2};
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "M17.11,F41.1");
}

TEST(ExtractorBoxed, AnNpiWithoutItsLabelUnderANameCellThatRanOverIt) {
  // The NPI label was lost; the provider name's cell then ran on over the NPI cell, and its
  // box covered the number, which is still no other field's value.
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {690, {{158, "REFERRING"}, {300, "PROVIDER"}, {982, "PRACTICE"}}, 17},
      {723, {{158, "Dr."}, {210, "Ronald"}, {310, "Chen"}, {691, "1470426382"}, {982, "Heritage"}, {1100, "Family"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referring.name"), "RONALD CHEN");
  EXPECT_EQ(Str(d, "referring.npi"), "1470426382");
}

TEST(ExtractorLetter, ReadsThroughOcrSlipsInTheNarrative) {
  const PageResult page = MakePage({
      {150, Sentence(150, "Valley Family Medicine"), 30},
      {300, Sentence(150, "January 24, 2026")},
      {360, Sentence(150, "Dr. Gregory Castillo")},
      {400, Sentence(150, "Prairie View Lung Center")},
      {480, Sentence(150, "Dear Dr. Castillo,")},
      {540, Sentence(150, "lam relerring my patient Maria Lopez (PGB 03/04/1956) to your Pulmonology clinic for")},
      {580, Sentence(150, "evaluation and treatment of cough. Her diagnoses include cough (R05 9), hypertension (110)")},
      {620, Sentence(150, "and asthma (345.909). She is covered by Medicare, member TO 1EG4TE5MK73 The authorization")},
      {660, Sentence(150, "number 1s REF6972551. This is urgent; please see her as soon as possible.")},
      {760, Sentence(150, "Bestyegards,")},
      {860, Sentence(150, "John A. Smith, MD")},
      {900, Sentence(150, "NPI 1234567893")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "LOPEZ");
  EXPECT_EQ(Str(d, "patient.given_name"), "MARIA");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1956-03-04");
  EXPECT_EQ(Str(d, "insurance.payer"), "MEDICARE");
  EXPECT_EQ(Str(d, "insurance.member_id"), "1EG4TE5MK73");
  EXPECT_EQ(Str(d, "authorization.number"), "REF6972551");
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "R05.9,I10,J45.909");
  EXPECT_EQ(Str(d, "referral.priority"), "urgent");
  EXPECT_EQ(Str(d, "referral.specialty"), "PULMONOLOGY");
  EXPECT_EQ(Str(d, "referring.name"), "JOHN SMITH");
  EXPECT_EQ(Str(d, "referring.npi"), "1234567893");
  EXPECT_EQ(Str(d, "referred_to.name"), "GREGORY CASTILLO");
  // Seed 100 s0071: "patient" read "palicnt", its e as c.
  const PageResult palicnt = MakePage({
      {480, Sentence(150, "Dear Dr. Taylor,")},
      {540, Sentence(150, "lam referring my palicnt Scott Flores-Evans (DOB July 30, 1953) to your Ophthalmology clinic")},
  });
  const Document e = Extract(DocType::kReferral, {palicnt});
  EXPECT_EQ(Str(e, "patient.family_name"), "FLORES-EVANS");
  EXPECT_EQ(Str(e, "patient.given_name"), "SCOTT");
}

// Seed 34 s0026: a letter naming its patient "LAST, FIRST", in the RE: line and in the
// referring sentence. Before, neither was read, the letter had no patient, and the card
// after it (the member id) was not tied to it: a false missing member id.
TEST(ExtractorLetter, APatientNamedLastCommaFirst) {
  for (const bool re_line : {true, false}) {
    std::vector<Printed> lines = {
        {150, Sentence(150, "BROOKHAVEN INTERNAL MEDICINE"), 30},
        {300, Sentence(150, "02/1 1/2026")},  // a gap read inside the date
        {360, Sentence(150, "Thomas Kowalski, DO")},
        {480, Sentence(150, "Dear Dr. Kowalski,")},
        {540, Sentence(150, "{am referring my patient GONZALEZ RIVERA, MATTHEW (DOB 11/20/1940) to your Pulmonology. clinic")},
    };
    if (re_line) lines.push_back({420, Sentence(150, "RE: GONZALEZ RIVERA, MATTHEW, DOB 11/20/1940")});
    else lines[4] = {540, Sentence(150, "I am referring my patient GONZALEZ RIVERA, MATTHEW to your Pulmonology clinic.")};
    const Document d = Extract(DocType::kReferral, {MakePage(lines)});
    EXPECT_EQ(Str(d, "patient.family_name"), "GONZALEZ RIVERA") << re_line;
    EXPECT_EQ(Str(d, "patient.given_name"), "MATTHEW") << re_line;
    if (re_line) {
      EXPECT_EQ(Str(d, "patient.birth_date"), "1940-11-20");
    }
    EXPECT_EQ(Str(d, "referral.date"), "2026-02-11");
    EXPECT_EQ(Str(d, "referred_to.name"), "THOMAS KOWALSKI");
    EXPECT_EQ(Str(d, "referral.specialty"), "PULMONOLOGY");  // "Pulmonology. clinic" too
  }
  // A name and the DOB after a comma stay apart.
  const PageResult page = MakePage({
      {420, Sentence(150, "RE: Maria Lopez, DOB 03/04/1956")},
      {480, Sentence(150, "Dear Dr. Kowalski,")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "LOPEZ");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1956-03-04");
}

// Seed 36 s0045, normal resolution with noise: every cue of a letter misread ("Dea Dr",
// "teferring"). Read as a form before, the letter gave no patient and no code.
TEST(ExtractorLetter, ALetterWhoseCuesNoiseGarbledIsStillALetter) {
  const PageResult page = MakePage({
      {150, Sentence(150, "Pine Ridge Internal Medicine"), 30},
      {300, Sentence(150, "January 27, 2026")},
      {340, Sentence(150, "Dr. Angela Patel")},
      {480, Sentence(150, "Dea Dr Patel,")},
      {540, Sentence(150, "Lani teferring my patient Frances Roberts-Gonzalez (DOB 17 Jun 1947) to veur Orthopedics")},
      {580, Sentence(150, "clinic for evaluation of left knee pain. Her diagnosis is unilateral primary")},
      {620, Sentence(150, "osteoarthritis, left knee (M17.12). This is STAT.")},
      {760, Sentence(150, "Ashley White, NP")},
      {800, Sentence(150, "NPI 2835872906")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "ROBERTS-GONZALEZ");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1947-06-17");
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "M17.12");
  EXPECT_EQ(Str(d, "referral.date"), "2026-01-27");
}

TEST(ExtractorLetter, MemberIdAfterAnIdReadAsDebris) {
  for (const char* garbled : {"11D", "JI)", "lD", "I.D.", "!D"}) {
    const PageResult page = MakePage({
        {150, Sentence(150, "Valley Family Medicine"), 30},
        {300, Sentence(150, "January 24, 2026")},
        {480, Sentence(150, "Dear Dr. Castillo,")},
        {540, Sentence(150, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your clinic.")},
        {580, Sentence(150, "She is covered by UnitedHealthcare, member " + std::string(garbled) + " 228616507, group 873039. Prior")},
        {620, Sentence(150, "authorization has been obtained.")},
    });
    const Document d = Extract(DocType::kReferral, {page});
    EXPECT_EQ(Str(d, "insurance.member_id"), "228616507") << garbled;
    EXPECT_EQ(Str(d, "insurance.group_number"), "873039") << garbled;
  }
}

TEST(ExtractorLines, DebrisBetweenALabelAndItsIdentifier) {
  for (const char* debris : {"~", "-", "|", "\xE2\x80\x93", "\xE2\x80\x94"}) {
    const PageResult page = MakePage({
        {200, Sentence(150, "Referral Request"), 36},
        // As read off a noisy page: a speck right after the label, the value far on.
        {300, {{166, "Insurance:"}, {526, debris}, {566, "TRICARE"}}},
        {340, {{165, "Subscriber"}, {320, "ID:"}, {404, debris}, {567, "98600702989"}}},
    });
    const Document d = Extract(DocType::kReferral, {page});
    EXPECT_EQ(Str(d, "insurance.member_id"), "98600702989") << debris;
    EXPECT_EQ(Str(d, "insurance.payer"), "TRICARE") << debris;
  }
}

TEST(ExtractorLetter, PatientWhoseTWasReadAsL) {
  const PageResult page = MakePage({
      {150, Sentence(150, "Lakeside Family Practice"), 30},
      {300, Sentence(150, "January 4, 2026")},
      {480, Sentence(150, "Dear Frances Perez,")},
      {540, Sentence(150, "1am referring my palient Andrew James (DOB 4/9/1971) lo your Physical Therapy clinic for")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "JAMES");
  EXPECT_EQ(Str(d, "patient.given_name"), "ANDREW");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1971-04-09");
}

TEST(ExtractorLetter, CodeInRunningTextNamedByTheConditionBeforeIt) {
  const PageResult page = MakePage({
      {150, Sentence(150, "Valley Family Medicine"), 30},
      {300, Sentence(150, "January 24, 2026")},
      {480, Sentence(150, "Dear Dr. Castillo,")},
      {540, Sentence(150, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your clinic.")},
      {580, Sentence(150, "Her diagnoses include psoriasis vulgaris (1.40.0) and hypothyroidism, unspecified (103.9). She")},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "L40.0,E03.9");
}

TEST(ExtractorLetter, CodeAfterATitleThatWrapsOntoItsRow) {
  // The condition is named over two rows; the code's I was read as a 1 and its dot lost.
  const PageResult page = MakePage({
      {300, Sentence(150, "January 24, 2026")},
      {480, Sentence(150, "Dear Dr. Castillo,")},
      {540, Sentence(150, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your clinic.")},
      {580, Sentence(150, "His diagnosis is atherosclerotic heart disease of native coronary artery")},
      {620, Sentence(150, "without angina pectoris (12510). Symptoms have persisted for most of the past")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referral.diagnosis_codes"), "I25.10");
  // Seed 80 s0076: a short title after the sentence's own words, on a clean page; the
  // complete referral was flagged missing its diagnosis code.
  const PageResult short_title = MakePage({
      {480, Sentence(150, "Dear Dr. Price,")},
      {540, Sentence(150, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your Cardiology clinic for")},
      {580, Sentence(150, "evaluation and treatment of leg swelling. She is a 34-year-old woman whom I have followed in our practice.")},
      {620, Sentence(150, "His diagnosis is heart failure, unspecified (1509). Symptoms have persisted for several")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {short_title}), "referral.diagnosis_codes"), "I50.9");
  // Seed 76 s0089: the longer title first; its last four words alone are E13.9's title.
  const PageResult longer = MakePage({
      {540, Sentence(150, "Assessment and plan:")},
      {580, Sentence(150, "2. Type 2 diabetes mellitus without complications (E\u00a311.9) - monitor.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kClinicalNote, {longer}), "referral.diagnosis_codes"), "E11.9");
  // Seed 83 s0073: the opening bracket lost, the I read as 1 and the 0 as 6.
  const PageResult lost_bracket = MakePage({
      {540, Sentence(150, "I am referring my patient Maria Lopez (DOB 03/04/1956) to your clinic.")},
      {580, Sentence(150, "Her diagnosis is atherosclerotic heart disease of native coronary artery")},
      {620, Sentence(150, "without angina pectori: 125.16). She has tried physical therapy.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {lost_bracket}), "referral.diagnosis_codes"), "I25.10");
  // Seed 87 s0089: a title holding bracketed words, the code's G read as 6, on a clean page.
  const PageResult bracketed_words = MakePage({
      {540, Sentence(150, "I am referring my patient Sarah Garza (DOB 03/04/1956) to your clinic.")},
      {580, Sentence(150, "Her diagnosis is obstructive sleep apnea (adult) (pediatric) (64733). Recent")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {bracketed_words}), "referral.diagnosis_codes"), "G47.33");
  // Seed 75 s0087: a birth date in brackets whose year was read "P96E" holds no code.
  const PageResult dob_year = MakePage({
      {540, Sentence(150, "I am referring my patient Sarah Garza (DOB 03 Oct P96E) to your Orthopedics clinic.")},
      {580, Sentence(150, "Her diagnosis is pain in right shoulder (M25.511). Symptoms have persisted.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {dob_year}), "referral.diagnosis_codes"), "M25.511");
}

TEST(ExtractorLetter, MemberIdWithAnIdLabelReadAsBracketsAndASpeckReadAsADot) {
  // "Subscriber ID:" read "Subscriber t(D:"; "member ID LJF804385465" read "member 1) 1.J1804385465".
  const PageResult subscriber = MakePage({
      {240, Sentence(100, "I am referring my patient Maria Lopez, DOB 03/04/1956, for evaluation.")},
      {280, Sentence(100, "Insurance: Blue Cross Blue Shield of Texas Subscriber t(D: ZHW736357296 . Group #: B357478")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {subscriber}), "insurance.member_id"), "ZHW736357296");
  const PageResult member = MakePage({
      {240, Sentence(100, "I am referring my patient Maria Lopez, DOB 03/04/1956, for evaluation.")},
      {280, Sentence(100, "She is covered by Blue Cross Blue Shield of Texas, member 1) 1.J1804385465, group B99110.")},
  });
  // Read wrong, but read: a value to check, not an item to chase as missing.
  const Document d = Extract(DocType::kReferral, {member});
  EXPECT_NE(Str(d, "insurance.member_id"), "<none>");
  EXPECT_EQ(Str(d, "insurance.member_id").substr(3), "804385465");
}

TEST(ExtractorBoxed, ABirthDateUnderLabelsNoiseGarbledIsNoReferralDate) {
  // "PATIENT NAME (LAST, FIRST)  DATE OF BIRTH  SEX" read as debris, "DATE" as "LATE".
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {300, {{120, "PATONT"}, {230, "NAMB"}, {300, "(1)"}, {360, "BERT)"}, {700, "LATE"}, {760, "Ooh"}, {1000, "bx"}}, 16},
      {330, {{126, "RAMIREZ."}, {250, "JOYCE"}, {330, "R"}, {706, "December"}, {830, "21."}, {880, "1943"}, {1006, "F"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "1943-12-21");
  auto it = d.fields.find("referral.date");
  if (it != d.fields.end()) {
    EXPECT_FALSE(it->second.valid);
    EXPECT_TRUE(HasReason(d, "invalid:referral.date"));
  }
}

// Seed 45 s0015: the DOB mark read "(NOB 91 Jun 1998)", 0 weighed 0.60 for the 9 ("Jun
// 1998" had been read as June 19, '98); the authorization lead-in joined to its number by
// dashes, its letters slipped, an underline speck after it.
TEST(ExtractorLetter, ABirthDayFromTheAlternativesAndAnAuthorizationLeadInJoinedByDashes) {
  PageResult page = MakePage({
      {200, Sentence(100, "Dear Colleague,")},
      {240, Sentence(100, "I am referring my patient Kimberly Kelly (NOB 91 Jun 1998) to your")},
      {280, Sentence(100, "Pulmonology clinic for evaluation of loud snoring.")},
      {320, Sentence(100, "She is covered by Cigna, member ID U77090281 03, group 3065825. Prior")},
      {360, Sentence(100, "authorization has been obtained, authortzation\xE2\x80\x94mmber-28A03446721894_ This")},
  });
  GiveGlyphs(WordWithText(page, "91"), 0, {{'O', 0.75f}, {'0', 0.60f}, {'@', 0.59f}});
  GiveGlyphs(WordWithText(page, "1998)"), 4, {{']', 0.0f}});
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "1998-06-01");
  EXPECT_LE(d.fields.at("patient.birth_date").confidence, 0.5);  // read from the alternatives
  EXPECT_EQ(Str(d, "authorization.number"), "28A03446721894");
}

// Seed 45 s0063: the DOB cell read "(20/2005", the referral date "1/20/2020" for 1/20/2026;
// the member id's 1 read T with 1 weighed 0.23 for it.
TEST(ExtractorLines, AnOldDateUnderADateLabelIsNoBirthDateAndAMemberIdDigitAsWeighed) {
  PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {280, {{150, "Date:"}, {260, "1/20/2020"}}},
      {320, {{150, "Patient"}, {270, "Name:"}, {420, "SCOTT,"}, {520, "PRIYA"}}},
      {360, {{150, "DOB:"}, {260, "(20/2005"}}},
      {440, {{150, "Insurance:"}, {300, "BLUE"}, {380, "CROSS"}, {470, "BLUE"}, {550, "SHIELD"}, {650, "OF"},
             {700, "TEXAS"}}},
      {480, {{150, "Member"}, {260, "1D:"}, {330, "XPCT89G02882"}}},
  });
  GiveGlyphs(WordWithText(page, "XPCT89G02882"), 3, {{'1', 0.23f}, {'P', 0.07f}});
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "<none>");
  EXPECT_EQ(Str(d, "referral.date"), "2020-01-20");
  EXPECT_EQ(Str(d, "insurance.member_id"), "XPC189602882");
  // An old date beside no date label is still taken for the birth date.
  PageResult unlabeled = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {320, {{150, "Patient"}, {270, "Name:"}, {420, "SCOTT,"}, {520, "PRIYA"}}},
      {360, {{150, "D0R"}, {260, "6/26/2005"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {unlabeled}), "patient.birth_date"), "2005-06-26");
}

TEST(ExtractorNote, CodesSplitByOcrAndBirthDateWithoutLabel) {
  const PageResult page = MakePage({
      {200, Sentence(150, "PROGRESS NOTE"), 36},
      {300, {{150, "Patient:"}, {300, "LOPEZ,"}, {420, "MARIA"}}},
      {340, {{150, "DGB"}, {230, "03/04/1956"}}},  // label unreadable
      {380, {{150, "Date"}, {230, "of"}, {270, "Service:"}, {420, "03/10/2026"}}},
      {500, Sentence(150, "ASSESSMENT/PLAN")},
      {540, Sentence(150, "1. Urinary tract infection (N39 0) - culture sent.")},
      {580, Sentence(150, "2. Polyneuropathy (G62,.9) - refer to Neurology. BP (120/80) stable.")},
  });
  const Document d = Extract(DocType::kClinicalNote, {page});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "N39.0,G62.9");
  EXPECT_EQ(Str(d, "patient.birth_date"), "1956-03-04");
}

// Seed 68 s0003: a referral letter's only code, R00.2, read "(RO0:2)." with its dot as a
// colon; unread, the complete referral was flagged missing its diagnosis code.
TEST(ExtractorLetter, ACodeWithItsDotReadAsAColon) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Dear Dr. Hill,")},
      {240, Sentence(150, "Her diagnosis is palpitations (RO0:2). Symptoms have persisted for several weeks.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referral.diagnosis_codes"), "R00.2");
}

// Seed 72 s0010: the same code printed without its dot, its zeros read as O: "(ROO2).". The
// complete referral had been flagged missing its diagnosis code.
TEST(ExtractorLetter, ACodeWithoutItsDotAndItsZerosReadAsO) {
  const auto codes = [](const std::string& word) {
    const PageResult page = MakePage({
        {200, Sentence(150, "Dear Dr. Hill,")},
        {240, Sentence(150, "Her diagnosis is palpitations " + word + " She has tried a change in medication.")},
    });
    return Str(Extract(DocType::kReferral, {page}), "referral.diagnosis_codes");
  };
  EXPECT_EQ(codes("(ROO2)."), "R00.2");
  EXPECT_EQ(codes("(R0O2)."), "R00.2");
  // Letters alone are no code.
  EXPECT_EQ(codes("(ROOM)."), "<none>");
}

// Seed 74 s0047: "(R07.9)." read "(RQ7.9).", the 0 with a speck on its tail; seed 73 s0009:
// "(K760)." read "(K 760).", a space after the letter. Both were complete referrals flagged
// missing their diagnosis code. A letter and digits outside brackets stay apart ("K 760 mg").
TEST(ExtractorLetter, ACodeWithItsZeroReadAsQOrItsLetterSetApart) {
  const auto codes = [](const std::string& sentence) {
    const PageResult page = MakePage({
        {200, Sentence(150, "Dear Dr. Hill,")},
        {240, Sentence(150, sentence)},
    });
    return Str(Extract(DocType::kReferral, {page}), "referral.diagnosis_codes");
  };
  EXPECT_EQ(codes("His diagnosis is chest pain, unspecified (RQ7.9). Symptoms have persisted."), "R07.9");
  // Seed 78 s0061: "(E03.9)" read "(E@3.9)".
  EXPECT_EQ(codes("2. Hypothyroidism, unspecified (E@3.9) - monitor."), "E03.9");
  EXPECT_EQ(codes("Her diagnosis is fatty (change of) liver, not elsewhere classified (K 760). She has tried"),
                  "K76.0");
  EXPECT_EQ(codes("Her potassium K 760 mg daily was stopped."), "<none>");
}

// Cover sheets as real ones print the page count: value right of the label (after a
// parenthetical or an "including ..." phrase), before it, or below it in its column.
TEST(ExtractorLines, DiagnosisCodesReadThroughSlipsAndCheckedAgainstTheCodeTable) {
  // A stray stroke read before "ICD-10"; the second code continues on the next row.
  Document d = Extract(DocType::kReferral, {MakePage({
                                               {200, Sentence(150, "REFERRAL FORM"), 36},
                                               {300, {{150, "IicD-10:"}, {300, "G40.909"}, {420, "-"}, {450, "Epilepsy,"}}},
                                               {340, Sentence(300, "F41.1 - Generalized anxiety disorder")},
                                           })});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "G40.909,F41.1");
  // J read as 3, a speck before E, E read as F (the title beside the code names E11.9).
  d = Extract(DocType::kReferral,
              {MakePage({
                  {200, Sentence(150, "REFERRAL FORM"), 36},
                  {420, {{150, "Diagnosis:"}, {300, "344.9"}, {400, "-"}, {430, "Chronic"}, {550, "obstructive"}, {720, "pulmonary"}, {870, "disease"}}},
                  {460, Sentence(300, "'E78.5 - Hyperlipidemia, unspecified")},
                  {500, Sentence(300, "F11.9 - Type 2 diabetes mellitus without complications")},
              })});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "J44.9,E78.5,E11.9");
  // Codes that read as no code, named by the title after them.
  d = Extract(DocType::kReferral,
              {MakePage({
                  {200, Sentence(150, "REFERRAL FORM"), 36},
                  {420, {{150, "Diagnosis:"}, {300, "1509"}, {400, "-"}, {430, "Heart"}, {550, "failure,"}, {720, "unspecified;"}, {870, "F411"}}},
                  {460, Sentence(300, "ii0 - Essential (primary) hypertension")},
                  {500, Sentence(300, "[11.9 - Type 2 diabetes mellitus without complications")},
              })});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "I50.9,F41.1,I10,E11.9");
}

TEST(ExtractorLines, NpiLabelWhoseIWasReadAsEOrT) {
  for (const char* label : {"NPE", "NPT"}) {
    Document d = Extract(DocType::kReferral, {MakePage({
                                                 {200, Sentence(150, "Referral Request"), 36},
                                                 {300, Sentence(150, "Referring Provider: Amanda D. Ward, MD")},
                                                 {340, {{150, label}, {260, "2136831387"}}},
                                             })});
    EXPECT_EQ(Str(d, "referring.npi"), "2136831387") << label;
  }
  // Seed 100 s0059, a letter's signature: its 1 and 7 read as letters, a word of their own.
  const Document letter = Extract(DocType::kReferral, {MakePage({
                                                     {200, Sentence(150, "Dear Colleague,")},
                                                     {260, Sentence(150, "Thank you for seeing him.")},
                                                     {330, Sentence(150, "Ahmed Chen, MD")},
                                                     {365, Sentence(150, "NPE LT 86285894")},
                                                 })});
  EXPECT_EQ(Str(letter, "referring.npi"), "1786285894");
  // The label alone does not make a number an NPI: the check digit must hold.
  Document d = Extract(DocType::kReferral, {MakePage({
                                               {200, Sentence(150, "Referral Request"), 36},
                                               {340, {{150, "NPE"}, {260, "2136831388"}}},
                                           })});
  EXPECT_FALSE(d.fields.count("referring.npi") && d.fields.at("referring.npi").valid);
}

TEST(ExtractorCard, MemberNameAfterAColonReadAsAPeriod) {
  // Seed 28 s0087 at normal resolution: "Member:" read "Member." The card named no patient
  // and its member id was lost to the referral it came with.
  const PageResult page = MakePage({
      {300, Sentence(414, "Molina Healthcare")},
      {440, Sentence(413, "Member. YESENIA M TURNER-HARRIS")},
      {490, Sentence(413, "ID; 152387139")},
  });
  const Document d = Extract(DocType::kInsuranceCard, {page});
  EXPECT_EQ(Str(d, "patient.family_name"), "TURNER-HARRIS");
  EXPECT_EQ(Str(d, "patient.given_name"), "YESENIA");
  EXPECT_EQ(Str(d, "insurance.member_id"), "152387139");
  // A heading in capitals with a speck after its first word is no label and value.
  for (const char* heading : {"INSURANCE. INFORMATION", "INSURANCT. INCFORMA TON"}) {
    SCOPED_TRACE(heading);
    const Document form = Extract(DocType::kReferral, {MakePage({{430, Sentence(175, heading)}})});
    EXPECT_EQ(Str(form, "insurance.payer"), "<none>");
  }
}

TEST(ExtractorBoxed, AuthorizationLabelWhoseHashWasReadAsALetter) {
  // Seed 28 s0089, faint small capitals: "AUTHORIZATION #" read "AUTEIORIZATLON i", its
  // value in the cell below, on the row of the priority boxes.
  const PageResult page = MakePage({
      {1065, {{118, "PRIORIVY"}, {1044, "AUTEIORIZATLON"}, {1250, "i"}}, 16},
      {1095, {{124, "[X]"}, {174, "Routine"}, {291, "[J"}, {327, "Urgent"}, {466, "STAT"}, {1051, "A373979164"}}},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "authorization.number"), "A373979164");
  // Seed 29 s0077: "PRTORTTY AUTHORTZATTON ft", the '#' read as two letters one glyph wide.
  PageResult ft = MakePage({
      {1150, {{135, "PRTORTTY"}, {1023, "AUTHORTZATTON"}, {1225, "ft"}}, 16},
      {1180, {{208, "Routine"}, {380, "[X]"}, {443, "Urgent"}, {660, "STAT"}, {1029, "A596323204"}}},
  });
  ft.text.words[2].box.w = 11;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {ft}), "authorization.number"), "A596323204");
}

// Seed 37 s0091: the CITY cell label read "[erty", two edits from "cert" (an authorization
// label), took the city for an invalid authorization number, hiding the one left blank.
TEST(ExtractorBoxed, ACellLabelIsNoHashLabelWhoseHashWasNotRead) {
  const PageResult page = MakePage({
      {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
      {409, {{149, "ADDRESS"}, {808, "[erty"}, {1152, "STATE."}, {1323, "zip"}}, 19},
      {443, {{156, "6932"}, {237, "Meadowbrook"}, {446, "Blvd"}, {814, "Phoenix"}, {1157, "AZ"}, {1328, "85031"}}, 24},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "authorization.number"), "<none>");
  EXPECT_EQ(Str(d, "patient.address.state"), "AZ");
}

// Seed 37 s0012: "MRN:" read "MRA:", one edit from MRN as spelled (canonical "mm", the "rn"
// read as m, is two edits away). Seed 37 s0005: "FAX" read "PAK" beside "PHONE" in a row of
// cell labels is a cell label still: neither PHONE's value nor an authorization label.
TEST(ExtractorBoxed, LooseCellLabelsAsSpelledAndUnknownOnesStopValues) {
  const PageResult lab = MakePage({
      {133, Sentence(1344, "LAB. REPORT"), 39},
      {235, {{196, "Patient:"}, {519, "CRUZ-SMITH,"}, {714, "NICHOLAS"}}, 21},
      {305, {{195, "Sex:"}, {519, "M"}}, 20},
      {339, {{195, "MRA:"}, {519, "M3112880"}}, 19},
  });
  EXPECT_EQ(Str(Extract(DocType::kLabResult, {lab}), "patient.mrn"), "M3112880");
  const PageResult form = MakePage({
      {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
      {680, {{129, "REFERRING"}, {300, "PROVIDER"}}, 18},
      {717, {{129, "PHONE"}, {857, "PAK"}}, 15},
      {744, {{136, "(214)"}, {229, "555-0172"}, {864, "(214)"}, {957, "555-0141"}}, 26},
  });
  const Document d = Extract(DocType::kReferral, {form});
  EXPECT_EQ(Str(d, "referring.phone"), "+12145550172");
  EXPECT_EQ(Str(d, "authorization.number"), "<none>");
}

// Seed 77 s0006, normal resolution: the "MEMBER ID" cell label read "MFMRPFR ITD", its E's
// bottom bars lost (E as F); the id under it was not read and the referral flagged.
TEST(ExtractorBoxed, ACellLabelWhoseEsReadF) {
  const PageResult form = MakePage({
      {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
      {522, {{165, "INSURANCE"}, {330, "INFORMAIION"}}, 14},
      {558, {{163, "INSURANCE"}, {783, "MFMRPFR"}, {881, "ITD"}, {1270, "GROUP"}, {1353, "#"}}, 14},
      {590, {{168, "UnitedHealthcare"}, {789, "609907536"}, {1277, "125419"}}, 22},
  });
  const Document d = Extract(DocType::kReferral, {form});
  EXPECT_EQ(Str(d, "insurance.member_id"), "609907536");
  EXPECT_EQ(Str(d, "insurance.group_number"), "125419");
}

// Seed 114 s0044, normal resolution: the "MEMBER ID" cell label read "MLMLLR IL?", its E's
// and its D's bars lost (E as L), too far from MEMBER ID as printed for a loose match.
TEST(ExtractorBoxed, ACellLabelWhoseEsReadL) {
  const auto member_id = [](const std::string& label) {
    const PageResult form = MakePage({
        {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
        {492, {{163, "INSURANCE"}, {306, "INFORMATION"}}, 16},
        {530, {{160, "INSURANGL"}, {769, label}, {867, "IL?"}, {1247, "GROUP"}, {1328, "&"}}, 14},
        {558, {{168, "UnitedHealthcare"}, {774, "813450321"}, {1250, "125419"}}, 18},
    });
    return Str(Extract(DocType::kReferral, {form}), "insurance.member_id");
  };
  EXPECT_EQ(member_id("MLMLLR"), "813450321");
  // A name in capitals is no faded label: "MILLER" is two letters from it as faded too.
  EXPECT_EQ(member_id("MILLER"), "<none>");
  // A label near as read is read so: "ciITy" (seed 115 s0084) is CITY, though faded it is
  // as near to CELL.
  const PageResult address = MakePage({
      {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
      {438, {{129, "ADDRESS"}, {816, "ciITy"}, {1175, "STATE"}, {1353, "ZIP"}}, 16},
      {470, {{137, "1247"}, {228, "Bellaire"}, {357, "Circle"}, {823, "Phoenix"}, {1178, "AZ"}, {1359, "85037-7325"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {address}), "patient.address.city"), "PHOENIX");
}

// Seed 37 s0091: a second referral's "MEMBER ID" cell label read "ME MiSF He Ha": the one
// identifier on the form in its payer's shape opening with a fixed letter is the member id;
// a payer whose ids are digits alone reads nothing so.
TEST(ExtractorBoxed, AMemberIdUnderALostLabelInItsPayersLetterShape) {
  auto form = [](const std::string& payer, const std::string& id) {
    return MakePage({
        {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
        {300, {{141, "INSURANCE"}, {315, "INFORMATION"}}, 21},
        {340, {{141, "INSURANCE"}, {700, "ME"}, {760, "MiSF"}, {850, "He"}, {900, "Ha"}, {1300, "GROW"}, {1400, "a"}}, 16},
        {370, {{146, payer}, {706, id}, {1306, "0833368"}}, 24},
        {420, {{141, "NPI:"}, {300, "1234567893"}}, 22},
    });
  };
  EXPECT_EQ(Str(Extract(DocType::kReferral, {form("Aetna", "W068836971")}), "insurance.member_id"), "W068836971");
  EXPECT_EQ(Str(Extract(DocType::kReferral, {form("UnitedHealthcare", "068836971")}), "insurance.member_id"), "<none>");
  // Blue Cross's three letters before nine digits are no other number's shape either; here
  // printed as two words (seed 96 s0056, its MEMBER ID cell label never read).
  EXPECT_EQ(Str(Extract(DocType::kReferral, {form("Blue Cross Blue Shield of Texas", "RMV 757456355")}),
                "insurance.member_id"),
            "RMV757456355");
}

// Seed 50 s0070: the cell label "MEMBER ID" printed with a column's gap between its words;
// "MEMBER" alone had taken the id for a member's name and "ID" had none.
TEST(ExtractorBoxed, ACellLabelInCapitalsWithAGapBetweenItsWords) {
  const PageResult page = MakePage({
      {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
      {300, {{126, "INSURANCE"}, {260, "INFORMATION"}}, 21},
      {485, {{126, "INSURANCE"}, {754, "MEMBER"}, {866, "ID"}, {1247, "GROUP"}, {1324, "#"}}, 15},
      {517, {{132, "Kaiser"}, {224, "Permanente"}, {759, "02837941"}, {1253, "03944-77"}}, 22},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "02837941");
  EXPECT_EQ(Str(d, "insurance.group_number"), "0394477");
}

// Seed 39 s0071: "D50.9 - Iron deficiency anemia, unspecified" read "19509 -.Iron ...", the
// dash glued to the title by a speck.
TEST(ExtractorBoxed, ACodeWhoseDashIsGluedToItsTitle) {
  const PageResult page = MakePage({
      {100, Sentence(1061, "OUTPATIENT REFERRAL"), 32},
      {900, Sentence(150, "DIAGNOSIS (1C.D-10)"), 16},
      {930, Sentence(150, "19509 -.Iron deficiency anemia, unspecified"), 24},
  });
  const Document d = Extract(DocType::kReferral, {page});
  ASSERT_TRUE(d.fields.count("referral.diagnosis_codes"));
  EXPECT_EQ(std::get<std::vector<std::string>>(d.fields.at("referral.diagnosis_codes").value),
            std::vector<std::string>{"D50.9"});
}

TEST(ExtractorCover, PageCountAsRealCoverSheetsPrintIt) {
  struct Case {
    std::vector<Printed> lines;
    const char* want;
  };
  const std::vector<Case> cases = {
      {{{400, Sentence(150, "NUMBER OF PAGES INCLUDING COVER SHEET: 3")}}, "3"},
      {{{400, Sentence(150, "PAGES (Including Cover Sheet): 2 HARD COPY TO FOLLOW:")}}, "2"},
      {{{400, Sentence(150, "Fax Number: (910) 335-707 Pages (Including cover page): 3")}}, "3"},
      {{{400, Sentence(150, "TOTAL NUMBER OF PAGES INCLUDING THIS COVER SHEET - 6")}}, "6"},
      {{{400, Sentence(150, "Pages transmitted including cover sheet 3")}}, "3"},
      {{{400, Sentence(150, "PAGES (Including Cover Sheet): _12_")}}, "12"},
      {{{400, Sentence(150, "No. of Pages 37 (including this page)")}}, "37"},
      {{{400, Sentence(150, "Re: Legal Pages: 4")}}, "4"},
      {{{400, Sentence(150, "4_ Pages (Including Cover)")}}, "4"},
      {{{400, Sentence(150, "# Pages: 3 (including this cover page)")}}, "3"},
      {{{400, Sentence(150, "Total pages incl. cover: 5")}}, "5"},
      // Below the label, in its column; the date under the next column is not it.
      {{{400, {{150, "Date"}, {700, "Number"}, {800, "of"}, {850, "Pages"}, {950, "(this"}, {1030, "page"},
               {1100, "included)"}}},
        {440, {{150, "November"}, {290, "12,"}, {350, "1999"}, {760, "6"}}}},
       "6"},
      // Document pagination is no count.
      {{{400, Sentence(150, "Page 1 of 3 Pages")}}, "<none>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.lines.front().words.front().second);
    const Document d = Extract(DocType::kFaxCover, {MakePage(c.lines)});
    EXPECT_EQ(Str(d, "fax_cover.page_count"), c.want);
  }
}


// Seed 33 s0021: an authorization letter prints the code's title without a dash; the code
// read "1.03.9" is the E03.9 its title names.
TEST(ExtractorPriorAuth, ACodeMisreadWithItsTitleAfterItWithoutADash) {
  const PageResult page = MakePage({
      {300, Sentence(150, "Notice of Authorization Determination"), 30},
      {580, Sentence(150, "Member: Martinez, Eric b.")},
      {640, Sentence(150, "Date of Birth: 07-27-1938")},
      {700, Sentence(150, "Diagnosis: . 1.03.9 Hypothyroidism, unspecitied")},
      {740, Sentence(150, "Requesting Provider: Barbara Morris, NP")},
  });
  const Document d = Extract(DocType::kPriorAuthorization, {page});
  EXPECT_EQ(Str(d, "referral.diagnosis_codes"), "E03.9");
}

// Seed 36 s0030, normal resolution: the boxed form's "AUTHORIZATION #" read "AU
// LHOIRIZALION i", the '#' an i as tall as two of the label's letters with a speck.
TEST(ExtractorBoxed, AnAuthorizationCellLabelWhoseHashWasReadTallAsAnI) {
  PageResult page = MakePage({
      {200, Sentence(500, "REFERRAL FORM"), 36},
      {980, {{141, "DIAGNOSIS"}, {300, "(ICD-10)"}}, 14},
      {1010, {{147, "R51.9"}, {240, "-"}, {260, "Headache,"}, {400, "unspecified;"}, {560, "110"}}, 20},
      {1144, {{141, "PRIORY"}, {1073, "AU"}, {1096, "LHOIRIZALION"}, {1245, "i"}}, 12},
      {1174, {{147, "[X]"}, {196, "Routine"}, {319, "[]"}, {356, "Urgent"}, {464, "[]"}, {500, "STAT"}, {1080, "UM98236682"}}, 20},
      {1228, {{141, "DATE"}, {592, "PROVIDER"}, {707, "SIGNATURE"}}, 14},
      {1260, {{148, "12/14/2025"}}, 20},
  });
  WordWithText(page, "AU").box = Box{1073, 1144, 18, 12};
  WordWithText(page, "LHOIRIZALION").box = Box{1096, 1144, 162, 12};
  WordWithText(page, "i").box = Box{1245, 1140, 16, 23};
  WordWithText(page, "PRIORY").box = Box{141, 1144, 95, 12};
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "authorization.number"), "UM98236682");
}

// Seed 53 s0089: a boxed form's "MEMBER ID" cell label read "MEMBER   iD", a column's gap
// between its words; the payer below INSURANCE read "Medicaid" with two specks after it.
TEST(ExtractorBoxed, ACellLabelInCapitalsWithItsIReadLowerCaseAndSpecksAfterThePayer) {
  PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {487, {{136, "INSURANCE"}, {759, "MEMBER"}, {861, "iD"}, {1247, "GROUP"}}, 14},
      {516, {{143, "Medicaid"}, {333, ":"}, {409, ":"}, {763, "880939274"}}, 21},
  });
  for (Word& w : page.text.words)
    if (w.text == ":") {
      w.box.w = 2;
      w.box.h = 3;
      w.confidence = 0.56f;
    }
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.member_id"), "880939274");
  EXPECT_EQ(Str(d, "insurance.payer"), "MEDICAID");
  // A colon of a colon's height after the payer's name makes it a label: "Medicaid:"
  // is a Medicaid number's label, and the number its value.
  PageResult colon = page;
  for (Word& w : colon.text.words)
    if (w.text == ":") w.box.h = 12;
  EXPECT_NE(Str(Extract(DocType::kReferral, {colon}), "insurance.payer"), "MEDICAID");
}

// Seed 54 s0025: "Authorization Number:" read "Authorization Numbe rt", the end of its
// last word read faintly apart, the number a column further right.
TEST(ExtractorLines, ALabelWhoseLastLettersWereReadFaintlyApart) {
  PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "LEE,"}, {500, "ANN"}}},
      {1339, {{144, "Authorization"}, {332, "Numbe"}, {408, "rt"}, {575, "A249712894"}}, 20},
  });
  Word& rest = WordWithText(page, "rt");
  rest.confidence = 0.07f;
  rest.box.w = 16;
  rest.box.h = 15;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "A249712894");
  // Read with confidence, the word is print of its own, not the label's end.
  WordWithText(page, "rt").confidence = 0.9f;
  EXPECT_NE(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "A249712894");
}

// Seed 54 s0073: "AUTHORIZATION #" in a row of labels, its '#' read "wt" a wide gap after
// it; the number is below.
TEST(ExtractorLines, AnAuthorizationHashReadAsLettersAWideGapAfterTheLabel) {
  PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "LEE,"}, {500, "ANN"}}},
      {665, {{128, "PRIORITY"}, {1068, "AUTHORIZATION"}, {1261, "wt"}}, 18},
      {699, {{179, "Routine"}, {325, "[X]"}, {382, "Urgent"}, {560, "STAT"}, {1076, "UM04707275"}}, 24},
  });
  Word& hash = WordWithText(page, "wt");
  hash.confidence = 0.14f;
  hash.box = Box{1261, 666, 16, 30};
  WordWithText(page, "AUTHORIZATION").box.w = 150;
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "authorization.number"), "UM04707275");
}

// Seed 87 s0020: "AUTHORIZATION #" read "AUTHORIZATION #f" on a clean page, a speck after
// the '#'; the complete referral was flagged missing its number.
TEST(ExtractorLines, AnAuthorizationHashWithASpeckReadAsASmallLetter) {
  const auto read = [](const std::string& hash) {
    const PageResult page = MakePage({
        {200, Sentence(150, "Referral Request"), 36},
        {300, {{150, "Patient"}, {270, "Name:"}, {420, "LEE,"}, {500, "ANN"}}},
        {1171, {{156, "PRIORITY"}, {1068, "AUTHORIZATION"}, {1270, hash}}, 17},
        {1205, {{163, "[X]"}, {220, "Routine"}, {382, "Urgent"}, {560, "STAT"}, {1076, "1250531584"}}, 24},
    });
    return Str(Extract(DocType::kReferral, {page}), "authorization.number");
  };
  EXPECT_EQ(read("#f"), "1250531584");
  EXPECT_EQ(read("#"), "1250531584");
}

// Seed 53 s0008: a Blue Cross id read "X£(G743180897", the Z as a pound sign the engine
// also weighed as Z, on a form whose payer was read with its E's as R's.
TEST(ExtractorLines, AMemberIdLetterReadOutsideAsciiIsTheLetterTheEngineWeighed) {
  PageResult page = MakePage({
      {200, Sentence(150, "Referral Request"), 36},
      {300, {{150, "Patient"}, {270, "Name:"}, {420, "MILLER,"}, {540, "THOMAS"}}},
      {340, {{150, "Insurance:"}, {300, "BLUR"}, {380, "CROSS"}, {470, "BLUR"}, {550, "SHIRLD"}, {650, "OF"},
             {700, "TRXAS"}}},
      {380, {{150, "Member"}, {260, "ID:"}, {330, "X\u00a3(G743180897"}}},
  });
  Word& id = WordWithText(page, "X\u00a3(G743180897");
  for (size_t i = 0; i < id.text.size(); ++i) {
    if (i == 1) {
      id.glyphs.push_back({"\u00a3", {{'Z', 0.62f}, {'4', 0.57f}, {'L', 0.44f}}});
      ++i;  // the pound sign's second byte
      continue;
    }
    id.glyphs.push_back({std::string(1, id.text[i]), {{id.text[i], 0.9f}}});
  }
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "BLUE CROSS BLUE SHIELD OF TEXAS");
  EXPECT_EQ(Str(d, "insurance.member_id"), "XZG743180897");
  // Without the engine's glyphs the pound sign is no letter: the id stays short.
  for (Word& w : page.text.words) w.glyphs.clear();
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "insurance.member_id"), "XG743180897");
}

// Seed 54 s0048: a lab report whose DOB was unreadable; the reference range "3.4-10.8" is
// no birth date.
TEST(ExtractorLab, AReferenceRangeIsNoBirthDate) {
  const PageResult page = MakePage({
      {130, Sentence(185, "LABORATORY REPORT"), 30},
      {217, {{184, "Patient:"}, {300, "CARTER,"}, {420, "AMY"}}},
      {249, {{184, "DOB:"}, {260, "7AVIIGL"}, {400, "Age:"}, {470, "64"}}},
      {377, {{185, "Collected:"}, {330, "2/5/2026"}}},
      {570, {{213, "WBC"}, {665, "96"}, {991, "x10E3/uL"}, {1230, "3.4-10.8"}}},
  });
  const Document d = Extract(DocType::kLabResult, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "<none>");
  // A date printed whole in the same place is still read as the patient's.
  PageResult dated = page;
  WordWithText(dated, "3.4-10.8").text = "3.4.1960";
  EXPECT_EQ(Str(Extract(DocType::kLabResult, {dated}), "patient.birth_date"), "1960-03-04");
}

// Seed 53 s0026: "Date of Birth: 07/14/1906", the engine weighing 6 for the year's 0 at
// 0.67: a patient of 120 is a misread year.
TEST(ExtractorLetter, ABirthYearOfAPatientOverAHundredAndFiveTakesTheYearTheEngineWeighed) {
  PageResult page = MakePage({
      {200, Sentence(150, "Request for Medical Records"), 36},
      {300, {{150, "Patient:"}, {290, "ANA"}, {360, "OKAFOR"}}},
      {340, {{150, "Date"}, {220, "of"}, {260, "Birth:"}, {360, "07/14/1906"}}},
  });
  const Document as_read = Extract(DocType::kRecordsRequest, {page});
  EXPECT_EQ(Str(as_read, "patient.birth_date"), "1906-07-14");
  GiveGlyphs(WordWithText(page, "07/14/1906"), 8, {{'6', 0.67f}, {'O', 0.46f}});
  const Document d = Extract(DocType::kRecordsRequest, {page});
  EXPECT_EQ(Str(d, "patient.birth_date"), "1966-07-14");
  EXPECT_LE(d.fields.at("patient.birth_date").confidence, 0.5);
  // An alternative weighed faintly is no reading of it.
  GiveGlyphs(WordWithText(page, "07/14/1906"), 8, {{'6', 0.2f}});
  EXPECT_EQ(Str(Extract(DocType::kRecordsRequest, {page}), "patient.birth_date"), "1906-07-14");
}

// Seed 55 s0016: the heading "INSURANCE INFORMATION" read "INSURANCE: INFORMATION"; the
// payer is the INSURANCE cell's value below it, not the heading's last word.
TEST(ExtractorBoxed, AHeadingReadWithAColonNamesNoPayer) {
  const PageResult page = MakePage({
      {200, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
      {517, {{128, "INSURANCE:"}, {277, "INFORMATION"}}, 18},
      {553, {{125, "INSURANCE"}, {731, "MEMBER"}, {839, "ID"}, {1205, "GROUP"}}, 19},
      {585, {{130, "Aetna"}, {735, "W015850510"}, {1211, "0728971"}}, 22},
  });
  const Document d = Extract(DocType::kReferral, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "AETNA");
  EXPECT_EQ(Str(d, "insurance.member_id"), "W015850510");
}

// Seed 56 s0017: Humana's H87192791 read "187192791" on its letter, the engine weighing H
// first for the 1 at 0.91. Without that weighing a leading 1 may be a digit.
TEST(ExtractorPriorAuth, APayersLeadingLetterReadAsADigitTheEngineWeighedItFor) {
  PageResult page = MakePage({
      {109, {{143, "Humana"}, {400, "Utilization"}, {600, "Management"}}, 41},
      {590, {{122, "Member:"}, {260, "MORRIS,"}, {380, "MELISSA"}}},
      {618, {{141, "Member"}, {250, "ID:"}, {330, "187192791"}}},
  });
  EXPECT_EQ(Str(Extract(DocType::kPriorAuthorization, {page}), "insurance.member_id"), "187192791");
  GiveGlyphs(WordWithText(page, "187192791"), 0, {{'H', 0.91f}, {'1', 0.46f}});
  const Document d = Extract(DocType::kPriorAuthorization, {page});
  EXPECT_EQ(Str(d, "insurance.payer"), "HUMANA");
  EXPECT_EQ(Str(d, "insurance.member_id"), "H87192791");
}

// Seed 89 s0091: Humana's H03229425 read "1103229425" at 0.94 on a clean referral, the H as
// two strokes in the id and in the payer ("TIUMANA"), with no H weighed.
TEST(ExtractorLines, AnHReadAsTwoStrokesInAHumanaIdAndItsName) {
  const auto read = [](const std::string& id) {
    const PageResult page = MakePage({
        {300, {{150, "Referral"}, {300, "Request"}}, 40},
        {400, {{150, "Insurance:"}, {300, "TIUMANA"}}},
        {440, {{150, "Member"}, {270, "ID:"}, {340, id}}},
    });
    const Document d = Extract(DocType::kReferral, {page});
    return Str(d, "insurance.payer") + " " + Str(d, "insurance.member_id");
  };
  EXPECT_EQ(read("1103229425"), "HUMANA H03229425");
  EXPECT_EQ(read("110322942"), "HUMANA 110322942");  // H and seven digits: out of shape either way
}

// Seed 57 s0015: a letter's code with its zeros read as O's, "palpitations (ROO.2).".
TEST(ExtractorLetter, ACodeWithItsZerosReadAsOs) {
  const PageResult page = MakePage({
      {200, Sentence(150, "Dear Dr. Lee,"), 24},
      {300, Sentence(150, "I am referring Ana Cruz for evaluation.")},
      {340, Sentence(150, "His diagnosis is palpitations (ROO.2). Symptoms have persisted for weeks.")},
  });
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page}), "referral.diagnosis_codes"), "R00.2");
}

// Seed 57 s0018: the DATE cell over the provider's signature read "Dad", loosely the DOB
// label, over the referral's date; the DATE OF BIRTH cell was read "DATE CHE BIRELE". A
// date of the last two years under a loosely read label is no birth date.
TEST(ExtractorBoxed, ALooselyReadDobCellLabelOverARecentDateGivesNoBirthDate) {
  auto page_with = [](const std::string& date) {
    PageResult page = MakePage({
        {100, {{500, "REFERRAL"}, {680, "FORM"}}, 40},
        {1183, {{152, "Dad"}, {424, ","}, {589, "PROVIDE"}, {704, "SIGNATURE"}}, 15},
        {1212, {{158, date}, {680, "O"}}, 21},
    });
    WordWithText(page, "O").box = Box{680, 1208, 48, 64};
    WordWithText(page, "PROVIDE").box.w = 83;
    return page;
  };
  const Document d = Extract(DocType::kReferral, {page_with("12-20-2025")});
  EXPECT_EQ(Str(d, "patient.birth_date"), "<none>");
  // An old date under the same label is the patient's.
  EXPECT_EQ(Str(Extract(DocType::kReferral, {page_with("12-20-1951")}), "patient.birth_date"), "1951-12-20");
}

}  // namespace
}  // namespace faxintake::extract
