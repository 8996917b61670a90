// Accuracy and speed of the pipeline against a ground-truthed folder of faxes
// (samples/SPEC.md: <stem>.tif|.pdf with <stem>.truth.json beside it).
//
// Thread-safety: Evaluate runs its own processor; call it from one thread.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/processor.h"

namespace faxintake::bench {

struct Counts {
  int64_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
  void Add(const Counts& o) { tp += o.tp; fp += o.fp; fn += o.fn; }
};

struct Ratio {
  int64_t hit = 0, total = 0;
  double value() const { return total == 0 ? 1.0 : static_cast<double>(hit) / total; }
};

struct Report {
  int files = 0;
  int pages = 0;
  int quarantined = 0;
  Ratio page_type;            // pages typed as in truth
  Ratio rotation;             // pages turned upright as in truth
  Ratio split_faxes;          // faxes whose documents (type + pages) all match exactly
  Ratio split_documents;      // truth documents found with exactly their pages and type
  Counts fields;              // all scored fields, micro-averaged
  std::map<std::string, Counts> per_field;
  std::map<std::string, Counts> per_condition;   // "fine/clean", "normal/noisy", ...
  std::map<std::string, Counts> per_resolution;  // "fine", "normal": clean and noisy pages together
  std::map<std::string, Ratio> key_fields;       // exactly right where printed
  Ratio missing_recall;       // deliberately missing items flagged
  Ratio false_missing;        // complete referrals that got a missing flag (hit = flagged)
  std::map<std::string, Ratio> page_type_confusion;  // "truth->predicted"
  double seconds = 0;
  double pages_per_second = 0;
  double peak_rss_mb = 0;
  std::vector<std::string> notes;  // per-file problems (ids and keys only)
};

struct EvalOptions {
  int fax_threads = 2;             // faxes processed at once
  std::vector<std::string> skip_fields = {"referral.reason"};  // free text, not scored
};

// Processes every fax with ground truth in `dir` and scores it. Errors:
// kInvalidArgument when the folder has no truth files; processor creation errors.
Result<Report> Evaluate(const ProcessorOptions& options, const std::string& dir, const EvalOptions& eval = {});

// Scores one result against one truth object (exposed for tests).
void Score(const IntakeResult& result, const nlohmann::json& truth, const EvalOptions& eval, Report& report);

std::string FormatReport(const Report& r);
nlohmann::json ReportJson(const Report& r);

}  // namespace faxintake::bench
