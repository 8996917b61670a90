#include "app/service.h"

#include <fmt/format.h>

#include "pipeline/log.h"
#include "pipeline/result_json.h"
#include "server/webhooks_config.h"

namespace faxintake::app {

Service::Service(const ServiceConfig& config) : config_(config) {}

Service::~Service() { Stop(); }

Result<std::unique_ptr<Service>> Service::Create(const ServiceConfig& config) {
  std::unique_ptr<Service> s(new Service(config));
  store::StoreOptions so;
  so.path = config.store_path;
  so.key_file = config.key_file;
  so.key_env = config.key_env;
  so.create_key_if_missing = true;
  auto st = store::RecordStore::Open(so);
  if (!st) return std::unexpected(st.error());
  s->store_ = std::move(*st);
  auto p = Processor::Create(config.processor, s->store_.get());
  if (!p) return std::unexpected(p.error());
  s->processor_ = std::move(*p);

  for (const DropFolderConfig& f : config.folders) {
    ingest::DropFolderOptions o;
    o.path = f.path;
    o.label = f.label;
    o.patterns = f.patterns;
    o.work = f.work;
    o.archive = f.archive;
    o.quarantine = f.quarantine;
    o.settle_seconds = f.settle_seconds;
    o.max_file_bytes = config.processor.decode.max_input_bytes;
    Service* self = s.get();
    s->folders_.push_back(std::make_unique<ingest::DropFolder>(
        o, [self](std::string_view bytes, const FaxMetadata& meta) -> Result<std::string> {
          auto r = self->Accept(bytes, meta);
          if (!r) return std::unexpected(r.error());
          return r->fax_id;
        }));
  }
  server::HttpOptions ho;
  ho.bind = config.http_bind;
  ho.port = config.http_port;
  ho.max_upload_bytes = config.max_upload_bytes;
  server::HttpHandlers h;
  Service* self = s.get();
  h.upload = [self](std::string_view bytes, const FaxMetadata& meta) { return self->Accept(bytes, meta); };
  h.result = [self](const std::string& fax_id) -> Result<std::optional<std::string>> {
    auto meta = self->store_->GetMetadata(fax_id);
    if (!meta) return std::unexpected(meta.error());
    auto r = self->store_->GetResult(fax_id);
    if (!r) return std::unexpected(r.error());
    if (!r->has_value()) return std::optional<std::string>{};
    return std::optional<std::string>{ToContractJson(**r).dump()};
  };
  h.ready = [self] { return !self->stopping_; };
  h.metrics = [self] { return self->Metrics(); };
  // Fax-gateway webhooks: gateways.yaml beside the configuration file; none enabled, none served.
  auto hooks = server::LoadWebhooksConfig(
      config.config_file.empty() ? "" : server::WebhooksConfigPathBeside(config.config_file));
  if (!hooks) return std::unexpected(hooks.error());
  if (!hooks->gateways.empty()) {
    auto intake = server::WebhookIntake::Create(hooks->options, hooks->gateways,
                                                [self](std::string_view bytes, const FaxMetadata& meta) {
                                                  return self->Accept(bytes, meta);
                                                });
    if (!intake) return std::unexpected(intake.error());
    s->webhooks_ = std::move(*intake);
    h.webhook = [self](const server::WebhookRequest& r) { return self->webhooks_->Handle(r); };
  }
  // SRFax (polling-only): a fax is marked viewed only after Accept stored it (or knew it).
  if (hooks->srfax) {
    s->srfax_ = std::make_unique<ingest::SrfaxPoller>(
        *hooks->srfax, [self](std::string_view bytes, const FaxMetadata& meta) -> Result<std::string> {
          auto r = self->Accept(bytes, meta);
          if (!r) return std::unexpected(r.error());
          return r->fax_id;
        });
  }
  s->http_ = std::make_unique<server::HttpServer>(ho, h);
  return s;
}

Result<server::UploadReply> Service::Accept(std::string_view bytes, const FaxMetadata& meta) {
  if (queue_depth() >= config_.queue_limit) {
    ++rejected_busy_;
    return MakeError(ErrorCode::kResourceExhausted, "queue_full", "the intake queue is full; retry later");
  }
  auto accepted = store_->AcceptFax(bytes, meta);
  if (!accepted) return std::unexpected(accepted.error());
  if (accepted->is_new) {
    ++accepted_;
    Enqueue(accepted->fax_id);
  } else {
    ++duplicates_;
  }
  return server::UploadReply{accepted->fax_id, !accepted->is_new};
}

void Service::Enqueue(const std::string& fax_id) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(fax_id);
  }
  cv_.notify_one();
}

Result<void> Service::Start() {
  // Faxes accepted before a crash or restart but never processed come first.
  auto pending = store_->PendingFaxIds();
  if (!pending) return std::unexpected(pending.error());
  for (const std::string& id : *pending) Enqueue(id);
  if (!pending->empty()) log::Info("service_recovered", "pending={}", pending->size());
  for (auto& f : folders_) {
    auto recovered = f->Recover();
    if (!recovered) return std::unexpected(recovered.error());
  }
  for (int i = 0; i < config_.fax_workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  poller_ = std::thread([this] { PollLoop(); });
  if (webhooks_) webhooks_->Start();
  if (srfax_) srfax_->Start();
  auto started = http_->Start();
  if (!started) {
    Stop();
    return started;
  }
  log::Info("service_started", "workers={} folders={} port={}", config_.fax_workers, folders_.size(), http_->port());
  return {};
}

void Service::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (http_) http_->Stop();
  if (webhooks_) webhooks_->Stop();
  if (srfax_) srfax_->Stop();
  if (poller_.joinable()) poller_.join();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

size_t Service::queue_depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool Service::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [this] { return queue_.empty() && in_hand_ == 0; });
}

void Service::WorkerLoop() {
  for (;;) {
    std::string fax_id;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // unprocessed faxes stay pending in the store for the next start
      fax_id = std::move(queue_.front());
      queue_.pop_front();
      ++in_hand_;
    }
    auto result = processor_->ProcessStored(fax_id, fax_id);
    if (result) {
      AfterProcessing(*result);
    } else {
      log::Error("fax_processing_failed", "fax_id={} code={}", fax_id, result.error().reason);
    }
    {
      std::lock_guard lock(mu_);
      --in_hand_;
    }
    idle_cv_.notify_all();
  }
}

void Service::AfterProcessing(const IntakeResult& result) {
  if (result.status != IntakeStatus::kQuarantined) return;
  ++quarantined_;
  for (auto& f : folders_) {
    if (result.metadata.source != "dropfolder:" + f->options().label) continue;
    auto q = f->QuarantineArchived(result.fax_id, result.error_code.value_or("unknown"), result.error_message.value_or(""));
    if (!q) log::Warn("quarantine_move_failed", "fax_id={} code={}", result.fax_id, q.error().reason);
  }
}

void Service::PollLoop() {
  const auto period = std::chrono::milliseconds(static_cast<int>(config_.poll_seconds * 1000));
  for (;;) {
    for (auto& f : folders_) f->ScanOnce();
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, period, [this] { return stopping_; })) return;
  }
}

std::string Service::Metrics() const {
  const ProcessorStats& s = processor_->stats();
  std::string out;
  auto counter = [&out](const char* name, const char* help, uint64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, v);
  };
  auto gauge = [&out](const char* name, const char* help, double v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, v);
  };
  counter("faxintake_faxes_accepted_total", "Faxes stored durably and queued.", accepted_.load());
  counter("faxintake_faxes_duplicate_total", "Deliveries recognized as an already stored fax.", duplicates_.load());
  counter("faxintake_faxes_rejected_busy_total", "Uploads refused with 503 because the queue was full.", rejected_busy_.load());
  counter("faxintake_faxes_processed_total", "Faxes run through the pipeline.", s.faxes.load());
  counter("faxintake_pages_processed_total", "Pages decoded and read.", s.pages.load());
  counter("faxintake_faxes_quarantined_total", "Faxes that could not be decoded.", s.quarantined.load());
  counter("faxintake_faxes_needs_review_total", "Faxes with a document that needs a person.", s.needs_review.load());
  counter("faxintake_ocr_timeouts_total", "Pages whose OCR hit the per-page deadline.", s.ocr_timeouts.load());
  gauge("faxintake_decode_seconds_total", "Time spent decoding.", s.decode_micros.load() / 1e6);
  gauge("faxintake_ocr_seconds_total", "Time spent in page clean-up and OCR.", s.ocr_micros.load() / 1e6);
  gauge("faxintake_analyze_seconds_total", "Time spent classifying, extracting and checking.", s.analyze_micros.load() / 1e6);
  gauge("faxintake_queue_depth", "Accepted faxes waiting for a worker.", static_cast<double>(queue_depth()));
  if (webhooks_) out += webhooks_->Metrics();
  return out;
}

}  // namespace faxintake::app
