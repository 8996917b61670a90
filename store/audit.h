// The audit log's records: who read or changed what of a patient's data, when and why.
//
// The log is append-only: each entry has its own sequence number (its key, never
// overwritten), sealed like every other value. It holds ids and codes only, never patient
// data: a subject is named by its id (fax, patient, referral, ...), never by what it says.
// Both kinds of entries share one sequence:
//   - access entries, written by RecordStore::RecordAccess for every read or export of
//     patient data by a person or a job (the HTTP staff API, exports, reports);
//   - change entries, written by the store itself in the same atomic batch as each change of
//     a patient or referral (event_type names the outbox event, e.g. "referral.state_changed").
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>

namespace faxintake::store {

// One read (or other access) of patient data, as the caller reports it.
struct AccessEntry {
  std::string actor;         // who: a staff user id, or a job name ("export:ehr"). Required.
  std::string role;          // their role: "coordinator", "physician", "export_job", ...
  std::string action;        // "read" | "export" | "resolve" | "close" | ... Required.
  std::string subject_kind;  // "fax" | "document" | "patient" | "referral" | "review_queue" |
                             // "match_review" | "outbox" | "report" | ...
  std::string subject_id;    // the id read ("fx_...", "fx_...#2" for a document, "pt_...",
                             // "rf_..."); empty for lists (a queue, a report)
  std::string purpose;       // why: a short code or phrase ("treatment", "review"); no patient data
};

// One entry of the audit log as ReadAudit returns it.
struct AuditEntry {
  uint64_t seq = 0;          // the entry's position in the log, from 1; strictly increasing
  int64_t at_unix_ms = 0;    // store clock
  std::string actor, role, action, subject_kind, subject_id, purpose;
  // Change entries: the outbox event type of the change ("referral.state_changed", ...);
  // empty for access entries.
  std::string event_type;
};

// The `action` of change entries written by the store itself.
inline constexpr const char* kAuditActionChange = "change";

}  // namespace faxintake::store
