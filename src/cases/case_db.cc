#include "cases/case_db.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_map>

#include "cases/crypto.h"
#include "cases/identifiers.h"
#include "cases/language.h"
#include "cases/migrations.h"
#include "cases/request_json.h"
#include "cases/sql.h"
#include "core/time.h"
#include "extract/extractor.h"

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
const std::shared_ptr<const extract::ExtractorResources>& GeocoderResources();
}  // namespace

void PreloadTipGeocoder() { (void)GeocoderResources(); }

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

// Where a tip's place resolves to in the gazetteer.
struct Geocode {
  bool found = false;
  std::string city, region, country, source;  // source: "location" (the place as told) or "text"
  double lat = 0, lon = 0;
};

// Resolves the place as told, else the free text, with the extractor's
// gazetteer-based location reading (the same rules as for ads). The
// extractor's resources are loaded once; an extractor keeps scratch state, so
// each call borrows one from a small pool.
const std::shared_ptr<const extract::ExtractorResources>& GeocoderResources() {
  static std::once_flag once;
  static std::shared_ptr<const extract::ExtractorResources> resources;
  std::call_once(once, [] {
    auto r = extract::LoadResources();
    if (r.ok()) {
      resources = *r;
    } else {
      std::fprintf(stderr, "lodestar: tip geocoding disabled: %s\n", r.status().message().c_str());
    }
  });
  return resources;
}

Geocode GeocodeTip(const TipInput& tip) {
  const auto& resources = GeocoderResources();
  Geocode g;
  if (!resources) return g;
  // A few extractors shared by all request threads (not one per thread: a
  // hundred keep-alive threads would each build one on their first tip).
  static std::mutex pool_mu;
  static std::condition_variable pool_cv;
  static std::vector<std::unique_ptr<extract::FactExtractor>> pool;
  static size_t created = 0;
  constexpr size_t kMaxExtractors = 4;
  std::unique_ptr<extract::FactExtractor> extractor;
  {
    std::unique_lock lock(pool_mu);
    pool_cv.wait(lock, [&] { return !pool.empty() || created < kMaxExtractors; });
    if (!pool.empty()) {
      extractor = std::move(pool.back());
      pool.pop_back();
    } else {
      ++created;
    }
  }
  if (!extractor) extractor = std::make_unique<extract::FactExtractor>(resources);
  struct GiveBack {
    std::unique_ptr<extract::FactExtractor>& e;
    ~GiveBack() {
      {
        std::lock_guard lock(pool_mu);
        pool.push_back(std::move(e));
      }
      pool_cv.notify_one();
    }
  } give_back{extractor};
  auto try_text = [&](const std::string& text, const char* source) {
    if (text.empty() || g.found) return;
    core::Ad ad;
    ad.body = text;
    auto facts = extractor->Extract(ad);
    const extract::LocationFact* best = nullptr;
    for (const auto& l : facts.locations)
      if (!best || l.confidence > best->confidence) best = &l;
    if (!best) return;
    g.found = true;
    g.city = best->name;
    g.region = best->admin1;
    g.country = best->country;
    g.lat = best->lat;
    g.lon = best->lon;
    g.source = source;
  };
  try_text(tip.location.text, "location");
  try_text(tip.text, "text");
  return g;
}

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
  Geocode geo;
  // Filled by the writer thread, which then calls Done().
  Result<TipReceipt> result = Status::Error(StatusCode::kIoError, "tip not processed");
  // (A mutex and condition variable, not std::binary_semaphore: libstdc++'s
  // semaphore spins on sched_yield first, which a hundred waiting request
  // threads turn into measurable scheduler load.)
  void Done() {
    std::lock_guard lock(mu);
    done = true;
    cv.notify_one();
  }
  void Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
  }
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
};

// Hands out up to `max` connections, opening them on first need (a CLI
// command uses one; a busy server up to `max`).
class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<SqlConnection>>()>;
  ConnectionPool(std::unique_ptr<SqlConnection> first, Opener open, size_t max)
      : open_(std::move(open)), max_(std::max<size_t>(1, max)) {
    free_.push_back(first.get());
    all_.push_back(std::move(first));
  }
  SqlConnection::Dialect dialect() const { return all_.front()->dialect(); }

  Result<SqlConnection*> Acquire() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!free_.empty()) {
        SqlConnection* c = free_.back();
        free_.pop_back();
        return c;
      }
      if (all_.size() + opening_ < max_) {
        ++opening_;
        lock.unlock();
        auto c = open_();
        lock.lock();
        --opening_;
        if (!c.ok()) {
          cv_.notify_one();
          return c.status();
        }
        all_.push_back(std::move(c).value());
        return all_.back().get();
      }
      cv_.wait(lock);
    }
  }
  void Release(SqlConnection* c) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(c);
    }
    cv_.notify_one();
  }

 private:
  Opener open_;
  size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqlConnection>> all_;
  std::vector<SqlConnection*> free_;
  size_t opening_ = 0;
};

// The connection the current thread leased (see SqlCaseDatabase::Lease).
thread_local SqlConnection* t_conn = nullptr;

class SqlCaseDatabase : public CaseDatabase {
 public:
  SqlCaseDatabase(std::unique_ptr<ConnectionPool> pool, FieldCipher cipher, int version)
      : pool_(std::move(pool)), cipher_(std::move(cipher)), version_(version) {}
  ~SqlCaseDatabase() override {
    {
      std::lock_guard q(queue_mu_);
      stop_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    // Checked against the database on every request (one indexed read on a
    // pooled connection, outside any write lock): a revoked token or disabled
    // user is refused at once, even when another process revoked it.
    Lease lease(*this);
    if (!lease.ok()) return lease.status();
    auto r = Q("SELECT u.id, u.name, u.role, u.org, u.jurisdiction FROM tokens t JOIN users u ON u.id = t.user_id "
               "WHERE t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0",
               {Sha256Hex(token)});
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
    return std::optional<Actor>(a);
  }

  Result<std::vector<TokenInfo>> ListTokens(const Actor& actor, const std::string& user_name) override {
    if (!Allowed(actor.role, Permission::kUsers)) return Denied("only an admin can list tokens");
    Lease lease(*this);
    if (!lease.ok()) return lease.status();
    auto r = Q("SELECT t.id, t.user_id, u.name, t.created_at, t.revoked, t.revoked_at FROM tokens t JOIN users u ON "
               "u.id = t.user_id WHERE (? = '' OR u.name = ?) ORDER BY t.id",
               {user_name, user_name});
    if (!r.ok()) return r.status();
    std::vector<TokenInfo> out;
    for (const auto& row : *r)
      out.push_back({row.i64(0), row.i64(1), row.str(2), row.i64(3), row.opt_i64(5), row.i64(4) != 0});
    if (out.empty() && !user_name.empty()) {
      auto u = Q("SELECT id FROM users WHERE name = ?", {user_name});
      if (!u.ok()) return u.status();
      if (u->empty()) return Status::Error(StatusCode::kNotFound, "no user named '" + user_name + "'");
    }
    return out;
  }

  Result<int> RevokeTokens(const Actor& actor, int64_t token_id, const std::string& user_name) override {
    if (!Allowed(actor.role, Permission::kUsers)) return Denied("only an admin can revoke tokens");
    if (token_id <= 0 && user_name.empty()) return InvalidField("token_id", "name a token id or a user");
    LeasedTx tx(*this);
    if (!tx.ok()) return tx.status();
    int64_t now = Now(), user_id = 0;
    Result<SqlRows> r = SqlRows{};
    if (token_id > 0) {
      auto t = Q("SELECT user_id FROM tokens WHERE id = ?", {token_id});
      if (!t.ok()) return t.status();
      if (t->empty()) return Status::Error(StatusCode::kNotFound, "no token with id " + std::to_string(token_id));
      user_id = (*t)[0].i64(0);
      r = Q("UPDATE tokens SET revoked = 1, revoked_at = ? WHERE id = ? AND revoked = 0 RETURNING id",
            {now, token_id});
    } else {
      auto u = Q("SELECT id FROM users WHERE name = ?", {user_name});
      if (!u.ok()) return u.status();
      if (u->empty()) return Status::Error(StatusCode::kNotFound, "no user named '" + user_name + "'");
      user_id = (*u)[0].i64(0);
      r = Q("UPDATE tokens SET revoked = 1, revoked_at = ? WHERE user_id = ? AND revoked = 0 RETURNING id",
            {now, user_id});
    }
    if (!r.ok()) return r.status();
    int n = static_cast<int>(r->size());
    std::string detail = token_id > 0 ? "token " + std::to_string(token_id) : "all tokens of the user";
    detail += ": " + std::to_string(n) + " revoked";
    if (auto st = Audit(actor, "token.revoke", "user", user_id, "ok", detail); !st.ok()) return st;
    if (auto st = tx.Commit(); !st.ok()) return st;
    return n;
  }

  Result<std::string> Login(const std::string& name, const std::string& password) override {
    std::string hash;
    int64_t user_id = 0;
    {
      Lease lease(*this);
      if (!lease.ok()) return lease.status();
      auto r = Q("SELECT id, password_hash FROM users WHERE name = ? AND disabled = 0", {name});
      if (!r.ok()) return r.status();
      if (!r->empty()) {
        user_id = (*r)[0].i64(0);
        hash = (*r)[0].str(1);
      }
    }
    // Verify outside the lock: Argon2id is deliberately slow.
    bool ok = !hash.empty() && VerifyPassword(hash, password);
    LeasedTx tx(*this);
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
    PreparedTip p;
    Prepare(actor, tip, p);
    // Group commit: the writer thread commits everything queued so far in one
    // transaction and releases each tip only after that commit returned.
    {
      std::lock_guard q(queue_mu_);
      if (!writer_.joinable()) writer_ = std::thread([this] { WriterLoop(); });
      queue_.push_back(&p);
    }
    queue_cv_.notify_one();
    p.Wait();
    return std::move(p.result);
  }

  Result<std::string> ListTipsJson(const Actor& actor, int limit) override {
    if (!Allowed(actor.role, Permission::kCaseRead)) return Denied("listing tips needs case read access");
    limit = std::clamp(limit, 1, 1000);
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "screening.create"); !st.ok()) return tx.KeepIfDenied(st);
    auto person = PersonInCase(in.person_id, case_id);
    if (!person.ok()) return person.status();
    std::optional<int> age = *person;
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
    LeasedTx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = CheckCaseAccess(actor, case_id, "decision.create"); !st.ok()) return tx.KeepIfDenied(st);
    if (auto person = PersonInCase(in.person_id, case_id); !person.ok()) return person.status();
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
      LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
    LeasedTx tx(*this);
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
      LeasedTx tx(*this);
      if (!tx.ok()) return tx.status();
      auto loaded = LoadMissingReports();
      if (!loaded.ok()) return loaded.status();
      reports = std::move(loaded).value();
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

  Result<std::vector<MissingAdMatch>> MatchMissingAds(const Actor& actor, AdIntelligence& intel,
                                                      double min_score) override {
    if (!Allowed(actor.role, Permission::kMissing)) return Denied("matching missing persons needs case write access");
    std::vector<std::pair<int64_t, MissingReport>> reports;
    {
      LeasedTx tx(*this);
      if (!tx.ok()) return tx.status();
      auto loaded = LoadMissingReports();
      if (!loaded.ok()) return loaded.status();
      reports = std::move(loaded).value();
      if (auto st = Audit(actor, "missing.match_ads", "missing_report", 0, "ok",
                          std::to_string(reports.size()) + " reports against the ad store");
          !st.ok())
        return st;
      if (auto st = tx.Commit(); !st.ok()) return st;
    }
    // The scan runs without a connection: it reads the ad store, not the database.
    std::vector<std::string> names;
    for (const auto& [id, m] : reports) names.push_back(m.name);
    std::vector<MissingAdMatch> out;
    for (auto& [i, ad] : intel.FindByNames(names)) {
      const auto& [rid, m] = reports[i];
      MatchCandidate c;
      c.name = ad.name;
      c.age = ad.age;
      c.gender = "unknown";
      c.place = ad.place;
      c.seen_at = ad.posted;
      auto score = ScoreMatch(m, c);
      if (score.total < min_score) continue;
      std::string evidence = ad.evidence;  // (which words matched is personal: not repeated here)
      if (ad.age) evidence += ", stated age " + std::to_string(*ad.age);
      out.push_back({rid, m.external_id, ad.ad_id, ad.network_id, evidence, score});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.score.total != b.score.total ? a.score.total > b.score.total : a.ad_id < b.ad_id;
    });
    return out;
  }

  // ----------------------------------------------------------------- erasure
  Status ErasePerson(const Actor& actor, int64_t person_id, const std::string& reason) override {
    if (!Allowed(actor.role, Permission::kErase)) return Denied("erasure is an admin action");
    if (reason.empty() || reason.size() > 500) return InvalidField("reason", "required, at most 500 bytes");
    LeasedTx tx(*this);
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
    Lease lease(*this);
    if (!lease.ok()) return lease.status();
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

  Result<std::vector<std::vector<std::string>>> MseMemberships(const Actor& actor) override {
    if (!Allowed(actor.role, Permission::kAggregates)) return Denied("needs aggregate access");
    LeasedTx tx(*this);
    if (!tx.ok()) return tx.status();
    auto r = Q("SELECT p.id, c.org, (SELECT MIN(i.blind) FROM identifiers i WHERE i.person_id = p.id AND "
               "i.kind = 'name') FROM persons p JOIN cases c ON c.id = p.case_id WHERE p.role = 'potential_victim' "
               "ORDER BY p.id");
    if (!r.ok()) return r.status();
    std::map<std::string, std::set<std::string>> by_person;  // blind index or "#id" -> organisations
    for (const auto& row : *r)
      by_person[row.null(2) ? "#" + row.str(0) : row.str(2)].insert(row.str(1));
    std::vector<std::vector<std::string>> out;
    out.reserve(by_person.size());
    for (auto& [key, orgs] : by_person) out.emplace_back(orgs.begin(), orgs.end());
    if (auto st = Audit(actor, "mse.memberships", "person", 0, "ok",
                        std::to_string(out.size()) + " people from " + std::to_string(r->size()) + " records (no "
                        "personal data)");
        !st.ok())
      return st;
    if (auto st = tx.Commit(); !st.ok()) return st;
    return out;
  }

  // ----------------------------------------------------------------- audit
  Result<std::string> AuditJson(const Actor& actor, int64_t after_id, int limit) override {
    if (!Allowed(actor.role, Permission::kAudit)) return Denied("the audit log is for admins");
    limit = std::clamp(limit, 1, 10000);
    LeasedTx tx(*this);
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
    Lease lease(*this);
    if (!lease.ok()) return lease.status();
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
    LeasedTx tx(*this);
    if (!tx.ok()) return tx.status();
    if (auto st = Audit(who, action.substr(0, 100), "request", 0, outcome, detail.substr(0, 300)); !st.ok()) return st;
    return tx.Commit();
  }

 private:
  // A transaction that rolls back unless committed.
  class Tx {
   public:
    // SQLite: writers of this process queue on a mutex rather than on the
    // busy handler's sleep-and-retry.
    explicit Tx(SqlCaseDatabase& db) : conn_(t_conn) {
      if (!db.pg()) write_lock_ = std::unique_lock<std::mutex>(db.sqlite_write_mu_);
      status_ = conn_->Begin();
    }
    ~Tx() {
      if (status_.ok() && !done_) (void)conn_->Rollback();
    }
    bool ok() const { return status_.ok(); }
    const Status& status() const { return status_; }
    Status Commit() {
      done_ = true;
      return conn_->Commit();
    }
    // Per-record refusals are audited: commit the audit entry, then report the refusal.
    Status KeepIfDenied(const Status& st) {
      if (IsPermissionDenied(st)) (void)Commit();
      return st;
    }

   private:
    SqlConnection* conn_;
    std::unique_lock<std::mutex> write_lock_;
    Status status_;
    bool done_ = false;
  };

  // A pooled connection for the current thread; Q() and Tx use it. One lease
  // per thread at a time (methods do not nest them).
  class Lease {
   public:
    explicit Lease(SqlCaseDatabase& db) : db_(db) {
      auto c = db_.pool_->Acquire();
      if (!c.ok()) {
        status_ = c.status();
        return;
      }
      conn_ = *c;
      t_conn = conn_;
    }
    ~Lease() {
      if (!conn_) return;
      t_conn = nullptr;
      db_.pool_->Release(conn_);
    }
    bool ok() const { return conn_ != nullptr; }
    const Status& status() const { return status_; }
    SqlConnection* conn() const { return conn_; }

   private:
    SqlCaseDatabase& db_;
    SqlConnection* conn_ = nullptr;
    Status status_;
  };

  // A Lease with a Tx begun on it: how most methods start. Ends in reverse
  // order (rollback unless committed, then the connection goes back).
  class LeasedTx {
   public:
    explicit LeasedTx(SqlCaseDatabase& db) : lease_(db) {
      if (lease_.ok()) tx_.emplace(db);
    }
    bool ok() const { return tx_ && tx_->ok(); }
    const Status& status() const { return tx_ ? tx_->status() : lease_.status(); }
    Status Commit() { return tx_->Commit(); }
    Status KeepIfDenied(const Status& st) { return tx_->KeepIfDenied(st); }

   private:
    Lease lease_;
    std::optional<Tx> tx_;
  };

  bool pg() const { return pool_->dialect() == SqlConnection::Dialect::kPostgres; }

  Result<SqlRows> Q(std::string_view sql, const std::vector<SqlValue>& params = {}) {
    return t_conn->Query(sql, params);
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
    if (pg()) {
      // Several processes and pooled connections may append to the same
      // PostgreSQL database: take the chain's lock until this transaction ends.
      auto l = Q("SELECT pg_advisory_xact_lock(74101)");
      if (!l.ok()) return l.status();
    }
    auto last = Q("SELECT hash FROM audit ORDER BY id DESC LIMIT 1");
    if (!last.ok()) return last.status();
    std::string prev = last->empty() ? "" : (*last)[0].str(0);
    int64_t at = Now();
    std::string role = RoleName(actor.role);
    std::string hash =
        EntryHash(prev, at, actor.user_id, actor.name, role, actor.org, action, object_type, object_id, outcome, detail);
    auto r = Q("INSERT INTO audit(at, actor_id, actor, role, org, action, object_type, object_id, outcome, detail, "
               "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {at, actor.user_id, actor.name, role, actor.org, action, object_type, object_id, outcome, detail, prev,
                hash});
    if (!r.ok()) return r.status();
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

  // Checks that the person belongs to the case (else an invalid person_id); returns their age if recorded.
  Result<std::optional<int>> PersonInCase(int64_t person_id, int64_t case_id) {
    auto r = Q("SELECT age FROM persons WHERE id = ? AND case_id = ?", {person_id, case_id});
    if (!r.ok()) return r.status();
    if (r->empty())
      return InvalidField("person_id",
                          "no person " + std::to_string(person_id) + " in case " + std::to_string(case_id));
    std::optional<int> age;
    if (auto a = (*r)[0].opt_i64(0)) age = static_cast<int>(*a);
    return age;
  }

  // The missing-person reports not erased, decrypted, with their ids, in id order.
  Result<std::vector<std::pair<int64_t, MissingReport>>> LoadMissingReports() {
    auto r = Q("SELECT id, external_id, name_enc, age, gender, place_enc, last_seen FROM missing_reports "
               "WHERE erased = 0 ORDER BY id");
    if (!r.ok()) return r.status();
    std::vector<std::pair<int64_t, MissingReport>> out;
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
      out.emplace_back(row.i64(0), std::move(m));
    }
    return out;
  }

  void Prepare(const Actor& actor, const TipInput& tip, PreparedTip& p) {
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
    p.geo = GeocodeTip(tip);
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
  }

  // The group-commit writer: takes everything queued (up to kMaxBatch), commits
  // it, then releases the waiting request threads.
  void WriterLoop() {
    constexpr size_t kMaxBatch = 256;
    std::unique_lock q(queue_mu_);
    for (;;) {
      queue_cv_.wait(q, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      std::vector<PreparedTip*> batch;
      size_t n = std::min(kMaxBatch, queue_.size());
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      q.unlock();
      CommitBatch(batch);
      // After Done() a tip's owner may return and destroy it: touch nothing after.
      for (auto* p : batch) p->Done();
      q.lock();
    }
  }

  void CommitBatch(std::vector<PreparedTip*>& batch) {
    // Fast path: the whole batch in one transaction. Validation happened
    // before queueing, so a failing tip is rare; if one fails, the batch is
    // rolled back and every tip retried in its own transaction so that one
    // bad tip cannot sink the others.
    if (batch.size() > 1 && RunTips(batch)) return;
    for (auto* p : batch) {
      std::vector<PreparedTip*> one{p};
      RunTips(one);
    }
  }

  // Runs `tips` in one transaction in three pipelined round trips: (A) begin,
  // take the audit chain's lock, read its head, look up duplicates and every
  // identifier; (B) reserve the new rows' ids; (C) write everything and
  // commit. Links between tips of the same batch are resolved in memory, in
  // batch order, so the result is the same as filing them one after another.
  // True if all committed; else everything is rolled back and each tip's
  // result holds the error.
  bool RunTips(std::vector<PreparedTip*>& tips) {
    Lease lease(*this);
    if (!lease.ok()) {
      for (auto* p : tips) p->result = lease.status();
      return false;
    }
    std::unique_lock<std::mutex> write_lock;
    if (!pg()) write_lock = std::unique_lock<std::mutex>(sqlite_write_mu_);
    SqlConnection& conn = *lease.conn();
    auto fail = [&](const Status& st) {
      (void)conn.Rollback();
      // Nothing of this transaction is durable: no tip in it may be acknowledged.
      for (auto* p : tips) p->result = st;
      return false;
    };

    // --- A: lock the chain, read its head, look up duplicates and identifiers.
    std::vector<SqlStatement> a;
    a.push_back({pg() ? "BEGIN" : "BEGIN IMMEDIATE", {}});
    // Several processes may append to the same PostgreSQL database: the chain's
    // lock is held until this transaction ends (SQLite: BEGIN IMMEDIATE).
    if (pg()) a.push_back({"SELECT pg_advisory_xact_lock(74101)", {}});
    size_t head_at = a.size();
    a.push_back({"SELECT hash FROM audit ORDER BY id DESC LIMIT 1", {}});
    std::vector<size_t> dup_at(tips.size(), 0);
    std::vector<std::vector<size_t>> ident_at(tips.size());
    for (size_t t = 0; t < tips.size(); ++t) {
      const PreparedTip& p = *tips[t];
      if (!p.in.external_ref.empty()) {
        dup_at[t] = a.size();
        a.push_back({"SELECT id, case_id, urgency, language FROM tips WHERE external_ref = ?", {p.in.external_ref}});
      }
      for (const auto& id : p.idents) {
        ident_at[t].push_back(a.size());
        a.push_back({"SELECT i.case_id, i.tip_id, c.org, c.urgency, CASE WHEN EXISTS (SELECT 1 FROM shares s WHERE "
                     "s.case_id = i.case_id AND s.to_org = ?) THEN 1 ELSE 0 END FROM identifiers i JOIN cases c ON "
                     "c.id = i.case_id WHERE i.kind = ? AND i.blind = ? ORDER BY i.case_id LIMIT 20",
                     {p.actor->org, id.kind, id.blind}});
      }
    }
    auto ra = conn.Pipeline(a);
    if (!ra.ok()) return fail(ra.status());
    const auto& A = *ra;
    std::string head = A[head_at].empty() ? "" : A[head_at][0].str(0);

    // --- Plan in memory. Rows created by this batch get symbolic ids above
    // kNew (new case k = kNew + k, tip t = kNew + t) until B reserves real ones.
    constexpr int64_t kNew = int64_t{1} << 60;
    struct Plan {
      bool duplicate = false;
      TipReceipt dup;
      int dup_of = -1;     // an earlier tip of this batch with the same external_ref
      int64_t case_ref = 0;  // existing id or kNew + k
      bool new_case = false;
      std::string link_kind;
      int64_t link_tip = 0;   // existing tip id, kNew + t, or 0 = a person's identifier
      int64_t link_case = 0;
      std::vector<std::string> elsewhere;
      std::string urgency_after;  // the case's urgency after this tip
    };
    std::vector<Plan> plans(tips.size());
    struct Seen {
      int64_t case_ref, tip_ref;
      std::string org;
    };
    std::unordered_map<std::string, std::vector<Seen>> batch_idents;    // kind|blind -> this batch's uses
    std::unordered_map<int64_t, std::string> urgency_of;                // case -> urgency as the batch goes
    std::map<std::pair<int64_t, std::string>, bool> shared_with;        // (case, org) -> shared
    std::unordered_map<std::string, int> refs;                          // external_ref -> tip index
    int new_cases = 0, new_tips = 0, new_people = 0;
    for (size_t t = 0; t < tips.size(); ++t) {
      const PreparedTip& p = *tips[t];
      const Actor& actor = *p.actor;
      Plan& plan = plans[t];
      if (!p.in.external_ref.empty()) {
        auto it = refs.find(p.in.external_ref);
        if (it != refs.end()) {
          plan.duplicate = true;
          plan.dup_of = it->second;
          continue;
        }
        const auto& d = A[dup_at[t]];
        if (!d.empty()) {
          plan.duplicate = true;
          plan.dup.tip_id = d[0].i64(0);
          plan.dup.case_id = d[0].i64(1);
          plan.dup.urgency = d[0].str(2);
          plan.dup.language = d[0].str(3);
          plan.dup.duplicate = true;
          continue;
        }
        refs[p.in.external_ref] = static_cast<int>(t);
      }
      // Link to an existing case that shares an identifier and that this
      // organisation may see; remember other organisations' matches as a hint.
      for (size_t k = 0; k < p.idents.size(); ++k) {
        const auto& id = p.idents[k];
        std::vector<Seen> rows;
        for (const auto& row : A[ident_at[t][k]]) {
          int64_t cid = row.i64(0);
          rows.push_back({cid, row.null(1) ? 0 : row.i64(1), row.str(2)});
          urgency_of.emplace(cid, row.str(3));
          shared_with[{cid, actor.org}] = row.i64(4) != 0;
        }
        if (auto it = batch_idents.find(id.kind + "|" + id.blind); it != batch_idents.end())
          rows.insert(rows.end(), it->second.begin(), it->second.end());
        for (const auto& row : rows) {
          bool mine = actor.role == Role::kAdmin || row.org == actor.org;
          if (!mine && row.case_ref < kNew) {
            auto s = shared_with.find({row.case_ref, actor.org});
            if (s == shared_with.end()) {
              // Only reachable through another tip of this batch: ask once.
              auto q = Q("SELECT 1 FROM shares WHERE case_id = ? AND to_org = ?", {row.case_ref, actor.org});
              if (!q.ok()) return fail(q.status());
              s = shared_with.emplace(std::make_pair(row.case_ref, actor.org), !q->empty()).first;
            }
            mine = s->second;
          }
          if (mine) {
            if (plan.case_ref == 0 || row.case_ref < plan.case_ref) {
              plan.case_ref = row.case_ref;
              plan.link_kind = id.kind;
              plan.link_tip = row.tip_ref;
              plan.link_case = row.case_ref;
            }
          } else if (plan.elsewhere.size() < 5 && row.case_ref < kNew) {
            plan.elsewhere.push_back("case " + std::to_string(row.case_ref) + " of " + row.org + " (shared " +
                                     id.kind + ")");
          }
        }
      }
      if (plan.case_ref == 0) {
        plan.case_ref = kNew + new_cases++;
        plan.new_case = true;
        plan.urgency_after = p.triage.urgency;
      } else {
        std::string u = urgency_of[plan.case_ref];
        if (UrgencyRank(p.triage.urgency) > UrgencyRank(u)) u = p.triage.urgency;
        plan.urgency_after = u;
      }
      urgency_of[plan.case_ref] = plan.urgency_after;
      int64_t tip_ref = kNew + static_cast<int64_t>(t);
      for (const auto& id : p.idents)
        batch_idents[id.kind + "|" + id.blind].push_back({plan.case_ref, tip_ref, actor.org});
      ++new_tips;
      new_people += static_cast<int>(p.people.size());
    }

    // --- B: reserve ids (PostgreSQL: sequences; SQLite: the write lock is held,
    // so the next AUTOINCREMENT values are ours).
    std::vector<int64_t> case_ids, tip_ids, person_ids;
    {
      std::vector<SqlStatement> b;
      std::vector<std::pair<const char*, int>> wanted = {{"cases", new_cases}, {"tips", new_tips},
                                                         {"persons", new_people}};
      for (const auto& [table, n] : wanted) {
        if (n == 0) continue;
        if (pg())
          b.push_back({"SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, CAST(? AS INTEGER))",
                       {table, n}});
        else
          b.push_back({"SELECT seq FROM sqlite_sequence WHERE name = ?", {table}});
      }
      auto rb = conn.Pipeline(b);
      if (!rb.ok()) return fail(rb.status());
      size_t at = 0;
      std::vector<int64_t>* outs[] = {&case_ids, &tip_ids, &person_ids};
      for (size_t w = 0; w < wanted.size(); ++w) {
        int n = wanted[w].second;
        if (n == 0) continue;
        const auto& rows = (*rb)[at++];
        if (pg()) {
          for (const auto& r : rows) outs[w]->push_back(r.i64(0));
          std::sort(outs[w]->begin(), outs[w]->end());
        } else {
          int64_t seq = rows.empty() ? 0 : rows[0].i64(0);
          for (int i = 1; i <= n; ++i) outs[w]->push_back(seq + i);
        }
        if (outs[w]->size() != static_cast<size_t>(n))
          return fail(Status::Error(StatusCode::kIoError, std::string("could not reserve ids in ") + wanted[w].first));
      }
    }
    std::vector<int64_t> tip_id_of(tips.size(), 0);
    {
      size_t next = 0;
      for (size_t t = 0; t < tips.size(); ++t)
        if (!plans[t].duplicate) tip_id_of[t] = tip_ids[next++];
    }
    auto real_case = [&](int64_t ref) { return ref >= kNew ? case_ids[ref - kNew] : ref; };
    auto real_tip = [&](int64_t ref) { return ref >= kNew ? tip_id_of[ref - kNew] : ref; };

    // --- C: write everything and commit, in one pipeline.
    std::vector<SqlStatement> c;
    int64_t now = Now();
    size_t next_person = 0;
    auto event = [&](int64_t case_id, const char* kind, std::string detail, const Actor& actor) {
      c.push_back({"INSERT INTO events(case_id, at, kind, detail, actor) VALUES (?, ?, ?, ?, ?)",
                   {case_id, now, kind, std::move(detail), actor.name}});
    };
    for (size_t t = 0; t < tips.size(); ++t) {
      PreparedTip& p = *tips[t];
      Plan& plan = plans[t];
      if (plan.duplicate) continue;
      const Actor& actor = *p.actor;
      const TipInput& in = p.in;
      int64_t case_id = real_case(plan.case_ref), tip_id = tip_id_of[t];
      std::string reason;
      if (!plan.link_kind.empty()) {
        int64_t linked_tip = real_tip(plan.link_tip);
        reason = "shared " + plan.link_kind + " with " +
                 (linked_tip == 0 ? "a person in case " + std::to_string(real_case(plan.link_case))
                                  : "tip " + std::to_string(linked_tip));
      }
      if (plan.new_case) {
        c.push_back({"INSERT INTO cases(id, status, org, jurisdiction, unit, urgency, created_at, updated_at, "
                     "created_by) VALUES (?, 'new', ?, ?, '', ?, ?, ?, ?)",
                     {case_id, actor.org, actor.jurisdiction, p.triage.urgency, now, now, actor.name}});
      } else {
        c.push_back({"UPDATE cases SET urgency = ?, updated_at = ? WHERE id = ?", {plan.urgency_after, now, case_id}});
      }
      json flags = p.triage.flags;
      bool contact_allowed = !in.anonymous && in.contact.allowed;
      const Geocode& g = p.geo;
      c.push_back(
          {"INSERT INTO tips(id, case_id, received_at, channel, reporter_type, language, language_detected, urgency, "
           "urgency_flags, text_enc, location_enc, country, region, lat, lon, contact_allowed, contact_method, "
           "contact_enc, anonymous, link_reason, external_ref, created_by, geo_city, geo_region, geo_country, "
           "geo_lat, geo_lon, geo_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
           "?, ?, ?, ?, ?, ?)",
           {tip_id, case_id, now, in.channel, in.anonymous ? std::string("anonymous") : in.reporter_type, p.language,
            p.detected, p.triage.urgency, flags.dump(), p.text_enc,
            p.location_enc.empty() ? SqlValue() : SqlValue(p.location_enc), in.location.country, in.location.region,
            in.location.lat ? SqlValue(std::to_string(*in.location.lat)) : SqlValue(),
            in.location.lon ? SqlValue(std::to_string(*in.location.lon)) : SqlValue(), contact_allowed,
            contact_allowed ? in.contact.method : std::string("none"),
            p.contact_enc.empty() ? SqlValue() : SqlValue(p.contact_enc), in.anonymous, reason,
            in.external_ref.empty() ? SqlValue() : SqlValue(in.external_ref), actor.name,
            g.found ? SqlValue(g.city) : SqlValue(), g.found ? SqlValue(g.region) : SqlValue(),
            g.found ? SqlValue(g.country) : SqlValue(), g.found ? SqlValue(std::to_string(g.lat)) : SqlValue(),
            g.found ? SqlValue(std::to_string(g.lon)) : SqlValue(), g.found ? SqlValue(g.source) : SqlValue()}});
      std::vector<int64_t> people;
      for (const auto& person : p.people) {
        int64_t pid = person_ids[next_person++];
        people.push_back(pid);
        std::optional<int64_t> age, minor;
        if (person.in.age) {
          age = *person.in.age;
          minor = *person.in.age < 18 ? 1 : 0;
        }
        c.push_back({"INSERT INTO persons(id, case_id, role, name_enc, age, minor, gender, citizenship, notes_enc, "
                     "source_tip_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     {pid, case_id, person.in.role, person.name_enc.empty() ? SqlValue() : SqlValue(person.name_enc),
                      age, minor, person.in.gender, person.in.citizenship,
                      person.notes_enc.empty() ? SqlValue() : SqlValue(person.notes_enc), tip_id, now}});
      }
      for (const auto& id : p.idents) {
        SqlValue pid = id.person_index >= 0 ? SqlValue(people[id.person_index]) : SqlValue();
        c.push_back({"INSERT INTO identifiers(case_id, tip_id, person_id, kind, blind, value_enc) VALUES (?, ?, ?, ?, "
                     "?, ?)",
                     {case_id, tip_id, pid, id.kind, id.blind, id.value_enc}});
      }
      if (!in.location.text.empty() || !in.location.country.empty() || g.found) {
        // The place as told, with the gazetteer's reading where the caller gave no country/coordinates.
        std::string country = !in.location.country.empty() ? in.location.country : g.country;
        std::string region = !in.location.region.empty() ? in.location.region : g.region;
        std::optional<double> lat = in.location.lat, lon = in.location.lon;
        if (!lat && !lon && g.found) {
          lat = g.lat;
          lon = g.lon;
        }
        c.push_back({"INSERT INTO places(case_id, kind, description_enc, country, region, lat, lon, tip_id, "
                     "created_at) VALUES (?, 'tip_location', ?, ?, ?, ?, ?, ?, ?)",
                     {case_id, p.location_enc.empty() ? SqlValue() : SqlValue(p.location_enc), country, region,
                      lat ? SqlValue(std::to_string(*lat)) : SqlValue(),
                      lon ? SqlValue(std::to_string(*lon)) : SqlValue(), tip_id, now}});
      }
      for (const auto& form : in.exploitation)
        c.push_back({"INSERT INTO exploitation(case_id, form) VALUES (?, ?) ON CONFLICT DO NOTHING", {case_id, form}});
      event(case_id, "tip_received", "tip " + std::to_string(tip_id) + " via " + in.channel + ", urgency " +
                                         p.triage.urgency, actor);
      if (!reason.empty()) event(case_id, "tip_linked", "tip " + std::to_string(tip_id) + ": " + reason, actor);
      for (const auto& e : plan.elsewhere)
        event(case_id, "possible_link", "an identifier also appears in " + e + "; request a share", actor);
      // The audit entry, chained in memory from the head read under the lock.
      std::string role = RoleName(actor.role), detail = "case " + std::to_string(case_id);
      std::string hash = EntryHash(head, now, actor.user_id, actor.name, role, actor.org, "tip.create", "tip", tip_id,
                                   "ok", detail);
      c.push_back({"INSERT INTO audit(at, actor_id, actor, role, org, action, object_type, object_id, outcome, "
                   "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {now, actor.user_id, actor.name, role, actor.org, "tip.create", "tip", tip_id, "ok", detail, head,
                    hash}});
      head = hash;
      TipReceipt rc;
      rc.tip_id = tip_id;
      rc.case_id = case_id;
      rc.new_case = plan.new_case;
      rc.link_reason = reason;
      rc.urgency = p.triage.urgency;
      rc.language = p.language;
      p.result = rc;
    }
    c = MergeRows(std::move(c));
    c.push_back({"COMMIT", {}});
    auto rc = conn.Pipeline(c);
    if (!rc.ok()) return fail(rc.status());
    for (size_t t = 0; t < tips.size(); ++t) {
      if (!plans[t].duplicate) continue;
      if (plans[t].dup_of >= 0) {
        TipReceipt d = tips[plans[t].dup_of]->result.value();
        d.duplicate = true;
        d.new_case = false;
        tips[t]->result = d;
      } else {
        tips[t]->result = plans[t].dup;
      }
    }
    return true;
  }

  // Turns the single-row statements of a batch into multi-row INSERTs, one
  // table after another in foreign-key order; of several urgency updates of one
  // case only the last (highest) is kept. Fewer, larger statements cost the
  // server far less than one statement per row. Rows per statement are 64, 16,
  // 4 or 1, so each table has at most four prepared shapes.
  std::vector<SqlStatement> MergeRows(std::vector<SqlStatement> in) {
    static const std::string_view kOrder[] = {"INSERT INTO cases(",  "INSERT INTO tips(",   "INSERT INTO persons(",
                                              "INSERT INTO identifiers(", "INSERT INTO places(",
                                              "INSERT INTO exploitation(", "UPDATE cases ", "INSERT INTO events(",
                                              "INSERT INTO audit("};
    std::vector<SqlStatement> out;
    size_t placed = 0;
    for (std::string_view prefix : kOrder) {
      std::vector<SqlStatement*> group;
      for (auto& st : in)
        if (st.sql.substr(0, prefix.size()) == prefix) group.push_back(&st);
      placed += group.size();
      if (group.empty()) continue;
      if (prefix[0] == 'U') {
        std::unordered_map<std::string, size_t> last;  // case id -> index of its last update
        for (size_t i = 0; i < group.size(); ++i) last[group[i]->params.at(2).text] = i;
        for (size_t i = 0; i < group.size(); ++i)
          if (last[group[i]->params.at(2).text] == i) out.push_back(std::move(*group[i]));
        continue;
      }
      for (auto* st : group)
        if (st->sql != group[0]->sql) return in;  // one shape per table expected; else leave as is
      for (size_t i = 0; i < group.size();) {
        size_t left = group.size() - i, k = left >= 64 ? 64 : left >= 16 ? 16 : left >= 4 ? 4 : 1;
        SqlStatement merged{MultiRowSql(group[i]->sql, k), {}};
        merged.params.reserve(k * group[i]->params.size());
        for (size_t j = i; j < i + k; ++j)
          for (auto& v : group[j]->params) merged.params.push_back(std::move(v));
        out.push_back(std::move(merged));
        i += k;
      }
    }
    if (placed != in.size()) return in;  // a statement of another kind: keep the original order
    return out;
  }

  // "INSERT ... VALUES (?, ?)[ suffix]" with the tuple repeated `rows` times (kept for the pipeline's lifetime).
  std::string_view MultiRowSql(std::string_view sql, size_t rows) {
    if (rows == 1) return sql;
    std::lock_guard lock(multi_sql_mu_);
    std::string key = std::string(sql) + "#" + std::to_string(rows);
    auto it = multi_sql_.find(key);
    if (it != multi_sql_.end()) return it->second;
    size_t open = sql.find("VALUES (") + 7, close = sql.find(')', open);
    std::string_view tuple = sql.substr(open, close + 1 - open);
    std::string text(sql.substr(0, open));
    for (size_t r = 0; r < rows; ++r) {
      if (r) text += ", ";
      text += tuple;
    }
    text += sql.substr(close + 1);
    return multi_sql_.emplace(key, std::move(text)).first->second;
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
                  "anonymous, link_reason, created_by, erased, geo_city, geo_region, geo_country, geo_lat, geo_lon, geo_source "
                  "FROM tips WHERE case_id = ? ORDER BY id",
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
                           {"erased", r.i64(20) != 0},
                           {"geocode", r.null(26) ? json(nullptr)
                                                  : json{{"city", r.str(21)},
                                                         {"region", r.str(22)},
                                                         {"country", r.str(23)},
                                                         {"lat", r.f64(24)},
                                                         {"lon", r.f64(25)},
                                                         {"source", r.str(26)}}}});
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

  std::unique_ptr<ConnectionPool> pool_;
  FieldCipher cipher_;
  int version_;
  std::mutex sqlite_write_mu_;  // SQLite: this process's writers, one at a time
  std::mutex queue_mu_;         // queue_, stop_, writer_
  std::condition_variable queue_cv_;
  std::vector<PreparedTip*> queue_;
  bool stop_ = false;
  std::thread writer_;
  std::mutex multi_sql_mu_;
  std::unordered_map<std::string, std::string> multi_sql_;  // multi-row statement texts (node-stable)
};

}  // namespace

Result<std::unique_ptr<CaseDatabase>> CaseDatabase::Open(const OpenOptions& options) {
  const std::string& url = options.url;
  ConnectionPool::Opener opener;
  size_t connections = options.connections;
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.empty()) return Status::Error(StatusCode::kInvalidInput, "--cases sqlite: needs a path, e.g. sqlite:/data/cases.sqlite");
    opener = [path] { return OpenSqlite(path); };
    if (connections == 0) connections = 4;  // readers; writers take turns anyway
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    opener = [url] { return OpenPostgres(url); };
    if (connections == 0) connections = 8;
  } else {
    return Status::Error(StatusCode::kInvalidInput,
                         "--cases '" + url.substr(0, 40) +
                             "' is not understood; use sqlite:PATH or postgresql://USER@HOST:PORT/DB");
  }
  auto conn = opener();
  if (!conn.ok()) return conn.status();
  auto cipher = FieldCipher::Load(options.key_dir.empty() ? "." : options.key_dir);
  if (!cipher.ok()) return cipher.status();
  auto version = Migrate(**conn);
  if (!version.ok()) return version.status();
  auto pool = std::make_unique<ConnectionPool>(std::move(conn).value(), opener, connections);
  return std::unique_ptr<CaseDatabase>(
      std::make_unique<SqlCaseDatabase>(std::move(pool), std::move(cipher).value(), *version));
}

}  // namespace lodestar::cases
