#include "ingest/srfax_poller.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <optional>

#include "ingest/drop_folder.h"
#include "pipeline/base64.h"
#include "pipeline/log.h"

namespace faxintake::ingest {
namespace {

using nlohmann::json;

// The SRFax answer as JSON with Status "Success"; the Result member is returned.
Result<json> SrfaxCall(const SrfaxPollerOptions& o, const std::string& action, FormFields fields) {
  fields.insert(fields.begin(), {{"action", action}, {"access_id", o.access_id}, {"access_pwd", o.access_pwd}});
  auto answer = PostForm(o.base_url, fields, o.fetch);
  if (!answer) return std::unexpected(answer.error());
  json doc = json::parse(answer->bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("Status") || !doc["Status"].is_string())
    return MakeError(ErrorCode::kDataLoss, "srfax_bad_answer", "SRFax " + action + " answered something that is not SRFax JSON");
  if (doc["Status"].get<std::string>() != "Success")
    // The Result of a failure is SRFax's message (e.g. wrong credentials); it carries no fax data.
    return MakeError(ErrorCode::kFailedPrecondition, "srfax_failed",
                     "SRFax " + action + " failed" +
                         (doc.contains("Result") && doc["Result"].is_string() ? ": " + doc["Result"].get<std::string>() : ""));
  return doc.contains("Result") ? doc["Result"] : json();
}

std::string StringField(const json& item, const char* key) {
  if (!item.contains(key)) return "";
  const json& v = item[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return "";
}

std::string Rfc3339FromEpoch(const std::string& epoch) {
  if (epoch.empty()) return "";
  int64_t secs = 0;
  try {
    secs = std::stoll(epoch);
  } catch (...) {
    return "";
  }
  if (secs <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

SrfaxPoller::SrfaxPoller(SrfaxPollerOptions options, SrfaxAcceptFn accept)
    : options_(std::move(options)), accept_(std::move(accept)) {}

SrfaxPoller::~SrfaxPoller() { Stop(); }

void SrfaxPoller::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
  log::Info("srfax_poller_started", "host={} poll_seconds={}", UrlHost(options_.base_url), options_.poll_seconds);
}

void SrfaxPoller::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool SrfaxPoller::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void SrfaxPoller::Loop() {
  const auto period = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.05, options_.poll_seconds) * 1000));
  for (;;) {
    auto stats = PollOnce();
    if (!stats) {
      log::Warn("srfax_poll_failed", "code={} message={}", stats.error().reason, stats.error().message);
    } else if (stats->listed > 0) {
      log::Info("srfax_polled", "listed={} accepted={} marked_viewed={} failed={}", stats->listed, stats->accepted,
                stats->marked_viewed, stats->failed);
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, period, [this] { return stopping_; })) return;
  }
}

Result<SrfaxPollStats> SrfaxPoller::PollOnce() {
  SrfaxPollStats stats;
  ++counters_.polls;
  auto stats_out = [this](const SrfaxPollStats& s) {
    counters_.fetched += s.accepted;
    counters_.errors += s.failed;
    return s;
  };
  auto listing = SrfaxCall(options_, "Get_Fax_Inbox", {{"sPeriod", "ALL"}, {"sViewedStatus", "UNREAD"}});
  if (!listing) {
    ++counters_.poll_errors;
    return std::unexpected(listing.error());
  }
  if (listing->is_null()) return stats;  // an empty inbox
  if (!listing->is_array()) {
    ++counters_.poll_errors;
    return MakeError(ErrorCode::kDataLoss, "srfax_bad_answer", "SRFax Get_Fax_Inbox answered a Result that is not a list");
  }
  for (const json& item : *listing) {
    if (stats.listed >= options_.max_faxes_per_poll || Stopping()) break;
    ++stats.listed;
    const std::string file_name = item.is_object() ? StringField(item, "FileName") : "";
    if (file_name.empty()) {
      ++stats.failed;
      log::Warn("srfax_fax_skipped", "code=no_file_name");
      continue;
    }
    const FormFields which = {{"sFaxFileName", file_name}, {"sDirection", "IN"}};
    const std::string file = ShortNameHash(file_name);

    FormFields retrieve = which;
    retrieve.emplace_back("sFaxFormat", options_.fax_format);
    retrieve.emplace_back("sMarkasViewed", "N");
    auto content = SrfaxCall(options_, "Retrieve_Fax", retrieve);
    if (!content) {
      ++stats.failed;
      log::Warn("srfax_retrieve_failed", "file_hash={} code={}", file, content.error().reason);
      continue;
    }
    std::optional<std::string> bytes;
    if (content->is_string()) bytes = Base64Decode(content->get_ref<const std::string&>(), /*require_padding=*/false);
    if (!bytes || bytes->empty()) {
      ++stats.failed;
      log::Warn("srfax_retrieve_failed", "file_hash={} code=srfax_bad_content", file);
      continue;
    }

    FaxMetadata meta;
    meta.source = kSrfaxSource;
    meta.gateway_fax_id = file_name;
    meta.from_number = StringField(item, "CallerID");
    meta.sender_tsi = StringField(item, "RemoteID");
    meta.received_at = Rfc3339FromEpoch(StringField(item, "EpochTime"));
    meta.original_name = file_name.substr(0, file_name.find('|'));
    auto accepted = accept_(*bytes, meta);
    if (!accepted) {
      ++stats.failed;
      log::Warn("srfax_accept_failed", "file_hash={} code={}", file, accepted.error().reason);
      continue;  // left unread: the next poll retries it
    }
    ++stats.accepted;

    FormFields viewed = which;
    viewed.emplace_back("sMarkasViewed", "Y");
    auto marked = SrfaxCall(options_, "Update_Viewed_Status", viewed);
    if (!marked) {
      // Stored already; the next poll lists it again and the store dedupes it.
      ++stats.failed;
      ++counters_.mark_viewed_failures;
      log::Warn("srfax_mark_viewed_failed", "file_hash={} fax_id={} code={}", file, *accepted, marked.error().reason);
      continue;
    }
    ++stats.marked_viewed;
    log::Info("srfax_fax_accepted", "file_hash={} fax_id={}", file, *accepted);
  }
  return stats_out(stats);
}

}  // namespace faxintake::ingest
