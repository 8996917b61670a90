// Documents, people and a store fixture shared by the store tests of patients, referrals,
// match resolution, retention, metrics and the audit log. Thread-safety: test thread only
// (CommitResult may be called from several threads).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/record_store.h"
#include "tests/support/test_support.h"

namespace faxintake::store::testing {

Field Text(const std::string& v);

struct Person {
  std::string family, given, dob, member, phone, line, zip;
};

extern const Person kMaria;
// Her son: same surname, address, phone and plan; his own first name, birth date and member suffix.
extern const Person kSon;

void AddPatient(Document& d, const Person& p, bool demographics);
Document Referral(const Person& p, std::vector<std::string> missing, const std::string& npi = "1234567893");
Document AuthorizationLetter(const Person& p, const std::string& status);
Document Note(DocType type, const Person& p);
IntakeResult ResultOf(const std::string& fax_id, std::vector<Document> documents);
bool HasReason(const Document& d, const std::string& reason);

// A fresh encrypted store in a temp dir.
class ReferralStoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  StoreOptions Options() const;
  // Closes and reopens the store (same folder and key).
  void Reopen();

  // Accepts a fax received on `day` of May 2024 (days past 31 run into June and later) and
  // commits its documents with one small image per page; returns the result as the store
  // filled it in.
  IntakeResult Fax(int n, int day, std::vector<Document> documents);

  ReferralRecord Stored(const std::optional<std::string>& id);
  std::vector<std::string> ReferralEvents();

  faxintake::testing::TempDir dir_;
  std::unique_ptr<RecordStore> store_;
};

// Unix microseconds of 09:00 UTC on `day` of May 2024 (day 32 is June 1).
int64_t MayMicros(int day);

}  // namespace faxintake::store::testing
