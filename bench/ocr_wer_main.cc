// OCR word error rate benchmark (not a test): the pipeline's OCR (ingest::DecodeFax ->
// ocr::OcrEngine::Recognize, clean-up included) against the plain `tesseract IMAGE -
// --psm 3` command run on the same decoded page saved as PNG, on pages whose true text
// is known:
//   - the real scanned pages of ../shared/data/ocr-groundtruth (<stem>.txt beside the
//     image; copies of a page named <stem><suffix> use <stem>.txt);
//   - generated noisy normal-resolution fax pages (samples/generate.py --page-text);
//   - optionally generated clean fine-resolution fax pages (--clean-fine).
//
// Prints one table row per set: pages, reference words, WER of each system (all errors
// over all reference words), mean of the per-page WERs, order-free word recall, seconds.
// Never prints page text; --dump writes the OCR output to files for inspection.
//
// usage: ocr_wer [--seed N] [--count K] [--clean-fine] [--per-page] [--work DIR] ...
//        (OMP_THREAD_LIMIT=1 is set for the tesseract child processes)
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/wer.h"
#include "ingest/decode.h"
#include "ocr/engine.h"
#include "ocr/leptonica.h"
#include "pipeline/log.h"

namespace fs = std::filesystem;
using faxintake::bench::ComputeWer;
using faxintake::bench::WerCounts;

namespace {

struct Sample {
  fs::path image;
  std::string label;           // file name, for per-page lines
  std::vector<fs::path> truth;  // one true-text file per page (page i uses truth[i])
};

struct Totals {
  int pages = 0;
  WerCounts pipeline, cli;
  double pipeline_page_wer_sum = 0, cli_page_wer_sum = 0;
  double pipeline_seconds = 0, cli_seconds = 0;
};

std::optional<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs a shell command and returns its standard output (nullopt when it fails).
std::optional<std::string> Capture(const std::string& command) {
  FILE* f = popen(command.c_str(), "r");
  if (!f) return std::nullopt;
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const int rc = pclose(f);
  if (rc != 0) return std::nullopt;
  return out;
}

// The words of the pipeline's page in its reading order, one line per text line.
std::string PipelineText(const faxintake::PageText& text) {
  std::string out;
  for (const faxintake::Line& line : text.lines) {
    out += line.text;
    out += '\n';
  }
  return out;
}

bool IsImage(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".tif" || ext == ".tiff" || ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".pdf";
}

// Ground-truth folder: <stem>.txt beside <stem>.<image ext>; an image whose stem starts
// with the stem of a .txt file (a rotated copy, e.g. phototest-rotated-L.png,
// phototestrot.tif) uses that text (the longest such stem). Images without text are skipped.
std::vector<Sample> GroundTruthSamples(const fs::path& dir) {
  std::vector<fs::path> images, texts;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    if (e.path().extension() == ".txt") texts.push_back(e.path());
    else if (IsImage(e.path())) images.push_back(e.path());
  }
  std::sort(images.begin(), images.end());
  std::vector<Sample> out;
  for (const fs::path& img : images) {
    const std::string stem = img.stem().string();
    fs::path best;
    for (const fs::path& t : texts) {
      const std::string ts = t.stem().string();
      if (stem.starts_with(ts) && ts.size() > best.stem().string().size()) best = t;
    }
    if (best.empty()) {
      std::cout << "  skipped " << img.filename().string() << ": no true text\n";
      continue;
    }
    if (best.stem() != img.stem())
      std::cout << "  " << img.filename().string() << " uses " << best.filename().string() << "\n";
    out.push_back(Sample{img, img.filename().string(), {best}});
  }
  return out;
}

// A generated folder: image files (not text-layer PDFs) whose truth.json has the wanted
// resolution and noise, with <stem>.pNNN.txt per page.
std::vector<Sample> GeneratedSamples(const fs::path& dir, const std::string& resolution,
                                     const std::string& noise) {
  std::vector<fs::path> truths;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().string().ends_with(".truth.json")) truths.push_back(e.path());
  std::sort(truths.begin(), truths.end());
  std::vector<Sample> out;
  for (const fs::path& tp : truths) {
    auto bytes = ReadFile(tp);
    if (!bytes) continue;
    const nlohmann::json truth = nlohmann::json::parse(*bytes);
    if (truth.value("format", "") == "pdf_text") continue;
    if (truth.value("resolution", "") != resolution || truth.value("noise", "") != noise) continue;
    Sample s;
    s.image = dir / truth.at("file").get<std::string>();
    s.label = s.image.filename().string();
    const std::string stem = s.image.stem().string();
    const size_t pages = truth.at("pages").size();
    for (size_t i = 0; i < pages; ++i) s.truth.push_back(dir / fmt::format("{}.p{:03d}.txt", stem, i + 1));
    if (!fs::exists(s.truth.front())) {
      std::cerr << "error: " << s.truth.front().string()
                << " missing: generate with samples/generate.py --page-text\n";
      std::exit(2);
    }
    out.push_back(std::move(s));
  }
  return out;
}

struct Runner {
  faxintake::ocr::OcrEngine* engine;
  std::string tesseract;
  int psm;
  fs::path png_dir;
  fs::path dump_dir;  // empty: no dump
  bool per_page;
  bool run_cli = true;

  void Run(const std::string& set, const std::vector<Sample>& samples, Totals& totals) {
    faxintake::ingest::DecodeLimits limits;
    for (const Sample& s : samples) {
      auto bytes = ReadFile(s.image);
      if (!bytes) {
        std::cerr << "error: cannot read " << s.image << "\n";
        continue;
      }
      auto pages = faxintake::ingest::DecodeFax(*bytes, limits);
      if (!pages) {
        std::cerr << "error: " << s.label << " did not decode: " << pages.error().reason << "\n";
        continue;
      }
      if (pages->size() != s.truth.size() && s.truth.size() != 1)
        std::cerr << "warning: " << s.label << ": " << pages->size() << " pages, " << s.truth.size()
                  << " true texts\n";
      const size_t n = std::min(pages->size(), s.truth.size());
      for (size_t i = 0; i < n; ++i) {
        auto ref = ReadFile(s.truth[i]);
        if (!ref) {
          std::cerr << "error: cannot read " << s.truth[i] << "\n";
          continue;
        }
        const faxintake::Raster& image = (*pages)[i].image;

        const auto t0 = std::chrono::steady_clock::now();
        auto page = engine->Recognize(image);
        const auto t1 = std::chrono::steady_clock::now();
        const std::string pipe_text = page ? PipelineText(page->text) : std::string();

        const fs::path png = png_dir / fmt::format("{}-{}-p{:03d}.png", set, s.image.stem().string(), i + 1);
        if (run_cli) WriteFile(png, faxintake::ocr::EncodePng(image));
        const auto t2 = std::chrono::steady_clock::now();
        std::optional<std::string> cli;
        if (run_cli)
          cli = Capture(fmt::format("{} {} - --psm {} 2>/dev/null", ShellQuote(tesseract),
                                    ShellQuote(png.string()), psm));
        const auto t3 = std::chrono::steady_clock::now();
        if (run_cli && !cli) std::cerr << "warning: tesseract failed on " << s.label << " page " << i + 1 << "\n";
        const std::string cli_text = cli.value_or("");

        const WerCounts wp = ComputeWer(*ref, pipe_text);
        const WerCounts wc = ComputeWer(*ref, cli_text);
        const double sp = std::chrono::duration<double>(t1 - t0).count();
        const double sc = std::chrono::duration<double>(t3 - t2).count();
        totals.pages++;
        totals.pipeline.Add(wp);
        totals.cli.Add(wc);
        totals.pipeline_page_wer_sum += wp.wer();
        totals.cli_page_wer_sum += wc.wer();
        totals.pipeline_seconds += sp;
        totals.cli_seconds += sc;
        if (per_page)
          std::cout << fmt::format("  {:<26} {:<22} p{:<3} words {:>4}  WER pipeline {:6.3f} ({:4.1f} s, rot {:>3})"
                                   "  tesseract {:6.3f} ({:4.1f} s)\n",
                                   set, s.label, i + 1, wp.reference_words, wp.wer(), sp,
                                   page ? page->rotation : -1, wc.wer(), sc);
        if (!dump_dir.empty()) {
          const std::string base = fmt::format("{}-{}-p{:03d}", set, s.image.stem().string(), i + 1);
          WriteFile(dump_dir / (base + ".pipeline.txt"), pipe_text);
          WriteFile(dump_dir / (base + ".cli.txt"), cli_text);
          WriteFile(dump_dir / (base + ".ref.txt"), *ref);
        }
      }
      std::cout.flush();
    }
  }
};

bool Generate(const std::string& python, const std::string& generator, int seed, int count,
              double noisy, double normal, const fs::path& out) {
  fs::remove_all(out);
  fs::create_directories(out);
  const std::string cmd = fmt::format(
      "{} {} --seed {} --count {} --out {} --noisy-share {} --normal-share {} --upside-share 0 "
      "--page-text --quiet",
      ShellQuote(python), ShellQuote(generator), seed, count, ShellQuote(out.string()), noisy, normal);
  std::cout << "  generating: " << cmd << "\n";
  std::cout.flush();
  return std::system(cmd.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  setenv("OMP_THREAD_LIMIT", "1", 0);  // for the tesseract children; the engine pins itself

  CLI::App cli{"OCR word error rate: pipeline vs plain tesseract"};
  std::string gt_dir = FAXINTAKE_SHARED_DIR "/data/ocr-groundtruth";
  std::string generator = FAXINTAKE_SOURCE_DIR "/samples/generate.py";
  std::string python = FAXINTAKE_PYTHON3;
  std::string tesseract = "tesseract";
  std::string work;
  std::string noisy_dir, clean_dir, dump_dir;
  int seed = 31, count = 8, clean_count = 4, psm = 3;
  bool clean_fine = false, per_page = false, no_groundtruth = false, no_cli = false;
  faxintake::ocr::OcrOptions options;
  cli.add_option("--groundtruth", gt_dir, "folder of images with <stem>.txt true text");
  cli.add_flag("--no-groundtruth", no_groundtruth, "skip the ground-truth folder");
  cli.add_option("--seed", seed, "generator seed for the generated sets");
  cli.add_option("--count", count, "generated noisy normal-resolution files");
  cli.add_option("--noisy-dir", noisy_dir, "use this generated folder (made with --page-text) instead");
  cli.add_flag("--clean-fine", clean_fine, "also a generated clean fine-resolution set");
  cli.add_option("--clean-count", clean_count, "generated clean fine files");
  cli.add_option("--clean-dir", clean_dir, "use this generated folder for the clean fine set");
  cli.add_option("--work", work, "work folder (default: a new folder under /tmp, removed at the end)");
  cli.add_option("--tesseract", tesseract, "tesseract command");
  cli.add_option("--psm", psm, "page segmentation mode for both systems");
  cli.add_flag("--no-cli", no_cli, "pipeline only (the tesseract CLI columns stay empty)");
  cli.add_flag("--per-page", per_page, "print one line per page (names and figures only)");
  cli.add_option("--dump", dump_dir, "write reference and both OCR outputs per page to this folder");
  cli.add_option("--min-orientation-conf", options.cleanup.min_orientation_conf, "clean-up option");
  cli.add_option("--speck-size", options.cleanup.speck_max_size, "clean-up option (0: no despeckle)");
  cli.add_flag("!--no-deskew", options.cleanup.deskew, "clean-up option");
  cli.add_flag("!--no-orientation", options.cleanup.detect_orientation, "clean-up option");
  cli.add_flag("!--no-despeckle", options.cleanup.despeckle, "clean-up option");
  CLI11_PARSE(cli, argc, argv);
  options.page_segmentation_mode = psm;
  faxintake::log::SetLevel(faxintake::log::Level::kWarn);

  const bool own_work = work.empty();
  if (own_work) {
    char tmpl[] = "/tmp/ocr-wer.XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::cerr << "error: cannot create a work folder\n";
      return 2;
    }
    work = tmpl;
  }
  const fs::path png_dir = fs::path(work) / "png";
  fs::create_directories(png_dir);
  if (!dump_dir.empty()) fs::create_directories(dump_dir);

  auto engine = faxintake::ocr::OcrEngine::Create(options);
  if (!engine) {
    std::cerr << "error: " << engine.error().message << "\n";
    return 2;
  }
  const auto version = Capture(ShellQuote(tesseract) + " --version 2>&1 | head -1");
  std::cout << "normalization: " << faxintake::bench::kWerNormalization << "\n"
            << "pipeline: DecodeFax -> OcrEngine::Recognize (psm " << psm << ", orientation "
            << options.cleanup.detect_orientation << ", deskew " << options.cleanup.deskew << ", despeckle "
            << options.cleanup.despeckle << " size " << options.cleanup.speck_max_size
            << "); seconds = Recognize only (model loaded once)\n"
            << "tesseract CLI: " << (version ? version->substr(0, version->find('\n')) : "?")
            << ", `tesseract PAGE.png - --psm " << psm
            << "` on the decoded page (square pixels); seconds = whole process per page\n";

  Runner runner{engine->get(), tesseract, psm, png_dir, dump_dir, per_page, !no_cli};
  std::vector<std::pair<std::string, Totals>> rows;

  if (!no_groundtruth) {
    if (!fs::is_directory(gt_dir)) {
      std::cerr << "error: ground-truth folder " << gt_dir << " is missing (see ../shared/data/README.md)\n";
      return 2;
    }
    std::cout << "set ocr-groundtruth (" << gt_dir << "):\n";
    Totals t;
    runner.Run("ocr-groundtruth", GroundTruthSamples(gt_dir), t);
    rows.emplace_back("ocr-groundtruth clean", t);
  }
  {
    fs::path dir = noisy_dir;
    if (dir.empty()) {
      dir = fs::path(work) / "noisy-normal";
      if (!Generate(python, generator, seed, count, 1, 1, dir)) {
        std::cerr << "error: the generator failed\n";
        return 2;
      }
    }
    std::cout << "set generated noisy normal (" << dir.string() << "):\n";
    Totals t;
    runner.Run("noisy-normal", GeneratedSamples(dir, "normal", "noisy"), t);
    rows.emplace_back("generated noisy normal", t);
  }
  if (clean_fine || !clean_dir.empty()) {
    fs::path dir = clean_dir;
    if (dir.empty()) {
      dir = fs::path(work) / "clean-fine";
      if (!Generate(python, generator, seed + 1, clean_count, 0, 0, dir)) {
        std::cerr << "error: the generator failed\n";
        return 2;
      }
    }
    std::cout << "set generated clean fine (" << dir.string() << "):\n";
    Totals t;
    runner.Run("clean-fine", GeneratedSamples(dir, "fine", "clean"), t);
    rows.emplace_back("generated clean fine", t);
  }

  std::cout << "\n"
            << fmt::format("{:<24} {:>5} {:>6} | {:>8} {:>8} | {:>9} {:>9} | {:>8} {:>8} | {:>7} {:>7} {:>6} {:>6}\n",
                           "set", "pages", "words", "WER pipe", "WER cli", "page pipe", "page cli",
                           "rec pipe", "rec cli", "s pipe", "s cli", "s/p pi", "s/p cl");
  for (const auto& [name, t] : rows) {
    const double n = std::max(1, t.pages);
    const double rw = std::max<int64_t>(1, t.pipeline.reference_words);
    auto cli_col = [&](double v, int width, int precision) {
      return no_cli ? fmt::format("{:>{}}", "-", width) : fmt::format("{:>{}.{}f}", v, width, precision);
    };
    std::cout << fmt::format(
        "{:<24} {:>5} {:>6} | {:>8.3f} {} | {:>9.3f} {} | {:>8.3f} {} | {:>7.1f} {} {:>6.2f} {}\n", name,
        t.pages, t.pipeline.reference_words, t.pipeline.wer(), cli_col(t.cli.wer(), 8, 3),
        t.pipeline_page_wer_sum / n, cli_col(t.cli_page_wer_sum / n, 9, 3), t.pipeline.matched_any_order / rw,
        cli_col(t.cli.matched_any_order / rw, 8, 3), t.pipeline_seconds, cli_col(t.cli_seconds, 7, 1),
        t.pipeline_seconds / n, cli_col(t.cli_seconds / n, 6, 2));
  }
  std::cout << "WER = word edit distance / reference words over the set; page = mean of per-page WER;\n"
               "rec = reference words found in the output in any order (order-free recall)\n";
  if (own_work) fs::remove_all(work);
  return 0;
}
