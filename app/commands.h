// The commands behind `faxintake <command>`. Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

#include "app/config.h"

namespace faxintake::app {

// 0 when every file was filed or flagged for review, 1 when any was quarantined, 2 on a
// usage or configuration error (contract README).
int RunProcess(const ServiceConfig& config, const std::string& store_dir, const std::vector<std::string>& files);
// Runs until SIGINT/SIGTERM. 2 when the service cannot start.
int RunServe(const ServiceConfig& config);
// Prints the evaluation; 0, or 2 when the folder holds no ground truth.
int RunEval(const ServiceConfig& config, const std::string& dir, const std::string& json_out);
// Writes the decoded pages of `file` as PNG into `out_dir`; 0, or 1 when undecodable.
int RunDecode(const ServiceConfig& config, const std::string& file, const std::string& out_dir);
// Trains the page-type model (classify/text_model.h) from a ground-truthed folder: OCRs
// every fax with <stem>.truth.json beside it (text-layer PDF pages use their text), prints
// per-class page counts and the accuracy on every 5th fax held out (model alone, rules
// alone, combined), then trains on all faxes and writes `out_file` (default:
// page_model.ftz beside the configuration). 0, or 2 when the folder holds no usable truth.
int RunTrain(const ServiceConfig& config, const std::string& dir, const std::string& out_file);
// Writes a consistent online copy of the store (config.store_path unless `store_dir`) into
// `dir`, which must not exist. 0 on success, 1 when the copy failed, 2 when the store
// cannot be opened.
int RunBackup(const ServiceConfig& config, const std::string& store_dir, const std::string& dir);
// Checks that `backup` opens with the configured key, then copies it into place as the
// store. An existing store is refused unless `force`, which moves it aside to
// <store>.replaced-<unix seconds>; a store in use by a running service is always refused.
// 0 on success, 1 when the backup is unusable or the copy failed, 2 on refusal.
int RunRestore(const ServiceConfig& config, const std::string& backup, const std::string& store_dir, bool force);
// Applies the retention policy (config.retention_raw_days; store/retention.h) to the store
// (config.store_path unless `store_dir`) and prints what it removed and kept; with `dry_run`
// only counts. 0 on success (also when raw_days is 0: nothing to do), 1 when it failed, 2 when
// the store cannot be opened (missing, or in use by a running service).
int RunRetention(const ServiceConfig& config, const std::string& store_dir, bool dry_run);
// Prints the referral coordination metrics of the store (store/referral_metrics.h) as text, or
// as JSON with `json`; the read is recorded in the audit log. 0 on success, 1 when they could
// not be computed, 2 when the store cannot be opened (missing, or in use by a running service).
int RunReport(const ServiceConfig& config, const std::string& store_dir, bool json);
// Loads every file the configuration names; 0 when all are valid, 2 otherwise.
int RunCheckConfig(const ServiceConfig& config);
// Adds principal `name` with role `role` (staff, export, admin) to config.tokens_file and prints
// its new bearer token on stdout, once (only its hash is kept). 0 on success, 1 when the file
// could not be written, 2 for a bad name or role, a taken name or a malformed file.
int RunAddToken(const ServiceConfig& config, const std::string& name, const std::string& role);

}  // namespace faxintake::app
