// The search, analytics and measurement routes over real HTTP: a `lodestar
// serve` child process on a synthetic store (synth -> ingest -> link), users
// and tokens made with the CLI, and httplib / raw sockets as clients.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_util.h"

namespace lodestar {
namespace {

using nlohmann::json;
using test::Lodestar;
using test::LodestarJson;
using test::ServerProcess;

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The last word of `lodestar users add` output is the token.
std::string AddUser(const std::string& db, const std::string& name, const std::string& role) {
  auto r = Lodestar("users add " + name + " --role " + role + " --org testorg --db " + db);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::string out = r.out;
  while (!out.empty() && isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out.substr(out.find_last_of(' ') + 1);
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends raw bytes, returns what the server answers until it closes (or `wait_ms` of silence).
std::string RawExchange(int port, const std::string& bytes, int wait_ms = 5000) {
  int fd = Connect(port);
  if (fd < 0) return "<connect failed>";
  (void)!write(fd, bytes.data(), bytes.size());
  std::string got;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  // Until the server closes, or goes quiet after a complete header block (keep-alive).
  while (poll(&p, 1, got.find("\r\n\r\n") == std::string::npos ? wait_ms : 300) > 0) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return got;
}

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    db_ = *dir_ / "db";
    test::MakeLinkedCorpus(*dir_, "--ads 3000 --seed 11 --quiet", *truth_);
    if (HasFatalFailure()) return;
    (*tokens_)["admin"] = AddUser(db_, "boss", "admin");
    (*tokens_)["analyst"] = AddUser(db_, "ana", "analyst");
    (*tokens_)["researcher"] = AddUser(db_, "res", "researcher");
    (*tokens_)["operator"] = AddUser(db_, "op", "operator");
    // Country routes read the real 3P and UNODC files (the child inherits this).
    setenv("LODESTAR_COUNTRIES_DATA", LODESTAR_SHARED_DATA "/countries", 1);
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->Start(db_)) << "lodestar serve did not start";
    unsetenv("LODESTAR_COUNTRIES_DATA");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    truth_->clear();
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static httplib::Headers Auth(const std::string& role) { return {{"Authorization", "Bearer " + (*tokens_)[role]}}; }
  static std::unique_ptr<httplib::Client> Client() {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    c->set_read_timeout(120, 0);
    return c;
  }
  static json Get(const std::string& path, const std::string& role = "analyst", int expect = 200) {
    auto r = Client()->Get(path.c_str(), Auth(role));
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, expect) << path << ": " << r->body.substr(0, 500);
    auto j = json::parse(r->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r->body.substr(0, 200);
    return j;
  }
  // A truth phone on 3-40 ads.
  static std::string SomePhone() { return test::TruthPhone(*truth_, 3); }

  static test::TempDir* dir_;
  static std::string db_;
  static std::vector<json>* truth_;
  static std::map<std::string, std::string>* tokens_;
  static ServerProcess* server_;
};
test::TempDir* Api::dir_ = nullptr;
std::string Api::db_;
std::vector<json>* Api::truth_ = new std::vector<json>();
std::map<std::string, std::string>* Api::tokens_ = new std::map<std::string, std::string>();
ServerProcess* Api::server_ = nullptr;

TEST_F(Api, TokensAndRoles) {
  auto cli = Client();
  auto r = cli->Get("/api/search?q=town");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = cli->Get("/api/search?q=town", {{"Authorization", "Bearer lst_not_a_token"}});
  EXPECT_EQ(r->status, 401);
  for (const char* path : {"/api/measure/hotline", "/api/timeseries", "/api/measure/decisions"}) {
    EXPECT_EQ(cli->Get(path)->status, 401) << path;
  }
  // Ad search is for admins, analysts and investigators; measurement for everyone.
  EXPECT_EQ(cli->Get("/api/search?q=town", Auth("researcher"))->status, 403);
  EXPECT_EQ(cli->Get("/api/tip?text=x", Auth("operator"))->status, 403);
  EXPECT_EQ(cli->Get("/api/search?q=town", Auth("admin"))->status, 200);
  EXPECT_EQ(cli->Get("/api/measure/hotline", Auth("researcher"))->status, 200);
  EXPECT_EQ(cli->Get("/api/measure/decisions", Auth("operator"))->status, 200);
  // Refusals are audited.
  auto audit = Get("/api/audit?limit=10000", "admin");
  int denied = 0;
  for (const auto& e : audit)
    if (e["outcome"] == "denied" && e["action"].get<std::string>().find("/api/search") != std::string::npos) ++denied;
  EXPECT_GE(denied, 1);
}

TEST_F(Api, SearchEqualsTheCli) {
  std::string phone = SomePhone();
  ASSERT_FALSE(phone.empty());
  for (const std::string& q : {std::string("phone:") + phone, std::string("town"), std::string("\"new in\" age:<30"),
                              std::string("age:18-25 city:portland"), std::string("swe*")}) {
    auto http = Get("/api/search?q=" + httplib::detail::encode_query_param(q) + "&limit=15");
    auto cli = LodestarJson("search " + Quote(q) + " --json --limit 15 --db " + db_);
    EXPECT_EQ(http["total"], cli["total"]) << q;
    EXPECT_EQ(http["hits"], cli["hits"]) << q;
    EXPECT_EQ(http["query"], q);
    // Paging: offset 5, limit 5 is hits 5-9 of the same ranking.
    auto page = Get("/api/search?q=" + httplib::detail::encode_query_param(q) + "&limit=5&offset=5");
    json expect = json::array();
    for (size_t i = 5; i < 10 && i < cli["hits"].size(); ++i) expect.push_back(cli["hits"][i]);
    EXPECT_EQ(page["hits"], expect) << q;
  }
  auto phone_hits = Get("/api/search?q=" + httplib::detail::encode_query_param("phone:" + phone) + "&limit=100");
  ASSERT_FALSE(phone_hits["hits"].empty());
  for (const auto& h : phone_hits["hits"]) EXPECT_EQ(h["evidence"][0]["value"], phone);
}

TEST_F(Api, BadQueriesName400ParameterAndPosition) {
  auto j = Get("/api/search?q=" + httplib::detail::encode_query_param("hello phone:12"), "analyst", 400);
  EXPECT_EQ(j["field"], "q");
  EXPECT_EQ(j["position"], 6);
  EXPECT_NE(j["error"].get<std::string>().find("position 6"), std::string::npos) << j.dump();
  j = Get("/api/search?q=" + httplib::detail::encode_query_param("colour:red"), "analyst", 400);
  EXPECT_NE(j["error"].get<std::string>().find("unknown filter"), std::string::npos);
  EXPECT_EQ(Get("/api/search", "analyst", 400)["field"], "q");
  EXPECT_EQ(Get("/api/search?q=a&limit=0", "analyst", 400)["field"], "limit");
  EXPECT_EQ(Get("/api/search?q=a&offset=x", "analyst", 400)["field"], "offset");
  EXPECT_EQ(Get("/api/search?q=" + std::string(5000, 'a'), "analyst", 400)["field"], "q");
  EXPECT_EQ(Get("/api/terms?a=zzz:1", "analyst", 400)["field"], "a");
  EXPECT_EQ(Get("/api/timeseries?by=planet", "analyst", 400)["field"], "by");
  EXPECT_EQ(Get("/api/spikes?alpha=2", "analyst", 400)["field"], "alpha");
  EXPECT_EQ(Get("/api/measure/hotline?by=moon", "researcher", 400)["field"], "by");
  EXPECT_EQ(Get("/api/measure/hotline?min_cell=1", "researcher", 400)["field"], "min_cell");
  EXPECT_EQ(Get("/api/no/such/route", "analyst", 404)["error"].get<std::string>().find("no such endpoint"), 0u);
}

TEST_F(Api, TipEqualsTheCli) {
  std::string phone = SomePhone();
  std::string d = phone.substr(2);
  std::string text = "A caller said the number was (" + d.substr(0, 3) + ") " + d.substr(3, 3) + " " + d.substr(6) +
                     " and she was moved often";
  auto cli = LodestarJson("tip " + Quote(text) + " --json --db " + db_);
  auto http = Get("/api/tip?text=" + httplib::detail::encode_query_param(text));
  EXPECT_EQ(http, cli);
  ASSERT_FALSE(http["identifiers"].empty());
  EXPECT_EQ(http["identifiers"][0]["value"], phone);
  auto r = Client()->Post("/api/tip", Auth("analyst"), json{{"text", text}, {"limit", 50}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body), cli);
  r = Client()->Post("/api/tip", Auth("analyst"), R"({"text": 5})", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "text");
  EXPECT_EQ(Get("/api/tip", "analyst", 400)["field"], "text");
}

TEST_F(Api, AnalyticsEqualTheCliAndShowThePlantedStructure) {
  // The planted spike city is flagged.
  std::string city;
  for (const auto& t : *truth_)
    if (t["spike"].get<bool>()) city = t["city"];
  ASSERT_FALSE(city.empty());
  for (auto& c : city) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto spikes = Get("/api/spikes");
  EXPECT_EQ(spikes, LodestarJson("spikes --json --db " + db_));
  bool found = false;
  for (const auto& s : spikes["spikes"]) {
    if (s["region"].get<std::string>().rfind(city, 0) == 0) {
      found = true;
      EXPECT_LT(s["q"].get<double>(), 0.05);
    }
  }
  EXPECT_TRUE(found) << "spike city " << city << " not flagged: " << spikes.dump().substr(0, 1000);

  auto ts = Get("/api/timeseries?by=state&interval=week&top=5");
  EXPECT_EQ(ts, LodestarJson("timeseries --by state --interval week --top 5 --json --db " + db_));
  ASSERT_FALSE(ts["series"].empty());
  EXPECT_LE(ts["series"].size(), 5u);

  auto terms = Get("/api/terms?a=indicator:movement&b=");
  EXPECT_EQ(terms, LodestarJson("terms --a indicator:movement --b '' --json --db " + db_));
  ASSERT_FALSE(terms["terms_a"].empty());
  EXPECT_GT(terms["terms_a"][0]["z"].get<double>(), 1.96);

  auto ages = Get("/api/ages?a=indicator:youth");
  EXPECT_EQ(ages, LodestarJson("ages --a indicator:youth --b '' --json --db " + db_));

  auto mv = Get("/api/movement?min_cities=2&window=30");
  EXPECT_EQ(mv, LodestarJson("movement --min-cities 2 --window 30 --json --db " + db_));

  auto hit = Get("/api/search?q=indicator:third_party&limit=1");
  ASSERT_FALSE(hit["hits"].empty());
  std::string id = hit["hits"][0]["id"];
  auto risk = Get("/api/risk/" + httplib::detail::encode_query_param(id));
  EXPECT_EQ(risk, LodestarJson("risk " + Quote(id) + " --json --db " + db_));
  EXPECT_FALSE(risk["calibrated"].get<bool>());
  EXPECT_GT(risk["score"].get<double>(), 0.0);
  Get("/api/risk/no-such-ad-id", "analyst", 404);
  // A second identical request is served from the cache, identically.
  EXPECT_EQ(Get("/api/spikes"), spikes);
}

TEST_F(Api, MeasurementOfTheServersOwnDecisions) {
  auto cli = Client();
  // 10 people of group GB (8 positive), 10 of AL (3 positive), 2 of VN (too few to release).
  struct P {
    std::string citizenship;
    bool positive;
    const char* channel;
  };
  std::vector<P> people;
  for (int i = 0; i < 10; ++i) people.push_back({"GB", i < 8, "chat"});
  for (int i = 0; i < 10; ++i) people.push_back({"AL", i < 3, "chat"});
  for (int i = 0; i < 2; ++i) people.push_back({"VN", true, "sms"});
  const int64_t day = 86400, t0 = static_cast<int64_t>(time(nullptr)) - 60 * day;
  auto iso = [](int64_t t) { return std::to_string(t); };
  for (size_t i = 0; i < people.size(); ++i) {
    json tip = {{"channel", people[i].channel},
                {"text", "Generated test tip number " + std::to_string(i) + " about work without pay"},
                {"language", "en"},
                {"exploitation", {i % 2 ? "labour" : "domestic_servitude"}},
                {"people", {{{"role", "potential_victim"}, {"name", "Testperson " + std::to_string(i * 7919)},
                             {"age", 20 + static_cast<int>(i)}, {"gender", i % 3 ? "female" : "male"},
                             {"citizenship", people[i].citizenship}}}}};
    auto r = cli->Post("/api/tips", Auth("admin"), tip.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    int64_t case_id = json::parse(r->body)["case_id"];
    auto c = Get("/api/cases/" + std::to_string(case_id), "admin");
    int64_t person = c["people"][0]["id"];
    std::string path = "/api/cases/" + std::to_string(case_id) + "/decisions";
    for (json d : {json{{"stage", "referral"}, {"outcome", "referred"}, {"decided_at", iso(t0)}},
                   json{{"stage", "reasonable_grounds"}, {"outcome", "positive"}, {"reasons", "generated"},
                        {"decided_at", iso(t0 + day)}},
                   json{{"stage", "conclusive_grounds"}, {"outcome", people[i].positive ? "positive" : "negative"},
                        {"reasons", "generated"}, {"decided_at", iso(t0 + 40 * day)}}}) {
      d["person_id"] = person;
      auto dr = cli->Post(path.c_str(), Auth("admin"), d.dump(), "application/json");
      ASSERT_TRUE(dr);
      ASSERT_EQ(dr->status, 201) << dr->body;
    }
  }
  auto j = Get("/api/measure/decisions?group=nationality", "researcher");
  ASSERT_TRUE(j["groups"].is_array()) << j.dump();
  std::map<std::string, json> groups;
  for (const auto& g : j["groups"]) groups[g["group"]] = g;
  ASSERT_EQ(groups.size(), 2u) << j.dump();  // VN (2 decisions) is neither shown nor pooled
  EXPECT_EQ(groups["GB"]["n"], 10);
  EXPECT_EQ(groups["GB"]["positive"], 8);
  EXPECT_NEAR(groups["GB"]["rate"].get<double>(), 0.8, 1e-9);
  EXPECT_NEAR(groups["AL"]["rate"].get<double>(), 0.3, 1e-9);
  ASSERT_EQ(j["pairs"].size(), 1u);
  EXPECT_NEAR(j["pairs"][0]["difference"].get<double>(), 0.5, 1e-9);
  EXPECT_EQ(j["provenance"]["content_hash"].get<std::string>().rfind("xxh3-128:", 0), 0u);
  EXPECT_NE(j["provenance"]["query"].get<std::string>().find("nationality"), std::string::npos);
  EXPECT_EQ(j["body"], nullptr);
  EXPECT_EQ(j.dump().find("Testperson"), std::string::npos);
  // Admins may lower the threshold; then VN appears.
  auto all = Get("/api/measure/decisions?group=nationality&min_cell=1", "admin");
  EXPECT_EQ(all["groups"].size(), 3u);
  auto forms = Get("/api/measure/decisions?group=form", "analyst");
  EXPECT_EQ(forms["decisions"], 22);
  auto bands = Get("/api/measure/decisions?group=age_band&stage=reasonable_grounds", "analyst");
  EXPECT_TRUE(bands["provenance"].is_object());
  // Hotline counts: 20 chat tips shown, 2 sms tips suppressed.
  auto h = Get("/api/measure/hotline?by=channel", "researcher");
  std::map<std::string, json> rows;
  for (const auto& r : h["rows"]) rows[r["channel"]] = r;
  EXPECT_EQ(rows["chat"]["tips"], 20);
  EXPECT_EQ(rows["chat"]["cases"], 20);
  EXPECT_EQ(rows["sms"]["tips"], "<5");
  EXPECT_TRUE(h["provenance"]["method"].is_string());
  auto by_year = Get("/api/measure/hotline?by=year", "researcher");
  ASSERT_EQ(by_year["rows"].size(), 1u);
  EXPECT_EQ(by_year["rows"][0]["tips"], 22);
  auto noisy = Get("/api/measure/hotline?by=form&epsilon=1&seed=3", "researcher");
  EXPECT_NE(noisy["provenance"]["method"].get<std::string>().find("Laplace"), std::string::npos);
  EXPECT_EQ(noisy, Get("/api/measure/hotline?by=form&epsilon=1&seed=3", "researcher"));
}

TEST_F(Api, MseFromATableInTheBody) {
  // Three independent lists over 1000 people, expected cell counts (capture 0.3, 0.4, 0.5).
  const double p[3] = {0.3, 0.4, 0.5};
  json rows = json::array();
  for (int m = 1; m < 8; ++m) {
    double e = 1000;
    json pat = json::array();
    for (int i = 0; i < 3; ++i) {
      bool on = (m >> i) & 1;
      e *= on ? p[i] : 1 - p[i];
      pat.push_back(on ? 1 : 0);
    }
    rows.push_back({{"pattern", pat}, {"count", std::llround(e)}});
  }
  json body = {{"lists", {"police", "ngo", "clinic"}}, {"rows", rows}, {"bootstrap", 200}, {"seed", 5}};
  auto r = Client()->Post("/api/measure/mse", Auth("researcher"), body.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_NEAR(j["estimate"].get<double>(), 1000, 30);
  ASSERT_TRUE(j["ci95"][0].is_number());
  EXPECT_LE(j["ci95"][0].get<double>(), 1000);
  EXPECT_EQ(j["provenance"]["content_hash"].get<std::string>().rfind("xxh3-128:", 0), 0u);
  EXPECT_NE(j["provenance"]["method"].get<std::string>().find("bootstrap"), std::string::npos);
  // Same seed, same answer.
  auto again = Client()->Post("/api/measure/mse", Auth("researcher"), body.dump(), "application/json");
  auto j2 = json::parse(again->body);
  EXPECT_EQ(j2["ci95"], j["ci95"]);
  // Bad tables name the field.
  body["rows"][0]["pattern"] = {1, 0};
  r = Client()->Post("/api/measure/mse", Auth("researcher"), body.dump(), "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "rows[0].pattern");
  r = Client()->Post("/api/measure/mse", Auth("researcher"), R"({"lists":["a"],"rows":[]})", "application/json");
  EXPECT_EQ(json::parse(r->body)["field"], "lists");
  r = Client()->Post("/api/measure/mse", Auth("researcher"), "not json", "application/json");
  EXPECT_EQ(r->status, 400);
  body = {{"lists", {"a", "b"}}, {"rows", {{{"pattern", {1, 0}}, {"count", 5}}}}, {"bootstrap", 5000}};
  r = Client()->Post("/api/measure/mse", Auth("researcher"), body.dump(), "application/json");
  EXPECT_EQ(json::parse(r->body)["field"], "bootstrap");
}

TEST_F(Api, MalformedRequestLinesGetAnAnswerNotACrash) {
  for (const std::string& bad :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"), std::string("GET /api/health HTTP/9.9\r\n\r\n"),
        std::string("GET /api/search?q=%zz%00 HTTP/1.1\r\nHost: x\r\n\r\n"),
        "GET /" + std::string(100000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
        std::string("GET /api/health HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
        std::string("POST /api/tip HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{"),
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), std::string("\r\n\r\n\r\n")}) {
    std::string got = RawExchange(server_->port(), bad, 3000);
    if (!got.empty()) {
      EXPECT_EQ(got.rfind("HTTP/1.1 ", 0), 0u) << got.substr(0, 100);
    }
  }
  ASSERT_TRUE(server_->alive());
  auto r = Client()->Get("/api/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Api, SlowClientTimesOutWhileOthersAreServed) {
  int slow = Connect(server_->port());
  ASSERT_GE(slow, 0);
  const std::string half = "GET /api/search?q=town HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz";
  ASSERT_EQ(write(slow, half.data(), half.size()), static_cast<ssize_t>(half.size()));
  // Others are answered meanwhile.
  for (int i = 0; i < 20; ++i) {
    auto j = Get("/api/search?q=town&limit=3");
    EXPECT_TRUE(j["hits"].is_array());
  }
  // The server gives up on the half request (its read timeout) and closes the connection.
  pollfd p{slow, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 60000), 1) << "the server never closed a half-sent request";
  char buf[256];
  ssize_t n = read(slow, buf, sizeof buf);
  EXPECT_LE(n, static_cast<ssize_t>(sizeof buf));  // 0 (closed) or an error response, never a hang
  close(slow);
  EXPECT_EQ(Client()->Get("/api/health")->status, 200);
}

TEST_F(Api, ManyConnectionAttemptsLeaveTheServerAnswering) {
  int ok = 0;
  for (int i = 0; i < 2000; ++i) {
    int fd = Connect(server_->port());
    if (fd >= 0) {
      ++ok;
      if (i % 3 == 0) (void)!write(fd, "GET /api/he", 11);  // some leave a fragment behind
      close(fd);
    }
  }
  EXPECT_GT(ok, 1900);
  auto r = Client()->Get("/api/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Get("/api/search?q=town&limit=1")["hits"].size(), 1u);
}

// A store without ads: search routes say so with 404, measurement still works.
TEST_F(Api, CountryIndicesEqualTheCli) {
  const std::string data = LODESTAR_SHARED_DATA "/countries/";
  auto rank = Get("/api/countries/rank?year=2009", "researcher");
  auto cli = LodestarJson("countries rank --year 2009 --json --data " + data + "3p-index-and-tip-tiers.csv");
  ASSERT_TRUE(rank["rows"].is_array()) << rank.dump().substr(0, 300);
  EXPECT_EQ(rank["rows"], cli["rows"]);
  EXPECT_TRUE(rank["provenance"].is_object());
  int first = 0;
  for (const auto& row : rank["rows"]) first += row["rank"] == 1;
  EXPECT_EQ(first, 6);  // the seeds' seven at 15 minus the US, which the file lacks
  // Another spelling finds the file's "UK".
  auto uk = Get("/api/countries/changes?country=United%20Kingdom", "operator");
  ASSERT_TRUE(uk["rows"].is_array());
  EXPECT_FALSE(uk["rows"].empty());
  auto flows = Get("/api/countries/flows?limit=5", "researcher");
  auto cli_flows = LodestarJson("countries flows --limit 5 --json --data " + data + "unodc-glotip-2023.csv");
  EXPECT_EQ(flows["rows"], cli_flows["rows"]);
  Get("/api/countries/rank", "researcher", 400);
  Get("/api/countries/changes?country=Atlantis", "researcher", 404);
}

TEST(ApiEmptyStore, SearchRoutesAnswer404) {
  test::TempDir dir;
  std::string db = dir / "db";
  std::string token = AddUser(db, "ana", "analyst");
  ServerProcess server;
  ASSERT_TRUE(server.Start(db));
  httplib::Client cli("127.0.0.1", server.port());
  httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  for (const char* path : {"/api/search?q=town", "/api/tip?text=555-0100", "/api/spikes", "/api/risk/x"}) {
    auto r = cli.Get(path, auth);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    auto j = json::parse(r->body);
    EXPECT_NE(j["error"].get<std::string>().find("lodestar ingest"), std::string::npos) << j.dump();
  }
  auto c = cli.Get("/api/countries/rank?year=2009", auth);  // no country files given to this server
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 404);
  EXPECT_NE(c->body.find("--countries-data"), std::string::npos) << c->body;
  auto r = cli.Get("/api/measure/hotline", auth);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(json::parse(r->body)["provenance"].is_object());

  // Ads ingested, then linked, while the server runs become searchable without
  // a restart (it looks every 2 s; the loops below only bound the wait).
  auto synth = Lodestar("synth --ads 300 --seed 5 --quiet --out " + (dir / "a.jsonl"));
  ASSERT_EQ(synth.exit_code, 0) << synth.out;
  auto ingest = Lodestar("ingest " + (dir / "a.jsonl") + " --quiet --db " + db);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  auto search_all = [&] {
    auto res = cli.Get("/api/search?q=&limit=1", auth);
    return res && res->status == 200 ? json::parse(res->body) : json();
  };
  json found;
  for (int i = 0; i < 300 && found.is_null(); ++i) {
    found = search_all();
    if (found.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(found.is_null()) << "ads ingested after the start never became searchable";
  EXPECT_EQ(found["total"], 300);
  EXPECT_TRUE(found["hits"][0]["network"].is_null());
  auto link = Lodestar("link --quiet --db " + db);
  ASSERT_EQ(link.exit_code, 0) << link.out;
  bool linked = false;
  for (int i = 0; i < 300 && !linked; ++i) {
    json j = search_all();
    linked = !j.is_null() && j["hits"][0]["network"].is_string();
    if (!linked) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(linked) << "the link state written after the start was never picked up";
}

}  // namespace
}  // namespace lodestar
