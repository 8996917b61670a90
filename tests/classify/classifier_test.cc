#include "classify/classifier.h"

#include <gtest/gtest.h>


#include "tests/support/test_support.h"

namespace faxintake::classify {
namespace {

PageResult MakePage(int number, const std::vector<std::string>& lines) { return testing::PageOfLines(lines, number); }

// `page`'s lines 300 px apart, down the whole page: the same text, no longer compact.
PageResult SpreadDownThePage(PageResult page) {
  for (size_t i = 0; i < page.text.lines.size(); ++i) page.text.lines[i].box.y = 100 + static_cast<int>(i) * 300;
  return page;
}

std::unique_ptr<Classifier> DefaultClassifier() {
  auto c = Classifier::FromFile((testing::SourceDir() / "config/doctypes.yaml").string(), ClassifierOptions{});
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
  return c ? std::move(*c) : nullptr;
}

TEST(Classifier, TypesPagesByTitlesAndPhrases) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  struct Case {
    std::vector<std::string> lines;
    DocType expected;
  } cases[] = {
      {{"FAX", "To: Dr. Smith", "Pages (including cover): 4", "CONFIDENTIALITY NOTICE"}, DocType::kFaxCover},
      {{"REFERRAL FORM", "Patient Name: LOPEZ, MARIA", "Reason for Referral: knee pain", "Referring Provider: John Smith"},
       DocType::kReferral},
      {{"PRIOR AUTHORIZATION DETERMINATION", "Authorization Number: A123", "has been approved"},
       DocType::kPriorAuthorization},
      {{"PROGRESS NOTE", "Chief Complaint: cough", "History of Present Illness", "Assessment and Plan"},
       DocType::kClinicalNote},
      {{"CONSULTATION REPORT", "Thank you for the referral of this patient", "Impression", "Recommendations"},
       DocType::kConsultNote},
      {{"LABORATORY REPORT", "Specimen: blood  Collected: 03/01/2026", "Test Result Flag Units Reference Range"},
       DocType::kLabResult},
      {{"BLUE CROSS", "Member ID XYZ123", "RxBIN 004336 RxPCN ADV", "Copay $20"}, DocType::kInsuranceCard},
      {{"REQUEST FOR MEDICAL RECORDS", "Please send the following medical records", "HIPAA"},
       DocType::kRecordsRequest},
      {{"Lower your rates today", "special offer, call now", "to remove your number"}, DocType::kOther},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.lines.front());
    PageClass pc = c->ClassifyPage(MakePage(1, tc.lines));
    EXPECT_EQ(DocTypeName(pc.type), std::string(DocTypeName(tc.expected)));
    EXPECT_GT(pc.confidence, 0.5);
  }
}

// Seed 108 s0100: a referral letter read from a noisy fax, its cues each one letter off
// ("relerring my paticnt", "lor evaluation"), beside the payer's "authorization number" it
// quotes. Read as printed only, the prior authorization's phrases won.
TEST(Classifier, PhrasesReadOneLetterOffStillCount) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  const std::vector<std::string> letter = {
      "Tear Tr. Adams,",
      "Tam relerring my paticnt PEREZ MORALES, JENNIFER to your Nephrology clinic lor evaluation and treatment of",
      "She is covered hy Medicare, member IT) GAXSJGG6CT9S. Prior authorization has been obtained, authorization",
      "number 69A 42429284905, This is a routine referral.",
      "Si cerely,"};
  EXPECT_EQ(DocTypeName(c->ClassifyPage(MakePage(1, letter)).type), std::string("referral"));
  // A short word one letter off is another word ("my" is no "by"), and two slips in one
  // word are no slip.
  const std::vector<std::string> other = {"Tam relerrimg by paticnt PEREZ MORALES", "Prior authorization has been obtained"};
  EXPECT_NE(DocTypeName(c->ClassifyPage(MakePage(1, other)).type), std::string("referral"));
}

TEST(Classifier, IgnoresTheSendingMachineHeaderLine) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  PageResult p = MakePage(1, {"MAR 03 2026 10:42AM FROM: REFERRAL CENTER FAX 5125550142 P.001/003"});
  p.text.lines[0].box.y = 10;
  EXPECT_EQ(c->ClassifyPage(p).type, DocType::kOther);
}

TEST(Classifier, SplitsAPacketIntoDocuments) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  std::vector<PageResult> pages = {
      MakePage(1, {"FAX", "Pages (including cover): 5"}),
      MakePage(2, {"REFERRAL FORM", "Reason for Referral: knee", "Referring Provider: J Smith", "Page 1 of 2"}),
      MakePage(3, {"Past medical history: hypertension", "Medications: lisinopril", "Page 2 of 2"}),
      MakePage(4, {"REFERRAL FORM", "Reason for Referral: cough", "Referring Provider: A Jones"}),
      MakePage(5, {"PROGRESS NOTE", "Chief Complaint: cough", "History of Present Illness"}),
  };
  std::vector<PageClass> classes;
  for (const auto& p : pages) classes.push_back(c->ClassifyPage(p));
  auto docs = c->Split(pages, classes);
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0].type, DocType::kFaxCover);
  EXPECT_EQ(docs[1].type, DocType::kReferral);
  EXPECT_EQ(docs[1].pages, (std::vector<int>{2, 3}));
  EXPECT_EQ(docs[2].type, DocType::kReferral);
  EXPECT_EQ(docs[2].pages, (std::vector<int>{4}));
  EXPECT_EQ(docs[3].type, DocType::kClinicalNote);
}

// Seed 57 s0090: a referral's second page repeats its title with "page 2" read "paqe 2";
// the running header says it continues the first page.
TEST(Classifier, ARunningHeaderWhosePageWasReadPaqeContinuesTheDocument) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  for (const char* header : {"Referral Request - paqe 2 ; . Patient: Reyes, Sarah K", "Referral Request - page 2",
                             "Referral Request - pape 2 Patient: YESENIA DIAZ"}) {  // seed 119 s0064
    SCOPED_TRACE(header);
    std::vector<PageResult> pages = {
        MakePage(1, {"Referral Request", "Reason for Referral: palpitations", "Referring Provider: J Smith"}),
        testing::PageOfLines({header, "Pertinent History", "76-year-old female with an irregular heartbeat"}, 2, 160),
    };
    std::vector<PageClass> classes;
    for (const auto& p : pages) classes.push_back(c->ClassifyPage(p));
    const auto docs = c->Split(pages, classes);
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].pages, (std::vector<int>{1, 2}));
  }
}

// Seed 35 s0024, normal resolution: an untitled card after a referral form, its RxBIN and
// RxPCN read "RxRIN" and "RaPCN". RxGRP, Copay and Deductible still make it a card of its
// own, not the referral's continuation.
TEST(Classifier, AnUntitledCardWhosePharmacyLinesNoiseGarbledIsADocumentOfItsOwn) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  std::vector<PageResult> pages = {
      MakePage(1, {"REFERRAL FORM", "Reason for Referral: changing mole", "Referring Provider: A Bennett"}),
      MakePage(2, {"UnitedHealthcare", "Navigate HMO", "Meinher Name: CHARLES YOUNG", "Member 12: 529490669",
                   "Group: 598380", "TCR: AHMED RENNRTT.", "Deductible applies. Copay: Office $230", "RxRIN 052896",
                   "RaPCN BCLX", "RxGRP RXG8S2"}),
  };
  std::vector<PageClass> classes;
  for (const auto& p : pages) classes.push_back(c->ClassifyPage(p));
  auto docs = c->Split(pages, classes);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].type, DocType::kInsuranceCard);
}

// Seed 39 s0028: an untitled Medicaid card after a referral form, only Member ID, PCP,
// Deductible and Copay among its cues (a weak score). Its text fills a card's corner of the
// page, so it is a document of its own; the same lines spread down a whole page continue
// the referral.
TEST(Classifier, AWeaklyTypedCardCopyIsADocumentOfItsOwnWhenItsTextIsCompact) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  const std::vector<std::string> card = {"Medicaid", "STAR", "Member: WALTER MCDONALD", "Member ID: 941489119",
                                         "PCP: RICHARD ROBERTS", "PCP Phone: (512) 555-0155",
                                         "Deductible applies. Copay: Office $30"};
  auto split = [&](const PageResult& second) {
    std::vector<PageResult> pages = {
        MakePage(1, {"REFERRAL FORM", "Reason for Referral: knee", "Referring Provider: J Smith"}), second};
    std::vector<PageClass> classes;
    for (const auto& p : pages) classes.push_back(c->ClassifyPage(p));
    EXPECT_EQ(classes[1].type, DocType::kInsuranceCard);
    if (!classes[1].compact) {
      EXPECT_LT(classes[1].score, ClassifierOptions{}.min_score * 2.5);  // weak: few cues
    }
    return c->Split(pages, classes);
  };
  const auto compact = split(MakePage(2, card));
  ASSERT_EQ(compact.size(), 2u);
  EXPECT_EQ(compact[1].type, DocType::kInsuranceCard);
  const PageResult spread = SpreadDownThePage(MakePage(2, card));
  EXPECT_EQ(split(spread).size(), 1u);
}

// A referral form's page, then `card`: the card is typed and split off as a document of its own.
void ExpectACardOfItsOwnAfterAReferral(const Classifier& c, const std::vector<std::string>& card) {
  std::vector<PageResult> pages = {
      MakePage(1, {"REFERRAL FORM", "Reason for Referral: knee", "Referring Provider: J Smith"}), MakePage(2, card)};
  std::vector<PageClass> classes;
  for (const auto& p : pages) classes.push_back(c.ClassifyPage(p));
  EXPECT_EQ(classes[1].type, DocType::kInsuranceCard);
  const auto docs = c.Split(pages, classes);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].type, DocType::kInsuranceCard);
}

// Seed 69 s0027: a Medicaid card's front read cleanly, its only cues PCP and "Copays:" (the
// plural); it had scored 1 and continued the referral before it.
TEST(Classifier, ACardsFrontWithCopaysInThePluralIsACard) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  ExpectACardOfItsOwnAfterAReferral(*c, {"Medicaid", "STAR", "Member: LISA MORALES", "ID: 821343501",
                                          "PCP: MICHAEL SANDERS", "PCP Phone: (512) 555-0189",
                                          "Copays: PCP $25 Specialist $50 ER $250"});
}

// Seed 93 s0043: a Medicaid card's front whose only cue is "PCP:", its copays printed
// "OV $20 / SPEC ...". Its compactness is the second cue: a card of its own, not the
// referral's last page. The same lines spread down a whole page stay `other`.
TEST(Classifier, ACompactPageWithOneCueOfACardIsACard) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  const std::vector<std::string> card = {"Medicaid", "STAR", "Name: MEI KOWALSKI", "ID# 347407135",
                                         "PCP: ROSA O'BRIEN", "OV $20 / SPEC $40 / UC $75 / ER $300"};
  ExpectACardOfItsOwnAfterAReferral(*c, card);
  const PageResult spread = SpreadDownThePage(MakePage(2, card));
  EXPECT_EQ(c->ClassifyPage(spread).type, DocType::kOther);
}

// Seed 112 s0010: the same card fed upside down; the engine turned the page, and the sending
// machine's header, turned with it, reads as garble at the foot. It is no part of the card's
// text block: the page is compact still, a card of its own.
TEST(Classifier, AHeaderReadUpsideDownAtThePagesFootLeavesACardCompact) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  PageResult card = MakePage(2, {"Medicaid", "STAR+PLUS", "Name: YESENIA JAMES", "Member ID: 279985699",
                                 "OV $20 / SPEC $40 / UC $75 / ER $300",
                                 "900/£00'd ZOTOSSSOT? HLIVSH ATIWVS GOOMAIGVW 'WONA WdSS:SO 9zoc Ee NVC"});
  card.text.lines.back().box = Box{582, 2170, 1000, 19};
  EXPECT_TRUE(c->ClassifyPage(card).compact);
  // The same garble three quarters down the page is page text.
  card.text.lines.back().box.y = 1600;
  EXPECT_FALSE(c->ClassifyPage(card).compact);
}

TEST(Classifier, RejectsANegativeCompactWeight) {
  EXPECT_FALSE(Classifier::FromYaml("types:\n  insurance_card:\n    titles: [insurance card]\n    compact: -1\n",
                                    ClassifierOptions{}).has_value());
}

// A page whose first line is the header band at the top of the sheet.
PageResult Header(int number, const std::vector<std::string>& lines) { return testing::PageOfLines(lines, number, 20); }

TEST(SenderPageTotal, ReadsTheHeaderCounterWhenThePagesAgree) {
  const std::string head = "FEB 17 2026 08:49AM FROM: MAPLEWOOD FAMILY MEDICINE 5125550135 ";
  std::vector<PageResult> pages = {Header(1, {head + "P.001/004", "FACSIMILE"}),
                                   Header(2, {head + "P,@02/004", "REFERRAL FORM"}),
                                   Header(3, {head + "P. 3/4", "PROGRESS NOTE"})};
  EXPECT_EQ(SenderPageTotal(pages).value_or(-1), 4);
  // The first page lost: the counters are shifted, the total is still announced.
  EXPECT_EQ(SenderPageTotal({Header(1, {head + "P.002/003"}), Header(2, {head + "P.003/003"})}).value_or(-1), 3);
  // No counter anywhere, or a counter below the header band (body text): nothing announced.
  EXPECT_FALSE(SenderPageTotal({Header(1, {"FACSIMILE", "Pages: 3"})}).has_value());
  EXPECT_FALSE(SenderPageTotal({Header(1, {"REFERRAL", "x", "x", "x", "Dose P 2/5 daily"}),
                                Header(2, {"REFERRAL", "x", "x", "x", "Dose P 2/5 daily"})})
                   .has_value());
  // One counter alone is not believed (one misread digit), nor zeros read as nines.
  EXPECT_FALSE(SenderPageTotal({Header(1, {head + "P.001/007"})}).has_value());
  EXPECT_FALSE(SenderPageTotal({Header(1, {head + "P.901/902"}), Header(2, {head + "P,.902/902"})}).has_value());
  // Disagreeing counters with no majority are not trusted.
  EXPECT_FALSE(SenderPageTotal({Header(1, {head + "P.001/004"}), Header(2, {head + "P.002/009"})}).has_value());
}

TEST(Classifier, CoverSheetWhoseTitleOcrLostIsToldByItsHeaderBlock) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  // A departmental cover page: no FAX title, a block of header labels.
  PageClass pc = c->ClassifyPage(MakePage(1, {"LORILLARD TOBACCO COMPANY", "Market Planning and Information Department",
                                              "To: Mike Mozina", "Firm:", "FAX #:", "From: Susan Smith",
                                              "FAX #: 335-7733", "Phone #: 335-7150", "Date:", "# Pages:",
                                              "Mike, as promised here are the tables."}));
  EXPECT_EQ(pc.type, DocType::kFaxCover);
  // A memo has To, From, Subject and Date but neither a fax number nor pages: not a cover.
  pc = c->ClassifyPage(MakePage(1, {"PROGRESS REPORT", "To: Sales Region 4", "From: Marketing", "Subject: Q3 results",
                                    "Date: 7/1/98", "Phone: 555-0100", "The store counts rose in the second quarter."}));
  EXPECT_NE(pc.type, DocType::kFaxCover);
}

TEST(Classifier, HeaderLabelsCountInASecondColumn) {
  auto c = DefaultClassifier();
  ASSERT_TRUE(c);
  // "To: Mr. Randy Spell          From: Rick Redfield" on one line: From heads a column.
  PageResult p;
  p.number = 1;
  p.width = 1728;
  p.height = 2200;
  const std::vector<std::vector<std::pair<int, std::string>>> rows = {
      {{120, "To:"}, {180, "Mr."}, {240, "Randy"}, {340, "Spell"}, {700, "From:"}, {790, "Rick"}},
      {{120, "Fax:"}, {180, "952-894-9690"}, {700, "Date:"}, {790, "May"}, {860, "1,"}, {900, "2000"}},
      {{120, "Re:"}, {180, "Legal"}, {700, "Pages:"}, {800, "4"}},
      {{120, "Attached"}, {260, "is"}, {300, "the"}, {360, "price"}, {460, "list."}},
  };
  int y = 300;
  for (const auto& row : rows) {
    Line line;
    line.first_word = static_cast<int>(p.text.words.size());
    for (const auto& [x, text] : row) {
      Word w{text, Box{x, y, static_cast<int>(text.size()) * 12, 24}, 0.9f, static_cast<int>(p.text.lines.size())};
      line.box = Union(line.box, w.box);
      line.text += (line.text.empty() ? "" : " ") + text;
      p.text.words.push_back(w);
      ++line.word_count;
    }
    p.text.lines.push_back(line);
    y += 40;
  }
  EXPECT_EQ(c->ClassifyPage(p).type, DocType::kFaxCover);
}

TEST(Classifier, RejectsHeaderLabelsWithoutTheirParts) {
  auto c = Classifier::FromYaml(
      "types:\n  fax_cover:\n    titles: [fax]\n    header_labels:\n      labels: [to, from]\n      required: [pages]\n"
      "      min: 2\n      weight: 3\n",
      ClassifierOptions{});
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("pages"), std::string::npos);
  c = Classifier::FromYaml("types:\n  fax_cover:\n    header_labels:\n      labels: [to]\n", ClassifierOptions{});
  ASSERT_FALSE(c.has_value());
}

TEST(Classifier, RejectsRulesWithAnUnknownType) {
  auto c = Classifier::FromYaml("types:\n  memo:\n    titles: [memo]\n", ClassifierOptions{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(c.error().message.find("memo"), std::string::npos);
}

}  // namespace
}  // namespace faxintake::classify
