// A person's decision on a document the matcher left to them. The decision is kept beside the
// match data ("md" keys in the patients family) and the fax's documents are linked again with
// it, exactly as a commit links them, so the document joins referrals the way a commit would
// have filed it and a later re-commit of the fax (a re-run) keeps the decision.
#include <nlohmann/json.hpp>

#include "pipeline/log.h"
#include "store/codec.h"
#include "store/record_store_impl.h"

namespace faxintake::store {

using namespace internal;

namespace {

nlohmann::json PinnedJson(const MatchDecision& d, const std::string& identity_hash, const std::string& actor,
                          int64_t at_us) {
  return {{"kind", d.kind == MatchDecision::Kind::kSamePatient ? "same_patient" : "new_patient"},
          {"patient_id", d.patient_id},
          {"identity", identity_hash},
          {"actor", actor},
          {"at_us", at_us}};
}

bool SameDecision(const MatchDecision& a, const MatchDecision& b) {
  return a.kind == b.kind && (a.kind == MatchDecision::Kind::kNewPatient || a.patient_id == b.patient_id);
}

}  // namespace

std::string RecordStore::Impl::IdentityHash(const match::Identity& id) const {
  return Hex(sealer_.IndexHash("decision-identity\n" + id.family_name + "\n" + id.given_name + "\n" + id.birth_date +
                               "\n" + id.member_id));
}

Result<RecordStore::Impl::PinnedDecisions> RecordStore::Impl::ReadPinnedDecisions(const std::string& fax_id) {
  PinnedDecisions out;
  std::optional<Error> failure;
  const std::string prefix = keys::MatchDecisionKey(fax_id, 0).substr(0, 2 + fax_id.size());
  auto scanned = ScanPrefix(rdb::ReadOptions(), patients_, prefix, [&](std::string_view key, std::string_view value) {
    auto fail = [&](Error e) {
      failure = std::move(e);
      return false;
    };
    if (key.size() != prefix.size() + 4)
      return fail(Error{ErrorCode::kDataLoss, "decision_corrupt", "malformed match decision key"});
    auto plain = sealer_.Unseal(value, Aad(patients_, key));
    if (!plain) return fail(plain.error());
    auto j = DecodeRecord(*plain);
    if (!j) return fail(j.error());
    if (!j->is_object() || !j->contains("kind") || !j->contains("identity"))
      return fail(Error{ErrorCode::kDataLoss, "decision_corrupt", "malformed match decision"});
    PinnedDecision d;
    d.decision.kind = j->value("kind", "") == "same_patient" ? MatchDecision::Kind::kSamePatient
                                                             : MatchDecision::Kind::kNewPatient;
    d.decision.patient_id = j->value("patient_id", "");
    d.identity_hash = j->value("identity", "");
    out[keys::ReadBigEndian32(key.substr(prefix.size()))] = std::move(d);
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return out;
}

Result<std::optional<match::MatchOutcome>> RecordStore::Impl::PinnedOutcome(LinkSet& set, const PinnedDecisions& pinned,
                                                                           uint32_t document,
                                                                           const match::Identity& id) {
  auto it = pinned.find(document);
  // A re-commit may split the fax differently: the decision holds only for the same person.
  if (it == pinned.end() || it->second.identity_hash != IdentityHash(id)) return std::optional<match::MatchOutcome>();
  match::MatchOutcome outcome;
  if (it->second.decision.kind == MatchDecision::Kind::kNewPatient) {
    outcome.decision = match::Decision::kNewPatient;
    return std::optional<match::MatchOutcome>(std::move(outcome));
  }
  auto p = LoadPatient(set, it->second.decision.patient_id);
  if (!p) return std::unexpected(p.error());
  if (*p == nullptr) return std::optional<match::MatchOutcome>();
  outcome.decision = match::Decision::kSamePatient;
  outcome.patient_id = it->second.decision.patient_id;
  return std::optional<match::MatchOutcome>(std::move(outcome));
}

Result<std::vector<Document>> RecordStore::Impl::ReadDocuments(const rdb::ReadOptions& ro, const std::string& fax_id) {
  std::vector<Document> docs;
  std::optional<Error> failure;
  auto scanned = ScanPrefix(ro, documents_, fax_id, [&](std::string_view key, std::string_view value) {
    auto plain = sealer_.Unseal(value, Aad(documents_, key));
    auto doc = plain ? DecodeDocument(*plain) : Result<Document>(std::unexpected(plain.error()));
    if (!doc) {
      failure = doc.error();
      return false;
    }
    docs.push_back(std::move(*doc));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return docs;
}

Result<ResolveOutcome> RecordStore::Impl::ResolveMatchReview(const std::string& fax_id, uint32_t document,
                                                             const MatchDecision& decision, const std::string& actor,
                                                             const std::string& reason) {
  if (auto r = CheckFaxId(fax_id); !r) return std::unexpected(r.error());
  if (actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "actor_missing", "a staff action names its actor");
  if (decision.kind == MatchDecision::Kind::kSamePatient && !IsRecordId(decision.patient_id, "pt_"))
    return MakeError(ErrorCode::kInvalidArgument, "bad_patient_id", "not a patient id");
  std::lock_guard lock(Stripe(fax_id));
  const rdb::ReadOptions ro;
  auto existing = ReadFaxRecord(ro, fax_id);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) return MakeError(ErrorCode::kNotFound, "fax_not_found", "no such fax: " + fax_id);
  const FaxRecord previous = **existing;
  if (previous.revision == 0)
    return MakeError(ErrorCode::kFailedPrecondition, "fax_not_processed", "the fax has no result yet: " + fax_id);
  if (document >= previous.document_count)
    return MakeError(ErrorCode::kNotFound, "document_not_found",
                     "fax " + fax_id + " has no document " + std::to_string(document));

  std::lock_guard link_lock(link_mu_);
  auto docs = ReadDocuments(ro, fax_id);
  if (!docs) return std::unexpected(docs.error());
  if (docs->size() != previous.document_count)
    return MakeError(ErrorCode::kDataLoss, "result_incomplete", "stored result of " + fax_id + " is incomplete");
  auto pinned = ReadPinnedDecisions(fax_id);
  if (!pinned) return std::unexpected(pinned.error());
  const std::string identity_hash = IdentityHash(match::IdentityFromDocument((*docs)[document]));

  if (auto it = pinned->find(document); it != pinned->end() && it->second.identity_hash == identity_hash) {
    if (!SameDecision(it->second.decision, decision))
      return MakeError(ErrorCode::kFailedPrecondition, "already_resolved",
                       "the document was already resolved to another patient");
    const Document& d = (*docs)[document];
    ResolveOutcome out;
    out.patient_id = d.patient_id.value_or("");
    out.referral_id = d.referral_id;
    out.new_patient = decision.kind == MatchDecision::Kind::kNewPatient;
    out.already_resolved = true;
    out.still_needs_review = d.needs_review;
    out.fax_status = previous.status;
    return out;
  }

  auto review_bytes = GetSealed(ro, patients_, keys::MatchReviewKey(fax_id, document));
  if (!review_bytes) return std::unexpected(review_bytes.error());
  if (!*review_bytes)
    return MakeError(ErrorCode::kFailedPrecondition, "no_match_review", "the document has no match left to a person");
  auto review = DecodeMatchReview(**review_bytes);
  if (!review) return std::unexpected(review.error());
  if (decision.kind == MatchDecision::Kind::kSamePatient) {
    const bool candidate = std::any_of(review->candidates.begin(), review->candidates.end(),
                                       [&](const match::ScoredCandidate& c) { return c.patient_id == decision.patient_id; });
    if (!candidate)
      return MakeError(ErrorCode::kInvalidArgument, "not_a_candidate", "the patient is not one of the review's candidates");
    auto patient = GetPlain(ro, patients_, decision.patient_id);
    if (!patient) return std::unexpected(patient.error());
    if (!*patient)
      return MakeError(ErrorCode::kFailedPrecondition, "patient_not_found", "the chosen patient is no longer on file");
  }

  const int64_t now = NowMicros();
  rdb::WriteBatch batch;
  (*pinned)[document] = PinnedDecision{decision, identity_hash};
  if (auto r = PutSealed(batch, patients_, keys::MatchDecisionKey(fax_id, document),
                         EncodeRecord(PinnedJson(decision, identity_hash, actor, now)));
      !r)
    return std::unexpected(r.error());

  IntakeResult result;
  result.fax_id = fax_id;
  result.status = previous.status;
  result.documents = std::move(*docs);
  FaxRecord record = previous;
  for (const std::string& k : previous.index_keys) batch.Delete(index_.handle, k);
  std::vector<LinkEvent> link_events;
  HeldLocks held;
  if (auto r = LinkDocuments(previous, record, result, *pinned, batch, link_events, held); !r)
    return std::unexpected(r.error());
  if (result.status == IntakeStatus::kNeedsReview &&
      std::none_of(result.documents.begin(), result.documents.end(), [](const Document& d) { return d.needs_review; }))
    result.status = IntakeStatus::kFiled;
  record.status = result.status;
  record.state = StateForStatus(result.status);
  record.revision = previous.revision + 1;
  if (auto r = PutDocumentsAndRecord(batch, fax_id, record, result.documents); !r) return std::unexpected(r.error());

  const Document& resolved = result.documents[document];
  SeqGuard seq(outbox_seqs_);
  OutboxEvent event{seq.seq(), std::string(kEventMatchResolved), fax_id, record.state, record.revision, now};
  event.patient_id = resolved.patient_id.value_or("");
  event.referral_id = resolved.referral_id.value_or("");
  if (auto r = PutOutboxEvent(batch, event); !r) return std::unexpected(r.error());
  std::vector<std::unique_ptr<SeqGuard>> seqs;
  AuditEntry audit;
  audit.at_unix_ms = now / 1000;
  audit.actor = actor;
  audit.role = "staff";
  audit.action = "resolve";
  audit.subject_kind = "match_review";
  audit.subject_id = fax_id + "#" + std::to_string(document);
  audit.purpose = reason;
  audit.event_type = event.type;
  seqs.push_back(std::make_unique<SeqGuard>(audit_seqs_));
  if (auto r = PutAuditEntry(batch, seqs.back()->seq(), audit, &event); !r) return std::unexpected(r.error());
  for (LinkEvent& e : link_events)
    if (!e.own_fax_fields) e.actor = actor, e.role = "staff", e.reason = "match resolved";
  if (auto r = PutLinkEvents(batch, link_events, record, seqs); !r) return std::unexpected(r.error());
  if (previous.state != record.state) {
    AddToCounter(batch, StateCounter(previous.state), -1);
    AddToCounter(batch, StateCounter(record.state), 1);
  }
  if (auto r = Write(batch, /*sync=*/true, "resolve match review"); !r) return std::unexpected(r.error());
  log::Info("match_resolved", "fax_id={} document={} decision={} state={} outbox_seq={}", fax_id, document,
            decision.kind == MatchDecision::Kind::kSamePatient ? "same_patient" : "new_patient",
            FaxStateName(record.state), seq.seq());

  ResolveOutcome out;
  out.patient_id = resolved.patient_id.value_or("");
  out.referral_id = resolved.referral_id;
  out.new_patient = decision.kind == MatchDecision::Kind::kNewPatient;
  out.still_needs_review = resolved.needs_review;
  out.fax_status = record.status;
  return out;
}

Result<ResolveOutcome> RecordStore::ResolveMatchReview(const std::string& fax_id, uint32_t document,
                                                       const MatchDecision& decision, const std::string& actor,
                                                       const std::string& reason) {
  return impl_->ResolveMatchReview(fax_id, document, decision, actor, reason);
}

}  // namespace faxintake::store
