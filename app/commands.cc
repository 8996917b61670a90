#include "app/commands.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <future>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "app/service.h"
#include "bench/evaluation.h"
#include "classify/text_model.h"
#include "ocr/leptonica.h"
#include "pipeline/log.h"
#include "pipeline/result_json.h"
#include "pipeline/thread_pool.h"
#include "server/auth.h"

namespace faxintake::app {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadInput(const std::string& path, int64_t max_bytes) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "file_unreadable", "cannot read file: " + ec.message());
  if (static_cast<int64_t>(size) > max_bytes)
    return MakeError(ErrorCode::kResourceExhausted, "input_too_large",
                     "file of " + std::to_string(size) + " bytes exceeds the limit of " + std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return MakeError(ErrorCode::kInvalidArgument, "file_unreadable", "short read");
  return bytes;
}

// The configured key with the store at `dir`; `existing` opens only a store that is there.
store::StoreOptions StoreAt(const ServiceConfig& config, const std::string& dir, bool existing) {
  store::StoreOptions so;
  so.path = dir;
  so.key_file = config.key_file;
  so.key_env = config.key_env;
  so.create_if_missing = !existing;
  so.create_key_if_missing = !existing;
  so.match = config.match;
  return so;
}

// An existing store for a maintenance command; nullptr (after saying why) when it is missing
// or cannot be opened, e.g. because the service holds it.
std::unique_ptr<store::RecordStore> OpenExistingStore(const ServiceConfig& config, const std::string& store_dir) {
  const std::string path = store_dir.empty() ? config.store_path : store_dir;
  auto st = store::RecordStore::Open(StoreAt(config, path, /*existing=*/true));
  if (!st) {
    std::cerr << "faxintake: cannot open the record store at " << path << ": " << st.error().message
              << (st.error().reason == "store_locked" ? " (stop the service first)" : "") << "\n";
    return nullptr;
  }
  return std::move(*st);
}

std::unique_ptr<store::RecordStore> OpenStore(const ServiceConfig& config, const std::string& dir) {
  auto st = store::RecordStore::Open(StoreAt(config, dir, /*existing=*/false));
  if (!st) {
    std::cerr << "faxintake: cannot open the record store at " << dir << ": " << st.error().message << "\n";
    return nullptr;
  }
  return std::move(*st);
}

}  // namespace

int RunProcess(const ServiceConfig& config, const std::string& store_dir, const std::vector<std::string>& files) {
  std::unique_ptr<store::RecordStore> store;
  if (!store_dir.empty()) {
    store = OpenStore(config, store_dir);
    if (!store) return 2;
  }
  auto processor = Processor::Create(config.processor, store.get());
  if (!processor) {
    std::cerr << "faxintake: " << processor.error().message << "\n";
    return 2;
  }
  // Several faxes in flight (pages of each are recognized in parallel as well), so
  // one-page faxes keep every core busy; results are written in input order.
  struct Done {
    IntakeResult result;
    double seconds = 0;
  };
  auto run_one = [&](size_t i) {
    const auto start = std::chrono::steady_clock::now();
    Done done;
    auto bytes = ReadInput(files[i], config.processor.decode.max_input_bytes);
    if (!bytes) {
      done.result.input = files[i];
      done.result.fax_id = "unread_" + std::to_string(i + 1);
      done.result.status = IntakeStatus::kQuarantined;
      done.result.error_code = bytes.error().reason;
      done.result.error_message = bytes.error().message;
    } else {
      FaxMetadata meta;
      meta.source = "cli";
      meta.original_name = fs::path(files[i]).filename().string();
      done.result = (*processor)->Process(*bytes, meta, files[i]);
    }
    done.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return done;
  };
  const size_t in_flight = static_cast<size_t>(std::max(1, config.fax_workers));
  std::deque<std::future<Done>> pending;
  size_t next = 0;
  bool any_quarantined = false;
  for (size_t i = 0; i < files.size(); ++i) {
    while (next < files.size() && pending.size() < in_flight)
      pending.push_back(std::async(std::launch::async, run_one, next++));
    const Done done = pending.front().get();
    pending.pop_front();
    const IntakeResult& result = done.result;
    any_quarantined |= result.status == IntakeStatus::kQuarantined;
    std::cout << ToContractJson(result).dump() << "\n" << std::flush;
    std::cerr << "[" << (i + 1) << "/" << files.size() << "] " << files[i] << ": " << IntakeStatusName(result.status)
              << (result.error_code ? " (" + *result.error_code + ")" : "") << ", " << result.pages.size()
              << " page(s), " << result.documents.size() << " document(s), " << std::fixed << std::setprecision(2)
              << done.seconds << " s\n";
  }
  return any_quarantined ? 1 : 0;
}

namespace {
volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int RunServe(const ServiceConfig& config) {
  auto service = Service::Create(config);
  if (!service) {
    std::cerr << "faxintake: " << service.error().message << "\n";
    return 2;
  }
  if (auto started = (*service)->Start(); !started) {
    std::cerr << "faxintake: " << started.error().message << "\n";
    return 2;
  }
  std::cerr << "faxintake: serving on http://" << config.http_bind << ":" << (*service)->http_port()
            << "; watching";
  for (const auto& f : config.folders) std::cerr << " " << f.path;
  std::cerr << "; Ctrl-C stops\n";
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  log::Info("service_stopping", "queue_depth={}", (*service)->queue_depth());
  (*service)->Stop();
  return 0;
}

int RunEval(const ServiceConfig& config, const std::string& dir, const std::string& json_out) {
  auto report = bench::Evaluate(config.processor, dir);
  if (!report) {
    std::cerr << "faxintake: " << report.error().message << "\n";
    return 2;
  }
  std::cout << bench::FormatReport(*report);
  if (!json_out.empty()) std::ofstream(json_out) << bench::ReportJson(*report).dump(2) << "\n";
  return 0;
}

int RunDecode(const ServiceConfig& config, const std::string& file, const std::string& out_dir) {
  auto bytes = ReadInput(file, config.processor.decode.max_input_bytes);
  if (!bytes) {
    std::cerr << "faxintake: " << file << ": " << bytes.error().message << "\n";
    return 1;
  }
  auto pages = ingest::DecodeFax(*bytes, config.processor.decode);
  if (!pages) {
    std::cerr << "faxintake: " << file << ": " << pages.error().reason << ": " << pages.error().message << "\n";
    return 1;
  }
  fs::create_directories(out_dir);
  for (size_t i = 0; i < pages->size(); ++i) {
    const DecodedPage& p = (*pages)[i];
    char name[32];
    std::snprintf(name, sizeof name, "page-%03zu.png", i + 1);
    std::ofstream(fs::path(out_dir) / name, std::ios::binary) << ocr::EncodePng(p.image);
    std::cerr << name << ": " << p.image.width << "x" << p.image.height << " at " << p.image.xdpi << "x"
              << p.image.ydpi << " dpi" << (p.stretched ? " (stretched from normal resolution)" : "")
              << (p.text_layer ? " (text layer)" : "") << "\n";
  }
  return 0;
}

int RunBackup(const ServiceConfig& config, const std::string& store_dir, const std::string& dir) {
  const std::string path = store_dir.empty() ? config.store_path : store_dir;
  if (std::error_code ec; !fs::exists(path, ec)) {
    std::cerr << "faxintake: no record store at " << path << "\n";
    return 2;
  }
  auto store = OpenStore(config, path);
  if (!store) return 2;
  if (auto r = store->Backup(dir); !r) {
    std::cerr << "faxintake: backup to " << dir << " failed: " << r.error().message << "\n";
    return 1;
  }
  std::cerr << "faxintake: backup written to " << dir << " (a checkpoint; copy it to other media for safe keeping)\n";
  return 0;
}

int RunRestore(const ServiceConfig& config, const std::string& backup, const std::string& store_dir, bool force) {
  const std::string target = store_dir.empty() ? config.store_path : store_dir;
  {  // The backup must be a store this key opens.
    auto st = store::RecordStore::Open(StoreAt(config, backup, /*existing=*/true));
    if (!st) {
      std::cerr << "faxintake: " << backup << " is not a usable backup: " << st.error().message << "\n";
      return 1;
    }
  }
  std::error_code ec;
  if (fs::exists(target, ec)) {
    auto st = store::RecordStore::Open(StoreAt(config, target, /*existing=*/true));
    if (!st && st.error().code == ErrorCode::kUnavailable) {
      std::cerr << "faxintake: the store at " << target << " is in use; stop the service first\n";
      return 2;
    }
    if (!force) {
      std::cerr << "faxintake: a store exists at " << target << "; pass --force to replace it (it is kept aside)\n";
      return 2;
    }
    st = std::unexpected(Error{});  // close it before moving
    const std::string aside =
        target + ".replaced-" +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    fs::rename(target, aside, ec);
    if (ec) {
      std::cerr << "faxintake: cannot move the existing store aside: " << ec.message() << "\n";
      return 1;
    }
    std::cerr << "faxintake: the existing store is kept at " << aside << "\n";
  }
  // Copied, not linked: the restored store must not share files with the backup.
  fs::copy(backup, target, fs::copy_options::recursive, ec);
  if (ec) {
    std::cerr << "faxintake: restoring into " << target << " failed: " << ec.message() << "\n";
    return 1;
  }
  std::cerr << "faxintake: restored " << backup << " into " << target << "\n";
  return 0;
}

int RunRetention(const ServiceConfig& config, const std::string& store_dir, bool dry_run) {
  if (config.retention_raw_days == 0) {
    std::cerr << "faxintake: retention.raw_days is 0 in " << config.config_file
              << ": raw faxes and page images are kept forever; nothing to do\n";
    return 0;
  }
  auto store = OpenExistingStore(config, store_dir);
  if (!store) return 2;
  store::RetentionOptions o;
  o.raw_days = config.retention_raw_days;
  o.dry_run = dry_run;
  auto report = store->ApplyRetention(o);
  if (!report) {
    std::cerr << "faxintake: retention failed: " << report.error().message << "\n";
    return 1;
  }
  std::cout << (dry_run ? "retention (dry run: nothing removed)" : "retention") << ", raw_days " << o.raw_days << "\n"
            << "  processed faxes examined       " << report->examined << "\n"
            << "  raw and page images " << (dry_run ? "to purge " : "purged   ") << "  " << report->purged << "\n"
            << "  kept: referral not closed      " << report->kept_open_referral << "\n"
            << "  kept: document under review    " << report->kept_needs_review << "\n"
            << "  kept: younger than raw_days    " << report->kept_young << "\n"
            << "  kept: quarantined (raw only)   " << report->kept_quarantined << "\n"
            << "  purged by an earlier run       " << report->already_purged << "\n"
            << "  bytes freed                    " << report->bytes_freed << "\n";
  return 0;
}

int RunReport(const ServiceConfig& config, const std::string& store_dir, bool json) {
  auto store = OpenExistingStore(config, store_dir);
  if (!store) return 2;
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto metrics = store->ComputeReferralMetrics(now_ms);
  if (!metrics) {
    std::cerr << "faxintake: the referral metrics could not be computed: " << metrics.error().message << "\n";
    return 1;
  }
  const char* user = std::getenv("USER");
  store::AccessEntry access{std::string("cli:") + (user != nullptr && *user != '\0' ? user : "unknown"), "operator",
                            "read", "report", "", "referral metrics"};
  if (auto r = store->RecordAccess(access); !r) {
    std::cerr << "faxintake: the read could not be audited, so nothing is shown: " << r.error().message << "\n";
    return 1;
  }
  if (json) {
    std::cout << store::ReferralMetricsJson(*metrics).dump(2) << "\n";
  } else {
    std::cout << store::FormatReferralMetrics(*metrics);
  }
  return 0;
}

int RunCheckConfig(const ServiceConfig& config) {
  auto processor = Processor::Create(config.processor, nullptr);
  if (!processor) {
    std::cerr << "faxintake: " << config.config_file << ": " << processor.error().message << "\n";
    return 2;
  }
  std::cout << config.config_file << ": ok\n";
  return 0;
}


namespace {

// One ground-truthed fax: its file and the truth type of each page (1-based, index 0 unused).
struct TruthFax {
  fs::path file;
  std::vector<std::optional<DocType>> page_types;
};

// Page types from a truth object: per-page `type` (generator), else each document's
// `type` over its `pages` (a folder exported from reviewed documents).
std::vector<std::optional<DocType>> TruthPageTypes(const nlohmann::json& truth) {
  std::vector<std::optional<DocType>> types;
  auto set = [&](int number, const std::string& name) {
    if (number < 1 || number > 10000) return;
    if (static_cast<size_t>(number) >= types.size()) types.resize(static_cast<size_t>(number) + 1);
    types[static_cast<size_t>(number)] = ParseDocType(name);
  };
  for (const auto& page : truth.value("pages", nlohmann::json::array()))
    if (page.is_object() && page.contains("type")) set(page.value("number", 0), page.value("type", ""));
  if (!types.empty()) return types;
  for (const auto& doc : truth.value("documents", nlohmann::json::array()))
    if (doc.is_object())
      for (const auto& n : doc.value("pages", nlohmann::json::array()))
        if (n.is_number_integer()) set(n.get<int>(), doc.value("type", ""));
  return types;
}

std::vector<TruthFax> ReadTruthFolder(const std::string& dir) {
  std::vector<fs::path> truths;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().string().ends_with(".truth.json")) truths.push_back(e.path());
  std::sort(truths.begin(), truths.end());
  std::vector<TruthFax> faxes;
  for (const fs::path& t : truths) {
    std::ifstream in(t);
    const nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    if (truth.is_discarded() || !truth.is_object() || truth.value("file", "").empty()) continue;
    TruthFax fax{t.parent_path() / truth.value("file", ""), TruthPageTypes(truth)};
    if (!fax.page_types.empty()) faxes.push_back(std::move(fax));
  }
  return faxes;
}

// OCRs every fax (two at a time, pages in parallel); a fax that fails to decode yields no pages.
std::vector<std::vector<PageResult>> RecognizeFaxes(Processor& processor, const std::vector<TruthFax>& faxes,
                                                    int64_t max_bytes) {
  ThreadPool pool(2);
  std::vector<std::future<std::vector<PageResult>>> futures;
  for (const TruthFax& fax : faxes)
    futures.push_back(pool.Submit([&processor, &fax, max_bytes] {
      auto bytes = ReadInput(fax.file.string(), max_bytes);
      if (!bytes) return std::vector<PageResult>{};
      FaxMetadata meta;
      meta.source = "train";
      IntakeResult r = processor.Process(*bytes, meta, fax.file.string());
      return std::move(r.pages);
    }));
  std::vector<std::vector<PageResult>> pages;
  for (size_t i = 0; i < futures.size(); ++i) {
    pages.push_back(futures[i].get());
    std::cerr << "\r[" << (i + 1) << "/" << futures.size() << "] recognized" << std::flush;
  }
  std::cerr << "\n";
  return pages;
}

struct LabeledPage {
  const PageResult* page;
  DocType type;
};

double Accuracy(const std::vector<LabeledPage>& pages, const std::function<DocType(const PageResult&)>& predict) {
  if (pages.empty()) return 0;
  int hit = 0;
  for (const LabeledPage& p : pages) hit += predict(*p.page) == p.type;
  return static_cast<double>(hit) / static_cast<double>(pages.size());
}

std::vector<classify::TrainingExample> Examples(const std::vector<LabeledPage>& pages) {
  std::vector<classify::TrainingExample> out;
  for (const LabeledPage& p : pages) out.push_back({p.type, classify::PageFeatures(*p.page)});
  return out;
}

DocType ArgMax(const classify::TypeProbabilities& p) {
  return static_cast<DocType>(std::max_element(p.begin(), p.end()) - p.begin());
}

// Model alone, rules alone and combined on the held-out pages.
void PrintHeldOut(const ServiceConfig& config, const std::vector<LabeledPage>& train,
                  const std::vector<LabeledPage>& held_out, int held_out_faxes) {
  auto model = classify::TextModel::Train(Examples(train), classify::TrainOptions{}, fs::temp_directory_path().string());
  auto rules = classify::Classifier::FromFile(config.processor.classifier_rules_file, config.processor.classify);
  if (!model || !rules) {
    std::cerr << "faxintake: held-out check skipped: " << (model ? rules.error().message : model.error().message) << "\n";
    return;
  }
  std::shared_ptr<const classify::TextModel> shared = std::move(*model);
  auto combined = classify::Classifier::FromFile(config.processor.classifier_rules_file, config.processor.classify);
  (*combined)->SetModel(shared);
  std::cout << "held out: " << held_out.size() << " pages of " << held_out_faxes << " faxes (every 5th)\n"
            << std::fixed << std::setprecision(4)
            << "  page type accuracy, model alone  " << Accuracy(held_out, [&](const PageResult& p) { return ArgMax(shared->PredictPage(p)); }) << "\n"
            << "  page type accuracy, rules alone  " << Accuracy(held_out, [&](const PageResult& p) { return (*rules)->ClassifyPage(p).type; }) << "\n"
            << "  page type accuracy, combined     " << Accuracy(held_out, [&](const PageResult& p) { return (*combined)->ClassifyPage(p).type; }) << "\n";
}

}  // namespace

int RunTrain(const ServiceConfig& config, const std::string& dir, const std::string& out_file) {
  const std::vector<TruthFax> faxes = ReadTruthFolder(dir);
  if (faxes.empty()) {
    std::cerr << "faxintake: no *.truth.json with page types in " << dir << "\n";
    return 2;
  }
  ProcessorOptions options = config.processor;
  options.classifier_model_file.clear();  // only the pages are needed
  options.store_page_images = false;
  auto processor = Processor::Create(options, nullptr);
  if (!processor) {
    std::cerr << "faxintake: " << processor.error().message << "\n";
    return 2;
  }
  const auto pages = RecognizeFaxes(**processor, faxes, config.processor.decode.max_input_bytes);

  std::vector<LabeledPage> all, train, held_out;
  std::map<std::string, int> counts;
  int held_out_faxes = 0;
  for (size_t f = 0; f < faxes.size(); ++f) {
    const bool hold = f % 5 == 4;
    held_out_faxes += hold && !pages[f].empty();
    for (const PageResult& page : pages[f]) {
      const auto n = static_cast<size_t>(page.number);
      if (n >= faxes[f].page_types.size() || !faxes[f].page_types[n]) continue;
      const LabeledPage lp{&page, *faxes[f].page_types[n]};
      all.push_back(lp);
      (hold ? held_out : train).push_back(lp);
      ++counts[DocTypeName(lp.type)];
    }
  }
  if (all.empty()) {
    std::cerr << "faxintake: no page of " << dir << " could be read\n";
    return 2;
  }
  std::cout << "training pages per class (" << all.size() << " pages, " << faxes.size() << " faxes):\n";
  for (const auto& [name, n] : counts) std::cout << "  " << std::left << std::setw(22) << name << n << "\n";
  if (!held_out.empty() && !train.empty()) PrintHeldOut(config, train, held_out, held_out_faxes);

  auto model = classify::TextModel::Train(Examples(all), classify::TrainOptions{}, fs::temp_directory_path().string());
  if (!model) {
    std::cerr << "faxintake: " << model.error().message << "\n";
    return 2;
  }
  const std::string out = out_file.empty() ? (fs::path(config.config_file).parent_path() / "page_model.ftz").string() : out_file;
  if (auto saved = (*model)->Save(out); !saved) {
    std::cerr << "faxintake: " << saved.error().message << "\n";
    return 2;
  }
  std::cout << "model written to " << out << " (" << fs::file_size(out) << " bytes, trained on all " << all.size()
            << " pages)\n";
  return 0;
}

int RunAddToken(const ServiceConfig& config, const std::string& name, const std::string& role) {
  const auto parsed = server::ParseRole(role);
  if (!parsed) {
    std::cerr << "faxintake: role must be staff, export or admin\n";
    return 2;
  }
  auto token = server::AddPrincipal(config.tokens_file, name, *parsed);
  if (!token) {
    std::cerr << "faxintake: " << token.error().message << "\n";
    return token.error().code == ErrorCode::kUnavailable ? 1 : 2;
  }
  std::cout << *token << "\n";
  std::cerr << "faxintake: added " << name << " (" << role << ") to " << config.tokens_file
            << "; the token above is shown only now: send it as `Authorization: Bearer <token>`\n";
  return 0;
}

}  // namespace faxintake::app
