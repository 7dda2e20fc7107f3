// Tests for the case side: screening logic, request validation, identifiers,
// missing-person matching (pure), the case database on SQLite and PostgreSQL,
// and the HTTP API over real loopback, including kill -9 durability.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "cases/ad_intel.h"
#include "cases/case_db.h"
#include "cases/identifiers.h"
#include "cases/missing.h"
#include "cases/request_json.h"
#include "cases/screening.h"
#include "cases/sql.h"
#include "core/time.h"
#include "test_util.h"

namespace lodestar::cases {
namespace {

using json = nlohmann::json;
using test::TempDir;

// ---------------------------------------------------------------- screening

struct PalermoCase {
  const char* name;
  std::vector<std::string> acts, means, purposes;
  std::optional<int> age;
  std::optional<bool> consent;
  bool means_unknown;
  ScreenResult expected;
};

TEST(Screening, PalermoTable) {
  const std::vector<PalermoCase> cases = {
      {"adult, act+purpose, no means", {"recruitment"}, {}, {"forced_labour"}, 30, std::nullopt, false,
       ScreenResult::kNotMet},
      {"child, act+purpose, no means", {"recruitment"}, {}, {"sexual_exploitation"}, 15, std::nullopt, false,
       ScreenResult::kMet},
      {"adult consented but deceived", {"transportation"}, {"deception"}, {"sexual_exploitation"}, 24, true, false,
       ScreenResult::kMet},
      {"adult, all three", {"harbouring"}, {"force"}, {"servitude"}, 40, false, false, ScreenResult::kMet},
      {"no act", {}, {"force"}, {"forced_labour"}, 40, std::nullopt, false, ScreenResult::kNotMet},
      {"no purpose", {"recruitment"}, {"fraud"}, {}, 40, std::nullopt, false, ScreenResult::kNotMet},
      {"adult, means unknown", {"recruitment"}, {}, {"forced_labour"}, 30, std::nullopt, true,
       ScreenResult::kInconclusive},
      {"age unknown, no means", {"recruitment"}, {}, {"forced_labour"}, std::nullopt, std::nullopt, false,
       ScreenResult::kInconclusive},
      {"17-year-old, organ removal", {"receipt"}, {}, {"organ_removal"}, 17, true, false, ScreenResult::kMet},
      {"adult consent without means", {"recruitment"}, {}, {"sexual_exploitation"}, 25, true, false,
       ScreenResult::kNotMet},
  };
  for (const auto& c : cases) {
    ScreeningInput in;
    in.acts = c.acts;
    in.means = c.means;
    in.purposes = c.purposes;
    in.consent_given = c.consent;
    in.means_unknown = c.means_unknown;
    auto a = Assess(in, c.age);
    EXPECT_EQ(a.palermo.result, c.expected) << c.name << ": " << JoinList(a.palermo.explanation, " / ");
  }
}

TEST(Screening, ConsentIrrelevantOnceMeansShownIsExplained) {
  ScreeningInput in;
  in.acts = {"recruitment"};
  in.means = {"deception"};
  in.purposes = {"forced_labour"};
  in.consent_given = true;
  auto a = Assess(in, 28);
  ASSERT_EQ(a.palermo.result, ScreenResult::kMet);
  EXPECT_NE(JoinList(a.palermo.explanation).find("consent"), std::string::npos);
}

TEST(Screening, TvpaTable) {
  struct Row {
    const char* name;
    bool sex_act;
    std::vector<std::string> acts, means, labour;
    std::optional<int> age;
    ScreenResult sex, labour_result, overall;
  };
  const std::vector<Row> rows = {
      {"minor in commercial sex, no FFC", true, {}, {}, {}, 16, ScreenResult::kMet, ScreenResult::kNotMet,
       ScreenResult::kMet},
      {"adult commercial sex with coercion", true, {}, {"coercion"}, {}, 22, ScreenResult::kMet,
       ScreenResult::kNotMet, ScreenResult::kMet},
      {"adult commercial sex, no FFC", true, {}, {}, {}, 22, ScreenResult::kNotMet, ScreenResult::kNotMet,
       ScreenResult::kNotMet},
      {"debt bondage by fraud", false, {"recruitment"}, {"fraud"}, {"debt_bondage"}, 35, ScreenResult::kNotMet,
       ScreenResult::kMet, ScreenResult::kMet},
      {"peonage without FFC", false, {"recruitment"}, {}, {"peonage"}, 35, ScreenResult::kNotMet,
       ScreenResult::kNotMet, ScreenResult::kNotMet},
  };
  for (const auto& r : rows) {
    ScreeningInput in;
    in.commercial_sex_act = r.sex_act;
    in.acts = r.acts;
    in.means = r.means;
    in.labour_purposes = r.labour;
    auto a = Assess(in, r.age);
    EXPECT_EQ(a.tvpa_sex.result, r.sex) << r.name;
    EXPECT_EQ(a.tvpa_labour.result, r.labour_result) << r.name;
    EXPECT_EQ(a.tvpa, r.overall) << r.name;
  }
}

// ---------------------------------------------------------------- validation and identifiers

std::string FieldOfParse(const std::string& body) {
  auto p = ParseTipJson(body);
  if (auto* e = std::get_if<FieldError>(&p)) return e->field;
  return "";
}

TEST(TipJson, NamesTheFieldAtFault) {
  EXPECT_EQ(FieldOfParse(R"({"text":"hello there"})"), "channel");
  EXPECT_EQ(FieldOfParse(R"({"channel":"pigeon","text":"x"})"), "channel");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call"})"), "text");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call","text":42})"), "text");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call","text":"x","language":"not a tag!"})"), "language");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call","text":"x","phones":["12"]})"), "phones[0]");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call","text":"x","people":[{"age":300}]})"), "people[0].age");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call","text":"x","colour":"red"})"), "colour");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call","text":"x","anonymous":true,"contact":{"allowed":true,"method":"sms"}})"),
            "contact");
  EXPECT_EQ(FieldOfParse(R"({"channel":"call","text":"x","location":{"country":"usa"}})"), "location.country");
  EXPECT_EQ(FieldOfParse("[1,2]"), "body");
  EXPECT_EQ(FieldOfParse("{not json"), "body");
  EXPECT_EQ(FieldOfParse(std::string(R"({"channel":"call","text":")") + std::string(30000, 'a') + "\"}"), "text");
  EXPECT_EQ(FieldOfParse(R"({"channel":"sms","text":"She is 15 and cannot leave","language":"en-US",)"
                         R"("phones":["(503) 555-0147"],"people":[{"role":"potential_victim","age":15}]})"),
            "");
}

TEST(TipJson, EscapesMarkupCharactersForHtml) {
  EXPECT_EQ(EscapeJsonForHtml(R"({"a":"plain"})"), R"({"a":"plain"})");
  EXPECT_EQ(EscapeJsonForHtml(""), "");
  EXPECT_EQ(EscapeJsonForHtml("<"), "\\u003c");
  EXPECT_EQ(EscapeJsonForHtml(R"({"x":"<b>&amp;</b>"})"),
            R"({"x":"\u003cb\u003e\u0026amp;\u003c/b\u003e"})");
  EXPECT_EQ(EscapeJsonForHtml("&&>><<"), "\\u0026\\u0026\\u003e\\u003e\\u003c\\u003c");
  EXPECT_EQ(EscapeJsonForHtml("tail&"), "tail\\u0026");
}

TEST(Identifiers, NormaliseAndFind) {
  EXPECT_EQ(NormalizePhone("(503) 555-0147"), "+15035550147");
  EXPECT_EQ(NormalizePhone("+1 503.555.0147"), "+15035550147");
  EXPECT_EQ(NormalizePhone("0044 20 7946 0018"), "+442079460018");
  EXPECT_EQ(NormalizePhone("12"), "");
  EXPECT_EQ(NormalizeEmail(" Boss@Example.ORG "), "boss@example.org");
  EXPECT_EQ(NormalizeHandle("@Night_Owl"), "night_owl");
  EXPECT_EQ(NormalizeName("DOE,  Jane"), NormalizeName("jane doe"));
  auto f = FindIdentifiers("call 503-555-0147 or mail boss@example.org, insta @night_owl; price 200");
  ASSERT_EQ(f.phones.size(), 1u);
  EXPECT_EQ(f.phones[0], "+15035550147");
  ASSERT_EQ(f.emails.size(), 1u);
  ASSERT_EQ(f.handles.size(), 1u);
  EXPECT_EQ(f.handles[0], "night_owl");
}

TEST(Triage, DangerAndMinors) {
  TipInput t;
  t.text = "A girl, maybe 15 years old, is locked in the back room";
  auto tr = TriageTip(t);
  EXPECT_EQ(tr.urgency, "immediate");
  EXPECT_NE(std::find(tr.flags.begin(), tr.flags.end(), "minor_involved"), tr.flags.end());
  t.text = "Workers at the farm say the boss keeps their wages";
  EXPECT_EQ(TriageTip(t).urgency, "standard");
  t.urgency = "high";
  EXPECT_EQ(TriageTip(t).urgency, "high");
}

TEST(Missing, CsvAndScores) {
  auto csv = ParseMissingCsv(
      "id,name,age,gender,last_seen_place,last_seen_date\n"
      "TC-1,Maria Lopes,15,F,\"Portland, OR\",2023-01-10\n"
      "TC-2,,12,M,Salem,2023-02-01\n"
      "TC-3,Ivan Petrov,40,male,Kyiv,2019-05-05\n",
      "reg.csv");
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  ASSERT_EQ(csv->reports.size(), 2u);
  ASSERT_EQ(csv->errors.size(), 1u);
  EXPECT_NE(csv->errors[0].find("reg.csv:3"), std::string::npos);
  MatchCandidate c;
  c.name = "María LOPES";
  c.age = 16;
  c.gender = "female";
  c.place = "Portland OR";
  c.seen_at = *core::ParseTimestamp("2023-09-01");
  auto good = ScoreMatch(csv->reports[0], c);
  auto bad = ScoreMatch(csv->reports[1], c);
  EXPECT_GT(good.total, 0.8);
  EXPECT_LT(bad.total, 0.3);
  EXPECT_FALSE(ParseMissingCsv("a,b\n1,2\n", "x.csv").ok());
}

// ---------------------------------------------------------------- database fixtures

// A fresh database per test: a SQLite file, or a new PostgreSQL database on the
// cluster named by LODESTAR_TEST_PG (dropped afterwards).
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend) : backend_(backend) {}
  ~TestDatabase() {
    if (!pg_name_.empty()) {
      auto admin = OpenPostgres(admin_url_);
      if (admin.ok()) (void)(*admin)->ExecScript("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    }
  }
  // Returns "" on success, else why the database could not be made.
  std::string Create() {
    if (backend_ == "sqlite") {
      url_ = "sqlite:" + dir_ / "cases.sqlite";
      return "";
    }
    const char* env = std::getenv("LODESTAR_TEST_PG");
    if (!env || !*env) {
      return "LODESTAR_TEST_PG is not set. The PostgreSQL tests must run: start a throwaway cluster with "
             "`scripts/start-test-postgres.sh` and export LODESTAR_TEST_PG=\"$(scripts/start-test-postgres.sh)\"";
    }
    admin_url_ = env;
    auto admin = OpenPostgres(admin_url_);
    if (!admin.ok()) return admin.status().message();
    pg_name_ = "lodestar_t_" + RandomHexName();
    auto st = (*admin)->ExecScript("CREATE DATABASE " + pg_name_);
    if (!st.ok()) return st.message();
    auto slash = admin_url_.rfind('/');
    auto q = admin_url_.find('?', slash);
    url_ = admin_url_.substr(0, slash + 1) + pg_name_ + (q == std::string::npos ? "" : admin_url_.substr(q));
    return "";
  }
  const std::string& url() const { return url_; }
  std::string dir() const { return dir_.str(); }
  core::Result<std::unique_ptr<CaseDatabase>> Open() const { return CaseDatabase::Open({url_, dir_.str()}); }
  core::Result<std::unique_ptr<SqlConnection>> Raw() const {
    if (backend_ == "sqlite") return OpenSqlite(url_.substr(7));
    return OpenPostgres(url_);
  }
  const std::string& backend() const { return backend_; }

 private:
  static std::string RandomHexName() {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return buf;
  }
  std::string backend_, url_, admin_url_, pg_name_;
  TempDir dir_;
};

// Makes a fresh database on `backend` and opens it; a failure fails the test fatally.
void CreateAndOpen(const std::string& backend, std::unique_ptr<TestDatabase>& tdb, std::unique_ptr<CaseDatabase>& db) {
  tdb = std::make_unique<TestDatabase>(backend);
  auto why = tdb->Create();
  ASSERT_TRUE(why.empty()) << why;
  auto opened = tdb->Open();
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  db = std::move(*opened);
}

class CasesDb : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    CreateAndOpen(GetParam(), tdb_, db_);
    if (HasFatalFailure()) return;
    admin_ = Actor::LocalAdmin();
    admin_.org = "hotline";
    operator_ = MakeActor("op1", "operator", "hotline");
    worker_ = MakeActor("cw1", "caseworker", "hotline");
  }
  Actor MakeActor(const std::string& name, const std::string& role, const std::string& org,
                  const std::string& jurisdiction = "") {
    auto u = db_->AddUser(Actor::LocalAdmin(), {name, role, org, jurisdiction, ""});
    EXPECT_TRUE(u.ok()) << u.status().message();
    auto a = db_->Authenticate(u->token);
    EXPECT_TRUE(a.ok() && *a);
    return **a;
  }
  TipReceipt File(const Actor& who, const std::string& text, std::vector<std::string> phones = {}) {
    TipInput t;
    t.channel = "call";
    t.text = text;
    t.phones = std::move(phones);
    auto r = db_->AddTip(who, t);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : TipReceipt{};
  }
  json Case(const Actor& who, int64_t id) {
    auto c = db_->GetCaseJson(who, id);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? json::parse(*c) : json();
  }
  std::unique_ptr<TestDatabase> tdb_;
  std::unique_ptr<CaseDatabase> db_;
  Actor admin_, operator_, worker_;
};

TEST_P(CasesDb, MigratesAndReopens) {
  EXPECT_EQ(db_->schema_version(), 3);
  db_.reset();
  auto again = tdb_->Open();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ((*again)->schema_version(), 3);
  auto raw = tdb_->Raw();
  ASSERT_TRUE(raw.ok());
  auto v = (*raw)->Query("SELECT COUNT(*) FROM schema_version");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)[0].i64(0), 3);
}

TEST_P(CasesDb, TipRoundTripWithDetectionAndTriage) {
  TipInput t;
  t.channel = "sms";
  t.text = "My cousin is 16 and the men who brought her here keep her passport and make her work every night.";
  t.location.text = "a motel near the highway";
  t.location.country = "US";
  t.people.push_back({"potential_victim", "Ana Example", 16, "female", "MX", ""});
  t.exploitation = {"sexual"};
  auto r = db_->AddTip(operator_, t);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->new_case);
  EXPECT_EQ(r->language, "en");
  EXPECT_EQ(r->urgency, "high");
  auto c = Case(worker_, r->case_id);
  ASSERT_EQ(c["tips"].size(), 1u);
  EXPECT_EQ(c["tips"][0]["text"], t.text);
  EXPECT_TRUE(c["tips"][0]["language_detected"].get<bool>());
  EXPECT_EQ(c["people"][0]["name"], "Ana Example");
  EXPECT_EQ(c["people"][0]["majority_status"], "minor");
  EXPECT_EQ(c["type_of_exploitation"][0], "sexual");
  EXPECT_EQ(c["places"][0]["description"], "a motel near the highway");
  EXPECT_FALSE(c["timeline"].empty());
}

TEST_P(CasesDb, RepeatedTipsLinkIntoOneCaseWithReason) {
  auto a = File(operator_, "He posts ads with the number 503 555 0147", {});
  auto b = File(operator_, "Different caller, same situation", {"+1 (503) 555-0147"});
  auto c = File(operator_, "Unrelated report about a farm", {"(206) 555-0199"});
  EXPECT_EQ(a.case_id, b.case_id);
  EXPECT_FALSE(b.new_case);
  EXPECT_NE(b.link_reason.find("shared phone"), std::string::npos) << b.link_reason;
  EXPECT_NE(c.case_id, a.case_id);
  auto j = Case(worker_, a.case_id);
  EXPECT_EQ(j["tips"].size(), 2u);
  EXPECT_EQ(j["tips"][1]["link_reason"], b.link_reason);
  // Another organisation's tip with the same phone does not join (or reveal) the case.
  auto other = MakeActor("op2", "operator", "ngo-b");
  auto d = File(other, "Another org hears about 503-555-0147", {});
  EXPECT_NE(d.case_id, a.case_id);
  EXPECT_TRUE(d.new_case);
}

TEST_P(CasesDb, PersonalFieldsEncryptedAtRest) {
  const std::string secret = "Zanzibar-Quokka-7731 told us everything";
  TipInput t;
  t.channel = "web";
  t.text = secret;
  t.names = {"Quokka Person"};
  t.contact = {true, "email", "reporter@example.org", "evenings", false};
  auto r = db_->AddTip(operator_, t);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto raw = tdb_->Raw();
  ASSERT_TRUE(raw.ok());
  auto rows = (*raw)->Query("SELECT text_enc, contact_enc FROM tips");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].str(0).find("Zanzibar"), std::string::npos);
  EXPECT_EQ((*rows)[0].str(0).rfind("v1:", 0), 0u);
  EXPECT_EQ((*rows)[0].str(1).find("reporter@"), std::string::npos);
  auto ids = (*raw)->Query("SELECT value_enc, blind FROM identifiers");
  ASSERT_TRUE(ids.ok());
  for (const auto& row : *ids) EXPECT_EQ(row.str(0).find("quokka"), std::string::npos);
  if (tdb_->backend() == "sqlite") {
    db_.reset();
    raw->reset();
    auto bytes = test::ReadFile(tdb_->url().substr(7));
    auto wal = test::ReadFile(tdb_->url().substr(7) + "-wal");
    EXPECT_EQ(bytes.find("Zanzibar"), std::string::npos);
    EXPECT_EQ(wal.find("Zanzibar"), std::string::npos);
  }
  // The key file exists with owner-only permissions.
  struct stat st {};
  ASSERT_EQ(::stat((tdb_->dir() + "/cases.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_P(CasesDb, AccessByOrganisationRoleAndSharing) {
  auto r = File(operator_, "A tip handled by the hotline org");
  auto outsider = MakeActor("cw-b", "caseworker", "police-b", "US-WA");
  auto researcher = MakeActor("res", "researcher", "university");
  auto denied = db_->GetCaseJson(outsider, r.case_id);
  ASSERT_FALSE(denied.ok());
  EXPECT_TRUE(IsPermissionDenied(denied.status()));
  auto denied2 = db_->GetCaseJson(researcher, r.case_id);
  EXPECT_TRUE(IsPermissionDenied(denied2.status()));
  EXPECT_TRUE(db_->AggregatesJson(researcher).ok());
  TipInput any;
  any.channel = "call";
  any.text = "x";
  EXPECT_TRUE(IsPermissionDenied(db_->AddTip(researcher, any).status()));
  // Share with the other jurisdiction's organisation: now readable, and the share is recorded.
  ASSERT_TRUE(db_->Share(worker_, r.case_id, "police-b", "US-WA", "full", "suspect moved to Washington").ok());
  auto c = db_->GetCaseJson(outsider, r.case_id);
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto j = json::parse(*c);
  ASSERT_EQ(j["shares"].size(), 1u);
  EXPECT_EQ(j["shares"][0]["from_org"], "hotline");
  EXPECT_EQ(j["shares"][0]["to_org"], "police-b");
  EXPECT_EQ(j["shares"][0]["shared_by"], "cw1");
  // Assignment (transfer) keeps the previous owner's access.
  ASSERT_TRUE(db_->Assign(worker_, r.case_id, "ahtu-pune", "AHTU Pune", "IN-MH").ok());
  EXPECT_TRUE(db_->GetCaseJson(worker_, r.case_id).ok());
  // Denials are in the audit log.
  auto audit = db_->AuditJson(admin_, 0, 10000);
  ASSERT_TRUE(audit.ok());
  int denials = 0;
  for (const auto& e : json::parse(*audit))
    if (e["outcome"] == "denied") ++denials;
  EXPECT_GE(denials, 1);  // the per-record refusal (role refusals are audited by the server)
  EXPECT_TRUE(IsPermissionDenied(db_->AuditJson(worker_, 0, 10).status()));
}

TEST_P(CasesDb, AuditChainDetectsTampering) {
  File(operator_, "first");
  File(operator_, "second");
  ASSERT_TRUE(db_->GetCaseJson(worker_, 1).ok());
  auto v = db_->VerifyAudit(admin_);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->message;
  EXPECT_GE(v->entries, 5);
  auto raw = tdb_->Raw();
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE((*raw)->Query("UPDATE audit SET detail = 'nothing to see' WHERE id = 3").ok());
  auto v2 = db_->VerifyAudit(admin_);
  ASSERT_TRUE(v2.ok());
  EXPECT_FALSE(v2->ok);
  EXPECT_EQ(v2->first_bad_id, 3);
}

TEST_P(CasesDb, ScreeningIsRecordedAsDecisionSupport) {
  auto r = File(operator_, "A report");
  auto pid = db_->AddPerson(worker_, r.case_id, {"potential_victim", "Child Example", 14, "male", "IN", ""});
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  ScreeningInput in;
  in.person_id = *pid;
  in.acts = {"transportation"};
  in.purposes = {"forced_begging"};
  in.indicators = {"CTL-03"};
  auto s = db_->Screen(worker_, r.case_id, in);
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto j = json::parse(*s);
  EXPECT_EQ(j["palermo"], "met");  // a child: no means needed
  auto c = Case(worker_, r.case_id);
  ASSERT_EQ(c["screenings"].size(), 1u);
  EXPECT_EQ(c["screenings"][0]["answers"]["indicators"][0], "CTL-03");
  // Case status is untouched: screening never labels anyone.
  EXPECT_EQ(c["status"], "new");
  in.person_id = 99999;
  EXPECT_EQ(FieldOf(db_->Screen(worker_, r.case_id, in).status()), "person_id");
}

TEST_P(CasesDb, ReferralDecisionsWithDeadlines) {
  auto r = File(operator_, "A report");
  auto pid = db_->AddPerson(worker_, r.case_id, {"potential_victim", "Adult Example", 31, "female", "NG", ""});
  ASSERT_TRUE(pid.ok());
  auto dm = MakeActor("dm1", "decision_maker", "hotline");
  int64_t day = 86400, t0 = std::time(nullptr) - 60 * day;
  DecisionInput rg{*pid, "reasonable_grounds", "positive", "", "indicators of forced labour", {}, t0};
  EXPECT_EQ(FieldOf(db_->Decide(dm, r.case_id, rg).status()), "stage");  // no referral yet
  DecisionInput ref{*pid, "referral", "referred", "", "", {"shelter", "legal_aid"}, t0};
  auto d1 = db_->Decide(worker_, r.case_id, ref);
  ASSERT_TRUE(d1.ok()) << d1.status().message();
  EXPECT_FALSE(json::parse(*d1)["next_due_at"].is_null());
  EXPECT_TRUE(IsPermissionDenied(db_->Decide(worker_, r.case_id, rg).status()));  // caseworkers do not decide
  rg.decided_at = t0 + 3 * day;
  auto d2 = db_->Decide(dm, r.case_id, rg);
  ASSERT_TRUE(d2.ok()) << d2.status().message();
  EXPECT_TRUE(json::parse(*d2)["on_time"].get<bool>());
  DecisionInput cg{*pid, "conclusive_grounds", "positive", "Panel", "evidence of deception and control", {}, t0 + 10 * day};
  EXPECT_EQ(FieldOf(db_->Decide(dm, r.case_id, cg).status()), "decided_at");  // inside the recovery period
  cg.decided_at = t0 + 40 * day;
  auto d3 = db_->Decide(dm, r.case_id, cg);
  ASSERT_TRUE(d3.ok()) << d3.status().message();
  auto c = Case(worker_, r.case_id);
  ASSERT_EQ(c["decisions"].size(), 3u);
  EXPECT_EQ(c["decisions"][2]["decision_maker"], "Panel");
  EXPECT_EQ(c["decisions"][2]["reasons"], "evidence of deception and control");
  EXPECT_EQ(c["decisions"][0]["services"][1], "legal_aid");
  EXPECT_EQ(c["status"], "referred");
}

TEST_P(CasesDb, ErasureKeepsAggregates) {
  TipInput t;
  t.channel = "call";
  t.text = "Report about Erin Erasable";
  t.people.push_back({"potential_victim", "Erin Erasable", 19, "female", "RO", "notes about her"});
  auto r = db_->AddTip(operator_, t);
  ASSERT_TRUE(r.ok());
  auto before = db_->AggregatesJson(admin_);
  auto c = Case(worker_, r->case_id);
  int64_t pid = c["people"][0]["id"];
  EXPECT_TRUE(IsPermissionDenied(db_->ErasePerson(worker_, pid, "request")));
  ASSERT_TRUE(db_->ErasePerson(admin_, pid, "data subject request #12").ok());
  auto after = db_->AggregatesJson(admin_);
  EXPECT_EQ(*before, *after);
  auto c2 = Case(worker_, r->case_id);
  EXPECT_TRUE(c2["people"][0]["name"].is_null());
  EXPECT_TRUE(c2["people"][0]["notes"].is_null());
  EXPECT_TRUE(c2["people"][0]["erased"].get<bool>());
  EXPECT_EQ(c2["people"][0]["age"], 19);
  for (const auto& i : c2["identifiers"]) EXPECT_NE(i["kind"], "name");
}

TEST_P(CasesDb, MissingPersonsMatchCasePeople) {
  TipInput t;
  t.channel = "call";
  t.text = "A teenage girl called Maria Lopes works at the nail salon";
  t.location.text = "Portland, Oregon";
  t.people.push_back({"potential_victim", "Maria Lopes", 16, "female", "", ""});
  ASSERT_TRUE(db_->AddTip(operator_, t).ok());
  auto csv = ParseMissingCsv("id,name,age,gender,last_seen_place,last_seen_date\n"
                             "TC-1,María Lopes,15,F,Portland,2024-06-01\n"
                             "TC-2,Someone Else,40,M,Chennai,2020-01-01\n",
                             "r.csv");
  ASSERT_TRUE(csv.ok());
  ASSERT_TRUE(db_->ImportMissing(worker_, csv->reports).ok());
  auto m = db_->MatchMissing(worker_, 0.6);
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].external_id, "TC-1");
  EXPECT_GT((*m)[0].score.total, 0.75);
}

TEST_P(CasesDb, InjectionStringsStoredInert) {
  const std::string sql = "'); DROP TABLE tips; --";
  const std::string script = "<script>alert('x')</script>";
  auto r = File(operator_, sql + " " + script);
  auto r2 = File(operator_, "still works");
  EXPECT_GT(r2.tip_id, r.tip_id);
  auto c = db_->GetCaseJson(worker_, r.case_id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->find("<script>"), std::string::npos);
  EXPECT_NE(c->find("\\u003cscript\\u003e"), std::string::npos);
  EXPECT_EQ(json::parse(*c)["tips"][0]["text"], sql + " " + script);
}

TEST_P(CasesDb, ConcurrentTipsAllCommitted) {
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<int64_t> ids;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        TipInput tip;
        tip.channel = "web";
        tip.text = "concurrent tip " + std::to_string(t) + "/" + std::to_string(i);
        auto r = db_->AddTip(operator_, tip);
        ASSERT_TRUE(r.ok()) << r.status().message();
        std::lock_guard lock(mu);
        ids.insert(r->tip_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
  auto raw = tdb_->Raw();
  auto n = (*raw)->Query("SELECT COUNT(*) FROM tips");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ((*n)[0].i64(0), kThreads * kPerThread);
  EXPECT_TRUE(db_->VerifyAudit(admin_)->ok);
}

// Concurrent tips land in shared batches: links between tips of one batch,
// in-batch idempotent retries and the audit chain must come out as if the
// tips had been filed one by one.
TEST_P(CasesDb, BatchedTipsLinkDeduplicateAndChain) {
  constexpr int kThreads = 12;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<TipReceipt> shared, retries;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        TipInput tip;
        tip.channel = "web";
        tip.text = "batch tip " + std::to_string(t) + "/" + std::to_string(i);
        bool same_phone = i % 2 == 0;
        if (same_phone) tip.phones = {"(541) 555-0177"};
        bool retry = i == 5;
        if (retry) tip.external_ref = "intake-42";
        auto r = db_->AddTip(operator_, tip);
        ASSERT_TRUE(r.ok()) << r.status().message();
        std::lock_guard lock(mu);
        if (same_phone) shared.push_back(*r);
        if (retry) retries.push_back(*r);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(shared.size(), static_cast<size_t>(kThreads * 5));
  std::set<int64_t> cases;
  int new_cases = 0;
  for (const auto& r : shared) {
    cases.insert(r.case_id);
    new_cases += r.new_case;
  }
  EXPECT_EQ(cases.size(), 1u) << "tips sharing a phone must end in one case";
  EXPECT_EQ(new_cases, 1);
  ASSERT_EQ(retries.size(), static_cast<size_t>(kThreads));
  std::set<int64_t> retry_ids;
  for (const auto& r : retries) retry_ids.insert(r.tip_id);
  EXPECT_EQ(retry_ids.size(), 1u) << "one external_ref must give one tip";
  auto raw = tdb_->Raw();
  auto n = (*raw)->Query("SELECT COUNT(*) FROM tips");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ((*n)[0].i64(0), kThreads * 10 - (kThreads - 1));
  auto j = Case(worker_, *cases.begin());
  EXPECT_EQ(j["tips"].size(), static_cast<size_t>(kThreads * 5));
  for (size_t i = 1; i < j["tips"].size(); ++i)
    EXPECT_NE(j["tips"][i]["link_reason"].get<std::string>().find("shared phone with tip "), std::string::npos);
  auto v = db_->VerifyAudit(admin_);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->message;
}

TEST_P(CasesDb, TipPlaceIsGeocoded) {
  TipInput t;
  t.channel = "call";
  t.text = "The caller says the workers are kept in a house and never paid.";
  t.location.text = "near the bus station in Portland, Oregon";
  auto r = db_->AddTip(operator_, t);
  ASSERT_TRUE(r.ok()) << r.status().message();
  TipInput u;
  u.channel = "web";
  u.text = "Girls are moved between motels in Houston every week.";
  auto r2 = db_->AddTip(operator_, u);
  ASSERT_TRUE(r2.ok()) << r2.status().message();
  TipInput v;
  v.channel = "web";
  v.text = "No place is named in this report at all.";
  auto r3 = db_->AddTip(operator_, v);
  ASSERT_TRUE(r3.ok());
  auto c = Case(worker_, r->case_id);
  const auto& g = c["tips"][0]["geocode"];
  ASSERT_TRUE(g.is_object()) << c["tips"][0].dump();
  EXPECT_EQ(g["city"], "Portland");
  EXPECT_EQ(g["region"], "OR");
  EXPECT_EQ(g["country"], "US");
  EXPECT_NEAR(g["lat"].get<double>(), 45.5, 0.3);
  EXPECT_NEAR(g["lon"].get<double>(), -122.7, 0.3);
  EXPECT_EQ(g["source"], "location");
  // The place row takes the gazetteer's country and coordinates.
  EXPECT_EQ(c["places"][0]["country"], "US");
  EXPECT_FALSE(c["places"][0]["lat"].is_null());
  auto c2 = Case(worker_, r2->case_id);
  ASSERT_TRUE(c2["tips"][0]["geocode"].is_object());
  EXPECT_EQ(c2["tips"][0]["geocode"]["city"], "Houston");
  EXPECT_EQ(c2["tips"][0]["geocode"]["source"], "text");
  auto c3 = Case(worker_, r3->case_id);
  EXPECT_TRUE(c3["tips"][0]["geocode"].is_null());
}

TEST_P(CasesDb, RevokedTokensStopWorkingAtOnce) {
  auto u = db_->AddUser(Actor::LocalAdmin(), {"revokee", "operator", "hotline", "", ""});
  ASSERT_TRUE(u.ok());
  auto second = db_->NewTokenFor(Actor::LocalAdmin(), "revokee");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(db_->Authenticate(u->token).value().has_value());
  auto tokens = db_->ListTokens(admin_, "revokee");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_FALSE((*tokens)[0].revoked);
  // Only admins revoke.
  EXPECT_TRUE(IsPermissionDenied(db_->RevokeTokens(operator_, (*tokens)[0].id, "").status()));
  // By id: that token only.
  auto n = db_->RevokeTokens(admin_, (*tokens)[0].id, "");
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(db_->Authenticate(u->token).value().has_value());
  EXPECT_TRUE(db_->Authenticate(*second).value().has_value());
  EXPECT_EQ(db_->RevokeTokens(admin_, (*tokens)[0].id, "").value(), 0);  // already revoked
  // By user: the rest.
  EXPECT_EQ(db_->RevokeTokens(admin_, 0, "revokee").value(), 1);
  EXPECT_FALSE(db_->Authenticate(*second).value().has_value());
  EXPECT_EQ(db_->RevokeTokens(admin_, 0, "nobody").status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(db_->RevokeTokens(admin_, 999999, "").status().code(), core::StatusCode::kNotFound);
  auto after = db_->ListTokens(admin_, "revokee");
  EXPECT_TRUE((*after)[0].revoked && (*after)[1].revoked && (*after)[0].revoked_at.has_value());
  auto audit = json::parse(db_->AuditJson(admin_, 0, 10000).value());
  int revokes = 0;
  for (const auto& e : audit) revokes += e["action"] == "token.revoke";
  EXPECT_EQ(revokes, 3);
  EXPECT_TRUE(db_->VerifyAudit(admin_)->ok);
}

// MSE from cases (issue 7): a generated population of known capture histories
// over three organisations; the memberships must reproduce every pattern, and
// `lodestar mse --from-cases` must fit them.
TEST_P(CasesDb, MseMembershipsFromCases) {
  const std::vector<std::string> orgs = {"ngo-a", "police-b", "clinic-c"};
  std::vector<Actor> ops;
  for (size_t o = 0; o < orgs.size(); ++o) ops.push_back(MakeActor("mse_op" + std::to_string(o), "operator", orgs[o]));
  std::map<unsigned, int64_t> truth;  // bit o = recorded by orgs[o]
  for (int p = 0; p < 60; ++p) {
    unsigned pattern = 0;
    if (p % 2 == 0) pattern |= 1;
    if (p % 3 == 0) pattern |= 2;
    if (p % 5 == 0 || pattern == 0) pattern |= 4;
    ++truth[pattern];
    for (size_t o = 0; o < orgs.size(); ++o) {
      if (!(pattern & (1u << o))) continue;
      TipInput t;
      t.channel = "call";
      t.text = "A generated report about a person held at a workplace.";
      t.people.push_back({"potential_victim", "Generated Person " + std::to_string(p), 30, "female", "", ""});
      if (p == 7) t.people.push_back({"suspect", "Generated Boss", 50, "male", "", ""});  // not counted
      auto r = db_->AddTip(ops[o], t);
      ASSERT_TRUE(r.ok()) << r.status().message();
    }
  }
  auto m = db_->MseMemberships(operator_);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->size(), 60u);
  std::map<unsigned, int64_t> got;
  for (const auto& person : *m) {
    unsigned pattern = 0;
    for (const auto& o : person)
      for (size_t i = 0; i < orgs.size(); ++i)
        if (o == orgs[i]) pattern |= 1u << i;
    ++got[pattern];
  }
  EXPECT_EQ(got, truth);
  // The CLI fits the table built from the same memberships.
  auto run =
      test::Lodestar("mse --from-cases --db " + tdb_->dir() + " --cases '" + tdb_->url() + "' --bootstrap 20 --json");
  const std::string& out = run.out;
  ASSERT_EQ(run.exit_code, 0) << out;
  auto j = json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out;
  EXPECT_EQ(j["observed"], 60) << out;
  EXPECT_GE(j["estimate"].get<double>(), 60.0);
  EXPECT_EQ(out.find("Generated Person"), std::string::npos);
}

// Missing persons against ads (generated data, own texts): the report whose
// name an ad states matches that ad, scored by age and date; a report no ad
// names matches nothing; the output carries no ad text or name.
TEST_P(CasesDb, MissingPersonsMatchAds) {
  std::string store = tdb_->dir();  // the ad store beside cases.key, as `lodestar serve --db DIR` expects
  test::WriteFile(tdb_->dir() + "/ads.jsonl",
                  "{\"id\":\"m-ad-1\",\"title\":\"Sweet Marisol new in town - 19\",\"body\":\"Hi I am Marisol, 19, "
                  "visiting this week only.\",\"location\":\"Seattle, WA\",\"posted\":\"2018-05-01T10:00:00Z\"}\n"
                  "{\"id\":\"m-ad-2\",\"title\":\"Mature companion - 45\",\"body\":\"Ask for M a r i s o l, I am 45 "
                  "years old, relaxed and discreet.\",\"location\":\"Denver, CO\",\"posted\":\"2018-06-01T10:00:00Z\"}\n"
                  "{\"id\":\"m-ad-3\",\"title\":\"New girl in Tacoma\",\"body\":\"Young and sweet, 20, call "
                  "anytime.\",\"location\":\"Tacoma, WA\",\"posted\":\"2018-07-01T10:00:00Z\"}\n");
  auto ing = test::Lodestar("ingest " + tdb_->dir() + "/ads.jsonl --db " + store + " --quiet");
  ASSERT_EQ(ing.exit_code, 0) << ing.out;
  MissingReport found, absent;
  found.external_id = "R-1";
  found.name = "Marisol Quintero";
  found.age = 16;
  found.gender = "female";
  found.last_seen_place = "Tacoma, Washington";
  found.last_seen = 1456790400;  // 2016-03-01
  absent.external_id = "R-2";
  absent.name = "Trinity Okafor";
  absent.age = 15;
  ASSERT_TRUE(db_->ImportMissing(worker_, {found, absent}).ok());
  auto intel = OpenStoreAdIntelligence(store);
  ASSERT_TRUE(intel);
  auto m = db_->MatchMissingAds(worker_, *intel, 0.0);
  ASSERT_TRUE(m.ok()) << m.status().message();
  std::map<std::string, MissingAdMatch> by_ad;
  for (const auto& x : *m) {
    EXPECT_EQ(x.external_id, "R-1") << x.ad_id;
    by_ad[x.ad_id] = x;
    EXPECT_EQ(x.evidence.find("arisol"), std::string::npos);  // no name in the evidence
  }
  ASSERT_EQ(by_ad.size(), 2u) << "the ads naming Marisol (one letter-spaced), and no other";
  ASSERT_TRUE(by_ad.count("m-ad-1") && by_ad.count("m-ad-2"));
  const auto& young = by_ad["m-ad-1"];
  const auto& old = by_ad["m-ad-2"];
  EXPECT_GE(young.score.name, 0.75);
  EXPECT_GT(young.score.age, 0.7);  // 16 in 2016 -> about 18 in 2018; the ad says 19
  EXPECT_LT(old.score.age, 0.1);    // the ad says 45
  EXPECT_GT(young.score.total, old.score.total);
  EXPECT_EQ((*m)[0].ad_id, "m-ad-1");  // best first
  EXPECT_NE(young.evidence.find("stated age 19"), std::string::npos) << young.evidence;
  // A threshold keeps only the strong candidate.
  auto strong = db_->MatchMissingAds(worker_, *intel, (young.score.total + old.score.total) / 2);
  ASSERT_TRUE(strong.ok());
  ASSERT_EQ(strong->size(), 1u);
  EXPECT_EQ((*strong)[0].ad_id, "m-ad-1");
  // Roles without missing-person access are refused.
  EXPECT_TRUE(IsPermissionDenied(db_->MatchMissingAds(operator_, *intel, 0.0).status()));
  // The CLI prints both kinds of match.
  auto cli = test::Lodestar("missing match --db " + store + " --cases '" + tdb_->url() + "' --min-score 0");
  EXPECT_EQ(cli.exit_code, 0) << cli.out;
  EXPECT_NE(cli.out.find("candidate matches with case people"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("2 candidate matches with ads"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("~ ad m-ad-1"), std::string::npos) << cli.out;
  EXPECT_EQ(cli.out.find("Marisol"), std::string::npos) << "no names in the output";
}

TEST_P(CasesDb, TokensStoredOnlyAsHashes) {
  auto u = db_->AddUser(Actor::LocalAdmin(), {"alice", "investigator", "police-a", "US-OR", "correct horse battery"});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->token.rfind("lst_", 0), 0u);
  auto raw = tdb_->Raw();
  auto rows = (*raw)->Query("SELECT token_hash FROM tokens");
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) EXPECT_NE(row.str(0), u->token);
  auto pw = (*raw)->Query("SELECT password_hash FROM users WHERE name = 'alice'");
  EXPECT_EQ((*pw)[0].str(0).rfind("$argon2id$", 0), 0u);
  EXPECT_FALSE(db_->Authenticate("lst_0000000000000000000000000000000000000000000000000000000000000000").value());
  EXPECT_TRUE(db_->Login("alice", "correct horse battery").ok());
  EXPECT_TRUE(IsPermissionDenied(db_->Login("alice", "wrong").status()));
  EXPECT_EQ(FieldOf(db_->AddUser(Actor::LocalAdmin(), {"alice", "admin", "x", "", ""}).status()), "name");
  EXPECT_EQ(FieldOf(db_->AddUser(Actor::LocalAdmin(), {"bob", "king", "x", "", ""}).status()), "role");
}

class FakeIntel : public AdIntelligence {
 public:
  std::vector<AdMatch> FindByIdentifiers(const std::vector<std::string>& phones, const std::vector<std::string>& emails,
                                         const std::vector<std::string>&) override {
    std::vector<AdMatch> out;
    for (const auto& p : phones)
      if (p == "+15035550147") out.push_back({"ad-17", "phone", p, "phone digits in ad body", "net-3", 1.0});
    for (const auto& e : emails)
      if (e == "boss@example.org") out.push_back({"ad-18", "email", e, "e-mail in ad title", "net-3", 1.0});
    return out;
  }
};

TEST_P(CasesDb, LinksCaseToAdsAndNetworks) {
  auto r = File(operator_, "ads say call 503.555.0147 or boss@example.org");
  FakeIntel intel;
  auto n = db_->LinkAds(worker_, r.case_id, intel);
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(db_->LinkAds(worker_, r.case_id, intel).value(), 0);  // idempotent
  auto c = Case(worker_, r.case_id);
  ASSERT_EQ(c["linked_ads"].size(), 2u);
  EXPECT_EQ(c["linked_networks"][0]["network_id"], "net-3");
  EXPECT_EQ(c["linked_networks"][0]["ads"], 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, CasesDb, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// The simple store scanner, on a store made by `lodestar ingest` from our own texts.
TEST(StoreAdIntelligence, FindsPhonesEmailsHandlesInAds) {
  TempDir dir;
  test::WriteFile(dir / "ads.jsonl",
                  "{\"id\":\"a1\",\"title\":\"New in town\",\"body\":\"call (503) 555-0147 anytime\"}\n"
                  "{\"id\":\"a2\",\"title\":\"Mail boss@example.org\",\"body\":\"ask for @night_owl\"}\n"
                  "{\"id\":\"a3\",\"title\":\"Unrelated\",\"body\":\"nothing here 206 555 0199x\"}\n");
  auto ing = test::Lodestar("ingest " + (dir / "ads.jsonl") + " --db " + (dir / "store") + " --quiet");
  ASSERT_EQ(ing.exit_code, 0) << ing.out;
  auto intel = OpenStoreAdIntelligence(dir / "store");
  ASSERT_TRUE(intel);
  auto m = intel->FindByIdentifiers({"+15035550147"}, {"boss@example.org"}, {"night_owl"});
  std::set<std::string> got;
  for (const auto& x : m) got.insert(x.ad_id + ":" + x.identifier_kind);
  EXPECT_EQ(got, (std::set<std::string>{"a1:phone", "a2:email", "a2:handle"}));
  EXPECT_EQ(OpenStoreAdIntelligence(dir / "nope"), nullptr);
}

// ---------------------------------------------------------------- HTTP over loopback

class CasesHttp : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    {
      std::unique_ptr<CaseDatabase> db;
      CreateAndOpen(GetParam(), tdb_, db);
      if (HasFatalFailure()) return;
      auto mk = [&](const char* name, const char* role) {
        auto u = db->AddUser(Actor::LocalAdmin(), {name, role, "hotline", "US-OR", ""});
        EXPECT_TRUE(u.ok());
        return u->token;
      };
      admin_ = mk("admin", "admin");
      op_ = mk("operator", "operator");
      cw_ = mk("worker", "caseworker");
      dm_ = mk("decider", "decision_maker");
      researcher_ = mk("researcher", "researcher");
    }
    ASSERT_TRUE(server_.Start(tdb_->dir(), {"--cases", tdb_->url()})) << "lodestar serve did not start";
  }
  httplib::Headers Auth(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
  std::unique_ptr<TestDatabase> tdb_;
  test::ServerProcess server_;
  std::string admin_, op_, cw_, dm_, researcher_;
};

TEST_P(CasesHttp, AuthValidationAndRoundTrip) {
  httplib::Client cli("127.0.0.1", server_.port());
  const std::string tip = R"({"channel":"chat","text":"They took our passports at the farm; call 971-555-0123",)"
                          R"("people":[{"role":"potential_victim","name":"Worker One","age":34}]})";
  auto r = cli.Post("/api/tips", tip, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = cli.Post("/api/tips", Auth("lst_bogus_token_value"), tip, "application/json");
  EXPECT_EQ(r->status, 401);
  r = cli.Post("/api/tips", Auth(researcher_), tip, "application/json");
  EXPECT_EQ(r->status, 403);
  r = cli.Get("/api/audit", Auth(op_));
  EXPECT_EQ(r->status, 403);
  r = cli.Post("/api/tips", Auth(op_), R"({"channel":"call","text":17})", "application/json");
  ASSERT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "text");
  r = cli.Post("/api/tips", Auth(op_), R"({"text":"no channel"})", "application/json");
  EXPECT_EQ(json::parse(r->body)["field"], "channel");
  r = cli.Post("/api/tips", Auth(op_), std::string(R"({"channel":"call","text":")") + std::string(200000, 'x') + "\"}",
               "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // Round trip.
  r = cli.Post("/api/tips", Auth(op_), tip, "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  auto receipt = json::parse(r->body);
  int64_t case_id = receipt["case_id"];
  EXPECT_GT(receipt["id"].get<int64_t>(), 0);
  r = cli.Get("/api/cases/" + std::to_string(case_id), Auth(researcher_));
  EXPECT_EQ(r->status, 403);
  r = cli.Get("/api/cases/999999", Auth(cw_));
  EXPECT_EQ(r->status, 404);
  r = cli.Get("/api/cases/" + std::to_string(case_id), Auth(cw_));
  ASSERT_EQ(r->status, 200) << r->body;
  auto c = json::parse(r->body);
  EXPECT_EQ(c["tips"][0]["text"], "They took our passports at the farm; call 971-555-0123");
  int64_t person = c["people"][0]["id"];
  // Decisions.
  json ref = {{"person_id", person}, {"stage", "referral"}, {"outcome", "referred"}, {"services", {"shelter"}}};
  r = cli.Post("/api/cases/" + std::to_string(case_id) + "/decisions", Auth(cw_), ref.dump(), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  json rg = {{"person_id", person}, {"stage", "reasonable_grounds"}, {"outcome", "positive"}};
  r = cli.Post("/api/cases/" + std::to_string(case_id) + "/decisions", Auth(dm_), rg.dump(), "application/json");
  ASSERT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "reasons");
  rg["reasons"] = "credible account of withheld documents";
  r = cli.Post("/api/cases/" + std::to_string(case_id) + "/decisions", Auth(cw_), rg.dump(), "application/json");
  EXPECT_EQ(r->status, 403);
  r = cli.Post("/api/cases/" + std::to_string(case_id) + "/decisions", Auth(dm_), rg.dump(), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  // Audit: admin only, and it holds the refusals.
  r = cli.Get("/api/audit?limit=10000", Auth(admin_));
  ASSERT_EQ(r->status, 200);
  auto audit = json::parse(r->body);
  int unauth = 0, denied = 0;
  for (const auto& e : audit) {
    if (e["outcome"] == "unauthenticated") ++unauth;
    if (e["outcome"] == "denied") ++denied;
  }
  EXPECT_GE(unauth, 2);
  EXPECT_GE(denied, 3);
  r = cli.Get("/api/audit/verify", Auth(admin_));
  EXPECT_TRUE(json::parse(r->body)["ok"].get<bool>());
  r = cli.Get("/api/stats", Auth(researcher_));
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.find("Worker One"), std::string::npos);
}

// A token revoked by another process (the CLI) is refused by the running server
// at once, and the refusal is audited.
TEST_P(CasesHttp, RevokedTokenIsRefusedAndAudited) {
  httplib::Client cli("127.0.0.1", server_.port());
  const std::string tip = R"({"channel":"web","text":"A report filed before and after revocation"})";
  auto r = cli.Post("/api/tips", Auth(op_), tip, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  {
    auto db = tdb_->Open();
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto n = (*db)->RevokeTokens(Actor::LocalAdmin(), 0, "operator");
    ASSERT_TRUE(n.ok()) << n.status().message();
    EXPECT_EQ(*n, 1);
  }
  r = cli.Post("/api/tips", Auth(op_), tip, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = cli.Get("/api/tips", Auth(cw_));  // other users are unaffected
  EXPECT_EQ(r->status, 200);
  r = cli.Get("/api/audit?limit=10000", Auth(admin_));
  ASSERT_EQ(r->status, 200);
  bool revoke = false, refused = false;
  for (const auto& e : json::parse(r->body)) {
    if (e["action"] == "token.revoke") revoke = true;
    if (e["outcome"] == "unauthenticated" && e["detail"] == "unknown or revoked token" &&
        e["action"] == "POST /api/tips")
      refused = true;
  }
  EXPECT_TRUE(revoke);
  EXPECT_TRUE(refused);
}

TEST_P(CasesHttp, KillNineLosesNoAcknowledgedTip) {
  constexpr int kClients = 6;
  std::atomic<bool> stop{false};
  std::atomic<int> acked_total{0};
  std::mutex mu;
  std::vector<std::pair<int64_t, std::string>> acked;  // (tip id, text)
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client cli("127.0.0.1", server_.port());
      cli.set_connection_timeout(2);
      cli.set_read_timeout(5);
      for (int i = 0; !stop; ++i) {
        std::string text = "kill test tip " + std::to_string(c) + "-" + std::to_string(i);
        json body = {{"channel", "web"}, {"text", text}, {"language", "en"}};
        auto r = cli.Post("/api/tips", Auth(op_), body.dump(), "application/json");
        if (!r) {
          if (stop) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        if (r->status == 201) {
          std::lock_guard lock(mu);
          acked.emplace_back(json::parse(r->body)["id"].get<int64_t>(), text);
          ++acked_total;
        }
      }
    });
  }
  // Kill once a bounded number of tips is acknowledged (no timing assertion).
  while (acked_total < 300) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  server_.Kill9();
  stop = true;
  for (auto& t : clients) t.join();
  auto db = tdb_->Open();
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto admin = Actor::LocalAdmin();
  auto list = (*db)->ListTipsJson(admin, 1000);
  ASSERT_TRUE(list.ok());
  // Every acknowledged tip is there, with its text.
  std::map<int64_t, int64_t> tip_case;
  auto raw = tdb_->Raw();
  auto rows = (*raw)->Query("SELECT id, case_id FROM tips");
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) tip_case[row.i64(0)] = row.i64(1);
  ASSERT_GE(acked.size(), 300u);
  size_t missing = 0;
  for (const auto& [id, text] : acked) {
    auto it = tip_case.find(id);
    if (it == tip_case.end()) {
      ++missing;
      continue;
    }
    auto c = (*db)->GetCaseJson(admin, it->second);
    ASSERT_TRUE(c.ok());
    bool found = false;
    const json cj = json::parse(*c);
    for (const auto& t : cj["tips"])
      if (t["id"] == id && t["text"] == text) found = true;
    EXPECT_TRUE(found) << "tip " << id << " not found with its text in case " << it->second;
    if (!found) break;
  }
  EXPECT_EQ(missing, 0u) << "acknowledged tips lost after kill -9";
  auto v = (*db)->VerifyAudit(admin);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->message;
}

INSTANTIATE_TEST_SUITE_P(Backends, CasesHttp, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lodestar::cases
