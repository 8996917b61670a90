#include "pipeline/processor.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "classify/text_model.h"
#include "ocr/leptonica.h"
#include "pipeline/log.h"
#include "pipeline/packet_consensus.h"
#include "pipeline/patient_split.h"
#include "store/fax_id.h"

namespace faxintake {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t MicrosSince(Clock::time_point start) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

PageResult TextLayerPage(const DecodedPage& page) {
  PageResult r;
  r.width = page.image.width;
  r.height = page.image.height;
  r.xdpi = page.image.xdpi;
  r.ydpi = page.image.ydpi;
  r.source = PageSource::kTextLayer;
  r.text = *page.text_layer;
  r.ocr_confidence = r.text.words.empty() ? 0 : r.text.MeanConfidence();
  r.damaged = page.damaged;
  return r;
}

int HardwareThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 2 : static_cast<int>(n);
}

}  // namespace

IntakeStatus DeriveStatus(const IntakeResult& r) {
  if (r.status == IntakeStatus::kQuarantined) return IntakeStatus::kQuarantined;
  for (const Document& d : r.documents)
    if (d.needs_review) return IntakeStatus::kNeedsReview;
  return r.documents.empty() ? IntakeStatus::kNeedsReview : IntakeStatus::kFiled;
}

Processor::Processor(const ProcessorOptions& options, store::RecordStore* store) : options_(options), store_(store) {}
Processor::~Processor() = default;

Result<std::unique_ptr<Processor>> Processor::Create(const ProcessorOptions& options, store::RecordStore* store) {
  std::unique_ptr<Processor> p(new Processor(options, store));
  const int threads = options.ocr_threads > 0 ? options.ocr_threads : HardwareThreads();
  auto engines = ocr::EnginePool::Create(options.ocr, threads);
  if (!engines) return std::unexpected(engines.error());
  p->engines_ = std::move(*engines);
  p->ocr_threads_ = std::make_unique<ThreadPool>(threads);
  auto classifier = classify::Classifier::FromFile(options.classifier_rules_file, options.classify);
  if (!classifier) return std::unexpected(classifier.error());
  p->classifier_ = std::move(*classifier);
  if (!options.classifier_model_file.empty()) {
    auto model = classify::TextModel::Load(options.classifier_model_file);
    if (!model) return std::unexpected(model.error());
    p->classifier_->SetModel(std::move(*model));
  }
  auto extractor = extract::Extractor::Create(options.extract);
  if (!extractor) return std::unexpected(extractor.error());
  p->extractor_ = std::move(*extractor);
  auto checklists = extract::ChecklistSet::LoadFile(options.checklists_file);
  if (!checklists) return std::unexpected(checklists.error());
  p->checklists_ = std::make_unique<extract::ChecklistSet>(std::move(*checklists));
  return p;
}

IntakeResult Processor::Process(std::string_view bytes, const FaxMetadata& meta, const std::string& input) {
  if (store_ == nullptr) return Run(bytes, store::FaxIdForBytes(bytes), meta, input);

  auto accepted = store_->AcceptFax(bytes, meta);
  if (!accepted) {
    IntakeResult r;
    r.input = input;
    r.fax_id = store::FaxIdForBytes(bytes);
    r.status = IntakeStatus::kQuarantined;
    r.error_code = "store_unavailable";
    r.error_message = "the record store did not accept the fax: " + accepted.error().message;
    log::Error("fax_accept_failed", "fax_id={} code={}", r.fax_id, accepted.error().reason);
    return r;
  }
  if (!accepted->is_new) {
    auto stored = store_->GetResult(accepted->fax_id);
    if (stored && stored->has_value()) {
      IntakeResult r = std::move(**stored);
      r.input = input;
      log::Info("fax_already_processed", "fax_id={}", r.fax_id);
      return r;
    }
  }
  return Run(bytes, accepted->fax_id, meta, input);
}

Result<IntakeResult> Processor::ProcessStored(const std::string& fax_id, const std::string& input) {
  if (store_ == nullptr) return MakeError(ErrorCode::kFailedPrecondition, "no_store", "processor has no store");
  auto bytes = store_->GetRawFax(fax_id);
  if (!bytes) return std::unexpected(bytes.error());
  auto meta = store_->GetMetadata(fax_id);
  return Run(*bytes, fax_id, meta ? *meta : FaxMetadata{}, input);
}

IntakeResult Processor::Run(std::string_view bytes, const std::string& fax_id, const FaxMetadata& meta,
                            const std::string& input) {
  IntakeResult result;
  result.input = input;
  result.fax_id = fax_id;
  result.metadata = meta;
  ++stats_.faxes;

  const auto decode_start = Clock::now();
  auto decoded = ingest::DecodeFax(bytes, options_.decode);
  stats_.decode_micros += MicrosSince(decode_start);
  std::vector<std::string> images;
  if (!decoded) {
    result.status = IntakeStatus::kQuarantined;
    result.error_code = decoded.error().reason.empty() ? std::string(ErrorCodeName(decoded.error().code))
                                                       : decoded.error().reason;
    result.error_message = decoded.error().message;
    ++stats_.quarantined;
    log::Warn("fax_quarantined", "fax_id={} code={}", fax_id, *result.error_code);
    Commit(result, images);
    return result;
  }

  const auto ocr_start = Clock::now();
  result.pages = RecognizePages(*decoded, options_.store_page_images && store_ != nullptr ? &images : nullptr);
  stats_.ocr_micros += MicrosSince(ocr_start);
  stats_.pages += result.pages.size();

  const auto analyze_start = Clock::now();
  Analyze(result);
  stats_.analyze_micros += MicrosSince(analyze_start);
  if (result.status == IntakeStatus::kNeedsReview) ++stats_.needs_review;
  if (result.status == IntakeStatus::kQuarantined) {
    ++stats_.quarantined;
    log::Warn("fax_quarantined", "fax_id={} code={}", fax_id, *result.error_code);
  }
  Commit(result, images);
  log::Info("fax_processed", "fax_id={} pages={} documents={} status={}", fax_id, result.pages.size(),
            result.documents.size(), IntakeStatusName(result.status));
  return result;
}

std::vector<PageResult> Processor::RecognizePages(std::vector<DecodedPage>& decoded, std::vector<std::string>* images) {
  std::vector<std::future<PageResult>> futures;
  futures.reserve(decoded.size());
  if (images != nullptr) images->assign(decoded.size(), std::string());
  for (size_t i = 0; i < decoded.size(); ++i) {
    DecodedPage* page = &decoded[i];
    std::string* image = images != nullptr ? &(*images)[i] : nullptr;
    futures.push_back(ocr_threads_->Submit([this, page, image, number = static_cast<int>(i) + 1] {
      PageResult r;
      if (page->text_layer) {
        r = TextLayerPage(*page);
      } else {
        auto lease = engines_->Acquire();
        auto ocr = lease->Recognize(page->image);
        r.width = page->image.width;
        r.height = page->image.height;
        r.xdpi = page->image.xdpi;
        r.ydpi = page->image.ydpi;
        r.damaged = page->damaged;
        if (ocr) {
          r.rotation = ocr->rotation;
          r.width = ocr->width;
          r.height = ocr->height;
          if (ocr->rotation == 90 || ocr->rotation == 270) std::swap(r.xdpi, r.ydpi);
          r.ocr_timed_out = ocr->timed_out;
          r.text = std::move(ocr->text);
          r.ocr_confidence = r.text.MeanConfidence();
        }
      }
      r.number = number;
      if (image != nullptr) *image = ocr::EncodePng(ocr::RotateRaster(page->image, r.rotation));
      page->image.pixels = {};  // free the page as soon as it is read
      return r;
    }));
  }
  std::vector<PageResult> pages;
  for (auto& f : futures) {
    pages.push_back(f.get());
    if (pages.back().ocr_timed_out) ++stats_.ocr_timeouts;
  }
  return pages;
}

void Processor::Analyze(IntakeResult& result) const {
  // A damaged file on which no page has readable text was not really decoded: quarantine
  // it (the raw bytes stay in the store) rather than file garbage for review.
  bool damaged = false, readable = false;
  for (const PageResult& p : result.pages) {
    damaged = damaged || p.damaged;
    readable = readable || (!p.text.words.empty() && p.ocr_confidence >= options_.unreadable_page_confidence);
  }
  if (damaged && !readable) {
    result.status = IntakeStatus::kQuarantined;
    result.error_code = "damaged_unreadable";
    result.error_message = "the file is damaged and none of its " + std::to_string(result.pages.size()) +
                           " decoded page(s) has readable text";
    return;
  }

  std::vector<classify::PageClass> classes;
  for (const PageResult& p : result.pages) classes.push_back(classifier_->ClassifyPage(p));
  result.documents = classifier_->Split(result.pages, classes);
  std::vector<DocType> page_types;
  for (const classify::PageClass& c : classes) page_types.push_back(c.type);
  result.documents = SplitByPatient(std::move(result.documents), result.pages, page_types, *extractor_);

  for (Document& doc : result.documents) {
    std::vector<const PageResult*> pages;
    for (int n : doc.pages) pages.push_back(&result.pages[static_cast<size_t>(n) - 1]);
    extractor_->Extract(pages, doc);
    if (doc.confidence < options_.classify.review_confidence) doc.AddReason("low_confidence:type");
    for (const PageResult* p : pages) {
      if (p->ocr_timed_out) doc.AddReason("ocr_timeout:" + std::to_string(p->number));
      if (p->damaged) doc.AddReason("damaged_page:" + std::to_string(p->number));
      if (p->text.words.empty()) {
        doc.AddReason("blank_page:" + std::to_string(p->number));
      } else if (p->ocr_confidence < options_.unreadable_page_confidence) {
        doc.AddReason("unreadable_page:" + std::to_string(p->number));
      }
    }
  }
  if (const int corrected = ReconcilePacket(result.documents, options_.extract.low_confidence); corrected > 0)
    log::Info("packet_consensus", "fax_id={} corrected={}", result.fax_id, corrected);
  if (const int found = FindInPacket(result.documents, result.pages, options_.extract.low_confidence); found > 0)
    log::Info("packet_consensus", "fax_id={} found={}", result.fax_id, found);
  // A cover sheet announces the page count: fewer pages received means the transmission
  // broke off (or pages were lost on the sending side); a person must ask for a resend.
  for (Document& doc : result.documents) {
    if (doc.type != DocType::kFaxCover) continue;
    auto it = doc.fields.find("fax_cover.page_count");
    if (it == doc.fields.end()) continue;
    const int64_t* announced = std::get_if<int64_t>(&it->second.value);
    if (announced != nullptr && *announced > static_cast<int64_t>(result.pages.size()))
      doc.AddReason("incomplete_transmission");
  }
  // The sending machine's page counter on every page ("P.002/005") tells the same without a
  // cover sheet. The reason goes on the cover when there is one, else on the last document,
  // after which the pages were lost.
  if (auto total = classify::SenderPageTotal(result.pages);
      total && *total > static_cast<int>(result.pages.size()) && !result.documents.empty()) {
    auto cover = std::find_if(result.documents.begin(), result.documents.end(),
                              [](const Document& d) { return d.type == DocType::kFaxCover; });
    (cover != result.documents.end() ? *cover : result.documents.back()).AddReason("incomplete_transmission");
  }
  checklists_->Evaluate(result.documents);
  result.status = DeriveStatus(result);
}

void Processor::Commit(IntakeResult& result, const std::vector<std::string>& images) {
  if (store_ == nullptr) return;
  auto committed = store_->CommitResult(result, images);
  if (!committed)
    log::Error("fax_commit_failed", "fax_id={} code={}", result.fax_id, committed.error().reason);
}

}  // namespace faxintake
