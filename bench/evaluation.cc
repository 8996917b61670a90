#include "bench/evaluation.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "pipeline/result_json.h"
#include "pipeline/thread_pool.h"

namespace faxintake::bench {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Document* FindDocument(const IntakeResult& r, const std::string& type, const std::vector<int>& pages) {
  const Document* best = nullptr;
  size_t best_overlap = 0;
  for (const Document& d : r.documents) {
    size_t overlap = 0;
    for (int p : d.pages) overlap += std::count(pages.begin(), pages.end(), p);
    const bool same_type = type == DocTypeName(d.type);
    if (overlap > best_overlap || (overlap == best_overlap && overlap > 0 && same_type)) {
      best = &d;
      best_overlap = overlap;
    }
  }
  return best;
}

bool SameValue(const FieldValue& got, const nlohmann::json& want) {
  nlohmann::json g = FieldValueToJson(got);
  if (g.is_array() && want.is_array()) {
    std::set<std::string> a, b;
    for (const auto& x : g) a.insert(x.get<std::string>());
    for (const auto& x : want) b.insert(x.is_string() ? x.get<std::string>() : x.dump());
    return a == b;
  }
  if (g.is_number_integer() && want.is_string()) return std::to_string(g.get<int64_t>()) == want.get<std::string>();
  if (g.is_string() && want.is_number_integer()) return g.get<std::string>() == std::to_string(want.get<int64_t>());
  return g == want;
}

double PeakRssMb() {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  return std::max(self.ru_maxrss, children.ru_maxrss) / 1024.0;  // KiB on Linux
}

const std::vector<std::string> kKeyFields = {"patient.birth_date", "insurance.member_id", "referring.npi",
                                             "authorization.number"};

}  // namespace

void Score(const IntakeResult& result, const nlohmann::json& truth, const EvalOptions& eval, Report& report) {
  const std::string file = truth.value("file", "?");
  const std::string resolution = truth.value("resolution", "fine");
  const std::string condition = resolution + "/" + truth.value("noise", "clean");
  report.files += 1;
  if (result.status == IntakeStatus::kQuarantined) {
    report.quarantined += 1;
    report.notes.push_back(file + ": quarantined " + result.error_code.value_or(""));
  }
  // Pages: type of the document holding the page, and rotation.
  for (const auto& tp : truth.value("pages", nlohmann::json::array())) {
    const int n = tp.value("number", 0);
    const std::string want = tp.value("type", "other");
    std::string got = "none";
    for (const Document& d : result.documents)
      if (std::count(d.pages.begin(), d.pages.end(), n)) got = DocTypeName(d.type);
    report.pages += 1;
    report.page_type.total += 1;
    if (got == want) {
      report.page_type.hit += 1;
    } else {
      report.page_type_confusion[want + "->" + got].hit += 1;
      report.notes.push_back(fmt::format("{}: page {} typed {} (truth {})", file, n, got, want));
    }
    report.rotation.total += 1;
    if (n >= 1 && static_cast<size_t>(n) <= result.pages.size() &&
        result.pages[static_cast<size_t>(n) - 1].rotation == tp.value("rotation", 0))
      report.rotation.hit += 1;
  }
  // Documents: exact split, fields, missing items.
  const auto& tdocs = truth.value("documents", nlohmann::json::array());
  bool all_exact = tdocs.size() == result.documents.size();
  for (const auto& td : tdocs) {
    const std::string type = td.value("type", "other");
    const std::vector<int> pages = td.value("pages", std::vector<int>{});
    const Document* d = FindDocument(result, type, pages);
    const bool exact = d != nullptr && d->pages == pages && DocTypeName(d->type) == type;
    report.split_documents.total += 1;
    if (exact) report.split_documents.hit += 1;
    all_exact &= exact;

    Counts doc_counts;
    std::set<std::string> truth_keys;
    const nlohmann::json truth_fields = td.value("fields", nlohmann::json::object());
    for (const auto& [key, want] : truth_fields.items()) {
      if (std::count(eval.skip_fields.begin(), eval.skip_fields.end(), key)) continue;
      truth_keys.insert(key);
      Counts c;
      const Field* f = nullptr;
      if (d != nullptr) {
        auto it = d->fields.find(key);
        if (it != d->fields.end()) f = &it->second;
      }
      if (f != nullptr && SameValue(f->value, want)) {
        c.tp = 1;
      } else {
        c.fn = 1;
        if (f != nullptr) c.fp = 1;  // a wrong value is also a false positive
        report.notes.push_back(fmt::format("{}: {} {} {}", file, type, key, f ? "wrong" : "missed"));
      }
      if (std::count(kKeyFields.begin(), kKeyFields.end(), key)) {
        report.key_fields[key].total += 1;
        report.key_fields[key].hit += c.tp;
      }
      report.per_field[key].Add(c);
      doc_counts.Add(c);
    }
    if (d != nullptr && exact) {  // extra fields the truth does not have
      for (const auto& [key, f] : d->fields) {
        if (truth_keys.count(key) || std::count(eval.skip_fields.begin(), eval.skip_fields.end(), key)) continue;
        Counts c;
        c.fp = 1;
        report.per_field[key].Add(c);
        doc_counts.Add(c);
        report.notes.push_back(fmt::format("{}: {} {} extra", file, type, key));
      }
    }
    report.fields.Add(doc_counts);
    report.per_condition[condition].Add(doc_counts);
    report.per_resolution[resolution].Add(doc_counts);

    if (type == "referral") {
      const auto missing = td.value("missing", std::vector<std::string>{});
      for (const std::string& m : missing) {
        report.missing_recall.total += 1;
        if (d != nullptr && std::count(d->checklist.missing.begin(), d->checklist.missing.end(), m))
          report.missing_recall.hit += 1;
        else
          report.notes.push_back(fmt::format("{}: missing {} not flagged", file, m));
      }
      if (missing.empty()) {
        report.false_missing.total += 1;
        // Items the generator models are field keys; required documents
        // (`document.<type>`) are outside its truth and not counted here.
        std::string flagged;
        if (d != nullptr)
          for (const std::string& m : d->checklist.missing)
            if (flagged.empty() && !m.starts_with("document.")) flagged = m;
        if (!flagged.empty()) {
          report.false_missing.hit += 1;
          report.notes.push_back(fmt::format("{}: complete referral flagged missing {}", file, flagged));
        }
      }
    }
  }
  report.split_faxes.total += 1;
  if (all_exact) report.split_faxes.hit += 1;
}

Result<Report> Evaluate(const ProcessorOptions& options, const std::string& dir, const EvalOptions& eval) {
  std::vector<fs::path> truths;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().string().ends_with(".truth.json")) truths.push_back(e.path());
  std::sort(truths.begin(), truths.end());
  if (truths.empty()) return MakeError(ErrorCode::kInvalidArgument, "no_truth", "no *.truth.json files in " + dir);

  auto processor = Processor::Create(options, nullptr);
  if (!processor) return std::unexpected(processor.error());

  Report report;
  const auto start = std::chrono::steady_clock::now();
  ThreadPool pool(eval.fax_threads);
  std::vector<std::future<std::pair<IntakeResult, nlohmann::json>>> futures;
  for (const fs::path& t : truths) {
    futures.push_back(pool.Submit([&, t] {
      nlohmann::json truth = nlohmann::json::parse(ReadAll(t), nullptr, false);
      const fs::path fax = t.parent_path() / truth.value("file", "");
      const std::string bytes = ReadAll(fax);
      FaxMetadata meta;
      meta.source = "eval";
      return std::make_pair((*processor)->Process(bytes, meta, fax.string()), std::move(truth));
    }));
  }
  for (auto& f : futures) {
    auto [result, truth] = f.get();
    if (truth.is_discarded()) continue;
    Score(result, truth, eval, report);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.pages_per_second = report.seconds > 0 ? report.pages / report.seconds : 0;
  report.peak_rss_mb = PeakRssMb();
  return report;
}

std::string FormatReport(const Report& r) {
  std::string out;
  out += fmt::format("files {}  pages {}  quarantined {}\n", r.files, r.pages, r.quarantined);
  out += fmt::format("page type accuracy      {:.4f} ({}/{})\n", r.page_type.value(), r.page_type.hit, r.page_type.total);
  out += fmt::format("page rotation accuracy  {:.4f} ({}/{})\n", r.rotation.value(), r.rotation.hit, r.rotation.total);
  out += fmt::format("faxes split exactly     {:.4f} ({}/{})\n", r.split_faxes.value(), r.split_faxes.hit, r.split_faxes.total);
  out += fmt::format("documents split exactly {:.4f} ({}/{})\n", r.split_documents.value(), r.split_documents.hit,
                     r.split_documents.total);
  out += fmt::format("fields micro P/R/F1     {:.4f} / {:.4f} / {:.4f}  (tp {} fp {} fn {})\n", r.fields.precision(),
                     r.fields.recall(), r.fields.f1(), r.fields.tp, r.fields.fp, r.fields.fn);
  for (const auto& [res, c] : r.per_resolution)
    out += fmt::format("  {:<22} P {:.4f} R {:.4f} F1 {:.4f}\n", res + " (all)", c.precision(), c.recall(), c.f1());
  for (const auto& [cond, c] : r.per_condition)
    out += fmt::format("  {:<22} P {:.4f} R {:.4f} F1 {:.4f}\n", cond, c.precision(), c.recall(), c.f1());
  out += "per field (P / R / F1, support):\n";
  for (const auto& [key, c] : r.per_field)
    out += fmt::format("  {:<28} {:.3f} / {:.3f} / {:.3f}  {}\n", key, c.precision(), c.recall(), c.f1(), c.tp + c.fn);
  out += "key fields exactly right where printed:\n";
  for (const auto& [key, ratio] : r.key_fields)
    out += fmt::format("  {:<28} {:.4f} ({}/{})\n", key, ratio.value(), ratio.hit, ratio.total);
  out += fmt::format("missing-item flag recall {:.4f} ({}/{})\n", r.missing_recall.value(), r.missing_recall.hit,
                     r.missing_recall.total);
  out += fmt::format("false missing flags on complete referrals {:.4f} ({}/{})\n",
                     r.false_missing.total ? r.false_missing.value() : 0.0, r.false_missing.hit, r.false_missing.total);
  out += fmt::format("speed {:.3f} pages/s ({} pages in {:.1f} s)  peak RSS {:.0f} MB\n", r.pages_per_second, r.pages,
                     r.seconds, r.peak_rss_mb);
  return out;
}

nlohmann::json ReportJson(const Report& r) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [key, c] : r.per_field)
    fields[key] = {{"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()}, {"support", c.tp + c.fn}};
  nlohmann::json resolutions = nlohmann::json::object();
  for (const auto& [res, c] : r.per_resolution)
    resolutions[res] = {{"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()}};
  nlohmann::json conditions = nlohmann::json::object();
  for (const auto& [cond, c] : r.per_condition)
    conditions[cond] = {{"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()}};
  nlohmann::json keys = nlohmann::json::object();
  for (const auto& [key, ratio] : r.key_fields) keys[key] = ratio.value();
  return {{"files", r.files},
          {"pages", r.pages},
          {"quarantined", r.quarantined},
          {"page_type_accuracy", r.page_type.value()},
          {"rotation_accuracy", r.rotation.value()},
          {"faxes_split_exactly", r.split_faxes.value()},
          {"documents_split_exactly", r.split_documents.value()},
          {"field_precision", r.fields.precision()},
          {"field_recall", r.fields.recall()},
          {"field_f1", r.fields.f1()},
          {"per_resolution", resolutions},
          {"per_condition", conditions},
          {"per_field", fields},
          {"key_fields", keys},
          {"missing_recall", r.missing_recall.value()},
          {"false_missing_rate", r.false_missing.total ? r.false_missing.value() : 0.0},
          {"pages_per_second", r.pages_per_second},
          {"seconds", r.seconds},
          {"peak_rss_mb", r.peak_rss_mb},
          {"notes", r.notes}};
}

}  // namespace faxintake::bench
