// The Lodestar HTTP API (cpp-httplib), behind `lodestar serve`.
//
// Every route is registered through ApiServer::Route, which does the parts
// no handler may forget: bearer-token authentication (401), the role check
// (403), auditing both refusals, JSON error bodies naming the field at fault,
// security headers, and turning a core::Status into the right HTTP status.
// Other modules add their own routes with AddRouteModule() before Serve()
// runs (e.g. from their CLI Register* function); see docs/api.md.
//
// Threading: handlers run on a pool of worker threads (one per open
// keep-alive connection), so they must be thread-safe; CaseDatabase is.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cases/ad_intel.h"
#include "cases/case_db.h"
#include "core/status.h"

namespace lodestar::server {

struct Reply {
  int status = 200;
  std::string body;  // JSON unless content_type says otherwise
  std::string content_type = "application/json";
};

// JSON error reply: {"error": reason, "field": field}.
Reply ErrorReply(int status, const std::string& field, const std::string& reason);
// Maps a Status from the case layer to 400 (naming the field), 403, 404 or 500.
Reply StatusReply(const core::Status& status);

using Handler = std::function<Reply(const httplib::Request& req, const cases::Actor& actor)>;

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;                 // 0 = any free port (see port())
  size_t max_body_bytes = 64 * 1024;
  int threads = 160;               // >= concurrent keep-alive clients expected
};

class ApiServer {
 public:
  ApiServer(ServerOptions options, cases::CaseDatabase& db);
  ~ApiServer();

  // METHOD is GET/POST/PUT/DELETE; PATTERN is an httplib regex
  // (e.g. R"(/api/cases/(\d+))", captures in req.matches). `permission`
  // nullopt = any authenticated user.
  void Route(const std::string& method, const std::string& pattern, std::optional<cases::Permission> permission,
             Handler handler);
  // A route without authentication (health checks, login).
  void PublicRoute(const std::string& method, const std::string& pattern,
                   std::function<Reply(const httplib::Request&)> handler);

  // Binds; after OK, port() is the bound port.
  core::Status Bind();
  int port() const { return port_; }
  // Serves until Stop(); returns when the server has stopped.
  void Listen();
  void Stop();

  cases::CaseDatabase& db() { return db_; }

 private:
  void Send(httplib::Response& res, const Reply& reply);
  ServerOptions options_;
  cases::CaseDatabase& db_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  int listen_fd_ = -1;
  static constexpr int kListenBacklog = 1024;
};

// What route modules get to work with.
struct ServerContext {
  cases::CaseDatabase& cases;
  cases::AdIntelligence* ads = nullptr;  // null when --db holds no ad store
  std::string db_dir;
  std::string countries_dir;  // see ServeOptions::countries_dir (resolved; may be empty = DB_DIR/countries)
  int search_refresh_seconds = 2;  // see ServeOptions::search_refresh_seconds
  unsigned search_slots = 0;       // see ServeOptions::search_slots
  size_t match_cache_mb = 64;      // see ServeOptions::match_cache_mb
};

using RouteModule = std::function<void(ApiServer&, ServerContext&)>;
// Adds a module whose routes Serve() installs (in registration order).
void AddRouteModule(const std::string& name, RouteModule module);

// The case routes of docs/api.md (installed by Serve() before any module).
void RegisterCaseRoutes(ApiServer& server, ServerContext& context);

struct ServeOptions {
  std::string db_dir;     // ad store directory; holds cases.sqlite and cases.key by default
  std::string cases_url;  // empty = sqlite:DB_DIR/cases.sqlite
  // Directory with the 3P and UNODC country files for /api/countries/*; empty =
  // $LODESTAR_COUNTRIES_DATA, else DB_DIR/countries.
  std::string countries_dir;
  // How often the search routes look for newly ingested or linked ads (0 = never:
  // the index stays as it was at start).
  int search_refresh_seconds = 2;
  // Searches (/api/search, /api/tip) evaluated at once; the rest queue in
  // arrival order (server/fifo_gate.h). 0 = cores + 1 (measured best of 2-4 on
  // 2 cores: one more than the cores covers the time a search spends off-CPU).
  unsigned search_slots = 0;
  // MiB kept of repeated costly phrase and prefix matches (search::MatchCache;
  // 0 = none). Answers are the same either way; repeated broad phrases are not
  // matched again until the index changes.
  size_t match_cache_mb = 64;
  ServerOptions server;
};
// Opens the databases, installs routes, prints "listening on http://HOST:PORT"
// on stdout, serves until SIGINT/SIGTERM. Returns the process exit code.
int Serve(const ServeOptions& options);

}  // namespace lodestar::server
