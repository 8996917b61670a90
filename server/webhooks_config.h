// The gateway settings for webhooks: config/gateways.yaml (beside faxintake.yaml). Secrets are
// never in the file: each is named by an environment variable (`<secret>_env`) or a file
// (`<secret>_file`, relative to the YAML file's folder) that holds it.
//
// Thread-safety: a loaded config is an immutable value.
#pragma once

#include <string>
#include <vector>

#include <optional>

#include "ingest/srfax_poller.h"
#include "pipeline/status.h"
#include "server/webhooks.h"

namespace faxintake::server {

struct WebhooksConfig {
  std::string config_file;               // where it was loaded from; "" when there was none
  WebhookOptions options;
  std::vector<GatewayConfig> gateways;   // the enabled ones, secrets resolved
  // The SRFax inbox poller (top-level `srfax:` section), credentials resolved; nullopt when
  // it is disabled or absent. Its HTTP rules (timeouts, size, attempts, ca_file) are
  // webhooks.fetch's.
  std::optional<ingest::SrfaxPollerOptions> srfax;
};

// Loads the gateway settings. A missing file is no error: no gateways.
// Errors: kInvalidArgument naming the key for a malformed value or unknown gateway type;
// kFailedPrecondition naming the variable or file when an enabled gateway's secret is
// missing (the value is never in a message).
Result<WebhooksConfig> LoadWebhooksConfig(const std::string& path);

// gateways.yaml in the folder of the service's configuration file.
std::string WebhooksConfigPathBeside(const std::string& service_config_file);

}  // namespace faxintake::server
