#include "server/webhooks.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "pipeline/log.h"
#include "server/gateway_adapters.h"
#include "server/webhooks_crypto.h"
#include "server/webhooks_formats.h"
#include "server/webhooks_spool.h"

namespace faxintake::server {

// ------------------------------------------------------------------ shared adapter helpers

namespace adapters {

std::unexpected<Error> Unauthenticated(std::string reason, std::string message) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(reason), std::move(message));
}

std::unexpected<Error> Malformed(std::string reason, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(message));
}

Result<void> CheckBasicAuth(const GatewayConfig& g, const WebhookRequest& r) {
  const auto given = ParseBasicAuth(r.header("Authorization"));
  if (!given) return Unauthenticated("missing_credentials", "the webhook carries no Basic credentials");
  // Compared as MACs so that neither the values nor their lengths show in the timing.
  const bool user_ok = ConstantTimeEquals(HmacSha256("basic-auth", given->first), HmacSha256("basic-auth", g.basic_user));
  const bool password_ok =
      ConstantTimeEquals(HmacSha256("basic-auth", given->second), HmacSha256("basic-auth", g.basic_password));
  if (!(user_ok & password_ok)) return Unauthenticated("bad_credentials", "the webhook's Basic credentials are wrong");
  return {};
}

std::string SignedUrl(const GatewayConfig& g, const WebhookRequest& r) {
  if (r.query.empty() || g.public_url.find('?') != std::string::npos) return g.public_url;
  return g.public_url + "?" + r.query;
}

WebhookEvent NewEvent(const GatewayConfig& g, Clock::time_point now) {
  WebhookEvent e;
  e.meta.source = "webhook:" + g.name;
  e.meta.received_at = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(Clock::to_time_t(now)));
  return e;
}

std::string JsonText(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  if (it == obj.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number() || it->is_boolean()) return it->dump();
  return "";
}

Result<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view what) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Malformed("bad_json", fmt::format("{} is not a JSON object", what));
  return j;
}

}  // namespace adapters

// ------------------------------------------------------------------ kinds and signatures

std::optional<GatewayKind> ParseGatewayKind(std::string_view name) {
  if (name == "phaxio" || name == "sinch_v2") return GatewayKind::kPhaxio;
  if (name == "sinch_v3" || name == "sinch") return GatewayKind::kSinchV3;
  if (name == "telnyx") return GatewayKind::kTelnyx;
  if (name == "twilio" || name == "signalwire") return GatewayKind::kTwilio;
  if (name == "documo") return GatewayKind::kDocumo;
  if (name == "generic") return GatewayKind::kGeneric;
  return std::nullopt;
}

std::string_view GatewayKindName(GatewayKind kind) {
  switch (kind) {
    case GatewayKind::kPhaxio: return "phaxio";
    case GatewayKind::kSinchV3: return "sinch_v3";
    case GatewayKind::kTelnyx: return "telnyx";
    case GatewayKind::kTwilio: return "twilio";
    case GatewayKind::kDocumo: return "documo";
    case GatewayKind::kGeneric: return "generic";
  }
  return "unknown";
}

std::string PhaxioSignature(std::string_view token, std::string_view url,
                            std::vector<std::pair<std::string, std::string>> params,
                            std::vector<std::pair<std::string, std::string>> files) {
  std::sort(params.begin(), params.end());
  std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string message(url);
  for (const auto& [name, value] : params) message += name + value;
  for (const auto& [name, content] : files) message += name + HexLower(Sha1(content));
  return HexLower(HmacSha1(token, message));
}

std::string TwilioSignature(std::string_view token, std::string_view url,
                            std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end());
  std::string message(url);
  for (const auto& [name, value] : params) message += name + value;
  return Base64Encode(HmacSha1(token, message));
}

std::string GenericSignature(std::string_view key, std::string_view body) {
  return "sha256=" + HexLower(HmacSha256(key, body));
}

Result<WebhookEvent> VerifyAndParse(const GatewayConfig& gateway, const WebhookRequest& request,
                                    std::chrono::system_clock::time_point now) {
  switch (gateway.kind) {
    case GatewayKind::kPhaxio: return adapters::Phaxio(gateway, request, now);
    case GatewayKind::kSinchV3: return adapters::SinchV3(gateway, request, now);
    case GatewayKind::kTelnyx: return adapters::Telnyx(gateway, request, now);
    case GatewayKind::kTwilio: return adapters::Twilio(gateway, request, now);
    case GatewayKind::kDocumo: return adapters::Documo(gateway, request, now);
    case GatewayKind::kGeneric: return adapters::Generic(gateway, request, now);
  }
  return MakeError(ErrorCode::kInternal, "unknown_gateway_kind", "unknown gateway kind");
}

// ------------------------------------------------------------------ intake

namespace {

using Clock = std::chrono::system_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

WebhookResponse Json(int status, const nlohmann::json& body) { return WebhookResponse{status, body.dump(), 0}; }

WebhookResponse ErrorJson(int status, const std::string& code, const std::string& message) {
  return Json(status, {{"error", {{"code", code}, {"message", message}}}});
}

bool IsBusy(const Error& e) {
  return e.code == ErrorCode::kResourceExhausted || e.code == ErrorCode::kUnavailable;
}

Result<void> CheckGateway(const GatewayConfig& g) {
  auto bad = [&g](const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument, "bad_gateway", "gateway `" + g.name + "`: " + why);
  };
  if (g.name.empty() || g.name.size() > 64 ||
      !std::all_of(g.name.begin(), g.name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }))
    return bad("the name must be 1-64 characters of a-z, 0-9, _ and -");
  switch (g.kind) {
    case GatewayKind::kPhaxio:
    case GatewayKind::kTwilio:
      if (g.secret.empty()) return bad("needs its signing token");
      if (g.public_url.empty()) return bad("needs public_url, the callback URL it signs");
      break;
    case GatewayKind::kGeneric:
      if (g.secret.empty()) return bad("needs its HMAC key");
      break;
    case GatewayKind::kTelnyx:
      if (g.public_key.size() != 32) return bad("needs its 32-byte Ed25519 public key");
      break;
    case GatewayKind::kSinchV3:
    case GatewayKind::kDocumo:
      if (g.basic_user.empty() || g.basic_password.empty()) return bad("needs Basic credentials (user and password)");
      break;
  }
  return {};
}

}  // namespace

struct WebhookIntake::Impl {
  WebhookOptions options;
  std::map<std::string, GatewayConfig, std::less<>> gateways;
  AcceptFn accept;
  std::optional<FetchSpool> spool;
  WebhookStats stats;

  std::mutex spool_mu;  // read-modify-write of pending records
  std::mutex pass_mu;   // one fetcher pass at a time
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool wake = false;
  std::thread fetcher;

  WebhookResponse AcceptNow(const GatewayConfig& g, const WebhookEvent& e);
  WebhookResponse SpoolFetch(const GatewayConfig& g, const WebhookEvent& e);
  bool FetchOne(PendingFetch f);
  size_t Pass(bool ignore_schedule);
  void Reschedule(const std::string& key, const std::string& url_tried, const std::string& reason, bool count_failure);
  void Loop();
  void Wake() {
    {
      std::lock_guard lock(mu);
      wake = true;
    }
    cv.notify_all();
  }
};

WebhookIntake::WebhookIntake(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebhookIntake::~WebhookIntake() { Stop(); }

Result<std::unique_ptr<WebhookIntake>> WebhookIntake::Create(const WebhookOptions& options,
                                                             std::vector<GatewayConfig> gateways, AcceptFn accept) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->accept = std::move(accept);
  for (GatewayConfig& g : gateways) {
    if (auto ok = CheckGateway(g); !ok) return std::unexpected(ok.error());
    const std::string name = g.name;
    if (!impl->gateways.emplace(name, std::move(g)).second)
      return MakeError(ErrorCode::kInvalidArgument, "bad_gateway", "two gateways are named `" + name + "`");
  }
  auto spool = FetchSpool::Open(options.spool_dir, options.spool_cipher);
  if (!spool) return std::unexpected(spool.error());
  impl->spool.emplace(std::move(*spool));
  return std::unique_ptr<WebhookIntake>(new WebhookIntake(std::move(impl)));
}

const WebhookStats& WebhookIntake::stats() const { return impl_->stats; }

size_t WebhookIntake::pending_fetches() const { return impl_->spool->PendingCount(); }

WebhookResponse WebhookIntake::Handle(const WebhookRequest& request) {
  Impl& d = *impl_;
  auto it = d.gateways.find(request.gateway);
  if (it == d.gateways.end()) return ErrorJson(404, "unknown_gateway", "no such webhook");
  const GatewayConfig& g = it->second;
  ++d.stats.received;

  auto event = VerifyAndParse(g, request, Clock::now());
  if (!event) {
    const Error& e = event.error();
    if (e.code == ErrorCode::kUnauthenticated) {
      ++d.stats.unauthenticated;
      log::Warn("webhook_unauthenticated", "gateway={} reason={}", g.name, e.reason);
      return ErrorJson(401, e.reason, "the webhook could not be authenticated");
    }
    log::Warn("webhook_malformed", "gateway={} reason={}", g.name, e.reason);
    return ErrorJson(400, e.reason, e.message);
  }
  switch (event->action) {
    case WebhookEvent::Action::kIgnore:
      ++d.stats.ignored;
      log::Debug("webhook_ignored", "gateway={} event={}", g.name, event->event_type);
      return Json(200, {{"status", "ignored"}});
    case WebhookEvent::Action::kAccept:
      return d.AcceptNow(g, *event);
    case WebhookEvent::Action::kFetch:
      return d.SpoolFetch(g, *event);
  }
  return ErrorJson(500, "internal", "unknown event action");
}

WebhookResponse WebhookIntake::Impl::AcceptNow(const GatewayConfig& g, const WebhookEvent& e) {
  auto reply = accept(e.content, e.meta);
  if (!reply) {
    if (IsBusy(reply.error())) {
      ++stats.busy;
      WebhookResponse r = ErrorJson(503, reply.error().reason, "cannot store the fax now; retry later");
      r.retry_after_seconds = options.retry_after_seconds;
      return r;
    }
    log::Warn("webhook_rejected", "gateway={} reason={}", g.name, reply.error().reason);
    return ErrorJson(400, reply.error().reason, reply.error().message);
  }
  if (reply->duplicate) {
    ++stats.duplicates;
  } else {
    ++stats.accepted;
  }
  log::Info("webhook_fax_stored", "gateway={} fax_id={} duplicate={}", g.name, reply->fax_id, reply->duplicate);
  return Json(200, {{"fax_id", reply->fax_id}, {"duplicate", reply->duplicate}});
}

WebhookResponse WebhookIntake::Impl::SpoolFetch(const GatewayConfig& g, const WebhookEvent& e) {
  if (e.meta.gateway_fax_id.empty()) return ErrorJson(400, "missing_fax_id", "the event names no fax id");
  const std::string key = FetchSpool::KeyFor(g.name, e.meta.gateway_fax_id);
  if (auto done = spool->DoneFaxId(key)) {
    ++stats.duplicates;
    return Json(200, {{"fax_id", *done}, {"duplicate", true}});
  }
  if (spool->PendingCount() >= options.max_pending_fetches) {
    ++stats.busy;
    WebhookResponse r = ErrorJson(503, "fetch_backlog_full", "too many faxes waiting to be fetched; retry later");
    r.retry_after_seconds = options.retry_after_seconds;
    return r;
  }
  PendingFetch f;
  f.key = key;
  f.gateway = g.name;
  f.media_url = e.media_url;
  f.meta = e.meta;
  f.first_seen_ms = NowMs();
  f.next_attempt_ms = f.first_seen_ms;
  std::lock_guard lock(spool_mu);
  auto added = spool->Add(f);
  if (!added) {
    ++stats.busy;
    log::Error("webhook_spool_failed", "gateway={} reason={}", g.name, added.error().reason);
    WebhookResponse r = ErrorJson(503, added.error().reason, "cannot store the event now; retry later");
    r.retry_after_seconds = options.retry_after_seconds;
    return r;
  }
  switch (*added) {
    case FetchSpool::AddOutcome::kAdded:
      ++stats.fetches_spooled;
      log::Info("webhook_fetch_spooled", "gateway={} key={}", g.name, key);
      Wake();
      return Json(200, {{"status", "fetch_queued"}, {"duplicate", false}});
    case FetchSpool::AddOutcome::kAlreadyPending: {
      ++stats.duplicates;
      // A repeated event may carry a fresh link where the first one expired: keep the newest
      // and try it at once.
      auto pending = spool->GetPending(key);
      if (pending && pending->media_url != e.media_url && !e.media_url.empty()) {
        pending->media_url = e.media_url;
        pending->next_attempt_ms = NowMs();
        if (auto u = spool->Update(*pending); !u) log::Warn("webhook_spool_update_failed", "key={}", key);
        Wake();
      }
      return Json(200, {{"status", "fetch_queued"}, {"duplicate", true}});
    }
    case FetchSpool::AddOutcome::kAlreadyDone:
      ++stats.duplicates;
      return Json(200, {{"fax_id", spool->DoneFaxId(key).value_or("")}, {"duplicate", true}});
  }
  return ErrorJson(500, "internal", "unknown spool outcome");
}

void WebhookIntake::Impl::Reschedule(const std::string& key, const std::string& url_tried, const std::string& reason,
                                     bool count_failure) {
  std::lock_guard lock(spool_mu);
  auto f = spool->GetPending(key);
  if (!f) return;
  if (count_failure) ++f->failures;
  f->last_error = reason;
  double delay = options.retry_min_seconds;
  if (count_failure) {
    for (int i = 1; i < f->failures && delay < options.retry_max_seconds; ++i) delay *= 2;
    delay = std::min(delay, options.retry_max_seconds);
  }
  // A newer link arrived while this one was being tried: try it now.
  f->next_attempt_ms = f->media_url != url_tried ? NowMs() : NowMs() + static_cast<int64_t>(delay * 1000);
  if (auto u = spool->Update(*f); !u) log::Error("webhook_spool_update_failed", "key={}", key);
}

bool WebhookIntake::Impl::FetchOne(PendingFetch f) {
  auto g = gateways.find(f.gateway);
  if (g == gateways.end()) {
    log::Warn("webhook_fetch_gateway_gone", "gateway={} key={}", f.gateway, f.key);
    Reschedule(f.key, f.media_url, "gateway_not_configured", false);
    return false;
  }
  ingest::FetchOptions fo = options.fetch;
  if (!g->second.fetch_user.empty()) {
    fo.basic_user = g->second.fetch_user;
    fo.basic_password = g->second.fetch_password;
  }
  auto media = ingest::Fetch(f.media_url, fo);
  if (!media) {
    ++stats.fetch_failures;
    log::Warn("webhook_fetch_failed", "gateway={} key={} failures={} code={} host={}", f.gateway, f.key,
              f.failures + 1, media.error().reason, ingest::UrlHost(f.media_url));
    Reschedule(f.key, f.media_url, media.error().reason, true);
    return false;
  }
  auto reply = accept(media->bytes, f.meta);
  if (!reply) {
    const bool busy = IsBusy(reply.error());
    if (!busy) ++stats.fetch_failures;
    log::Warn("webhook_fetched_not_stored", "gateway={} key={} code={}", f.gateway, f.key, reply.error().reason);
    Reschedule(f.key, f.media_url, reply.error().reason, !busy);
    return false;
  }
  std::lock_guard lock(spool_mu);
  if (auto done = spool->MarkDone(f.key, reply->fax_id); !done) {
    // The fax is stored; the pending record stays and a later pass finds it a duplicate.
    log::Error("webhook_spool_done_failed", "key={} fax_id={}", f.key, reply->fax_id);
  }
  if (reply->duplicate) {
    ++stats.duplicates;
  } else {
    ++stats.accepted;
  }
  log::Info("webhook_fax_fetched", "gateway={} fax_id={} duplicate={} bytes={}", f.gateway, reply->fax_id,
            reply->duplicate, media->bytes.size());
  return true;
}

size_t WebhookIntake::Impl::Pass(bool ignore_schedule) {
  std::lock_guard pass(pass_mu);
  size_t fetched = 0;
  for (PendingFetch& f : spool->ListPending()) {
    {
      std::lock_guard lock(mu);
      if (stopping) break;
    }
    if (!ignore_schedule && f.next_attempt_ms > NowMs()) continue;
    if (FetchOne(std::move(f))) ++fetched;
  }
  return fetched;
}

size_t WebhookIntake::FetchDue(bool ignore_schedule) { return impl_->Pass(ignore_schedule); }

void WebhookIntake::Impl::Loop() {
  const auto period = std::chrono::milliseconds(static_cast<int64_t>(options.scan_seconds * 1000));
  for (;;) {
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, period, [this] { return stopping || wake; });
      if (stopping) return;
      wake = false;
    }
    Pass(false);
  }
}

void WebhookIntake::Start() {
  if (impl_->fetcher.joinable()) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = false;
    impl_->wake = true;  // spooled fetches from an earlier run
  }
  impl_->fetcher = std::thread([this] { impl_->Loop(); });
}

void WebhookIntake::Stop() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->fetcher.joinable()) impl_->fetcher.join();
}

std::string WebhookIntake::Metrics() const {
  const WebhookStats& s = impl_->stats;
  std::string out;
  auto counter = [&out](const char* name, const char* help, uint64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, v);
  };
  counter("faxintake_webhooks_received_total", "Webhook requests for a configured gateway.", s.received.load());
  counter("faxintake_webhooks_unauthenticated_total", "Webhooks refused with 401.", s.unauthenticated.load());
  counter("faxintake_webhooks_faxes_accepted_total", "New faxes stored from webhooks.", s.accepted.load());
  counter("faxintake_webhooks_duplicates_total", "Repeated webhook deliveries answered without a new fax.", s.duplicates.load());
  counter("faxintake_webhooks_ignored_total", "Authentic webhook events with nothing to store.", s.ignored.load());
  counter("faxintake_webhooks_busy_total", "Webhooks answered 503 (queue or fetch backlog full).", s.busy.load());
  counter("faxintake_webhooks_fetches_spooled_total", "Fetch events stored in the spool.", s.fetches_spooled.load());
  counter("faxintake_webhooks_fetch_failures_total", "Failed media fetches (each retried later).", s.fetch_failures.load());
  out += fmt::format("# HELP faxintake_webhooks_pending_fetches Faxes waiting to be fetched.\n"
                     "# TYPE faxintake_webhooks_pending_fetches gauge\nfaxintake_webhooks_pending_fetches {}\n",
                     impl_->spool->PendingCount());
  return out;
}

}  // namespace faxintake::server
