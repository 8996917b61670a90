#include "store/fax_id.h"

#include <gtest/gtest.h>

namespace faxintake::store {
namespace {

TEST(FaxId, IsTheFirst128BitsOfSha256InHex) {
  // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2).
  EXPECT_EQ(FaxIdForBytes("abc"), "fx_ba7816bf8f01cfea414140de5dae2223");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FaxId, IsStableForTheSameBytesAndDiffersForOthers) {
  const std::string a("II*\0fax-a", 9), b("II*\0fax-b", 9);
  EXPECT_EQ(FaxIdForBytes(a), FaxIdForBytes(std::string(a)));
  EXPECT_NE(FaxIdForBytes(a), FaxIdForBytes(b));
  EXPECT_EQ(FaxIdForBytes(a).size(), kFaxIdLength);
}

TEST(FaxId, ValidatesTheExactShape) {
  struct Case {
    std::string id;
    bool valid;
  };
  const Case cases[] = {
      {"fx_ba7816bf8f01cfea414140de5dae2223", true},
      {"fx_BA7816BF8F01CFEA414140DE5DAE2223", false},  // upper case is not what we produce
      {"fx_ba7816bf8f01cfea414140de5dae222", false},   // short
      {"fx_ba7816bf8f01cfea414140de5dae22233", false}, // long
      {"fy_ba7816bf8f01cfea414140de5dae2223", false},
      {"fx_ba7816bf8f01cfea414140de5dae222g", false},
      {"fx_1", false},
      {"", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    EXPECT_EQ(IsValidFaxId(c.id), c.valid);
  }
}

}  // namespace
}  // namespace faxintake::store
