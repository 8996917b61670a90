// Packet consensus on hand-built documents: corrections between documents of one patient.
#include "pipeline/packet_consensus.h"

#include <gtest/gtest.h>

#include "pipeline/patient_identity.h"

namespace faxintake {
namespace {

Field F(const std::string& value, double confidence, bool valid = true) {
  Field f;
  f.value = value;
  f.confidence = confidence;
  f.valid = valid;
  f.page = 1;
  return f;
}

Document Doc(DocType type, int page, std::map<std::string, Field> fields) {
  Document d;
  d.type = type;
  d.pages = {page};
  for (auto& [k, f] : fields) f.page = page;
  d.fields = std::move(fields);
  return d;
}

std::string Value(const Document& d, const std::string& key) { return std::get<std::string>(d.fields.at(key).value); }

TEST(ReconcilePacket, AMemberIdMisreadOnTheReferralIsCorrectedFromTheCardAndTheLetter) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"insurance.member_id", F("W135226543", 0.55)}}),
      Doc(DocType::kInsuranceCard, 2, {{"patient.family_name", F("REYES", 0.9)}, {"insurance.member_id", F("W135216543", 0.9)}}),
      Doc(DocType::kPriorAuthorization, 3,
          {{"patient.birth_date", F("1942-06-02", 0.9)}, {"insurance.member_id", F("W135216543", 0.8)}}),
  };
  docs[0].AddReason("low_confidence:insurance.member_id");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "W135216543");
  EXPECT_EQ(docs[0].fields.at("insurance.member_id").page, 1);  // still where it is printed
  EXPECT_GE(docs[0].fields.at("insurance.member_id").confidence, 0.6);
  EXPECT_TRUE(docs[0].review_reasons.empty());
  EXPECT_FALSE(docs[0].needs_review);
}

// Seed 102 s0079: the referral read Humana's id "H54966930" at 0.85, the card H53966930 at
// 0.90. Both fit the shape; the card, where the payer prints the id, is the reading.
TEST(ReconcilePacket, AMemberIdReadAsSurelyOnTheCardIsTheCards) {
  const auto docs_with = [](double card_confidence) {
    return std::vector<Document>{
        Doc(DocType::kReferral, 2,
            {{"patient.family_name", F("ROSS", 0.9)}, {"insurance.payer", F("HUMANA", 0.9)},
             {"insurance.member_id", F("H54966930", 0.85)}}),
        Doc(DocType::kInsuranceCard, 3,
            {{"patient.family_name", F("ROSS", 0.9)}, {"insurance.member_id", F("H53966930", card_confidence)}})};
  };
  std::vector<Document> docs = docs_with(0.90);
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "H53966930");
  EXPECT_EQ(Value(docs[1], "insurance.member_id"), "H53966930");
  // Read less surely on the card, neither is taken for the other.
  docs = docs_with(0.80);
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 0);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "H54966930");
}

TEST(ReconcilePacket, AFamilyNameTwoSlipsOffIsCorrectedWhenTheMemberIdAndGivenNameTieItToTheOthers) {
  const auto doc = [](DocType type, int page, const std::string& family) {
    return Doc(type, page,
               {{"patient.family_name", F(family, 0.85)}, {"patient.given_name", F("CHRISTOPHER", 0.9)},
                {"insurance.member_id", F("W762392564", 0.9)}});
  };
  std::vector<Document> docs = {doc(DocType::kReferral, 1, "HARMS"), doc(DocType::kPriorAuthorization, 2, "HARRIS"),
                                doc(DocType::kClinicalNote, 3, "HARRIS")};
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "patient.family_name"), "HARRIS");
  // One document against one: no majority, no correction two slips away.
  std::vector<Document> pair = {doc(DocType::kReferral, 1, "HARMS"), doc(DocType::kPriorAuthorization, 2, "HARRIS")};
  EXPECT_EQ(ReconcilePacket(pair, 0.6), 0);
  EXPECT_EQ(Value(pair[0], "patient.family_name"), "HARMS");
}

// Seed 75 s0007: the referral read SMITH as "SMITII" and 385642055 as "985642055" (0.76);
// the card, without a birth date, read both right. The same given name and member ids one
// slip apart tie the two; a second slip in the id, or another given name, does not.
TEST(ReconcilePacket, MemberIdsOneSlipApartAndTheSameGivenNameTieAFamilyNameReadTwoSlipsOff) {
  const auto run = [](const std::string& form_id, const std::string& card_given) {
    std::vector<Document> docs = {
        Doc(DocType::kReferral, 1,
            {{"patient.family_name", F("SMITII", 0.84)}, {"patient.given_name", F("BETTY", 0.93)},
             {"patient.birth_date", F("1975-10-09", 0.96)}, {"insurance.member_id", F(form_id, 0.76)}}),
        Doc(DocType::kInsuranceCard, 2,
            {{"patient.family_name", F("SMITH", 0.97)}, {"patient.given_name", F(card_given, 0.9)},
             {"insurance.member_id", F("385642055", 0.92)}}),
    };
    ReconcilePacket(docs, 0.6);
    return Value(docs[0], "patient.family_name") + " " + Value(docs[0], "insurance.member_id");
  };
  EXPECT_EQ(run("985642055", "BETTY"), "SMITH 385642055");
  EXPECT_EQ(run("985642955", "BETTY"), "SMITII 985642955");
  EXPECT_EQ(run("985642055", "BETSY"), "SMITII 985642055");
}

TEST(ReconcilePacket, AMemberIdThatFitsItsPayersShapeOutweighsASurerOneThatDoesNot) {
  // Seed 27 s0094: the form read H40187375 as "1140187375" at 0.96 (and its payer as
  // "TLUMANA"); the card read it right at 0.90 under HUMANA, whose ids are H and 8 digits.
  const auto docs_with = [](const std::string& card_payer) {
    return std::vector<Document>{
        Doc(DocType::kReferral, 1,
            {{"patient.family_name", F("LEE", 0.64)}, {"insurance.member_id", F("1140187375", 0.96)},
             {"insurance.payer", F("TLUMANA", 0.75)}}),
        Doc(DocType::kInsuranceCard, 2,
            {{"patient.family_name", F("LEE", 0.96)}, {"insurance.member_id", F("H40187375", 0.90)},
             {"insurance.payer", F(card_payer, 0.96)}}),
    };
  };
  std::vector<Document> docs = docs_with("HUMANA");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "H40187375");
  EXPECT_EQ(Value(docs[1], "insurance.member_id"), "H40187375");
  // A payer of no known shape: one reading against one, neither clearly surer, both stay.
  std::vector<Document> unknown = docs_with("MOLINA HEALTHCARE");
  EXPECT_EQ(ReconcilePacket(unknown, 0.6), 0);
  EXPECT_EQ(Value(unknown[0], "insurance.member_id"), "1140187375");
}

// Seed 68 s0077: the form read the MBI 1GK0H82JC18 as "1GKOHB2IC18" (0.51), three
// look-alikes off; the card read it right (0.86).
TEST(ReconcilePacket, AMemberIdOffItsShapeByLookAlikesTakesTheCardsValidMbi) {
  const auto docs_with = [](const std::string& card_id) {
    return std::vector<Document>{
        Doc(DocType::kReferral, 1,
            {{"patient.family_name", F("LEE", 0.92)}, {"insurance.member_id", F("1GKOHB2IC18", 0.51)},
             {"insurance.payer", F("MEDICARE", 0.96)}}),
        Doc(DocType::kInsuranceCard, 2,
            {{"patient.family_name", F("LEE", 0.96)}, {"insurance.member_id", F(card_id, 0.86)},
             {"insurance.payer", F("MEDICARE", 0.97)}}),
    };
  };
  std::vector<Document> docs = docs_with("1GK0H82JC18");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "1GK0H82JC18");
  // Three edits that are not look-alikes (3, E, X for 8, H, J) are another id: both stay.
  std::vector<Document> other = docs_with("1GK0E32XC18");
  EXPECT_EQ(ReconcilePacket(other, 0.6), 0);
  EXPECT_EQ(Value(other[0], "insurance.member_id"), "1GKOHB2IC18");
}

// Seed 68 s0033: the referral read "FOSTER, LUIS E" as "FOSTER, LUISE" (0.96); the note
// printed "Foster, Luis Edward" (0.96).
TEST(ReconcilePacket, AGivenNameWithTheMiddleInitialJoinedOnTakesTheOtherDocumentsName) {
  const auto docs_with = [](const std::string& referral, const std::string& note) {
    return std::vector<Document>{
        Doc(DocType::kReferral, 1, {{"patient.family_name", F("FOSTER", 0.96)}, {"patient.given_name", F(referral, 0.964)}}),
        Doc(DocType::kClinicalNote, 2, {{"patient.family_name", F("FOSTER", 0.96)}, {"patient.given_name", F(note, 0.96)}}),
    };
  };
  std::vector<Document> docs = docs_with("LUISE", "LUIS");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "patient.given_name"), "LUIS");
  // Never the other way: a name one letter longer is not taken for a shorter one.
  std::vector<Document> longer = docs_with("LUIS", "LUISE");
  EXPECT_EQ(ReconcilePacket(longer, 0.6), 1);
  EXPECT_EQ(Value(longer[1], "patient.given_name"), "LUIS");
  // A letter elsewhere is a slip with no side to take: both stay.
  std::vector<Document> slip = docs_with("LUIZ", "LUIS");
  EXPECT_EQ(ReconcilePacket(slip, 0.6), 0);
}

// Seed 68 s0077: the referral read RICHARD "RICILARD" (0.92), its H as two strokes; the
// card read it right (0.96), too little surer to win on confidence alone.
TEST(ReconcilePacket, AGivenNameWithItsHReadAsTwoStrokesTakesTheOtherDocumentsName) {
  const auto docs_with = [](const std::string& referral, const std::string& card) {
    return std::vector<Document>{
        Doc(DocType::kReferral, 1, {{"patient.family_name", F("LEE", 0.92)}, {"patient.given_name", F(referral, 0.916)}}),
        Doc(DocType::kInsuranceCard, 2, {{"patient.family_name", F("LEE", 0.96)}, {"patient.given_name", F(card, 0.96)}}),
    };
  };
  for (const char* read : {"RICILARD", "RICIIARD", "RIC1LARD"}) {
    SCOPED_TRACE(read);
    std::vector<Document> docs = docs_with(read, "RICHARD");
    EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
    EXPECT_EQ(Value(docs[0], "patient.given_name"), "RICHARD");
  }
  // Two letters that are no strokes stand for no H: both stay.
  std::vector<Document> other = docs_with("RICOLARD", "RICHARD");
  EXPECT_EQ(ReconcilePacket(other, 0.6), 0);
  EXPECT_EQ(Value(other[0], "patient.given_name"), "RICOLARD");
}

TEST(PatientIdentity, TheSameMemberIdAndGivenNameAreNoOtherPatient) {
  const PatientKey harms{"HARMS", std::nullopt, "CHRISTOPHER", "W762392564"};
  const PatientKey harris{"HARRIS", "1947-02-04", "CHRISTOPHER", "W762392564"};
  EXPECT_FALSE(OtherPatient(harms, harris));
  EXPECT_TRUE(SamePatient(harms, harris));
  const PatientKey other{"HARRIS", "1947-02-04", "CHRISTINA", "W762392564"};
  EXPECT_TRUE(OtherPatient(harms, other));
  EXPECT_FALSE(SamePatient(harms, other));
  const PatientKey born_apart{"HARRIS", "1982-11-30", "CHRISTOPHER", "W762392564"};
  EXPECT_FALSE(SamePatient(PatientKey{"HARMS", "1947-02-04", "CHRISTOPHER", "W762392564"}, born_apart));
}

// Seed 93 s0024: SHARON and RONALD MURPHY in one fax are two people; the same birth date or
// member id says a given name was misread.
TEST(PatientIdentity, OneFamilyNameWithTwoGivenNamesIsTwoPatients) {
  const PatientKey sharon{"MURPHY", std::nullopt, "SHARON", "81702245"};
  const PatientKey ronald{"MURPHY", "1958-08-07", "RONALD", std::nullopt};
  EXPECT_FALSE(SamePatient(sharon, ronald));
  EXPECT_TRUE(SamePatient(sharon, PatientKey{"MURPHY", "1958-08-07", "SHARCN", std::nullopt}));
  EXPECT_TRUE(SamePatient(sharon, PatientKey{"MURPHY", std::nullopt, "RONALD", "81702245"}));
  EXPECT_TRUE(SamePatient(PatientKey{"MURPHY", "1958-08-07", "SHARON", std::nullopt}, ronald));
}

// Seed 100 s0071: the referral read "GREEU, JUAU", its N read as U twice; the card
// "GREEN, JUAN" with the member id the referral lacks.
TEST(PatientIdentity, BothPartsOfTheNameOneSlipOffAreTheSamePatient) {
  const PatientKey referral{"GREEU", "1982-04-27", "JUAU", std::nullopt};
  const PatientKey card{"GREEN", std::nullopt, "JUAN", "132086170"};
  EXPECT_TRUE(SamePatient(referral, card));
  EXPECT_FALSE(SamePatient(PatientKey{"GREEU", "1982-04-27", "J", std::nullopt}, card));
  EXPECT_FALSE(SamePatient(PatientKey{"GREEU", "1982-04-27", "JUAU", "987654321"}, card));
  EXPECT_FALSE(SamePatient(referral, PatientKey{"GREEN", "1960-01-02", "JUAN", std::nullopt}));
}

// Seed 102 s0033: the referral read MARGARET KING's birth date "1922-09-03", her note and
// lab report 1933-09-03. The same full name makes it one date misread, which consensus mends.
TEST(PatientIdentity, TheSameFullNameOutweighsBirthDatesTwoCharactersApart) {
  const PatientKey referral{"KING", "1922-09-03", "MARGARET", std::nullopt};
  const PatientKey note{"KING", "1933-09-03", "MARGARET", std::nullopt};
  EXPECT_TRUE(SamePatient(referral, note));
  EXPECT_FALSE(SamePatient(referral, PatientKey{"KING", "1933-09-03", "MARGARETE", std::nullopt}));
  EXPECT_FALSE(SamePatient(referral, PatientKey{"KING", "1953-01-23", "MARGARET", std::nullopt}));  // three apart
  const auto doc = [](DocType type, int page, const std::string& dob, double confidence) {
    return Doc(type, page,
               {{"patient.family_name", F("KING", 0.96)}, {"patient.given_name", F("MARGARET", 0.93)},
                {"patient.birth_date", F(dob, confidence)}});
  };
  std::vector<Document> docs = {doc(DocType::kReferral, 2, "1922-09-03", 0.81),
                                doc(DocType::kClinicalNote, 3, "1933-09-03", 0.67),
                                doc(DocType::kLabResult, 4, "1933-09-03", 0.96)};
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "patient.birth_date"), "1933-09-03");
}

PageResult PageOf(int number, const std::vector<std::pair<std::string, Box>>& words) {
  PageResult p;
  p.number = number;
  for (const auto& [text, box] : words) {
    Word w;
    w.text = text;
    w.box = box;
    w.line = 0;
    p.text.words.push_back(w);
  }
  return p;
}

TEST(FindInPacket, AMemberIdTheFormsLabelHidIsFoundAmongItsWordsFromTheCard) {
  // The referral's member id label was garbled: its id was read ("W762392S64") but not taken.
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("HARRIS", 0.9)}, {"insurance.group_number", F("0310193", 0.9)}}),
      Doc(DocType::kInsuranceCard, 2,
          {{"patient.family_name", F("HARRIS", 0.9)}, {"insurance.member_id", F("W762392564", 0.8)}}),
      Doc(DocType::kClinicalNote, 3, {{"patient.family_name", F("HARRIS", 0.9)}}),
  };
  docs[0].fields["insurance.group_number"].box = Box{700, 400, 90, 20};
  const std::vector<PageResult> pages = {
      PageOf(1, {{"SUBSCRTB", Box{100, 400, 90, 20}}, {"W762392S64", Box{400, 400, 150, 20}}, {"0310193", Box{700, 400, 90, 20}}}),
      PageOf(2, {{"W762392564", Box{300, 300, 150, 20}}}),
      PageOf(3, {{"W762392564", Box{300, 300, 150, 20}}}),
  };
  EXPECT_EQ(FindInPacket(docs, pages, 0.6), 1);
  ASSERT_EQ(docs[0].fields.count("insurance.member_id"), 1u);
  const Field& f = docs[0].fields.at("insurance.member_id");
  EXPECT_EQ(std::get<std::string>(f.value), "W762392564");
  EXPECT_EQ(f.page, 1);
  EXPECT_EQ(f.box, (Box{400, 400, 150, 20}));
  EXPECT_LT(f.confidence, 0.6);  // read through a slip: to be checked
  EXPECT_TRUE(docs[0].needs_review);
  // Not filled on a clinical note, nor for the group number (the card has none).
  EXPECT_EQ(docs[2].fields.count("insurance.member_id"), 0u);
  EXPECT_EQ(docs[1].fields.count("insurance.group_number"), 0u);
}

// Seed 48 s0044: the boxed referral's NPI cell read "105576989", its last digit lost; the
// authorization letter read 1055769891.
TEST(FindInPacket, AnNpiWithADigitLostIsFoundFromTheAuthorizationLetter) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("DE LA ROSA", 0.9)}}),
      Doc(DocType::kPriorAuthorization, 2,
          {{"patient.family_name", F("DE LA ROSA", 0.9)}, {"referring.npi", F("1055769891", 0.9)}}),
      Doc(DocType::kInsuranceCard, 3, {{"patient.family_name", F("DE LA ROSA", 0.9)}}),
  };
  const std::vector<PageResult> pages = {
      PageOf(1, {{"Parker", Box{100, 400, 90, 20}}, {"105576989", Box{400, 400, 150, 20}},
                 {"5125550129", Box{700, 400, 150, 20}}}),
      PageOf(2, {{"1055769891", Box{300, 300, 150, 20}}}),
      PageOf(3, {{"1055769891", Box{300, 300, 150, 20}}}),
  };
  EXPECT_EQ(FindInPacket(docs, pages, 0.6), 1);
  ASSERT_EQ(docs[0].fields.count("referring.npi"), 1u);
  EXPECT_EQ(Value(docs[0], "referring.npi"), "1055769891");
  EXPECT_EQ(docs[0].fields.at("referring.npi").box, (Box{400, 400, 150, 20}));
  EXPECT_EQ(docs[2].fields.count("referring.npi"), 0u);  // a card prints no provider
}

// Seed 49 s0021: one sender's referrals for two patients; the second's NPI read
// "238/190830". The referring provider is the fax's, whatever the patient.
TEST(FindInPacket, TheReferringNpiIsTheFaxsWhateverThePatient) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("RUIZ", 0.9)}, {"referring.npi", F("2387190830", 0.9)}}),
      Doc(DocType::kReferral, 2, {{"patient.family_name", F("RIVERA", 0.9)}}),
  };
  const std::vector<PageResult> pages = {
      PageOf(1, {{"2387190830", Box{300, 300, 150, 20}}}),
      PageOf(2, {{"NPIL", Box{100, 400, 50, 20}}, {"238/190830", Box{240, 400, 150, 20}}}),
  };
  EXPECT_EQ(FindInPacket(docs, pages, 0.6), 1);
  ASSERT_EQ(docs[1].fields.count("referring.npi"), 1u);
  EXPECT_EQ(Value(docs[1], "referring.npi"), "2387190830");
  EXPECT_LT(docs[1].fields.at("referring.npi").confidence, 0.6);
}

TEST(FindInPacket, NothingIsTakenFromAnotherPatientsDocumentsOrFromWordsTooFarOff) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("HARRIS", 0.9)}, {"patient.birth_date", F("1947-02-04", 0.9)}}),
      Doc(DocType::kInsuranceCard, 2,
          {{"patient.family_name", F("LOPEZ", 0.9)}, {"patient.birth_date", F("1956-03-04", 0.9)},
           {"insurance.member_id", F("W762392564", 0.8)}}),
      Doc(DocType::kReferral, 3, {{"patient.family_name", F("LOPEZ", 0.9)}}),
  };
  const std::vector<PageResult> pages = {
      PageOf(1, {{"W762392564", Box{400, 400, 150, 20}}}),  // printed, but another patient's card
      PageOf(2, {{"W762392564", Box{300, 300, 150, 20}}}),
      PageOf(3, {{"W7623", Box{400, 400, 70, 20}}, {"W168302511", Box{600, 400, 150, 20}}}),  // too far off
  };
  EXPECT_EQ(FindInPacket(docs, pages, 0.6), 0);
  EXPECT_EQ(docs[0].fields.count("insurance.member_id"), 0u);
  EXPECT_EQ(docs[2].fields.count("insurance.member_id"), 0u);
}

// A page of lines, each of words laid out left to right from x 100, 20 px apart.
PageResult PageOfLines(int number, const std::vector<std::vector<std::string>>& lines) {
  PageResult p;
  p.number = number;
  for (size_t l = 0; l < lines.size(); ++l) {
    Line line;
    line.first_word = static_cast<int>(p.text.words.size());
    int x = 100;
    for (const std::string& text : lines[l]) {
      Word w;
      w.text = text;
      w.box = Box{x, 100 + 40 * static_cast<int>(l), 14 * static_cast<int>(text.size()), 20};
      w.line = static_cast<int>(l);
      x += w.box.w + 20;
      p.text.words.push_back(w);
      ++line.word_count;
    }
    p.text.lines.push_back(line);
  }
  return p;
}

// Seed 53 s0100: the clinical note's "DOB: 10/19/1943" read "DOB: 119 1943"; seed 54
// s0065: "DOB: December 05, 1945" read "December 55,1945". The referral read both.
TEST(FindInPacket, ABirthDateMarkReadWithOneSlipIsTheDateTheReferralRead) {
  for (const auto& [mark, date] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"DOB:", "119", "1943"}, "1943-10-19"}, {{"DOB:", "December", "55,1945"}, "1945-12-05"}}) {
    SCOPED_TRACE(date);
    std::vector<Document> docs = {
        Doc(DocType::kReferral, 1, {{"patient.family_name", F("HERNANDEZ", 0.9)}, {"patient.birth_date", F(date, 0.9)}}),
        Doc(DocType::kClinicalNote, 2, {{"patient.family_name", F("HERNANDEZ", 0.9)}}),
    };
    std::vector<std::string> with_age = mark;
    with_age.insert(with_age.end(), {"Age:", "82"});
    const std::vector<PageResult> pages = {
        PageOfLines(1, {{"DOB:", "10/19/1943"}}),
        PageOfLines(2, {{"Patient", "Name:", "HERNANDEZ,", "FRANCES"}, with_age, {"MRN:", "0N0150"}}),
    };
    EXPECT_EQ(FindInPacket(docs, pages, 0.6), 1);
    ASSERT_EQ(docs[1].fields.count("patient.birth_date"), 1u);
    const Field& f = docs[1].fields.at("patient.birth_date");
    EXPECT_EQ(std::get<std::string>(f.value), date);
    EXPECT_EQ(f.page, 2);
    EXPECT_EQ(f.box.y, 140);  // the mark's line
    EXPECT_LT(f.confidence, 0.6);
    EXPECT_TRUE(docs[1].needs_review);
  }
}

// A mark two slips off, one of another patient, or a date printed beside no birth-date
// label is not taken.
TEST(FindInPacket, ABirthDateIsNotTakenFromMarksTooFarOffOrOfAnotherPatient) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("HERNANDEZ", 0.9)}, {"patient.birth_date", F("1943-10-19", 0.9)}}),
      Doc(DocType::kClinicalNote, 2, {{"patient.family_name", F("HERNANDEZ", 0.9)}}),
      Doc(DocType::kLabResult, 3, {{"patient.family_name", F("HERNANDEZ", 0.9)}}),
      Doc(DocType::kClinicalNote, 4, {{"patient.family_name", F("LOPEZ", 0.9)}}),
  };
  const std::vector<PageResult> pages = {
      PageOfLines(1, {{"DOB:", "10/19/1943"}}),
      PageOfLines(2, {{"DOB:", "11/9/1945"}}),
      PageOfLines(3, {{"Collected:", "10/19/1943"}}),
      PageOfLines(4, {{"DOB:", "10/19/1943"}}),
  };
  EXPECT_EQ(FindInPacket(docs, pages, 0.6), 0);
  for (size_t i = 1; i < docs.size(); ++i) EXPECT_EQ(docs[i].fields.count("patient.birth_date"), 0u) << i;
}

// Seed 76 s0068: a noisy clinical note's "DOB: 04/09/1978" read "DOB: VMONOTR" at 0.14,
// no digit left. The referral's date is taken there, for review. A sure word ("Unknown")
// is no garbled mark, and a referral's mark is never filled this way: its checklist must
// see a birth date it cannot read.
TEST(FindInPacket, ABirthDateMarkGarbledPastReadingOnANoteTakesTheReferralsDate) {
  const auto run = [](DocType type, float confidence, const std::string& read) {
    std::vector<Document> docs = {
        Doc(DocType::kReferral, 1, {{"patient.family_name", F("MORRIS", 0.9)}, {"patient.birth_date", F("1978-04-09", 0.9)}}),
        Doc(type, 2, {{"patient.family_name", F("MORRIS", 0.9)}}),
    };
    if (type == DocType::kReferral) docs[0].type = DocType::kClinicalNote;
    std::vector<PageResult> pages = {PageOfLines(1, {{"DOB:", "04/09/1978"}}),
                                     PageOfLines(2, {{"Patient:", "Eric", "Morris"}, {"DOB:", read}})};
    for (Word& w : pages[1].text.words) w.confidence = 0.95f;
    pages[1].text.words.back().confidence = confidence;
    FindInPacket(docs, pages, 0.6);
    return docs[1].fields.count("patient.birth_date") ? Value(docs[1], "patient.birth_date") : std::string("none");
  };
  EXPECT_EQ(run(DocType::kClinicalNote, 0.14f, "VMONOTR"), "1978-04-09");
  EXPECT_EQ(run(DocType::kConsultNote, 0.3f, "VMONOTR"), "1978-04-09");
  EXPECT_EQ(run(DocType::kClinicalNote, 0.92f, "Unknown"), "none");
  EXPECT_EQ(run(DocType::kClinicalNote, 0.14f, "VM"), "none");
  EXPECT_EQ(run(DocType::kReferral, 0.14f, "VMONOTR"), "none");
}

TEST(ReconcilePacket, AnAuthorizationNumberMisreadOnTheReferralIsCorrectedFromTheLetter) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"authorization.number", F("UM49114989", 0.55)}}),
      Doc(DocType::kPriorAuthorization, 2,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"authorization.number", F("UM49114980", 0.9)}}),
  };
  docs[0].AddReason("low_confidence:authorization.number");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "authorization.number"), "UM49114980");
  EXPECT_FALSE(docs[0].needs_review);
}

TEST(ReconcilePacket, AnotherPatientsDocumentsAreNeverUsed) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1,
          {{"patient.family_name", F("REYES", 0.9)}, {"patient.birth_date", F("1942-06-02", 0.9)},
           {"insurance.member_id", F("W135226543", 0.5)}}),
      Doc(DocType::kInsuranceCard, 2,
          {{"patient.family_name", F("MORGAN", 0.9)}, {"patient.birth_date", F("1977-01-30", 0.9)},
           {"insurance.member_id", F("W135216543", 0.95)}}),
  };
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 0);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "W135226543");
}

TEST(ReconcilePacket, DifferentValuesAreNotSlipsAndAbsentValuesAreNotFilled) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("REYES", 0.9)}, {"insurance.member_id", F("W135226543", 0.5)}}),
      Doc(DocType::kInsuranceCard, 2,
          {{"patient.family_name", F("REYES", 0.9)}, {"insurance.member_id", F("XQ9900112", 0.95)},
           {"patient.given_name", F("JOSE", 0.95)}}),
  };
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 0);
  EXPECT_EQ(Value(docs[0], "insurance.member_id"), "W135226543");
  EXPECT_EQ(docs[0].fields.count("patient.given_name"), 0u);
}

TEST(ReconcilePacket, AnInvalidNpiTakesTheValidOneAValidNpiIsLeftAlone) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"referring.npi", F("1259339806", 0.3, /*valid=*/false)}}),
      Doc(DocType::kPriorAuthorization, 2, {{"referring.npi", F("1259398869", 0.9)}}),
      Doc(DocType::kClinicalNote, 3, {{"referring.npi", F("1234567893", 0.6)}}),
  };
  docs[0].AddReason("invalid:referring.npi");
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "referring.npi"), "1259398869");
  EXPECT_TRUE(docs[0].fields.at("referring.npi").valid);
  EXPECT_FALSE(docs[0].needs_review);
  EXPECT_EQ(Value(docs[2], "referring.npi"), "1234567893");  // a valid NPI is another provider's
}

TEST(ReconcilePacket, OfTwoEquallySupportedValidNamesOnlyAClearlySurerOneWins) {
  std::vector<Document> docs = {
      Doc(DocType::kReferral, 1, {{"patient.family_name", F("HILL-BEDWARDS", 0.62)}, {"patient.birth_date", F("1981-08-27", 0.9)}}),
      Doc(DocType::kClinicalNote, 2, {{"patient.family_name", F("HILL-EDWARDS", 0.95)}, {"patient.birth_date", F("1981-08-27", 0.9)}}),
  };
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 1);
  EXPECT_EQ(Value(docs[0], "patient.family_name"), "HILL-EDWARDS");
  docs[0].fields.at("patient.family_name") = F("HILL-EDWARDZ", 0.9);
  EXPECT_EQ(ReconcilePacket(docs, 0.6), 0);  // 0.95 against 0.9: no clear winner
  EXPECT_EQ(Value(docs[0], "patient.family_name"), "HILL-EDWARDZ");
}

}  // namespace
}  // namespace faxintake
