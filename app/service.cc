#include "app/service.h"

#include <fmt/format.h>

#include "pipeline/log.h"
#include "pipeline/result_json.h"
#include "server/webhooks_config.h"
#include "store/crypto.h"

namespace faxintake::app {
namespace {

// The webhook spool is sealed under the record store's key, loaded the way the store loads it
// (the environment variable first, then the key file, which the store created if needed).
Result<server::SpoolCipher> SpoolCipherFor(const ServiceConfig& config, const store::RecordStore& st) {
  if (!st.encrypted()) return server::SpoolCipher{};
  Result<store::StoreKey> key = MakeError(ErrorCode::kNotFound, "store_key_missing", "no store key configured");
  if (!config.key_env.empty()) key = store::LoadKeyFromEnv(config.key_env);
  if (!key && !config.key_file.empty()) key = store::LoadKeyFile(config.key_file);
  if (!key) return std::unexpected(key.error());
  auto sealer = std::make_shared<const store::Sealer>(store::Sealer::Encrypting(*key));
  server::SpoolCipher c;
  c.seal = [sealer](std::string_view plain, std::string_view aad) { return sealer->Seal(plain, aad); };
  c.open = [sealer](std::string_view sealed, std::string_view aad) { return sealer->Unseal(sealed, aad); };
  return c;
}

// Prometheus text format 0.0.4: every family with HELP and TYPE; label values escaped.
class PromText {
 public:
  void Family(std::string_view name, std::string_view help, std::string_view type) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void Sample(std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels, double v) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (size_t i = 0; i < labels.size(); ++i)
        out_ += fmt::format("{}{}=\"{}\"", i ? "," : "", labels[i].first, Escape(labels[i].second));
      out_ += '}';
    }
    out_ += fmt::format(" {}\n", v);
  }
  void Counter(std::string_view name, std::string_view help, double v) {
    Family(name, help, "counter");
    Sample(name, {}, v);
  }
  void Gauge(std::string_view name, std::string_view help, double v) {
    Family(name, help, "gauge");
    Sample(name, {}, v);
  }
  std::string& text() { return out_; }

  static std::string Escape(std::string_view v) {
    std::string e;
    for (char c : v) {
      if (c == '\\') e += "\\\\";
      else if (c == '"') e += "\\\"";
      else if (c == '\n') e += "\\n";
      else e += c;
    }
    return e;
  }

 private:
  std::string out_;
};

}  // namespace

Service::Service(const ServiceConfig& config) : config_(config) {}

Service::~Service() { Stop(); }

Result<std::unique_ptr<Service>> Service::Create(const ServiceConfig& config) {
  std::unique_ptr<Service> s(new Service(config));
  store::StoreOptions so;
  so.path = config.store_path;
  so.key_file = config.key_file;
  so.key_env = config.key_env;
  so.create_key_if_missing = true;
  so.match = config.match;
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
    o.format = f.format;
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
  // The staff and export API (results, review, referrals, patients, outbox, audit): bearer
  // tokens from the tokens file, every read of patient data audited in the store.
  auto tokens = server::TokenRegistry::Open(config.tokens_file);
  if (!tokens) return std::unexpected(tokens.error());
  s->tokens_ = std::move(*tokens);
  if (s->tokens_->size() == 0)
    log::Warn("api_no_principals", "tokens_file={} hint=faxintake_add-token", config.tokens_file);
  s->api_ = std::make_unique<server::StaffApi>(server::StaffApiOptions{}, s->store_.get(), s->tokens_.get());
  h.api = s->api_->Routes();
  h.ready = [self] { return !self->stopping_; };
  h.metrics = [self] { return self->Metrics(); };
  // Fax-gateway webhooks: gateways.yaml beside the configuration file; none enabled, none served.
  auto hooks = server::LoadWebhooksConfig(
      config.config_file.empty() ? "" : server::WebhooksConfigPathBeside(config.config_file));
  if (!hooks) return std::unexpected(hooks.error());
  auto cipher = SpoolCipherFor(config, *s->store_);  // pending fetches sealed under the store key
  if (!cipher) return std::unexpected(cipher.error());
  hooks->options.spool_cipher = std::move(*cipher);
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
    {
      std::lock_guard lock(sources_mu_);
      ++received_by_source_[meta.source.empty() ? "unknown" : meta.source];
    }
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
  if (config_.retention_raw_days > 0) retention_ = std::thread([this] { RetentionLoop(); });
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
  retention_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  if (retention_.joinable()) retention_.join();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void Service::RetentionLoop() {
  for (;;) {
    store::RetentionOptions o;
    o.raw_days = config_.retention_raw_days;
    auto report = store_->ApplyRetention(o);  // logs its counts
    if (!report) log::Warn("retention_failed", "code={}", report.error().reason);
    std::unique_lock lock(mu_);
    if (retention_cv_.wait_for(lock, std::chrono::hours(24), [this] { return stopping_; })) return;
  }
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
    bool backlog = false;  // a folder stopped at its claim limit: go on without the pause
    for (auto& f : folders_) {
      f->ScanOnce();
      backlog |= f->backlog();
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, backlog ? std::chrono::milliseconds(0) : period, [this] { return stopping_; })) return;
  }
}

std::string Service::Metrics() const {
  const ProcessorStats& s = processor_->stats();
  PromText m;
  m.Counter("faxintake_faxes_accepted_total", "Faxes stored durably and queued.", accepted_.load());
  m.Counter("faxintake_faxes_duplicate_total", "Deliveries recognized as an already stored fax.", duplicates_.load());
  m.Counter("faxintake_faxes_rejected_busy_total", "Deliveries refused because the queue was full (503, or a drop folder waiting).", rejected_busy_.load());
  m.Family("faxintake_faxes_received_total", "New faxes stored, by source (dropfolder:<label>, webhook:<gateway>, poller:srfax, webhook:upload).", "counter");
  {
    std::lock_guard lock(sources_mu_);
    for (const auto& [source, n] : received_by_source_)
      m.Sample("faxintake_faxes_received_total", {{"source", source}}, static_cast<double>(n));
  }
  m.Counter("faxintake_faxes_processed_total", "Faxes taken up by a worker (counted as processing starts).", s.faxes.load());
  m.Counter("faxintake_pages_processed_total", "Pages decoded and read.", s.pages.load());
  m.Counter("faxintake_faxes_quarantined_total", "Faxes that could not be decoded.", s.quarantined.load());
  m.Counter("faxintake_faxes_needs_review_total", "Faxes with a document that needs a person.", s.needs_review.load());
  m.Counter("faxintake_ocr_timeouts_total", "Pages whose OCR hit the per-page deadline.", s.ocr_timeouts.load());
  m.Family("faxintake_stage_seconds_total", "Time spent in each pipeline stage (ocr includes page clean-up; analyze is classify, extract and check).", "counter");
  m.Sample("faxintake_stage_seconds_total", {{"stage", "decode"}}, s.decode_micros.load() / 1e6);
  m.Sample("faxintake_stage_seconds_total", {{"stage", "ocr"}}, s.ocr_micros.load() / 1e6);
  m.Sample("faxintake_stage_seconds_total", {{"stage", "analyze"}}, s.analyze_micros.load() / 1e6);
  m.Gauge("faxintake_queue_depth", "Accepted faxes waiting for a worker.", static_cast<double>(queue_depth()));
  m.Gauge("faxintake_queue_limit", "Queue depth beyond which deliveries are refused.", static_cast<double>(config_.queue_limit));
  // The store's own counters (kept in the batches that change them): cheap to read.
  if (auto st = store_->Stats(); st) {
    m.Gauge("faxintake_store_faxes", "Faxes in the record store.", static_cast<double>(st->faxes));
    m.Gauge("faxintake_store_pending", "Stored faxes without a result yet.", static_cast<double>(st->pending));
    m.Gauge("faxintake_review_backlog", "Stored faxes whose result needs a person.", static_cast<double>(st->needs_review));
  }
  if (!folders_.empty()) {
    struct Row {
      const char* name;
      const char* help;
      const std::atomic<uint64_t> ingest::DropFolderStats::*field;
    };
    const Row rows[] = {
        {"faxintake_dropfolder_claimed_total", "Files (and mgetty page sets) claimed from a drop folder.", &ingest::DropFolderStats::claimed},
        {"faxintake_dropfolder_archived_total", "Claimed files stored and moved to the archive.", &ingest::DropFolderStats::archived},
        {"faxintake_dropfolder_quarantined_total", "Files moved to quarantine with a reason.", &ingest::DropFolderStats::quarantined},
        {"faxintake_dropfolder_retries_total", "Accepts that failed; the claimed file is retried later.", &ingest::DropFolderStats::retries},
        {"faxintake_dropfolder_busy_stops_total", "Scans that stopped claiming because the intake was full.", &ingest::DropFolderStats::busy_stops},
        {"faxintake_dropfolder_mgetty_faxes_total", "mgetty page sets joined into one fax and stored.", &ingest::DropFolderStats::mgetty_faxes},
    };
    for (const Row& r : rows) {
      m.Family(r.name, r.help, "counter");
      for (const auto& f : folders_)
        m.Sample(r.name, {{"folder", f->options().label}}, static_cast<double>((f->stats().*r.field).load()));
    }
  }
  if (srfax_) {
    const ingest::SrfaxCounters& c = srfax_->counters();
    m.Counter("faxintake_srfax_polls_total", "SRFax inbox listings attempted.", c.polls.load());
    m.Counter("faxintake_srfax_poll_errors_total", "SRFax inbox listings that failed.", c.poll_errors.load());
    m.Counter("faxintake_srfax_fetched_total", "SRFax faxes retrieved and stored (new or already known).", c.fetched.load());
    m.Counter("faxintake_srfax_errors_total", "SRFax faxes left unread by a failed step (retried next poll).", c.errors.load());
    m.Counter("faxintake_srfax_mark_viewed_failures_total", "SRFax faxes stored but not marked viewed.", c.mark_viewed_failures.load());
  }
  if (webhooks_) m.text() += webhooks_->Metrics();
  return std::move(m.text());
}

}  // namespace faxintake::app
