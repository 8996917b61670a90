// Reading configuration values from YAML with errors that name the file and the key.
// Header-only; used by the configuration loaders (app/config.cc, server/webhooks_config.cc),
// which link yaml-cpp themselves.
//
// Thread-safety: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "pipeline/status.h"

namespace faxintake::config {

// kInvalidArgument "bad_config": "<file>: `<key>` <why>".
inline Error Bad(const std::string& file, const std::string& key, const std::string& why) {
  return Error{ErrorCode::kInvalidArgument, "bad_config", file + ": `" + key + "` " + why};
}

// The node's value as T, `fallback` when the node is absent, an error when it has the
// wrong type.
template <typename T>
Result<T> Get(const YAML::Node& node, const std::string& file, const std::string& key, T fallback) {
  if (!node) return fallback;
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    return std::unexpected(Bad(file, key, "has the wrong type"));
  }
}

}  // namespace faxintake::config
