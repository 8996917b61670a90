// Telnyx: JSON events signed with Ed25519 over "<telnyx-timestamp>|<raw body>"; the fax is
// fetched from data.payload.media_url (a short-lived pre-signed link).
#include <charconv>

#include "server/gateway_adapters.h"
#include "server/webhooks_crypto.h"

namespace faxintake::server::adapters {

Result<WebhookEvent> Telnyx(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now) {
  const std::string_view signature_b64 = r.header("telnyx-signature-ed25519");
  const std::string_view timestamp = r.header("telnyx-timestamp");
  if (signature_b64.empty() || timestamp.empty())
    return Unauthenticated("missing_signature", "no telnyx-signature-ed25519 / telnyx-timestamp header");
  int64_t ts = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size())
    return Unauthenticated("bad_timestamp", "telnyx-timestamp is not Unix seconds");
  const int64_t skew = Clock::to_time_t(now) - ts;
  if (skew > g.max_timestamp_skew_seconds || -skew > g.max_timestamp_skew_seconds)
    return Unauthenticated("stale_timestamp", "telnyx-timestamp is too far from now (a replay?)");
  const auto signature = Base64Decode(signature_b64);
  std::string message;
  message.reserve(timestamp.size() + 1 + r.body.size());
  message.append(timestamp).append("|").append(r.body);
  if (!signature || !VerifyEd25519(g.public_key, *signature, message))
    return Unauthenticated("bad_signature", "telnyx-signature-ed25519 does not verify");

  WebhookEvent e = NewEvent(g, now);
  auto body = ParseJsonObject(r.body, "the body");
  if (!body) return std::unexpected(body.error());
  const nlohmann::json data = body->value("data", nlohmann::json::object());
  const nlohmann::json payload = data.is_object() ? data.value("payload", nlohmann::json::object()) : nlohmann::json();
  e.event_type = JsonText(data, "event_type");
  const std::string direction = JsonText(payload, "direction");
  const std::string media_url = JsonText(payload, "media_url");
  // fax.receiving.started, fax.media.processing.started and fax.failed carry no document;
  // they may arrive after fax.received, which changes nothing.
  if (e.event_type != "fax.received" || (!direction.empty() && direction != "inbound") || media_url.empty())
    return e;

  e.meta.gateway_fax_id = JsonText(payload, "fax_id");
  if (e.meta.gateway_fax_id.empty()) return Malformed("missing_fax_id", "data.payload has no fax_id");
  e.meta.from_number = JsonText(payload, "from");
  e.meta.to_number = JsonText(payload, "to");
  e.media_url = media_url;
  e.action = WebhookEvent::Action::kFetch;
  return e;
}

}  // namespace faxintake::server::adapters
