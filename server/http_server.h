// The HTTP front: generic fax upload, results, health and metrics. The only file that
// includes cpp-httplib is http_server.cc.
//
// Endpoints:
//   POST /v1/faxes           multipart/form-data with a `file` part (TIFF, PDF, PNG, JPEG), or the
//                            raw bytes with Content-Type application/pdf | image/tiff | image/png.
//                            202 {"fax_id", "duplicate"} once the fax is durably stored;
//                            400 bad request, 413 too large, 503 (Retry-After) when the queue is full.
//   API routes               each HttpHandlers::api entry (the staff and export API of
//                            server/staff_api.h, GET /v1/faxes/{fax_id} among them), handed the
//                            request without httplib; the handler authenticates and answers.
//   POST /v1/webhooks/{gateway}
//                            a fax-gateway webhook, handed over raw (body bytes as received,
//                            not parsed) to HttpHandlers::webhook, which verifies, stores and
//                            answers (see server/webhooks.h). 404 when no webhook handler is set.
//   GET  /healthz            200 when the process runs.
//   GET  /readyz             200 when workers and store are ready, else 503.
//   GET  /metrics            Prometheus text format.
//
// Thread-safety: handlers run on the server's thread pool; the callbacks must be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake::server {

struct HttpOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;                       // 0: any free port (see HttpServer::port())
  size_t max_upload_bytes = 64 << 20;
  int threads = 8;
};

struct UploadReply {
  std::string fax_id;
  bool duplicate = false;
};

// A webhook request exactly as received: the body is the raw bytes, never parsed by the
// server, so that signatures can be checked over what the gateway sent.
struct WebhookRequest {
  std::string gateway;  // the {gateway} path segment
  std::string query;    // the raw query string without '?', "" when none
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;

  // The first header named `name` (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
};

struct WebhookResponse {
  int status = 200;
  std::string body;                  // JSON
  int retry_after_seconds = 0;       // > 0: sent as Retry-After (with 503)
};

// A request to an API route, without httplib: the route's captures, the decoded query
// parameters, the headers and the body.
struct ApiRequest {
  std::string method;                // "GET", "POST"
  std::vector<std::string> params;   // the route pattern's capture groups, in order
  std::vector<std::pair<std::string, std::string>> query;    // decoded, ordered by name
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;

  // The first header named `name` (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
  // The first query parameter named `name` (exact), or nullopt.
  std::optional<std::string_view> query_value(std::string_view name) const;
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (WWW-Authenticate, ...)
};

// One API route. `pattern` is matched against the whole path (ECMAScript syntax; keep every
// capture bounded, e.g. ([A-Za-z0-9_\-]{1,80})). Routes are tried in the order given.
struct ApiRoute {
  std::string method;  // "GET" or "POST"
  std::string pattern;
  std::function<ApiResponse(const ApiRequest&)> handler;
};

struct HttpHandlers {
  // Stores the fax durably and queues it. kResourceExhausted => 503; kInvalidArgument => 400.
  std::function<Result<UploadReply>(std::string_view bytes, const FaxMetadata& meta)> upload;
  // Routes beside the built-in ones; each handler authenticates its own requests.
  std::vector<ApiRoute> api;
  // Handles POST /v1/webhooks/{gateway}. Optional: when empty the route answers 404.
  std::function<WebhookResponse(const WebhookRequest&)> webhook;
  std::function<bool()> ready;
  std::function<std::string()> metrics;
};

class HttpServer {
 public:
  HttpServer(HttpOptions options, HttpHandlers handlers);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on a background thread. Errors: kUnavailable when the
  // address cannot be bound.
  Result<void> Start();
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string bind_;
  int requested_port_ = 0;
  int port_ = 0;
};

}  // namespace faxintake::server
