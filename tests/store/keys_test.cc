#include "store/keys.h"

#include <gtest/gtest.h>

#include "store/fax_id.h"

namespace faxintake::store::keys {
namespace {

const std::string kFaxA = FaxIdForBytes("a");
const std::string kFaxB = FaxIdForBytes("b");

TEST(Keys, BigEndianIntegersSortNumerically) {
  const uint64_t values[] = {0, 1, 255, 256, 65535, 1ull << 32, UINT64_MAX};
  for (size_t i = 1; i < std::size(values); ++i) {
    SCOPED_TRACE(values[i]);
    EXPECT_LT(OutboxKey(values[i - 1]), OutboxKey(values[i]));
    EXPECT_EQ(ReadBigEndian64(OutboxKey(values[i])), values[i]);
  }
  EXPECT_LT(FaxSubKey(kFaxA, 2), FaxSubKey(kFaxA, 10));
  EXPECT_EQ(ReadBigEndian32(FaxSubKey(kFaxA, 70000).substr(kFaxIdLength)), 70000u);
}

TEST(Keys, SignedTimesSortAcrossTheEpoch) {
  EXPECT_LT(OrderedFromSigned(-5), OrderedFromSigned(0));
  EXPECT_LT(OrderedFromSigned(0), OrderedFromSigned(7));
  EXPECT_EQ(SignedFromOrdered(OrderedFromSigned(-123456789)), -123456789);
}

TEST(Keys, ReviewKeysOrderByPriorityThenReceivedTimeAndParseBack) {
  const std::string stat_late = ReviewIndexKey(ReviewPriority::kStat, 2000, kFaxB, 0);
  const std::string urgent_early = ReviewIndexKey(ReviewPriority::kUrgent, 1000, kFaxA, 3);
  const std::string routine_early = ReviewIndexKey(ReviewPriority::kRoutine, 1000, kFaxA, 1);
  EXPECT_LT(stat_late, urgent_early);
  EXPECT_LT(urgent_early, routine_early);
  EXPECT_LT(ReviewIndexKey(ReviewPriority::kRoutine, 999, kFaxB, 0), routine_early);

  auto item = ParseReviewIndexKey(urgent_early);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->fax_id, kFaxA);
  EXPECT_EQ(item->document, 3u);
  EXPECT_EQ(item->priority, ReviewPriority::kUrgent);
  EXPECT_EQ(item->received_at_us, 1000);
  EXPECT_FALSE(ParseReviewIndexKey(urgent_early.substr(1)).has_value());
}

TEST(Keys, StateKeysOrderByAcceptanceAndYieldTheirFaxId) {
  const std::string first = StateIndexKey(FaxState::kAccepted, 9, kFaxB);
  const std::string second = StateIndexKey(FaxState::kAccepted, 10, kFaxA);
  EXPECT_LT(first, second);
  EXPECT_TRUE(first.starts_with(StateIndexPrefix(FaxState::kAccepted)));
  EXPECT_FALSE(first.starts_with(StateIndexPrefix(FaxState::kFiled)));
  EXPECT_EQ(FaxIdFromStateKey(second), kFaxA);
  EXPECT_FALSE(FaxIdFromStateKey("s").has_value());
}

TEST(Keys, GatewayIdentityCannotBeForgedByMovingBytesBetweenParts) {
  EXPECT_NE(GatewayIdentity("webhook:ab", "c"), GatewayIdentity("webhook:a", "bc"));
}

TEST(Keys, PrefixSuccessorBoundsEveryKeyWithThePrefix) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
  EXPECT_LT(FaxSubKey(kFaxA, UINT32_MAX), PrefixSuccessor(kFaxA));
}

TEST(Keys, ParsesRfc3339TimestampsToUnixMicros) {
  struct Case {
    std::string text;
    std::optional<int64_t> micros;
  };
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2024-02-29T12:00:00Z", 1709208000000000},
      {"2024-02-29T12:00:00.25Z", 1709208000250000},
      {"2024-02-29T14:30:00+02:30", 1709208000000000},
      {"2024-02-29t12:00:00z", 1709208000000000},
      {"1969-12-31T23:59:59Z", -1000000},
      {"2023-02-29T12:00:00Z", std::nullopt},  // not a leap year
      {"2024-13-01T00:00:00Z", std::nullopt},
      {"2024-01-01T00:00:00", std::nullopt},   // no offset
      {"2024-01-01T00:00:00Zjunk", std::nullopt},
      {"2024-01-01T00:00:00.Z", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ParseRfc3339Micros(c.text), c.micros);
  }
}

}  // namespace
}  // namespace faxintake::store::keys
