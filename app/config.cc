#include "app/config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "extract/extractor.h"
#include "pipeline/config_yaml.h"

namespace faxintake::app {
namespace {

namespace fs = std::filesystem;

using config::Bad;
using config::Get;

#define ASSIGN_OR_RETURN(lhs, expr)                          \
  do {                                                       \
    auto _v = (expr);                                        \
    if (!_v) return std::unexpected(_v.error());             \
    lhs = std::move(*_v);                                    \
  } while (0)

Result<void> CheckRange(double v, double lo, double hi, const std::string& file, const std::string& key) {
  if (v < lo || v > hi)
    return std::unexpected(Bad(file, key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi)));
  return {};
}

// store.match.* and retention.raw_days.
Result<void> LoadMatchAndRetention(const YAML::Node& root, const std::string& path, ServiceConfig& c) {
  const YAML::Node store = root["store"];
  // Indexing a missing key yields an invalid node that throws when indexed again.
  const YAML::Node match = store && store.IsMap() && store["match"] ? store["match"] : YAML::Node();
  if (match && !match.IsNull() && !match.IsMap()) return std::unexpected(Bad(path, "store.match", "must be a mapping"));
  auto& m = c.match;
  ASSIGN_OR_RETURN(m.auto_threshold, Get<double>(match["auto_threshold"], path, "store.match.auto_threshold", m.auto_threshold));
  if (auto r = CheckRange(m.auto_threshold, 0, 100, path, "store.match.auto_threshold"); !r) return r;
  ASSIGN_OR_RETURN(m.review_threshold,
                   Get<double>(match["review_threshold"], path, "store.match.review_threshold", m.review_threshold));
  if (auto r = CheckRange(m.review_threshold, 0, 100, path, "store.match.review_threshold"); !r) return r;
  if (m.review_threshold > m.auto_threshold)
    return std::unexpected(Bad(path, "store.match.review_threshold", "must not exceed store.match.auto_threshold"));
  ASSIGN_OR_RETURN(m.max_review_candidates, Get<size_t>(match["max_review_candidates"], path,
                                                        "store.match.max_review_candidates", m.max_review_candidates));
  if (auto r = CheckRange(static_cast<double>(m.max_review_candidates), 1, 50, path, "store.match.max_review_candidates"); !r)
    return r;
  const YAML::Node retention = root["retention"];
  if (retention && !retention.IsNull() && !retention.IsMap())
    return std::unexpected(Bad(path, "retention", "must be a mapping"));
  if (retention && retention.IsMap())
    ASSIGN_OR_RETURN(c.retention_raw_days, Get<int>(retention["raw_days"], path, "retention.raw_days", c.retention_raw_days));
  if (auto r = CheckRange(c.retention_raw_days, 0, 36500, path, "retention.raw_days"); !r) return r;
  return {};
}

}  // namespace

std::string DefaultConfigPath() {
  if (fs::exists("config/faxintake.yaml")) return "config/faxintake.yaml";
  return std::string(FAXINTAKE_SOURCE_CONFIG_DIR) + "/faxintake.yaml";
}

Result<ServiceConfig> LoadConfig(const std::string& path) {
  if (!fs::exists(path))
    return MakeError(ErrorCode::kFailedPrecondition, "config_missing", "configuration file not found: " + path);
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, "bad_config", path + ": " + e.what());
  }
  ServiceConfig c;
  c.config_file = path;
  const fs::path dir = fs::path(path).parent_path();
  auto relative = [&](const std::string& p) { return fs::path(p).is_absolute() ? p : (dir / p).string(); };

  ASSIGN_OR_RETURN(c.store_path, Get<std::string>(root["store"]["path"], path, "store.path", c.store_path));
  ASSIGN_OR_RETURN(c.key_file, Get<std::string>(root["store"]["key_file"], path, "store.key_file", c.key_file));
  ASSIGN_OR_RETURN(c.key_env, Get<std::string>(root["store"]["key_env"], path, "store.key_env", c.key_env));
  if (auto r = LoadMatchAndRetention(root, path, c); !r) return std::unexpected(r.error());

  if (const YAML::Node folders = root["inbox"]["folders"]) {
    if (!folders.IsSequence()) return std::unexpected(Bad(path, "inbox.folders", "must be a list"));
    c.folders.clear();
    for (size_t i = 0; i < folders.size(); ++i) {
      const YAML::Node f = folders[i];
      const std::string key = "inbox.folders[" + std::to_string(i) + "]";
      DropFolderConfig d;
      ASSIGN_OR_RETURN(d.path, Get<std::string>(f["path"], path, key + ".path", ""));
      if (d.path.empty()) return std::unexpected(Bad(path, key + ".path", "is required"));
      ASSIGN_OR_RETURN(d.label, Get<std::string>(f["label"], path, key + ".label", "folder" + std::to_string(i)));
      ASSIGN_OR_RETURN(d.patterns, Get<std::vector<std::string>>(f["patterns"], path, key + ".patterns", d.patterns));
      ASSIGN_OR_RETURN(d.archive, Get<std::string>(f["archive"], path, key + ".archive", d.path + "/../archive"));
      ASSIGN_OR_RETURN(d.quarantine, Get<std::string>(f["quarantine"], path, key + ".quarantine", d.path + "/../quarantine"));
      ASSIGN_OR_RETURN(d.work, Get<std::string>(f["work"], path, key + ".work", d.path + "/../work"));
      ASSIGN_OR_RETURN(d.settle_seconds, Get<double>(f["settle_seconds"], path, key + ".settle_seconds", d.settle_seconds));
      if (auto r = CheckRange(d.settle_seconds, 0, 3600, path, key + ".settle_seconds"); !r) return std::unexpected(r.error());
      std::string format = "files";
      ASSIGN_OR_RETURN(format, Get<std::string>(f["format"], path, key + ".format", format));
      const auto parsed_format = ingest::ParseDropFolderFormat(format);
      if (!parsed_format) return std::unexpected(Bad(path, key + ".format", "must be files, mgetty or auto"));
      d.format = *parsed_format;
      c.folders.push_back(std::move(d));
    }
  }
  ASSIGN_OR_RETURN(c.poll_seconds, Get<double>(root["inbox"]["poll_seconds"], path, "inbox.poll_seconds", c.poll_seconds));
  if (auto r = CheckRange(c.poll_seconds, 0.05, 3600, path, "inbox.poll_seconds"); !r) return std::unexpected(r.error());

  ASSIGN_OR_RETURN(c.http_bind, Get<std::string>(root["http"]["bind"], path, "http.bind", c.http_bind));
  ASSIGN_OR_RETURN(c.http_port, Get<int>(root["http"]["port"], path, "http.port", c.http_port));
  if (auto r = CheckRange(c.http_port, 0, 65535, path, "http.port"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(c.max_upload_bytes, Get<size_t>(root["http"]["max_upload_bytes"], path, "http.max_upload_bytes", c.max_upload_bytes));
  ASSIGN_OR_RETURN(c.tokens_file, Get<std::string>(root["http"]["tokens_file"], path, "http.tokens_file", c.tokens_file));

  ASSIGN_OR_RETURN(c.fax_workers, Get<int>(root["workers"]["faxes"], path, "workers.faxes", c.fax_workers));
  if (auto r = CheckRange(c.fax_workers, 0, 256, path, "workers.faxes"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(c.processor.ocr_threads, Get<int>(root["workers"]["ocr_threads"], path, "workers.ocr_threads", 0));
  if (auto r = CheckRange(c.processor.ocr_threads, 0, 256, path, "workers.ocr_threads"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(c.queue_limit, Get<size_t>(root["workers"]["queue_limit"], path, "workers.queue_limit", c.queue_limit));

  auto& dl = c.processor.decode;
  const YAML::Node decode = root["decode"];
  ASSIGN_OR_RETURN(dl.max_input_bytes, Get<int64_t>(decode["max_input_bytes"], path, "decode.max_input_bytes", dl.max_input_bytes));
  ASSIGN_OR_RETURN(dl.max_pages, Get<int>(decode["max_pages"], path, "decode.max_pages", dl.max_pages));
  if (auto r = CheckRange(dl.max_pages, 1, 10000, path, "decode.max_pages"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(dl.max_page_pixels, Get<int64_t>(decode["max_page_pixels"], path, "decode.max_page_pixels", dl.max_page_pixels));
  double timeout_s = dl.timeout_ms / 1000.0;
  ASSIGN_OR_RETURN(timeout_s, Get<double>(decode["timeout_seconds"], path, "decode.timeout_seconds", timeout_s));
  if (auto r = CheckRange(timeout_s, 0.1, 3600, path, "decode.timeout_seconds"); !r) return std::unexpected(r.error());
  dl.timeout_ms = static_cast<int>(timeout_s * 1000);
  int64_t mem_mb = dl.memory_limit_bytes >> 20;
  ASSIGN_OR_RETURN(mem_mb, Get<int64_t>(decode["memory_limit_mb"], path, "decode.memory_limit_mb", mem_mb));
  if (auto r = CheckRange(static_cast<double>(mem_mb), 128, 1 << 20, path, "decode.memory_limit_mb"); !r) return std::unexpected(r.error());
  dl.memory_limit_bytes = mem_mb << 20;

  auto& ocr = c.processor.ocr;
  const YAML::Node o = root["ocr"];
  ASSIGN_OR_RETURN(ocr.language, Get<std::string>(o["language"], path, "ocr.language", ocr.language));
  ASSIGN_OR_RETURN(ocr.tessdata_dir, Get<std::string>(o["tessdata_dir"], path, "ocr.tessdata_dir", ocr.tessdata_dir));
  ASSIGN_OR_RETURN(ocr.page_segmentation_mode, Get<int>(o["page_segmentation_mode"], path, "ocr.page_segmentation_mode", ocr.page_segmentation_mode));
  if (auto r = CheckRange(ocr.page_segmentation_mode, 1, 13, path, "ocr.page_segmentation_mode"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(ocr.char_choice_iterations, Get<int>(o["char_choice_iterations"], path, "ocr.char_choice_iterations", ocr.char_choice_iterations));
  if (auto r = CheckRange(ocr.char_choice_iterations, 0, 10, path, "ocr.char_choice_iterations"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(ocr.cleanup.fill_ruled_gaps, Get<bool>(o["fill_ruled_gaps"], path, "ocr.fill_ruled_gaps", ocr.cleanup.fill_ruled_gaps));
  ASSIGN_OR_RETURN(ocr.gap_fill.min_confidence, Get<double>(o["gap_min_confidence"], path, "ocr.gap_min_confidence", ocr.gap_fill.min_confidence));
  if (auto r = CheckRange(ocr.gap_fill.min_confidence, 0, 1, path, "ocr.gap_min_confidence"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(ocr.reread.enabled, Get<bool>(o["reread_identifiers"], path, "ocr.reread_identifiers", ocr.reread.enabled));
  ASSIGN_OR_RETURN(ocr.reread.below, Get<double>(o["reread_below"], path, "ocr.reread_below", ocr.reread.below));
  if (auto r = CheckRange(ocr.reread.below, 0, 1, path, "ocr.reread_below"); !r) return std::unexpected(r.error());
  ASSIGN_OR_RETURN(ocr.second_language, Get<std::string>(o["second_model"], path, "ocr.second_model", ocr.second_language));
  ASSIGN_OR_RETURN(ocr.second_tessdata_dir,
                   Get<std::string>(o["second_model_dir"], path, "ocr.second_model_dir", ocr.second_tessdata_dir));
  double deadline_s = ocr.page_deadline_ms / 1000.0;
  ASSIGN_OR_RETURN(deadline_s, Get<double>(o["page_deadline_seconds"], path, "ocr.page_deadline_seconds", deadline_s));
  if (auto r = CheckRange(deadline_s, 0.1, 3600, path, "ocr.page_deadline_seconds"); !r) return std::unexpected(r.error());
  ocr.page_deadline_ms = static_cast<int>(deadline_s * 1000);
  ASSIGN_OR_RETURN(c.processor.unreadable_page_confidence,
                   Get<double>(o["unreadable_page_confidence"], path, "ocr.unreadable_page_confidence", c.processor.unreadable_page_confidence));

  const YAML::Node cl = root["classify"];
  std::string rules = "doctypes.yaml";
  ASSIGN_OR_RETURN(rules, Get<std::string>(cl["rules"], path, "classify.rules", rules));
  c.processor.classifier_rules_file = relative(rules);
  ASSIGN_OR_RETURN(c.processor.classify.min_score, Get<double>(cl["min_score"], path, "classify.min_score", c.processor.classify.min_score));
  ASSIGN_OR_RETURN(c.processor.classify.review_confidence,
                   Get<double>(cl["review_confidence"], path, "classify.review_confidence", c.processor.classify.review_confidence));
  if (auto r = CheckRange(c.processor.classify.review_confidence, 0, 1, path, "classify.review_confidence"); !r) return std::unexpected(r.error());
  // The trained page model: `classify.model` names it (must exist; "" turns it off);
  // without the key, page_model.ftz beside this file is used when present.
  if (cl && cl["model"]) {
    std::string model;
    ASSIGN_OR_RETURN(model, Get<std::string>(cl["model"], path, "classify.model", ""));
    if (!model.empty()) {
      c.processor.classifier_model_file = relative(model);
      if (!fs::exists(c.processor.classifier_model_file))
        return std::unexpected(Bad(path, "classify.model", "names a file that does not exist: " + c.processor.classifier_model_file));
    }
  } else if (fs::exists(relative("page_model.ftz"))) {
    c.processor.classifier_model_file = relative("page_model.ftz");
  }
  ASSIGN_OR_RETURN(c.processor.classify.model_weight,
                   Get<double>(cl["model_weight"], path, "classify.model_weight", c.processor.classify.model_weight));
  if (auto r = CheckRange(c.processor.classify.model_weight, 0, 1, path, "classify.model_weight"); !r) return std::unexpected(r.error());

  // A complete ICD-10-CM code table (the CMS code file); without it the built-in table of
  // common referral codes checks diagnosis codes.
  std::string icd10;
  if (const YAML::Node ex = root["extract"]; ex && ex.IsMap()) {
    ASSIGN_OR_RETURN(icd10, Get<std::string>(ex["icd10_table"], path, "extract.icd10_table", icd10));
    auto& prefixes = c.processor.extract.authorization_prefixes;
    ASSIGN_OR_RETURN(prefixes, Get<std::vector<std::string>>(ex["authorization_prefixes"], path,
                                                             "extract.authorization_prefixes", prefixes));
    for (const std::string& p : prefixes)
      if (!extract::IsAuthorizationPrefix(p))
        return std::unexpected(
            Bad(path, "extract.authorization_prefixes", "holds \"" + p + "\"; each must be 2-6 capital letters"));
  }
  if (!icd10.empty()) {
    c.processor.extract.icd10_table = relative(icd10);
    if (!fs::exists(c.processor.extract.icd10_table))
      return std::unexpected(Bad(path, "extract.icd10_table", "names a file that does not exist: " + c.processor.extract.icd10_table));
  }

  std::string checklists = "checklists.yaml";
  ASSIGN_OR_RETURN(checklists, Get<std::string>(root["checklists"], path, "checklists", checklists));
  c.processor.checklists_file = relative(checklists);
  ASSIGN_OR_RETURN(c.log_level, Get<std::string>(root["log_level"], path, "log_level", c.log_level));

  for (const auto& [key, file] : {std::pair{"classify.rules", c.processor.classifier_rules_file},
                                  std::pair{"checklists", c.processor.checklists_file}}) {
    if (!fs::exists(file)) return std::unexpected(Bad(path, key, "names a file that does not exist: " + file));
  }
  return c;
}

}  // namespace faxintake::app
