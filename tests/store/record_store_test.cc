#include "store/record_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "pipeline/result_json.h"
#include "tests/store/sample_results.h"
#include "tests/support/test_support.h"

namespace faxintake::store {
namespace {

namespace fs = std::filesystem;
using faxintake::testing::TempDir;
using testing::QuarantinedResult;
using testing::SampleResult;

std::string FaxBytes(int n) { return "II*\0synthetic fax #" + std::to_string(n) + std::string(64, static_cast<char>('a' + n % 26)); }

FaxMetadata Meta(const std::string& gateway_id = "", const std::string& received_at = "2024-05-01T13:45:00Z") {
  FaxMetadata m;
  m.source = gateway_id.empty() ? "dropfolder:main" : "webhook:phaxio";
  m.gateway_fax_id = gateway_id;
  m.from_number = "+15551230000";
  m.received_at = received_at;
  m.original_name = "fax.tif";
  return m;
}

class RecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file_ = (dir_.path() / "var" / "store.key").string();
    ASSERT_TRUE(LoadOrCreateKey(key_file_).has_value());
    Reopen();
  }

  StoreOptions Options() const {
    StoreOptions o;
    o.path = (dir_.path() / "store").string();
    o.key_file = key_file_;
    return o;
  }

  void Reopen() {
    store_.reset();
    auto opened = RecordStore::Open(Options());
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
  }

  std::string Accept(const std::string& bytes, const FaxMetadata& meta = Meta()) {
    auto outcome = store_->AcceptFax(bytes, meta);
    EXPECT_TRUE(outcome.has_value()) << outcome.error().message;
    return outcome ? outcome->fax_id : "";
  }

  std::map<std::string, uint64_t> Keys() {
    auto counts = store_->CountKeys();
    EXPECT_TRUE(counts.has_value());
    return counts ? *counts : std::map<std::string, uint64_t>{};
  }

  std::vector<OutboxEvent> Outbox(uint64_t after = 0) {
    auto events = store_->ReadOutbox(after, SIZE_MAX);
    EXPECT_TRUE(events.has_value());
    return events ? *events : std::vector<OutboxEvent>{};
  }

  TempDir dir_;
  std::string key_file_;
  std::unique_ptr<RecordStore> store_;
};

// ------------------------------------------------------------------ accept

TEST_F(RecordStoreTest, AcceptStoresRawBytesAndMetadataUnderTheContentId) {
  const std::string bytes = FaxBytes(1);
  auto outcome = store_->AcceptFax(bytes, Meta("gw-1"));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->is_new);
  EXPECT_EQ(outcome->fax_id, FaxIdForBytes(bytes));
  EXPECT_EQ(*store_->GetRawFax(outcome->fax_id), bytes);
  auto meta = store_->GetMetadata(outcome->fax_id);
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->gateway_fax_id, "gw-1");
  EXPECT_EQ(meta->from_number, "+15551230000");
  auto record = store_->GetFaxRecord(outcome->fax_id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->state, FaxState::kAccepted);
  EXPECT_EQ(record->byte_size, bytes.size());
  EXPECT_EQ(record->received_at_us, 1714571100000000);
  EXPECT_EQ(*store_->GetResult(outcome->fax_id), std::nullopt);
}

TEST_F(RecordStoreTest, AcceptIsIdempotentForTheSameBytes) {
  const std::string first = Accept(FaxBytes(1), Meta());
  auto again = store_->AcceptFax(FaxBytes(1), Meta("", "2030-01-01T00:00:00Z"));
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->is_new);
  EXPECT_EQ(again->fax_id, first);
  EXPECT_EQ(store_->GetMetadata(first)->received_at, "2024-05-01T13:45:00Z") << "metadata must not be rewritten";
  auto keys = Keys();
  EXPECT_EQ(keys["raw"], 1u);
  EXPECT_EQ(keys["faxes"], 1u);
  EXPECT_EQ(keys["index/s"], 1u);
  EXPECT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(store_->Stats()->faxes, 1u);
}

TEST_F(RecordStoreTest, AcceptIsIdempotentForTheSameGatewayFaxIdEvenWithOtherBytes) {
  const std::string first = Accept(FaxBytes(1), Meta("gw-7"));
  auto redelivered = store_->AcceptFax(FaxBytes(2), Meta("gw-7"));
  ASSERT_TRUE(redelivered.has_value());
  EXPECT_FALSE(redelivered->is_new);
  EXPECT_EQ(redelivered->fax_id, first);
  // The same gateway id from another source is another fax.
  FaxMetadata other = Meta("gw-7");
  other.source = "webhook:other";
  auto distinct = store_->AcceptFax(FaxBytes(2), other);
  ASSERT_TRUE(distinct.has_value());
  EXPECT_TRUE(distinct->is_new);
  EXPECT_EQ(Keys()["raw"], 2u);
}

TEST_F(RecordStoreTest, SameBytesUnderANewGatewayIdRecordTheAliasOnly) {
  const std::string first = Accept(FaxBytes(1), Meta("gw-a"));
  auto alias = store_->AcceptFax(FaxBytes(1), Meta("gw-b"));
  ASSERT_TRUE(alias.has_value());
  EXPECT_FALSE(alias->is_new);
  EXPECT_EQ(Keys()["index/g"], 2u);
  // Now gw-b alone finds the fax, whatever bytes come with it.
  EXPECT_EQ(store_->AcceptFax(FaxBytes(9), Meta("gw-b"))->fax_id, first);
  EXPECT_EQ(store_->GetRawFax(first)->size(), FaxBytes(1).size());
  EXPECT_EQ(Keys()["raw"], 1u);
  EXPECT_EQ(Outbox().size(), 1u);
}

TEST_F(RecordStoreTest, AcceptRejectsEmptyInput) {
  auto outcome = store_->AcceptFax("", Meta());
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(outcome.error().reason, "empty_fax");
}

TEST_F(RecordStoreTest, ReadsOfUnknownOrMalformedIdsSaySo) {
  const std::string unknown = FaxIdForBytes("never accepted");
  EXPECT_EQ(store_->GetRawFax(unknown).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetMetadata(unknown).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetResult(unknown).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetPageImage(unknown, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetRawFax("fx_1").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetResult("../etc/passwd").error().code, ErrorCode::kInvalidArgument);
}

// ------------------------------------------------------------------ commit

TEST_F(RecordStoreTest, CommittedResultsRoundTripByteExactThroughTheContract) {
  const std::string id = Accept(FaxBytes(1), Meta("gw-1"));
  IntakeResult result = SampleResult(id, 3, "urgent");
  const std::vector<std::string> images = {"png-1", "", std::string("png\0three", 9)};
  ASSERT_TRUE(store_->CommitResult(result, images).has_value());

  auto stored = store_->GetResult(id);
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(ToContractJson(**stored).dump(), ToContractJson(result).dump());
  // Beyond the contract: per-page words with boxes, and the accepted metadata.
  EXPECT_EQ((*stored)->pages[1].text.words[4].text, "JANE");
  EXPECT_EQ((*stored)->pages[1].text.words[4].box.x, result.pages[1].text.words[4].box.x);
  EXPECT_EQ((*stored)->pages[1].text.words[4].confidence, result.pages[1].text.words[4].confidence);
  EXPECT_EQ((*stored)->pages[2].text.lines[1].text, result.pages[2].text.lines[1].text);
  EXPECT_EQ((*stored)->metadata.gateway_fax_id, "gw-1");

  EXPECT_EQ(*store_->GetPageImage(id, 1), "png-1");
  EXPECT_EQ(store_->GetPageImage(id, 2).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*store_->GetPageImage(id, 3), std::string("png\0three", 9));
  EXPECT_EQ(store_->GetFaxRecord(id)->state, FaxState::kNeedsReview);
}

TEST_F(RecordStoreTest, RecommitLeavesExactlyOneSetOfRecordsAndIndexEntries) {
  const std::string id = Accept(FaxBytes(1));
  const std::string other = Accept(FaxBytes(2));
  ASSERT_TRUE(store_->CommitResult(SampleResult(other, 1), {}).has_value());
  ASSERT_TRUE(store_->CommitResult(SampleResult(id, 4), {"a", "b", "c", "d"}).has_value());
  ASSERT_TRUE(store_->CommitResult(SampleResult(id, 4), {"a", "b", "c", "d"}).has_value());
  auto keys = Keys();
  EXPECT_EQ(keys["ocr"], 5u);
  EXPECT_EQ(keys["documents"], 5u);
  EXPECT_EQ(keys["pages"], 4u);
  EXPECT_EQ(keys["index/s"], 2u);
  EXPECT_EQ(keys["index/r"], 2u);  // one referral needing review per fax

  // A shorter re-run (two pages, no images, filed) replaces everything of the longer one.
  IntakeResult shorter = SampleResult(id, 2);
  for (Document& d : shorter.documents) {
    d.needs_review = false;
    d.review_reasons.clear();
  }
  shorter.status = IntakeStatus::kFiled;
  ASSERT_TRUE(store_->CommitResult(shorter, {}).has_value());
  keys = Keys();
  EXPECT_EQ(keys["ocr"], 3u);
  EXPECT_EQ(keys["documents"], 3u);
  EXPECT_EQ(keys["pages"], 0u);
  EXPECT_EQ(keys["index/s"], 2u);
  EXPECT_EQ(keys["index/r"], 1u);
  EXPECT_EQ(ToContractJson(**store_->GetResult(id)).dump(), ToContractJson(shorter).dump());
  EXPECT_EQ(store_->GetFaxRecord(id)->revision, 3u);

  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->faxes, 2u);
  EXPECT_EQ(stats->processed, 2u);
  EXPECT_EQ(stats->filed, 1u);
  EXPECT_EQ(stats->needs_review, 1u);
  EXPECT_EQ(stats->pending, 0u);
  EXPECT_EQ(stats->documents, 3u);
  EXPECT_EQ(*store_->FaxIdsInState(FaxState::kFiled, 10), std::vector<std::string>{id});
}

TEST_F(RecordStoreTest, QuarantinedResultsAreCountedAndIndexedByState) {
  const std::string id = Accept(FaxBytes(1));
  ASSERT_TRUE(store_->CommitResult(QuarantinedResult(id), {}).has_value());
  auto stored = store_->GetResult(id);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->error_code, "tiff_unreadable");
  EXPECT_EQ(*store_->FaxIdsInState(FaxState::kQuarantined, 10), std::vector<std::string>{id});
  EXPECT_EQ(store_->Stats()->quarantined, 1u);
  EXPECT_TRUE(store_->ReviewQueue(10)->empty());
}

TEST_F(RecordStoreTest, CommitRequiresAnAcceptedFaxAndConsistentInput) {
  const std::string id = Accept(FaxBytes(1));
  IntakeResult two_pages = SampleResult(id, 2);
  IntakeResult duplicate_pages = two_pages;
  duplicate_pages.pages[1].number = 1;
  IntakeResult zero_page = two_pages;
  zero_page.pages[0].number = 0;
  struct Case {
    const char* name;
    IntakeResult result;
    std::vector<std::string> images;
    ErrorCode code;
    const char* reason;
  };
  const Case cases[] = {
      {"never accepted", SampleResult(FaxIdForBytes("other"), 1), {}, ErrorCode::kFailedPrecondition,
       "fax_not_accepted"},
      {"malformed id", SampleResult("fx_1", 1), {}, ErrorCode::kInvalidArgument, "bad_fax_id"},
      {"image count", two_pages, {"only one"}, ErrorCode::kInvalidArgument, "page_images_mismatch"},
      {"duplicate page numbers", duplicate_pages, {}, ErrorCode::kInvalidArgument, "bad_page_number"},
      {"page zero", zero_page, {}, ErrorCode::kInvalidArgument, "bad_page_number"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto committed = store_->CommitResult(c.result, c.images);
    ASSERT_FALSE(committed.has_value());
    EXPECT_EQ(committed.error().code, c.code);
    EXPECT_EQ(committed.error().reason, c.reason);
  }
  EXPECT_EQ(Keys()["ocr"], 0u);
  EXPECT_EQ(store_->Stats()->pending, 1u);
}

// ------------------------------------------------------------------ queues and outbox

TEST_F(RecordStoreTest, PendingListHoldsAcceptedFaxesOldestFirstAndShrinksOnCommit) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(Accept(FaxBytes(i)));
  EXPECT_EQ(*store_->PendingFaxIds(), ids);
  EXPECT_EQ(*store_->PendingFaxIds(2), std::vector<std::string>(ids.begin(), ids.begin() + 2));
  ASSERT_TRUE(store_->CommitResult(SampleResult(ids[1], 1), {}).has_value());
  EXPECT_EQ(*store_->PendingFaxIds(), (std::vector<std::string>{ids[0], ids[2], ids[3]}));
  ASSERT_TRUE(store_->CommitResult(QuarantinedResult(ids[0]), {}).has_value());
  EXPECT_EQ(*store_->PendingFaxIds(), (std::vector<std::string>{ids[2], ids[3]}));
  EXPECT_EQ(store_->Stats()->pending, 2u);
}

TEST_F(RecordStoreTest, ReviewQueueServesTheMostUrgentThenTheOldestFirst) {
  const std::string routine_old = Accept(FaxBytes(1), Meta("", "2024-01-01T08:00:00Z"));
  const std::string stat_new = Accept(FaxBytes(2), Meta("", "2024-03-01T08:00:00Z"));
  const std::string urgent_mid = Accept(FaxBytes(3), Meta("", "2024-02-01T08:00:00Z"));
  const std::string stat_old = Accept(FaxBytes(4), Meta("", "2024-01-15T08:00:00-05:00"));
  ASSERT_TRUE(store_->CommitResult(SampleResult(routine_old, 2), {}).has_value());
  ASSERT_TRUE(store_->CommitResult(SampleResult(stat_new, 1, "stat"), {}).has_value());
  ASSERT_TRUE(store_->CommitResult(SampleResult(urgent_mid, 1, "urgent"), {}).has_value());
  ASSERT_TRUE(store_->CommitResult(SampleResult(stat_old, 1, "stat"), {}).has_value());

  auto queue = store_->ReviewQueue(10);
  ASSERT_TRUE(queue.has_value());
  std::vector<std::string> order;
  for (const ReviewItem& item : *queue) order.push_back(item.fax_id);
  EXPECT_EQ(order, (std::vector<std::string>{stat_old, stat_new, urgent_mid, routine_old}));
  EXPECT_EQ((*queue)[0].priority, ReviewPriority::kStat);
  EXPECT_EQ((*queue)[0].document, 0u);
  EXPECT_EQ((*queue)[0].received_at_us, 1705323600000000);
  EXPECT_EQ(store_->ReviewQueue(2)->size(), 2u);
}

TEST_F(RecordStoreTest, OutboxEventsHaveIncreasingSeqsAndCarryIdsOnly) {
  const std::string a = Accept(FaxBytes(1));
  const std::string b = Accept(FaxBytes(2));
  ASSERT_TRUE(store_->CommitResult(SampleResult(a, 1), {}).has_value());
  auto events = Outbox();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, kEventFaxAccepted);
  EXPECT_EQ(events[0].fax_id, a);
  EXPECT_EQ(events[1].fax_id, b);
  EXPECT_EQ(events[2].type, kEventFaxProcessed);
  EXPECT_EQ(events[2].state, FaxState::kNeedsReview);
  EXPECT_EQ(events[2].revision, 1u);
  for (size_t i = 1; i < events.size(); ++i) EXPECT_GT(events[i].seq, events[i - 1].seq);
  auto tail = Outbox(events[1].seq);
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].seq, events[2].seq);
  EXPECT_EQ(store_->ReadOutbox(0, 2)->size(), 2u);
  EXPECT_TRUE(Outbox(events[2].seq).empty());
}

// ------------------------------------------------------------------ durability

TEST_F(RecordStoreTest, ReopeningKeepsEverythingAndContinuesTheSequences) {
  const std::string a = Accept(FaxBytes(1), Meta("gw-1"));
  const std::string b = Accept(FaxBytes(2));
  IntakeResult result = SampleResult(a, 2, "stat");  // the store fills in patient and referral ids
  ASSERT_TRUE(store_->CommitResult(result, {"p1", "p2"}).has_value());
  const uint64_t last_seq = Outbox().back().seq;

  Reopen();
  EXPECT_EQ(ToContractJson(**store_->GetResult(a)).dump(), ToContractJson(result).dump());
  EXPECT_EQ(*store_->GetRawFax(b), FaxBytes(2));
  EXPECT_EQ(*store_->GetPageImage(a, 2), "p2");
  EXPECT_EQ(*store_->PendingFaxIds(), std::vector<std::string>{b});
  EXPECT_EQ(store_->ReviewQueue(10)->size(), 1u);
  EXPECT_FALSE(store_->AcceptFax(FaxBytes(3), Meta("gw-1"))->is_new);

  const std::string c = Accept(FaxBytes(3));
  EXPECT_EQ(*store_->PendingFaxIds(), (std::vector<std::string>{b, c})) << "accept order continues";
  auto events = Outbox(last_seq);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, last_seq + 1);
  auto stats = store_->Stats();
  EXPECT_EQ(stats->faxes, 3u);
  EXPECT_EQ(stats->processed, 1u);
  EXPECT_EQ(stats->documents, 2u);
}

TEST_F(RecordStoreTest, BackupIsAnOpenableConsistentCopy) {
  const std::string a = Accept(FaxBytes(1));
  ASSERT_TRUE(store_->CommitResult(SampleResult(a, 1), {"img"}).has_value());
  const std::string backup = (dir_.path() / "backup").string();
  ASSERT_TRUE(store_->Backup(backup).has_value());
  // Writes after the backup are not in it.
  const std::string later = Accept(FaxBytes(2));

  auto again = store_->Backup(backup);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  StoreOptions o = Options();
  o.path = backup;
  o.create_if_missing = false;
  auto copy = RecordStore::Open(o);
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ(*(*copy)->GetRawFax(a), FaxBytes(1));
  EXPECT_EQ(*(*copy)->GetPageImage(a, 1), "img");
  EXPECT_TRUE((*copy)->GetResult(a)->has_value());
  EXPECT_EQ((*copy)->GetRawFax(later).error().code, ErrorCode::kNotFound);
}

TEST_F(RecordStoreTest, ConcurrentAcceptAndCommitOfTwoHundredFaxesFromEightThreads) {
  constexpr int kFaxes = 200, kThreads = 8;
  std::atomic<int> failures{0}, new_faxes{0};
  std::atomic<bool> done{false};
  // A consumer tails the outbox while the writers run; it must never skip an event.
  std::vector<uint64_t> seen;
  std::thread consumer([&] {
    uint64_t cursor = 0;
    while (true) {
      const bool last_round = done.load();
      auto events = store_->ReadOutbox(cursor, 64);
      if (!events) {
        ++failures;
        return;
      }
      for (const OutboxEvent& e : *events) {
        seen.push_back(e.seq);
        cursor = e.seq;
      }
      if (last_round && events->empty()) return;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kFaxes; ++i) {
        const int n = (i * 7 + t * 25) % kFaxes;  // every thread covers every fax, in its own order
        auto accepted = store_->AcceptFax(FaxBytes(n), Meta(n % 2 == 0 ? "gw-" + std::to_string(n) : ""));
        if (!accepted) {
          ++failures;
          continue;
        }
        if (accepted->is_new) ++new_faxes;
        if (!store_->CommitResult(SampleResult(accepted->fax_id, 1 + n % 3), {}).has_value()) ++failures;
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  consumer.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(new_faxes.load(), kFaxes);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->faxes, uint64_t{kFaxes});
  EXPECT_EQ(stats->processed, uint64_t{kFaxes});
  EXPECT_EQ(stats->pending, 0u);
  auto keys = Keys();
  EXPECT_EQ(keys["raw"], uint64_t{kFaxes});
  EXPECT_EQ(keys["faxes"], uint64_t{kFaxes});
  EXPECT_EQ(keys["index/s"], uint64_t{kFaxes});
  EXPECT_EQ(keys["index/r"], uint64_t{kFaxes});
  EXPECT_EQ(keys["index/g"], uint64_t{kFaxes / 2});
  uint64_t documents = 0;
  for (int n = 0; n < kFaxes; ++n) documents += 1 + n % 3;
  EXPECT_EQ(keys["documents"], documents);
  EXPECT_EQ(stats->documents, documents);

  const size_t expected_events = kFaxes + kFaxes * kThreads;  // one accept each, then every commit
  EXPECT_EQ(keys["outbox"], expected_events);
  EXPECT_EQ(seen.size(), expected_events) << "the tailing consumer skipped events";
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<uint64_t>(seen.begin(), seen.end()).size(), seen.size());
}

// ------------------------------------------------------------------ opening and keys

TEST_F(RecordStoreTest, OpeningWithoutTheRightKeyFailsWithAPreconditionError) {
  store_.reset();
  const std::string other_key = (dir_.path() / "other.key").string();
  ASSERT_TRUE(LoadOrCreateKey(other_key).has_value());
  struct Case {
    const char* name;
    std::function<void(StoreOptions&)> change;
    ErrorCode code;
    const char* reason;
  };
  const Case cases[] = {
      {"no key, no plaintext", [](StoreOptions& o) { o.key_file.clear(); }, ErrorCode::kFailedPrecondition,
       "store_key_missing"},
      {"no key, plaintext allowed",
       [](StoreOptions& o) {
         o.key_file.clear();
         o.allow_plaintext = true;
       },
       ErrorCode::kFailedPrecondition, "store_key_missing"},
      {"another key", [&](StoreOptions& o) { o.key_file = other_key; }, ErrorCode::kFailedPrecondition,
       "store_key_mismatch"},
      {"key file gone", [&](StoreOptions& o) { o.key_file = (dir_.path() / "nope.key").string(); },
       ErrorCode::kFailedPrecondition, "key_file_missing"},
      {"env named but unset, no file",
       [](StoreOptions& o) {
         o.key_file.clear();
         o.key_env = "FAXINTAKE_STORE_TEST_UNSET_KEY";
       },
       ErrorCode::kFailedPrecondition, "key_env_missing"},
      {"key file readable by others",
       [&](StoreOptions& o) {
         o.key_file = (dir_.path() / "open.key").string();
         faxintake::testing::WriteFile(o.key_file, std::string(64, 'c'));
         ::chmod(o.key_file.c_str(), 0644);
       },
       ErrorCode::kFailedPrecondition, "key_file_permissions"},
      {"no path", [](StoreOptions& o) { o.path.clear(); }, ErrorCode::kInvalidArgument, "store_path_missing"},
      {"missing store", [&](StoreOptions& o) {
         o.path = (dir_.path() / "absent").string();
         o.create_if_missing = false;
       },
       ErrorCode::kNotFound, "store_missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    StoreOptions o = Options();
    c.change(o);
    auto opened = RecordStore::Open(o);
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code, c.code);
    EXPECT_EQ(opened.error().reason, c.reason);
  }
}

TEST_F(RecordStoreTest, AKeyInTheEnvironmentTakesPrecedenceOverTheKeyFile) {
  store_.reset();
  const std::string wrong_file = (dir_.path() / "wrong.key").string();
  ASSERT_TRUE(LoadOrCreateKey(wrong_file).has_value());
  StoreOptions o = Options();
  o.key_file = wrong_file;
  o.key_env = "FAXINTAKE_STORE_TEST_KEY";
  ::setenv("FAXINTAKE_STORE_TEST_KEY", LoadKeyFile(key_file_)->ToHex().c_str(), 1);
  auto opened = RecordStore::Open(o);
  ::unsetenv("FAXINTAKE_STORE_TEST_KEY");
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_TRUE((*opened)->encrypted());
  opened->reset();
  // Unset, the file is used: here the wrong one.
  auto with_file = RecordStore::Open(o);
  ASSERT_FALSE(with_file.has_value());
  EXPECT_EQ(with_file.error().reason, "store_key_mismatch");
}

TEST(StoreKeyCreation, HappensForANewStoreOnlyAndNeverReplacesALostKey) {
  TempDir dir;
  StoreOptions o;
  o.path = (dir.path() / "var" / "store").string();
  o.key_file = (dir.path() / "var" / "keys" / "store.key").string();
  o.create_key_if_missing = true;
  {
    auto created = RecordStore::Open(o);
    ASSERT_TRUE(created.has_value()) << created.error().message;
    EXPECT_TRUE((*created)->encrypted());
  }
  struct stat st {};
  ASSERT_EQ(::stat(o.key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(RecordStore::Open(o).has_value()) << "reopening uses the created key";

  fs::remove(o.key_file);
  auto lost = RecordStore::Open(o);
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(lost.error().reason, "key_file_missing");
  EXPECT_FALSE(fs::exists(o.key_file));
}

TEST_F(RecordStoreTest, AStoreOpenElsewhereIsUnavailable) {
  auto second = RecordStore::Open(Options());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
}

TEST_F(RecordStoreTest, AStoreFromANewerSchemaIsRefused) {
  ASSERT_TRUE(store_->SetSchemaVersionForTesting(RecordStore::kSchemaVersion + 1).has_value());
  store_.reset();
  auto opened = RecordStore::Open(Options());
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(opened.error().reason, "store_schema_newer");
}

TEST(PlaintextStore, NeedsAnExplicitOptInAndRefusesAKeyLater) {
  TempDir dir;
  StoreOptions o;
  o.path = (dir.path() / "store").string();
  o.allow_plaintext = true;
  {
    auto opened = RecordStore::Open(o);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_FALSE((*opened)->encrypted());
  }
  o.allow_plaintext = false;
  o.key_file = (dir.path() / "store.key").string();
  ASSERT_TRUE(LoadOrCreateKey(o.key_file).has_value());
  auto keyed = RecordStore::Open(o);
  ASSERT_FALSE(keyed.has_value());
  EXPECT_EQ(keyed.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(keyed.error().reason, "store_not_encrypted");
}

// ------------------------------------------------------------------ encryption at rest

// Distinctive patient data that must never reach the disk in the clear.
constexpr std::string_view kFamilyName = "QUIXOTEFERNSBY";
constexpr std::string_view kBirthDate = "1931-07-23";
constexpr std::string_view kMemberId = "ZQX98765432W";
constexpr std::string_view kPhone = "+15559871234";

IntakeResult PatientResult(const std::string& fax_id) {
  IntakeResult r = SampleResult(fax_id, 1);
  Document& d = r.documents[0];
  d.fields["patient.family_name"] = Field{std::string(kFamilyName), 0.9, 1, Box{1, 2, 3, 4}};
  d.fields["patient.birth_date"] = Field{std::string(kBirthDate), 0.9, 1, Box{1, 2, 3, 4}};
  d.fields["insurance.member_id"] = Field{std::string(kMemberId), 0.9, 1, Box{1, 2, 3, 4}};
  d.fields["patient.phone"] = Field{std::string(kPhone), 0.9, 1, Box{1, 2, 3, 4}};
  d.fields["referring.npi"] = Field{std::string("1234567893"), 0.9, 1, Box{1, 2, 3, 4}};
  r.pages[0].text.words.push_back(Word{std::string(kFamilyName), Box{1, 2, 3, 4}, 0.9f, 1});
  r.pages[0].text.lines.push_back(Line{"Name: " + std::string(kFamilyName) + " DOB " + std::string(kBirthDate) +
                                           " Member " + std::string(kMemberId),
                                       Box{1, 2, 3, 4}, 6, 1, 2});
  return r;
}

// Writes the patient through every path (raw bytes, metadata, OCR, documents, page images,
// outbox), compacts, and returns which needles appear in which files of the store folder.
std::vector<std::string> PlaintextLeaks(const StoreOptions& options) {
  const std::string raw = "%PDF-1.4 fake fax for " + std::string(kFamilyName) + " born " + std::string(kBirthDate) +
                          " member " + std::string(kMemberId) + std::string(8192, ' ');
  {
    auto store = RecordStore::Open(options);
    EXPECT_TRUE(store.has_value());
    if (!store) return {"<open failed>"};
    FaxMetadata meta;
    meta.source = "webhook:phaxio";
    meta.gateway_fax_id = std::string(kMemberId);  // even gateway ids are only ever hashed
    meta.from_number = std::string(kPhone);
    meta.original_name = std::string(kFamilyName) + ".pdf";
    auto accepted = (*store)->AcceptFax(raw, meta);
    EXPECT_TRUE(accepted.has_value());
    const std::string image = "PNG image of " + std::string(kFamilyName) + std::string(8192, '\0');
    IntakeResult result = PatientResult(accepted->fax_id);
    EXPECT_TRUE((*store)->CommitResult(result, {image}).has_value());
    // A second fax of the same patient whose match is left to a person: the review record with
    // its evidence is on disk too.
    auto later = (*store)->AcceptFax(raw + "later", FaxMetadata{});
    EXPECT_TRUE(later.has_value());
    IntakeResult uncertain = PatientResult(later->fax_id);
    uncertain.documents[0].fields.erase("insurance.member_id");
    uncertain.documents[0].fields["patient.birth_date"].value = std::string("1931-08-23");  // one digit off
    EXPECT_TRUE((*store)->CommitResult(uncertain, {}).has_value());
    // Patients, referrals, match reviews, the audit log and their index entries are all written.
    auto counts = (*store)->CountKeys();
    EXPECT_TRUE(counts.has_value());
    if (counts) {
      EXPECT_EQ((*counts)["patients"], 2u);  // the patient and the review
      EXPECT_EQ((*counts)["referrals"], 1u);
      EXPECT_GE((*counts)["audit"], 3u);
      EXPECT_GT((*counts)["index/p"], 0u);
    }
    EXPECT_TRUE(result.documents[0].patient_id.has_value());
    EXPECT_TRUE(result.documents[0].referral_id.has_value());
    EXPECT_FALSE(uncertain.documents[0].patient_id.has_value());
    EXPECT_TRUE((*store)->FlushAndCompact().has_value());
  }
  std::vector<std::string> leaks;
  for (const auto& entry : fs::recursive_directory_iterator(options.path)) {
    if (!entry.is_regular_file()) continue;
    const std::string content = faxintake::testing::ReadFile(entry.path());
    for (std::string_view needle : {kFamilyName, kBirthDate, kMemberId, kPhone})
      if (content.find(needle) != std::string::npos)
        leaks.push_back(entry.path().filename().string() + ":" + std::string(needle));
  }
  return leaks;
}

TEST_F(RecordStoreTest, NoPatientDataAppearsInPlainTextInAnyFileOfAnEncryptedStore) {
  store_.reset();
  StoreOptions o = Options();
  o.path = (dir_.path() / "encrypted").string();
  EXPECT_EQ(PlaintextLeaks(o), std::vector<std::string>{});
}

TEST(PlaintextStore, DoesShowPatientDataSoTheLeakCheckIsMeaningful) {
  TempDir dir;
  StoreOptions o;
  o.path = (dir.path() / "store").string();
  o.allow_plaintext = true;
  const auto leaks = PlaintextLeaks(o);
  for (std::string_view needle : {kFamilyName, kBirthDate, kMemberId, kPhone}) {
    SCOPED_TRACE(needle);
    EXPECT_TRUE(std::any_of(leaks.begin(), leaks.end(), [&](const std::string& l) { return l.ends_with(needle); }));
  }
}

}  // namespace
}  // namespace faxintake::store
