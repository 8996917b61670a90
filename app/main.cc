// faxintake: command-line entry point and wiring.
//
//   faxintake serve        [--config FILE]
//   faxintake process      [--config FILE] [--store DIR] FILE...
//   faxintake eval         [--config FILE] [--json OUT] DIR
//   faxintake decode       FILE --out DIR
//   faxintake check-config [FILE]
//   faxintake train        [--config FILE] DIR [--out FILE]
//   faxintake retention    [--config FILE] [--store DIR] [--dry-run]
//   faxintake report       [--config FILE] [--store DIR] [--json]
//   faxintake add-token    [--config FILE] NAME staff|export|admin
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/config.h"
#include "app/commands.h"
#include "pipeline/log.h"

namespace {

// Tesseract's OpenMP reads OMP_THREAD_LIMIT when the library loads, before main. We
// parallelize across pages ourselves, so re-execute once with the limit set.
void PinOpenMp(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  ::execv("/proc/self/exe", argv);
  // execv failed: carry on; OCR is slower but correct.
}

}  // namespace

int main(int argc, char** argv) {
  PinOpenMp(argv);
  using namespace faxintake;
  CLI::App cli{"faxintake: turns a medical practice's fax inbox into structured referral records"};
  cli.require_subcommand(1);
  std::string config_path;
  cli.add_option("--config", config_path, "configuration file (default: config/faxintake.yaml)");
  std::string log_level;
  cli.add_option("--log-level", log_level, "debug, info, warn, error, off");

  auto* serve = cli.add_subcommand("serve", "run the service: drop folders, HTTP upload, workers");
  auto* process = cli.add_subcommand("process", "process fax files; JSON Lines (faxintake.result/1) on stdout");
  std::string store_dir;
  std::vector<std::string> files;
  process->add_option("--store", store_dir, "record store folder (results are kept; same bytes are not processed twice)");
  process->add_option("files", files, "TIFF, PDF, PNG or JPEG files")->required();
  auto* eval = cli.add_subcommand("eval", "accuracy and speed against a ground-truthed folder");
  std::string eval_dir, eval_json;
  eval->add_option("dir", eval_dir, "folder of faxes with <name>.truth.json beside each")->required();
  eval->add_option("--json", eval_json, "also write the figures as JSON to this file");
  auto* decode = cli.add_subcommand("decode", "decode a fax into page images (PNG, square pixels) for inspection");
  std::string decode_file, decode_out;
  decode->add_option("file", decode_file, "TIFF, PDF, PNG or JPEG file")->required();
  decode->add_option("--out", decode_out, "folder for page-NNN.png")->required();
  auto* train = cli.add_subcommand(
      "train",
      "train the page-type model from a ground-truthed folder: faxes with <name>.truth.json beside each, as the "
      "sample generator writes them or as exported from documents staff have reviewed (per-page `type`, or "
      "`documents` with `type` and `pages`); prints per-class counts and held-out accuracy (every 5th fax)");
  std::string train_dir, train_out;
  train->add_option("dir", train_dir, "folder of faxes with <name>.truth.json beside each")->required();
  train->add_option("--out", train_out, "model file to write (default: page_model.ftz beside the configuration)");
  auto* backup = cli.add_subcommand(
      "backup", "write a consistent copy of the record store while it may be in use (RocksDB checkpoint)");
  std::string backup_dir, backup_store;
  backup->add_option("dir", backup_dir, "new folder for the copy (must not exist)")->required();
  backup->add_option("--store", backup_store, "store folder (default: store.path of the configuration)");
  auto* restore = cli.add_subcommand(
      "restore", "put a backup in place as the record store (the service must be stopped; the key stays the same)");
  std::string restore_from, restore_store;
  bool restore_force = false;
  restore->add_option("backup", restore_from, "folder written by `faxintake backup`")->required();
  restore->add_option("--store", restore_store, "store folder (default: store.path of the configuration)");
  restore->add_flag("--force", restore_force, "replace an existing store (it is kept beside as <store>.replaced-<time>)");
  auto* add_token = cli.add_subcommand(
      "add-token", "add a principal of the staff and export API to http.tokens_file and print its new bearer token once");
  std::string token_name, token_role;
  add_token->add_option("name", token_name, "who: a person or a job (letters, digits, . _ @ -)")->required();
  add_token->add_option("role", token_role, "staff (review), export (EHR export jobs) or admin")->required();
  auto* retention = cli.add_subcommand(
      "retention", "remove raw faxes and page images older than retention.raw_days that no open referral or review needs");
  std::string retention_store;
  bool retention_dry_run = false;
  retention->add_option("--store", retention_store, "store folder (default: store.path of the configuration)");
  retention->add_flag("--dry-run", retention_dry_run, "only count what would be removed");
  auto* report = cli.add_subcommand(
      "report", "referral metrics: pending by age, missing information, time to ready, loop closure, top referrers");
  std::string report_store;
  bool report_json = false;
  report->add_option("--store", report_store, "store folder (default: store.path of the configuration)");
  report->add_flag("--json", report_json, "print JSON instead of text");
  auto* check = cli.add_subcommand("check-config", "validate a configuration file and the files it names");
  std::string check_path;
  check->add_option("file", check_path, "configuration file");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }

  if (config_path.empty()) config_path = app::DefaultConfigPath();
  if (*check && !check_path.empty()) config_path = check_path;
  auto config = app::LoadConfig(config_path);
  if (!config) {
    std::cerr << "faxintake: " << config.error().message << "\n";
    return 2;
  }
  log::SetLevel(log::ParseLevel(log_level.empty() ? config->log_level : log_level));

  if (*check) return app::RunCheckConfig(*config);
  if (*serve) return app::RunServe(*config);
  if (*process) return app::RunProcess(*config, store_dir, files);
  if (*eval) return app::RunEval(*config, eval_dir, eval_json);
  if (*decode) return app::RunDecode(*config, decode_file, decode_out);
  if (*train) return app::RunTrain(*config, train_dir, train_out);
  if (*backup) return app::RunBackup(*config, backup_store, backup_dir);
  if (*restore) return app::RunRestore(*config, restore_from, restore_store, restore_force);
  if (*add_token) return app::RunAddToken(*config, token_name, token_role);
  if (*retention) return app::RunRetention(*config, retention_store, retention_dry_run);
  if (*report) return app::RunReport(*config, report_store, report_json);
  return 2;
}
