// The long-running service: drop folders, HTTP uploads and fax-gateway webhooks (the
// gateways enabled in gateways.yaml beside the configuration file) and the SRFax inbox poller
// (when enabled there) feed a durable queue of
// accepted faxes; fax workers process them; results go to the record store.
//
// Every fax is stored (synced) before it is acknowledged: a drop-folder file is archived
// and an upload answered 202 only after AcceptFax returned. Accepted but unprocessed faxes
// (a crash, a restart) are found in the store at start-up and processed again.
//
// Thread-safety: Start/Stop from one thread; the rest is internal.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "ingest/drop_folder.h"
#include "ingest/srfax_poller.h"
#include "pipeline/processor.h"
#include "server/auth.h"
#include "server/http_server.h"
#include "server/staff_api.h"
#include "server/webhooks.h"
#include "store/record_store.h"

namespace faxintake::app {

class Service {
 public:
  // Opens the store, loads models, prepares folders. Errors from any of them.
  static Result<std::unique_ptr<Service>> Create(const ServiceConfig& config);
  ~Service();

  // Starts workers, folder polling and HTTP. Errors: kUnavailable when HTTP cannot bind.
  Result<void> Start();
  // Stops taking new work, finishes the faxes in hand, joins threads.
  void Stop();

  int http_port() const { return http_ ? http_->port() : 0; }
  size_t queue_depth() const;
  // Blocks until the queue is empty and no fax is in hand, or the timeout passes.
  bool WaitIdle(std::chrono::milliseconds timeout);
  store::RecordStore& store() { return *store_; }
  std::string Metrics() const;

 private:
  explicit Service(const ServiceConfig& config);
  Result<server::UploadReply> Accept(std::string_view bytes, const FaxMetadata& meta);
  void Enqueue(const std::string& fax_id);
  void WorkerLoop();
  void PollLoop();
  // Applies the retention policy (config.retention_raw_days) at start and once a day.
  void RetentionLoop();
  void AfterProcessing(const IntakeResult& result);

  ServiceConfig config_;
  std::unique_ptr<store::RecordStore> store_;
  std::unique_ptr<Processor> processor_;
  std::vector<std::unique_ptr<ingest::DropFolder>> folders_;
  std::unique_ptr<server::WebhookIntake> webhooks_;  // null when no gateway is enabled
  std::unique_ptr<ingest::SrfaxPoller> srfax_;       // null unless srfax is enabled
  std::unique_ptr<server::TokenRegistry> tokens_;   // the API's principals (config.tokens_file)
  std::unique_ptr<server::StaffApi> api_;            // the staff and export routes; outlives http_
  std::unique_ptr<server::HttpServer> http_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::string> queue_;
  size_t in_hand_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::thread poller_;
  std::thread retention_;                    // runs only when retention_raw_days > 0
  std::condition_variable retention_cv_;     // wakes RetentionLoop at Stop
  std::atomic<uint64_t> accepted_{0}, duplicates_{0}, rejected_busy_{0}, quarantined_{0};
  mutable std::mutex sources_mu_;
  std::map<std::string, uint64_t> received_by_source_;  // new faxes by FaxMetadata::source
};

}  // namespace faxintake::app
