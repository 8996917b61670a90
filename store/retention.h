// The retention policy for raw faxes and page images: what RecordStore::ApplyRetention
// removes, and its report. Thread-safety: plain values.
#pragma once

#include <cstdint>

namespace faxintake::store {

struct RetentionOptions {
  // Raw fax bytes and page images of processed faxes accepted more than this many days before
  // `now_unix_ms` are removed. 0: keep forever (nothing is removed).
  int raw_days = 0;
  // The time the policy is applied at, Unix milliseconds; 0: the store clock. For tests.
  int64_t now_unix_ms = 0;
  // Count what would be removed, change nothing.
  bool dry_run = false;
};

struct RetentionReport {
  uint64_t examined = 0;            // processed faxes looked at (filed, needs review, quarantined)
  uint64_t purged = 0;              // faxes whose raw bytes and page images were (or, dry run, would be) removed
  uint64_t kept_open_referral = 0;  // old enough, kept: a document is in a referral that is not closed
  uint64_t kept_needs_review = 0;   // old enough, kept: a document still waits in the review queue
  uint64_t kept_young = 0;          // not old enough
  uint64_t kept_quarantined = 0;    // old enough, kept: quarantined, the raw fax is all there is of it
  uint64_t already_purged = 0;      // removed by an earlier run
  uint64_t bytes_freed = 0;         // stored (sealed) bytes of raw faxes and page images removed
  bool dry_run = false;
};

}  // namespace faxintake::store
