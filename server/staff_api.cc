#include "server/staff_api.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include "pipeline/log.h"
#include "pipeline/result_json.h"

namespace faxintake::server {

using nlohmann::json;

struct StaffApi::Call {
  const ApiRequest& request;
  Principal principal;
  std::string purpose;
};

namespace {

constexpr size_t kMaxPurposeChars = 64;
constexpr size_t kMaxReasonChars = 200;

ApiResponse JsonReply(int status, const json& body) { return ApiResponse{status, body.dump(), {}}; }

ApiResponse ErrorReply(int status, const std::string& code, const std::string& message) {
  return JsonReply(status, {{"error", {{"code", code}, {"message", message}}}});
}

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded: return 503;
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

// Store errors carry ids and codes only (store/record_store.h), so their messages may be shown.
ApiResponse FromError(const Error& e) {
  ApiResponse r = ErrorReply(StatusFor(e.code), e.reason, e.message);
  if (r.status == 503) r.headers.emplace_back("Retry-After", "5");
  return r;
}

// "2024-05-01T09:00:00.000Z" from Unix microseconds.
std::string Time(int64_t us) {
  const std::chrono::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(us / 1000)};
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", t);
}

// Printable ASCII without control characters, 1..max characters: what may go to the audit log
// as a staff member's words.
bool IsPlainText(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

bool IsPurpose(std::string_view s) {
  if (s.empty() || s.size() > kMaxPurposeChars) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '_' || c == ':' ||
           c == '/' || c == '-';
  });
}

Result<uint64_t> ParseNumber(std::optional<std::string_view> text, uint64_t fallback, const char* name) {
  if (!text) return fallback;
  uint64_t v = 0;
  const char* end = text->data() + text->size();
  auto [p, ec] = std::from_chars(text->data(), end, v);
  if (text->empty() || ec != std::errc() || p != end)
    return MakeError(ErrorCode::kInvalidArgument, std::string("bad_") + name, std::string(name) + " must be a whole number");
  return v;
}

Result<size_t> ParseLimit(const ApiRequest& req, const StaffApiOptions& o) {
  auto v = ParseNumber(req.query_value("limit"), o.default_limit, "limit");
  if (!v) return std::unexpected(v.error());
  if (*v < 1 || *v > o.max_limit)
    return MakeError(ErrorCode::kInvalidArgument, "bad_limit", fmt::format("limit must be 1 to {}", o.max_limit));
  return static_cast<size_t>(*v);
}

// The request body as a JSON object. Errors: kInvalidArgument.
Result<json> BodyObject(const ApiRequest& req) {
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object())
    return MakeError(ErrorCode::kInvalidArgument, "bad_json", "the body must be a JSON object");
  return body;
}

// The staff member's reason from a body: required, plain text, at most kMaxReasonChars.
Result<std::string> Reason(const json& body) {
  const auto it = body.find("reason");
  if (it == body.end() || !it->is_string() || !IsPlainText(it->get_ref<const std::string&>(), kMaxReasonChars))
    return MakeError(ErrorCode::kInvalidArgument, "bad_reason",
                     fmt::format("`reason` is required: 1 to {} printable characters, no patient data", kMaxReasonChars));
  return it->get<std::string>();
}

// ---- JSON forms of the store's records (the API's own, apart from the storage codec)

json ReviewItemJson(const store::ReviewItem& i) {
  return {{"fax_id", i.fax_id}, {"document", i.document}, {"priority", store::ReviewPriorityName(i.priority)},
          {"received_at", Time(i.received_at_us)}};
}

json IdentityJson(const store::match::Identity& id) {
  json j = json::object();
  auto put = [&j](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("patient.family_name", id.family_name);
  put("patient.given_name", id.given_name);
  put("patient.birth_date", id.birth_date);
  put("insurance.member_id", id.member_id);
  put("patient.phone", id.phone);
  put("patient.address.line", id.address_line);
  put("patient.address.postal_code", id.postal_code);
  put("patient.sex", id.sex);
  return j;
}

json PatientJson(const store::PatientRecord& p) {
  json sightings = json::array();
  for (const store::PatientSighting& s : p.sightings)
    sightings.push_back({{"fax_id", s.fax_id}, {"document", s.document}, {"received_at", Time(s.at_us)},
                         {"identity", IdentityJson(s.identity)}});
  return {{"patient_id", p.id}, {"created_at", Time(p.created_at_us)}, {"sightings", std::move(sightings)}};
}

json ReferralJson(const store::ReferralRecord& r) {
  json documents = json::array();
  for (const store::ReferralDocument& d : r.documents) {
    json doc = {{"fax_id", d.fax_id}, {"document", d.document}, {"type", DocTypeName(d.type)},
                {"received_at", Time(d.at_us)}, {"provides", d.provides}};
    if (!d.authorization_status.empty()) doc["authorization_status"] = d.authorization_status;
    documents.push_back(std::move(doc));
  }
  json history = json::array();
  for (const store::ReferralTransition& t : r.history) {
    json h = {{"state", store::ReferralStateName(t.state)}, {"at", Time(t.at_us)}};
    h["fax_id"] = t.fax_id.empty() ? json(nullptr) : json(t.fax_id);
    history.push_back(std::move(h));
  }
  return {{"referral_id", r.id},
          {"patient_id", r.patient_id},
          {"state", store::ReferralStateName(r.state)},
          {"state_since", Time(r.state_since_us)},
          {"opened_by", {{"fax_id", r.opened_by_fax}, {"document", r.opened_by_document}}},
          {"opened_at", Time(r.opened_at_us)},
          {"ready_at", r.ready_at_us > 0 ? json(Time(r.ready_at_us)) : json(nullptr)},
          {"checklist", r.checklist},
          {"required_missing", r.required_missing},
          {"missing", r.missing},
          {"priority", r.priority},
          {"specialty", r.specialty},
          {"referring_npi", r.referring_npi},
          {"closed", r.closed},
          {"documents", std::move(documents)},
          {"history", std::move(history)}};
}

json MatchReviewJson(const store::MatchReview& m) {
  json candidates = json::array();
  for (const store::match::ScoredCandidate& c : m.candidates) {
    json evidence = json::array();
    for (const store::match::FieldEvidence& e : c.score.evidence)
      evidence.push_back({{"field", e.field}, {"verdict", e.verdict}, {"weight", e.weight}});
    candidates.push_back({{"patient_id", c.patient_id},
                          {"score", c.score.total},
                          {"auto_eligible", c.score.auto_eligible},
                          {"evidence", std::move(evidence)}});
  }
  return {{"fax_id", m.fax_id},
          {"document", m.document},
          {"decision", store::match::DecisionName(m.decision)},
          {"candidates", std::move(candidates)}};
}

json ResolveOutcomeJson(const store::ResolveOutcome& o) {
  return {{"patient_id", o.patient_id},
          {"referral_id", o.referral_id ? json(*o.referral_id) : json(nullptr)},
          {"new_patient", o.new_patient},
          {"already_resolved", o.already_resolved},
          {"still_needs_review", o.still_needs_review},
          {"fax_status", IntakeStatusName(o.fax_status)}};
}

json EventJson(const store::OutboxEvent& e) {
  json j = {{"seq", e.seq},           {"type", e.type},         {"fax_id", e.fax_id},
            {"fax_state", store::FaxStateName(e.state)}, {"revision", e.revision}, {"at", Time(e.at_us)}};
  if (!e.patient_id.empty()) j["patient_id"] = e.patient_id;
  if (!e.referral_id.empty()) j["referral_id"] = e.referral_id;
  if (!e.referral_state.empty()) j["referral_state"] = e.referral_state;
  return j;
}

json AuditEntryJson(const store::AuditEntry& e) {
  json j = {{"seq", e.seq},
            {"at", Time(e.at_unix_ms * 1000)},
            {"actor", e.actor},
            {"role", e.role},
            {"action", e.action},
            {"subject_kind", e.subject_kind},
            {"subject_id", e.subject_id},
            {"purpose", e.purpose}};
  if (!e.event_type.empty()) j["event_type"] = e.event_type;
  return j;
}

// "/v1/matches/{}/{}" for a route pattern, for logs.
std::string RouteLabel(std::string_view pattern) {
  std::string out;
  int depth = 0;
  for (char c : pattern) {
    if (c == '(' && depth++ == 0) out += "{}";
    else if (c == ')') --depth;
    else if (depth == 0) out.push_back(c);
  }
  return out;
}

}  // namespace

StaffApi::StaffApi(StaffApiOptions options, store::RecordStore* store, const TokenRegistry* tokens)
    : options_(std::move(options)), store_(store), tokens_(tokens) {}

std::vector<ApiRoute> StaffApi::Routes() {
  constexpr char kId[] = R"(([A-Za-z0-9_\-]{1,80}))";
  const std::string id = kId;
  const std::vector<Role> staff = {Role::kStaff, Role::kAdmin};
  return {
      Route("GET", ("/v1/faxes/" + id).c_str(), {Role::kStaff, Role::kExport, Role::kAdmin}, &StaffApi::GetFax),
      Route("GET", "/v1/review", staff, &StaffApi::GetReviewQueue),
      Route("GET", "/v1/referrals", staff, &StaffApi::ListReferrals),
      Route("GET", ("/v1/referrals/" + id).c_str(), staff, &StaffApi::GetReferral),
      Route("POST", ("/v1/referrals/" + id + "/close").c_str(), staff, &StaffApi::CloseReferral),
      Route("GET", ("/v1/patients/" + id).c_str(), staff, &StaffApi::GetPatient),
      Route("GET", ("/v1/matches/" + id + "/([0-9]{1,6})").c_str(), staff, &StaffApi::GetMatchReview),
      Route("POST", ("/v1/matches/" + id + "/([0-9]{1,6})/resolve").c_str(), staff, &StaffApi::ResolveMatchReview),
      Route("GET", "/v1/events", {Role::kExport, Role::kAdmin}, &StaffApi::ReadEvents),
      Route("GET", "/v1/reports/referrals", staff, &StaffApi::ReferralReport),
      Route("GET", "/v1/audit", {Role::kAdmin}, &StaffApi::ReadAudit),
  };
}

ApiRoute StaffApi::Route(const char* method, const char* pattern, std::vector<Role> roles, Handler handler) {
  ApiRoute route;
  route.method = method;
  route.pattern = pattern;
  route.handler = [this, roles = std::move(roles), handler, label = RouteLabel(pattern)](const ApiRequest& req) {
    auto principal = tokens_->Authenticate(req.header("Authorization"));
    if (!principal) {
      log::Warn("api_unauthenticated", "route={} code={}", label, principal.error().reason);
      ApiResponse r = ErrorReply(401, principal.error().reason, principal.error().message);
      r.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="faxintake")");
      return r;
    }
    if (std::find(roles.begin(), roles.end(), principal->role) == roles.end()) {
      log::Warn("api_forbidden", "route={} actor={} role={}", label, principal->name, RoleName(principal->role));
      return ErrorReply(403, "forbidden", fmt::format("the {} role may not use this route", RoleName(principal->role)));
    }
    std::string purpose = std::string(req.header("X-Purpose"));
    if (purpose.empty()) purpose = DefaultPurpose(principal->role);
    if (!IsPurpose(purpose))
      return ErrorReply(400, "bad_purpose", "X-Purpose is 1 to 64 of letters, digits, space and . _ : / -");
    if (req.body.size() > options_.max_body_bytes) return ErrorReply(413, "body_too_large", "the body is too large");
    return (this->*handler)(Call{req, std::move(*principal), std::move(purpose)});
  };
  return route;
}

std::optional<ApiResponse> StaffApi::Audit(const Call& call, const char* action, const char* subject_kind,
                                           const std::string& subject_id) {
  store::AccessEntry e;
  e.actor = call.principal.name;
  e.role = RoleName(call.principal.role);
  e.action = action;
  e.subject_kind = subject_kind;
  e.subject_id = subject_id;
  e.purpose = call.purpose;
  auto written = options_.record_access ? options_.record_access(e) : store_->RecordAccess(e);
  if (!written) {
    log::Error("api_audit_failed", "actor={} action={} subject_kind={} subject_id={} code={}", e.actor, action,
               subject_kind, subject_id, written.error().reason);
    ApiResponse r = ErrorReply(503, "audit_unavailable", "the access could not be recorded; no data was sent");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  log::Debug("api_access", "actor={} action={} subject_kind={} subject_id={}", e.actor, action, subject_kind, subject_id);
  return std::nullopt;
}

ApiResponse StaffApi::GetFax(const Call& call) {
  const std::string& fax_id = call.request.params.at(0);
  auto result = store_->GetResult(fax_id);
  if (!result) return FromError(result.error());
  if (!result->has_value()) return JsonReply(202, {{"fax_id", fax_id}, {"status", "processing"}});
  if (auto failed = Audit(call, "read", "fax", fax_id)) return *failed;
  return ApiResponse{200, ToContractJson(**result).dump(), {}};
}

ApiResponse StaffApi::GetReviewQueue(const Call& call) {
  auto limit = ParseLimit(call.request, options_);
  if (!limit) return FromError(limit.error());
  auto items = store_->ReviewQueue(*limit);
  if (!items) return FromError(items.error());
  if (auto failed = Audit(call, "read", "review_queue", "")) return *failed;
  json out = json::array();
  for (const store::ReviewItem& i : *items) out.push_back(ReviewItemJson(i));
  return JsonReply(200, {{"items", std::move(out)}});
}

ApiResponse StaffApi::ListReferrals(const Call& call) {
  const auto name = call.request.query_value("state");
  const auto state = name ? store::ParseReferralState(*name) : std::nullopt;
  if (!state)
    return ErrorReply(400, "bad_state", "state is required: received, incomplete, ready, authorization_pending, ...");
  auto limit = ParseLimit(call.request, options_);
  if (!limit) return FromError(limit.error());
  auto referrals = store_->ReferralsInState(*state, *limit);
  if (!referrals) return FromError(referrals.error());
  if (auto failed = Audit(call, "read", "referral_queue", store::ReferralStateName(*state))) return *failed;
  json out = json::array();
  for (const store::ReferralSummary& r : *referrals)
    out.push_back({{"referral_id", r.referral_id}, {"state", store::ReferralStateName(r.state)}, {"since", Time(r.since_us)}});
  return JsonReply(200, {{"referrals", std::move(out)}});
}

ApiResponse StaffApi::GetReferral(const Call& call) {
  const std::string& id = call.request.params.at(0);
  auto referral = store_->GetReferral(id);
  if (!referral) return FromError(referral.error());
  if (auto failed = Audit(call, "read", "referral", id)) return *failed;
  return JsonReply(200, ReferralJson(*referral));
}

ApiResponse StaffApi::CloseReferral(const Call& call) {
  const std::string& id = call.request.params.at(0);
  auto body = BodyObject(call.request);
  if (!body) return FromError(body.error());
  auto reason = Reason(*body);
  if (!reason) return FromError(reason.error());
  // The store writes the change, with actor and reason, to the audit log in the same batch.
  if (auto closed = store_->CloseReferral(id, call.principal.name, *reason); !closed) return FromError(closed.error());
  log::Info("api_referral_closed", "actor={} referral_id={}", call.principal.name, id);
  return JsonReply(200, {{"referral_id", id}, {"state", store::ReferralStateName(store::ReferralState::kClosed)}});
}

ApiResponse StaffApi::GetPatient(const Call& call) {
  const std::string& id = call.request.params.at(0);
  auto patient = store_->GetPatient(id);
  if (!patient) return FromError(patient.error());
  if (auto failed = Audit(call, "read", "patient", id)) return *failed;
  return JsonReply(200, PatientJson(*patient));
}

namespace {

// The {document} path segment (at most 6 digits by the route).
uint32_t DocumentIndex(const std::string& text) {
  uint32_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

}  // namespace

ApiResponse StaffApi::GetMatchReview(const Call& call) {
  const std::string& fax_id = call.request.params.at(0);
  const uint32_t document = DocumentIndex(call.request.params.at(1));
  auto review = store_->GetMatchReview(fax_id, document);
  if (!review) return FromError(review.error());
  if (!review->has_value()) return ErrorReply(404, "no_match_review", "this document has no match review pending");
  if (auto failed = Audit(call, "read", "match_review", fmt::format("{}#{}", fax_id, document))) return *failed;
  return JsonReply(200, MatchReviewJson(**review));
}

ApiResponse StaffApi::ResolveMatchReview(const Call& call) {
  const std::string& fax_id = call.request.params.at(0);
  const uint32_t document = DocumentIndex(call.request.params.at(1));
  auto body = BodyObject(call.request);
  if (!body) return FromError(body.error());
  auto reason = Reason(*body);
  if (!reason) return FromError(reason.error());
  const auto patient = body->find("patient_id");
  const auto fresh = body->find("new_patient");
  const bool wants_new = fresh != body->end() && fresh->is_boolean() && fresh->get<bool>();
  const bool names_patient = patient != body->end() && patient->is_string() && !patient->get_ref<const std::string&>().empty();
  if (wants_new == names_patient)
    return ErrorReply(400, "bad_decision", "send either {\"patient_id\": \"pt_...\"} or {\"new_patient\": true}");
  const store::MatchDecision decision =
      wants_new ? store::MatchDecision::New() : store::MatchDecision::Same(patient->get<std::string>());
  // The store writes the decision, with actor and reason, to the audit log in the same batch.
  auto outcome = store_->ResolveMatchReview(fax_id, document, decision, call.principal.name, *reason);
  if (!outcome) return FromError(outcome.error());
  log::Info("api_match_resolved", "actor={} fax_id={} document={} patient_id={} new_patient={}", call.principal.name,
            fax_id, document, outcome->patient_id, outcome->new_patient);
  return JsonReply(200, ResolveOutcomeJson(*outcome));
}

ApiResponse StaffApi::ReadEvents(const Call& call) {
  auto after = ParseNumber(call.request.query_value("after"), 0, "after");
  if (!after) return FromError(after.error());
  auto limit = ParseLimit(call.request, options_);
  if (!limit) return FromError(limit.error());
  auto events = store_->ReadOutbox(*after, *limit);
  if (!events) return FromError(events.error());
  if (auto failed = Audit(call, "export", "outbox", fmt::format("after:{}", *after))) return *failed;
  json out = json::array();
  for (const store::OutboxEvent& e : *events) out.push_back(EventJson(e));
  const uint64_t next = events->empty() ? *after : events->back().seq;
  return JsonReply(200, {{"events", std::move(out)}, {"next_after", next}});
}

ApiResponse StaffApi::ReferralReport(const Call& call) {
  const int64_t now = options_.now_unix_ms
                          ? options_.now_unix_ms()
                          : std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  auto metrics = store_->ComputeReferralMetrics(now);
  if (!metrics) return FromError(metrics.error());
  if (auto failed = Audit(call, "read", "report", "referrals")) return *failed;
  return JsonReply(200, store::ReferralMetricsJson(*metrics));
}

ApiResponse StaffApi::ReadAudit(const Call& call) {
  auto after = ParseNumber(call.request.query_value("after"), 0, "after");
  if (!after) return FromError(after.error());
  auto limit = ParseLimit(call.request, options_);
  if (!limit) return FromError(limit.error());
  auto entries = store_->ReadAudit(*after, *limit);
  if (!entries) return FromError(entries.error());
  // Reading the log is itself recorded; the entry lands after this page, so paging terminates.
  if (auto failed = Audit(call, "read", "audit_log", fmt::format("after:{}", *after))) return *failed;
  json out = json::array();
  for (const store::AuditEntry& e : *entries) out.push_back(AuditEntryJson(e));
  const uint64_t next = entries->empty() ? *after : entries->back().seq;
  return JsonReply(200, {{"entries", std::move(out)}, {"next_after", next}});
}

}  // namespace faxintake::server
