// Documo mFax (legacy webhooks): multipart/form-data with the document in part `attachment`
// and a JSON string in part `data`; authenticated by Basic credentials on the URL (Documo
// signs nothing, so this adapter refuses to run without them).
#include "server/gateway_adapters.h"
#include "server/webhooks_formats.h"

namespace faxintake::server::adapters {

Result<WebhookEvent> Documo(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now) {
  if (auto ok = CheckBasicAuth(g, r); !ok) return std::unexpected(ok.error());
  auto parts = ParseMultipart(r.header("Content-Type"), r.body);
  if (!parts) return std::unexpected(parts.error());

  WebhookEvent e = NewEvent(g, now);
  const FormPart* data_part = FindPart(*parts, "data");
  if (!data_part) return Malformed("missing_data", "no `data` field");
  auto data = ParseJsonObject(data_part->content, "the `data` field");
  if (!data) return std::unexpected(data.error());
  e.event_type = JsonText(*data, "resultInfo");
  const FormPart* file = FindPart(*parts, "attachment");
  const std::string direction = JsonText(*data, "direction");
  if (!file || !file->is_file || file->content.empty() || (!direction.empty() && direction != "inbound"))
    return e;

  e.meta.gateway_fax_id = JsonText(*data, "messageId");
  if (e.meta.gateway_fax_id.empty()) return Malformed("missing_fax_id", "`data` has no messageId");
  // Field names for the numbers are not in Documo's public docs (unconfirmed).
  e.meta.from_number = JsonText(*data, "faxCallerId");
  e.meta.to_number = JsonText(*data, "faxNumber");
  e.meta.sender_tsi = JsonText(*data, "faxCsid");
  e.meta.original_name = file->filename;
  e.content = file->content;
  e.action = WebhookEvent::Action::kAccept;
  return e;
}

}  // namespace faxintake::server::adapters
