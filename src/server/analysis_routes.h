// Search, analytics and measurement routes of the HTTP API (docs/api.md,
// "Search and analytics", "Measurement"): thin HTTP wrappers over
// lodestar_search, lodestar_analytics and lodestar_stats.
//
// Access: ad search, tip search, risk and the ad analytics are for admins,
// analysts and investigators (ad intelligence); measurement routes (counts with
// small-count suppression, disparity audits, MSE) for every role. Every
// measurement response carries a "provenance" object like the CLI's.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/server.h"

namespace lodestar::server {

// Registers both sets below. `cases_url` is the case database Serve() opened
// (measurement reads it through its own read-only-by-convention connection).
void RegisterAnalysisRoutes(ApiServer& server, ServerContext& context, const std::string& cases_url);

// GET /api/search, /api/tip (GET and POST), /api/timeseries, /api/spikes, /api/terms,
// /api/ages, /api/movement, /api/risk/{id}. The ad index of context.db_dir is
// brought up to date once, here, before the server listens.
void RegisterSearchRoutes(ApiServer& server, ServerContext& context);

// GET /api/measure/decisions, GET /api/measure/hotline, POST /api/measure/mse.
void RegisterMeasureRoutes(ApiServer& server, ServerContext& context, const std::string& cases_url);

// GET /api/countries/rank?year=, /api/countries/changes?country=, /api/countries/flows?year=&limit=
// over the 3P and UNODC files in `countries_dir` (empty = DB_DIR/countries).
void RegisterCountryRoutes(ApiServer& server, ServerContext& context, const std::string& countries_dir);

namespace route {

// Compact JSON, '<', '>' and '&' escaped (the case routes' convention).
std::string Dump(const nlohmann::json& j);

// Reads an optional integer/number query parameter within [lo, hi]; on a bad
// value returns the 400 reply naming the parameter.
std::optional<Reply> IntParam(const httplib::Request& req, const char* name, int64_t lo, int64_t hi, int64_t& out);
std::optional<Reply> NumParam(const httplib::Request& req, const char* name, double lo, double hi, double& out);
// An optional parameter that must be one of `allowed` (comma-separated in messages).
std::optional<Reply> EnumParam(const httplib::Request& req, const char* name,
                               std::initializer_list<const char*> allowed, std::string& out);

}  // namespace route
}  // namespace lodestar::server
