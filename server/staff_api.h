// The staff and export API: what intake staff review and EHR export jobs pull, over HTTP, as
// JSON. Every route needs a bearer token (server/auth.h); every route that returns patient
// data first writes an audit entry through the store (who, what, when, why) and answers 503
// with no data when that write fails.
//
// Routes (roles allowed; limit is 1..500, default 50; after is a sequence number, default 0):
//   GET  /v1/faxes/{fax_id}                      staff export admin   the intake result
//        (faxintake.result/1); 202 while processing
//   GET  /v1/review?limit=N                      staff admin          documents needing review
//   GET  /v1/referrals?state=S&limit=N           staff admin          referrals in state S
//   GET  /v1/referrals/{referral_id}             staff admin          one referral episode
//   POST /v1/referrals/{referral_id}/close       staff admin          {"reason": "..."}
//   GET  /v1/patients/{patient_id}               staff admin          one patient record
//   GET  /v1/matches/{fax_id}/{document}         staff admin          the matcher's candidates
//   POST /v1/matches/{fax_id}/{document}/resolve staff admin          {"patient_id": "..."} or
//        {"new_patient": true}, with "reason"
//   GET  /v1/events?after=SEQ&limit=N            export admin         the outbox, with next_after
//   GET  /v1/reports/referrals                   staff admin          referral metrics
//   GET  /v1/audit?after=SEQ&limit=N             admin                the audit log, with next_after
//
// Requests: `Authorization: Bearer <token>`; optional `X-Purpose` (why; 1..64 of letters, digits,
// space and . _ : / -), by default the role's (DefaultPurpose). Errors are
// {"error": {"code", "message"}}: 401 (with WWW-Authenticate) for a missing or unknown token, 403
// for a role the route does not allow, 400 bad input, 404 unknown record, 409 a state to fix
// first, 413 a body over 64 KiB, 503 when the store (or the audit write) is unavailable.
// Logs carry principal names, ids and codes only.
//
// Thread-safety: the routes may run on any number of threads at once; the StaffApi, its store
// and token registry must outlive the HTTP server serving its routes.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "server/auth.h"
#include "server/http_server.h"
#include "store/record_store.h"

namespace faxintake::server {

struct StaffApiOptions {
  size_t default_limit = 50;     // list routes without ?limit=
  size_t max_limit = 500;        // larger ?limit= values are refused (400)
  size_t max_body_bytes = 64 << 10;
  // The clock of reports (Unix milliseconds). Empty: the system clock.
  std::function<int64_t()> now_unix_ms;
  // Where access entries are written. Empty: the store's RecordAccess. (Tests use it to make
  // the audit write fail.)
  std::function<Result<void>(const store::AccessEntry&)> record_access;
};

class StaffApi {
 public:
  // REQUIRES: store and tokens are non-null and outlive this object.
  StaffApi(StaffApiOptions options, store::RecordStore* store, const TokenRegistry* tokens);
  StaffApi(const StaffApi&) = delete;
  StaffApi& operator=(const StaffApi&) = delete;

  // The routes, for HttpHandlers::api. They refer to this object.
  std::vector<ApiRoute> Routes();

 private:
  struct Call;  // one authenticated request
  using Handler = ApiResponse (StaffApi::*)(const Call&);
  ApiRoute Route(const char* method, const char* pattern, std::vector<Role> roles, Handler handler);
  // Writes the audit entry of a read; an error reply when it could not be written.
  std::optional<ApiResponse> Audit(const Call& call, const char* action, const char* subject_kind,
                                   const std::string& subject_id);

  ApiResponse GetFax(const Call& call);
  ApiResponse GetReviewQueue(const Call& call);
  ApiResponse ListReferrals(const Call& call);
  ApiResponse GetReferral(const Call& call);
  ApiResponse CloseReferral(const Call& call);
  ApiResponse GetPatient(const Call& call);
  ApiResponse GetMatchReview(const Call& call);
  ApiResponse ResolveMatchReview(const Call& call);
  ApiResponse ReadEvents(const Call& call);
  ApiResponse ReferralReport(const Call& call);
  ApiResponse ReadAudit(const Call& call);

  StaffApiOptions options_;
  store::RecordStore* store_;
  const TokenRegistry* tokens_;
};

}  // namespace faxintake::server
