// Extraction (issue 3): table-driven cases written for Lodestar, in the spirit of
// libphonenumber's PhoneNumberMatcher tests (the facts, not their code), plus
// obfuscation, distractors, spans, robustness and floors on the shared gold data.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "extract/extractor.h"
#include "extract/facts_codec.h"
#include "extract_test_util.h"
#include "extract/payments.h"
#include "extract/phones.h"

namespace lodestar::extract {
namespace {

std::shared_ptr<const ExtractorResources> Res() { return test::SharedResources(); }

Facts Ext(const std::string& body, const std::string& location = "", const std::string& title = "") {
  FactExtractor ex(Res());
  core::Ad ad;
  ad.body = body;
  ad.title = title;
  ad.location = location;
  return ex.Extract(ad);
}

std::vector<std::string> Phones(const Facts& f) {
  std::vector<std::string> v;
  for (const auto& p : f.phones) v.push_back(p.e164);
  return v;
}

struct PhoneCase {
  const char* text;
  const char* location;
  std::vector<std::string> want;
};

TEST(ExtractPhones, Table) {
  const PhoneCase cases[] = {
      // Plain national formats (US default region).
      {"Call 503-724-3016 now", "", {"+15037243016"}},
      {"(503) 724-3016", "", {"+15037243016"}},
      {"503.724.3016", "", {"+15037243016"}},
      {"5037243016", "", {"+15037243016"}},
      {"1-503-724-3016", "", {"+15037243016"}},
      {"+1 503 724 3016", "", {"+15037243016"}},
      {"My number is 650-253-0000.", "", {"+16502530000"}},
      {"(650) 253-0000 ext. 123", "", {"+16502530000"}},
      {"call me@503-724-3016", "", {"+15037243016"}},
      // Two numbers next to each other split correctly.
      {"503-724-3016 / 503-724-3017", "", {"+15037243016", "+15037243017"}},
      {"503 724 3016 o 503 724 3017", "", {"+15037243016", "+15037243017"}},
      // Numbers inside URLs.
      {"see http://example.com/escorts/503-724-3016-call-me", "", {"+15037243016"}},
      {"http://wiki.example.ir/index.php?title=Hot_Name_On_919876543210", "", {"+919876543210"}},
      // International.
      {"WhatsApp +44 7911 123456", "", {"+447911123456"}},
      {"0044 7911 123456", "", {"+447911123456"}},
      {"call +91 98765 43210", "", {"+919876543210"}},
      {"Mexico +52 1 55 1234 5678", "", {"+525512345678"}},
      // Default region from the ad's location.
      {"mobile 07911 123456", "London, UK", {"+447911123456"}},
      // Obfuscated.
      {"five0three \xE2\x80\xA2 7two4 \xE2\x80\xA2 3O16", "", {"+15037243016"}},
      {"FIVE ZERO THREE seven two four three zero one six", "", {"+15037243016"}},
      {"5O3 724 3O16", "", {"+15037243016"}},
      {"cinco cero tres siete dos cuatro tres cero uno seis", "", {"+15037243016"}},
      {"(269)threeseven0eight5three6", "", {"+12693708536"}},
      {"\xEF\xBC\x95\xEF\xBC\x90\xEF\xBC\x93-\xEF\xBC\x97\xEF\xBC\x92\xEF\xBC\x94-\xEF\xBC\x93\xEF\xBC\x90\xEF\xBC\x91"
       "\xEF\xBC\x96",
       "",
       {"+15037243016"}},  // full-width
      {"5\xEF\xB8\x8F\xE2\x83\xA3" "0\xEF\xB8\x8F\xE2\x83\xA3" "3\xEF\xB8\x8F\xE2\x83\xA3" "7\xEF\xB8\x8F\xE2\x83\xA3"
       "2\xEF\xB8\x8F\xE2\x83\xA3" "4\xEF\xB8\x8F\xE2\x83\xA3" "3\xEF\xB8\x8F\xE2\x83\xA3" "0\xEF\xB8\x8F\xE2\x83\xA3"
       "1\xEF\xB8\x8F\xE2\x83\xA3" "6\xEF\xB8\x8F\xE2\x83\xA3",
       "",
       {"+15037243016"}},  // keycap emoji
      {"\xE2\x91\xA4\xE2\x93\xAA\xE2\x91\xA2 \xE2\x91\xA6\xE2\x91\xA1\xE2\x91\xA3 \xE2\x91\xA2\xE2\x93\xAA\xE2\x91\xA0"
       "\xE2\x91\xA5",
       "",
       {"+15037243016"}},  // circled digits
      {"\xF0\x9D\x9F\x93\xF0\x9D\x9F\x8E\xF0\x9D\x9F\x91 724 3016", "", {"+15037243016"}},  // mathematical bold
      {"7.2.4.5.8.9.1.9.8.5 Michelle", "", {"+17245891985"}},
      {"5 0 3 - 7 2 4 - 3 0 1 6", "", {"+15037243016"}},
      // Not phone numbers.
      {"34-24-36 and 5'4", "", {}},
      {"$150 $200 $250 $300", "", {}},
      {"Posted Tuesday, June 21, 2016 10:30 PM", "", {}},
      {"ref 123456789012345678901", "", {}},
      {"555-0123", "", {}},
      {"one night only", "", {}},
  };
  for (const auto& c : cases) {
    const Facts f = Ext(c.text, c.location);
    auto got = Phones(f);
    auto want = c.want;
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "text: " << c.text;
  }
}

TEST(ExtractPhones, SpanAndRawPointAtOriginalBytes) {
  const std::string body = "Hi! Call five0three \xE2\x80\xA2 7two4 \xE2\x80\xA2 3O16 tonight";
  const Facts f = Ext(body);
  ASSERT_EQ(f.phones.size(), 1u);
  const auto& p = f.phones[0];
  EXPECT_TRUE(p.obfuscated);
  EXPECT_EQ(p.span.field, "body");
  EXPECT_EQ(body.substr(p.span.begin, p.span.end - p.span.begin), p.raw);
  EXPECT_EQ(p.raw, "five0three \xE2\x80\xA2 7two4 \xE2\x80\xA2 3O16");
  const Facts plain = Ext("Call 503-724-3016");
  ASSERT_EQ(plain.phones.size(), 1u);
  EXPECT_FALSE(plain.phones[0].obfuscated);
  EXPECT_EQ(plain.phones[0].raw, "503-724-3016");
}

TEST(ExtractEmails, PlainAndSpelled) {
  struct Case {
    const char* text;
    std::vector<std::string> want;
  } cases[] = {
      {"write mia@gmail.com", {"mia@gmail.com"}},
      {"email mia at gmail dot com", {"mia@gmail.com"}},
      {"mia (at) yahoo (dot) com", {"mia@yahoo.com"}},
      {"ashley @ gmail .com", {"ashley@gmail.com"}},
      {"MIA@GMAIL.COM", {"mia@gmail.com"}},
      {"meet me at the hotel. com see", {}},
      {"see you at noon", {}},
  };
  for (const auto& c : cases) {
    const Facts f = Ext(c.text);
    std::vector<std::string> got;
    for (const auto& e : f.emails) got.push_back(e.value);
    EXPECT_EQ(got, c.want) << c.text;
  }
}

TEST(ExtractHandles, PlatformsAndMentions) {
  const Facts f = Ext("Follow me on Twitter @ DiamondTest. IG: mia_xo  snapchat: sweetmia22 kik me: miakik "
                      "mail mia@gmail.com");
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& h : f.handles) got.insert({h.platform, h.handle});
  EXPECT_TRUE(got.count({"twitter", "diamondtest"}));
  EXPECT_TRUE(got.count({"instagram", "mia_xo"}));
  EXPECT_TRUE(got.count({"snapchat", "sweetmia22"}));
  EXPECT_TRUE(got.count({"kik", "miakik"}));
  for (const auto& h : f.handles) EXPECT_NE(h.handle, "gmail");
  ASSERT_EQ(f.urls.size(), 0u) << f.urls[0].value;
}

// WhatsApp identifies people by phone number: text after "WhatsApp" that holds digits is the number (a phone fact),
// and a piece of one (an area code spelled out) must not become an identifier that links unrelated posters.
TEST(ExtractHandles, PhoneNumbersAndFragmentsAreNotHandles) {
  struct Case {
    const char* text;
    std::vector<std::string> handles;  // "platform:handle"
    std::vector<std::string> phones;
  } cases[] = {
      // Whole numbers after WhatsApp: a phone, no handle.
      {"WhatsApp: 5o3..724..3o16", {}, {"+15037243016"}},
      {"WhatsApp 5.0.3.7.2.4.3.0.1.6 anytime", {}, {"+15037243016"}},
      {"whatsapp 503.724.3016", {}, {"+15037243016"}},
      {"whatsapp: fiveothree.seven24.3016", {}, {"+15037243016"}},
      // Pieces of a number (the rest follows after a space or another separator).
      {"WhatsApp: 5O3~7two4~3Ol6", {}, {"+15037243016"}},
      {"whatsapp fivezerothree 724 3016", {}, {"+15037243016"}},
      {"WhatsApp 5sevenzero only", {}, {}},
      {"wa: 2l5 - 7two4", {}, {}},
      {"whatsapp: 21five", {}, {}},
      {"whatsapp 3o3", {}, {}},
      // Number words alone are not a handle on any platform.
      {"snap: twozerotwo", {}, {}},
      {"kik me: sixsixsix", {}, {}},
      {"telegram: cincodos", {}, {}},
      {"insta: 2sixseven", {}, {}},
      {"twitter @ohfive", {}, {}},
      // Real names stay, including names that contain number words.
      {"whatsapp: simone_xo", {"whatsapp:simone_xo"}, {}},
      {"snapchat: honey.bee", {"snapchat:honey.bee"}, {}},
      {"snap: tenisha", {"snapchat:tenisha"}, {}},
      {"kik: oneal", {"kik:oneal"}, {}},
      {"instagram: nina_one2", {"instagram:nina_one2"}, {}},
      {"twitter @nine2five_girl", {"twitter:nine2five_girl"}, {}},
      // A filler word ("me", "on") is only skipped as a whole word.
      {"kik me: mercedes_xo", {"kik:mercedes_xo"}, {}},
      {"snapchat only_yours", {"snapchat:only_yours"}, {}},
  };
  for (const auto& c : cases) {
    const Facts f = Ext(c.text);
    std::vector<std::string> handles;
    for (const auto& h : f.handles) handles.push_back(h.platform + ":" + h.handle);
    EXPECT_EQ(handles, c.handles) << c.text;
    EXPECT_EQ(Phones(f), c.phones) << c.text;
  }
}

// A place name in a North American location must not switch the default region away from +1 ("Dublin" in the
// East Bay, "Manchester Blvd" in Inglewood, "Delhi" near Modesto); real foreign locations keep their region.
TEST(ExtractPhones, ForeignPlaceNamesInNorthAmericanLocations) {
  const PhoneCase cases[] = {
      {"Call 925-551-0234", "Dublin, East Bay, Pleasanton", {"+19255510234"}},
      {"Call 925 551 0234", "Pleasanton/Dublin", {"+19255510234"}},
      {"Text (310) 641-2290", "Inglewood / Hawthorne, LAX / Manchester Blvd, Los Angeles", {"+13106412290"}},
      {"Text 209-632-1234", "Modesto, Atwater Delhi Turlock", {"+12096321234"}},
      {"Text 209-632-1234", "Delhi, CA", {"+12096321234"}},
      {"Call 614 728 3301", "Dublin, OH", {"+16147283301"}},
      {"Call 619.234.5678", "San Diego, Tijuana", {"+16192345678"}},
      // No North American context: the foreign region stays, and a NANP number it rejects is still read.
      {"Call 925-551-0234", "Dublin", {"+19255510234"}},
      {"mobile 087 123 4567 or 925-551-0234", "Dublin", {"+353871234567", "+19255510234"}},
      {"mobile 087 123 4567", "Dublin, Ireland", {"+353871234567"}},
      {"mobile 07911 123456", "Manchester, England", {"+447911123456"}},
      {"mobile 07911 123456 or 310 641 2290", "London, UK", {"+447911123456", "+13106412290"}},
      {"call 98765 43210", "New Delhi, IN", {"+919876543210"}},
      {"bel 06 12345678", "Amsterdam, NL", {"+31612345678"}},
  };
  for (const auto& c : cases) {
    auto got = Phones(Ext(c.text, c.location));
    auto want = c.want;
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << "text: " << c.text << " location: " << c.location;
  }
  // Without a gazetteer only explicit marks count.
  EXPECT_EQ(RegionFromLocation("Dublin"), "IE");
  EXPECT_EQ(RegionFromLocation("Dublin, CA"), "US");
  EXPECT_EQ(RegionFromLocation("Delhi, California"), "US");
  EXPECT_EQ(RegionFromLocation("New Delhi, IN"), "IN");
  EXPECT_EQ(RegionFromLocation("Manchester Blvd, Inglewood"), "GB");
  EXPECT_EQ(RegionFromLocation(""), "US");
}

// Only a currency sign before a number makes it a price; other non-ASCII text before a number does not.
TEST(ExtractPhones, OnlyCurrencySignsMarkPrices) {
  const char* const kNotPrices[] = {
      "\xE1\x97\xB0\xE1\x8F\x8B: 503-724-3016",  // look-alike letters for "ME:"
      "\xD1\x94 503-724-3016",                   // Cyrillic ie
      "\xCE\xBB 503-724-3016",                   // Greek lambda
      "\xD7\xA9 503-724-3016",                   // Hebrew shin
      "\xE2\x98\x85 503-724-3016",               // a star
      "Incall 150$ / outcall 280$. 503-724-3016",  // the sign belongs to the price before it
      "half hour 80\xE2\x82\xAC 503 724 3016",
  };
  for (const char* text : kNotPrices) {
    EXPECT_EQ(Phones(Ext(text)), std::vector<std::string>{"+15037243016"}) << text;
  }
  const char* const kPrices[] = {
      "$5037243016",     "\xEF\xBC\x84 503-724-3016",  // full-width dollar
      "\xE2\x82\xAC 503-724-3016",  "\xC2\xA3 503-724-3016", "\xC2\xA5 503-724-3016",
      "\xE2\x82\xB9 503-724-3016",  "\xE2\x82\xB1 503-724-3016",
  };
  for (const char* text : kPrices) EXPECT_TRUE(Ext(text).phones.empty()) << text;
}

TEST(ExtractPhones, DigitLookAlikesAtGroupEdges) {
  const PhoneCase cases[] = {
      {"Text 5O3 * 724 * 3Ol6", "", {"+15037243016"}},
      {"Text 3l2-9lO-l4ll", "", {"+13129101411"}},
      {"Text 3I2~9IO~I4II", "", {"+13129101411"}},
      {"five0three / 7two4 / threeeightonesix", "", {"+15037243816"}},
      // Look-alike letters away from digits are words.
      {"lol, oil and io 503", "", {}},
      {"Size 4, lil 2", "", {}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Phones(Ext(c.text, c.location)), c.want) << c.text;
  }
}

TEST(ExtractPayments, CashAppVenmoBitcoin) {
  const Facts f = Ext("cashapp $MiaPay or venmo @mia-pay. BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 "
                      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 not 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3; $150 hr");
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& p : f.payments) got.insert({p.kind, p.value});
  EXPECT_TRUE(got.count({"cashapp", "$miapay"}));
  EXPECT_TRUE(got.count({"venmo", "@mia-pay"}));
  EXPECT_TRUE(got.count({"bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"}));
  EXPECT_TRUE(got.count({"bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}));
  EXPECT_FALSE(got.count({"bitcoin", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"}));
  EXPECT_EQ(got.size(), 4u);
  EXPECT_TRUE(IsValidBase58Address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
  EXPECT_FALSE(IsValidBase58Address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz"));
}

TEST(ExtractAges, SelfReportedNotMeasurements) {
  struct Case {
    const char* text;
    std::vector<int> want;
  } cases[] = {
      {"I'm 24 and sweet", {24}},
      {"24 yrs old", {24}},
      {"Age: 22", {22}},
      {"22 years young", {22}},
      {"tengo 25 a\xC3\xB1os", {25}},
      {"sexy 21yo latina", {21}},
      {"34D-24-36", {}},
      {"stats 36-24-36 5'4 120lbs", {}},
      {"I'm 24/7 available", {}},
      {"I am 5'4", {}},
      {"$200 hr, 30 min", {}},
      {"im 34d natural", {}},
  };
  for (const auto& c : cases) {
    const Facts f = Ext(c.text);
    std::vector<int> got;
    for (const auto& a : f.ages) got.push_back(a.value);
    EXPECT_EQ(got, c.want) << c.text;
  }
  const Facts minor = Ext("Age 17, new in town");
  bool flagged = false;
  for (const auto& i : minor.indicators) flagged |= i.id == "YOUTH-STATED-MINOR-AGE";
  EXPECT_TRUE(flagged);
}

TEST(ExtractAttributes, HeightsAndWeights) {
  const Facts f = Ext("5'4 and 120 lbs, friend is 170cm 51kg, other 5 ft 7 in");
  std::multiset<std::pair<std::string, std::string>> got;
  for (const auto& a : f.attributes) got.insert({a.kind, a.value});
  EXPECT_TRUE(got.count({"height_cm", "163"}));
  EXPECT_TRUE(got.count({"height_cm", "170"}));
  EXPECT_TRUE(got.count({"weight_kg", "54"}));
  EXPECT_TRUE(got.count({"weight_kg", "51"}));
}

TEST(ExtractPrices, CurrencySlangAndDurations) {
  struct Want {
    double value;
    const char* currency;
    int minutes;
  };
  struct Case {
    const char* text;
    std::vector<Want> want;
  } cases[] = {
      {"$80 qv, $120 hh, 200 roses/hr", {{80, "USD", 15}, {120, "USD", 30}, {200, "rose", 60}}},
      {"30 min - 150 roses 1h - 250 roses 300 roses", {{150, "rose", 30}, {250, "rose", 60}, {300, "rose", 60}}},
      {"donation 300 for 2 hours", {{300, "USD", 120}}},
      {"450 roses = overnight", {{450, "rose", 480}}},
      {"only 34-24-36, 5'4", {}},
  };
  for (const auto& c : cases) {
    const Facts f = Ext(c.text);
    ASSERT_EQ(f.prices.size(), c.want.size()) << c.text;
    for (size_t i = 0; i < c.want.size(); ++i) {
      EXPECT_EQ(f.prices[i].value, c.want[i].value) << c.text;
      EXPECT_EQ(f.prices[i].currency, c.want[i].currency) << c.text;
      EXPECT_EQ(f.prices[i].minutes, c.want[i].minutes) << c.text;
    }
  }
  const Facts f = Ext("$100 hh");
  ASSERT_EQ(f.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(f.prices[0].per_hour, 200);
}

TEST(ExtractLocations, PortlandDisambiguation) {
  auto admin = [](const Facts& f, const std::string& name) {
    for (const auto& l : f.locations) {
      if (l.name == name) return l.admin1;
    }
    return std::string("none");
  };
  EXPECT_EQ(admin(Ext("Now in Portland, OR"), "Portland"), "OR");
  EXPECT_EQ(admin(Ext("visiting Portland Maine this week"), "Portland"), "ME");
  EXPECT_EQ(admin(Ext("in Portland tonight", "Portland, Maine"), "Portland"), "ME");
  EXPECT_EQ(admin(Ext("in Portland tonight, call 207-555-0143"), "Portland"), "ME");
  EXPECT_EQ(admin(Ext("in Portland tonight, call 503-724-3016"), "Portland"), "OR");
  EXPECT_EQ(admin(Ext("in Portland tonight"), "Portland"), "OR");  // the major city without other context
  // Common words that are also place names need context.
  EXPECT_EQ(Ext("mobile friendly and normal rates, sandy beach").locations.size(), 0u);
  const Facts f = Ext("Now in Portland, OR");
  ASSERT_FALSE(f.locations.empty());
  EXPECT_NEAR(f.locations[0].lat, 45.52, 0.1);
  EXPECT_EQ(f.locations[0].country, "US");
}

TEST(ExtractIndicators, LexiconHitsWithSpansAndNoCommercialIndicators) {
  const std::string body = "New in town! my girls are available 24/7. Incall and outcall, GFE.";
  const Facts f = Ext(body);
  std::set<std::string> ids;
  for (const auto& i : f.indicators) {
    ids.insert(i.id);
    EXPECT_EQ(body.substr(i.span.begin, i.span.end - i.span.begin), i.text);
  }
  EXPECT_TRUE(ids.count("MOVE-NEW-IN-TOWN"));
  EXPECT_TRUE(ids.count("TP-MY-GIRLS"));
  EXPECT_TRUE(ids.count("AVAIL-24-7"));
  std::set<std::string> services;
  for (const auto& a : f.attributes) services.insert(a.kind + ":" + a.value);
  EXPECT_TRUE(services.count("venue:incall"));
  EXPECT_TRUE(services.count("service:gfe"));
  // Sex-work vocabulary alone is not an indicator.
  EXPECT_TRUE(Ext("Incall and outcall escort, GFE, massage").indicators.empty());
  // Excludes (RE2 second pass).
  EXPECT_TRUE(Ext("young at heart, mature lady").indicators.empty());
}

TEST(ExtractIndicators, LexiconEntriesCiteSources) {
  std::ifstream in(std::string(LODESTAR_SOURCE_DIR) + "/data/lexicon/indicators.tsv");
  ASSERT_TRUE(in);
  std::string line;
  int entries = 0;
  std::set<std::string> ids;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0, tab;
    while ((tab = line.find('\t', start)) != std::string::npos) {
      cols.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    cols.push_back(line.substr(start));
    ASSERT_GE(cols.size(), 5u) << line;
    EXPECT_NE(cols[4].find("§"), std::string::npos) << "entry " << cols[0] << " must cite domain.md";
    EXPECT_TRUE(ids.insert(cols[0]).second) << "duplicate id " << cols[0];
    ++entries;
  }
  EXPECT_GE(entries, 30);
}

TEST(ExtractNormalizer, FoldsLookAlikes) {
  EXPECT_EQ(NormalizeForDisplay("\xEF\xBC\xA8\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x8C\xEF\xBD\x8F"), "hello");  // full-width
  EXPECT_EQ(NormalizeForDisplay("\xD0\x9D\xD0\x9E\xD0\xA2"), "hot");  // Cyrillic НОТ
  EXPECT_EQ(NormalizeForDisplay("\xCE\x9D\xCE\x95\xCE\xA9"), "new");  // Greek ΝΕΩ
  EXPECT_EQ(NormalizeForDisplay("Y\xC2\xB0 O\xC2\xB0U\xC2\xB0 N \xC2\xB0 G"), "young");
  EXPECT_EQ(NormalizeForDisplay("sooo hottt"), "so hot");
  EXPECT_EQ(NormalizeForDisplay("caf\xC3\xA9"), "cafe");
  EXPECT_EQ(NormalizeForDisplay("\xF0\x9D\x90\x87\xF0\x9D\x90\x8E\xF0\x9D\x90\x93"), "hot");  // math bold
  EXPECT_EQ(NormalizeForDisplay("www.example.com"), "www.example.com");
}

TEST(ExtractJson, RoundTrip) {
  const Facts f = Ext("Call five0three 7two4 3O16, mia at gmail dot com, I'm 24, $80 qv, in Portland, OR. new in town",
                      "", "Title \"quoted\"\tand tab");
  const std::string json = FactsToJson(f);
  auto parsed = nlohmann::json::parse(json);
  EXPECT_TRUE(parsed["phones"].is_array());
  auto back = FactsFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(FactsToJson(*back), json);
  EXPECT_FALSE(FactsFromJson("{not json").ok());
  EXPECT_FALSE(FactsFromJson("[1,2]").ok());
}

// The store's binary form (facts_codec.h) keeps every fact exactly, is much smaller than the JSON, and the reader
// also takes the JSON that format-1 stores hold.
TEST(ExtractStoredFacts, BinaryRoundTripsAndJsonIsStillRead) {
  Facts f = Ext("Call five0three 7two4 3O16, mia at gmail dot com, I'm 24, $80 qv, in Portland, OR. new in town "
                "kik: sweetie_22 cash app $sweetie www.example.com/x",
                "Portland, OR", "Title \"quoted\"\tand tab");
  ASSERT_FALSE(f.phones.empty());
  f.phones[0].span.field = "description";  // a field other than title and body
  f.ages.push_back({-3, {"body", 1, 2}, 0.123f});
  std::string binary;
  EncodeFacts(f, binary);
  EXPECT_LT(binary.size() * 3, FactsToJson(f).size());
  auto back = DecodeStoredFacts(binary);
  ASSERT_TRUE(back.ok()) << back.status().message();
  std::string again;
  EncodeFacts(*back, again);
  EXPECT_EQ(again, binary);
  EXPECT_EQ(back->ages.back().confidence, 0.123f);  // JSON would have rounded it
  EXPECT_EQ(back->phones[0].span, f.phones[0].span);
  EXPECT_EQ(FactsToJson(*back), FactsToJson(f));

  auto from_json = DecodeStoredFacts(FactsToJson(f));
  ASSERT_TRUE(from_json.ok());
  EXPECT_EQ(FactsToJson(*from_json), FactsToJson(f));
  auto none = DecodeStoredFacts("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->phones.empty());

  for (size_t cut = 1; cut < binary.size(); ++cut)
    EXPECT_FALSE(DecodeStoredFacts(std::string_view(binary).substr(0, cut)).ok()) << cut;
  EXPECT_FALSE(DecodeStoredFacts(binary + "x").ok());
  EXPECT_FALSE(DecodeStoredFacts("\x07").ok());
}

void CheckSpans(const Facts& f, const core::Ad& ad) {
  auto check = [&](const Span& s) {
    ASSERT_TRUE(s.field == "title" || s.field == "body") << s.field;
    const std::string& text = s.field == "title" ? ad.title : ad.body;
    ASSERT_LE(s.begin, s.end);
    ASSERT_LE(s.end, text.size());
  };
  for (const auto& x : f.phones) check(x.span);
  for (const auto& x : f.emails) check(x.span);
  for (const auto& x : f.urls) check(x.span);
  for (const auto& x : f.handles) check(x.span);
  for (const auto& x : f.payments) check(x.span);
  for (const auto& x : f.ages) check(x.span);
  for (const auto& x : f.prices) check(x.span);
  for (const auto& x : f.locations) check(x.span);
  for (const auto& x : f.attributes) check(x.span);
  for (const auto& x : f.indicators) check(x.span);
}

TEST(ExtractRobustness, RandomBytesLargeAdsManyCandidates) {
  FactExtractor ex(Res());
  std::mt19937_64 rng(42);
  const std::string alphabet = "0123456789 -.()+$@oOlIfivetwo\xE2\x91\xA0\xEF\xBC\x95\xF0\x9F\x94\xA5\xFF\xC3";
  for (int iter = 0; iter < 3000; ++iter) {
    core::Ad ad;
    const size_t n = rng() % 600;
    for (size_t i = 0; i < n; ++i) {
      ad.body += (iter % 2) ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
    }
    for (size_t i = 0; i < n / 4; ++i) ad.title += static_cast<char>(rng() & 0xFF);
    Facts f = ex.Extract(ad);
    CheckSpans(f, ad);
    ASSERT_TRUE(FactsFromJson(FactsToJson(f)).ok());
  }
  // A 1 MB ad and thousands of candidate numbers: bounded output, no crash.
  core::Ad big;
  while (big.body.size() < (1 << 20)) big.body += "call 503-724-3016 or 5O3 724 3O17, I'm 24, $80 qv, new in town. ";
  Facts f = ex.Extract(big);
  CheckSpans(f, big);
  EXPECT_LE(f.phones.size(), kMaxFactsPerKind);
  EXPECT_LE(f.indicators.size(), kMaxFactsPerKind);
  core::Ad digits;
  for (int i = 0; i < 20000; ++i) digits.body += std::to_string(100 + i % 900) + (i % 3 ? " " : "-");
  f = ex.Extract(digits);
  CheckSpans(f, digits);
  core::Ad words;
  for (int i = 0; i < 20000; ++i) words.body += "five oh three ";
  f = ex.Extract(words);
  CheckSpans(f, words);
}

// Floors on the shared gold data (read at run time; see docs/quality.md for the full report).
TEST(ExtractGold, PricesAndDeobfuscation) {
  const std::string dir = LODESTAR_SHARED_DATA;
  std::ifstream in(dir + "/gold/price.jsonl");
  if (!in) GTEST_SKIP() << "shared data not found at " << dir;
  std::string line;
  size_t tp = 0, fp = 0, fn = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    std::multiset<double> truth, pred;
    for (const auto& a : j["annotated_price"]) truth.insert(a["value"].get<double>());
    for (const auto& p : Ext(j["text"].get<std::string>()).prices) pred.insert(p.value);
    for (double v : pred) {
      auto it = truth.find(v);
      if (it != truth.end()) {
        ++tp;
        truth.erase(it);
      } else {
        ++fp;
      }
    }
    fn += truth.size();
  }
  const double p = double(tp) / double(tp + fp), r = double(tp) / double(tp + fn);
  EXPECT_GE(2 * p * r / (p + r), 0.9);

  std::ifstream hyp(dir + "/gold/deobfuscation/hyp.txt"), ref(dir + "/gold/deobfuscation/fixed-ref.txt");
  ASSERT_TRUE(hyp && ref);
  std::string h, rf;
  size_t found = 0, expected = 0;
  while (std::getline(hyp, h) && std::getline(ref, rf)) {
    const auto want = Ext(rf).phones.size();
    expected += want;
    found += std::min(want, Ext(h).phones.size());
  }
  EXPECT_GE(double(found) / double(expected), 0.85);
}

}  // namespace
}  // namespace lodestar::extract
