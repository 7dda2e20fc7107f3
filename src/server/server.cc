#include "server/server.h"

#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "cases/request_json.h"
#include "server/analysis_routes.h"

namespace lodestar::server {

Reply ErrorReply(int status, const std::string& field, const std::string& reason) {
  return Reply{status, cases::ErrorJson(field, reason)};
}

Reply StatusReply(const core::Status& st) {
  if (st.ok()) return Reply{200, "{}"};
  if (cases::IsPermissionDenied(st)) return ErrorReply(403, "", st.message());
  switch (st.code()) {
    case core::StatusCode::kNotFound: return ErrorReply(404, "", st.message());
    case core::StatusCode::kInvalidInput: {
      std::string field = cases::FieldOf(st);
      std::string msg = st.message();
      if (!field.empty()) {
        auto p = msg.find("': ");
        if (p != std::string::npos) msg = msg.substr(p + 3);
      }
      return ErrorReply(400, field, msg);
    }
    default:
      // Details go to the operator's log, not to the client.
      std::fprintf(stderr, "lodestar serve: internal error: %s\n", st.message().c_str());
      return ErrorReply(500, "", "internal error; the server log has details");
  }
}

ApiServer::ApiServer(ServerOptions options, cases::CaseDatabase& db)
    : options_(std::move(options)), db_(db), http_(std::make_unique<httplib::Server>()) {
  int threads = std::max(4, options_.threads);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_keep_alive_max_count(10000);
  http_->set_keep_alive_timeout(10);
  http_->set_read_timeout(10, 0);
  http_->set_write_timeout(10, 0);
  // Small JSON replies must not wait for the client's delayed ACK (~40 ms each without this).
  http_->set_tcp_nodelay(true);
  // Remember the listening socket: Debian's httplib listens with a backlog of 5,
  // which drops bursts of connections; Bind() raises it.
  http_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });
  http_->set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    // Only replace httplib's own empty error pages (404 unknown path, 413 too large, 400 bad request).
    if (!res.body.empty()) return;
    if (res.status == 413) {
      Send(res, ErrorReply(413, "body", "request body larger than " + std::to_string(options_.max_body_bytes) + " bytes"));
    } else if (res.status == 404) {
      Send(res, ErrorReply(404, "", "no such endpoint; see docs/api.md"));
    } else {
      Send(res, ErrorReply(res.status, "", "bad request"));
    }
  });
  http_->set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Send(res, ErrorReply(500, "", "internal error"));
  });
}

ApiServer::~ApiServer() = default;

void ApiServer::Send(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy", "default-src 'none'");
  res.set_content(reply.body, reply.content_type.c_str());
}

void ApiServer::Route(const std::string& method, const std::string& pattern,
                      std::optional<cases::Permission> permission, Handler handler) {
  auto wrapped = [this, method, permission, handler = std::move(handler)](const httplib::Request& req,
                                                                        httplib::Response& res) {
    std::string action = method + " " + req.path.substr(0, 200);
    std::string auth = req.get_header_value("Authorization");
    std::string token;
    if (auth.size() > 7 && (auth.compare(0, 7, "Bearer ") == 0 || auth.compare(0, 7, "bearer ") == 0))
      token = auth.substr(7);
    std::optional<cases::Actor> actor;
    if (!token.empty()) {
      auto a = db_.Authenticate(token);
      if (!a.ok()) return Send(res, StatusReply(a.status()));
      actor = *a;
    }
    if (!actor) {
      (void)db_.RecordDenied(std::nullopt, action, "unauthenticated",
                             token.empty() ? "no bearer token" : "unknown or revoked token");
      res.set_header("WWW-Authenticate", "Bearer");
      return Send(res, ErrorReply(401, "Authorization",
                                  "a valid token is required: send 'Authorization: Bearer TOKEN' "
                                  "(create one with `lodestar users add`)"));
    }
    if (permission && !cases::Allowed(actor->role, *permission)) {
      (void)db_.RecordDenied(actor, action, "denied",
                             std::string("role ") + cases::RoleName(actor->role) + " lacks " +
                                 cases::PermissionName(*permission));
      return Send(res, ErrorReply(403, "", std::string("role '") + cases::RoleName(actor->role) +
                                               "' may not do this (" + cases::PermissionName(*permission) + ")"));
    }
    Send(res, handler(req, *actor));
  };
  if (method == "GET") http_->Get(pattern, wrapped);
  else if (method == "POST") http_->Post(pattern, wrapped);
  else if (method == "PUT") http_->Put(pattern, wrapped);
  else if (method == "DELETE") http_->Delete(pattern, wrapped);
}

void ApiServer::PublicRoute(const std::string& method, const std::string& pattern,
                            std::function<Reply(const httplib::Request&)> handler) {
  auto wrapped = [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    Send(res, handler(req));
  };
  if (method == "GET") http_->Get(pattern, wrapped);
  else if (method == "POST") http_->Post(pattern, wrapped);
}

core::Status ApiServer::Bind() {
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.bind);
    if (port_ <= 0) port_ = 0;
  } else {
    port_ = http_->bind_to_port(options_.bind, options_.port) ? options_.port : 0;
  }
  if (port_ == 0) {
    return core::Status::Error(core::StatusCode::kIoError,
                               "cannot listen on " + options_.bind + ":" + std::to_string(options_.port) +
                                   " (port in use or address not local); choose another --port or --bind");
  }
  if (listen_fd_ >= 0) ::listen(listen_fd_, kListenBacklog);  // calling listen again resizes the queue
  return core::Status::Ok();
}

void ApiServer::Listen() { http_->listen_after_bind(); }
void ApiServer::Stop() { http_->stop(); }

namespace {
std::mutex g_modules_mu;
std::vector<std::pair<std::string, RouteModule>>& Modules() {
  static std::vector<std::pair<std::string, RouteModule>> modules;
  return modules;
}
}  // namespace

void AddRouteModule(const std::string& name, RouteModule module) {
  std::lock_guard lock(g_modules_mu);
  Modules().emplace_back(name, std::move(module));
}

int Serve(const ServeOptions& options) {
  std::error_code ec;
  if (options.db_dir.empty()) {
    std::fprintf(stderr, "error: --db DIR is required (the directory of the ad store and of cases.key)\n");
    return 2;
  }
  std::filesystem::create_directories(options.db_dir, ec);
  if (ec) {
    std::fprintf(stderr, "error: cannot create --db directory %s: %s\n", options.db_dir.c_str(), ec.message().c_str());
    return 1;
  }
  // Block the stop signals in every thread; one thread waits for them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  cases::OpenOptions open;
  open.url = options.cases_url.empty() ? cases::DefaultCasesUrl(options.db_dir) : options.cases_url;
  open.key_dir = options.db_dir;
  auto db = cases::CaseDatabase::Open(open);
  if (!db.ok()) {
    std::fprintf(stderr, "error: %s\n", db.status().message().c_str());
    return 1;
  }
  cases::PreloadTipGeocoder();
  auto ads = cases::OpenStoreAdIntelligence(options.db_dir);
  std::string countries_dir = options.countries_dir;
  if (const char* env = std::getenv("LODESTAR_COUNTRIES_DATA"); countries_dir.empty() && env) countries_dir = env;
  ServerContext context{**db, ads.get(), options.db_dir, countries_dir, options.search_refresh_seconds,
                        options.search_slots, options.match_cache_mb};
  ApiServer server(options.server, **db);
  RegisterCaseRoutes(server, context);
  RegisterAnalysisRoutes(server, context, open.url);  // search, analytics, measurement (analysis_routes.h)
  {
    std::lock_guard lock(g_modules_mu);
    for (auto& [name, module] : Modules()) module(server, context);
  }
  auto st = server.Bind();
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return 1;
  }
  std::printf("lodestar serve: listening on http://%s:%d (cases: %s, schema v%d, ad store: %s)\n",
              options.server.bind.c_str(), server.port(), (*db)->backend(), (*db)->schema_version(),
              ads ? "linked" : "none");
  std::fflush(stdout);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    server.Stop();
  });
  server.Listen();
  // Listen returned on its own (not via a signal): wake the stopper.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  std::printf("lodestar serve: stopped\n");
  return 0;
}

}  // namespace lodestar::server
