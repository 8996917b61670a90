#include "tests/store/sample_results.h"

namespace faxintake::store::testing {

namespace {

PageResult SamplePage(int number) {
  PageResult p;
  p.number = number;
  p.width = 1728;
  p.height = 2200;
  p.xdpi = 204;
  p.ydpi = 196.1;
  p.rotation = number % 2 == 0 ? 180 : 0;
  p.source = number == 3 ? PageSource::kTextLayer : PageSource::kOcr;
  p.damaged = number == 2;
  p.ocr_timed_out = number == 4;
  const std::vector<std::string> words = {"REFERRAL", "FORM", "Patient:", "DOE,", "JANE", "page" + std::to_string(number)};
  for (size_t i = 0; i < words.size(); ++i) {
    const int line = i < 2 ? 0 : 1;
    p.text.words.push_back(Word{words[i], Box{100 + static_cast<int>(i) * 90, 120 + line * 40, 80, 30},
                                0.61f + 0.013f * static_cast<float>(i), line});
  }
  p.text.lines.push_back(Line{"REFERRAL FORM", Box{100, 120, 170, 30}, 0, 2, 0});
  p.text.lines.push_back(Line{"Patient: DOE, JANE page" + std::to_string(number), Box{280, 160, 350, 30}, 2, 4, 1});
  p.ocr_confidence = p.text.MeanConfidence();
  return p;
}

}  // namespace

IntakeResult SampleResult(const std::string& fax_id, int pages, const std::string& priority) {
  IntakeResult r;
  r.input = "inbox/" + fax_id + ".tif";
  r.fax_id = fax_id;
  r.status = IntakeStatus::kNeedsReview;
  for (int n = 1; n <= pages; ++n) r.pages.push_back(SamplePage(n));
  for (int n = 1; n <= pages; ++n) {
    Document d;
    d.type = n == 1 ? DocType::kReferral : DocType::kClinicalNote;
    d.confidence = 0.875 - 0.01 * n;
    d.pages = {n};
    d.fields["patient.family_name"] = Field{std::string("DOE"), 0.93, n, Box{280, 160, 80, 30}};
    d.fields["referral.diagnosis_codes"] =
        Field{std::vector<std::string>{"M17.11", "E11.9"}, 0.81, n, Box{10, 20, 30, 40}};
    d.fields["fax_cover.page_count"] = Field{int64_t{pages}, 0.7, n, Box{1, 2, 3, 4}, /*valid=*/false};
    if (n == 1 && !priority.empty())
      d.fields["referral.priority"] = Field{priority, 0.9, 1, Box{5, 6, 7, 8}};
    d.checklist = Checklist{n == 1 ? "referral" : "clinical_note", {}, {"patient.family_name"}};
    if (n == 1) {
      d.checklist.missing = {"referring.npi"};
      d.AddReason("missing:referring.npi");
      d.patient_id = "pt_0001";
    }
    r.documents.push_back(std::move(d));
  }
  r.metadata.source = "webhook:test";
  r.metadata.gateway_fax_id = "gw-" + fax_id;
  return r;
}

IntakeResult QuarantinedResult(const std::string& fax_id) {
  IntakeResult r;
  r.input = "inbox/broken.tif";
  r.fax_id = fax_id;
  r.status = IntakeStatus::kQuarantined;
  r.error_code = "tiff_unreadable";
  r.error_message = "not a TIFF file";
  return r;
}

}  // namespace faxintake::store::testing
