#include "store/match.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace faxintake::store::match {
namespace {

Identity Person(std::string family, std::string given, std::string dob, std::string member = "",
                std::string phone = "", std::string line = "", std::string zip = "") {
  Identity id;
  id.family_name = std::move(family);
  id.given_name = std::move(given);
  id.birth_date = std::move(dob);
  id.member_id = std::move(member);
  id.phone = std::move(phone);
  id.address_line = std::move(line);
  id.postal_code = std::move(zip);
  return id;
}

Profile ProfileOf(const Identity& id) {
  Profile p;
  p.Add(id);
  return p;
}

// Maria Garcia-Lopez as first filed: full referral demographics.
const Identity kMaria = Person("GARCIA-LOPEZ", "MARIA", "1956-03-04", "W123456789", "+15125550142",
                               "12 OAK ST", "78701");

Decision DecisionFor(const Identity& doc, const Identity& on_file) {
  return Decide(doc, {Candidate{"pt_a", ProfileOf(on_file)}}, MatchOptions{}).decision;
}

const FieldEvidence* EvidenceFor(const Score& s, const std::string& field) {
  auto it = std::find_if(s.evidence.begin(), s.evidence.end(), [&](const FieldEvidence& e) { return e.field == field; });
  return it == s.evidence.end() ? nullptr : &*it;
}

TEST(Match, TheSamePatientVariantsMatchAutomatically) {
  struct Case {
    const char* name;
    Identity doc;
  };
  const std::vector<Case> cases = {
      {"identical", kMaria},
      {"clinical note: name and birth date only", Person("GARCIA-LOPEZ", "MARIA", "1956-03-04")},
      {"insurance card: name and member id only", Person("GARCIA-LOPEZ", "MARIA", "", "W123456789")},
      {"double surname with a space", Person("GARCIA LOPEZ", "MARIA", "1956-03-04")},
      {"second surname only", Person("LOPEZ", "MARIA", "1956-03-04")},
      {"first surname only with member id", Person("GARCIA", "MARIA", "", "W123456789")},
      {"OCR zero for O in the name", Person("GARCIA-L0PEZ", "MARIA", "1956-03-04")},
      {"OCR one for I in the given name", Person("GARCIA-LOPEZ", "MAR1A", "1956-03-04")},
      {"OCR confusions in the member id", Person("GARCIA-LOPEZ", "MARIA", "", "W12345G7B9")},
      {"day and month swapped beside the member id", Person("GARCIA-LOPEZ", "MARIA", "1956-04-03", "W123456789")},
      {"day and month swapped, the whole name as printed", Person("GARCIA-LOPEZ", "MARIA", "1956-04-03")},
      {"year digits swapped, surname with a space", Person("GARCIA LOPEZ", "MARIA", "1965-03-04")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(DecisionFor(c.doc, kMaria), Decision::kSamePatient);
  }
}

TEST(Match, NicknamesAreTheSamePerson) {
  struct Case {
    const char* a;
    const char* b;
    bool same;
  };
  const std::vector<Case> cases = {
      {"ROBERT", "BOB", true},      {"BOB", "ROBERT", true},     {"ROB", "BOBBY", true},
      {"ELIZABETH", "LIZ", true},   {"BETH", "ELIZABETH", true}, {"WILLIAM", "BILL", true},
      {"MARGARET", "PEGGY", true},  {"PEG", "MAGGIE", true},     {"DANIEL", "DANIELLE", false},
      {"CHRISTOPHER", "CHRISTINA", false}, {"ROBERT", "RICHARD", false}, {"MARIA", "MARIO", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.a) + " " + c.b);
    EXPECT_EQ(AreNicknames(c.a, c.b), c.same);
  }
  const Identity robert = Person("SMITH", "ROBERT", "1970-01-15", "", "+15125550100");
  EXPECT_EQ(DecisionFor(Person("SMITH", "BOB", "1970-01-15"), robert), Decision::kSamePatient);
  const Score s = ScoreCandidate(Person("SMITH", "BOB", "1970-01-15"), ProfileOf(robert));
  ASSERT_NE(EvidenceFor(s, "patient.given_name"), nullptr);
  EXPECT_EQ(EvidenceFor(s, "patient.given_name")->verdict, "nickname");
}

TEST(Match, FamilyMembersAreNeverMergedAutomatically) {
  // Same surname, address, phone and plan; a different first name or date of birth.
  struct Case {
    const char* name;
    Identity doc;
  };
  const std::vector<Case> cases = {
      {"spouse", Person("GARCIA-LOPEZ", "JUAN", "1954-11-20", "W123456789", "+15125550142", "12 OAK ST", "78701")},
      {"child", Person("GARCIA-LOPEZ", "SOFIA", "1988-06-02", "W123456701", "+15125550142", "12 OAK ST", "78701")},
      {"twin sister", Person("GARCIA-LOPEZ", "ROSA", "1956-03-04", "", "+15125550142", "12 OAK ST", "78701")},
      {"junior with the same name",
       Person("GARCIA-LOPEZ", "MARIA", "1986-03-04", "W123456789", "+15125550142", "12 OAK ST", "78701")},
      {"dependent's card on the shared member id", Person("GARCIA-LOPEZ", "JUAN", "", "W123456789")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_NE(DecisionFor(c.doc, kMaria), Decision::kSamePatient);
  }
  // Different first name and different birth date: not even a candidate.
  EXPECT_EQ(DecisionFor(cases[1].doc, kMaria), Decision::kNewPatient);
}

TEST(Match, SameNameStrangersAreNewPatients) {
  EXPECT_EQ(DecisionFor(Person("GARCIA-LOPEZ", "MARIA", "1972-09-30", "H987654321"), kMaria), Decision::kNewPatient);
  EXPECT_EQ(DecisionFor(Person("GARCIA-LOPEZ", "MARIA", "1972-09-30"), kMaria), Decision::kNewPatient);
  EXPECT_EQ(DecisionFor(Person("GARCIA-LOPEZ", "MARIA", "", "H987654321"), kMaria), Decision::kNewPatient);
}

TEST(Match, UncertainEvidenceGoesToAPersonWithTheEvidence) {
  // A transposed birth date beside a surname printed only in part: likely, not enough to merge.
  const Identity doc = Person("LOPEZ", "MARIA", "1956-04-03");
  const MatchOutcome out = Decide(doc, {Candidate{"pt_a", ProfileOf(kMaria)}}, MatchOptions{});
  EXPECT_EQ(out.decision, Decision::kPossibleMatch);
  ASSERT_EQ(out.candidates.size(), 1u);
  EXPECT_EQ(out.candidates[0].patient_id, "pt_a");
  const FieldEvidence* dob = EvidenceFor(out.candidates[0].score, "patient.birth_date");
  ASSERT_NE(dob, nullptr);
  EXPECT_EQ(dob->verdict, "transposed");
  EXPECT_GT(dob->weight, 0);
  const FieldEvidence* family = EvidenceFor(out.candidates[0].score, "patient.family_name");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->verdict, "partial");
  // A transposed date with an OCR-damaged given name.
  EXPECT_EQ(DecisionFor(Person("GARCIA-LOPEZ", "MAR1A", "1965-03-04", "", "+15125550142"), kMaria),
            Decision::kPossibleMatch);
  // One misread digit (3 read as 8) beside name and phone: a father and his junior look like this.
  EXPECT_EQ(DecisionFor(Person("GARCIA-LOPEZ", "MARIA", "1956-08-04", "", "+15125550142"), kMaria),
            Decision::kPossibleMatch);
}

TEST(Match, TwoQualifyingCandidatesAreAPossibleDuplicate) {
  const MatchOutcome out =
      Decide(Person("GARCIA-LOPEZ", "MARIA", "1956-03-04"),
             {Candidate{"pt_b", ProfileOf(kMaria)}, Candidate{"pt_a", ProfileOf(Person("LOPEZ", "MARIA", "1956-03-04"))}},
             MatchOptions{});
  EXPECT_EQ(out.decision, Decision::kPossibleDuplicate);
  EXPECT_EQ(out.candidates.size(), 2u);
  EXPECT_TRUE(out.patient_id.empty());
}

TEST(Match, ThresholdsAreConfigurable) {
  const Identity doc = Person("GARCIA-LOPEZ", "MARIA", "1956-03-04");
  MatchOptions strict;
  strict.auto_threshold = 30;
  EXPECT_EQ(Decide(doc, {Candidate{"pt_a", ProfileOf(kMaria)}}, strict).decision, Decision::kPossibleMatch);
  strict.review_threshold = 29;
  EXPECT_EQ(Decide(doc, {Candidate{"pt_a", ProfileOf(kMaria)}}, strict).decision, Decision::kNewPatient);
}

TEST(Match, APatientsKnownVariantsAllCount) {
  Profile p = ProfileOf(kMaria);
  p.Add(Person("GARCIA-LOPEZ", "MARIA", "", "U555000111"));  // a new plan
  EXPECT_EQ(Decide(Person("LOPEZ", "MARIA", "", "U555000111"), {Candidate{"pt_a", p}}, MatchOptions{}).decision,
            Decision::kSamePatient);
}

TEST(Match, SexConflictBlocksAnAutomaticMatch) {
  Identity on_file = kMaria;
  on_file.sex = "female";
  Identity doc = kMaria;
  doc.sex = "male";
  EXPECT_NE(DecisionFor(doc, on_file), Decision::kSamePatient);
}

TEST(Match, IdentityNeedsAFamilyNameAndABirthDateOrMemberId) {
  EXPECT_TRUE(HasIdentity(Person("DOE", "", "1950-01-01")));
  EXPECT_TRUE(HasIdentity(Person("DOE", "", "", "X1")));
  EXPECT_FALSE(HasIdentity(Person("DOE", "JANE", "")));
  EXPECT_FALSE(HasIdentity(Person("", "JANE", "1950-01-01")));
  Document d;
  d.fields["patient.family_name"] = Field{std::string("DOE"), 0.9};
  d.fields["patient.birth_date"] = Field{std::string("1950-13-01"), 0.9};
  d.fields["patient.birth_date"].valid = false;
  EXPECT_FALSE(HasIdentity(IdentityFromDocument(d)));
}

TEST(Match, NormalizationFoldsSeparatorsAndConfusables) {
  EXPECT_EQ(NormalizeName(" garcia-lopez "), "GARCIA LOPEZ");
  EXPECT_EQ(NormalizeName("O'BRIEN"), "OBRIEN");
  EXPECT_EQ(NameSkeleton("W1LL1AM5"), NameSkeleton("WILLIAMS"));
  EXPECT_EQ(MemberSkeleton("W12345-G7B9"), MemberSkeleton("W123456789"));
  EXPECT_EQ(SurnameParts("DE LA CRUZ"), std::vector<std::string>{"CRUZ"});
  EXPECT_EQ(SurnameParts("GARCIA-LOPEZ"), (std::vector<std::string>{"GARCIA", "LOPEZ"}));
}

TEST(Match, BirthDateVariantsCoverSwapsAndOnlyValidDates) {
  const auto v = BirthDateVariants("1956-03-04", false);
  EXPECT_NE(std::find(v.begin(), v.end(), "1956-04-03"), v.end());  // day/month
  EXPECT_NE(std::find(v.begin(), v.end(), "1965-03-04"), v.end());  // adjacent digits
  EXPECT_EQ(std::find(v.begin(), v.end(), "1956-03-04"), v.end());
  for (const std::string& d : BirthDateVariants("1956-03-31", true)) {
    SCOPED_TRACE(d);
    EXPECT_NE(d, "1956-02-31");
    EXPECT_NE(d, "1956-03-39");
  }
}

TEST(Match, BlockingTermsMeetAcrossVariants) {
  auto meet = [](const Identity& a, const Identity& b) {
    const auto ia = IndexTerms(a);
    for (const std::string& t : QueryTerms(b))
      if (std::find(ia.begin(), ia.end(), t) != ia.end()) return true;
    return false;
  };
  EXPECT_TRUE(meet(kMaria, Person("LOPEZ", "MARIA", "", "")));                   // surname part + given name
  EXPECT_TRUE(meet(kMaria, Person("GARCIA-LOPEZ", "MARIA", "1956-04-03")));      // transposed date
  EXPECT_TRUE(meet(Person("SMITH", "ROBERT", "1970-01-15"), Person("SMITH", "BOB", "")));  // nickname
  EXPECT_TRUE(meet(kMaria, Person("X", "", "", "W12345G7B9")));                  // OCR'd member id
}

}  // namespace
}  // namespace faxintake::store::match
