#include "server/http_server.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <strings.h>

#include <chrono>
#include <thread>

#include "pipeline/log.h"

namespace faxintake::server {
namespace {

bool IsAcceptedType(const std::string& content_type) {
  return content_type.starts_with("application/pdf") || content_type.starts_with("image/tiff") ||
         content_type.starts_with("image/png") || content_type.starts_with("image/jpeg") ||
         content_type.starts_with("application/octet-stream");
}

void JsonReply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void ErrorReply(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  JsonReply(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

constexpr char kWebhookPrefix[] = "/v1/webhooks/";
// Where a webhook's Content-Type is kept while httplib reads the body (see the pre-routing
// handler below).
constexpr char kRawContentType[] = "X-Faxintake-Raw-Content-Type";

std::string_view FindHeader(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return {};
}

ApiRequest ToApiRequest(const httplib::Request& req) {
  ApiRequest a;
  a.method = req.method;
  for (size_t i = 1; i < req.matches.size(); ++i) a.params.push_back(req.matches[i].str());
  a.query.assign(req.params.begin(), req.params.end());
  a.headers.assign(req.headers.begin(), req.headers.end());
  a.body = req.body;
  return a;
}

}  // namespace

std::string_view WebhookRequest::header(std::string_view name) const { return FindHeader(headers, name); }

std::string_view ApiRequest::header(std::string_view name) const { return FindHeader(headers, name); }

std::optional<std::string_view> ApiRequest::query_value(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

struct HttpServer::Impl {
  httplib::Server server;
  std::thread thread;
};

HttpServer::HttpServer(HttpOptions options, HttpHandlers handlers) : impl_(std::make_unique<Impl>()) {
  auto& s = impl_->server;
  const size_t max_bytes = options.max_upload_bytes;
  s.set_payload_max_length(max_bytes + (1 << 16));  // room for multipart framing
  s.set_read_timeout(60, 0);
  s.set_write_timeout(60, 0);
  const int threads = options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  bind_ = options.bind;
  requested_port_ = options.port;

  s.Post("/v1/faxes", [handlers, max_bytes](const httplib::Request& req, httplib::Response& res) {
    std::string_view bytes;
    FaxMetadata meta;
    meta.source = "webhook:upload";
    httplib::MultipartFormData file;  // get_file_value returns a copy: keep it alive for `bytes`
    if (req.is_multipart_form_data()) {
      if (!req.has_file("file")) return ErrorReply(res, 400, "missing_file", "multipart upload needs a `file` part");
      file = req.get_file_value("file");
      bytes = file.content;
      meta.original_name = file.filename;
    } else if (IsAcceptedType(req.get_header_value("Content-Type"))) {
      bytes = req.body;
    } else {
      return ErrorReply(res, 415, "unsupported_media_type", "send multipart/form-data or a PDF/TIFF/PNG/JPEG body");
    }
    if (bytes.empty()) return ErrorReply(res, 400, "empty_file", "the uploaded file is empty");
    if (bytes.size() > max_bytes) return ErrorReply(res, 413, "input_too_large", "upload exceeds the size limit");
    meta.gateway_fax_id = req.get_header_value("X-Fax-Id");
    meta.from_number = req.get_header_value("X-Fax-From");
    meta.to_number = req.get_header_value("X-Fax-To");
    auto reply = handlers.upload(bytes, meta);
    if (!reply) {
      const Error& e = reply.error();
      if (e.code == ErrorCode::kResourceExhausted || e.code == ErrorCode::kUnavailable) {
        res.set_header("Retry-After", "30");
        return ErrorReply(res, 503, e.reason, e.message);
      }
      return ErrorReply(res, 400, e.reason, e.message);
    }
    JsonReply(res, 202, {{"fax_id", reply->fax_id}, {"duplicate", reply->duplicate}});
  });

  // Webhook signatures cover the body as sent, but httplib parses multipart bodies itself and
  // then keeps no raw copy. Hiding the Content-Type before the body is read makes httplib keep
  // the raw bytes in req.body; the webhook handler restores the header.
  s.set_pre_routing_handler([](const httplib::Request& creq, httplib::Response&) {
    if (creq.method == "POST" && creq.path.starts_with(kWebhookPrefix)) {
      // The Request object is httplib's own mutable one; only routing sees it as const.
      auto& req = const_cast<httplib::Request&>(creq);
      req.headers.erase(kRawContentType);  // never trust one the client sent
      auto it = req.headers.find("Content-Type");
      if (it != req.headers.end()) {
        std::string value = it->second;
        req.headers.erase(it);
        req.headers.emplace(kRawContentType, std::move(value));
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  s.Post(R"(/v1/webhooks/([a-z0-9_\-]{1,64}))", [handlers](const httplib::Request& req, httplib::Response& res) {
    if (!handlers.webhook) return ErrorReply(res, 404, "not_found", "webhooks are not enabled");
    WebhookRequest w;
    w.gateway = req.matches[1];
    if (const size_t q = req.target.find('?'); q != std::string::npos) w.query = req.target.substr(q + 1);
    w.headers.reserve(req.headers.size());
    for (const auto& [k, v] : req.headers) {
      if (::strcasecmp(k.c_str(), "Content-Type") == 0) continue;  // a second one sent: ignored
      w.headers.emplace_back(::strcasecmp(k.c_str(), kRawContentType) == 0 ? "Content-Type" : k, v);
    }
    w.body = req.body;
    WebhookResponse reply = handlers.webhook(w);
    res.status = reply.status;
    if (reply.retry_after_seconds > 0) res.set_header("Retry-After", std::to_string(reply.retry_after_seconds));
    res.set_content(reply.body, "application/json");
  });

  for (const ApiRoute& route : handlers.api) {
    auto serve = [handler = route.handler](const httplib::Request& req, httplib::Response& res) {
      ApiResponse reply = handler(ToApiRequest(req));
      res.status = reply.status;
      for (const auto& [k, v] : reply.headers) res.set_header(k, v);
      res.set_content(reply.body, "application/json");
    };
    if (route.method == "GET") {
      s.Get(route.pattern, serve);
    } else if (route.method == "POST") {
      s.Post(route.pattern, serve);
    } else {
      log::Error("http_route_ignored", "method={}", route.method);
    }
  }

  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  s.Get("/readyz", [handlers](const httplib::Request&, httplib::Response& res) {
    const bool ready = !handlers.ready || handlers.ready();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ready\n" : "not ready\n", "text/plain");
  });
  s.Get("/metrics", [handlers](const httplib::Request&, httplib::Response& res) {
    res.set_content(handlers.metrics ? handlers.metrics() : "", "text/plain; version=0.0.4");
  });
}

HttpServer::~HttpServer() { Stop(); }

Result<void> HttpServer::Start() {
  auto& s = impl_->server;
  if (requested_port_ == 0) {
    port_ = s.bind_to_any_port(bind_);
  } else {
    port_ = s.bind_to_port(bind_, requested_port_) ? requested_port_ : -1;
  }
  if (port_ <= 0)
    return MakeError(ErrorCode::kUnavailable, "bind_failed",
                     "cannot listen on " + bind_ + ":" + std::to_string(requested_port_));
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // httplib's stop() does nothing until the listen loop runs: a Stop() right after Start()
  // would otherwise leave the thread listening forever.
  for (int i = 0; i < 5000 && !impl_->server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  log::Info("http_listening", "bind={} port={}", bind_, port_);
  return {};
}

void HttpServer::Stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace faxintake::server
