// Twilio-style (SignalWire keeps Twilio's fax API): an x-www-form-urlencoded post signed
// with X-Twilio-Signature; the fax is fetched from MediaUrl.
#include "server/gateway_adapters.h"
#include "server/webhooks_crypto.h"
#include "server/webhooks_formats.h"

namespace faxintake::server::adapters {
namespace {

std::string Param(const std::vector<std::pair<std::string, std::string>>& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return "";
}

}  // namespace

Result<WebhookEvent> Twilio(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now) {
  const std::string_view signature = r.header("X-Twilio-Signature");
  if (signature.empty()) return Unauthenticated("missing_signature", "no X-Twilio-Signature header");
  auto params = ParseUrlEncoded(r.body);
  if (!params) return Unauthenticated("unsigned_body", "the body is not the form Twilio signs");
  if (!ConstantTimeEquals(TwilioSignature(g.secret, SignedUrl(g, r), *params), signature))
    return Unauthenticated("bad_signature", "X-Twilio-Signature does not match");
  if (!g.basic_user.empty())
    if (auto ok = CheckBasicAuth(g, r); !ok) return std::unexpected(ok.error());

  WebhookEvent e = NewEvent(g, now);
  e.event_type = Param(*params, "FaxStatus");
  const std::string media_url = Param(*params, "MediaUrl");
  if (e.event_type != "received" || media_url.empty()) return e;  // progress or failure
  e.meta.gateway_fax_id = Param(*params, "FaxSid");
  if (e.meta.gateway_fax_id.empty()) return Malformed("missing_fax_id", "no FaxSid");
  e.meta.from_number = Param(*params, "From");
  e.meta.to_number = Param(*params, "To");
  e.meta.sender_tsi = Param(*params, "RemoteStationId");
  e.media_url = media_url;
  e.action = WebhookEvent::Action::kFetch;
  return e;
}

}  // namespace faxintake::server::adapters
