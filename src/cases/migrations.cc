#include "cases/migrations.h"

#include <ctime>
#include <string>
#include <vector>

namespace lodestar::cases {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "users, tips, cases, people, screening, decisions, missing persons, audit", R"SQL(
CREATE TABLE users (
  id {ID}, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, org TEXT NOT NULL,
  jurisdiction TEXT NOT NULL DEFAULT '', password_hash TEXT NOT NULL,
  created_at {INT} NOT NULL, disabled {INT} NOT NULL DEFAULT 0);
CREATE TABLE tokens (
  id {ID}, user_id {INT} NOT NULL REFERENCES users(id), token_hash TEXT NOT NULL UNIQUE,
  created_at {INT} NOT NULL, revoked {INT} NOT NULL DEFAULT 0);
CREATE TABLE cases (
  id {ID}, status TEXT NOT NULL, org TEXT NOT NULL, jurisdiction TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '', urgency TEXT NOT NULL, created_at {INT} NOT NULL,
  updated_at {INT} NOT NULL, created_by TEXT NOT NULL);
CREATE INDEX cases_org ON cases(org);
CREATE TABLE tips (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), received_at {INT} NOT NULL,
  channel TEXT NOT NULL, reporter_type TEXT NOT NULL, language TEXT NOT NULL,
  language_detected {INT} NOT NULL, urgency TEXT NOT NULL, urgency_flags TEXT NOT NULL,
  text_enc TEXT, location_enc TEXT, country TEXT NOT NULL DEFAULT '', region TEXT NOT NULL DEFAULT '',
  lat {REAL}, lon {REAL}, contact_allowed {INT} NOT NULL, contact_method TEXT NOT NULL,
  contact_enc TEXT, anonymous {INT} NOT NULL, link_reason TEXT NOT NULL DEFAULT '',
  external_ref TEXT UNIQUE, created_by TEXT NOT NULL, erased {INT} NOT NULL DEFAULT 0);
CREATE INDEX tips_case ON tips(case_id);
CREATE TABLE persons (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), role TEXT NOT NULL, name_enc TEXT,
  age {INT}, minor {INT}, gender TEXT NOT NULL, citizenship TEXT NOT NULL DEFAULT '', notes_enc TEXT,
  source_tip_id {INT} REFERENCES tips(id), created_at {INT} NOT NULL,
  erased {INT} NOT NULL DEFAULT 0, erased_at {INT});
CREATE INDEX persons_case ON persons(case_id);
CREATE TABLE identifiers (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), tip_id {INT} REFERENCES tips(id),
  person_id {INT} REFERENCES persons(id), kind TEXT NOT NULL, blind TEXT NOT NULL, value_enc TEXT NOT NULL);
CREATE INDEX identifiers_blind ON identifiers(kind, blind);
CREATE INDEX identifiers_case ON identifiers(case_id);
CREATE TABLE places (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), kind TEXT NOT NULL, description_enc TEXT,
  country TEXT NOT NULL DEFAULT '', region TEXT NOT NULL DEFAULT '', lat {REAL}, lon {REAL},
  tip_id {INT} REFERENCES tips(id), created_at {INT} NOT NULL);
CREATE INDEX places_case ON places(case_id);
CREATE TABLE exploitation (
  case_id {INT} NOT NULL REFERENCES cases(id), form TEXT NOT NULL, PRIMARY KEY (case_id, form));
CREATE TABLE assignments (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), org TEXT NOT NULL, unit TEXT NOT NULL,
  jurisdiction TEXT NOT NULL, assigned_by TEXT NOT NULL, at {INT} NOT NULL);
CREATE TABLE shares (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), from_org TEXT NOT NULL,
  from_jurisdiction TEXT NOT NULL, to_org TEXT NOT NULL, to_jurisdiction TEXT NOT NULL,
  scope TEXT NOT NULL, reason TEXT NOT NULL, shared_by TEXT NOT NULL, at {INT} NOT NULL);
CREATE INDEX shares_case ON shares(case_id);
CREATE TABLE events (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), at {INT} NOT NULL, kind TEXT NOT NULL,
  detail TEXT NOT NULL, actor TEXT NOT NULL);
CREATE INDEX events_case ON events(case_id);
CREATE TABLE screenings (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), person_id {INT} NOT NULL REFERENCES persons(id),
  at {INT} NOT NULL, screened_by TEXT NOT NULL, answers TEXT NOT NULL, palermo TEXT NOT NULL,
  tvpa TEXT NOT NULL, explanation TEXT NOT NULL, notes_enc TEXT);
CREATE TABLE decisions (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), person_id {INT} NOT NULL REFERENCES persons(id),
  stage TEXT NOT NULL, outcome TEXT NOT NULL, decision_maker TEXT NOT NULL, reasons_enc TEXT,
  services TEXT NOT NULL, decided_at {INT} NOT NULL, due_at {INT}, not_before {INT}, on_time {INT},
  recorded_by TEXT NOT NULL, recorded_at {INT} NOT NULL);
CREATE INDEX decisions_person ON decisions(person_id);
CREATE TABLE ad_links (
  id {ID}, case_id {INT} NOT NULL REFERENCES cases(id), ad_id TEXT NOT NULL, identifier_kind TEXT NOT NULL,
  identifier_blind TEXT NOT NULL, evidence TEXT NOT NULL, network_id TEXT NOT NULL DEFAULT '',
  score {REAL} NOT NULL, linked_at {INT} NOT NULL,
  UNIQUE (case_id, ad_id, identifier_kind, identifier_blind));
CREATE TABLE missing_reports (
  id {ID}, external_id TEXT NOT NULL, source TEXT NOT NULL, name_enc TEXT, age {INT},
  gender TEXT NOT NULL, place_enc TEXT, last_seen {INT}, imported_at {INT} NOT NULL,
  erased {INT} NOT NULL DEFAULT 0);
CREATE TABLE audit (
  id {ID}, at {INT} NOT NULL, actor_id {INT} NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
  org TEXT NOT NULL, action TEXT NOT NULL, object_type TEXT NOT NULL, object_id {INT} NOT NULL,
  outcome TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
)SQL"},
      {2, "when each case was last scanned for matching ads", R"SQL(
ALTER TABLE cases ADD COLUMN ads_scanned_at {INT} NOT NULL DEFAULT 0;
CREATE INDEX audit_at ON audit(at);
)SQL"},
      {3, "tip geocoding (gazetteer); token revocation time", R"SQL(
ALTER TABLE tips ADD COLUMN geo_city TEXT;
ALTER TABLE tips ADD COLUMN geo_region TEXT;
ALTER TABLE tips ADD COLUMN geo_country TEXT;
ALTER TABLE tips ADD COLUMN geo_lat {REAL};
ALTER TABLE tips ADD COLUMN geo_lon {REAL};
ALTER TABLE tips ADD COLUMN geo_source TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at {INT};
CREATE INDEX tokens_user ON tokens(user_id);
)SQL"},
  };
  return kMigrations;
}

std::string ForDialect(std::string sql, SqlConnection::Dialect d) {
  bool pg = d == SqlConnection::Dialect::kPostgres;
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t p = sql.find(from); p != std::string::npos; p = sql.find(from, p + to.size()))
      sql.replace(p, from.size(), to);
  };
  replace("{ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  replace("{INT}", pg ? "BIGINT" : "INTEGER");
  replace("{REAL}", pg ? "DOUBLE PRECISION" : "REAL");
  return sql;
}

}  // namespace

core::Result<int> Migrate(SqlConnection& conn) {
  bool pg = conn.dialect() == SqlConnection::Dialect::kPostgres;
  // Serialise concurrent openers (a server and a CLI starting together).
  if (pg) {
    auto r = conn.Query("SELECT pg_advisory_lock(74100)");
    if (!r.ok()) return r.status();
  }
  auto unlock = [&] {
    if (pg) (void)conn.Query("SELECT pg_advisory_unlock(74100)");
  };
  auto st = conn.ExecScript(ForDialect(
      "CREATE TABLE IF NOT EXISTS schema_version (version {INT} PRIMARY KEY, applied_at {INT} NOT NULL, "
      "description TEXT NOT NULL)",
      conn.dialect()));
  if (!st.ok()) {
    unlock();
    return st;
  }
  auto cur = conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!cur.ok()) {
    unlock();
    return cur.status();
  }
  int version = static_cast<int>((*cur)[0].i64(0));
  if (version > kSchemaVersion) {
    unlock();
    return core::Status::Error(core::StatusCode::kIncompatible,
                               "the cases database has schema version " + std::to_string(version) +
                                   " but this lodestar knows only up to " + std::to_string(kSchemaVersion) +
                                   "; upgrade lodestar");
  }
  for (const auto& m : Migrations()) {
    if (m.version <= version) continue;
    st = conn.Begin();
    if (st.ok()) {
      // Re-check inside the write lock: another SQLite process may have migrated meanwhile.
      auto again = conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
      if (!again.ok()) {
        st = again.status();
      } else if ((*again)[0].i64(0) >= m.version) {
        st = conn.Commit();
        version = static_cast<int>((*again)[0].i64(0));
        continue;
      } else {
        st = conn.ExecScript(ForDialect(m.sql, conn.dialect()));
        if (st.ok()) {
          auto ins = conn.Query("INSERT INTO schema_version(version, applied_at, description) VALUES (?, ?, ?)",
                                {m.version, static_cast<int64_t>(std::time(nullptr)), m.description});
          if (!ins.ok()) st = ins.status();
        }
        if (st.ok()) st = conn.Commit();
      }
    }
    if (!st.ok()) {
      (void)conn.Rollback();
      unlock();
      return core::Status::Error(st.code(), "migration to schema version " + std::to_string(m.version) +
                                                " failed: " + st.message());
    }
    version = m.version;
  }
  unlock();
  return version;
}

}  // namespace lodestar::cases
