// The generic upload for in-house tools: multipart/form-data with the fax in part `file`
// and optional fields `fax_id`, `from`, `to`, `sender_tsi`; the configured header carries
// "sha256=<hex HMAC-SHA256 of the raw body>".
#include "server/gateway_adapters.h"
#include "server/webhooks_crypto.h"
#include "server/webhooks_formats.h"

namespace faxintake::server::adapters {

Result<WebhookEvent> Generic(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now) {
  std::string_view given = r.header(g.signature_header);
  if (given.empty()) return Unauthenticated("missing_signature", "no " + g.signature_header + " header");
  if (!given.starts_with("sha256=")) return Unauthenticated("bad_signature", "the signature is not sha256=<hex>");
  std::string lower(given);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!ConstantTimeEquals(GenericSignature(g.secret, r.body), lower))
    return Unauthenticated("bad_signature", g.signature_header + " does not match");

  auto parts = ParseMultipart(r.header("Content-Type"), r.body);
  if (!parts) return std::unexpected(parts.error());
  const FormPart* file = FindPart(*parts, "file");
  if (!file || file->content.empty()) return Malformed("missing_file", "no `file` part");
  WebhookEvent e = NewEvent(g, now);
  e.event_type = "upload";
  auto field = [&](std::string_view name) {
    const FormPart* p = FindPart(*parts, name);
    return p ? p->content : std::string();
  };
  e.meta.gateway_fax_id = field("fax_id");
  e.meta.from_number = field("from");
  e.meta.to_number = field("to");
  e.meta.sender_tsi = field("sender_tsi");
  e.meta.original_name = file->filename;
  e.content = file->content;
  e.action = WebhookEvent::Action::kAccept;
  return e;
}

}  // namespace faxintake::server::adapters
