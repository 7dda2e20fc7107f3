// The case-side data model: tips, cases, people, screening, decisions, users.
//
// Field names follow IOM's Human Trafficking Case Data Standard where it fits
// (gender, age, majority_status, citizenship, type_of_exploitation,
// country_of_exploitation, means_of_control). Closed vocabularies are
// validated at the boundary (JSON, CLI) with the lists below, so the database
// only ever holds known codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lodestar::cases {

// --- vocabularies -----------------------------------------------------------
inline const std::vector<std::string> kChannels = {"call", "sms", "chat", "web", "email", "referral"};
inline const std::vector<std::string> kReporterTypes = {"victim",       "family",          "friend",
                                                        "community",    "professional",    "law_enforcement",
                                                        "ngo",          "service_provider", "anonymous", "other"};
inline const std::vector<std::string> kUrgencies = {"immediate", "high", "standard"};
// The forms of exploitation in docs/domain.md §3.3 (labour is first-class, not an afterthought).
inline const std::vector<std::string> kExploitationForms = {
    "sexual", "labour", "domestic_servitude", "forced_marriage", "organ_removal", "forced_criminality",
    "scam_compound", "begging", "child_soldier", "other"};
inline const std::vector<std::string> kPersonRoles = {"potential_victim", "suspect", "reporter", "witness",
                                                      "missing_person", "other"};
inline const std::vector<std::string> kGenders = {"female", "male", "transgender", "other", "unknown"};
inline const std::vector<std::string> kCaseStatuses = {"new", "triaged", "investigating", "referred", "closed"};
inline const std::vector<std::string> kContactMethods = {"none", "phone", "sms", "email", "chat", "in_person"};
inline const std::vector<std::string> kDecisionStages = {"referral", "reasonable_grounds", "conclusive_grounds"};
inline const std::vector<std::string> kDecisionOutcomes = {"referred", "positive", "negative", "withdrawn"};

enum class Role { kAdmin, kOperator, kInvestigator, kCaseworker, kDecisionMaker, kAnalyst, kResearcher };
inline const std::vector<std::string> kRoles = {"admin", "operator", "investigator", "caseworker",
                                                "decision_maker", "analyst", "researcher"};
std::optional<Role> ParseRole(std::string_view s);
const char* RoleName(Role r);

bool OneOf(std::string_view v, const std::vector<std::string>& allowed);
std::string JoinList(const std::vector<std::string>& v, std::string_view sep = ", ");

// Who is acting: every read and write is checked against and audited under this.
struct Actor {
  int64_t user_id = 0;  // 0 = the local command line
  std::string name;
  Role role = Role::kAdmin;
  std::string org;
  std::string jurisdiction;
  static Actor LocalAdmin();  // the CLI, run by whoever can read the key file
};

// --- tips -------------------------------------------------------------------
struct PersonInput {
  std::string role = "potential_victim";
  std::string name;                 // personal: sealed
  std::optional<int> age;           // years
  std::string gender = "unknown";
  std::string citizenship;          // ISO 3166-1 alpha-2, "" = unknown
  std::string notes;                // personal: sealed
};

struct LocationInput {
  std::string text;     // as told (personal: sealed)
  std::string country;  // ISO 3166-1 alpha-2
  std::string region;   // admin1 code or name
  std::optional<double> lat, lon;
};

struct ContactInput {
  bool allowed = false;
  std::string method = "none";
  std::string value;       // phone number, e-mail ... (personal: sealed)
  std::string safe_times;  // when it is safe to call back
  bool safe_to_leave_message = false;
};

struct TipInput {
  std::string channel;
  std::string reporter_type = "other";
  std::string language;  // BCP 47; empty = detect
  std::string text;
  std::string urgency;   // operator's triage; empty = computed
  bool immediate_danger = false;
  bool minor_involved = false;
  LocationInput location;
  ContactInput contact;
  bool anonymous = false;
  std::vector<std::string> phones, emails, handles, names;
  std::vector<PersonInput> people;
  std::vector<std::string> exploitation;
  std::string external_ref;  // the intake system's own id, for idempotent retries
};

struct TipReceipt {
  int64_t tip_id = 0;
  int64_t case_id = 0;
  bool new_case = false;
  std::string link_reason;  // why it joined an existing case (no personal data)
  std::string urgency;
  std::string language;
  bool duplicate = false;  // same external_ref seen before: the earlier receipt
};

// --- screening --------------------------------------------------------------
// Answers are codes; the free-text notes are personal and sealed.
struct ScreeningInput {
  int64_t person_id = 0;
  std::vector<std::string> acts, means, purposes;  // Palermo elements observed
  bool act_unknown = false, means_unknown = false, purpose_unknown = false;
  std::optional<bool> consent_given;
  std::optional<int> age;  // overrides the person's recorded age
  // TVPA
  bool commercial_sex_act = false;
  std::vector<std::string> labour_purposes;  // involuntary_servitude, peonage, debt_bondage, slavery
  std::vector<std::string> indicators;       // indicator codes that support the answers
  std::string notes;
};

// --- decisions (NRM-like) ---------------------------------------------------
struct DecisionInput {
  int64_t person_id = 0;
  std::string stage;
  std::string outcome;
  std::string decision_maker;  // default: the acting user
  std::string reasons;         // sealed
  std::vector<std::string> services;
  std::optional<int64_t> decided_at;  // Unix seconds; default now
};

// Deadlines (documented in docs/cases.md): a reasonable-grounds decision is due
// 5 days after referral; a conclusive-grounds decision not before a 30-day
// recovery period after a positive reasonable-grounds decision, due by day 90.
inline constexpr int64_t kReasonableGroundsDueDays = 5;
inline constexpr int64_t kRecoveryPeriodDays = 30;
inline constexpr int64_t kConclusiveGroundsDueDays = 90;

// --- missing persons --------------------------------------------------------
struct MissingReport {
  std::string external_id;
  std::string name;
  std::optional<int> age;  // age when last seen
  std::string gender = "unknown";
  std::string last_seen_place;
  std::optional<int64_t> last_seen;  // Unix seconds
  std::string source;
};

}  // namespace lodestar::cases
