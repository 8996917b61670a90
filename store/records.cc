#include "store/records.h"

#include <algorithm>

namespace faxintake::store {

const char* FaxStateName(FaxState s) {
  switch (s) {
    case FaxState::kAccepted: return "accepted";
    case FaxState::kFiled: return "filed";
    case FaxState::kNeedsReview: return "needs_review";
    case FaxState::kQuarantined: return "quarantined";
  }
  return "accepted";
}

std::optional<FaxState> ParseFaxState(std::string_view name) {
  for (FaxState s : {FaxState::kAccepted, FaxState::kFiled, FaxState::kNeedsReview, FaxState::kQuarantined})
    if (name == FaxStateName(s)) return s;
  return std::nullopt;
}

FaxState StateForStatus(IntakeStatus status) {
  switch (status) {
    case IntakeStatus::kFiled: return FaxState::kFiled;
    case IntakeStatus::kNeedsReview: return FaxState::kNeedsReview;
    case IntakeStatus::kQuarantined: return FaxState::kQuarantined;
  }
  return FaxState::kNeedsReview;
}

const char* ReviewPriorityName(ReviewPriority p) {
  switch (p) {
    case ReviewPriority::kStat: return "stat";
    case ReviewPriority::kUrgent: return "urgent";
    case ReviewPriority::kRoutine: return "routine";
  }
  return "routine";
}

ReviewPriority PriorityForDocuments(const std::vector<Document>& documents) {
  ReviewPriority best = ReviewPriority::kRoutine;
  for (const Document& d : documents) {
    auto it = d.fields.find("referral.priority");
    if (it == d.fields.end()) continue;
    const auto* value = std::get_if<std::string>(&it->second.value);
    if (value == nullptr) continue;
    if (*value == "stat") best = std::min(best, ReviewPriority::kStat);
    if (*value == "urgent") best = std::min(best, ReviewPriority::kUrgent);
  }
  return best;
}

match::Profile PatientRecord::Profile() const {
  match::Profile p;
  for (const PatientSighting& s : sightings) p.Add(s.identity);
  return p;
}

namespace {
constexpr ReferralState kReferralStates[] = {
    ReferralState::kReceived,          ReferralState::kIncomplete,           ReferralState::kReady,
    ReferralState::kAuthorizationPending, ReferralState::kAuthorizationApproved, ReferralState::kAuthorizationDenied,
    ReferralState::kConsultReceived,   ReferralState::kClosed};
}  // namespace

const char* ReferralStateName(ReferralState s) {
  switch (s) {
    case ReferralState::kReceived: return "received";
    case ReferralState::kIncomplete: return "incomplete";
    case ReferralState::kReady: return "ready";
    case ReferralState::kAuthorizationPending: return "authorization_pending";
    case ReferralState::kAuthorizationApproved: return "authorization_approved";
    case ReferralState::kAuthorizationDenied: return "authorization_denied";
    case ReferralState::kConsultReceived: return "consult_received";
    case ReferralState::kClosed: return "closed";
  }
  return "received";
}

std::optional<ReferralState> ParseReferralState(std::string_view name) {
  for (ReferralState s : kReferralStates)
    if (name == ReferralStateName(s)) return s;
  return std::nullopt;
}

}  // namespace faxintake::store
