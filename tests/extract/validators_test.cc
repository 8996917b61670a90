#include "extract/validators.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace faxintake::extract {
namespace {

const Ymd kToday{2026, 3, 16};

TEST(Npi, AcceptsValidCheckDigitsAndRejectsOthers) {
  struct Case {
    const char* npi;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"1234567893", true},  {"1234567890", false}, {"123456789", false}, {"12345678933", false},
      {"3234567893", false}, {"123456789O", false}, {"", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.npi);
    EXPECT_EQ(NpiIsValid(c.npi), c.valid);
  }
}

TEST(Npi, RepairsSingleOcrConfusions) {
  struct Case {
    const char* printed;
    const char* value;
    bool valid;
    bool repaired;
  };
  const std::vector<Case> cases = {
      {"1234567893", "1234567893", true, false},
      {"NPI 1234567893", "1234567893", true, false},
      {"123456789O", "1234567890", false, true},      // O->0 maps but fails, no fix: kept as read
      {"I234567893", "1234567893", true, true},       // I->1
      {"l234567893", "1234567893", true, true},       // l->1
      {"1234S67893", "1234567893", true, true},       // S->5
      {"12B4567893", "1234567893", true, true},       // B read for 3: B->8 fails, B->3 passes
      {"1234567B93", "1234567893", true, true},       // B->8
      {"1234 567 893", "1234567893", true, false},
      {"123-456-7893", "1234567893", true, false},
      {"12345", "", false, false},
      {"NPI LT 86285894", "1786285894", true, true},  // 1 and 7 read as letters, a word apart
      {"NPI LT 86285895", "", false, false},          // unless the check digit holds
      {"NPI LTA 86285894", "", false, false},         // two letters at most
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    const Checked got = NormalizeNpi(c.printed);
    EXPECT_EQ(got.value, c.value);
    EXPECT_EQ(got.valid, c.valid);
    EXPECT_EQ(got.repaired, c.repaired);
  }
}

TEST(Npi, KeepsAnUnrepairableNumberAsInvalid) {
  const Checked got = NormalizeNpi("1234567890");
  EXPECT_EQ(got.value, "1234567890");
  EXPECT_FALSE(got.valid);
  // 1234567800 has three one-digit fixes: none is picked.
  const Checked ambiguous = NormalizeNpi("1234567800");
  EXPECT_EQ(ambiguous.value, "1234567800");
  EXPECT_FALSE(ambiguous.valid);
}

TEST(Icd10, ChecksShape) {
  struct Case {
    const char* code;
    bool ok;
  };
  const std::vector<Case> cases = {{"M17.11", true}, {"I10", true},    {"F32.A", true}, {"J45.909", true},
                                   {"M1711", false}, {"148.91", false}, {"M17.", false}, {"m17.11", false},
                                   {"M17.11111", false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code);
    EXPECT_EQ(IsIcd10Shape(c.code), c.ok);
  }
}

TEST(Icd10, NormalizesAndRepairsByPosition) {
  struct Case {
    const char* printed;
    const char* value;
    bool valid;
    bool repaired;
  };
  const std::vector<Case> cases = {
      {"M17.11", "M17.11", true, false},  {"m17.11", "M17.11", true, false},  {"M1711", "M17.11", true, false},
      {"148.91", "I48.91", true, true},   {"ROO.2", "R00.2", true, true},     {"RO0.2", "R00.2", true, true},
      {"I10", "I10", true, false},        {"l10", "I10", true, true},         {"(E11.9)", "E11.9", true, false},
      {"E11.9,", "E11.9", true, false},   {"F32.A", "F32.A", true, false},    {"Z12.11", "Z12.11", true, false},
      {"2l2.11", "Z12.11", true, true},   {"5I3.2", "S13.2", true, true},     {"0I0.1", "O10.1", true, true},
      {"8O2.0", "B02.0", true, true},     {"G4O.9O9", "G40.909", true, true}, {"J45.9O9", "J45.909", true, true},
      {"M17.1I", "M17.11", true, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    const Checked got = NormalizeIcd10(c.printed);
    EXPECT_EQ(got.value, c.value);
    EXPECT_EQ(got.valid, c.valid);
    EXPECT_EQ(got.repaired, c.repaired);
  }
}

TEST(Icd10, RejectsTextThatCannotBeACode) {
  for (const char* printed : {"", "AB", "knee", "3456", "M17.111111", "9X1.2"}) {
    SCOPED_TRACE(printed);
    EXPECT_FALSE(NormalizeIcd10(printed).valid);
  }
}

TEST(ProcedureCodes, AcceptsCptAndHcpcsShapes) {
  struct Case {
    const char* printed;
    const char* value;
    bool valid;
  };
  const std::vector<Case> cases = {{"99204", "99204", true}, {"0001F", "0001F", true}, {"0042T", "0042T", true},
                                   {"G0439", "G0439", true}, {"2061O", "20610", true}, {"9920", "9920", false},
                                   {"W1234", "W1234", false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    const Checked got = NormalizeProcedureCode(c.printed);
    EXPECT_EQ(got.value, c.value);
    EXPECT_EQ(got.valid, c.valid);
  }
}

TEST(Phones, NormalizesNanpNumbersToE164) {
  struct Case {
    const char* printed;
    const char* value;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"(512) 555-0142", "+15125550142", true}, {"512-555-0142", "+15125550142", true},
      {"512.555.0142", "+15125550142", true},   {"1-800-555-0123", "+18005550123", true},
      {"+1 512 555 0142", "+15125550142", true}, {"(512) 555-O142", "+15125550142", true},
      {"(112) 555-0142", "+11125550142", false}, {"(512) 155-0142", "+15121550142", false},
      {"555-0142", "", false},                   {"", "", false},
      {"512-555-0142 ext 12", "+15125550142", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    const Checked got = NormalizePhone(c.printed);
    EXPECT_EQ(got.value, c.value);
    EXPECT_EQ(got.valid, c.valid);
  }
}

TEST(Dates, ReadsEveryPrintedFormat) {
  struct Case {
    const char* printed;
    const char* value;
  };
  const std::vector<Case> cases = {
      {"03/04/1956", "1956-03-04"},    {"3/4/1956", "1956-03-04"},       {"03-04-1956", "1956-03-04"},
      {"1956-03-04", "1956-03-04"},    {"March 4, 1956", "1956-03-04"},  {"04 Mar 1956", "1956-03-04"},
      {"Mar. 4, 1956", "1956-03-04"},  {"March 4. 1956", "1956-03-04"} /* comma read as a period */,  {"4 March 1956", "1956-03-04"},   {"03.04.1956", "1956-03-04"},
      {"03 / 04 / 1956", "1956-03-04"}, {"O3/O4/1956", "1956-03-04"},     {"12/31/2025", "2025-12-31"},
      {"02/29/2024", "2024-02-29"},
  };
  DateOptions o;
  o.today = kToday;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    const Checked got = NormalizeDate(c.printed, o);
    EXPECT_EQ(got.value, c.value);
    EXPECT_TRUE(got.valid);
  }
}

TEST(Dates, BirthDateWithOneDigitMisreadAsALookAlike) {
  DateOptions o;
  o.today = kToday;
  o.kind = DateKind::kBirth;
  Checked d = FindDate("(DOB 68-17-1975)", o);
  EXPECT_EQ(d.value, "1975-08-17");
  EXPECT_TRUE(d.valid);
  EXPECT_TRUE(d.repaired);
  EXPECT_EQ(FindDate("DOB 10-92-1937", o).value, "1937-10-02");
  EXPECT_EQ(NormalizeDate("10/92/1937", o).value, "1937-10-02");
  // Several look-alike readings are real days: none is taken.
  EXPECT_TRUE(FindDate("DOB 00-15-1960", o).empty());
  // A real day is never changed, and other dates are not read this way.
  EXPECT_EQ(FindDate("DOB 06-17-1975", o).value, "1975-06-17");
  DateOptions any;
  any.today = kToday;
  EXPECT_TRUE(FindDate("68-17-1975", any).empty());
}

TEST(Dates, ReadsThroughSeparatorsNoiseBroke) {
  DateOptions o;
  o.today = kToday;
  o.kind = DateKind::kBirth;
  struct Case {
    const char* printed;
    const char* value;  // "" when no reading can be trusted
  };
  const std::vector<Case> cases = {
      {"O4°27°1938", "1938-04-27"},  // specks for slashes
      {"0452751938", "1938-04-27"},  // both slashes read as digits
      {"045271938", "1938-04-27"},   // one read as a digit, one lost
      {"042751938", "1938-04-27"},   // one lost, one read as a digit
      {"011211938", ""},             // 01/21/1938 or 01/12/1938: no way to choose
      {"1234567890", ""},            // 12/45/...: no day 45
      // A month and day printed without leading zeros, their slash read as a digit or
      // lost, the year's slash read (seed 39 s0068, s0031).
      {"9728/2003", "2003-09-28"},   // 9/28/2003, the slash read as 7
      {"0630-1937", "1937-06-30"},   // 06-30-1937, the first dash lost
      {"1128/2003", ""},             // 1/28 (slash read as 1) or 11/28 (lost): no way to choose
      // A month printed with its leading zero has a two-digit day: 02-17-1972, the first
      // dash lost, is no 02/7/1972 with the dash read as 1 (seed 53 s0062).
      {"0217-1972", "1972-02-17"},
      {"1217/1972", ""},             // 12/17 or 1/21/7...: a month without its zero decides nothing
      // A year-first date, its second dash lost (seed 63 s0018).
      {"1959-1012", "1959-10-12"},
      {"1959-1312", ""},             // no month 13
      // Both separators lost (seed 68 s0036).
      {"8101958", "1958-08-10"},     // 8/10/1958: 81/0 is no day
      {"1121958", ""},               // 1/12/1958 or 11/2/1958: no way to choose
      {"361958", "1958-03-06"},      // 3/6/1958
      {"08101958", "1958-08-10"},    // 08/10/1958 (1958-08-10 read year first is no date)
      {"19580810", "1958-08-10"},    // year first
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    const Checked got = NormalizeDate(c.printed, o);
    EXPECT_EQ(got.value, c.value);
    if (!got.empty()) {
      EXPECT_TRUE(got.repaired);
    }
  }
}

// Seed 53 s0042: "DOB: Ol May 1934", the day's zero and one read as letters beside the
// month's name.
TEST(Dates, ADayReadAsLettersBesideTheMonthsName) {
  DateOptions o;
  o.today = kToday;
  o.kind = DateKind::kBirth;
  EXPECT_EQ(NormalizeDate("Ol May 1934", o).value, "1934-05-01");
  EXPECT_TRUE(NormalizeDate("Ol May 1934", o).repaired);
  EXPECT_EQ(NormalizeDate("May lO, 1934", o).value, "1934-05-10");
  EXPECT_EQ(FindDate("DOB Ol May 1934 ;", o).value, "1934-05-01");
  // Words that are no days, and letters beside a word that is no month, stay as read.
  EXPECT_EQ(NormalizeDate("is May 1934", o).value, "");
  EXPECT_EQ(NormalizeDate("Ol Mayo 1934", o).value, "");
  EXPECT_EQ(FindDate("So May 1934 was", o).value, "");
}

// Seed 76 s0021: "19 Fun 1935", June's J read as an F. The one month one letter off is
// taken; a word one letter off two months ("Jub": Jun, Jul) or off none stays as read.
TEST(Dates, AMonthsNameReadOneLetterWrong) {
  DateOptions o;
  o.today = kToday;
  o.kind = DateKind::kBirth;
  EXPECT_EQ(NormalizeDate("19 Fun 1935", o).value, "1935-06-19");
  EXPECT_TRUE(NormalizeDate("19 Fun 1935", o).repaired);
  EXPECT_EQ(NormalizeDate("Fun 19, 1935", o).value, "1935-06-19");
  EXPECT_EQ(FindDate("DOB: 3 Oec 1950 ;", o).value, "1950-12-03");
  EXPECT_EQ(NormalizeDate("19 Jub 1935", o).value, "");
  EXPECT_EQ(NormalizeDate("19 Fox 1935", o).value, "");
  EXPECT_EQ(FindDate("seen 19 for 1935", o).value, "");
}

TEST(Dates, RejectsImpossibleDays) {
  DateOptions o;
  o.today = kToday;
  for (const char* printed : {"02/30/2024", "13/01/2020", "00/10/2020", "02/29/2023", "not a date", ""}) {
    SCOPED_TRACE(printed);
    EXPECT_TRUE(NormalizeDate(printed, o).empty());
  }
}

TEST(Dates, ExpandsTwoDigitYearsWithAPivot) {
  struct Case {
    const char* printed;
    DateKind kind;
    const char* value;
  };
  const std::vector<Case> cases = {
      {"03/04/56", DateKind::kBirth, "1956-03-04"}, {"03/04/19", DateKind::kBirth, "2019-03-04"},
      {"03/04/27", DateKind::kBirth, "1927-03-04"}, {"03/12/26", DateKind::kAny, "2026-03-12"},
      {"03/12/35", DateKind::kAny, "2035-03-12"},   {"03/12/37", DateKind::kAny, "1937-03-12"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    DateOptions o;
    o.today = kToday;
    o.kind = c.kind;
    EXPECT_EQ(NormalizeDate(c.printed, o).value, c.value);
  }
}

TEST(Dates, ChecksBirthDatePlausibility) {
  DateOptions o;
  o.today = kToday;
  o.kind = DateKind::kBirth;
  EXPECT_TRUE(NormalizeDate("03/04/1956", o).valid);
  const Checked future = NormalizeDate("04/01/2026", o);
  EXPECT_EQ(future.value, "2026-04-01");
  EXPECT_FALSE(future.valid);
  // 1890 is too old; its hundreds digit read wrong is the one plausible reading (1990).
  const Checked old = NormalizeDate("01/01/1890", o);
  EXPECT_EQ(old.value, "1990-01-01");
  EXPECT_TRUE(old.repaired);
  EXPECT_FALSE(NormalizeDate("01/01/1815", o).valid);  // 1915 or 2015
  EXPECT_TRUE(NormalizeDate("03/17/1901", o).valid);
}

TEST(Dates, FindsADateInsideText) {
  DateOptions o;
  o.today = kToday;
  EXPECT_EQ(FindDate("DOB 03/04/1956 Age: 70", o).value, "1956-03-04");
  EXPECT_EQ(FindDate("Approved From: 03/01/2026 Through: 05/31/2026", o).value, "2026-03-01");
  EXPECT_EQ(FindDate("Maria Lopez (DOB March 4, 1956)", o).value, "1956-03-04");
  EXPECT_TRUE(FindDate("Number of Visits: 12", o).empty());
}

TEST(Dates, AMonthAndYearAreNoDayOfThatMonth) {
  // "(NOB 91 Jun 1998)": the day 91 is none, and "Jun 1998" is no June 19, '98 (seed 45
  // s0015 read 1998-06-19).
  DateOptions o;
  o.today = kToday;
  o.kind = DateKind::kBirth;
  EXPECT_TRUE(FindDate("91 Jun 1998", o).empty());
  EXPECT_TRUE(FindDate("Jun 1998", o).empty());
  EXPECT_EQ(FindDate("01 Jun 1998", o).value, "1998-06-01");
  EXPECT_EQ(FindDate("Jun 19 98", o).value, "1998-06-19");
  EXPECT_EQ(FindDate("June 3rd, 1998", o).value, "1998-06-03");
  EXPECT_EQ(FindDate("June 3rd 1998", o).value, "1998-06-03");
  EXPECT_EQ(FindDate("Mar. 4,1956", o).value, "1956-03-04");
  EXPECT_TRUE(IsMonthName("Jun"));
  EXPECT_TRUE(IsMonthName("SEPT"));
  EXPECT_TRUE(IsMonthName("september"));
  EXPECT_FALSE(IsMonthName("Junk"));
  EXPECT_FALSE(IsMonthName("Ju"));
  EXPECT_FALSE(IsMonthName("Mayor"));
}

TEST(Names, ParsesPatientNamesInEveryOrder) {
  struct Case {
    const char* printed;
    const char* family;
    const char* given;
  };
  const std::vector<Case> cases = {
      {"LOPEZ, MARIA", "LOPEZ", "MARIA"},
      {"LOPEZ, MARIA A", "LOPEZ", "MARIA"},
      {"Lopez, Maria A", "LOPEZ", "MARIA"},
      {"Lopez, Maria Ann", "LOPEZ", "MARIA"},
      {"Maria Lopez", "LOPEZ", "MARIA"},
      {"Maria A. Lopez", "LOPEZ", "MARIA"},
      {"MARIA A LOPEZ", "LOPEZ", "MARIA"},
      {"GARCIA-LOPEZ, MARIA", "GARCIA-LOPEZ", "MARIA"},
      {"Maria Garcia-Lopez", "GARCIA-LOPEZ", "MARIA"},
      {"Maria Garcia - Lopez", "GARCIA-LOPEZ", "MARIA"},
      {"DE LA CRUZ, JOSE", "DE LA CRUZ", "JOSE"},
      {"Jose De La Cruz", "DE LA CRUZ", "JOSE"},
      {"Jose L. De La Cruz", "DE LA CRUZ", "JOSE"},
      {"JOSE VAN DYKE", "VAN DYKE", "JOSE"},
      {"GARCIA LOPEZ, MARIA", "GARCIA LOPEZ", "MARIA"},
      {"O'Brien, Sean", "O'BRIEN", "SEAN"},
      {"Mr. John  Smith", "SMITH", "JOHN"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    auto got = ParsePersonName(c.printed);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->family, c.family);
    EXPECT_EQ(got->given, c.given);
  }
}

TEST(Names, RejectsSingleWords) {
  EXPECT_FALSE(ParsePersonName("Lopez").has_value());
  EXPECT_FALSE(ParsePersonName("").has_value());
  EXPECT_FALSE(ParsePersonName("___").has_value());
}

TEST(Names, NormalizesProviderNamesWithoutTitlesOrCredentials) {
  struct Case {
    const char* printed;
    const char* value;
  };
  const std::vector<Case> cases = {
      {"Dr. John Smith, MD", "JOHN SMITH"},   {"Dr. John Smith", "JOHN SMITH"},
      {"John A. Smith, MD", "JOHN SMITH"},    {"JOHN SMITH, MD", "JOHN SMITH"},
      {"Dr. John A. Smith", "JOHN SMITH"},    {"Karen Lee-Wong, FNP-C", "KAREN LEE-WONG"},
      {"Gary Moore, PA-C", "GARY MOORE"},     {"Dr. Ryan Wilson (Lakeside Cardiology)", "RYAN WILSON"},
      {"Amy Chen, DO", "AMY CHEN"},           {"JOHN SMITH MD", "JOHN SMITH"},
      {"Sean O'Brien, DPT", "SEAN O'BRIEN"},
      // As faxes come out of OCR: DR. losing the D's stem, MD read as MID or MT).
      {"OR. Kathleen Hall", "KATHLEEN HALL"}, {"DONNA COX, MID", "DONNA COX"},
      {"Joshua Mendoza, MT)", "JOSHUA MENDOZA"}, {"SMITH, DON", "DON SMITH"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    EXPECT_EQ(NormalizeProviderName(c.printed).value_or("<none>"), c.value);
  }
}

TEST(Names, TellsPeopleFromPractices) {
  EXPECT_TRUE(HasTitleOrCredential("Dr. Ryan Wilson"));
  EXPECT_TRUE(HasTitleOrCredential("Ryan Wilson, MD"));
  EXPECT_TRUE(HasTitleOrCredential("RYAN WILSON, DO"));
  EXPECT_TRUE(HasTitleOrCredential("Karen Lee, FNP-C"));
  EXPECT_FALSE(HasTitleOrCredential("Lakeside Cardiology"));
  EXPECT_FALSE(HasTitleOrCredential("Hill Country Bone and Joint Center"));
  EXPECT_TRUE(HasTitleOrCredential("Joshua Mendoza, MT)"));
  EXPECT_FALSE(HasTitleOrCredential("Johnson, Ed"));
  EXPECT_FALSE(HasTitleOrCredential("Mendoza, Joshua"));
}

TEST(Identifiers, KeepLettersAndDigitsOnly) {
  struct Case {
    const char* printed;
    const char* value;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"W123456789", "W123456789", true}, {"U12345678 01", "U1234567801", true},
      {"ZGP 123456789", "ZGP123456789", true}, {"123456-001", "123456001", true},
      {"PA-2026-123456", "PA2026123456", true}, {"n/a", "", false},
      {"N/A", "", false},                   {"Not required", "", false},
      {"Pending", "", false},               {"_______________", "", false},
      {"ABC", "ABC", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    const Checked got = NormalizeIdentifier(c.printed);
    EXPECT_EQ(got.value, c.value);
    EXPECT_EQ(got.valid, c.valid);
  }
}

TEST(Identifiers, AnAtSignBetweenCharactersIsAZero) {
  const Checked ref = NormalizeAuthorizationNumber("REF@527011");
  EXPECT_EQ(ref.value, "REF0527011");
  EXPECT_TRUE(ref.repaired);
  EXPECT_EQ(NormalizeMbi("1EG4TE5MK7@").value, "1EG4TE5MK7");  // at the end: no zero
  EXPECT_EQ(NormalizeMemberId("W12345@789").value, "W123450789");
  EXPECT_FALSE(NormalizeIdentifier("W123456789").repaired);
}

TEST(Dates, ARecentDayIsOfThePresentBusiness) {
  DateOptions o;
  o.today = Ymd{2026, 3, 16};
  o.kind = DateKind::kRecent;
  EXPECT_TRUE(NormalizeDate("03/10/2026", o).valid);
  EXPECT_TRUE(NormalizeDate("06/30/2027", o).valid);
  EXPECT_FALSE(NormalizeDate("December 21, 1943", o).valid);
  EXPECT_EQ(NormalizeDate("December 21, 1943", o).value, "1943-12-21");  // kept, judged invalid
  EXPECT_FALSE(NormalizeDate("01/01/2030", o).valid);
}

TEST(Identifiers, ReadsMedicareNumbers) {
  EXPECT_EQ(NormalizeMbi("1EG4-TE5-MK73").value, "1EG4TE5MK73");
  EXPECT_TRUE(NormalizeMbi("1EG4-TE5-MK73").valid);
  const Checked repaired = NormalizeMbi("IEG4-TE5-MK7S");
  EXPECT_EQ(repaired.value, "1EG4TE5MK75");
  EXPECT_TRUE(repaired.valid);
  EXPECT_TRUE(repaired.repaired);
  EXPECT_FALSE(NormalizeMbi("1EG4-TE5-MK7").valid);
  // An I where a letter stands is the J that lost its hook (seeds 110 s0009 and 108 s0090);
  // where a digit may stand it is the 1.
  EXPECT_EQ(NormalizeMbi("6Q43TNBING7").value, "6Q43TN8JN67");
  EXPECT_TRUE(NormalizeMbi("6Q43TNBING7").valid);
  EXPECT_EQ(NormalizeMbi("2RVGIUIUF03").value, "2RV6JU1UF03");
  // A J read as a bracket inside the id.
  const Checked bracket = NormalizeMbi("5GA4)44TG84");
  EXPECT_EQ(bracket.value, "5GA4J44TG84");
  EXPECT_TRUE(bracket.valid);
  EXPECT_TRUE(bracket.repaired);
  EXPECT_FALSE(NormalizeMbi("(5GA444TG84)").valid);  // brackets around it are not letters
  // An H read as two strokes (seed 64 s0066).
  const Checked h = NormalizeMbi("3PE21133NT63.");
  EXPECT_EQ(h.value, "3PE2H33NT63");
  EXPECT_TRUE(h.valid);
  EXPECT_TRUE(h.repaired);
  // Strokes that make no MBI with an H either: left invalid.
  EXPECT_FALSE(NormalizeMbi("3PE21133N11T").valid);
}

TEST(Addresses, NormalizesStatesAndPostalCodes) {
  EXPECT_EQ(NormalizeState("TX").value_or(""), "TX");
  EXPECT_EQ(NormalizeState("tx").value_or(""), "TX");
  EXPECT_EQ(NormalizeState("Texas").value_or(""), "TX");
  EXPECT_EQ(NormalizeState("New Mexico").value_or(""), "NM");
  EXPECT_FALSE(NormalizeState("XX").has_value());
  EXPECT_EQ(NormalizePostalCode("78701").value, "78701");
  EXPECT_EQ(NormalizePostalCode("78701-1234").value, "78701");
  EXPECT_EQ(NormalizePostalCode("787O1").value, "78701");
  EXPECT_TRUE(NormalizePostalCode("787O1").repaired);
  EXPECT_FALSE(NormalizePostalCode("7870").valid);
}

TEST(Addresses, SplitsCityStateZipLines) {
  struct Case {
    const char* printed;
    const char* city;
    const char* state;
    const char* zip;
  };
  const std::vector<Case> cases = {
      {"AUSTIN, TX 78701", "AUSTIN", "TX", "78701"},
      {"Round Rock, TX 78664-1234", "ROUND ROCK", "TX", "78664"},
      {"San Marcos TX 78667", "SAN MARCOS", "TX", "78667"},
      {"Oklahoma City, OK 73102", "OKLAHOMA CITY", "OK", "73102"},
      {"Fort Worth, Texas 76102", "FORT WORTH", "TX", "76102"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    auto got = ParseCityStateZip(c.printed);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->city, c.city);
    EXPECT_EQ(got->state, c.state);
    EXPECT_EQ(got->postal_code.value, c.zip);
  }
  EXPECT_FALSE(ParseCityStateZip("nothing here").has_value());
}

TEST(CodedWords, ReadsPriorityWordsAndCheckboxes) {
  struct Case {
    const char* printed;
    std::optional<std::string> value;
  };
  const std::vector<Case> cases = {
      {"Routine", "routine"},
      {"URGENT", "urgent"},
      {"ASAP", "urgent"},
      {"STAT", "stat"},
      {"[X] Routine   [ ] Urgent   [ ] STAT", "routine"},
      {"[ ] Routine   [X] Urgent   [ ] STAT", "urgent"},
      {"[] Routine [] Urgent [X] STAT", "stat"},
      {"[X]Routine []Urgent [ ]STAT", "routine"},
      {"[ ] Routine   [x] Urgent   [ ] STAT", "urgent"},
      {"[ ] Routine   [ ] Urgent   [ ] STAT", std::nullopt},
      {"whenever", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.printed);
    EXPECT_EQ(NormalizePriority(c.printed), c.value);
  }
}

TEST(CodedWords, ReadsSexAndAuthorizationStatus) {
  EXPECT_EQ(NormalizeSex("F").value_or(""), "female");
  EXPECT_EQ(NormalizeSex("Male").value_or(""), "male");
  EXPECT_EQ(NormalizeSex("Unknown").value_or(""), "unknown");
  EXPECT_FALSE(NormalizeSex("Q").has_value());
  // As noise leaves the words, within two slips (one for "male"); no short word is one.
  EXPECT_EQ(NormalizeSex("Fenaie").value_or(""), "female");
  EXPECT_FALSE(NormalizeSex("Ponale").has_value());  // three slips
  EXPECT_EQ(NormalizeSex("Maie").value_or(""), "male");
  EXPECT_FALSE(NormalizeSex("Mail of").has_value());
  EXPECT_FALSE(NormalizeSex("Mr").has_value());
  EXPECT_FALSE(NormalizeSex("Single").has_value());
  EXPECT_EQ(NormalizeAuthStatus("APPROVED").value_or(""), "approved");
  EXPECT_EQ(NormalizeAuthStatus("has been denied").value_or(""), "denied");
  EXPECT_EQ(NormalizeAuthStatus("NOT APPROVED").value_or(""), "denied");
  EXPECT_EQ(NormalizeAuthStatus("Pending").value_or(""), "pending");
  EXPECT_FALSE(NormalizeAuthStatus("maybe").has_value());
}

TEST(Text, NormalizesCaseAndSpaces) {
  EXPECT_EQ(UpperSingleSpaced("  Hill   Country\tFamily Medicine "), "HILL COUNTRY FAMILY MEDICINE");
  EXPECT_EQ(SingleSpaced("  Evaluation  of   knee pain "), "Evaluation of knee pain");
  EXPECT_EQ(AlnumUpper("pa-2026-123456"), "PA2026123456");
}

}  // namespace
}  // namespace faxintake::extract

namespace faxintake::extract {
namespace {

TEST(Names, PeriodReadAsCommaAfterMiddleInitial) {
  auto n = ParsePersonName("Sandra M, Alvarez");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->family, "ALVAREZ");
  EXPECT_EQ(n->given, "SANDRA");
  auto m = ParsePersonName("ALVAREZ, SANDRA M");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->family, "ALVAREZ");
  EXPECT_EQ(m->given, "SANDRA");
}

TEST(Names, PeriodReadForTheCommaAfterAFamilyNameInCapitals) {
  auto n = ParsePersonName("RAMIREZ. JOYCE R");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->family, "RAMIREZ");
  EXPECT_EQ(n->given, "JOYCE");
  // A family name of two words (seed 54 s0041).
  n = ParsePersonName("HERNANDEZ MARTINEZ. CHRISTOPHER");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->family, "HERNANDEZ MARTINEZ");
  EXPECT_EQ(n->given, "CHRISTOPHER");
  // In mixed case, before a given and a middle name (seed 77 s0047).
  n = ParsePersonName("Chen. Kevin Edward");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->family, "CHEN");
  EXPECT_EQ(n->given, "KEVIN");
  for (const char* first_last : {"MRS. JOYCE RAMIREZ", "J. RAMIREZ", "Joyce. Ramirez", "JOYCE A. RAMIREZ",
                                 "JOYCE RAMIREZ. MD", "Mrs. Joyce Ann Ramirez", "Joyce Ann. Ramirez"}) {
    SCOPED_TRACE(first_last);
    auto m = ParsePersonName(first_last);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->family, "RAMIREZ");
  }
}

TEST(Zip, StateForZipByPrefix) {
  EXPECT_EQ(StateForZip("78701"), "TX");
  EXPECT_EQ(StateForZip("33625"), "FL");
  EXPECT_EQ(StateForZip("80230"), "CO");
  EXPECT_EQ(StateForZip("85008"), "AZ");
  EXPECT_FALSE(StateForZip("09001").has_value());  // military
  EXPECT_FALSE(StateForZip("7870").has_value());
}

TEST(Identifiers, LetterOBesideDigitsIsZero) {
  const Checked c = NormalizeIdentifier("REFO717174");
  EXPECT_EQ(c.value, "REF0717174");
  EXPECT_TRUE(c.repaired);
  EXPECT_EQ(NormalizeIdentifier("ROBO-12").value, "ROB012");
  // An S read as a dollar sign before letters (seed 53 s0088); before digits it may be a 5.
  EXPECT_EQ(NormalizeIdentifier("$MZ660055010").value, "SMZ660055010");
  EXPECT_EQ(NormalizeIdentifier("$123456").value, "123456");
}

TEST(Identifiers, MedicareNumberRepairedByPosition) {
  // B and O in positions 3 and 4 (letter-or-digit, digit): MBIs never hold B or O.
  const Checked b = NormalizeMbi("2WBOYM4MJ47");
  EXPECT_EQ(b.value, "2W80YM4MJ47");
  EXPECT_TRUE(b.valid);
  EXPECT_TRUE(b.repaired);
  // S and Z in position 6: digits.
  EXPECT_EQ(NormalizeMbi("1EG4TS5MK73").value, "1EG4T55MK73");
  EXPECT_EQ(NormalizeMbi("1EG4TZ5MK73").value, "1EG4T25MK73");
  // A 6 in a letter position (5) is a G.
  const Checked g = NormalizeMbi("1EG46E5MK73");
  EXPECT_EQ(g.value, "1EG4GE5MK73");
  EXPECT_TRUE(g.valid);
  // One extra character: the unique deletion that fits the pattern.
  const Checked extra = NormalizeMbi("9ME1IMK3DW69");
  EXPECT_EQ(extra.value, "9ME1MK3DW69");
  EXPECT_TRUE(extra.valid);
  // Eleven digits (another payer's id) never turn into an MBI.
  EXPECT_FALSE(NormalizeMbi("12345678901").valid);
}

TEST(Identifiers, MemberIdIsAnMbiOnlyWhenNoPlainerShapeHoldsIt) {
  // A Blue Cross prefix and nine digits, twelve characters: dropping the R and reading
  // S, 6, 6 as 5, G, G would make an MBI of it ("5Y92G50GG59"), but it is whole as read.
  EXPECT_EQ(NormalizeMemberId("RSY926506659").value, "RSY926506659");
  EXPECT_EQ(NormalizeMemberId("RSY926506659,").value, "RSY926506659");
  // An MBI with its dashes, and one with a stray letter, are read as MBIs.
  EXPECT_EQ(NormalizeMemberId("1EG4-TE5-MK73").value, "1EG4TE5MK73");
  EXPECT_EQ(NormalizeMemberId("9ME1IMK3DW69").value, "9ME1MK3DW69");
  EXPECT_EQ(NormalizeMemberId("W123456789").value, "W123456789");
}

TEST(Identifiers, LettersInsideTheDigitRunAreDigits) {
  const Checked s = NormalizeIdentifier("UM5051S661");
  EXPECT_EQ(s.value, "UM50515661");
  EXPECT_TRUE(s.repaired);
  EXPECT_EQ(NormalizeIdentifier("A7T7804785").value, "A777804785");
  EXPECT_EQ(NormalizeIdentifier("W12345B789").value, "W123458789");
  // The prefix stays letters, and a letter ending the id stays a letter.
  EXPECT_EQ(NormalizeIdentifier("BT12345678").value, "BT12345678");
  EXPECT_EQ(NormalizeIdentifier("12345678A").value, "12345678A");
  // Ids that mix letters and digits by design are left alone.
  EXPECT_EQ(NormalizeIdentifier("1EG4TE5MK73").value, "1EG4TE5MK73");
  EXPECT_EQ(NormalizeIdentifier("PA2026T123").value, "PA20267123");
  EXPECT_EQ(NormalizeIdentifier("42A71814390223").value, "42A71814390223");
}

TEST(Npi, ElevenDigitsByTheUniqueDeletion) {
  const Checked got = NormalizeNpi("NPI# 12734567893");
  EXPECT_EQ(got.value, "1234567893");
  EXPECT_TRUE(got.valid);
  EXPECT_TRUE(got.repaired);
  // Three deletions pass the check digit: nothing is invented.
  EXPECT_FALSE(NormalizeNpi("16296959129").valid);
}

TEST(Names, ThreeCommaPartsAreADoubleSurname) {
  auto n = ParsePersonName("GONZALEZ, RIVERA, AHMED");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->family, "GONZALEZ RIVERA");
  EXPECT_EQ(n->given, "AHMED");
}

TEST(Identifiers, AuthorizationNumberLowerCaseLBeforeTheDigitsIsOne) {
  // Seed 108 s0076: A111124441 read "Al11124441".
  const Checked c = NormalizeAuthorizationNumber("Al11124441");
  EXPECT_EQ(c.value, "A111124441");
  EXPECT_TRUE(c.repaired);
  // A capital L is the letter printed.
  EXPECT_EQ(NormalizeAuthorizationNumber("AL11124441").value, "AL11124441");
  // Too few digits after it to be an identifier's run.
  EXPECT_EQ(NormalizeAuthorizationNumber("Al1234").value, "AL1234");
}

TEST(Identifiers, AuthorizationNumberSBeforeTheDigitsIsFive) {
  const Checked c = NormalizeAuthorizationNumber("UMS0515661");
  EXPECT_EQ(c.value, "UM50515661");
  EXPECT_TRUE(c.repaired);
  EXPECT_EQ(NormalizeAuthorizationNumber("REF0717174").value, "REF0717174");
  EXPECT_EQ(NormalizeAuthorizationNumber("S1234567").value, "S1234567");
  EXPECT_EQ(NormalizeAuthorizationNumber("N/A").value, "");
  EXPECT_EQ(NormalizeAuthorizationNumber("NIA").value, "");  // the slash read as I
  EXPECT_EQ(NormalizeIdentifier("N1A").value, "");
}

TEST(Identifiers, MedicareTrackingNumberReadOneCharacterLong) {
  struct Case {
    const char* read;
    const char* want;
  };
  for (const Case& c : {Case{"044A12002172432", "04A12002172432"}, Case{"66H008597174668", "66H08597174668"},
                        Case{"57A489797951835", "57A89797951835"}, Case{"171116347236389", "17H16347236389"}}) {
    const Checked got = NormalizeAuthorizationNumber(c.read);
    EXPECT_EQ(got.value, c.want) << c.read;
    EXPECT_TRUE(got.repaired) << c.read;
  }
  // Other shapes of fifteen characters are left as read.
  EXPECT_EQ(NormalizeAuthorizationNumber("PA1234567890123").value, "PA1234567890123");
  EXPECT_EQ(NormalizeAuthorizationNumber("123456789012345").value, "123456789012345");
  EXPECT_EQ(NormalizeAuthorizationNumber("04A1200217243").value, "04A1200217243");
}

TEST(Identifiers, MedicareTrackingNumberReadThroughLookAlikes) {
  Checked c = NormalizeAuthorizationNumber("84409243670897");  // the A read as 4
  EXPECT_EQ(c.value, "84A09243670897");
  EXPECT_TRUE(c.repaired);
  EXPECT_EQ(NormalizeAuthorizationNumber("43H9O2897295B4").value, "43H90289729584");
  EXPECT_EQ(NormalizeAuthorizationNumber("43H90289729584").value, "43H90289729584");
  EXPECT_FALSE(NormalizeAuthorizationNumber("43H90289729584").repaired);
  // Other lengths are not read this way.
  EXPECT_EQ(NormalizeAuthorizationNumber("8440924367089").value, "8440924367089");
}

TEST(Dates, BirthYearWithItsHundredsDigitMisread) {
  DateOptions o;
  o.kind = DateKind::kBirth;
  o.today = Ymd{2026, 3, 16};
  const Checked a = NormalizeDate("11/07/1878", o);
  EXPECT_EQ(a.value, "1978-11-07");
  EXPECT_TRUE(a.valid);
  EXPECT_TRUE(a.repaired);
  EXPECT_EQ(NormalizeDate("03/19/1549", o).value, "1949-03-19");
  // 1915 or 2015: both plausible, nothing chosen.
  const Checked b = NormalizeDate("03/19/1815", o);
  EXPECT_EQ(b.value, "1815-03-19");
  EXPECT_FALSE(b.valid);
}

}  // namespace
}  // namespace faxintake::extract

namespace faxintake::extract {
namespace {

TEST(Names, GivenNamesThatNameDifferentPeople) {
  EXPECT_TRUE(GivenNamesDiffer("SHARON", "RONALD"));
  EXPECT_TRUE(GivenNamesDiffer("CHRISTOPHER", "CHRISTINA"));
  EXPECT_TRUE(GivenNamesDiffer("ANA", "EVA"));
  EXPECT_FALSE(GivenNamesDiffer("JON", "JOHN"));       // one slip
  EXPECT_FALSE(GivenNamesDiffer("SHARON", "SHARCN"));
  EXPECT_FALSE(GivenNamesDiffer("RICILARD", "RICHARD"));  // an H read as two strokes
  EXPECT_FALSE(GivenNamesDiffer("MARIA", "MARIA L"));  // the first words decide
  EXPECT_FALSE(GivenNamesDiffer("MARIA", "MARIAL"));   // a middle initial joined on
  EXPECT_FALSE(GivenNamesDiffer("M", "MICHAEL"));      // an initial
  EXPECT_FALSE(GivenNamesDiffer("", "MICHAEL"));
}

TEST(Names, FullNamesReadWithASlipInEachPart) {
  EXPECT_TRUE(FullNamesSlipped("GREEU", "JUAU", "GREEN", "JUAN"));  // N read as U twice
  EXPECT_TRUE(FullNamesSlipped("GREEN", "JUAN", "GREEN", "JUAN J"));
  EXPECT_FALSE(FullNamesSlipped("GREEU", "J", "GREEN", "JUAN"));    // an initial is too little
  EXPECT_FALSE(FullNamesSlipped("GREEU", "", "GREEN", "JUAN"));
  EXPECT_FALSE(FullNamesSlipped("GRAY", "JUAN", "GREEN", "JUAN"));  // two edits
  EXPECT_FALSE(FullNamesSlipped("LEE", "ANNA", "LEI", "ANNA"));     // too short to tell a slip
  EXPECT_FALSE(FullNamesSlipped("GREEU", "SHARON", "GREEN", "RONALD"));
}

TEST(Payers, KnownNamesSurviveOcrSlipsAndUnknownOnesAreLeftAlone) {
  int edits = -1;
  EXPECT_EQ(KnownPayer("UNITEDHEALTHEARE", &edits), "UNITEDHEALTHCARE");
  EXPECT_EQ(edits, 1);
  EXPECT_EQ(KnownPayer("AETNA", &edits), "AETNA");
  EXPECT_EQ(edits, 0);
  EXPECT_EQ(KnownPayer("BLUE CROSS BLUE SHIELD OF TEXAS"), "BLUE CROSS BLUE SHIELD OF TEXAS");
  EXPECT_EQ(KnownPayer("BLUE CR0SS BLUE SHIELD 0F TEXAS"), "BLUE CROSS BLUE SHIELD OF TEXAS");
  // Faint E's read as R over a long name: four slips in 26 letters (seed 53 s0008).
  EXPECT_EQ(KnownPayer("BLUR CROSS BLUR SHIRLD OF TRXAS"), "BLUE CROSS BLUE SHIELD OF TEXAS");
  EXPECT_EQ(KnownPayer("BLUE CROSS BLUE SHIELD OF ILLINOIS"), std::nullopt);
  EXPECT_EQ(KnownPayer("MEDICAIR"), std::nullopt);  // one edit from MEDICAID, two from MEDICARE
  EXPECT_EQ(KnownPayer("MEDICARE"), "MEDICARE");
  EXPECT_EQ(KnownPayer("HUMANNA"), "HUMANA");          // five letters or more allow one edit
  EXPECT_EQ(KnownPayer("ACTNA", &edits), "AETNA");
  EXPECT_EQ(edits, 1);
  EXPECT_EQ(KnownPayer("CIGMA"), "CIGNA");
  // An H read as two strokes at normal resolution (seed 89 s0091), one edit more.
  EXPECT_EQ(KnownPayer("TIUMANA", &edits), "HUMANA");
  EXPECT_EQ(edits, 1);
  EXPECT_EQ(KnownPayer("TIMOTHY"), std::nullopt);
  // Letter-spaced logos and debris after the name.
  EXPECT_EQ(KnownPayer("U N ITE D H E A LTH CA R E", &edits), "UNITEDHEALTHCARE");
  EXPECT_EQ(edits, 0);
  EXPECT_EQ(KnownPayer("BLUE CROSS BLUE SHIELD OF TEXAS!:2222:2\",\"EXEOZNER"), "BLUE CROSS BLUE SHIELD OF TEXAS");
  EXPECT_EQ(KnownPayer("\u2018HUMANA \u2014"), "HUMANA");
  EXPECT_EQ(KnownPayer("AETNA 123456789"), "AETNA");
  // A longer plan name in words is not cut to the known name it starts with.
  EXPECT_EQ(KnownPayer("AETNA BETTER HEALTH"), std::nullopt);
  EXPECT_EQ(KnownPayer("HUMANA GOLD PLUS"), std::nullopt);
  EXPECT_EQ(KnownPayer("ACME HEALTH PLAN"), std::nullopt);
  EXPECT_EQ(KnownPayer(""), std::nullopt);
}

TEST(MemberIds, ReadAgainstThePayersShape) {
  // An H read as two strokes, a zero read as O, a five as S.
  EXPECT_EQ(RepairMemberId("1126743282", "HUMANA"), "H26743282");
  EXPECT_EQ(RepairMemberId("I131502345", "HUMANA"), "H31502345");
  EXPECT_EQ(RepairMemberId("110885431102", "CIGNA"), "U0885431102");  // Cigna's U as two strokes
  EXPECT_EQ(RepairMemberId("173035327704", "CIGNA"), "U3035327704");  // its right stroke bent
  EXPECT_EQ(RepairMemberId("173035327704", "HUMANA"), std::nullopt);  // an H is never 17
  EXPECT_EQ(RepairMemberId("017940412303", "CIGNA"), "U7940412303");  // its bowl closed
  EXPECT_EQ(RepairMemberId("017940412303", "HUMANA"), std::nullopt);  // nor 01
  EXPECT_EQ(RepairMemberId("WV472358645", "AETNA"), "W472358645");    // a W read as W and V
  EXPECT_EQ(RepairMemberId("V328781475", "AETNA"), "W328781475");     // its first stroke read apart
  EXPECT_FALSE(RepairMemberId("V328781475", "HUMANA").has_value());
  EXPECT_EQ(RepairMemberId("WV47235864", "AETNA"), std::nullopt);     // then one digit short
  EXPECT_EQ(RepairMemberId("WW888044158", "AETNA"), "W888044158");    // or W twice
  // A Z of a Blue Cross prefix read as 7, its bar and diagonal.
  EXPECT_EQ(RepairMemberId("72B026016143", "BLUE CROSS BLUE SHIELD OF TEXAS"), "ZZB026016143");
  EXPECT_EQ(RepairMemberId("W12345678O", "AETNA"), "W123456780");
  EXPECT_EQ(RepairMemberId("9163O9IS8", "UNITEDHEALTHCARE"), "916309158");
  EXPECT_EQ(RepairMemberId("57O78O89208", "TRICARE"), "57078089208");  // the benefits number
  EXPECT_EQ(MemberIdShape("TRICARE"), "DDDDDDDDDDD");
  EXPECT_EQ(MemberIdShape("MOLINA HEALTHCARE"), "");  // no one shape known
  EXPECT_EQ(RepairMemberId("U1234567801", "CIGNA"), std::nullopt);  // fits already
  EXPECT_EQ(RepairMemberId("V12345678O1", "CIGNA"), "U1234567801");
  EXPECT_EQ(RepairMemberId("RXG3476O9516", "BLUE CROSS BLUE SHIELD OF TEXAS"), "RXG347609516");
  EXPECT_EQ(RepairMemberId("5XG347609516", "BLUE CROSS BLUE SHIELD OF TEXAS"), "SXG347609516");
  // The payer's leading letter lost at the edge of the cell.
  EXPECT_EQ(RepairMemberId("0885431102", "CIGNA"), "U0885431102");
  EXPECT_EQ(RepairMemberId("658505714", "AETNA"), "W658505714");
  EXPECT_EQ(RepairMemberId("0885431172", "CIGNA"), std::nullopt);  // the rest does not fit either
  // A letter in a digit position takes the digit the engine weighed for it before the
  // table's look-alike: "XPCT89G02882" with 1 weighed for the T (seed 45 s0063).
  const std::string bcbs = "BLUE CROSS BLUE SHIELD OF TEXAS";
  EXPECT_EQ(RepairMemberId("XPCT89G02882", bcbs, "   1  6     "), "XPC189602882");
  EXPECT_EQ(RepairMemberId("XPCT89G02882", bcbs), "XPC789602882");  // nothing weighed: the table
  EXPECT_EQ(RepairMemberId("XPCT89G02882", bcbs, "   1"), "XPC789602882");  // not aligned
  // A zero read twice, once as the letter O (seed 48 s0027); never a letter of the prefix
  // dropped for it.
  EXPECT_EQ(RepairMemberId("XKCO082266006", bcbs), "XKC082266006");
  EXPECT_EQ(RepairMemberId("XOC0082266006", bcbs), std::nullopt);
  EXPECT_EQ(RepairMemberId("12345678", "UNITEDHEALTHCARE"), std::nullopt);  // no letter to lose
  EXPECT_EQ(RepairMemberId("XG347609516", "BLUE CROSS BLUE SHIELD OF TEXAS"), std::nullopt);
  // A stroke read as a letter of its own: a rule before the id, an I beside a J.
  EXPECT_EQ(RepairMemberId("IJXK201204638", "BLUE CROSS BLUE SHIELD OF TEXAS"), "JXK201204638");
  EXPECT_EQ(RepairMemberId("JJIX188472952", "BLUE CROSS BLUE SHIELD OF TEXAS"), "JJX188472952");
  EXPECT_EQ(RepairMemberId("IIXK201204638", "BLUE CROSS BLUE SHIELD OF TEXAS"), "IXK201204638");  // one drop, one id
  EXPECT_EQ(RepairMemberId("XIKI123456789", "BLUE CROSS BLUE SHIELD OF TEXAS"), std::nullopt);  // XKI or XIK
  EXPECT_EQ(RepairMemberId("1123456789", "UNITEDHEALTHCARE"), std::nullopt);  // digits are no strokes
  // A digit read twice (seed 59 s0004), when only one digit is doubled.
  EXPECT_EQ(RepairMemberId("U95545210704", "CIGNA"), "U9545210704");
  EXPECT_EQ(RepairMemberId("U95545510704", "CIGNA"), std::nullopt);  // 55 twice apart: which?
  EXPECT_EQ(RepairMemberId("U95455210704", "CIGNA"), "U9545210704");
  // Nothing to go by, or no look-alike reading fits.
  EXPECT_EQ(RepairMemberId("H26743282", "HUMANA"), std::nullopt);
  EXPECT_EQ(RepairMemberId("166999879", "HUMANA"), std::nullopt);     // a digit missing
  EXPECT_EQ(RepairMemberId("ABC123456", "UNITEDHEALTHCARE"), std::nullopt);
  EXPECT_EQ(RepairMemberId("1126743282", "ACME HEALTH PLAN"), std::nullopt);
  EXPECT_EQ(RepairMemberId("1EG4TE5MK73", "MEDICARE"), std::nullopt);  // MBIs have their own reader
}

TEST(Specialties, KnownNamesSurviveOcrSlips) {
  int edits = -1;
  EXPECT_EQ(KnownSpecialty("GASTROCNICROLOGY", &edits), "GASTROENTEROLOGY");
  EXPECT_EQ(edits, 3);
  EXPECT_EQ(KnownSpecialty("NUROLOGY"), std::nullopt);  // one edit from NEUROLOGY and from UROLOGY
  EXPECT_EQ(KnownSpecialty("CIASTROENTEROLOGY"), "GASTROENTEROLOGY");
  EXPECT_EQ(KnownSpecialty("RHEURNATOLOGY"), "RHEUMATOLOGY");
  EXPECT_EQ(KnownSpecialty("ENDOCRINGLOGY"), "ENDOCRINOLOGY");
  EXPECT_EQ(KnownSpecialty("Cardiology", &edits), "CARDIOLOGY");
  EXPECT_EQ(edits, 0);
  // Too far, or as near to two names: left as read.
  EXPECT_EQ(KnownSpecialty("SPORTS MEDICINE"), std::nullopt);
  EXPECT_EQ(KnownSpecialty("NEUROLOGYX"), "NEUROLOGY");
  EXPECT_EQ(KnownSpecialty("HEMATOLOGY ONCOLOGY"), "HEMATOLOGY ONCOLOGY");
  EXPECT_EQ(KnownSpecialty(""), std::nullopt);
}

}  // namespace
}  // namespace faxintake::extract
