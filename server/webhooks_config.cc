#include "server/webhooks_config.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/config_yaml.h"
#include "pipeline/log.h"
#include "server/webhooks_crypto.h"

namespace faxintake::server {
namespace {

namespace fs = std::filesystem;

using config::Bad;
using config::Get;

// node[key] when it is there, else an empty map: safe to index further (yaml-cpp throws when
// a missing node is indexed).
YAML::Node Child(const YAML::Node& node, const char* key) {
  if (node && node.IsMap() && node[key]) return node[key];
  return YAML::Node(YAML::NodeType::Map);
}

std::string Trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// A secret named by `<name>_env` or `<name>_file` under `node`; "" when neither key is set.
// REQUIRES: the caller decides whether "" is acceptable.
Result<std::string> Secret(const YAML::Node& node, const std::string& name, const std::string& file,
                           const std::string& key, const fs::path& dir) {
  std::string env, path;
  if (auto v = Get<std::string>(node[name + "_env"], file, key + "." + name + "_env", ""); v) env = *v;
  else return std::unexpected(v.error());
  if (auto v = Get<std::string>(node[name + "_file"], file, key + "." + name + "_file", ""); v) path = *v;
  else return std::unexpected(v.error());
  if (!env.empty()) {
    const char* value = std::getenv(env.c_str());
    if (value && *value) return Trimmed(value);
    if (path.empty())
      return MakeError(ErrorCode::kFailedPrecondition, "secret_missing",
                       file + ": `" + key + "." + name + "_env` names " + env + ", which is not set");
  }
  if (path.empty()) return std::string();
  const fs::path p = fs::path(path).is_absolute() ? fs::path(path) : dir / path;
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return MakeError(ErrorCode::kFailedPrecondition, "secret_missing",
                     file + ": `" + key + "." + name + "_file` names " + p.string() + ", which cannot be read");
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
    log::Warn("secret_file_permissions", "file={} mode={:o} want=600", p.string(), st.st_mode & 0777);
  std::ostringstream ss;
  ss << in.rdbuf();
  return Trimmed(ss.str());
}

#define ASSIGN_OR_RETURN(lhs, expr)              \
  do {                                           \
    auto _v = (expr);                            \
    if (!_v) return std::unexpected(_v.error()); \
    lhs = std::move(*_v);                        \
  } while (0)

Result<GatewayConfig> LoadGateway(const YAML::Node& n, const std::string& file, const std::string& key,
                                  const fs::path& dir, const std::string& base_url) {
  GatewayConfig g;
  ASSIGN_OR_RETURN(g.name, Get<std::string>(n["name"], file, key + ".name", ""));
  if (g.name.empty()) return std::unexpected(Bad(file, key + ".name", "is required"));
  std::string type;
  ASSIGN_OR_RETURN(type, Get<std::string>(n["type"], file, key + ".type", g.name));
  const auto kind = ParseGatewayKind(type);
  if (!kind)
    return std::unexpected(Bad(file, key + ".type", "must be phaxio, sinch_v3, telnyx, twilio, documo or generic"));
  g.kind = *kind;
  ASSIGN_OR_RETURN(g.public_url, Get<std::string>(n["public_url"], file, key + ".public_url", ""));
  if (g.public_url.empty() && !base_url.empty()) {
    std::string base = base_url;
    while (base.ends_with("/")) base.pop_back();
    g.public_url = base + "/v1/webhooks/" + g.name;
  }
  ASSIGN_OR_RETURN(g.signature_header, Get<std::string>(n["signature_header"], file, key + ".signature_header", g.signature_header));
  ASSIGN_OR_RETURN(g.max_timestamp_skew_seconds,
                   Get<int>(n["max_timestamp_skew_seconds"], file, key + ".max_timestamp_skew_seconds", g.max_timestamp_skew_seconds));
  ASSIGN_OR_RETURN(g.secret, Secret(n, "secret", file, key, dir));
  std::string public_key;
  ASSIGN_OR_RETURN(public_key, Secret(n, "public_key", file, key, dir));
  if (!public_key.empty()) {
    auto raw = Base64Decode(public_key);
    if (!raw || raw->size() != 32)
      return std::unexpected(Bad(file, key + ".public_key", "must hold the base64 of a 32-byte Ed25519 key"));
    g.public_key = std::move(*raw);
  }
  ASSIGN_OR_RETURN(g.basic_user, Secret(n, "basic_user", file, key, dir));
  ASSIGN_OR_RETURN(g.basic_password, Secret(n, "basic_password", file, key, dir));
  ASSIGN_OR_RETURN(g.fetch_user, Secret(n, "fetch_user", file, key, dir));
  ASSIGN_OR_RETURN(g.fetch_password, Secret(n, "fetch_password", file, key, dir));
  return g;
}

// The top-level `srfax:` section; nullopt when absent or disabled.
Result<std::optional<ingest::SrfaxPollerOptions>> LoadSrfax(const YAML::Node& root, const std::string& file,
                                                            const fs::path& dir, const ingest::FetchOptions& fetch) {
  const YAML::Node n = Child(root, "srfax");
  bool enabled = false;
  ASSIGN_OR_RETURN(enabled, Get<bool>(n["enabled"], file, "srfax.enabled", false));
  if (!enabled) return std::optional<ingest::SrfaxPollerOptions>{};
  ingest::SrfaxPollerOptions o;
  o.fetch = fetch;
  ASSIGN_OR_RETURN(o.base_url, Get<std::string>(n["base_url"], file, "srfax.base_url", o.base_url));
  if (!o.base_url.starts_with("https://")) return std::unexpected(Bad(file, "srfax.base_url", "must be an https:// URL"));
  ASSIGN_OR_RETURN(o.poll_seconds, Get<double>(n["poll_seconds"], file, "srfax.poll_seconds", o.poll_seconds));
  if (o.poll_seconds < 5 || o.poll_seconds > 86400)
    return std::unexpected(Bad(file, "srfax.poll_seconds", "must be between 5 and 86400"));
  ASSIGN_OR_RETURN(o.fax_format, Get<std::string>(n["fax_format"], file, "srfax.fax_format", o.fax_format));
  if (o.fax_format != "PDF" && o.fax_format != "TIFF")
    return std::unexpected(Bad(file, "srfax.fax_format", "must be PDF or TIFF"));
  ASSIGN_OR_RETURN(o.max_faxes_per_poll, Get<size_t>(n["max_faxes_per_poll"], file, "srfax.max_faxes_per_poll", o.max_faxes_per_poll));
  if (o.max_faxes_per_poll < 1) return std::unexpected(Bad(file, "srfax.max_faxes_per_poll", "must be at least 1"));
  ASSIGN_OR_RETURN(o.access_id, Secret(n, "access_id", file, "srfax", dir));
  ASSIGN_OR_RETURN(o.access_pwd, Secret(n, "access_pwd", file, "srfax", dir));
  if (o.access_id.empty() || o.access_pwd.empty())
    return MakeError(ErrorCode::kFailedPrecondition, "secret_missing",
                     file + ": `srfax` is enabled but access_id or access_pwd is not configured (`<name>_env` or `<name>_file`)");
  return std::optional<ingest::SrfaxPollerOptions>{std::move(o)};
}

}  // namespace

std::string WebhooksConfigPathBeside(const std::string& service_config_file) {
  return (fs::path(service_config_file).parent_path() / "gateways.yaml").string();
}

Result<WebhooksConfig> LoadWebhooksConfig(const std::string& path) {
  WebhooksConfig c;
  if (path.empty() || !fs::exists(path)) return c;
  c.config_file = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, "bad_config", path + ": " + e.what());
  }
  const fs::path dir = fs::path(path).parent_path();
  const YAML::Node w = Child(root, "webhooks");
  WebhookOptions& o = c.options;
  std::string base_url;
  ASSIGN_OR_RETURN(base_url, Get<std::string>(w["public_base_url"], path, "webhooks.public_base_url", ""));
  ASSIGN_OR_RETURN(o.spool_dir, Get<std::string>(w["spool"], path, "webhooks.spool", o.spool_dir));
  ASSIGN_OR_RETURN(o.max_pending_fetches, Get<size_t>(w["max_pending_fetches"], path, "webhooks.max_pending_fetches", o.max_pending_fetches));
  ASSIGN_OR_RETURN(o.retry_after_seconds, Get<int>(w["retry_after_seconds"], path, "webhooks.retry_after_seconds", o.retry_after_seconds));
  const YAML::Node f = Child(w, "fetch");
  double connect_s = o.fetch.connect_timeout_ms / 1000.0, total_s = o.fetch.total_timeout_ms / 1000.0;
  ASSIGN_OR_RETURN(connect_s, Get<double>(f["connect_timeout_seconds"], path, "webhooks.fetch.connect_timeout_seconds", connect_s));
  ASSIGN_OR_RETURN(total_s, Get<double>(f["total_timeout_seconds"], path, "webhooks.fetch.total_timeout_seconds", total_s));
  if (connect_s <= 0 || total_s <= 0 || connect_s > 600 || total_s > 3600)
    return std::unexpected(Bad(path, "webhooks.fetch", "timeouts must be positive (connect <= 600 s, total <= 3600 s)"));
  o.fetch.connect_timeout_ms = static_cast<int>(connect_s * 1000);
  o.fetch.total_timeout_ms = static_cast<int>(total_s * 1000);
  ASSIGN_OR_RETURN(o.fetch.max_bytes, Get<size_t>(f["max_bytes"], path, "webhooks.fetch.max_bytes", o.fetch.max_bytes));
  ASSIGN_OR_RETURN(o.fetch.max_redirects, Get<int>(f["max_redirects"], path, "webhooks.fetch.max_redirects", o.fetch.max_redirects));
  if (o.fetch.max_redirects < 0 || o.fetch.max_redirects > 10)
    return std::unexpected(Bad(path, "webhooks.fetch.max_redirects", "must be between 0 and 10"));
  ASSIGN_OR_RETURN(o.fetch.attempts, Get<int>(f["attempts"], path, "webhooks.fetch.attempts", o.fetch.attempts));
  if (o.fetch.attempts < 1 || o.fetch.attempts > 10)
    return std::unexpected(Bad(path, "webhooks.fetch.attempts", "must be between 1 and 10"));
  ASSIGN_OR_RETURN(o.fetch.ca_file, Get<std::string>(f["ca_file"], path, "webhooks.fetch.ca_file", o.fetch.ca_file));
  ASSIGN_OR_RETURN(o.retry_min_seconds, Get<double>(f["retry_min_seconds"], path, "webhooks.fetch.retry_min_seconds", o.retry_min_seconds));
  ASSIGN_OR_RETURN(o.retry_max_seconds, Get<double>(f["retry_max_seconds"], path, "webhooks.fetch.retry_max_seconds", o.retry_max_seconds));
  if (o.retry_min_seconds <= 0 || o.retry_max_seconds < o.retry_min_seconds)
    return std::unexpected(Bad(path, "webhooks.fetch.retry_min_seconds", "must be positive and at most retry_max_seconds"));

  if (const YAML::Node gateways = w["gateways"]) {
    if (!gateways.IsSequence()) return std::unexpected(Bad(path, "webhooks.gateways", "must be a list"));
    for (size_t i = 0; i < gateways.size(); ++i) {
      const std::string key = "webhooks.gateways[" + std::to_string(i) + "]";
      bool enabled = true;
      ASSIGN_OR_RETURN(enabled, Get<bool>(gateways[i]["enabled"], path, key + ".enabled", true));
      if (!enabled) continue;  // a disabled gateway's secrets need not exist
      GatewayConfig g;
      ASSIGN_OR_RETURN(g, LoadGateway(gateways[i], path, key, dir, base_url));
      c.gateways.push_back(std::move(g));
    }
  }
  ASSIGN_OR_RETURN(c.srfax, LoadSrfax(root, path, dir, o.fetch));
  return c;
}

}  // namespace faxintake::server
