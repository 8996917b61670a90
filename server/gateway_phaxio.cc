// Phaxio / Sinch Fax v2: multipart/form-data with the PDF in part `file` (API v1: `filename`)
// and the fax as a JSON string in part `fax`; signed with X-Phaxio-Signature.
#include "server/gateway_adapters.h"
#include "server/webhooks_crypto.h"
#include "server/webhooks_formats.h"

namespace faxintake::server::adapters {

Result<WebhookEvent> Phaxio(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now) {
  const std::string signature(r.header("X-Phaxio-Signature"));
  if (signature.empty()) return Unauthenticated("missing_signature", "no X-Phaxio-Signature header");
  // The signature covers the parameters and file digests, so the multipart framing is read
  // first; nothing is interpreted until it matches.
  auto parts = ParseMultipart(r.header("Content-Type"), r.body);
  if (!parts) return Unauthenticated("unsigned_body", "the body is not the multipart form Phaxio signs");
  std::vector<std::pair<std::string, std::string>> params, files;
  for (const FormPart& p : *parts) (p.is_file ? files : params).emplace_back(p.name, p.content);
  std::string given = signature;
  for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!ConstantTimeEquals(PhaxioSignature(g.secret, SignedUrl(g, r), std::move(params), std::move(files)), given))
    return Unauthenticated("bad_signature", "X-Phaxio-Signature does not match");

  WebhookEvent e = NewEvent(g, now);
  const FormPart* fax_part = FindPart(*parts, "fax");
  if (!fax_part) return Malformed("missing_fax", "no `fax` field");
  auto fax = ParseJsonObject(fax_part->content, "the `fax` field");
  if (!fax) return std::unexpected(fax.error());
  const FormPart* event_type = FindPart(*parts, "event_type");
  e.event_type = event_type ? event_type->content : "fax_completed";
  const FormPart* success = FindPart(*parts, "success");
  std::string direction = JsonText(*fax, "direction");
  if (direction.empty())
    if (const FormPart* d = FindPart(*parts, "direction")) direction = d->content;
  const FormPart* file = FindPart(*parts, "file");
  if (!file) file = FindPart(*parts, "filename");
  if (direction != "received" || (success && success->content != "true") || !file || !file->is_file ||
      file->content.empty())
    return e;  // outbound, failed or without a document: nothing to store

  e.meta.gateway_fax_id = JsonText(*fax, "id");
  if (e.meta.gateway_fax_id.empty()) return Malformed("missing_fax_id", "the `fax` field has no id");
  e.meta.from_number = JsonText(*fax, "from_number");
  e.meta.to_number = JsonText(*fax, "to_number");
  e.meta.sender_tsi = JsonText(*fax, "caller_name");
  e.meta.original_name = file->filename;
  e.content = file->content;
  e.action = WebhookEvent::Action::kAccept;
  return e;
}

}  // namespace faxintake::server::adapters
