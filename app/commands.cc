#include "app/commands.h"

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/service.h"
#include "bench/evaluation.h"
#include "ocr/leptonica.h"
#include "pipeline/log.h"
#include "pipeline/result_json.h"

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

std::unique_ptr<store::RecordStore> OpenStore(const ServiceConfig& config, const std::string& dir) {
  store::StoreOptions so;
  so.path = dir;
  so.key_file = config.key_file;
  so.key_env = config.key_env;
  so.create_key_if_missing = true;
  auto st = store::RecordStore::Open(so);
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
  bool any_quarantined = false;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    IntakeResult result;
    auto bytes = ReadInput(files[i], config.processor.decode.max_input_bytes);
    if (!bytes) {
      result.input = files[i];
      result.fax_id = "unread_" + std::to_string(i + 1);
      result.status = IntakeStatus::kQuarantined;
      result.error_code = bytes.error().reason;
      result.error_message = bytes.error().message;
    } else {
      FaxMetadata meta;
      meta.source = "cli";
      meta.original_name = fs::path(files[i]).filename().string();
      result = (*processor)->Process(*bytes, meta, files[i]);
    }
    any_quarantined |= result.status == IntakeStatus::kQuarantined;
    std::cout << ToContractJson(result).dump() << "\n" << std::flush;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "[" << (i + 1) << "/" << files.size() << "] " << files[i] << ": " << IntakeStatusName(result.status)
              << (result.error_code ? " (" + *result.error_code + ")" : "") << ", " << result.pages.size()
              << " page(s), " << result.documents.size() << " document(s), " << std::fixed << std::setprecision(2)
              << secs << " s\n";
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

int RunCheckConfig(const ServiceConfig& config) {
  auto processor = Processor::Create(config.processor, nullptr);
  if (!processor) {
    std::cerr << "faxintake: " << config.config_file << ": " << processor.error().message << "\n";
    return 2;
  }
  std::cout << config.config_file << ": ok\n";
  return 0;
}

}  // namespace faxintake::app
