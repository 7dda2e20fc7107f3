// lodestar users / tips / cases / missing / serve: the case side (issue 6).
// Thin commands: parse flags, call cases::CaseDatabase or server::Serve, print.
// Personal data is printed only by commands that exist to show it (cases show).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cases/case_db.h"
#include "cases/request_json.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/time.h"
#include "server/server.h"

namespace lodestar::cli {

namespace {

// Flags every case command takes.
struct Common {
  std::string db, cases_url, token;
};

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--db", c.db, "Lodestar directory (ad store; holds cases.sqlite and cases.key)")->required();
  cmd->add_option("--cases", c.cases_url, "Cases database: sqlite:PATH or postgresql://USER@HOST:PORT/DB "
                                          "(default sqlite:DB/cases.sqlite)");
  cmd->add_option("--token", c.token, "Act as the user owning this API token (default: local admin; env "
                                      "LODESTAR_TOKEN)");
}

struct Session {
  std::unique_ptr<cases::CaseDatabase> db;
  cases::Actor actor;
};

// Opens the database and works out who is acting. Prints the error and
// returns nullopt on failure.
std::optional<Session> OpenSession(const Common& c, int& exit_code, const std::string& default_org = "local") {
  std::error_code ec;
  std::filesystem::create_directories(c.db, ec);
  cases::OpenOptions o;
  o.url = c.cases_url.empty() ? cases::DefaultCasesUrl(c.db) : c.cases_url;
  o.key_dir = c.db;
  auto db = cases::CaseDatabase::Open(o);
  if (!db.ok()) {
    Fail(exit_code, db.status());
    return std::nullopt;
  }
  Session s{std::move(*db), cases::Actor::LocalAdmin()};
  s.actor.org = default_org;
  std::string token = c.token;
  if (token.empty())
    if (const char* env = std::getenv("LODESTAR_TOKEN")) token = env;
  if (!token.empty()) {
    auto a = s.db->Authenticate(token);
    if (!a.ok() || !*a) {
      Fail(exit_code, "--token is not a valid API token for this cases database");
      return std::nullopt;
    }
    s.actor = **a;
  }
  return s;
}

// Prints a case database error; returns the exit code: 3 for a permission refusal, else 1.
int PrintCaseError(const core::Status& st) {
  PrintError(st.message());
  return cases::IsPermissionDenied(st) ? 3 : 1;
}

bool ReadInput(const std::string& path, std::string& out) {
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    out = ss.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

void PrintJson(const std::string& text) {
  auto j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (j.is_discarded()) fmt::print("{}\n", text);
  else fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace

void RegisterUsers(CLI::App& app, int& exit_code) {
  auto* users = app.add_subcommand("users", "Accounts and API tokens for the case side");
  users->require_subcommand(1);
  {
    auto* cmd = users->add_subcommand("add", "Create a user; prints the new API token as the last word");
    struct Flags {
      Common c;
      std::string name, role, org, jurisdiction;
      bool password_stdin = false;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("name", f->name, "User name")->required();
    cmd->add_option("--role", f->role, "admin, operator, investigator, caseworker, decision_maker, analyst or "
                                       "researcher")
        ->required();
    cmd->add_option("--org", f->org, "Organisation (per-record access is by organisation)")->required();
    cmd->add_option("--jurisdiction", f->jurisdiction, "Jurisdiction (e.g. US-OR, IN-MH, GB)");
    cmd->add_flag("--password-stdin", f->password_stdin, "Read a login password from standard input "
                                                         "(default: token-only account)");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      cases::UserInput u{f->name, f->role, f->org, f->jurisdiction, ""};
      if (f->password_stdin) {
        std::getline(std::cin, u.password);
        if (u.password.size() < 12) return Fail(exit_code, "the password must have at least 12 characters", 2);
      }
      auto r = s->db->AddUser(s->actor, u);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      fmt::print("created user {} (id {}, role {}, org {}); API token (shown once): {}\n", f->name, r->user_id,
                 f->role, f->org, r->token);
    });
  }
  {
    auto* cmd = users->add_subcommand("token", "Issue another API token for a user (last word of the output)");
    struct Flags {
      Common c;
      std::string name;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("name", f->name, "User name")->required();
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto r = s->db->NewTokenFor(s->actor, f->name);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      fmt::print("new API token for {} (shown once): {}\n", f->name, *r);
    });
  }
  {
    auto* cmd = users->add_subcommand("tokens", "List API tokens (ids, owners, revocation; never the tokens)");
    struct Flags {
      Common c;
      std::string name;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("name", f->name, "Only this user's tokens");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto r = s->db->ListTokens(s->actor, f->name);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      fmt::print("{:>6}  {:<20}  {:<20}  {}\n", "id", "user", "created", "status");
      for (const auto& t : *r)
        fmt::print("{:>6}  {:<20}  {:<20}  {}\n", t.id, t.user, core::FormatDateTime(t.created_at),
                   t.revoked ? "revoked " + (t.revoked_at ? core::FormatDateTime(*t.revoked_at) : std::string())
                             : std::string("active"));
    });
  }
  {
    auto* cmd = users->add_subcommand("revoke-token", "Revoke one API token (--id) or every token of a user "
                                                      "(--user); takes effect at once, also in a running server");
    struct Flags {
      Common c;
      int64_t id = 0;
      std::string user;
    };
    auto f = std::make_shared<Flags>();
    auto* id = cmd->add_option("--id", f->id, "Token id (see `lodestar users tokens`)");
    auto* user = cmd->add_option("--user", f->user, "Revoke every active token of this user");
    id->excludes(user);
    user->excludes(id);
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      if (f->id <= 0 && f->user.empty()) {
        return Fail(exit_code,
                    "users revoke-token needs --id TOKEN_ID or --user NAME (list ids with `lodestar users tokens`)", 2);
      }
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto r = s->db->RevokeTokens(s->actor, f->id, f->user);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      fmt::print("revoked {} token{}\n", *r, *r == 1 ? "" : "s");
    });
  }
}

void RegisterTips(CLI::App& app, int& exit_code) {
  auto* tips = app.add_subcommand("tips", "Hotline intake: file and list tips");
  tips->require_subcommand(1);
  {
    auto* cmd = tips->add_subcommand("add", "File a tip (durable when this returns); prints tip and case ids");
    struct Flags {
      Common c;
      std::string json_file, org = "local";
      cases::TipInput t;
      std::string location, country;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("--json", f->json_file, "Read the tip as JSON (docs/api.md shape) from FILE or '-'");
    cmd->add_option("--channel", f->t.channel, "call, sms, chat, web, email or referral");
    cmd->add_option("--text", f->t.text, "What the reporter said");
    cmd->add_option("--reporter-type", f->t.reporter_type, "victim, family, friend, community, professional, ...");
    cmd->add_option("--language", f->t.language, "BCP 47 tag (default: detected)");
    cmd->add_option("--urgency", f->t.urgency, "immediate, high or standard (default: triaged)");
    cmd->add_option("--phone", f->t.phones, "Phone number mentioned (repeatable)");
    cmd->add_option("--email", f->t.emails, "E-mail address mentioned (repeatable)");
    cmd->add_option("--handle", f->t.handles, "Social-media handle mentioned (repeatable)");
    cmd->add_option("--name", f->t.names, "Name mentioned (repeatable)");
    cmd->add_option("--exploitation", f->t.exploitation, "Form of exploitation (repeatable)");
    cmd->add_option("--location", f->location, "Location as told");
    cmd->add_option("--country", f->country, "ISO 3166-1 alpha-2 country of the location");
    cmd->add_flag("--anonymous", f->t.anonymous, "The reporter stays anonymous");
    cmd->add_option("--org", f->org, "Organisation receiving the tip when acting as local admin (default local)");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      cases::TipInput tip = f->t;
      if (!f->json_file.empty()) {
        std::string body;
        if (!ReadInput(f->json_file, body)) return Fail(exit_code, "cannot read --json " + f->json_file, 2);
        auto parsed = cases::ParseTipJson(body);
        if (auto* e = std::get_if<cases::FieldError>(&parsed))
          return Fail(exit_code, fmt::format("{}: field '{}': {}", f->json_file, e->field, e->reason), 2);
        tip = std::get<cases::TipInput>(parsed);
      } else {
        tip.location.text = f->location;
        tip.location.country = f->country;
        if (auto e = cases::ValidateTip(tip)) return Fail(exit_code, fmt::format("--{}: {}", e->field, e->reason), 2);
      }
      auto s = OpenSession(f->c, exit_code, f->org);
      if (!s) return;
      auto r = s->db->AddTip(s->actor, tip);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      fmt::print("tip {} filed in case {} ({}); urgency {}, language {}\n", r->tip_id, r->case_id,
                 r->duplicate ? "duplicate of an earlier submission"
                 : r->new_case ? "new case"
                               : "linked: " + r->link_reason,
                 r->urgency, r->language);
    });
  }
  {
    auto* cmd = tips->add_subcommand("list", "List recent tips (no free text)");
    struct Flags {
      Common c;
      int limit = 50;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("--limit", f->limit, "How many (default 50)");
    cmd->add_flag("--json", f->json, "JSON output");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto r = s->db->ListTipsJson(s->actor, f->limit);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      if (f->json) return PrintJson(*r);
      auto j = nlohmann::json::parse(*r);
      fmt::print("{:>6} {:>6}  {:20}  {:8}  {:9}  {:5}  {}\n", "tip", "case", "received", "channel", "urgency", "lang",
                 "flags");
      for (const auto& t : j) {
        std::string flags;
        for (const auto& x : t["urgency_flags"]) {
          if (!flags.empty()) flags += ',';  // not `"," + s`: GCC 12 -Wrestrict false positive (bug 105329)
          flags += x.get<std::string>();
        }
        fmt::print("{:>6} {:>6}  {:20}  {:8}  {:9}  {:5}  {}\n", t["id"].get<int64_t>(), t["case_id"].get<int64_t>(),
                   t["received_at"].get<std::string>(), t["channel"].get<std::string>(),
                   t["urgency"].get<std::string>(), t["language"].get<std::string>(), flags);
      }
    });
  }
}

void RegisterCases(CLI::App& app, int& exit_code) {
  auto* cases_cmd = app.add_subcommand("cases", "Cases: show, people, status, assignment, sharing, screening, "
                                                "decisions, erasure, audit, statistics");
  cases_cmd->require_subcommand(1);
  {
    auto* cmd = cases_cmd->add_subcommand("show", "Print a case as JSON (personal data: the read is audited)");
    struct Flags {
      Common c;
      int64_t id = 0;
      bool link = false;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_flag("--link-ads", f->link, "First look the case's phones, e-mails and handles up in the ad store");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      if (f->link) {
        auto intel = cases::OpenStoreAdIntelligence(f->c.db);
        if (!intel) {
          fmt::print(stderr, "note: {} holds no ad store; no ads to link\n", f->c.db);
        } else {
          auto n = s->db->LinkAds(s->actor, f->id, *intel);
          if (!n.ok()) {
            exit_code = PrintCaseError(n.status());
            return;
          }
        }
      }
      auto r = s->db->GetCaseJson(s->actor, f->id);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      PrintJson(*r);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("add-person", "Add a person to a case; prints the person id");
    struct Flags {
      Common c;
      int64_t id = 0;
      cases::PersonInput p;
      int age = -1;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_option("--role", f->p.role, "potential_victim, suspect, reporter, witness, missing_person, other");
    cmd->add_option("--name", f->p.name, "Name");
    cmd->add_option("--age", f->age, "Age in years");
    cmd->add_option("--gender", f->p.gender, "female, male, transgender, other, unknown");
    cmd->add_option("--citizenship", f->p.citizenship, "ISO 3166-1 alpha-2");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      if (f->age >= 0) f->p.age = f->age;
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto r = s->db->AddPerson(s->actor, f->id, f->p);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      fmt::print("person {} added to case {}\n", *r, f->id);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("status", "Move a case through new/triaged/investigating/referred/closed");
    struct Flags {
      Common c;
      int64_t id = 0;
      std::string status, note;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_option("status", f->status, "New status")->required();
    cmd->add_option("--note", f->note, "Why (recorded in the timeline; no personal data)");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto st = s->db->SetStatus(s->actor, f->id, f->status, f->note);
      if (!st.ok()) exit_code = PrintCaseError(st);
      else fmt::print("case {} is now {}\n", f->id, f->status);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("assign", "Assign (transfer) a case to an organisation/unit/jurisdiction");
    struct Flags {
      Common c;
      int64_t id = 0;
      std::string org, unit, jurisdiction;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_option("--org", f->org, "Organisation")->required();
    cmd->add_option("--unit", f->unit, "Unit (e.g. an AHTU)");
    cmd->add_option("--jurisdiction", f->jurisdiction, "Jurisdiction");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto st = s->db->Assign(s->actor, f->id, f->org, f->unit, f->jurisdiction);
      if (!st.ok()) exit_code = PrintCaseError(st);
      else fmt::print("case {} assigned to {}\n", f->id, f->org);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("share", "Share a case with another organisation or jurisdiction");
    struct Flags {
      Common c;
      int64_t id = 0;
      std::string org, jurisdiction, scope = "full", reason;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_option("--to-org", f->org, "Organisation to share with");
    cmd->add_option("--to-jurisdiction", f->jurisdiction, "Jurisdiction to share with");
    cmd->add_option("--scope", f->scope, "full, summary, persons or decisions (default full)");
    cmd->add_option("--reason", f->reason, "Why (recorded)")->required();
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto st = s->db->Share(s->actor, f->id, f->org, f->jurisdiction, f->scope, f->reason);
      if (!st.ok()) exit_code = PrintCaseError(st);
      else fmt::print("case {} shared ({})\n", f->id, f->scope);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("screen", "Record a Palermo/TVPA screening (decision support)");
    struct Flags {
      Common c;
      int64_t id = 0;
      cases::ScreeningInput in;
      int age = -1;
      std::string consent;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_option("--person", f->in.person_id, "Person id")->required();
    cmd->add_option("--act", f->in.acts, "recruitment, transportation, transfer, harbouring, receipt, ...");
    cmd->add_option("--means", f->in.means, "threat, force, coercion, abduction, fraud, deception, ...");
    cmd->add_option("--purpose", f->in.purposes, "sexual_exploitation, forced_labour, slavery, servitude, ...");
    cmd->add_flag("--act-unknown", f->in.act_unknown, "Act not yet established");
    cmd->add_flag("--means-unknown", f->in.means_unknown, "Means not yet established");
    cmd->add_flag("--purpose-unknown", f->in.purpose_unknown, "Purpose not yet established");
    cmd->add_option("--consent", f->consent, "yes or no: did the person consent");
    cmd->add_option("--age", f->age, "Age (overrides the recorded age)");
    cmd->add_flag("--commercial-sex-act", f->in.commercial_sex_act, "A commercial sex act occurred (TVPA)");
    cmd->add_option("--labour-purpose", f->in.labour_purposes, "involuntary_servitude, peonage, debt_bondage, slavery");
    cmd->add_option("--indicator", f->in.indicators, "Indicator code supporting the answers (repeatable)");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      if (f->age >= 0) f->in.age = f->age;
      if (f->consent == "yes") f->in.consent_given = true;
      else if (f->consent == "no") f->in.consent_given = false;
      else if (!f->consent.empty()) return Fail(exit_code, "--consent must be yes or no", 2);
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto r = s->db->Screen(s->actor, f->id, f->in);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      PrintJson(*r);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("decide", "Record a referral, reasonable-grounds or conclusive-grounds "
                                                    "decision");
    struct Flags {
      Common c;
      int64_t id = 0;
      cases::DecisionInput in;
      std::string date;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("id", f->id, "Case id")->required();
    cmd->add_option("--person", f->in.person_id, "Person id")->required();
    cmd->add_option("--stage", f->in.stage, "referral, reasonable_grounds or conclusive_grounds")->required();
    cmd->add_option("--outcome", f->in.outcome, "referred, positive, negative or withdrawn")->required();
    cmd->add_option("--maker", f->in.decision_maker, "Decision maker (default: the acting user)");
    cmd->add_option("--reasons", f->in.reasons, "Reasons (required for grounds decisions)");
    cmd->add_option("--service", f->in.services, "Service referred to (repeatable)");
    cmd->add_option("--date", f->date, "Date of the decision (default now)");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      if (!f->date.empty()) {
        f->in.decided_at = core::ParseTimestamp(f->date);
        if (!f->in.decided_at) return Fail(exit_code, fmt::format("--date {}: use YYYY-MM-DD", f->date), 2);
      }
      if (auto e = cases::ValidateDecision(f->in))
        return Fail(exit_code, fmt::format("{}: {}", e->field, e->reason), 2);
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto r = s->db->Decide(s->actor, f->id, f->in);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      PrintJson(*r);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("erase-person", "Erase a person's personal data (aggregates stay)");
    struct Flags {
      Common c;
      int64_t id = 0;
      std::string reason;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("person", f->id, "Person id")->required();
    cmd->add_option("--reason", f->reason, "Why (e.g. the data subject's request); recorded in the audit log")
        ->required();
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      auto st = s->db->ErasePerson(s->actor, f->id, f->reason);
      if (!st.ok()) exit_code = PrintCaseError(st);
      else fmt::print("personal data of person {} erased\n", f->id);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("audit", "Print or verify the hash-chained audit log");
    struct Flags {
      Common c;
      bool verify = false;
      int64_t after = 0;
      int limit = 100;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_flag("--verify", f->verify, "Recompute the chain; exit 1 if any entry was altered or removed");
    cmd->add_option("--after", f->after, "Entries after this id");
    cmd->add_option("--limit", f->limit, "How many (default 100)");
    AddCommon(cmd, f->c);
    cmd->callback([f, &exit_code] {
      auto s = OpenSession(f->c, exit_code);
      if (!s) return;
      if (f->verify) {
        auto v = s->db->VerifyAudit(s->actor);
        if (!v.ok()) {
          exit_code = PrintCaseError(v.status());
          return;
        }
        fmt::print("{}{}\n", v->message, v->ok ? "; head " + v->head_hash : "");
        if (!v->ok) exit_code = 1;
        return;
      }
      auto r = s->db->AuditJson(s->actor, f->after, f->limit);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      PrintJson(*r);
    });
  }
  {
    auto* cmd = cases_cmd->add_subcommand("stats", "Aggregate counts (no personal data; small cells suppressed)");
    auto c = std::make_shared<Common>();
    AddCommon(cmd, *c);
    cmd->callback([c, &exit_code] {
      auto s = OpenSession(*c, exit_code);
      if (!s) return;
      auto r = s->db->AggregatesJson(s->actor);
      if (!r.ok()) {
        exit_code = PrintCaseError(r.status());
        return;
      }
      PrintJson(*r);
    });
  }
  // Missing persons live under `cases missing` and, for convenience, `lodestar missing`.
  auto add_missing = [&exit_code](CLI::App* parent) {
    auto* missing = parent->add_subcommand("missing", "Missing-person reports: import a CSV registry, match it");
    missing->require_subcommand(1);
    {
      auto* cmd = missing->add_subcommand("import", "Import a CSV of missing-person reports");
      struct Flags {
        Common c;
        std::string file;
      };
      auto f = std::make_shared<Flags>();
      cmd->add_option("file", f->file, "CSV with a header: id,name,age,gender,last_seen_place,last_seen_date,source")
          ->required();
      AddCommon(cmd, f->c);
      cmd->callback([f, &exit_code] {
        std::string text;
        if (!ReadInput(f->file, text)) return Fail(exit_code, "cannot read " + f->file, 2);
        auto csv = cases::ParseMissingCsv(text, f->file);
        if (!csv.ok()) {
          exit_code = PrintCaseError(csv.status());
          return;
        }
        for (const auto& e : csv->errors) fmt::print(stderr, "warning: {}\n", e);
        auto s = OpenSession(f->c, exit_code);
        if (!s) return;
        auto n = s->db->ImportMissing(s->actor, csv->reports);
        if (!n.ok()) {
          exit_code = PrintCaseError(n.status());
          return;
        }
        fmt::print("imported {} missing-person reports ({} rows skipped)\n", *n, csv->errors.size());
      });
    }
    {
      auto* cmd = missing->add_subcommand("match", "Score missing-person reports against people in cases and ads in the store");
      struct Flags {
        Common c;
        double min_score = 0.7;
        bool json = false;
      };
      auto f = std::make_shared<Flags>();
      cmd->add_option("--min-score", f->min_score, "Lowest score shown, 0-1 (default 0.7)");
      cmd->add_flag("--json", f->json, "JSON output");
      AddCommon(cmd, f->c);
      cmd->callback([f, &exit_code] {
        auto s = OpenSession(f->c, exit_code);
        if (!s) return;
        auto m = s->db->MatchMissing(s->actor, f->min_score);
        if (!m.ok()) {
          exit_code = PrintCaseError(m.status());
          return;
        }
        std::vector<cases::MissingAdMatch> ads;
        auto intel = cases::OpenStoreAdIntelligence(f->c.db);
        if (intel) {
          auto a = s->db->MatchMissingAds(s->actor, *intel, f->min_score);
          if (!a.ok()) {
            exit_code = PrintCaseError(a.status());
            return;
          }
          ads = std::move(*a);
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& x : *m) {
          out.push_back({{"kind", "case_person"},
                         {"report_id", x.report_id},
                         {"external_id", x.external_id},
                         {"case_id", x.case_id},
                         {"person_id", x.person_id},
                         {"score", x.score.total},
                         {"name", x.score.name},
                         {"age", x.score.age},
                         {"place", x.score.place},
                         {"date", x.score.date}});
        }
        for (const auto& x : ads) {
          out.push_back({{"kind", "ad"},
                         {"report_id", x.report_id},
                         {"external_id", x.external_id},
                         {"ad_id", x.ad_id},
                         {"network_id", x.network_id},
                         {"evidence", x.evidence},
                         {"score", x.score.total},
                         {"name", x.score.name},
                         {"age", x.score.age},
                         {"place", x.score.place},
                         {"date", x.score.date}});
        }
        if (f->json) return PrintJson(out.dump());
        fmt::print("{} candidate matches with case people (score >= {:.2f}); review each before acting\n", m->size(),
                   f->min_score);
        for (const auto& x : *m)
          fmt::print("  report {} ({}) ~ person {} in case {}: score {:.2f} (name {:.2f}, age {:.2f}, place {:.2f}, "
                     "date {:.2f})\n",
                     x.report_id, x.external_id, x.person_id, x.case_id, x.score.total, x.score.name, x.score.age,
                     x.score.place, x.score.date);
        if (!intel) {
          fmt::print("no ad store in {}: ads not searched\n", f->c.db);
          return;
        }
        fmt::print("{} candidate matches with ads (score >= {:.2f})\n", ads.size(), f->min_score);
        for (const auto& x : ads)
          fmt::print("  report {} ({}) ~ ad {}{}: score {:.2f} (name {:.2f}, age {:.2f}, place {:.2f}, date {:.2f})\n",
                     x.report_id, x.external_id, x.ad_id, x.network_id.empty() ? "" : " in network " + x.network_id,
                     x.score.total, x.score.name, x.score.age, x.score.place, x.score.date);
      });
    }
  };
  add_missing(cases_cmd);
  add_missing(&app);
}

void RegisterServe(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("serve", "Run the HTTP API (docs/api.md) until SIGINT/SIGTERM");
  struct Flags {
    server::ServeOptions o;
  };
  auto f = std::make_shared<Flags>();
  cmd->add_option("--db", f->o.db_dir, "Lodestar directory (ad store; holds cases.sqlite and cases.key)")->required();
  cmd->add_option("--cases", f->o.cases_url, "Cases database: sqlite:PATH or postgresql://... "
                                             "(default sqlite:DB/cases.sqlite)");
  cmd->add_option("--port", f->o.server.port, "TCP port (default 8080; 0 = any free port, printed on start)");
  cmd->add_option("--bind", f->o.server.bind, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--threads", f->o.server.threads, "Worker threads = concurrent connections served (default 160)");
  cmd->add_option("--max-body", f->o.server.max_body_bytes, "Largest request body in bytes (default 65536)");
  cmd->add_option("--refresh", f->o.search_refresh_seconds,
                  "Seconds between checks for newly ingested or linked ads to search (default 2; 0 = never)")
      ->check(CLI::Range(0, 86400));
  cmd->add_option("--search-slots", f->o.search_slots,
                  "Searches and tip searches run at once; more wait in arrival order (default 0 = cores + 1)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--match-cache-mb", f->o.match_cache_mb,
                  "MiB kept of repeated costly phrase and prefix matches (default 64; 0 = none; same answers)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--countries-data", f->o.countries_dir,
                  "Directory with 3p-index-and-tip-tiers.csv and unodc-glotip-2023.csv for /api/countries/* "
                  "(default $LODESTAR_COUNTRIES_DATA, else DB/countries)");
  cmd->callback([f, &exit_code] { exit_code = server::Serve(f->o); });
}

}  // namespace lodestar::cli
