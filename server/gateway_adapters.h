// Internal to server/: one adapter per gateway kind (gateway_<kind>.cc), each authenticating
// and parsing one raw webhook request. VerifyAndParse (webhooks.cc) dispatches to them.
//
// Every adapter checks authenticity first and returns kUnauthenticated before it looks at
// what the body means. Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "server/webhooks.h"

namespace faxintake::server::adapters {

using Clock = std::chrono::system_clock;

Result<WebhookEvent> Phaxio(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now);
Result<WebhookEvent> SinchV3(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now);
Result<WebhookEvent> Telnyx(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now);
Result<WebhookEvent> Twilio(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now);
Result<WebhookEvent> Documo(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now);
Result<WebhookEvent> Generic(const GatewayConfig& g, const WebhookRequest& r, Clock::time_point now);

// ---- shared helpers (webhooks.cc)

std::unexpected<Error> Unauthenticated(std::string reason, std::string message);
std::unexpected<Error> Malformed(std::string reason, std::string message);
// Checks `Authorization: Basic` against the gateway's credentials in constant time.
// kUnauthenticated when missing or wrong.
Result<void> CheckBasicAuth(const GatewayConfig& g, const WebhookRequest& r);
// The URL the gateway signed: public_url, plus "?" + the request's query when public_url has
// no query of its own.
std::string SignedUrl(const GatewayConfig& g, const WebhookRequest& r);
// A fresh event with source "webhook:<name>" and received_at = now.
WebhookEvent NewEvent(const GatewayConfig& g, Clock::time_point now);
// obj[key] as text (numbers without quotes), "" when missing, null or not a scalar.
std::string JsonText(const nlohmann::json& obj, std::string_view key);
// Parses JSON from untrusted text; kInvalidArgument when malformed or not an object.
Result<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view what);

}  // namespace faxintake::server::adapters
