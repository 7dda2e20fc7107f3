// Tests for lodestar synth: determinism, truth consistency, networks, hubs,
// obfuscation, spike, phone validity, --templates and error handling.
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "synth/synth.h"

namespace {

namespace fs = std::filesystem;
using lodestar::synth::GenerateCorpus;
using lodestar::synth::SynthOptions;
using lodestar::synth::SynthSummary;
using nlohmann::json;

fs::path TempDir() {
  fs::path dir = fs::temp_directory_path() / ("lodestar_synth_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// Removes the scratch directory when the test binary exits.
class CleanUp : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(TempDir(), ec);
  }
};
[[maybe_unused]] ::testing::Environment* const kCleanUp = ::testing::AddGlobalTestEnvironment(new CleanUp);

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<json> ReadJsonLines(const fs::path& p) {
  std::vector<json> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));
  return out;
}

struct Corpus {
  SynthSummary summary;
  std::vector<json> ads, truth;
};

Corpus Generate(uint64_t ads, uint64_t seed, const std::string& name, const std::string& templates = "") {
  SynthOptions o;
  o.ads = ads;
  o.seed = seed;
  o.out_path = (TempDir() / (name + ".jsonl")).string();
  o.truth_path = (TempDir() / (name + ".truth.jsonl")).string();
  o.templates_path = templates;
  o.progress = false;
  auto r = GenerateCorpus(o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  Corpus c;
  if (!r.ok()) return c;
  c.summary = *r;
  c.ads = ReadJsonLines(o.out_path);
  c.truth = ReadJsonLines(o.truth_path);
  return c;
}

// One shared medium corpus for the structural tests.
const Corpus& Medium() {
  static const Corpus c = Generate(6000, 42, "medium");
  return c;
}

std::string DigitsOnly(const std::string& s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

// Phones that cross networks or appear in both network and background ads.
std::set<std::string> SharedPhones(const Corpus& c) {
  std::map<std::string, std::set<std::string>> owners;
  for (const json& t : c.truth) {
    std::string owner = t["network"].is_null() ? "bg:" + t["id"].get<std::string>() : t["network"].get<std::string>();
    for (const auto& p : t["phones"]) owners[p.get<std::string>()].insert(owner);
  }
  std::set<std::string> shared;
  for (const auto& [phone, who] : owners) {
    if (who.size() > 1) shared.insert(phone);
  }
  return shared;
}

TEST(SynthTest, SameSeedSameBytesDifferentSeedDifferentBytes) {
  SynthOptions o;
  o.ads = 2500;
  o.seed = 7;
  o.progress = false;
  auto run = [&](uint64_t seed, const std::string& tag) {
    o.seed = seed;
    o.out_path = (TempDir() / ("det_" + tag + ".jsonl")).string();
    o.truth_path = (TempDir() / ("det_" + tag + ".truth.jsonl")).string();
    auto r = GenerateCorpus(o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return std::make_pair(ReadAll(o.out_path), ReadAll(o.truth_path));
  };
  auto a = run(7, "a"), b = run(7, "b"), c = run(8, "c");
  EXPECT_FALSE(a.first.empty());
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.first, c.first);
  EXPECT_NE(a.second, c.second);
}

TEST(SynthTest, CountsAndIdsMatchTruth) {
  const Corpus& c = Medium();
  ASSERT_EQ(c.ads.size(), 6000u);
  ASSERT_EQ(c.truth.size(), 6000u);
  EXPECT_EQ(c.summary.ads, 6000u);
  std::set<std::string> ids;
  for (size_t i = 0; i < c.ads.size(); ++i) {
    ASSERT_EQ(c.ads[i]["id"], c.truth[i]["id"]) << "line " << i + 1;
    ids.insert(c.ads[i]["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), c.ads.size());
}

TEST(SynthTest, AdsHaveTheDocumentedFieldsAndSize) {
  const Corpus& c = Medium();
  size_t total = 0, with_age = 0;
  for (const json& ad : c.ads) {
    for (const char* f : {"id", "source", "url", "title", "body", "location", "posted"}) {
      ASSERT_TRUE(ad.contains(f) && ad[f].is_string()) << f;
    }
    EXPECT_NE(ad["url"].get<std::string>().find(ad["id"].get<std::string>()), std::string::npos);
    EXPECT_EQ(ad["posted"].get<std::string>().substr(0, 4), "2017");
    if (ad.contains("age")) ++with_age;
    total += ad.dump().size();
  }
  double avg = static_cast<double>(total) / c.ads.size();
  EXPECT_GT(avg, 600);
  EXPECT_LT(avg, 2000);
  EXPECT_GT(with_age, c.ads.size() / 2);
  EXPECT_LT(with_age, c.ads.size());  // sometimes absent
}

TEST(SynthTest, NetworkAdsShareAnIdentifierOtherThanHubs) {
  const Corpus& c = Medium();
  std::set<std::string> hubs = SharedPhones(c);
  std::map<std::string, std::vector<std::set<std::string>>> nets;
  size_t network_ads = 0;
  for (const json& t : c.truth) {
    if (t["network"].is_null()) continue;
    ++network_ads;
    std::set<std::string> ids;
    for (const auto& p : t["phones"]) {
      if (!hubs.count(p.get<std::string>())) ids.insert("p:" + p.get<std::string>());
    }
    for (const auto& e : t["emails"]) ids.insert("e:" + e.get<std::string>());
    for (const auto& h : t["handles"]) ids.insert("h:" + h.get<std::string>());
    nets[t["network"].get<std::string>()].push_back(ids);
  }
  EXPECT_GT(network_ads, c.ads.size() * 4 / 10);
  EXPECT_LT(network_ads, c.ads.size() * 6 / 10);
  EXPECT_EQ(nets.size(), c.summary.networks);
  size_t largest = 0;
  for (const auto& [net, ads] : nets) {
    ASSERT_GE(ads.size(), 2u) << net;
    largest = std::max(largest, ads.size());
    for (size_t i = 0; i < ads.size(); ++i) {
      bool shares = false;
      for (size_t j = 0; j < ads.size() && !shares; ++j) {
        if (i == j) continue;
        for (const auto& id : ads[i]) shares = shares || ads[j].count(id) > 0;
      }
      EXPECT_TRUE(shares) << net << " ad " << i;
    }
  }
  EXPECT_GE(largest, 30u);  // heavy tail
}

TEST(SynthTest, HubNumbersCrossNetworksAndNothingElseDoes) {
  const Corpus& c = Medium();
  std::set<std::string> shared = SharedPhones(c);
  EXPECT_EQ(shared.size(), c.summary.hub_numbers);
  EXPECT_GE(shared.size(), 3u);
  EXPECT_LE(shared.size(), 5u);
  std::map<std::string, std::set<std::string>> hub_networks;
  for (const json& t : c.truth) {
    if (t["network"].is_null()) continue;
    for (const auto& p : t["phones"]) {
      if (shared.count(p.get<std::string>())) hub_networks[p.get<std::string>()].insert(t["network"].get<std::string>());
    }
  }
  size_t multi = 0;
  for (const auto& [hub, nets] : hub_networks) multi += nets.size() >= 2;
  EXPECT_GE(multi, 2u);
}

TEST(SynthTest, BackgroundAdsHaveNoNetworkAndUniquePhones) {
  const Corpus& c = Medium();
  std::set<std::string> hubs = SharedPhones(c);
  std::map<std::string, int> seen;
  size_t background = 0;
  for (const json& t : c.truth) {
    if (!t["network"].is_null()) continue;
    ++background;
    for (const auto& p : t["phones"]) {
      if (!hubs.count(p.get<std::string>())) {
        EXPECT_EQ(++seen[p.get<std::string>()], 1);
      }
    }
  }
  EXPECT_GT(background, c.ads.size() / 3);
}

TEST(SynthTest, ObfuscatedShareAndPlainNumbersAppearInText) {
  const Corpus& c = Medium();
  size_t with_phone = 0, obfuscated = 0, checked = 0;
  for (size_t i = 0; i < c.truth.size(); ++i) {
    const json& t = c.truth[i];
    if (t["phones"].empty()) continue;
    ++with_phone;
    if (t["obfuscated"].get<bool>()) {
      ++obfuscated;
      continue;
    }
    // A plain number's last 7 digits are visible once separators are removed.
    std::string digits = DigitsOnly(c.ads[i]["title"].get<std::string>() + " " + c.ads[i]["body"].get<std::string>());
    std::string e164 = t["phones"][0].get<std::string>();
    EXPECT_NE(digits.find(e164.substr(e164.size() - 7)), std::string::npos) << t["id"];
    ++checked;
  }
  double share = static_cast<double>(obfuscated) / with_phone;
  EXPECT_GT(share, 0.25);
  EXPECT_LT(share, 0.35);
  EXPECT_GT(checked, 1000u);
}

TEST(SynthTest, SpikeIsOneCityOverThreeDays) {
  const Corpus& c = Medium();
  std::set<std::string> cities, days;
  size_t spike = 0;
  for (const json& t : c.truth) {
    if (!t["spike"].get<bool>()) continue;
    ++spike;
    cities.insert(t["city"].get<std::string>() + "," + t["state"].get<std::string>());
    days.insert(t["posted"].get<std::string>().substr(0, 10));
    EXPECT_TRUE(t["network"].is_null());
  }
  EXPECT_EQ(spike, c.summary.spike_ads);
  EXPECT_GE(spike, 30u);
  ASSERT_EQ(cities.size(), 1u);
  EXPECT_LE(days.size(), 3u);
  // In the spike window the city has clearly more ads than on an average 3 days.
  std::string city = *cities.begin();
  size_t in_city = 0, in_window = 0;
  for (const json& t : c.truth) {
    if (t["city"].get<std::string>() + "," + t["state"].get<std::string>() != city) continue;
    ++in_city;
    if (days.count(t["posted"].get<std::string>().substr(0, 10))) ++in_window;
  }
  EXPECT_GT(in_window, 2.0 * in_city * 3 / 365.0);
}

// Lower-cased words of an ad's title and body.
std::set<std::string> Words(const json& ad) {
  std::set<std::string> out;
  std::string cur;
  for (char ch : ad["title"].get<std::string>() + " " + ad["body"].get<std::string>()) {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (!cur.empty()) {
      out.insert(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.insert(cur);
  return out;
}

TEST(SynthTest, SpikeAdsCarryPlantedEventTermsAndNoOtherAdDoes) {
  const Corpus& c = Medium();
  ASSERT_EQ(c.ads.size(), c.truth.size());
  std::set<std::string> vocabulary;
  for (const json& t : c.truth) {
    if (!t["spike"].get<bool>()) continue;
    ASSERT_TRUE(t.contains("event_terms")) << t["id"];
    EXPECT_GE(t["event_terms"].size(), 1u) << t["id"];
    for (const auto& term : t["event_terms"]) vocabulary.insert(term.get<std::string>());
  }
  ASSERT_GE(vocabulary.size(), 4u);  // several phrases are in use, not one repeated sentence
  size_t spike = 0;
  for (size_t i = 0; i < c.truth.size(); ++i) {
    const json& t = c.truth[i];
    std::set<std::string> words = Words(c.ads[i]);
    if (t["spike"].get<bool>()) {
      ++spike;
      for (const auto& term : t["event_terms"]) {
        EXPECT_TRUE(words.count(term.get<std::string>())) << t["id"] << " " << term;
      }
      continue;
    }
    EXPECT_FALSE(t.contains("event_terms")) << t["id"];
    for (const auto& term : vocabulary) EXPECT_FALSE(words.count(term)) << t["id"] << " has event term " << term;
  }
  EXPECT_EQ(spike, c.summary.spike_ads);
}

TEST(SynthTest, TruthPhonesAreValidE164) {
  const Corpus& c = Medium();
  auto* util = i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  std::set<std::string> phones;
  std::set<std::string> countries;
  for (const json& t : c.truth) {
    for (const auto& p : t["phones"]) phones.insert(p.get<std::string>());
  }
  ASSERT_GT(phones.size(), 1000u);
  for (const std::string& p : phones) {
    i18n::phonenumbers::PhoneNumber n;
    ASSERT_EQ(util->Parse(p, "ZZ", &n), i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR) << p;
    EXPECT_TRUE(util->IsValidNumber(n)) << p;
    std::string formatted;
    util->Format(n, i18n::phonenumbers::PhoneNumberUtil::E164, &formatted);
    EXPECT_EQ(formatted, p);
    std::string region;
    util->GetRegionCodeForNumber(n, &region);
    countries.insert(region);
  }
  EXPECT_TRUE(countries.count("US"));
}

TEST(SynthTest, AgesTravelAndTemplatesAreConsistent) {
  const Corpus& c = Medium();
  std::map<std::string, std::set<std::string>> net_cities;
  std::set<std::string> templates;
  size_t null_ages = 0;
  for (size_t i = 0; i < c.truth.size(); ++i) {
    const json& t = c.truth[i];
    const json& ad = c.ads[i];
    templates.insert(t["template"].get<std::string>());
    if (ad.contains("age")) {
      EXPECT_EQ(ad["age"].get<std::string>(), std::to_string(t["age"].get<int>()));
    }
    if (t["age"].is_null()) {
      ++null_ages;
      EXPECT_FALSE(ad.contains("age"));
    } else {
      int age = t["age"].get<int>();
      EXPECT_GE(age, 18);
      std::string text = ad["title"].get<std::string>() + " " + ad["body"].get<std::string>();
      EXPECT_TRUE(ad.contains("age") || text.find(std::to_string(age)) != std::string::npos) << t["id"];
    }
    std::string loc = ad["location"].get<std::string>();
    // Locations are written as ads write them ("Ciudad de Mexico, CDMX" for Mexico City).
    if (t["country"] != "MX") {
      EXPECT_EQ(loc.find(t["city"].get<std::string>()), 0u) << loc;
    }
    if (!t["network"].is_null()) net_cities[t["network"].get<std::string>()].insert(loc);
  }
  EXPECT_GT(null_ages, 0u);
  size_t travelling = 0;
  for (const auto& [net, cities] : net_cities) travelling += cities.size() >= 2;
  EXPECT_GT(travelling, net_cities.size() / 5);
  EXPECT_GE(templates.size(), 30u);
  EXPECT_TRUE(templates.count("free"));
}

TEST(SynthTest, TemplatesFromRealCorpus) {
  const std::string real = std::string(LODESTAR_SHARED_DATA) + "/ads/backpage-ca.jsonl";
  if (!fs::exists(real)) GTEST_SKIP() << "shared data not available: " << real;
  Corpus c = Generate(3000, 5, "real", real);
  ASSERT_EQ(c.ads.size(), 3000u);
  EXPECT_GT(c.summary.templates, 100u);
  size_t real_ads = 0;
  for (const json& t : c.truth) real_ads += t["template"].get<std::string>()[0] == 'r';
  EXPECT_GT(real_ads, 800u);

  // No phone number of the real corpus survives into the synthetic ads.
  auto long_runs = [](const std::string& s, std::set<std::string>& out) {
    std::string cur;
    size_t gap = 0;
    for (char ch : s + "x") {
      if (ch >= '0' && ch <= '9') {
        cur += ch;
        gap = 0;
      } else if ((ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')') && !cur.empty() && gap < 3) {
        ++gap;
      } else {
        if (cur.size() >= 10) out.insert(cur.substr(cur.size() - 10));
        cur.clear();
        gap = 0;
      }
    }
  };
  std::set<std::string> real_numbers, synth_numbers;
  std::ifstream in(real);
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("body") && j["body"].is_string()) long_runs(j["body"].get<std::string>(), real_numbers);
  }
  ASSERT_GT(real_numbers.size(), 100u);
  for (const json& ad : c.ads) long_runs(ad["title"].get<std::string>() + " " + ad["body"].get<std::string>(), synth_numbers);
  for (const std::string& n : synth_numbers) EXPECT_FALSE(real_numbers.count(n));
}

TEST(SynthTest, ErrorsAreReportedNotThrown) {
  SynthOptions o;
  o.ads = 1000;
  o.progress = false;
  o.out_path = "/nonexistent-dir/ads.jsonl";
  auto r = GenerateCorpus(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent-dir/ads.jsonl"), std::string::npos);

  o.out_path = (TempDir() / "err.jsonl").string();
  o.templates_path = (TempDir() / "missing-templates.jsonl").string();
  r = GenerateCorpus(o);
  ASSERT_FALSE(r.ok());

  fs::path bad = TempDir() / "bad-templates.jsonl";
  std::ofstream(bad) << "this is not json\n{\"title\": \"x\", \"body\": \"too short\"}\n";
  o.templates_path = bad.string();
  r = GenerateCorpus(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad-templates.jsonl"), std::string::npos);
}

TEST(SynthTest, CommandLine) {
  if (!fs::exists(LODESTAR_BIN)) GTEST_SKIP() << "lodestar binary not built";
  fs::path out = TempDir() / "cli.jsonl", truth = TempDir() / "cli.truth.jsonl";
  std::string cmd = std::string(LODESTAR_BIN) + " synth --ads 1000 --seed 3 --quiet --out " + out.string() +
                    " --truth " + truth.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(ReadJsonLines(out).size(), 1000u);
  EXPECT_EQ(ReadJsonLines(truth).size(), 1000u);
  std::string bad = std::string(LODESTAR_BIN) + " synth --ads 1000 --quiet --out /nonexistent-dir/x.jsonl 2>/dev/null";
  int rc = std::system(bad.c_str());
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
}

}  // namespace
