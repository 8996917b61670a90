// The service configuration: a YAML file (config/faxintake.yaml) with defaults for
// every key. Thread-safety: a loaded config is an immutable value.
#pragma once

#include <string>
#include <vector>

#include "ingest/drop_folder.h"
#include "pipeline/processor.h"
#include "pipeline/status.h"
#include "store/match.h"

namespace faxintake::app {

struct DropFolderConfig {
  std::string path = "var/inbox";
  std::string label = "default";
  std::vector<std::string> patterns = {"*.tif", "*.tiff", "*.pdf", "*.png", "*.jpg", "*.jpeg"};
  std::string archive = "var/archive";
  std::string quarantine = "var/quarantine";
  std::string work = "var/work";
  double settle_seconds = 2;  // size and mtime must be unchanged this long
  // files: each file is a fax; mgetty: mgetty's per-page raw G3 files joined per fax; auto: both.
  ingest::DropFolderFormat format = ingest::DropFolderFormat::kFiles;
};

struct ServiceConfig {
  std::string config_file;          // where it was loaded from
  std::string store_path = "var/store";
  std::string key_file = "var/keys/store.key";
  std::string key_env = "FAXINTAKE_STORE_KEY";
  std::vector<DropFolderConfig> folders = {DropFolderConfig{}};
  double poll_seconds = 1;
  std::string http_bind = "127.0.0.1";
  int http_port = 8080;
  size_t max_upload_bytes = 64 << 20;
  // Principals of the staff and export API and their token hashes (server/auth.h); made by
  // `faxintake add-token`. Missing: every API request is refused (401).
  std::string tokens_file = "var/keys/api_tokens.yaml";
  int fax_workers = 2;  // 0: accept and store only; faxes are processed at a start with workers
  size_t queue_limit = 1000;
  std::string log_level = "info";
  ProcessorOptions processor;
  // Patient matching thresholds (store.match: auto_threshold, review_threshold,
  // max_review_candidates; store/match.h). 0 <= review_threshold <= auto_threshold.
  store::match::MatchOptions match;
  // retention.raw_days: raw faxes and page images of processed faxes are removed this many
  // days after acceptance, unless an open referral or a review still needs them
  // (store/retention.h); `serve` applies it once a day, `faxintake retention` on demand.
  // 0: kept forever.
  int retention_raw_days = 0;
};

// Loads and checks a configuration file. Errors: kFailedPrecondition when the file is
// missing; kInvalidArgument naming the key when a value is malformed or out of range,
// or when a referenced rules/checklist file does not exist.
Result<ServiceConfig> LoadConfig(const std::string& path);

// The default configuration file: ./config/faxintake.yaml when present, else the one in
// the source tree this binary was built from.
std::string DefaultConfigPath();

}  // namespace faxintake::app
