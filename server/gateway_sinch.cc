// Sinch Fax API v3: Basic auth on the callback URL; multipart/form-data (default) with the
// document in part `file`, or JSON with `file` as base64 and `fileType`.
#include "server/gateway_adapters.h"
#include "server/webhooks_crypto.h"
#include "server/webhooks_formats.h"

namespace faxintake::server::adapters {

Result<WebhookEvent> SinchV3(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now) {
  if (auto ok = CheckBasicAuth(g, r); !ok) return std::unexpected(ok.error());

  WebhookEvent e = NewEvent(g, now);
  nlohmann::json fax;
  std::string content, filename;
  const std::string type = MediaType(r.header("Content-Type"));
  if (type == "application/json") {
    auto body = ParseJsonObject(r.body, "the body");
    if (!body) return std::unexpected(body.error());
    e.event_type = JsonText(*body, "event");
    if (body->contains("fax") && (*body)["fax"].is_object()) fax = (*body)["fax"];
    if (const std::string b64 = JsonText(*body, "file"); !b64.empty()) {
      auto decoded = Base64Decode(b64);
      if (!decoded) return Malformed("bad_base64", "`file` is not valid base64");
      content = std::move(*decoded);
      filename = "fax." + JsonText(*body, "fileType");
    }
  } else {
    auto parts = ParseMultipart(r.header("Content-Type"), r.body);
    if (!parts) return std::unexpected(parts.error());
    if (const FormPart* ev = FindPart(*parts, "event")) e.event_type = ev->content;
    if (const FormPart* f = FindPart(*parts, "fax")) {
      auto parsed = ParseJsonObject(f->content, "the `fax` field");
      if (!parsed) return std::unexpected(parsed.error());
      fax = std::move(*parsed);
    }
    if (const FormPart* file = FindPart(*parts, "file"); file && file->is_file) {
      content = file->content;
      filename = file->filename;
    }
  }
  const std::string direction = JsonText(fax, "direction");
  const std::string status = JsonText(fax, "status");
  if (e.event_type != "INCOMING_FAX" || (!direction.empty() && direction != "INBOUND") ||
      (!status.empty() && status != "COMPLETED") || content.empty())
    return e;  // other events, failures or no document: nothing to store

  e.meta.gateway_fax_id = JsonText(fax, "id");
  if (e.meta.gateway_fax_id.empty()) return Malformed("missing_fax_id", "the `fax` object has no id");
  e.meta.from_number = JsonText(fax, "from");
  e.meta.to_number = JsonText(fax, "to");
  e.meta.original_name = filename;
  e.content = std::move(content);
  e.action = WebhookEvent::Action::kAccept;
  return e;
}

}  // namespace faxintake::server::adapters
