// CaseDatabase: hotline tips, cases, screening, referral decisions, missing
// persons, users and the audit log, on SQLite or PostgreSQL.
//
// Contracts:
//  - One interface, two backends, chosen by URL: "sqlite:PATH" or
//    "postgresql://..." (any libpq URL). Schema changes are versioned
//    migrations recorded in schema_version; opening a database migrates it.
//  - AddTip returns only after the tip is committed (fsynced) — "durable before
//    acknowledged". Concurrent AddTip calls are group-committed: a writer
//    thread commits everything queued in one transaction (three pipelined
//    round trips on PostgreSQL, whatever the batch size), so throughput pays
//    neither one fsync nor several round trips per tip.
//  - Connections come from a pool (OpenOptions::connections), so reads and
//    token checks do not wait for a tip batch to commit.
//  - Personal fields (names, free text, contact details, places as told,
//    identifiers, reasons, notes) are sealed with libsodium secretbox; linking
//    uses keyed blind indexes, never clear values.
//  - Every read and write of personal data, and every denied attempt, appends
//    one entry to a hash-chained audit log (SHA-256 over the previous hash and
//    the entry), verifiable with VerifyAudit().
//  - Access: role permissions (see Permission) and per-record access by
//    organisation, widened only by explicit shares. Researchers get
//    aggregates and never personal data.
//  - Errors: kInvalidInput messages start "invalid field 'NAME': " when a field
//    is to blame; permission failures start "permission denied: "; unknown ids
//    are kNotFound. Nothing throws.
// Thread-safety: all methods may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cases/ad_intel.h"
#include "cases/missing.h"
#include "cases/model.h"
#include "cases/screening.h"
#include "core/status.h"

namespace lodestar::cases {

enum class Permission {
  kTipWrite, kCaseRead, kCaseWrite, kScreen, kReferral, kGroundsDecision, kShare, kErase, kAudit,
  kMissing, kAggregates, kUsers
};
bool Allowed(Role role, Permission p);
const char* PermissionName(Permission p);

bool IsPermissionDenied(const core::Status& s);
// The field named by an "invalid field 'NAME': ..." message, else "".
std::string FieldOf(const core::Status& s);
core::Status InvalidField(const std::string& field, const std::string& reason);

struct OpenOptions {
  std::string url;      // sqlite:PATH | postgresql://...
  std::string key_dir;  // where cases.key lives (ignored when LODESTAR_CASES_KEY is set)
  // Most database connections opened (on demand); 0 = 8 for PostgreSQL, 4 for SQLite.
  size_t connections = 0;
};

// "--cases" default: sqlite:DB_DIR/cases.sqlite.
std::string DefaultCasesUrl(const std::string& db_dir);

// Loads the tip geocoder (the extractor's lexicons and gazetteer) now instead
// of on the first tip; `lodestar serve` calls it at start so early requests do not wait.
void PreloadTipGeocoder();

struct UserInput {
  std::string name, role, org, jurisdiction, password;  // empty password: token-only account
};
struct NewUser {
  int64_t user_id = 0;
  std::string token;  // shown once; only its hash is stored
};

struct TokenInfo {
  int64_t id = 0, user_id = 0;
  std::string user;
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;  // set once revoked
  bool revoked = false;
};

struct AuditVerification {
  bool ok = true;
  int64_t entries = 0;
  int64_t first_bad_id = 0;
  std::string head_hash;
  std::string message;
};

struct MissingMatch {
  int64_t report_id = 0, person_id = 0, case_id = 0;
  std::string external_id;
  MatchScore score;
};

// A missing-person report against an ad: scored like a case person (name,
// age, place, date) from what the ad states; evidence names what matched.
struct MissingAdMatch {
  int64_t report_id = 0;
  std::string external_id, ad_id, network_id, evidence;
  MatchScore score;
};

class CaseDatabase {
 public:
  static core::Result<std::unique_ptr<CaseDatabase>> Open(const OpenOptions& options);
  virtual ~CaseDatabase() = default;

  virtual int schema_version() const = 0;
  virtual const char* backend() const = 0;  // "sqlite" | "postgresql"

  // --- users and tokens ---
  virtual core::Result<NewUser> AddUser(const Actor& actor, const UserInput& user) = 0;
  virtual core::Result<std::string> NewTokenFor(const Actor& actor, const std::string& user_name) = 0;
  // nullopt for an unknown, revoked or disabled token. Checked against the
  // database each time: a revocation (from any process) applies at once.
  virtual core::Result<std::optional<Actor>> Authenticate(const std::string& token) = 0;
  // Tokens of `user_name` ("" = every user), oldest first; hashes are never shown.
  virtual core::Result<std::vector<TokenInfo>> ListTokens(const Actor& actor, const std::string& user_name) = 0;
  // Revokes the token `token_id`, or (token_id 0) every live token of
  // `user_name`; audited as token.revoke. Returns how many were revoked
  // (0: already revoked). kNotFound for an unknown token or user.
  virtual core::Result<int> RevokeTokens(const Actor& actor, int64_t token_id, const std::string& user_name) = 0;
  virtual core::Result<std::string> Login(const std::string& name, const std::string& password) = 0;

  // --- tips ---
  virtual core::Result<TipReceipt> AddTip(const Actor& actor, const TipInput& tip) = 0;
  // JSON array of tip summaries (no free text), newest first.
  virtual core::Result<std::string> ListTipsJson(const Actor& actor, int limit) = 0;

  // --- cases ---
  // The case with tips, people, places, identifiers, assignments, shares,
  // screenings, decisions, ad links and timeline, as JSON (see docs/api.md).
  virtual core::Result<std::string> GetCaseJson(const Actor& actor, int64_t case_id) = 0;
  virtual core::Result<int64_t> AddPerson(const Actor& actor, int64_t case_id, const PersonInput& person) = 0;
  virtual core::Status SetStatus(const Actor& actor, int64_t case_id, const std::string& status,
                                 const std::string& note) = 0;
  virtual core::Status Assign(const Actor& actor, int64_t case_id, const std::string& org, const std::string& unit,
                              const std::string& jurisdiction) = 0;
  // Shares the case with another organisation and/or jurisdiction; `scope`
  // records what was shared ("full", "summary", "persons", ...).
  virtual core::Status Share(const Actor& actor, int64_t case_id, const std::string& to_org,
                             const std::string& to_jurisdiction, const std::string& scope,
                             const std::string& reason) = 0;
  virtual core::Status AddExploitation(const Actor& actor, int64_t case_id, const std::string& form) = 0;

  // --- screening and decisions ---
  // JSON of the stored screening with the assessment.
  virtual core::Result<std::string> Screen(const Actor& actor, int64_t case_id, const ScreeningInput& in) = 0;
  // JSON of the stored decision with its deadlines.
  virtual core::Result<std::string> Decide(const Actor& actor, int64_t case_id, const DecisionInput& in) = 0;

  // --- intelligence ---
  // Looks the case's phones, e-mails and handles up in `intel` and records new
  // links; returns how many new links were recorded.
  virtual core::Result<int> LinkAds(const Actor& actor, int64_t case_id, AdIntelligence& intel) = 0;

  // --- missing persons ---
  virtual core::Result<int> ImportMissing(const Actor& actor, const std::vector<MissingReport>& reports) = 0;
  virtual core::Result<std::vector<MissingMatch>> MatchMissing(const Actor& actor, double min_score) = 0;
  // The reports against the ads of `intel` (names found in ad text, ages and
  // places from the extracted facts, the posting date), best first. Audited.
  virtual core::Result<std::vector<MissingAdMatch>> MatchMissingAds(const Actor& actor, AdIntelligence& intel,
                                                                   double min_score) = 0;

  // --- erasure, aggregates, audit ---
  // Removes the person's name, notes, identifiers and decision reasons; keeps
  // role, age, gender, citizenship and decision outcomes so statistics hold.
  virtual core::Status ErasePerson(const Actor& actor, int64_t person_id, const std::string& reason) = 0;
  // Counts only, small cells (< 5) suppressed; allowed to every role.
  virtual core::Result<std::string> AggregatesJson(const Actor& actor) = 0;
  // For multiple systems estimation (issue 7): one entry per distinct potential
  // victim, the organisations whose cases recorded them. People are matched
  // across cases by the blind index of their normalised name (no clear name
  // leaves the database layer); unnamed people count once each. No personal
  // data: allowed to every role (as aggregates), audited.
  virtual core::Result<std::vector<std::vector<std::string>>> MseMemberships(const Actor& actor) = 0;
  virtual core::Result<std::string> AuditJson(const Actor& actor, int64_t after_id, int limit) = 0;
  virtual core::Result<AuditVerification> VerifyAudit(const Actor& actor) = 0;
  // Records a refused request (401: actor nullopt; 403: the actor) in the audit log.
  virtual core::Status RecordDenied(const std::optional<Actor>& actor, const std::string& action,
                                    const std::string& outcome, const std::string& detail) = 0;
};

}  // namespace lodestar::cases
