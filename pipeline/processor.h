// The processor: runs one fax through every stage and commits the outcome.
//
//   accept (store, synced) -> decode (sandboxed) -> OCR pages in parallel ->
//   classify + split -> extract -> checklists -> commit (one atomic batch)
//
// Thread-safety: Process may be called from many threads at once (one fax each);
// pages of a fax are recognized in parallel on the shared OCR thread pool.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "classify/classifier.h"
#include "extract/checklist.h"
#include "extract/extractor.h"
#include "ingest/decode.h"
#include "ocr/engine.h"
#include "pipeline/model.h"
#include "pipeline/thread_pool.h"
#include "store/record_store.h"

namespace faxintake {

struct ProcessorOptions {
  ingest::DecodeLimits decode;
  ocr::OcrOptions ocr;
  classify::ClassifierOptions classify;
  int ocr_threads = 0;                  // 0: one per core
  std::string classifier_rules_file;    // config/doctypes.yaml
  std::string classifier_model_file;    // config/page_model.ftz (classify/text_model.h); empty: rules only
  std::string checklists_file;          // config/checklists.yaml
  extract::ExtractorOptions extract;    // field reading (icd10_table: a full ICD-10-CM code file)
  double unreadable_page_confidence = 0.45;  // a page below this mean word confidence needs review
  bool store_page_images = true;        // PNG per page in the store, for the review screen
};

// Counters for metrics, updated atomically.
struct ProcessorStats {
  std::atomic<uint64_t> faxes{0}, pages{0}, quarantined{0}, needs_review{0}, ocr_timeouts{0};
  std::atomic<uint64_t> decode_micros{0}, ocr_micros{0}, analyze_micros{0};
};

class Processor {
 public:
  // Loads models and configuration. Errors: kFailedPrecondition / kInvalidArgument with
  // the file at fault. `store` may be null (results are then not persisted).
  static Result<std::unique_ptr<Processor>> Create(const ProcessorOptions& options, store::RecordStore* store);
  ~Processor();

  // Accepts (when a store is attached) and processes one fax. Never fails: undecodable
  // input yields a quarantined result with the reason. Same bytes again with a store:
  // the stored result is returned and nothing new is created.
  IntakeResult Process(std::string_view bytes, const FaxMetadata& meta, const std::string& input);

  // Processes a fax already accepted into the store (crash recovery, queued work).
  // Errors: kNotFound when the store lacks the fax; store errors.
  Result<IntakeResult> ProcessStored(const std::string& fax_id, const std::string& input);

  const ProcessorStats& stats() const { return stats_; }

 private:
  Processor(const ProcessorOptions& options, store::RecordStore* store);
  IntakeResult Run(std::string_view bytes, const std::string& fax_id, const FaxMetadata& meta, const std::string& input);
  std::vector<PageResult> RecognizePages(std::vector<DecodedPage>& decoded, std::vector<std::string>* images);
  void Analyze(IntakeResult& result) const;
  void Commit(IntakeResult& result, const std::vector<std::string>& images);  // fills in patient and referral ids

  ProcessorOptions options_;
  store::RecordStore* store_;
  std::unique_ptr<ocr::EnginePool> engines_;
  std::unique_ptr<ThreadPool> ocr_threads_;
  std::unique_ptr<classify::Classifier> classifier_;
  std::unique_ptr<extract::Extractor> extractor_;
  std::unique_ptr<extract::ChecklistSet> checklists_;
  ProcessorStats stats_;
};

// The result's status from its documents (quarantined results keep their status).
IntakeStatus DeriveStatus(const IntakeResult& r);

}  // namespace faxintake
