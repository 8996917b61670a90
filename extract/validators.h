// Validators and normalizers for the values the extract stage reads off fax pages.
//
// Every function turns printed (and OCR-read) text into the contract's normalized form
// (../shared/contract/README.md) and says whether the result passes the validation rules
// of ../shared/reference/ehr-export.md. Input is untrusted OCR text: nothing here asserts
// or throws on it. Regular expressions are RE2 (linear time on any input).
//
// Thread-safety: every function is pure and may be called from several threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faxintake::extract {

// A normalized value and what validation made of it.
struct Checked {
  std::string value;      // normalized; empty when nothing usable was found
  bool valid = false;     // passes the field's validation rule
  bool repaired = false;  // OCR confusions were corrected to get `value`
  bool empty() const { return value.empty(); }
};

// A calendar day, as the date helpers use it.
struct Ymd {
  int year = 0, month = 0, day = 0;
};
// Today in UTC from the system clock.
Ymd Today();
// "YYYY-MM-DD"; nullopt unless `text` is exactly that and a real calendar day.
std::optional<Ymd> ParseIsoDate(std::string_view text);

// ---------------------------------------------------------------- text helpers
// Upper case (ASCII), runs of whitespace as one space, trimmed.
std::string UpperSingleSpaced(std::string_view text);
// Whitespace collapsed to single spaces and trimmed; case kept.
std::string SingleSpaced(std::string_view text);
// The words of `s`, split at whitespace and at any character of `also`.
std::vector<std::string> SplitWords(std::string_view s, std::string_view also = "");
// Upper-case letters and digits only ("PA-2026-123456" -> "PA2026123456").
std::string AlnumUpper(std::string_view text);
// A 1, I or L: one vertical stroke as an upper-cased reading holds it (two side by side may
// be an H read apart).
bool IsStroke(char c);
// How many ASCII letters `s` begins with (an identifier's prefix: 2 for "UM12345678").
size_t LeadingLetters(std::string_view s);
// ASCII character classes, whatever the locale (bytes of UTF-8 sequences are none).
bool IsDigit(char c);
bool IsAlpha(char c);
bool IsAlnum(char c);
char Upper(char c);

// ---------------------------------------------------------------- NPI
// True for ten digits starting with 1 or 2 whose last digit is the Luhn check digit over
// "80840" followed by the first nine (1234567893 is valid).
bool NpiIsValid(std::string_view npi);
// Reads an NPI as printed: drops spaces and dashes, maps letters OCR confuses with digits
// (O->0, I/l/|->1, S->5, B->8, Z->2, ...), and when the check digit still fails tries every
// single-character confusion substitution, keeping the result only when exactly one
// candidate passes. `valid` is false (value = the ten characters read) when none does;
// empty when the text holds no ten-character run, unless a word of one or two look-alike
// letters before the digits completes ten that pass ("LT 86285894" is 1786285894).
Checked NormalizeNpi(std::string_view printed);

// ---------------------------------------------------------------- ICD-10-CM and CPT
// `^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`.
bool IsIcd10Shape(std::string_view code);
// Upper case, surrounding punctuation dropped, OCR confusions fixed by position (first
// character a letter: 1->I, 0->O, 5->S, 8->B, 2->Z; second a digit: O->0, I/l->1, S->5,
// B->8, Z->2; third and after the dot: O->0, I/l->1), the dot put after the third
// character. `148.91` -> `I48.91`, `ROO.2` -> `R00.2`, `M1711` -> `M17.11`.
Checked NormalizeIcd10(std::string_view printed);
// CPT Category I (5 digits), II (4 digits + F), III (4 digits + T) or HCPCS Level II
// (`^[A-V][0-9]{4}$`).
bool IsCptOrHcpcsShape(std::string_view code);
// Upper case, O->0 / I,l->1 in digit positions; valid when the shape is CPT or HCPCS.
Checked NormalizeProcedureCode(std::string_view printed);

// ---------------------------------------------------------------- phones
// NANP numbers as "+1XXXXXXXXXX": ten digits after an optional leading 1, letters OCR
// confuses with digits mapped. Valid when area code and exchange start with 2-9. Empty
// when the text does not hold 10 (or 11 starting with 1) digits.
Checked NormalizePhone(std::string_view printed);

// ---------------------------------------------------------------- dates
enum class DateKind {
  kAny,    // a real calendar day between 1900 and ten years from today
  kBirth,  // in the past and within 125 years
  kRecent, // a day of the present business: within ten years before today and two after
};
struct DateOptions {
  DateKind kind = DateKind::kAny;
  // "Today" for plausibility checks and two-digit years; year 0 means the system clock.
  Ymd today;
  // Two-digit years: 20YY when that is at most this many years after today, else 19YY
  // (birth dates: 20YY only when not in the future).
  int two_digit_years_ahead = 10;
  // `today`, or the system clock's day when it is unset.
  Ymd TodayOrClock() const { return today.year != 0 ? today : Today(); }
};
// Dates as faxes print them: 03/04/1956, 3/4/1956, 03-04-1956, 03.04.1956, 1956-03-04,
// March 4, 1956, Mar. 4 1956, 04 Mar 1956, 4 March 1956, and the M/D/YY forms; months and
// days US order. Returns "YYYY-MM-DD". `valid` is false for a date that parses but fails
// the plausibility check of `options.kind`; empty when nothing parses. A birth date that
// is no real day is read through one look-alike digit of its month or day when exactly one
// such reading is a plausible birth date ("68-17-1975" -> 1975-08-17, repaired).
Checked NormalizeDate(std::string_view printed, const DateOptions& options = {});
// Same as NormalizeDate, but for a date anywhere inside `text` (the first one found).
Checked FindDate(std::string_view text, const DateOptions& options = {});
// Whether `word` is a month's name or its abbreviation ("Jun", "June", "Sept"; no period).
bool IsMonthName(std::string_view word);
// The digit a letter Tesseract reads in place of it on fax pages stands for (O, D, Q for 0;
// I, l, | for 1; S for 5; B for 8; ...), or nullopt.
std::optional<char> DigitFor(char c);

// ---------------------------------------------------------------- names
struct PersonName {
  std::string family;  // upper case, whole (hyphenated, particles: "DE LA CRUZ")
  std::string given;   // upper case, first given name only
};
// A patient's name in any printed order: "LOPEZ, MARIA A", "Lopez, Maria Ann",
// "Maria A. Lopez", "MARIA LOPEZ", "Maria De La Cruz", "GARCIA LOPEZ, MARIA".
// Titles and credentials are dropped. nullopt when fewer than two name words remain.
std::optional<PersonName> ParsePersonName(std::string_view printed);
// A provider's name as the contract wants it: "FIRST LAST", without titles, middle
// initials or credentials ("Dr. John A. Smith, MD" -> "JOHN SMITH"). nullopt when
// no two name words remain.
std::optional<std::string> NormalizeProviderName(std::string_view printed);
// True when the text names a person by title or credential ("Dr. ...", "..., MD").
bool HasTitleOrCredential(std::string_view printed);

// ---------------------------------------------------------------- identifiers
// Member ids, group numbers, authorization numbers: upper case, letters and digits only.
// Empty for placeholders (N/A, None, Not required, Pending, Unknown, underscores).
// Valid when the result has 4 to 20 characters and at least one digit.
Checked NormalizeIdentifier(std::string_view printed);
// An authorization number: NormalizeIdentifier, and an S between a letter prefix of two
// or more letters and five or more digits read as the 5 it resembles ("UMS0515661" ->
// "UM50515661", repaired).
Checked NormalizeAuthorizationNumber(std::string_view printed);
// A Medicare Beneficiary Identifier (11 characters, `1EG4-TE5-MK73` printed with dashes):
// dashes and spaces dropped, O->0 / I->1 / S->5 / B->8 / Z->2 in its digit positions.
// Valid when the result matches the MBI pattern.
Checked NormalizeMbi(std::string_view printed);
// A member id as printed: NormalizeIdentifier's form, or NormalizeMbi's when that is a valid
// MBI, unless the MBI comes from dropping a character of an id that is whole in a plainer
// shape (a Blue Cross prefix and nine digits, "RSY926506659", is twelve characters too).
Checked NormalizeMemberId(std::string_view printed);
// True when a member id is long enough to name one person: eight characters or more (a
// subscriber's id, not a short plan or group code). Used to tell patients apart.
bool MemberIdNamesOnePerson(std::string_view id);
// True when two given names name different people: their first words, each two letters or
// more, neither the start of the other, more than one OCR slip per three letters apart
// ("SHARON" and "RONALD"; not "JON" and "JOHN", "RICILARD" and "RICHARD" with its H read as
// two strokes, "MARIA" and "MARIA L", "M" and "MICHAEL").
bool GivenNamesDiffer(std::string_view a, std::string_view b);
// True when two full names are one name read with a slip in each part: family names of four
// letters or more one edit apart, and given names of three letters or more that do not
// differ (GivenNamesDiffer). "GREEU, JUAU" on a referral, its N read as U twice, and
// "GREEN, JUAN" on the card (seed 100 s0071); not a family name beside an initial. Two
// patients this alike are told apart by their birth dates or member ids, which the callers
// weigh first.
bool FullNamesSlipped(std::string_view family_a, std::string_view given_a, std::string_view family_b,
                      std::string_view given_b);
// True when one of two family names is the other, a compound surname, read in part: each
// of its words (split at spaces and hyphens) a word of the other, which has more ("CRUZ"
// and "DE LA CRUZ", "DEL TORO" and "TORO"), whichever comes first.
bool SurnameReadInPart(std::string_view a, std::string_view b);

// The canonical name of a medical specialty when `specialty` (upper case) is one or is one
// through OCR slips ("GASTROCNICROLOGY", "RHEURNATOLOGY"): letters compared without spaces
// and punctuation, one edit per five letters, never when another specialty is within one
// more edit. `edits` gets the distance. nullopt otherwise (kept as read).
std::optional<std::string> KnownSpecialty(std::string_view specialty, int* edits = nullptr);

// A member id read against the shape its payer prints (`payer`: a KnownPayer name):
// Humana H + 8 digits, Aetna W + 9 digits, Cigna U + 8 digits + 0 + digit,
// UnitedHealthcare and Medicaid 9 digits, Kaiser Permanente 8 digits, Blue Cross Blue
// Shield a three-letter prefix + 9 digits, TRICARE 11 digits (the DoD benefits number).
// When `id` (NormalizeIdentifier's form) does not fit the shape but does after OCR
// look-alikes in the positions that hold digits or letters (O/0, I/1, S/5, B/8, Z/2, G/6),
// after an H or U read as two strokes ("11", "I1"), or without one stroke read as a letter
// of its own ("IJXK201204638"), the repaired id;
// nullopt when it fits already, the payer has no known shape, or no repair fits.
// `weighed`, when as long as `id`, holds at each position the digit the engine weighed for
// the character read there (or a space; choices.h DigitsWeighed): a letter in a digit
// position takes that digit before the look-alike table's ("XPCT89G02882" with 1 weighed
// for the T is XPC189602882, not XPC789602882).
std::optional<std::string> RepairMemberId(std::string_view id, std::string_view payer,
                                          std::string_view weighed = {});
// The member id shape `payer` (a KnownPayer name) prints, as listed above RepairMemberId:
// 'D' a digit, 'L' a letter, any other character itself ("WDDDDDDDDD"); empty when unknown.
std::string_view MemberIdShape(std::string_view payer);
// True when `payer` (a KnownPayer name) has a known member id shape and `id` fits it as read.
bool FitsMemberIdShape(std::string_view id, std::string_view payer);
// True when `payer`'s member ids open with letters: a fixed letter (Humana H, Aetna W, Cigna
// U) or Blue Cross's three-letter prefix before nine digits. A shape no NPI, phone, group or
// authorization number on a form also has.
bool MemberIdShapeOpensWithLetter(std::string_view payer);

// ---------------------------------------------------------------- addresses
// Two-letter USPS code from a code or a full state name ("tx", "Texas" -> "TX").
std::optional<std::string> NormalizeState(std::string_view printed);
// The five-digit ZIP code (ZIP+4 cut), letters OCR confuses with digits mapped.
Checked NormalizePostalCode(std::string_view printed);
// The state a five-digit ZIP code belongs to, by its first three digits (USPS ranges);
// nullopt for unassigned or military prefixes and for anything not five digits.
std::optional<std::string> StateForZip(std::string_view zip);
struct CityStateZip {
  std::string city;         // upper, single spaces
  std::string state;        // USPS code
  Checked postal_code;
};
// "AUSTIN, TX 78701", "Round Rock, Texas 78664-1234", "Austin TX 78701".
std::optional<CityStateZip> ParseCityStateZip(std::string_view printed);

// ---------------------------------------------------------------- payers
// The canonical name of a well-known payer when `payer` (upper case) is one, or is one
// through OCR slips: letters compared without spaces and punctuation (a letter-spaced logo,
// "U N ITE D H E A LTH CA R E"), digits read for look-alike letters, one edit for names of
// five letters or more and one per eight letters for long ones ("UNITEDHEALTHEARE",
// "ACTNA"), never when another payer is within one more edit; or a known name followed by
// debris that is no word, or by digits ("HUMANA --", counted as one edit). `edits` gets the distance.
// nullopt for unknown payers, which are kept as read. The table covers national and Texas
// plans (the sample set's payers).
std::optional<std::string> KnownPayer(std::string_view payer, int* edits = nullptr);

// Levenshtein distance between a and b, or limit + 1 as soon as it is sure to exceed `limit`.
int BoundedEditDistance(std::string_view a, std::string_view b, int limit);

// ---------------------------------------------------------------- coded words
// "routine", "urgent" or "stat" from a priority value: a word (Routine, Urgent, ASAP,
// STAT, Emergent) or checkboxes ("[X] Routine [ ] Urgent [ ] STAT": the checked one).
std::optional<std::string> NormalizePriority(std::string_view printed);
// "female", "male", "other", "unknown" from F/M/Female/Male/Other/U/Unknown.
std::optional<std::string> NormalizeSex(std::string_view printed);
// "approved", "denied", "pending" from a status word (Approved, Certified, Denied,
// Not approved, Pending, In review, ...).
std::optional<std::string> NormalizeAuthStatus(std::string_view printed);

}  // namespace faxintake::extract
