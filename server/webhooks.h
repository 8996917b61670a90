// Fax-gateway webhooks: POST /v1/webhooks/{gateway} from Phaxio / Sinch Fax v2, Sinch Fax
// v3, Telnyx, Twilio-style gateways (SignalWire), Documo and a generic signed upload.
//
// What a webhook goes through (WebhookIntake::Handle):
//   1. authenticity, over the raw request as received, in constant time, before anything is
//      parsed for meaning or stored: a bad or missing signature, wrong Basic credentials or a
//      stale Telnyx timestamp is 401 and nothing is stored;
//   2. the adapter for the gateway turns it into an event: a fax with its bytes (accepted at
//      once), a fax to fetch from a URL (Telnyx, Twilio-style), or nothing to do (progress
//      and failure events, answered 200);
//   3. a fax with bytes goes to the accept callback (the store's AcceptFax, synced): 200 only
//      after it returned; a duplicate (same gateway fax id, or same bytes) is 200 with the
//      first fax's id; a full queue is 503 with Retry-After;
//   4. a fax to fetch is written to the fetch spool (one synced file per gateway fax id, see
//      server/webhooks_spool.h) and answered 200; the background fetcher downloads it, accepts
//      it and only then marks it done; a failed fetch stays in the spool and is retried with
//      back-off, forever. A repeated or out-of-order event for a fax already spooled or done
//      is 200 and changes nothing (a newer media URL replaces a pending one's).
//
// Thread-safety: Handle may be called from any number of threads at once. Start/Stop from one
// thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/fetch.h"
#include "pipeline/model.h"
#include "pipeline/status.h"
#include "server/http_server.h"
#include "server/webhooks_spool.h"

namespace faxintake::server {

enum class GatewayKind { kPhaxio, kSinchV3, kTelnyx, kTwilio, kDocumo, kGeneric };

// "phaxio" (also Sinch Fax v2), "sinch_v3", "telnyx", "twilio" (also SignalWire), "documo",
// "generic". nullopt for anything else.
std::optional<GatewayKind> ParseGatewayKind(std::string_view name);
std::string_view GatewayKindName(GatewayKind kind);

// One configured gateway. Secrets are the values, already read from where the configuration
// said (see server/webhooks_config.h).
struct GatewayConfig {
  // The {gateway} path segment, [a-z0-9_-]; also the fax source: "webhook:<name>".
  std::string name;
  GatewayKind kind = GatewayKind::kGeneric;
  // phaxio: the callback token; twilio: the auth token; generic: the HMAC-SHA256 key.
  std::string secret;
  // telnyx: the account's Ed25519 public key, 32 raw bytes.
  std::string public_key;
  // sinch_v3, documo: required Basic credentials; other kinds: checked when set.
  std::string basic_user;
  std::string basic_password;
  // The URL the gateway calls, exactly as registered with it (phaxio, twilio sign it). The
  // query string of the request is appended when this has none.
  std::string public_url;
  // generic: the header carrying "sha256=<hex HMAC-SHA256 of the raw body>".
  std::string signature_header = "X-Faxintake-Signature";
  // telnyx: timestamps further than this from now (past or future) are refused.
  int max_timestamp_skew_seconds = 300;
  // twilio-style: Basic credentials for fetching MediaUrl (SignalWire: project id and token).
  std::string fetch_user;
  std::string fetch_password;
};

// What one authentic webhook asks for.
struct WebhookEvent {
  enum class Action {
    kIgnore,  // progress, failure or outbound events: nothing to store
    kAccept,  // `content` holds the fax
    kFetch,   // the fax is at `media_url`
  };
  Action action = Action::kIgnore;
  FaxMetadata meta;       // source "webhook:<name>", gateway_fax_id, numbers, received_at
  std::string content;    // kAccept
  std::string media_url;  // kFetch
  std::string event_type; // the gateway's name for the event, for logs
};

// Authenticates `request` as coming from `gateway`, then parses it.
// Errors: kUnauthenticated for a missing or wrong signature or credentials, or a Telnyx
// timestamp outside the allowed skew (reason names which); kInvalidArgument for a body that
// is authentic but malformed.
Result<WebhookEvent> VerifyAndParse(const GatewayConfig& gateway, const WebhookRequest& request,
                                    std::chrono::system_clock::time_point now);

// The signatures, exposed for tests and test gateways.
// Phaxio: lower-case hex HMAC-SHA1 over url + sorted(name + value) + sorted(part name +
// hex SHA-1 of the file).
std::string PhaxioSignature(std::string_view token, std::string_view url,
                            std::vector<std::pair<std::string, std::string>> params,
                            std::vector<std::pair<std::string, std::string>> files);
// Twilio: base64 HMAC-SHA1 over url + sorted(name + value).
std::string TwilioSignature(std::string_view token, std::string_view url,
                            std::vector<std::pair<std::string, std::string>> params);
// Generic: "sha256=" + lower-case hex HMAC-SHA256 over the raw body.
std::string GenericSignature(std::string_view key, std::string_view body);

struct WebhookOptions {
  // The fetch spool folder (created when missing): pending/ and done/ inside.
  std::string spool_dir = "var/webhooks";
  // Seals pending records (gateway metadata and media URLs); the service passes the store
  // key's sealer. Empty: plaintext (tests only).
  SpoolCipher spool_cipher;
  // Pending fetches beyond this are answered 503 (Retry-After) instead of spooled.
  size_t max_pending_fetches = 10'000;
  // How the fetcher downloads (timeouts, size limit, redirects, in-call retries).
  ingest::FetchOptions fetch;
  // Back-off between fetcher passes over one failing fax: min * 2^(failures-1), up to max.
  double retry_min_seconds = 30;
  double retry_max_seconds = 6 * 3600;
  // The fetcher also wakes this often to look for due retries.
  double scan_seconds = 1;
  // Retry-After sent with 503.
  int retry_after_seconds = 30;
};

struct WebhookStats {
  std::atomic<uint64_t> received{0};         // requests for a known gateway
  std::atomic<uint64_t> unauthenticated{0};  // 401s
  std::atomic<uint64_t> accepted{0};         // new faxes stored
  std::atomic<uint64_t> duplicates{0};       // repeated deliveries answered 2xx, nothing new
  std::atomic<uint64_t> ignored{0};          // authentic events with nothing to store
  std::atomic<uint64_t> busy{0};             // 503s
  std::atomic<uint64_t> fetches_spooled{0};  // fetch events written to the spool
  std::atomic<uint64_t> fetch_failures{0};   // failed fetcher attempts (each retried later)
};

class WebhookIntake {
 public:
  // Stores a fax durably (the store's AcceptFax behind the service's queue check).
  // kResourceExhausted / kUnavailable => 503 with Retry-After; other errors => 400.
  using AcceptFn = std::function<Result<UploadReply>(std::string_view bytes, const FaxMetadata& meta)>;

  // Opens the spool and checks the gateways (unique names, required secrets present).
  // Errors: kInvalidArgument for a bad gateway list; kUnavailable when the spool folder
  // cannot be created.
  static Result<std::unique_ptr<WebhookIntake>> Create(const WebhookOptions& options,
                                                       std::vector<GatewayConfig> gateways, AcceptFn accept);
  ~WebhookIntake();  // stops
  WebhookIntake(const WebhookIntake&) = delete;
  WebhookIntake& operator=(const WebhookIntake&) = delete;

  // Answers one webhook (see the file comment). 404 for an unknown gateway.
  WebhookResponse Handle(const WebhookRequest& request);

  // Starts / stops the background fetcher. Spooled fetches from an earlier run are picked up.
  void Start();
  void Stop();

  // One fetcher pass now, on the calling thread: every pending fetch that is due (or all of
  // them with `ignore_schedule`). Returns how many were fetched and accepted.
  size_t FetchDue(bool ignore_schedule = false);

  // Pending fetches in the spool (not yet fetched and accepted).
  size_t pending_fetches() const;
  const WebhookStats& stats() const;
  // Prometheus text for the counters above.
  std::string Metrics() const;

 private:
  struct Impl;
  explicit WebhookIntake(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace faxintake::server
