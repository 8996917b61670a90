#include "store/keys.h"

#include "store/fax_id.h"

namespace faxintake::store::keys {

const std::vector<std::string>& AllFamilies() {
  static const std::vector<std::string> all = {"default", kMeta,    kRaw,   kFaxes,  kPages, kOcr,
                                               kDocuments, kPatients, kReferrals, kIndex, kOutbox, kAudit,
                                               kReferralSummaries};
  return all;
}

std::string CounterKey(std::string_view name) { return "count/" + std::string(name); }

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t ReadBigEndian32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(in[i]);
  return v;
}

uint64_t ReadBigEndian64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(in[i]);
  return v;
}

uint64_t OrderedFromSigned(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }
int64_t SignedFromOrdered(uint64_t v) { return static_cast<int64_t>(v ^ (uint64_t{1} << 63)); }

std::string FaxSubKey(std::string_view fax_id, uint32_t n) {
  std::string k(fax_id);
  PutBigEndian32(&k, n);
  return k;
}

std::string OutboxKey(uint64_t seq) {
  std::string k;
  PutBigEndian64(&k, seq);
  return k;
}

std::string AuditKey(uint64_t seq) { return OutboxKey(seq); }

std::string MatchDecisionKey(std::string_view fax_id, uint32_t document) {
  std::string k = "md";
  k.append(fax_id);
  PutBigEndian32(&k, document);
  return k;
}

std::string StateIndexPrefix(FaxState state) {
  std::string k(1, kStateTag);
  k.push_back(static_cast<char>(state));
  return k;
}

std::string StateIndexKey(FaxState state, uint64_t accept_seq, std::string_view fax_id) {
  std::string k = StateIndexPrefix(state);
  PutBigEndian64(&k, accept_seq);
  k.append(fax_id);
  return k;
}

std::optional<std::string> FaxIdFromStateKey(std::string_view key) {
  if (key.size() != 2 + 8 + kFaxIdLength || key[0] != kStateTag) return std::nullopt;
  return std::string(key.substr(10));
}

std::string ReviewIndexPrefix() { return std::string(1, kReviewTag); }

std::string ReviewIndexKey(ReviewPriority priority, int64_t received_at_us, std::string_view fax_id,
                           uint32_t document) {
  std::string k = ReviewIndexPrefix();
  k.push_back(static_cast<char>(priority));
  PutBigEndian64(&k, OrderedFromSigned(received_at_us));
  k.append(fax_id);
  PutBigEndian32(&k, document);
  return k;
}

std::optional<ReviewItem> ParseReviewIndexKey(std::string_view key) {
  if (key.size() != 2 + 8 + kFaxIdLength + 4 || key[0] != kReviewTag) return std::nullopt;
  const auto priority = static_cast<uint8_t>(key[1]);
  if (priority > static_cast<uint8_t>(ReviewPriority::kRoutine)) return std::nullopt;
  ReviewItem item;
  item.priority = static_cast<ReviewPriority>(priority);
  item.received_at_us = SignedFromOrdered(ReadBigEndian64(key.substr(2)));
  item.fax_id = std::string(key.substr(10, kFaxIdLength));
  item.document = ReadBigEndian32(key.substr(10 + kFaxIdLength));
  return item;
}

std::string GatewayIdentity(std::string_view source, std::string_view gateway_fax_id) {
  // Length-prefixed so that no (source, id) pair can collide with another by shifting bytes.
  std::string s;
  PutBigEndian32(&s, static_cast<uint32_t>(source.size()));
  s.append(source);
  s.append(gateway_fax_id);
  return s;
}

std::string GatewayIndexKey(std::string_view hash) {
  std::string k(1, kGatewayTag);
  k.append(hash);
  return k;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xff) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return s;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<int64_t> ParseRfc3339Micros(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, &hour) ||
      s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' || !Digits(s, 17, 2, &second))
    return std::nullopt;
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > kMonthDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;  // 60: leap second
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int64_t offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &om) ||
        oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000000 + micros;
}

// ---------------------------------------------------------------- patients and referrals

std::string PatientTermPrefix(std::string_view hash) {
  std::string k(1, kPatientTermTag);
  k.append(hash);
  return k;
}

std::string PatientTermKey(std::string_view hash, std::string_view patient_id) {
  std::string k = PatientTermPrefix(hash);
  k.append(patient_id);
  return k;
}

std::optional<std::string> PatientIdFromTermKey(std::string_view key, size_t prefix_size) {
  if (key.size() != prefix_size + kRecordIdLength || key.empty() || key[0] != kPatientTermTag) return std::nullopt;
  return std::string(key.substr(prefix_size));
}

std::string OpenReferralPrefix(std::string_view patient_id) {
  std::string k(1, kOpenReferralTag);
  k.append(patient_id);
  return k;
}

std::string OpenReferralKey(std::string_view patient_id, int64_t opened_at_us, std::string_view referral_id) {
  std::string k = OpenReferralPrefix(patient_id);
  PutBigEndian64(&k, OrderedFromSigned(opened_at_us));
  k.append(referral_id);
  return k;
}

std::string ReferralStatePrefix(ReferralState state) {
  std::string k(1, kReferralStateTag);
  k.push_back(static_cast<char>(state));
  return k;
}

std::string ReferralStateKey(ReferralState state, int64_t since_us, std::string_view referral_id) {
  std::string k = ReferralStatePrefix(state);
  PutBigEndian64(&k, OrderedFromSigned(since_us));
  k.append(referral_id);
  return k;
}

std::string ReferrerPrefix() { return std::string(1, kReferrerTag); }

std::string ReferrerKey(std::string_view npi, int64_t opened_at_us, std::string_view referral_id) {
  std::string k = ReferrerPrefix();
  k.append(npi);
  k.push_back('\0');
  PutBigEndian64(&k, OrderedFromSigned(opened_at_us));
  k.append(referral_id);
  return k;
}

std::optional<std::pair<int64_t, std::string>> ReferralTail(std::string_view key) {
  if (key.size() < 1 + 8 + kRecordIdLength) return std::nullopt;
  const std::string_view tail = key.substr(key.size() - 8 - kRecordIdLength);
  return std::make_pair(SignedFromOrdered(ReadBigEndian64(tail)), std::string(tail.substr(8)));
}

std::optional<std::string> NpiFromReferrerKey(std::string_view key) {
  if (key.size() < 2 + 8 + kRecordIdLength || key[0] != kReferrerTag) return std::nullopt;
  const std::string_view npi = key.substr(1, key.size() - 1 - 1 - 8 - kRecordIdLength);
  if (key[1 + npi.size()] != '\0') return std::nullopt;
  return std::string(npi);
}

std::string MatchReviewPrefix(std::string_view fax_id) {
  std::string k = "mr";
  k.append(fax_id);
  return k;
}

std::string MatchReviewKey(std::string_view fax_id, uint32_t document) {
  std::string k = MatchReviewPrefix(fax_id);
  PutBigEndian32(&k, document);
  return k;
}

}  // namespace faxintake::store::keys
