#include "cases/case_db.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "cases/crypto.h"
#include "cases/identifiers.h"
#include "cases/language.h"
#include "cases/migrations.h"
#include "cases/request_json.h"
#include "cases/sql.h"
#include "core/time.h"

namespace lodestar::cases {

using json = nlohmann::ordered_json;
using core::Result;
using core::Status;
using core::StatusCode;

// ---------------------------------------------------------------------------
// Permissions and error helpers

bool Allowed(Role role, Permission p) {
  using R = Role;
  using P = Permission;
  if (role == R::kAdmin) return true;
  switch (p) {
    case P::kAggregates: return true;
    case P::kTipWrite: return role == R::kOperator || role == R::kInvestigator || role == R::kCaseworker;
    case P::kCaseRead:
      return role == R::kInvestigator || role == R::kCaseworker || role == R::kDecisionMaker || role == R::kAnalyst;
    case P::kCaseWrite:
    case P::kShare:
    case P::kMissing: return role == R::kInvestigator || role == R::kCaseworker;
    case P::kScreen:
    case P::kReferral: return role == R::kInvestigator || role == R::kCaseworker || role == R::kDecisionMaker;
    case P::kGroundsDecision: return role == R::kDecisionMaker;
    case P::kErase:
    case P::kAudit:
    case P::kUsers: return false;
  }
  return false;
}

const char* PermissionName(Permission p) {
  static const char* kNames[] = {"tip.write", "case.read", "case.write", "screen", "referral", "grounds_decision",
                                 "share", "erase", "audit", "missing", "aggregates", "users"};
  return kNames[static_cast<int>(p)];
}

static const char kDenied[] = "permission denied: ";
static const char kInvalidPrefix[] = "invalid field '";

bool IsPermissionDenied(const Status& s) { return s.message().rfind(kDenied, 0) == 0; }

std::string FieldOf(const Status& s) {
  const auto& m = s.message();
  if (m.rfind(kInvalidPrefix, 0) != 0) return {};
  size_t b = sizeof(kInvalidPrefix) - 1, e = m.find('\'', b);
  return e == std::string::npos ? std::string() : m.substr(b, e - b);
}

Status InvalidField(const std::string& field, const std::string& reason) {
  return Status::Error(StatusCode::kInvalidInput, kInvalidPrefix + field + "': " + reason);
}

static Status Denied(const std::string& why) { return Status::Error(StatusCode::kInvalidInput, kDenied + why); }

std::string DefaultCasesUrl(const std::string& db_dir) { return "sqlite:" + db_dir + "/cases.sqlite"; }

namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }
constexpr int64_t kDay = 86400;

int UrgencyRank(const std::string& u) { return u == "immediate" ? 2 : u == "high" ? 1 : 0; }

bool TransitionAllowed(const std::string& from, const std::string& to) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kNext = {
      {"new", {"triaged", "investigating", "referred", "closed"}},
      {"triaged", {"investigating", "referred", "closed"}},
      {"investigating", {"referred", "closed"}},
      {"referred", {"investigating", "closed"}},
      {"closed", {"investigating"}},
  };
  for (const auto& [f, next] : kNext)
    if (f == from) return OneOf(to, next);
  return false;
}

json ParseOr(const std::string& text, json fallback) {
  auto j = json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

std::string Dump(const json& j) { return EscapeJsonForHtml(j.dump(-1, ' ', false, json::error_handler_t::replace)); }

json OptInt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }
json OptDate(const std::optional<int64_t>& v) { return v ? json(core::FormatDateTime(*v)) : json(nullptr); }

// Everything about a tip that can be computed before taking the database lock.
struct PreparedTip {
  const Actor* actor = nullptr;
  TipInput in;
  Triage triage;
  std::string language;
  bool detected = false;
  std::string text_enc, location_enc, contact_enc;
  struct Ident {
    std::string kind, blind, value_enc;
    int person_index = -1;
  };
  std::vector<Ident> idents;
  struct Person {
    PersonInput in;
    std::string name_enc, notes_enc;
  };
  std::vector<Person> people;
  // Filled by the leader:
  Result<TipReceipt> result = Status::Error(StatusCode::kIoError, "tip not processed");
  bool done = false;
};

class SqlCaseDatabase : public CaseDatabase {
 public:
  SqlCaseDatabase(std::unique_ptr<SqlConnection> conn, FieldCipher cipher, int version)
      : conn_(std::move(conn)), cipher_(std::move(cipher)), version_(version) {}

  int schema_version() const override { return version_; }
  const char* backend() const override { return pg() ? "postgresql" : "sqlite"; }

  // ----------------------------------------------------------------- users
  Result<NewUser> AddUser(const Actor& actor, const UserInput& u) override {
    if (!Allowed(actor.role, Permission::kUsers)) return Denied("only an admin can add users");
    if (u.name.empty() || u.name.size() > 64) return InvalidField("name", "must be 1-64 characters");
    for (char c : u.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '@'))
        return InvalidField("name", "use letters, digits, '_', '.', '-' or '@'");
    if (!ParseRole(u.role)) return InvalidField("role", "must be one of: " + JoinList(kRoles));
    if (u.org.empty() || u.org.size() > 100) return InvalidField("org", "must be 1-100 characters");
    if (u.jurisdiction.size() > 100) return InvalidField("jurisdiction", "longer than 100 characters");
    // Token-only accounts get an unguessable password nobody knows.
    auto hash = HashPassword(u.password.empty() ? RandomHex(32) : u.password);
    if (!hash.ok()) return hash.status();
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    auto exists = Q("SELECT id FROM users WHERE name = ?", {u.name});
    if (!exists.ok()) return exists.status();
    if (!exists->empty()) return InvalidField("name", "a user named '" + u.name + "' already exists");
    auto id = Q("INSERT INTO users(name, role, org, jurisdiction, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                {u.name, u.role, u.org, u.jurisdiction, *hash, Now()});
    if (!id.ok()) return id.status();
    NewUser out;
    out.user_id = (*id)[0].i64(0);
    out.token = NewToken();
    auto t = Q("INSERT INTO tokens(user_id, token_hash, created_at) VALUES (?, ?, ?)",
               {out.user_id, Sha256Hex(out.token), Now()});
    if (!t.ok()) return t.status();
    auto a = Audit(actor, "user.create", "user", out.user_id, "ok", "role " + u.role + ", org " + u.org);
    if (!a.ok()) return a;
    auto c = tx.Commit();
    if (!c.ok()) return c;
    return out;
  }

  Result<std::string> NewTokenFor(const Actor& actor, const std::string& name) override {
    if (!Allowed(actor.role, Permission::kUsers)) return Denied("only an admin can issue tokens");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    auto u = Q("SELECT id FROM users WHERE name = ?", {name});
    if (!u.ok()) return u.status();
    if (u->empty()) return Status::Error(StatusCode::kNotFound, "no user named '" + name + "'");
    std::string token = NewToken();
    auto t = Q("INSERT INTO tokens(user_id, token_hash, created_at) VALUES (?, ?, ?)",
               {(*u)[0].i64(0), Sha256Hex(token), Now()});
    if (!t.ok()) return t.status();
    auto a = Audit(actor, "token.create", "user", (*u)[0].i64(0), "ok", "");
    if (!a.ok()) return a;
    auto c = tx.Commit();
    if (!c.ok()) return c;
    return token;
  }

  Result<std::optional<Actor>> Authenticate(const std::string& token) override {
    if (token.size() < 8 || token.size() > 200) return std::optional<Actor>();
    std::string h = Sha256Hex(token);
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(cache_mu_);
      auto it = token_cache_.find(h);
      if (it != token_cache_.end() && it->second.second > now) return std::optional<Actor>(it->second.first);
    }
    std::lock_guard lock(mu_);
    auto r = Q("SELECT u.id, u.name, u.role, u.org, u.jurisdiction FROM tokens t JOIN users u ON u.id = t.user_id "
               "WHERE t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0",
               {h});
    if (!r.ok()) return r.status();
    if (r->empty()) return std::optional<Actor>();
    const auto& row = (*r)[0];
    Actor a;
    a.user_id = row.i64(0);
    a.name = row.str(1);
    auto role = ParseRole(row.str(2));
    if (!role) return std::optional<Actor>();
    a.role = *role;
    a.org = row.str(3);
    a.jurisdiction = row.str(4);
    {
      // Short cache: a revoked token stops working within 30 s at most.
      std::lock_guard cl(cache_mu_);
      if (token_cache_.size() > 10000) token_cache_.clear();
      token_cache_[h] = {a, now + std::chrono::seconds(30)};
    }
    return std::optional<Actor>(a);
  }

  Result<std::string> Login(const std::string& name, const std::string& password) override {
    std::string hash;
    int64_t user_id = 0;
    {
      std::lock_guard lock(mu_);
      auto r = Q("SELECT id, password_hash FROM users WHERE name = ? AND disabled = 0", {name});
      if (!r.ok()) return r.status();
      if (!r->empty()) {
        user_id = (*r)[0].i64(0);
        hash = (*r)[0].str(1);
      }
    }
    // Verify outside the lock: Argon2id is deliberately slow.
    bool ok = !hash.empty() && VerifyPassword(hash, password);
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    Actor who;
    who.user_id = user_id;
    who.name = name.substr(0, 64);
    who.role = Role::kOperator;
    if (!ok) {
      auto a = Audit(who, "login", "user", user_id, "unauthenticated", "wrong name or password");
      if (a.ok()) (void)tx.Commit();
      return Denied("wrong user name or password");
    }
    std::string token = NewToken();
    auto t = Q("INSERT INTO tokens(user_id, token_hash, created_at) VALUES (?, ?, ?)",
               {user_id, Sha256Hex(token), Now()});
    if (!t.ok()) return t.status();
    auto a = Audit(who, "login", "user", user_id, "ok", "");
    if (!a.ok()) return a;
    auto c = tx.Commit();
    if (!c.ok()) return c;
    return token;
  }

  // ----------------------------------------------------------------- tips
  Result<TipReceipt> AddTip(const Actor& actor, const TipInput& tip) override {
    if (!Allowed(actor.role, Permission::kTipWrite))
      return Denied(std::string("role ") + RoleName(actor.role) + " cannot file tips");
    if (auto e = ValidateTip(tip)) return InvalidField(e->field, e->reason);
    PreparedTip p = Prepare(actor, tip);
    {
      std::lock_guard q(queue_mu_);
      queue_.push_back(&p);
    }
    // Group commit: whoever holds mu_ commits every tip queued so far in one
    // transaction; the others find their tip done when they get the lock.
    std::lock_guard lock(mu_);
    std::vector<PreparedTip*> batch;
    {
      std::lock_guard q(queue_mu_);
      if (p.done) return std::move(p.result);
      batch.swap(queue_);
    }
    CommitBatch(batch);
    return std::move(p.result);
  }

  Result<std::string> ListTipsJson(const Actor& actor, int limit) override {
    if (!Allowed(actor.role, Permission::kCaseRead)) return Denied("listing tips needs case read access");
    limit = std::clamp(limit, 1, 1000);
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    bool all = actor.role == Role::kAdmin;
    auto r = Q("SELECT t.id, t.case_id, t.received_at, t.channel, t.reporter_type, t.language, t.urgency, "
               "t.urgency_flags, t.anonymous, t.country FROM tips t JOIN cases c ON c.id = t.case_id "
               "WHERE (CAST(? AS INTEGER) = 1 OR c.org = ? OR EXISTS (SELECT 1 FROM shares s WHERE s.case_id = c.id AND "
               "(s.to_org = ? OR (s.to_org = '' AND s.to_jurisdiction = ?)))) ORDER BY t.id DESC LIMIT ?",
               {all ? 1 : 0, actor.org, actor.org, actor.jurisdiction, limit});
    if (!r.ok()) return r.status();
    json out = json::array();
    for (const auto& row : *r) {
      out.push_back({{"id", row.i64(0)},
                     {"case_id", row.i64(1)},
                     {"received_at", core::FormatDateTime(row.i64(2))},
                     {"channel", row.str(3)},
                     {"reporter_type", row.str(4)},
                     {"language", row.str(5)},
                     {"urgency", row.str(6)},
                     {"urgency_flags", ParseOr(row.str(7), json::array())},
                     {"anonymous", row.i64(8) != 0},
                     {"country", row.str(9)}});
    }
    auto a = Audit(actor, "tip.list", "tip", 0, "ok", std::to_string(out.size()) + " tips (no free text)");
    if (!a.ok()) return a;
    auto c = tx.Commit();
    if (!c.ok()) return c;
    return Dump(out);
  }

  // ----------------------------------------------------------------- cases
  Result<std::string> GetCaseJson(const Actor& actor, int64_t id) override {
    if (!Allowed(actor.role, Permission::kCaseRead))
      return Denied(std::string("role ") + RoleName(actor.role) + " cannot read cases");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    auto access = CheckCaseAccess(actor, id, "case.read");
    if (!access.ok()) {
      if (IsPermissionDenied(access)) (void)tx.Commit();  // keep the audit entry of the refusal
      return access;
    }
    auto j = BuildCase(id);
    if (!j.ok()) return j.status();
    auto a = Audit(actor, "case.read", "case", id, "ok", "");
    if (!a.ok()) return a;
    auto c = tx.Commit();
    if (!c.ok()) return c;
    return Dump(*j);
  }

  Result<int64_t> AddPerson(const Actor& actor, int64_t case_id, const PersonInput& p) override {
    if (!Allowed(actor.role, Permission::kCaseWrite)) return Denied("adding people needs case write access");
    if (auto e = ValidatePerson(p, "")) return InvalidField(e->field, e->reason);
    std::string name_enc = cipher_.Seal(p.name), notes_enc = cipher_.Seal(p.notes);
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "person.create"); !st.ok()) return tx.KeepIfDenied(st);
    auto id = InsertPerson(case_id, p, name_enc, notes_enc, std::nullopt);
    if (!id.ok()) return id.status();
    if (!p.name.empty()) {
      auto nn = NormalizeName(p.name);
      auto r = Q("INSERT INTO identifiers(case_id, tip_id, person_id, kind, blind, value_enc) VALUES (?, NULL, ?, "
                 "'name', ?, ?)",
                 {case_id, *id, cipher_.BlindIndex("name", nn), cipher_.Seal(nn)});
      if (!r.ok()) return r.status();
    }
    if (auto st = Event(case_id, "person_added", "person " + std::to_string(*id) + " (" + p.role + ")", actor);
        !st.ok())
      return st;
    if (auto st = Audit(actor, "person.create", "person", *id, "ok", "case " + std::to_string(case_id)); !st.ok())
      return st;
    if (auto st = tx.Commit(); !st.ok()) return st;
    return *id;
  }

  Status SetStatus(const Actor& actor, int64_t case_id, const std::string& status, const std::string& note) override {
    if (!Allowed(actor.role, Permission::kCaseWrite)) return Denied("changing status needs case write access");
    if (!OneOf(status, kCaseStatuses)) return InvalidField("status", "must be one of: " + JoinList(kCaseStatuses));
    if (note.size() > 500) return InvalidField("note", "longer than 500 bytes");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "case.status"); !st.ok()) return tx.KeepIfDenied(st);
    auto cur = Q("SELECT status FROM cases WHERE id = ?", {case_id});
    if (!cur.ok()) return cur.status();
    std::string from = (*cur)[0].str(0);
    if (!TransitionAllowed(from, status))
      return InvalidField("status", "cannot go from '" + from + "' to '" + status + "'");
    if (auto r = Q("UPDATE cases SET status = ?, updated_at = ? WHERE id = ?", {status, Now(), case_id}); !r.ok())
      return r.status();
    if (auto st = Event(case_id, "status", from + " -> " + status + (note.empty() ? "" : ": " + note), actor);
        !st.ok())
      return st;
    if (auto st = Audit(actor, "case.status", "case", case_id, "ok", from + " -> " + status); !st.ok()) return st;
    return tx.Commit();
  }

  Status Assign(const Actor& actor, int64_t case_id, const std::string& org, const std::string& unit,
                const std::string& jurisdiction) override {
    if (!Allowed(actor.role, Permission::kShare)) return Denied("assigning needs case write access");
    if (org.empty() || org.size() > 100) return InvalidField("org", "must be 1-100 characters");
    if (unit.size() > 100 || jurisdiction.size() > 100) return InvalidField("unit", "longer than 100 characters");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "case.assign"); !st.ok()) return tx.KeepIfDenied(st);
    auto prev = Q("SELECT org, jurisdiction FROM cases WHERE id = ?", {case_id});
    if (!prev.ok()) return prev.status();
    std::string from_org = (*prev)[0].str(0), from_j = (*prev)[0].str(1);
    if (auto r = Q("INSERT INTO assignments(case_id, org, unit, jurisdiction, assigned_by, at) VALUES (?, ?, ?, ?, ?, ?)",
                   {case_id, org, unit, jurisdiction, actor.name, Now()});
        !r.ok())
      return r.status();
    if (auto r = Q("UPDATE cases SET org = ?, unit = ?, jurisdiction = ?, updated_at = ? WHERE id = ?",
                   {org, unit, jurisdiction, Now(), case_id});
        !r.ok())
      return r.status();
    // A transfer to another organisation keeps the previous owner informed:
    // record it as a share back to them (who shared what with whom).
    if (from_org != org) {
      if (auto r = Q("INSERT INTO shares(case_id, from_org, from_jurisdiction, to_org, to_jurisdiction, scope, reason, "
                     "shared_by, at) VALUES (?, ?, ?, ?, ?, 'full', 'transfer: previous owner keeps access', ?, ?)",
                     {case_id, org, jurisdiction, from_org, from_j, actor.name, Now()});
          !r.ok())
        return r.status();
    }
    std::string detail = "assigned to " + org + (unit.empty() ? "" : "/" + unit) +
                         (jurisdiction.empty() ? "" : " in " + jurisdiction) + " (was " + from_org + ")";
    if (auto st = Event(case_id, "assignment", detail, actor); !st.ok()) return st;
    if (auto st = Audit(actor, "case.assign", "case", case_id, "ok", detail); !st.ok()) return st;
    return tx.Commit();
  }

  Status Share(const Actor& actor, int64_t case_id, const std::string& to_org, const std::string& to_jurisdiction,
               const std::string& scope, const std::string& reason) override {
    if (!Allowed(actor.role, Permission::kShare)) return Denied("sharing needs case write access");
    if (to_org.empty() && to_jurisdiction.empty())
      return InvalidField("to_org", "name an organisation and/or a jurisdiction to share with");
    static const std::vector<std::string> kScopes = {"full", "summary", "persons", "decisions"};
    if (!OneOf(scope, kScopes)) return InvalidField("scope", "must be one of: " + JoinList(kScopes));
    if (reason.empty() || reason.size() > 500) return InvalidField("reason", "required, at most 500 bytes");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "case.share"); !st.ok()) return tx.KeepIfDenied(st);
    if (auto r = Q("INSERT INTO shares(case_id, from_org, from_jurisdiction, to_org, to_jurisdiction, scope, reason, "
                   "shared_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {case_id, actor.org, actor.jurisdiction, to_org, to_jurisdiction, scope, reason, actor.name, Now()});
        !r.ok())
      return r.status();
    std::string detail = scope + " shared by " + (actor.org.empty() ? actor.name : actor.org) + " with " +
                         (to_org.empty() ? "jurisdiction " + to_jurisdiction : to_org);
    if (auto st = Event(case_id, "share", detail, actor); !st.ok()) return st;
    if (auto st = Audit(actor, "case.share", "case", case_id, "ok", detail); !st.ok()) return st;
    return tx.Commit();
  }

  Status AddExploitation(const Actor& actor, int64_t case_id, const std::string& form) override {
    if (!Allowed(actor.role, Permission::kCaseWrite)) return Denied("needs case write access");
    if (!OneOf(form, kExploitationForms)) return InvalidField("form", "must be one of: " + JoinList(kExploitationForms));
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "case.exploitation"); !st.ok()) return tx.KeepIfDenied(st);
    if (auto r = Q("INSERT INTO exploitation(case_id, form) VALUES (?, ?) ON CONFLICT DO NOTHING", {case_id, form});
        !r.ok())
      return r.status();
    if (auto st = Event(case_id, "exploitation", form, actor); !st.ok()) return st;
    if (auto st = Audit(actor, "case.exploitation", "case", case_id, "ok", form); !st.ok()) return st;
    return tx.Commit();
  }

  // ----------------------------------------------------------------- screening
  Result<std::string> Screen(const Actor& actor, int64_t case_id, const ScreeningInput& in) override {
    if (!Allowed(actor.role, Permission::kScreen)) return Denied("screening needs a caseworker, investigator or "
                                                                 "decision-maker role");
    if (auto e = ValidateScreening(in)) return InvalidField(e->field, e->reason);
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "screening.create"); !st.ok()) return tx.KeepIfDenied(st);
    auto person = Q("SELECT age, erased FROM persons WHERE id = ? AND case_id = ?", {in.person_id, case_id});
    if (!person.ok()) return person.status();
    if (person->empty())
      return InvalidField("person_id", "no person " + std::to_string(in.person_id) + " in case " +
                                           std::to_string(case_id));
    std::optional<int> age;
    if (auto a = (*person)[0].opt_i64(0)) age = static_cast<int>(*a);
    auto as = Assess(in, age);
    json answers = {{"acts", in.acts},
                    {"means", in.means},
                    {"purposes", in.purposes},
                    {"act_unknown", in.act_unknown},
                    {"means_unknown", in.means_unknown},
                    {"purpose_unknown", in.purpose_unknown},
                    {"consent_given", in.consent_given ? json(*in.consent_given) : json(nullptr)},
                    {"age_used", in.age ? json(*in.age) : age ? json(*age) : json(nullptr)},
                    {"commercial_sex_act", in.commercial_sex_act},
                    {"labour_purposes", in.labour_purposes},
                    {"indicators", in.indicators}};
    json expl = {{"palermo", as.palermo.explanation},
                 {"tvpa_sex", as.tvpa_sex.explanation},
                 {"tvpa_labour", as.tvpa_labour.explanation}};
    auto id = Q("INSERT INTO screenings(case_id, person_id, at, screened_by, answers, palermo, tvpa, explanation, "
                "notes_enc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {case_id, in.person_id, Now(), actor.name, answers.dump(), ScreenResultName(as.palermo.result),
                 ScreenResultName(as.tvpa), expl.dump(), cipher_.Seal(in.notes)});
    if (!id.ok()) return id.status();
    int64_t sid = (*id)[0].i64(0);
    std::string detail = "person " + std::to_string(in.person_id) + ": Palermo " +
                         ScreenResultName(as.palermo.result) + ", TVPA " + ScreenResultName(as.tvpa) +
                         " (decision support, not a determination)";
    if (auto st = Event(case_id, "screening", detail, actor); !st.ok()) return st;
    if (auto st = Audit(actor, "screening.create", "screening", sid, "ok", "case " + std::to_string(case_id));
        !st.ok())
      return st;
    if (auto st = tx.Commit(); !st.ok()) return st;
    json out = {{"id", sid},
                {"case_id", case_id},
                {"person_id", in.person_id},
                {"palermo", ScreenResultName(as.palermo.result)},
                {"tvpa", ScreenResultName(as.tvpa)},
                {"tvpa_sex", ScreenResultName(as.tvpa_sex.result)},
                {"tvpa_labour", ScreenResultName(as.tvpa_labour.result)},
                {"explanation", expl},
                {"answers", answers},
                {"note", "decision support for a trained reviewer; not a determination of victim status"}};
    return Dump(out);
  }

  // ----------------------------------------------------------------- decisions
  Result<std::string> Decide(const Actor& actor, int64_t case_id, const DecisionInput& in) override {
    if (auto e = ValidateDecision(in)) return InvalidField(e->field, e->reason);
    bool grounds = in.stage != "referral";
    if (!Allowed(actor.role, grounds ? Permission::kGroundsDecision : Permission::kReferral))
      return Denied(grounds ? "grounds decisions are made by a decision_maker (or admin)"
                            : "referrals need a caseworker, investigator or decision-maker role");
    int64_t now = Now();
    int64_t at = in.decided_at.value_or(now);
    if (at > now + kDay) return InvalidField("decided_at", "is in the future");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "decision.create"); !st.ok()) return tx.KeepIfDenied(st);
    auto person = Q("SELECT id FROM persons WHERE id = ? AND case_id = ?", {in.person_id, case_id});
    if (!person.ok()) return person.status();
    if (person->empty())
      return InvalidField("person_id", "no person " + std::to_string(in.person_id) + " in case " +
                                           std::to_string(case_id));
    auto prior = Q("SELECT id, stage, outcome, decided_at, due_at, not_before FROM decisions WHERE person_id = ? "
                   "ORDER BY id",
                   {in.person_id});
    if (!prior.ok()) return prior.status();
    const SqlRow* referral = nullptr;
    const SqlRow* rg = nullptr;
    const SqlRow* cg = nullptr;
    for (const auto& row : *prior) {
      if (row.str(2) == "withdrawn") continue;
      if (row.str(1) == "referral") referral = &row;
      if (row.str(1) == "reasonable_grounds") rg = &row;
      if (row.str(1) == "conclusive_grounds") cg = &row;
    }
    std::optional<int64_t> due, not_before, on_time;
    if (in.stage == "referral") {
      if (referral && in.outcome != "withdrawn")
        return InvalidField("stage", "person already referred (decision " + std::to_string(referral->i64(0)) + ")");
      if (in.outcome == "referred") due = at + kReasonableGroundsDueDays * kDay;
    } else if (in.stage == "reasonable_grounds") {
      if (!referral) return InvalidField("stage", "a reasonable-grounds decision needs a referral first");
      if (rg) return InvalidField("stage", "a reasonable-grounds decision already exists (decision " +
                                               std::to_string(rg->i64(0)) + ")");
      if (at < referral->i64(3)) return InvalidField("decided_at", "is before the referral");
      if (auto d = referral->opt_i64(4)) on_time = at <= *d ? 1 : 0;
      if (in.outcome == "positive") {
        not_before = at + kRecoveryPeriodDays * kDay;
        due = at + kConclusiveGroundsDueDays * kDay;
      }
    } else {
      if (!rg || rg->str(2) != "positive")
        return InvalidField("stage", "a conclusive-grounds decision needs a positive reasonable-grounds decision");
      if (cg) return InvalidField("stage", "a conclusive-grounds decision already exists (decision " +
                                               std::to_string(cg->i64(0)) + ")");
      if (auto nb = rg->opt_i64(5); nb && at < *nb && in.outcome != "withdrawn")
        return InvalidField("decided_at", "the recovery period runs until " + core::FormatDate(*nb) +
                                              "; a conclusive-grounds decision cannot be made earlier");
      if (auto d = rg->opt_i64(4)) on_time = at <= *d ? 1 : 0;
    }
    std::string maker = in.decision_maker.empty() ? actor.name : in.decision_maker;
    json services = in.services;
    auto id = Q("INSERT INTO decisions(case_id, person_id, stage, outcome, decision_maker, reasons_enc, services, "
                "decided_at, due_at, not_before, on_time, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?) RETURNING id",
                {case_id, in.person_id, in.stage, in.outcome, maker, cipher_.Seal(in.reasons), services.dump(), at,
                 due, not_before, on_time, actor.name, now});
    if (!id.ok()) return id.status();
    int64_t did = (*id)[0].i64(0);
    if (in.stage == "referral" && in.outcome == "referred") {
      auto st = Q("UPDATE cases SET status = 'referred', updated_at = ? WHERE id = ? AND status <> 'closed'",
                  {now, case_id});
      if (!st.ok()) return st.status();
    }
    std::string detail = in.stage + ": " + in.outcome + " for person " + std::to_string(in.person_id) + " by " + maker;
    if (on_time && !*on_time) detail += " (after the deadline)";
    if (auto st = Event(case_id, "decision", detail, actor); !st.ok()) return st;
    if (auto st = Audit(actor, "decision.create", "decision", did, "ok", "case " + std::to_string(case_id) + " " +
                                                                          in.stage + " " + in.outcome);
        !st.ok())
      return st;
    if (auto st = tx.Commit(); !st.ok()) return st;
    json out = {{"id", did},
                {"case_id", case_id},
                {"person_id", in.person_id},
                {"stage", in.stage},
                {"outcome", in.outcome},
                {"decision_maker", maker},
                {"services", in.services},
                {"decided_at", core::FormatDateTime(at)},
                {"next_due_at", OptDate(due)},
                {"not_before", OptDate(not_before)},
                {"on_time", on_time ? json(*on_time != 0) : json(nullptr)}};
    return Dump(out);
  }

  // ----------------------------------------------------------------- intelligence
  Result<int> LinkAds(const Actor& actor, int64_t case_id, AdIntelligence& intel) override {
    if (!Allowed(actor.role, Permission::kCaseRead)) return Denied("linking needs case read access");
    std::vector<std::string> phones, emails, handles;
    std::unordered_map<std::string, std::string> blind;  // kind|value -> blind index
    {
      std::lock_guard lock(mu_);
      Tx tx(*this);
      if (!tx.ok()) return tx.status();
      if (auto st = CheckCaseAccess(actor, case_id, "case.link_ads"); !st.ok()) return tx.KeepIfDenied(st);
      auto r = Q("SELECT kind, blind, value_enc FROM identifiers WHERE case_id = ? AND kind <> 'name'", {case_id});
      if (!r.ok()) return r.status();
      for (const auto& row : *r) {
        auto v = cipher_.Open(row.str(2));
        if (!v.ok()) return v.status();
        auto& list = row.str(0) == "phone" ? phones : row.str(0) == "email" ? emails : handles;
        if (std::find(list.begin(), list.end(), *v) == list.end()) list.push_back(*v);
        blind[row.str(0) + "|" + *v] = row.str(1);
      }
      if (auto st = Audit(actor, "case.link_ads", "case", case_id, "ok", "identifiers read for ad lookup"); !st.ok())
        return st;
      if (auto st = tx.Commit(); !st.ok()) return st;
    }
    // The scan runs without the lock: it reads the ad store, not the database.
    auto matches = intel.FindByIdentifiers(phones, emails, handles);
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    int added = 0;
    for (const auto& m : matches) {
      auto b = blind.find(m.identifier_kind + "|" + m.identifier);
      if (b == blind.end()) continue;
      auto r = Q("INSERT INTO ad_links(case_id, ad_id, identifier_kind, identifier_blind, evidence, network_id, score, "
                 "linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                 {case_id, m.ad_id, m.identifier_kind, b->second, m.evidence, m.network_id, std::to_string(m.score),
                  Now()});
      if (!r.ok()) return r.status();
      added += static_cast<int>(r->size());
    }
    if (auto r = Q("UPDATE cases SET ads_scanned_at = ? WHERE id = ?", {Now(), case_id}); !r.ok()) return r.status();
    if (added > 0) {
      if (auto st = Event(case_id, "ad_links", std::to_string(added) + " matching ads linked", actor); !st.ok())
        return st;
    }
    if (auto st = tx.Commit(); !st.ok()) return st;
    return added;
  }

  // ----------------------------------------------------------------- missing persons
  Result<int> ImportMissing(const Actor& actor, const std::vector<MissingReport>& reports) override {
    if (!Allowed(actor.role, Permission::kMissing)) return Denied("importing missing-person reports needs case write "
                                                                  "access");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    int n = 0;
    for (const auto& m : reports) {
      auto r = Q("INSERT INTO missing_reports(external_id, source, name_enc, age, gender, place_enc, last_seen, "
                 "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 {m.external_id, m.source, cipher_.Seal(m.name),
                  m.age ? std::optional<int64_t>(*m.age) : std::optional<int64_t>(), m.gender,
                  cipher_.Seal(m.last_seen_place), m.last_seen, Now()});
      if (!r.ok()) return r.status();
      ++n;
    }
    if (auto st = Audit(actor, "missing.import", "missing_report", 0, "ok", std::to_string(n) + " reports"); !st.ok())
      return st;
    if (auto st = tx.Commit(); !st.ok()) return st;
    return n;
  }

  Result<std::vector<MissingMatch>> MatchMissing(const Actor& actor, double min_score) override {
    if (!Allowed(actor.role, Permission::kMissing)) return Denied("matching missing persons needs case write access");
    std::vector<std::pair<int64_t, MissingReport>> reports;
    std::vector<MatchCandidate> people;
    {
      std::lock_guard lock(mu_);
      Tx tx(*this);
      if (!tx.ok()) return tx.status();
      auto r = Q("SELECT id, external_id, name_enc, age, gender, place_enc, last_seen FROM missing_reports "
                 "WHERE erased = 0");
      if (!r.ok()) return r.status();
      for (const auto& row : *r) {
        MissingReport m;
        m.external_id = row.str(1);
        auto name = cipher_.Open(row.str(2));
        if (!name.ok()) return name.status();
        m.name = *name;
        if (auto a = row.opt_i64(3)) m.age = static_cast<int>(*a);
        m.gender = row.str(4);
        auto place = cipher_.Open(row.str(5));
        if (!place.ok()) return place.status();
        m.last_seen_place = *place;
        m.last_seen = row.opt_i64(6);
        reports.emplace_back(row.i64(0), std::move(m));
      }
      bool all = actor.role == Role::kAdmin;
      auto p = Q("SELECT p.id, p.case_id, p.name_enc, p.age, p.gender, p.created_at FROM persons p JOIN cases c ON "
                 "c.id = p.case_id WHERE p.erased = 0 AND p.name_enc IS NOT NULL AND (CAST(? AS INTEGER) = 1 OR c.org = ?)",
                 {all ? 1 : 0, actor.org});
      if (!p.ok()) return p.status();
      std::unordered_map<int64_t, std::string> places;
      auto pl = Q("SELECT case_id, description_enc, country, region FROM places");
      if (!pl.ok()) return pl.status();
      for (const auto& row : *pl) {
        auto d = cipher_.Open(row.str(1));
        if (!d.ok()) return d.status();
        places[row.i64(0)] += " " + *d + " " + row.str(3);
      }
      for (const auto& row : *p) {
        MatchCandidate c;
        c.person_id = row.i64(0);
        c.case_id = row.i64(1);
        auto name = cipher_.Open(row.str(2));
        if (!name.ok()) return name.status();
        c.name = *name;
        if (auto a = row.opt_i64(3)) c.age = static_cast<int>(*a);
        c.gender = row.str(4);
        c.seen_at = row.i64(5);
        c.place = places[c.case_id];
        people.push_back(std::move(c));
      }
      if (auto st = Audit(actor, "missing.match", "missing_report", 0, "ok",
                          std::to_string(reports.size()) + " reports x " + std::to_string(people.size()) + " people");
          !st.ok())
        return st;
      if (auto st = tx.Commit(); !st.ok()) return st;
    }
    std::vector<MissingMatch> out;
    for (const auto& [rid, m] : reports) {
      for (const auto& c : people) {
        auto s = ScoreMatch(m, c);
        if (s.total >= min_score) out.push_back({rid, c.person_id, c.case_id, m.external_id, s});
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score.total > b.score.total; });
    return out;
  }

  // ----------------------------------------------------------------- erasure
  Status ErasePerson(const Actor& actor, int64_t person_id, const std::string& reason) override {
    if (!Allowed(actor.role, Permission::kErase)) return Denied("erasure is an admin action");
    if (reason.empty() || reason.size() > 500) return InvalidField("reason", "required, at most 500 bytes");
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    auto p = Q("SELECT case_id, erased, source_tip_id, role FROM persons WHERE id = ?", {person_id});
    if (!p.ok()) return p.status();
    if (p->empty()) return Status::Error(StatusCode::kNotFound, "no person " + std::to_string(person_id));
    int64_t case_id = (*p)[0].i64(0);
    int64_t now = Now();
    if (auto r = Q("UPDATE persons SET name_enc = NULL, notes_enc = NULL, erased = 1, erased_at = ? WHERE id = ?",
                   {now, person_id});
        !r.ok())
      return r.status();
    for (const char* sql : {"DELETE FROM identifiers WHERE person_id = ?",
                            "UPDATE screenings SET notes_enc = NULL WHERE person_id = ?",
                            "UPDATE decisions SET reasons_enc = NULL WHERE person_id = ?"}) {
      if (auto r = Q(sql, {person_id}); !r.ok()) return r.status();
    }
    // A reporter's own tip (its text and contact details) goes too.
    if ((*p)[0].str(3) == "reporter") {
      if (auto tip = (*p)[0].opt_i64(2)) {
        if (auto r = Q("UPDATE tips SET text_enc = NULL, contact_enc = NULL, location_enc = NULL, erased = 1 "
                       "WHERE id = ?",
                       {*tip});
            !r.ok())
          return r.status();
        if (auto r = Q("DELETE FROM identifiers WHERE tip_id = ?", {*tip}); !r.ok()) return r.status();
      }
    }
    if (auto st = Event(case_id, "erasure", "personal data of person " + std::to_string(person_id) + " erased", actor);
        !st.ok())
      return st;
    if (auto st = Audit(actor, "person.erase", "person", person_id, "ok", reason); !st.ok()) return st;
    return tx.Commit();
  }

  // ----------------------------------------------------------------- aggregates
  Result<std::string> AggregatesJson(const Actor& actor) override {
    std::lock_guard lock(mu_);
    json out;
    auto counts = [&](const char* sql) -> Result<json> {
      auto r = Q(sql);
      if (!r.ok()) return r.status();
      json o = json::object();
      for (const auto& row : *r) {
        int64_t n = row.i64(1);
        // Small cells could single out a person: report them as "<5".
        o[row.null(0) || row.str(0).empty() ? "unknown" : row.str(0)] = n < 5 ? json("<5") : json(n);
      }
      return o;
    };
    struct Q2 {
      const char* name;
      const char* sql;
    };
    const Q2 queries[] = {
        {"cases_by_status", "SELECT status, COUNT(*) FROM cases GROUP BY status"},
        {"tips_by_channel", "SELECT channel, COUNT(*) FROM tips GROUP BY channel"},
        {"tips_by_urgency", "SELECT urgency, COUNT(*) FROM tips GROUP BY urgency"},
        {"tips_by_language", "SELECT language, COUNT(*) FROM tips GROUP BY language"},
        {"cases_by_exploitation", "SELECT form, COUNT(*) FROM exploitation GROUP BY form"},
        {"people_by_role", "SELECT role, COUNT(*) FROM persons GROUP BY role"},
        {"people_by_gender", "SELECT gender, COUNT(*) FROM persons GROUP BY gender"},
        {"people_by_majority",
         "SELECT CASE WHEN minor = 1 THEN 'minor' WHEN minor = 0 THEN 'adult' ELSE 'unknown' END, COUNT(*) FROM "
         "persons GROUP BY CASE WHEN minor = 1 THEN 'minor' WHEN minor = 0 THEN 'adult' ELSE 'unknown' END"},
        {"decisions_by_stage_outcome",
         "SELECT stage || ':' || outcome, COUNT(*) FROM decisions GROUP BY stage || ':' || outcome"},
    };
    for (const auto& q : queries) {
      auto c = counts(q.sql);
      if (!c.ok()) return c.status();
      out[q.name] = *c;
    }
    // Positive conclusive-grounds rate by citizenship: the disparity the NRM
    // review found (82.8% vs 45.9%) must be visible, not hidden.
    auto r = Q("SELECT p.citizenship, SUM(CASE WHEN d.outcome = 'positive' THEN 1 ELSE 0 END), COUNT(*) FROM "
               "decisions d JOIN persons p ON p.id = d.person_id WHERE d.stage = 'conclusive_grounds' AND "
               "d.outcome <> 'withdrawn' GROUP BY p.citizenship");
    if (!r.ok()) return r.status();
    json rates = json::object();
    for (const auto& row : *r) {
      int64_t pos = row.i64(1), n = row.i64(2);
      std::string key = row.str(0).empty() ? "unknown" : row.str(0);
      if (n < 5) rates[key] = {{"decisions", "<5"}};
      else rates[key] = {{"decisions", n}, {"positive_rate", static_cast<double>(pos) / n}};
    }
    out["conclusive_positive_rate_by_citizenship"] = rates;
    out["note"] = "counts only; cells under 5 suppressed; no personal data";
    (void)actor;
    return Dump(out);
  }

  // ----------------------------------------------------------------- audit
  Result<std::string> AuditJson(const Actor& actor, int64_t after_id, int limit) override {
    if (!Allowed(actor.role, Permission::kAudit)) return Denied("the audit log is for admins");
    limit = std::clamp(limit, 1, 10000);
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    auto r = Q("SELECT id, at, actor_id, actor, role, org, action, object_type, object_id, outcome, detail, prev_hash, "
               "hash FROM audit WHERE id > ? ORDER BY id LIMIT ?",
               {after_id, limit});
    if (!r.ok()) return r.status();
    json out = json::array();
    for (const auto& row : *r) {
      out.push_back({{"id", row.i64(0)},
                     {"at", core::FormatDateTime(row.i64(1))},
                     {"actor_id", row.i64(2)},
                     {"actor", row.str(3)},
                     {"role", row.str(4)},
                     {"org", row.str(5)},
                     {"action", row.str(6)},
                     {"object_type", row.str(7)},
                     {"object_id", row.i64(8)},
                     {"outcome", row.str(9)},
                     {"detail", row.str(10)},
                     {"prev_hash", row.str(11)},
                     {"hash", row.str(12)}});
    }
    if (auto st = Audit(actor, "audit.read", "audit", after_id, "ok", std::to_string(out.size()) + " entries");
        !st.ok())
      return st;
    if (auto st = tx.Commit(); !st.ok()) return st;
    return Dump(out);
  }

  Result<AuditVerification> VerifyAudit(const Actor& actor) override {
    if (!Allowed(actor.role, Permission::kAudit)) return Denied("the audit log is for admins");
    std::lock_guard lock(mu_);
    AuditVerification v;
    std::string prev;
    int64_t after = 0;
    for (;;) {
      auto r = Q("SELECT id, at, actor_id, actor, role, org, action, object_type, object_id, outcome, detail, "
                 "prev_hash, hash FROM audit WHERE id > ? ORDER BY id LIMIT 5000",
                 {after});
      if (!r.ok()) return r.status();
      if (r->empty()) break;
      for (const auto& row : *r) {
        ++v.entries;
        after = row.i64(0);
        std::string expect = EntryHash(row.str(11), row.i64(1), row.i64(2), row.str(3), row.str(4), row.str(5),
                                       row.str(6), row.str(7), row.i64(8), row.str(9), row.str(10));
        if (row.str(11) != prev || row.str(12) != expect) {
          v.ok = false;
          v.first_bad_id = row.i64(0);
          v.message = "audit entry " + std::to_string(row.i64(0)) +
                      (row.str(11) != prev ? " does not chain to the entry before it (deleted or reordered entries)"
                                           : " was altered (its hash does not match its contents)");
          return v;
        }
        prev = row.str(12);
      }
    }
    v.head_hash = prev;
    v.message = "audit chain intact: " + std::to_string(v.entries) + " entries";
    return v;
  }

  Status RecordDenied(const std::optional<Actor>& actor, const std::string& action, const std::string& outcome,
                      const std::string& detail) override {
    Actor who;
    if (actor) {
      who = *actor;
    } else {
      who.name = "(unauthenticated)";
      who.role = Role::kResearcher;  // the least privileged label; role is informational here
    }
    std::lock_guard lock(mu_);
    Tx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = Audit(who, action.substr(0, 100), "request", 0, outcome, detail.substr(0, 300)); !st.ok()) return st;
    return tx.Commit();
  }

 private:
  // A transaction that rolls back unless committed.
  class Tx {
   public:
    explicit Tx(SqlCaseDatabase& db) : db_(db) { status_ = db_.conn_->Begin(); }
    ~Tx() {
      if (status_.ok() && !done_) (void)db_.conn_->Rollback();
    }
    bool ok() const { return status_.ok(); }
    const Status& status() const { return status_; }
    Status Commit() {
      done_ = true;
      return db_.conn_->Commit();
    }
    // Per-record refusals are audited: commit the audit entry, then report the refusal.
    Status KeepIfDenied(const Status& st) {
      if (IsPermissionDenied(st)) (void)Commit();
      return st;
    }

   private:
    SqlCaseDatabase& db_;
    Status status_;
    bool done_ = false;
  };

  bool pg() const { return conn_->dialect() == SqlConnection::Dialect::kPostgres; }

  Result<SqlRows> Q(std::string_view sql, const std::vector<SqlValue>& params = {}) {
    return conn_->Query(sql, params);
  }

  static std::string EntryHash(const std::string& prev, int64_t at, int64_t actor_id, const std::string& actor,
                               const std::string& role, const std::string& org, const std::string& action,
                               const std::string& object_type, int64_t object_id, const std::string& outcome,
                               const std::string& detail) {
    // Length-prefixed fields: no two different entries serialise the same.
    std::string s;
    auto add = [&](const std::string& f) {
      s += std::to_string(f.size());
      s += ':';
      s += f;
    };
    add(prev);
    add(std::to_string(at));
    add(std::to_string(actor_id));
    add(actor);
    add(role);
    add(org);
    add(action);
    add(object_type);
    add(std::to_string(object_id));
    add(outcome);
    add(detail);
    return Sha256Hex(s);
  }

  // Appends one audit entry inside the current transaction.
  Status Audit(const Actor& actor, const std::string& action, const std::string& object_type, int64_t object_id,
               const std::string& outcome, const std::string& detail) {
    // Within a tip batch the head is read once (the transaction holds the
    // chain's lock, so no other writer can move it) and then kept in memory.
    std::string prev;
    if (chain_head_ && !chain_head_->empty()) {
      prev = *chain_head_;
    } else {
      if (pg()) {
        // Several processes may append to the same PostgreSQL database: take the
        // chain's lock until this transaction ends.
        auto l = Q("SELECT pg_advisory_xact_lock(74101)");
        if (!l.ok()) return l.status();
      }
      auto last = Q("SELECT hash FROM audit ORDER BY id DESC LIMIT 1");
      if (!last.ok()) return last.status();
      prev = last->empty() ? "" : (*last)[0].str(0);
    }
    int64_t at = Now();
    std::string role = RoleName(actor.role);
    std::string hash =
        EntryHash(prev, at, actor.user_id, actor.name, role, actor.org, action, object_type, object_id, outcome, detail);
    auto r = Q("INSERT INTO audit(at, actor_id, actor, role, org, action, object_type, object_id, outcome, detail, "
               "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {at, actor.user_id, actor.name, role, actor.org, action, object_type, object_id, outcome, detail, prev,
                hash});
    if (!r.ok()) return r.status();
    if (chain_head_) *chain_head_ = hash;
    return Status::Ok();
  }

  Status Event(int64_t case_id, const std::string& kind, const std::string& detail, const Actor& actor) {
    auto r = Q("INSERT INTO events(case_id, at, kind, detail, actor) VALUES (?, ?, ?, ?, ?)",
               {case_id, Now(), kind, detail, actor.name});
    return r.ok() ? Status::Ok() : r.status();
  }

  // kNotFound for an unknown case; a (committed-on-return) audited refusal
  // when the actor's organisation has no access.
  Status CheckCaseAccess(const Actor& actor, int64_t case_id, const std::string& action) {
    auto c = Q("SELECT org FROM cases WHERE id = ?", {case_id});
    if (!c.ok()) return c.status();
    if (c->empty()) return Status::Error(StatusCode::kNotFound, "no case " + std::to_string(case_id));
    if (actor.role == Role::kAdmin || (*c)[0].str(0) == actor.org) return Status::Ok();
    auto s = Q("SELECT 1 FROM shares WHERE case_id = ? AND (to_org = ? OR (to_org = '' AND to_jurisdiction = ? AND "
               "to_jurisdiction <> ''))",
               {case_id, actor.org, actor.jurisdiction});
    if (!s.ok()) return s.status();
    if (!s->empty()) return Status::Ok();
    auto st = Audit(actor, action, "case", case_id, "denied", "case belongs to another organisation and is not shared");
    if (!st.ok()) return st;
    return Denied("case " + std::to_string(case_id) + " belongs to another organisation and was not shared with " +
                  (actor.org.empty() ? std::string("you") : actor.org));
  }

  Result<int64_t> InsertPerson(int64_t case_id, const PersonInput& p, const std::string& name_enc,
                               const std::string& notes_enc, std::optional<int64_t> tip_id) {
    std::optional<int64_t> age, minor;
    if (p.age) {
      age = *p.age;
      minor = *p.age < 18 ? 1 : 0;
    }
    auto r = Q("INSERT INTO persons(case_id, role, name_enc, age, minor, gender, citizenship, notes_enc, source_tip_id, "
               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {case_id, p.role, name_enc.empty() ? SqlValue() : SqlValue(name_enc), age, minor, p.gender,
                p.citizenship, notes_enc.empty() ? SqlValue() : SqlValue(notes_enc), tip_id, Now()});
    if (!r.ok()) return r.status();
    return (*r)[0].i64(0);
  }

  PreparedTip Prepare(const Actor& actor, const TipInput& tip) {
    PreparedTip p;
    p.actor = &actor;
    p.in = tip;
    p.triage = TriageTip(tip);
    if (tip.language.empty()) {
      p.language = DetectLanguage(tip.text).tag;
      p.detected = true;
    } else {
      p.language = tip.language;
    }
    p.text_enc = cipher_.Seal(tip.text);
    p.location_enc = cipher_.Seal(tip.location.text);
    if (!tip.anonymous && (tip.contact.allowed || !tip.contact.value.empty())) {
      json c = {{"value", tip.contact.value},
                {"safe_times", tip.contact.safe_times},
                {"safe_to_leave_message", tip.contact.safe_to_leave_message}};
      p.contact_enc = cipher_.Seal(c.dump());
    }
    auto add = [&](const std::string& kind, const std::string& norm, int person) {
      if (norm.empty()) return;
      for (const auto& i : p.idents)
        if (i.kind == kind && i.value_enc.size() && i.blind == cipher_.BlindIndex(kind, norm)) return;
      p.idents.push_back({kind, cipher_.BlindIndex(kind, norm), cipher_.Seal(norm), person});
    };
    for (const auto& x : tip.phones) add("phone", NormalizePhone(x), -1);
    for (const auto& x : tip.emails) add("email", NormalizeEmail(x), -1);
    for (const auto& x : tip.handles) add("handle", NormalizeHandle(x), -1);
    for (const auto& x : tip.names) add("name", NormalizeName(x), -1);
    auto found = FindIdentifiers(tip.text);
    for (const auto& x : found.phones) add("phone", x, -1);
    for (const auto& x : found.emails) add("email", x, -1);
    for (const auto& x : found.handles) add("handle", x, -1);
    for (size_t i = 0; i < tip.people.size(); ++i) {
      const auto& person = tip.people[i];
      p.people.push_back({person, cipher_.Seal(person.name), cipher_.Seal(person.notes)});
      add("name", NormalizeName(person.name), static_cast<int>(i));
    }
    return p;
  }

  void CommitBatch(std::vector<PreparedTip*>& batch) {
    auto finish = [&] {
      std::lock_guard q(queue_mu_);
      for (auto* p : batch) p->done = true;
    };
    // Fast path: the whole batch in one transaction. Validation happened
    // before queueing, so a failing tip is rare; if one fails, the batch is
    // rolled back and every tip retried in its own transaction so that one
    // bad tip cannot sink the others.
    if (batch.size() > 1 && RunTips(batch)) return finish();
    for (auto* p : batch) {
      std::vector<PreparedTip*> one{p};
      RunTips(one);
    }
    finish();
  }

  // Runs `tips` in one transaction. True if all succeeded and committed; else
  // everything is rolled back and each tip's result holds the error.
  bool RunTips(std::vector<PreparedTip*>& tips) {
    Status st = conn_->Begin();
    if (!st.ok()) {
      for (auto* p : tips) p->result = st;
      return false;
    }
    std::string head;
    chain_head_ = &head;  // the audit chain's head, read once per transaction
    bool all_ok = true;
    for (auto* p : tips) {
      p->result = ProcessTip(*p);
      if (!p->result.ok()) {
        all_ok = false;
        break;
      }
    }
    chain_head_ = nullptr;
    if (all_ok) st = conn_->Commit();
    if (!all_ok || !st.ok()) {
      (void)conn_->Rollback();
      // Nothing of this transaction is durable: no tip in it may be acknowledged.
      for (auto* p : tips)
        if (p->result.ok()) p->result = st.ok() ? Status::Error(StatusCode::kIoError, "batch rolled back") : st;
      return false;
    }
    return true;
  }

  Result<TipReceipt> ProcessTip(PreparedTip& p) {
    const Actor& actor = *p.actor;
    const TipInput& in = p.in;
    int64_t now = Now();
    TipReceipt rc;
    rc.urgency = p.triage.urgency;
    rc.language = p.language;
    if (!in.external_ref.empty()) {
      auto d = Q("SELECT id, case_id, urgency, language FROM tips WHERE external_ref = ?", {in.external_ref});
      if (!d.ok()) return d.status();
      if (!d->empty()) {
        rc.tip_id = (*d)[0].i64(0);
        rc.case_id = (*d)[0].i64(1);
        rc.urgency = (*d)[0].str(2);
        rc.language = (*d)[0].str(3);
        rc.duplicate = true;
        return rc;
      }
    }
    // Link to an existing case that shares an identifier and that this
    // organisation may see; remember other organisations' matches as a hint.
    int64_t case_id = 0;
    std::string reason;
    std::vector<std::string> elsewhere;
    for (const auto& id : p.idents) {
      auto r = Q("SELECT i.case_id, i.tip_id, c.org FROM identifiers i JOIN cases c ON c.id = i.case_id WHERE "
                 "i.kind = ? AND i.blind = ? ORDER BY i.case_id LIMIT 20",
                 {id.kind, id.blind});
      if (!r.ok()) return r.status();
      for (const auto& row : *r) {
        int64_t cid = row.i64(0);
        bool mine = actor.role == Role::kAdmin || row.str(2) == actor.org;
        if (!mine) {
          auto s = Q("SELECT 1 FROM shares WHERE case_id = ? AND to_org = ?", {cid, actor.org});
          if (!s.ok()) return s.status();
          mine = !s->empty();
        }
        if (mine) {
          if (case_id == 0 || cid < case_id) {
            case_id = cid;
            reason = "shared " + id.kind + " with " +
                     (row.null(1) ? "a person in case " + std::to_string(cid) : "tip " + std::to_string(row.i64(1)));
          }
        } else if (elsewhere.size() < 5) {
          elsewhere.push_back("case " + std::to_string(cid) + " of " + row.str(2) + " (shared " + id.kind + ")");
        }
      }
    }
    if (case_id == 0) {
      auto c = Q("INSERT INTO cases(status, org, jurisdiction, unit, urgency, created_at, updated_at, created_by) "
                 "VALUES ('new', ?, ?, '', ?, ?, ?, ?) RETURNING id",
                 {actor.org, actor.jurisdiction, p.triage.urgency, now, now, actor.name});
      if (!c.ok()) return c.status();
      case_id = (*c)[0].i64(0);
      rc.new_case = true;
    } else {
      auto c = Q("SELECT urgency FROM cases WHERE id = ?", {case_id});
      if (!c.ok()) return c.status();
      std::string urgency = (*c)[0].str(0);
      if (UrgencyRank(p.triage.urgency) > UrgencyRank(urgency)) urgency = p.triage.urgency;
      auto u = Q("UPDATE cases SET urgency = ?, updated_at = ? WHERE id = ?", {urgency, now, case_id});
      if (!u.ok()) return u.status();
    }
    json flags = p.triage.flags;
    bool contact_allowed = !in.anonymous && in.contact.allowed;
    auto t = Q("INSERT INTO tips(case_id, received_at, channel, reporter_type, language, language_detected, urgency, "
               "urgency_flags, text_enc, location_enc, country, region, lat, lon, contact_allowed, contact_method, "
               "contact_enc, anonymous, link_reason, external_ref, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
               "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {case_id, now, in.channel, in.anonymous ? std::string("anonymous") : in.reporter_type, p.language,
                p.detected, p.triage.urgency, flags.dump(), p.text_enc,
                p.location_enc.empty() ? SqlValue() : SqlValue(p.location_enc), in.location.country, in.location.region,
                in.location.lat ? SqlValue(std::to_string(*in.location.lat)) : SqlValue(),
                in.location.lon ? SqlValue(std::to_string(*in.location.lon)) : SqlValue(), contact_allowed,
                contact_allowed ? in.contact.method : std::string("none"),
                p.contact_enc.empty() ? SqlValue() : SqlValue(p.contact_enc), in.anonymous, reason,
                in.external_ref.empty() ? SqlValue() : SqlValue(in.external_ref), actor.name});
    if (!t.ok()) return t.status();
    rc.tip_id = (*t)[0].i64(0);
    rc.case_id = case_id;
    rc.link_reason = reason;
    std::vector<int64_t> person_ids;
    for (const auto& person : p.people) {
      auto id = InsertPerson(case_id, person.in, person.name_enc, person.notes_enc, rc.tip_id);
      if (!id.ok()) return id.status();
      person_ids.push_back(*id);
    }
    for (const auto& id : p.idents) {
      SqlValue pid = id.person_index >= 0 ? SqlValue(person_ids[id.person_index]) : SqlValue();
      auto r = Q("INSERT INTO identifiers(case_id, tip_id, person_id, kind, blind, value_enc) VALUES (?, ?, ?, ?, ?, ?)",
                 {case_id, rc.tip_id, pid, id.kind, id.blind, id.value_enc});
      if (!r.ok()) return r.status();
    }
    if (!in.location.text.empty() || !in.location.country.empty()) {
      auto r = Q("INSERT INTO places(case_id, kind, description_enc, country, region, lat, lon, tip_id, created_at) "
                 "VALUES (?, 'tip_location', ?, ?, ?, ?, ?, ?, ?)",
                 {case_id, p.location_enc.empty() ? SqlValue() : SqlValue(p.location_enc), in.location.country,
                  in.location.region, in.location.lat ? SqlValue(std::to_string(*in.location.lat)) : SqlValue(),
                  in.location.lon ? SqlValue(std::to_string(*in.location.lon)) : SqlValue(), rc.tip_id, now});
      if (!r.ok()) return r.status();
    }
    for (const auto& form : in.exploitation) {
      auto r = Q("INSERT INTO exploitation(case_id, form) VALUES (?, ?) ON CONFLICT DO NOTHING", {case_id, form});
      if (!r.ok()) return r.status();
    }
    std::string detail = "tip " + std::to_string(rc.tip_id) + " via " + in.channel + ", urgency " + p.triage.urgency;
    if (auto st = Event(case_id, "tip_received", detail, actor); !st.ok()) return st;
    if (!reason.empty()) {
      if (auto st = Event(case_id, "tip_linked", "tip " + std::to_string(rc.tip_id) + ": " + reason, actor); !st.ok())
        return st;
    }
    for (const auto& e : elsewhere) {
      if (auto st = Event(case_id, "possible_link", "an identifier also appears in " + e + "; request a share", actor);
          !st.ok())
        return st;
    }
    if (auto st = Audit(actor, "tip.create", "tip", rc.tip_id, "ok", "case " + std::to_string(case_id)); !st.ok())
      return st;
    return rc;
  }

  Result<json> BuildCase(int64_t id) {
    auto c = Q("SELECT id, status, org, jurisdiction, unit, urgency, created_at, updated_at, created_by, "
               "ads_scanned_at FROM cases WHERE id = ?",
               {id});
    if (!c.ok()) return c.status();
    const auto& row = (*c)[0];
    json j;
    j["id"] = row.i64(0);
    j["status"] = row.str(1);
    j["org"] = row.str(2);
    j["jurisdiction"] = row.str(3);
    j["unit"] = row.str(4);
    j["urgency"] = row.str(5);
    j["created_at"] = core::FormatDateTime(row.i64(6));
    j["updated_at"] = core::FormatDateTime(row.i64(7));
    j["created_by"] = row.str(8);
    j["ads_scanned_at"] = row.i64(9) ? json(core::FormatDateTime(row.i64(9))) : json(nullptr);
    auto open = [&](const SqlRow& r, size_t i) -> Result<json> {
      if (r.null(i)) return json(nullptr);
      auto v = cipher_.Open(r.str(i));
      if (!v.ok()) return v.status();
      return json(*v);
    };
#define LODESTAR_OPEN(var, r, i)      \
  auto var = open(r, i);              \
  if (!var.ok()) return var.status();

    auto ex = Q("SELECT form FROM exploitation WHERE case_id = ? ORDER BY form", {id});
    if (!ex.ok()) return ex.status();
    j["type_of_exploitation"] = json::array();
    for (const auto& r : *ex) j["type_of_exploitation"].push_back(r.str(0));

    auto tips = Q("SELECT id, received_at, channel, reporter_type, language, language_detected, urgency, urgency_flags, "
                  "text_enc, location_enc, country, region, lat, lon, contact_allowed, contact_method, contact_enc, "
                  "anonymous, link_reason, created_by, erased FROM tips WHERE case_id = ? ORDER BY id",
                  {id});
    if (!tips.ok()) return tips.status();
    j["tips"] = json::array();
    for (const auto& r : *tips) {
      LODESTAR_OPEN(text, r, 8);
      LODESTAR_OPEN(loc, r, 9);
      LODESTAR_OPEN(contact, r, 16);
      json contact_json = {{"allowed", r.i64(14) != 0}, {"method", r.str(15)}};
      if (contact->is_string()) {
        auto cj = ParseOr(contact->get<std::string>(), json::object());
        for (auto it = cj.begin(); it != cj.end(); ++it) contact_json[it.key()] = it.value();
      }
      j["tips"].push_back({{"id", r.i64(0)},
                           {"received_at", core::FormatDateTime(r.i64(1))},
                           {"channel", r.str(2)},
                           {"reporter_type", r.str(3)},
                           {"language", r.str(4)},
                           {"language_detected", r.i64(5) != 0},
                           {"urgency", r.str(6)},
                           {"urgency_flags", ParseOr(r.str(7), json::array())},
                           {"text", *text},
                           {"location",
                            {{"text", *loc},
                             {"country", r.str(10)},
                             {"region", r.str(11)},
                             {"lat", r.null(12) ? json(nullptr) : json(r.f64(12))},
                             {"lon", r.null(13) ? json(nullptr) : json(r.f64(13))}}},
                           {"contact", contact_json},
                           {"anonymous", r.i64(17) != 0},
                           {"link_reason", r.str(18)},
                           {"filed_by", r.str(19)},
                           {"erased", r.i64(20) != 0}});
    }
    auto people = Q("SELECT id, role, name_enc, age, minor, gender, citizenship, notes_enc, source_tip_id, erased "
                    "FROM persons WHERE case_id = ? ORDER BY id",
                    {id});
    if (!people.ok()) return people.status();
    j["people"] = json::array();
    for (const auto& r : *people) {
      LODESTAR_OPEN(name, r, 2);
      LODESTAR_OPEN(notes, r, 7);
      std::string majority = r.null(4) ? "unknown" : r.i64(4) ? "minor" : "adult";
      j["people"].push_back({{"id", r.i64(0)},
                             {"role", r.str(1)},
                             {"name", *name},
                             {"age", OptInt(r.opt_i64(3))},
                             {"majority_status", majority},
                             {"gender", r.str(5)},
                             {"citizenship", r.str(6)},
                             {"notes", *notes},
                             {"source_tip_id", OptInt(r.opt_i64(8))},
                             {"erased", r.i64(9) != 0}});
    }
    auto places = Q("SELECT id, kind, description_enc, country, region, lat, lon, tip_id FROM places WHERE case_id = ? "
                    "ORDER BY id",
                    {id});
    if (!places.ok()) return places.status();
    j["places"] = json::array();
    for (const auto& r : *places) {
      LODESTAR_OPEN(desc, r, 2);
      j["places"].push_back({{"id", r.i64(0)},
                             {"kind", r.str(1)},
                             {"description", *desc},
                             {"country", r.str(3)},
                             {"region", r.str(4)},
                             {"lat", r.null(5) ? json(nullptr) : json(r.f64(5))},
                             {"lon", r.null(6) ? json(nullptr) : json(r.f64(6))},
                             {"tip_id", OptInt(r.opt_i64(7))}});
    }
    auto ids = Q("SELECT kind, value_enc, tip_id, person_id FROM identifiers WHERE case_id = ? ORDER BY id", {id});
    if (!ids.ok()) return ids.status();
    j["identifiers"] = json::array();
    for (const auto& r : *ids) {
      LODESTAR_OPEN(v, r, 1);
      j["identifiers"].push_back(
          {{"kind", r.str(0)}, {"value", *v}, {"tip_id", OptInt(r.opt_i64(2))}, {"person_id", OptInt(r.opt_i64(3))}});
    }
    auto asg = Q("SELECT org, unit, jurisdiction, assigned_by, at FROM assignments WHERE case_id = ? ORDER BY id", {id});
    if (!asg.ok()) return asg.status();
    j["assignments"] = json::array();
    for (const auto& r : *asg)
      j["assignments"].push_back({{"org", r.str(0)},
                                  {"unit", r.str(1)},
                                  {"jurisdiction", r.str(2)},
                                  {"assigned_by", r.str(3)},
                                  {"at", core::FormatDateTime(r.i64(4))}});
    auto sh = Q("SELECT from_org, from_jurisdiction, to_org, to_jurisdiction, scope, reason, shared_by, at FROM shares "
                "WHERE case_id = ? ORDER BY id",
                {id});
    if (!sh.ok()) return sh.status();
    j["shares"] = json::array();
    for (const auto& r : *sh)
      j["shares"].push_back({{"from_org", r.str(0)},
                             {"from_jurisdiction", r.str(1)},
                             {"to_org", r.str(2)},
                             {"to_jurisdiction", r.str(3)},
                             {"scope", r.str(4)},
                             {"reason", r.str(5)},
                             {"shared_by", r.str(6)},
                             {"at", core::FormatDateTime(r.i64(7))}});
    auto sc = Q("SELECT id, person_id, at, screened_by, answers, palermo, tvpa, explanation, notes_enc FROM screenings "
                "WHERE case_id = ? ORDER BY id",
                {id});
    if (!sc.ok()) return sc.status();
    j["screenings"] = json::array();
    for (const auto& r : *sc) {
      LODESTAR_OPEN(notes, r, 8);
      j["screenings"].push_back({{"id", r.i64(0)},
                                 {"person_id", r.i64(1)},
                                 {"at", core::FormatDateTime(r.i64(2))},
                                 {"screened_by", r.str(3)},
                                 {"answers", ParseOr(r.str(4), json::object())},
                                 {"palermo", r.str(5)},
                                 {"tvpa", r.str(6)},
                                 {"explanation", ParseOr(r.str(7), json::object())},
                                 {"notes", *notes}});
    }
    auto dec = Q("SELECT id, person_id, stage, outcome, decision_maker, reasons_enc, services, decided_at, due_at, "
                 "not_before, on_time, recorded_by FROM decisions WHERE case_id = ? ORDER BY id",
                 {id});
    if (!dec.ok()) return dec.status();
    j["decisions"] = json::array();
    int64_t now = Now();
    for (const auto& r : *dec) {
      LODESTAR_OPEN(reasons, r, 5);
      auto due = r.opt_i64(8);
      j["decisions"].push_back({{"id", r.i64(0)},
                                {"person_id", r.i64(1)},
                                {"stage", r.str(2)},
                                {"outcome", r.str(3)},
                                {"decision_maker", r.str(4)},
                                {"reasons", *reasons},
                                {"services", ParseOr(r.str(6), json::array())},
                                {"decided_at", core::FormatDateTime(r.i64(7))},
                                {"next_due_at", OptDate(due)},
                                {"not_before", OptDate(r.opt_i64(9))},
                                {"on_time", r.null(10) ? json(nullptr) : json(r.i64(10) != 0)},
                                {"recorded_by", r.str(11)}});
    }
    // Pending deadlines: the next decision due for each person, flagged when overdue.
    j["deadlines"] = json::array();
    for (size_t i = 0; i < dec->size(); ++i) {
      const auto& r = (*dec)[i];
      auto due = r.opt_i64(8);
      if (!due || r.str(3) == "withdrawn") continue;
      bool superseded = false;
      for (size_t k = i + 1; k < dec->size(); ++k)
        if ((*dec)[k].i64(1) == r.i64(1)) superseded = true;
      if (superseded) continue;
      std::string next = r.str(2) == "referral" ? "reasonable_grounds" : "conclusive_grounds";
      j["deadlines"].push_back({{"person_id", r.i64(1)},
                                {"decision", next},
                                {"due_at", core::FormatDateTime(*due)},
                                {"not_before", OptDate(r.opt_i64(9))},
                                {"overdue", now > *due}});
    }
    auto links = Q("SELECT ad_id, identifier_kind, evidence, network_id, score, linked_at FROM ad_links WHERE "
                   "case_id = ? ORDER BY score DESC, ad_id LIMIT 500",
                   {id});
    if (!links.ok()) return links.status();
    j["linked_ads"] = json::array();
    json networks = json::object();
    for (const auto& r : *links) {
      j["linked_ads"].push_back({{"ad_id", r.str(0)},
                                 {"identifier_kind", r.str(1)},
                                 {"evidence", r.str(2)},
                                 {"network_id", r.str(3)},
                                 {"score", r.f64(4)},
                                 {"linked_at", core::FormatDateTime(r.i64(5))}});
      if (!r.str(3).empty()) networks[r.str(3)] = networks.value(r.str(3), 0) + 1;
    }
    j["linked_networks"] = json::array();
    for (auto it = networks.begin(); it != networks.end(); ++it)
      j["linked_networks"].push_back({{"network_id", it.key()}, {"ads", it.value()}});
    auto ev = Q("SELECT at, kind, detail, actor FROM events WHERE case_id = ? ORDER BY id", {id});
    if (!ev.ok()) return ev.status();
    j["timeline"] = json::array();
    for (const auto& r : *ev)
      j["timeline"].push_back(
          {{"at", core::FormatDateTime(r.i64(0))}, {"kind", r.str(1)}, {"detail", r.str(2)}, {"actor", r.str(3)}});
#undef LODESTAR_OPEN
    return j;
  }

  std::unique_ptr<SqlConnection> conn_;
  FieldCipher cipher_;
  int version_;
  std::mutex mu_;  // the connection, and the group-commit leader
  std::mutex queue_mu_;
  std::vector<PreparedTip*> queue_;
  std::string* chain_head_ = nullptr;  // set while a tip batch runs (under mu_)
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::pair<Actor, std::chrono::steady_clock::time_point>> token_cache_;
};

}  // namespace

Result<std::unique_ptr<CaseDatabase>> CaseDatabase::Open(const OpenOptions& options) {
  const std::string& url = options.url;
  Result<std::unique_ptr<SqlConnection>> conn = Status::Error(StatusCode::kInvalidInput, "");
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.empty()) return Status::Error(StatusCode::kInvalidInput, "--cases sqlite: needs a path, e.g. sqlite:/data/cases.sqlite");
    conn = OpenSqlite(path);
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    conn = OpenPostgres(url);
  } else {
    return Status::Error(StatusCode::kInvalidInput,
                         "--cases '" + url.substr(0, 40) +
                             "' is not understood; use sqlite:PATH or postgresql://USER@HOST:PORT/DB");
  }
  if (!conn.ok()) return conn.status();
  auto cipher = FieldCipher::Load(options.key_dir.empty() ? "." : options.key_dir);
  if (!cipher.ok()) return cipher.status();
  auto version = Migrate(**conn);
  if (!version.ok()) return version.status();
  return std::unique_ptr<CaseDatabase>(
      std::make_unique<SqlCaseDatabase>(std::move(conn).value(), std::move(cipher).value(), *version));
}

}  // namespace lodestar::cases
