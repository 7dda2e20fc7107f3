// The case API routes (docs/api.md).
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "cases/request_json.h"
#include "server/server.h"

namespace lodestar::server {

using json = nlohmann::json;

namespace {

Reply FieldReply(const cases::FieldError& e) { return ErrorReply(400, e.field, e.reason); }

// Parses a path id; the route regex already guarantees digits, but not the range.
std::optional<int64_t> PathId(const httplib::Request& req) {
  if (req.matches.size() < 2) return std::nullopt;
  const std::string s = req.matches[1];
  if (s.empty() || s.size() > 18) return std::nullopt;
  return std::stoll(s);
}

std::string Dump(const json& j) {
  return cases::EscapeJsonForHtml(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

bool IsJson(const httplib::Request& req) {
  auto ct = req.get_header_value("Content-Type");
  return ct.empty() || ct.rfind("application/json", 0) == 0;
}

}  // namespace

void RegisterCaseRoutes(ApiServer& server, ServerContext& ctx) {
  using cases::Permission;
  auto& db = ctx.cases;

  server.PublicRoute("GET", "/api/health", [&db](const httplib::Request&) {
    return Reply{200, Dump({{"status", "ok"}, {"cases_backend", db.backend()}, {"schema_version", db.schema_version()}})};
  });

  server.PublicRoute("POST", "/api/login", [&db](const httplib::Request& req) {
    auto j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return ErrorReply(400, "body", "must be a JSON object {name, password}");
    if (!j.contains("name") || !j["name"].is_string()) return ErrorReply(400, "name", "required string");
    if (!j.contains("password") || !j["password"].is_string()) return ErrorReply(400, "password", "required string");
    auto token = db.Login(j["name"].get<std::string>(), j["password"].get<std::string>());
    if (!token.ok()) {
      if (cases::IsPermissionDenied(token.status())) return ErrorReply(401, "password", "wrong user name or password");
      return StatusReply(token.status());
    }
    return Reply{200, Dump({{"token", *token}})};
  });

  // Intake. The reply is sent only after the tip is committed.
  server.Route("POST", "/api/tips", Permission::kTipWrite, [&db](const httplib::Request& req, const cases::Actor& a) {
    if (!IsJson(req)) return ErrorReply(415, "Content-Type", "send application/json");
    auto parsed = cases::ParseTipJson(req.body);
    if (auto* e = std::get_if<cases::FieldError>(&parsed)) return FieldReply(*e);
    auto receipt = db.AddTip(a, std::get<cases::TipInput>(parsed));
    if (!receipt.ok()) return StatusReply(receipt.status());
    json out = {{"id", receipt->tip_id},
                {"case_id", receipt->case_id},
                {"new_case", receipt->new_case},
                {"urgency", receipt->urgency},
                {"language", receipt->language},
                {"link_reason", receipt->link_reason},
                {"duplicate", receipt->duplicate}};
    return Reply{receipt->duplicate ? 200 : 201, Dump(out)};
  });

  server.Route("GET", "/api/tips", Permission::kCaseRead, [&db](const httplib::Request& req, const cases::Actor& a) {
    int limit = 100;
    if (req.has_param("limit")) {
      auto v = req.get_param_value("limit");
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 1000) return ErrorReply(400, "limit", "must be an integer 1-1000");
      limit = static_cast<int>(n);
    }
    auto list = db.ListTipsJson(a, limit);
    if (!list.ok()) return StatusReply(list.status());
    return Reply{200, *list};
  });

  // Recently scanned cases: the ad scan is not repeated more than once a minute per case.
  struct ScanCache {
    std::mutex mu;
    std::unordered_map<int64_t, std::chrono::steady_clock::time_point> last;
  };
  auto scans = std::make_shared<ScanCache>();
  server.Route("GET", R"(/api/cases/(\d+))", Permission::kCaseRead,
               [&db, &ctx, scans](const httplib::Request& req, const cases::Actor& a) {
                 auto id = PathId(req);
                 if (!id) return ErrorReply(400, "id", "not a case id");
                 if (ctx.ads) {
                   bool due = true;
                   auto now = std::chrono::steady_clock::now();
                   {
                     std::lock_guard lock(scans->mu);
                     auto it = scans->last.find(*id);
                     due = it == scans->last.end() || now - it->second > std::chrono::seconds(60);
                     if (due) scans->last[*id] = now;
                   }
                   if (due) {
                     auto linked = db.LinkAds(a, *id, *ctx.ads);
                     if (!linked.ok() && linked.status().code() != core::StatusCode::kInvalidInput &&
                         linked.status().code() != core::StatusCode::kNotFound)
                       return StatusReply(linked.status());
                   }
                 }
                 auto c = db.GetCaseJson(a, *id);
                 if (!c.ok()) return StatusReply(c.status());
                 return Reply{200, *c};
               });

  server.Route("POST", R"(/api/cases/(\d+)/decisions)", Permission::kReferral,
               [&db](const httplib::Request& req, const cases::Actor& a) {
                 auto id = PathId(req);
                 if (!id) return ErrorReply(400, "id", "not a case id");
                 if (!IsJson(req)) return ErrorReply(415, "Content-Type", "send application/json");
                 auto parsed = cases::ParseDecisionJson(req.body);
                 if (auto* e = std::get_if<cases::FieldError>(&parsed)) return FieldReply(*e);
                 auto d = db.Decide(a, *id, std::get<cases::DecisionInput>(parsed));
                 if (!d.ok()) return StatusReply(d.status());
                 return Reply{201, *d};
               });

  server.Route("POST", R"(/api/cases/(\d+)/screenings)", Permission::kScreen,
               [&db](const httplib::Request& req, const cases::Actor& a) {
                 auto id = PathId(req);
                 if (!id) return ErrorReply(400, "id", "not a case id");
                 auto parsed = cases::ParseScreeningJson(req.body);
                 if (auto* e = std::get_if<cases::FieldError>(&parsed)) return FieldReply(*e);
                 auto s = db.Screen(a, *id, std::get<cases::ScreeningInput>(parsed));
                 if (!s.ok()) return StatusReply(s.status());
                 return Reply{201, *s};
               });

  server.Route("POST", R"(/api/cases/(\d+)/people)", Permission::kCaseWrite,
               [&db](const httplib::Request& req, const cases::Actor& a) {
                 auto id = PathId(req);
                 if (!id) return ErrorReply(400, "id", "not a case id");
                 auto parsed = cases::ParsePersonJson(req.body);
                 if (auto* e = std::get_if<cases::FieldError>(&parsed)) return FieldReply(*e);
                 auto p = db.AddPerson(a, *id, std::get<cases::PersonInput>(parsed));
                 if (!p.ok()) return StatusReply(p.status());
                 return Reply{201, Dump({{"id", *p}, {"case_id", *id}})};
               });

  server.Route("GET", "/api/audit", Permission::kAudit, [&db](const httplib::Request& req, const cases::Actor& a) {
    int64_t after = 0;
    int limit = 1000;
    if (req.has_param("after")) {
      auto v = req.get_param_value("after");
      char* end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 0) return ErrorReply(400, "after", "must be a non-negative integer");
      after = n;
    }
    if (req.has_param("limit")) {
      auto v = req.get_param_value("limit");
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 10000) return ErrorReply(400, "limit", "must be an integer 1-10000");
      limit = static_cast<int>(n);
    }
    auto entries = db.AuditJson(a, after, limit);
    if (!entries.ok()) return StatusReply(entries.status());
    return Reply{200, *entries};
  });

  server.Route("GET", "/api/audit/verify", Permission::kAudit, [&db](const httplib::Request&, const cases::Actor& a) {
    auto v = db.VerifyAudit(a);
    if (!v.ok()) return StatusReply(v.status());
    return Reply{200, Dump({{"ok", v->ok},
                            {"entries", v->entries},
                            {"first_bad_id", v->first_bad_id},
                            {"head_hash", v->head_hash},
                            {"message", v->message}})};
  });

  server.Route("GET", "/api/stats", Permission::kAggregates, [&db](const httplib::Request&, const cases::Actor& a) {
    auto s = db.AggregatesJson(a);
    if (!s.ok()) return StatusReply(s.status());
    return Reply{200, *s};
  });
}

}  // namespace lodestar::server
