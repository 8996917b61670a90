// SRFax intake: SRFax has no webhooks, so the inbox is polled. Every poll_seconds the poller
// POSTs Get_Fax_Inbox (sViewedStatus=UNREAD) to the SRFax API, then for each listed fax
// Retrieve_Fax (base64 in the JSON Result, sMarkasViewed=N), hands the bytes to the accept
// callback (which stores the fax durably) and only when that succeeded marks the fax viewed
// with Update_Viewed_Status. A failure at any step leaves the fax unread, so the next poll
// tries it again; a fax the store already has (the callback succeeds for a duplicate) is
// marked viewed too. The store dedupes on (source "poller:srfax", gateway_fax_id = FileName).
//
// All HTTP goes through ingest::PostForm (TLS verification, timeouts, size limit, retries).
// Logs carry counts, error reasons, fax ids and a short hash of the SRFax file name only:
// never credentials, numbers, names or fax content.
//
// Thread-safety: Start/Stop from one thread; PollOnce must not run concurrently with itself
// (the poller's own thread calls it between Start and Stop).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "ingest/fetch.h"
#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::ingest {

inline constexpr char kSrfaxSource[] = "poller:srfax";
inline constexpr char kSrfaxDefaultUrl[] = "https://www.srfax.com/SRF_SecWebSvc.php";

struct SrfaxPollerOptions {
  std::string base_url = kSrfaxDefaultUrl;
  std::string access_id;   // the account number
  std::string access_pwd;  // the account password
  double poll_seconds = 60;
  std::string fax_format = "PDF";  // sFaxFormat for Retrieve_Fax: PDF or TIFF
  size_t max_faxes_per_poll = 100;  // the rest wait for the next poll
  FetchOptions fetch;               // TLS, timeouts, size limit, retries of each POST
};

struct SrfaxPollStats {
  size_t listed = 0;        // unread faxes in the inbox listing
  size_t accepted = 0;      // handed to the callback successfully (new or duplicate)
  size_t marked_viewed = 0;
  size_t failed = 0;        // left unread for the next poll
};

// Totals since start, for metrics; read them any time.
struct SrfaxCounters {
  std::atomic<uint64_t> polls{0};                 // inbox listings attempted
  std::atomic<uint64_t> poll_errors{0};           // listings that failed
  std::atomic<uint64_t> fetched{0};               // faxes retrieved and stored (new or known)
  std::atomic<uint64_t> errors{0};                // faxes left unread by a failed step
  std::atomic<uint64_t> mark_viewed_failures{0};  // stored, but not marked viewed (listed again)
};

// Stores the fax durably; returns the fax id (also for a fax already stored).
using SrfaxAcceptFn = std::function<Result<std::string>(std::string_view bytes, const FaxMetadata& meta)>;

class SrfaxPoller {
 public:
  SrfaxPoller(SrfaxPollerOptions options, SrfaxAcceptFn accept);
  ~SrfaxPoller();
  SrfaxPoller(const SrfaxPoller&) = delete;
  SrfaxPoller& operator=(const SrfaxPoller&) = delete;

  // Starts the polling thread (first poll at once). Calling it twice does nothing.
  void Start();
  // Stops and joins the thread; a poll in progress finishes its current HTTP call first.
  void Stop();

  // One poll: list, then retrieve/accept/mark each fax. Errors only when the listing failed
  // (kUnavailable / kFailedPrecondition from the transfer, kDataLoss for an answer that is not
  // SRFax JSON, kFailedPrecondition for Status "Failed"); per-fax failures are counted.
  Result<SrfaxPollStats> PollOnce();

  const SrfaxPollerOptions& options() const { return options_; }
  const SrfaxCounters& counters() const { return counters_; }

 private:
  void Loop();
  bool Stopping();

  SrfaxPollerOptions options_;
  SrfaxAcceptFn accept_;
  SrfaxCounters counters_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace faxintake::ingest
