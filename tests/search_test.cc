// Search, tip and analytics on a synthetic corpus with known truth, plus unit
// tests of the statistics against reference values.
//
// Reference values were computed offline with /usr/bin/python3 (standard
// library only; scipy is not installed): binomial tails as exact sums of
// math.comb terms, Clopper-Pearson bounds by bisection on those exact sums,
// Mann-Whitney U by average ranks with tie and continuity corrections and
// math.erfc, the log-odds z by the closed formula of Monroe et al. (2008).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "analytics/analytics.h"
#include "analytics/stats.h"
#include "search/index.h"
#include "search/query.h"
#include "search/segment.h"
#include "search/tokenizer.h"
#include "test_util.h"

namespace lodestar {
namespace {

using nlohmann::json;
using test::Lodestar;

TEST(SearchStats, BinomialUpperTail) {
  EXPECT_NEAR(analytics::BinomialUpperTail(8, 10, 0.5), 0.0546875, 1e-12);
  EXPECT_NEAR(analytics::BinomialUpperTail(30, 200, 1.0 / 14), 9.718870249673716e-05, 1e-12);
  EXPECT_NEAR(analytics::BinomialUpperTail(3, 98, 7.0 / 98), 0.9742885994545151, 1e-10);
  EXPECT_EQ(analytics::BinomialUpperTail(0, 5, 0.3), 1.0);
  EXPECT_EQ(analytics::BinomialUpperTail(6, 5, 0.3), 0.0);
}

TEST(SearchStats, ClopperPearson) {
  auto a = analytics::ClopperPearson(5, 10);
  EXPECT_NEAR(a.lo, 0.18708602844739852, 1e-9);
  EXPECT_NEAR(a.hi, 0.8129139715526015, 1e-9);
  auto b = analytics::ClopperPearson(0, 20);
  EXPECT_EQ(b.lo, 0.0);
  EXPECT_NEAR(b.hi, 0.1684334709830853, 1e-9);
  auto c = analytics::ClopperPearson(30, 50);
  EXPECT_NEAR(c.lo, 0.4517940284791804, 1e-9);
  EXPECT_NEAR(c.hi, 0.7359216049054631, 1e-9);
}

TEST(SearchStats, BenjaminiHochberg) {
  // By hand: sorted 0.005,0.01,0.03,0.04 -> 0.02,0.02,0.04,0.04.
  auto q = analytics::BenjaminiHochberg({0.01, 0.04, 0.03, 0.005});
  EXPECT_NEAR(q[0], 0.02, 1e-12);
  EXPECT_NEAR(q[1], 0.04, 1e-12);
  EXPECT_NEAR(q[2], 0.04, 1e-12);
  EXPECT_NEAR(q[3], 0.02, 1e-12);
}

TEST(SearchStats, MannWhitney) {
  auto r = analytics::MannWhitneyU({19, 22, 16, 29, 24}, {20, 11, 17, 12});
  EXPECT_NEAR(r.u, 17.0, 1e-12);
  EXPECT_NEAR(r.z, 1.5921683328090657, 1e-9);
  EXPECT_NEAR(r.p, 0.11134688653314048, 1e-9);
  auto t = analytics::MannWhitneyU({18, 19, 19, 20, 21, 22, 22, 23, 25, 30}, {21, 22, 23, 24, 24, 25, 26, 27, 28, 30, 31, 19});
  EXPECT_NEAR(t.u, 29.0, 1e-12);
  EXPECT_NEAR(t.z, -2.01853259421347, 1e-9);
  EXPECT_NEAR(t.p, 0.0435358231157872, 1e-9);
}

TEST(SearchStats, LogOddsDirichlet) {
  double aw = 500.0 * 40 / 3000;
  auto r = analytics::LogOddsDirichlet(30, 1000, 10, 2000, aw, 500);
  EXPECT_NEAR(r.delta, 1.3173421656686584, 1e-12);
  EXPECT_NEAR(r.variance, 0.08727272727272728, 1e-12);
  EXPECT_NEAR(r.z, 4.459224310807703, 1e-9);
}

TEST(SearchQuery, ParsesAndReportsPositions) {
  auto q = search::ParseQuery("\"new in town\" sweet* phone:(503)555-0123 age:18-20 price:<100 city:\"new york\"");
  ASSERT_TRUE(q.ok()) << q.status().message();
  ASSERT_EQ(q->clauses.size(), 2u);
  EXPECT_EQ(q->clauses[0].any[0].tokens, (std::vector<std::string>{"new", "in", "town"}));
  EXPECT_FALSE(q->clauses[0].any[0].prefix);
  EXPECT_EQ(q->clauses[1].any[0].tokens, std::vector<std::string>{"sweet"});
  EXPECT_TRUE(q->clauses[1].any[0].prefix);
  ASSERT_EQ(q->filters.size(), 4u);
  EXPECT_EQ(q->filters[0].value, "+15035550123");
  EXPECT_EQ(q->filters[1].op, search::Filter::Op::kRange);
  EXPECT_EQ(q->filters[3].value, "new york");
  auto bad = search::ParseQuery("hello \"unclosed");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("position 6"), std::string::npos);
  auto unknown = search::ParseQuery("colour:red");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown filter"), std::string::npos);
  EXPECT_FALSE(search::ParseQuery(std::string(10000, 'a')).ok());
  EXPECT_TRUE(search::ParseQuery("\xff\xfe caf\xc3\xa9 \"\" ***").ok());
  EXPECT_EQ(search::NormalizePhone("1-503-555-0123"), "+15035550123");
  EXPECT_EQ(search::NormalizePhone("503.555.0123"), "+15035550123");
}

TEST(SearchQuery, OrNotAndMinus) {
  auto q = search::ParseQuery("incall OR outcall -agency NOT \"call me\" five-0");
  ASSERT_TRUE(q.ok()) << q.status().message();
  ASSERT_EQ(q->clauses.size(), 4u);
  ASSERT_EQ(q->clauses[0].any.size(), 2u);
  EXPECT_EQ(q->clauses[0].any[1].tokens, std::vector<std::string>{"outcall"});
  EXPECT_FALSE(q->clauses[0].negated);
  EXPECT_TRUE(q->clauses[1].negated);
  EXPECT_TRUE(q->clauses[2].negated);
  EXPECT_EQ(q->clauses[2].any[0].tokens, (std::vector<std::string>{"call", "me"}));
  // A word the tokenizer splits is a phrase.
  EXPECT_EQ(q->clauses[3].any[0].tokens, (std::vector<std::string>{"five", "0"}));
  EXPECT_TRUE(q->has_text());
  auto only_not = search::ParseQuery("-agency city:portland");
  ASSERT_TRUE(only_not.ok());
  EXPECT_FALSE(only_not->has_text());
  for (const char* bad : {"OR incall", "incall OR", "NOT", "incall OR city:portland", "a OR -b"}) {
    auto r = search::ParseQuery(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("position"), std::string::npos) << r.status().message();
  }
  // Lower-case "or" is a word, and a lone '-' is punctuation.
  auto words = search::ParseQuery("this or that - x");
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(words->clauses.size(), 4u);
}

TEST(SearchTokenizer, FoldsCaseInAnyScriptAndSplitsOnSymbols) {
  search::Tokens t;
  search::Tokenize("\xc3\x89" "COLE Stra\xc3\x9f" "e \xd0\x9f\xd0\xa0\xd0\x98 \xf0\x9f\x8c\xb8New-in-TOWN\xe2\x80\xa2x \xff\xfe", t);
  std::vector<std::string> got;
  for (size_t i = 0; i < t.size(); ++i) got.emplace_back(t[i]);
  EXPECT_EQ(got, (std::vector<std::string>{"\xc3\xa9" "cole", "stra\xc3\x9f" "e", "\xd0\xbf\xd1\x80\xd0\xb8", "new", "in",
                                           "town", "x"}));
  // Source offsets point at the original bytes.
  EXPECT_EQ(t.begins[3], 26u);
  t.clear();
  search::Tokenize(std::string(1000, 'a'), t);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].size(), search::kMaxTokenBytes);
}

TEST(SearchSegment, WritesAndReadsBackAndRejectsDamage) {
  test::TempDir dir;
  const std::string path = dir / "seg.lsi";
  search::SegmentWriter w(1000);
  // Batches of 16, 3 and 21 ads: the first's text blocks line up with the segment's, the
  // second leaves a block open, so the third's precompressed blocks cannot be used.
  search::SegmentWriter::Batch batch;
  auto add_batch = [&] {
    search::SegmentWriter::Seal(batch);
    w.Add(batch);
    batch.size = 0;
  };
  for (int i = 0; i < 40; ++i) {
    search::SegmentDoc d;
    d.id = "ad-" + std::to_string(i);
    d.site = "site-a";
    d.city = i % 2 ? "portland" : "salem";
    d.posted = 1500000000 + i;
    d.title = i % 4 == 0 ? "New in town" : "Quiet evening";
    d.body = "Call me, new friends welcome. Number " + std::to_string(i);
    d.facts.push_back({"phone", i < 5 ? "+15035550100" : "+15035550199", "body:30-40"});
    d.facts.push_back({"age", std::to_string(18 + i % 10), "body:1-3"});
    if (batch.docs.size() <= batch.size) batch.docs.resize(batch.size + 1);
    search::SegmentWriter::Prepare(std::move(d), batch.docs[batch.size++]);
    if (i == 15 || i == 18 || i == 39) add_batch();
  }
  ASSERT_TRUE(w.Write(path).ok());
  auto s = search::Segment::Open(path);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const auto& seg = **s;
  EXPECT_EQ(seg.first_ordinal(), 1000u);
  EXPECT_EQ(seg.doc_count(), 40u);
  uint32_t town = seg.Find("town");
  ASSERT_NE(town, UINT32_MAX);
  EXPECT_EQ(seg.doc_freq(town), 10u);
  std::vector<std::pair<uint32_t, uint32_t>> postings;  // (ad, weighted frequency)
  seg.ForEachPosting(town, [&](uint32_t doc, uint32_t wtf) { postings.emplace_back(doc, wtf); });
  ASSERT_EQ(postings.size(), 10u);
  EXPECT_EQ(postings[1].first, 4u);
  EXPECT_EQ(postings[1].second, search::kTitleWeight);  // once in the title
  std::vector<uint64_t> occurrences;  // (ad << 32 | position)
  const std::vector<uint32_t> only{4, 8};
  seg.Occurrences(town, &only, occurrences);
  EXPECT_EQ(occurrences, (std::vector<uint64_t>{uint64_t{4} << 32 | 2, uint64_t{8} << 32 | 2}));
  uint32_t call = seg.Find("call");  // in every body, after the title and the gap
  ASSERT_NE(call, UINT32_MAX);
  occurrences.clear();
  seg.Occurrences(call, nullptr, occurrences);
  ASSERT_EQ(occurrences.size(), 40u);
  EXPECT_EQ(occurrences[4], uint64_t{4} << 32 | 4);  // "new in town" + gap
  EXPECT_EQ(occurrences[5], uint64_t{5} << 32 | 3);  // "quiet evening" + gap
  uint32_t phone = seg.Find(search::FactTerm("phone", "+15035550100"));
  ASSERT_NE(phone, UINT32_MAX);
  std::vector<uint32_t> docs;
  seg.Docs(phone, docs);
  EXPECT_EQ(docs, (std::vector<uint32_t>{0, 1, 2, 3, 4}));
  auto [b, e] = seg.PrefixRange(search::FactTerm("age", ""));
  EXPECT_EQ(e - b, 10u);
  std::string title, body;
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(seg.Text(i, title, body).ok());
    EXPECT_EQ(title, i % 4 == 0 ? "New in town" : "Quiet evening");
    EXPECT_EQ(body, "Call me, new friends welcome. Number " + std::to_string(i));
  }
  EXPECT_EQ(seg.id(37), "ad-37");
  EXPECT_EQ(seg.city(37), "portland");
  int facts = 0;
  seg.ForEachFact(3, [&](uint32_t t, std::string_view span) {
    ++facts;
    if (t == phone) {
      EXPECT_EQ(span, "body:30-40");
    }
  });
  EXPECT_EQ(facts, 2);
  // A cut file is refused with what to do, never read out of bounds.
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  auto cut = search::Segment::Open(path);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("lodestar index"), std::string::npos) << cut.status().message();
}

// One corpus for all integration tests: synth -> ingest -> link.
class SearchCorpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    db_ = *dir_ / "db";
    test::MakeLinkedCorpus(*dir_, "--ads 6000 --seed 11", *truth_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    truth_->clear();
  }
  static std::string fmt(std::string f, const std::string& a, const std::string& b) {
    f.replace(f.find("{}"), 2, a);
    f.replace(f.find("{}"), 2, b);
    return f;
  }
  static json Json(const std::string& args) { return test::LodestarJson(args); }
  static std::set<std::string> Ids(const json& hits) {
    std::set<std::string> s;
    for (const auto& h : hits) s.insert(h["id"].get<std::string>());
    return s;
  }
  // A truth phone on at least `min_ads` ads, with the ids of those ads.
  static std::string PhoneWithAds(size_t min_ads, std::set<std::string>& ids) {
    return test::TruthPhone(*truth_, min_ads, &ids);
  }
  static test::TempDir* dir_;
  static std::string db_;
  static std::vector<json>* truth_;
};
test::TempDir* SearchCorpus::dir_ = nullptr;
std::string SearchCorpus::db_;
std::vector<json>* SearchCorpus::truth_ = new std::vector<json>();

TEST_F(SearchCorpus, PhoneFilterInAnyFormatFindsTheTruthAds) {
  std::set<std::string> expected;
  std::string phone = PhoneWithAds(3, expected);
  ASSERT_FALSE(phone.empty());
  std::string d = phone.substr(2);  // ten digits
  std::string area = d.substr(0, 3), mid = d.substr(3, 3), last = d.substr(6);
  for (const std::string& form : {phone, "(" + area + ") " + mid + "-" + last, area + "." + mid + "." + last,
                                  "1-" + area + "-" + mid + "-" + last}) {
    auto j = Json("search 'phone:\"" + form + "\"' --json --limit 100000 --db " + db_);
    auto got = Ids(j["hits"]);
    // Every hit must carry the phone in the truth; recall is bounded by the extractor
    // (obfuscated numbers it cannot read), so at least 90% of truth ads must be found.
    size_t found = 0;
    for (const auto& id : got) {
      EXPECT_TRUE(expected.count(id)) << form << " returned an ad without that phone";
    }
    for (const auto& id : expected) found += got.count(id);
    EXPECT_GE(found * 10, expected.size() * 9) << form << ": " << found << "/" << expected.size();
    for (const auto& h : j["hits"]) EXPECT_EQ(h["evidence"][0]["value"], phone);
  }
}

TEST_F(SearchCorpus, PhraseQueryMatchesThePhrase) {
  auto all = Json("search 'age:>=18' --json --limit 1 --db " + db_);
  ASSERT_FALSE(all["hits"].empty());
  auto shown = Json("show " + all["hits"][0]["id"].get<std::string>() + " --json --db " + db_);
  std::vector<std::string> words;
  analytics::Tokenize(shown["body"].get<std::string>(), words);
  ASSERT_GE(words.size(), 5u);
  std::string phrase = words[1] + " " + words[2] + " " + words[3];
  auto j = Json("search '\"" + phrase + "\"' --json --limit 200 --db " + db_);
  ASSERT_GT(j["total"].get<uint64_t>(), 0u);
  EXPECT_TRUE(Ids(j["hits"]).count(all["hits"][0]["id"].get<std::string>()) || j["total"].get<uint64_t>() > 200);
  for (const auto& h : j["hits"]) {
    ASSERT_EQ(h["evidence"][0]["kind"], "text");
    EXPECT_NE(h["evidence"][0]["value"].get<std::string>().find('['), std::string::npos);
  }
  // Scores are ranked best first.
  for (size_t i = 1; i < j["hits"].size(); ++i) EXPECT_GE(j["hits"][i - 1]["score"], j["hits"][i]["score"]);
}

// Phrase matching (ad at a time over the postings) against a brute-force scan
// of every ad's tokens: the commonest two- and three-word phrases, a phrase
// made of a title's last word and its body's first (which must not match: a
// phrase never spans title and body), and a phrase repeating one word.
TEST_F(SearchCorpus, PhraseMatchesEqualABruteForceScan) {
  auto idx = search::Index::Open(db_, /*update=*/true);
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  auto ads = (*idx)->Ads();
  ASSERT_TRUE(ads.ok());
  ASSERT_GT(ads->size(), 1000u);
  std::vector<uint64_t> ordinals;
  for (const auto& a : *ads) ordinals.push_back(a.ordinal);
  std::map<uint64_t, std::pair<std::vector<std::string>, std::vector<std::string>>> words;  // title, body
  auto split = [](const std::string& text) {
    search::Tokens t;
    search::Tokenize(text, t);
    std::vector<std::string> out;
    for (size_t i = 0; i < t.size(); ++i) out.emplace_back(t[i]);
    return out;
  };
  ASSERT_TRUE((*idx)->ForEachText(ordinals, [&](uint64_t o, const std::string& title, const std::string& body) {
    words[o] = {split(title), split(body)};
  }).ok());
  auto has = [](const std::vector<std::string>& w, const std::vector<std::string>& phrase) {
    for (size_t i = 0; i + phrase.size() <= w.size(); ++i) {
      if (std::equal(phrase.begin(), phrase.end(), w.begin() + static_cast<std::ptrdiff_t>(i))) return true;
    }
    return false;
  };
  std::map<std::vector<std::string>, size_t> bigrams, trigrams;
  std::vector<std::string> across, repeated;
  for (const auto& [o, tb] : words) {
    const auto& body = tb.second;
    for (size_t i = 0; i + 1 < body.size(); ++i) {
      ++bigrams[{body[i], body[i + 1]}];
      if (i + 2 < body.size()) ++trigrams[{body[i], body[i + 1], body[i + 2]}];
      if (body[i] == body[i + 1] && repeated.empty()) repeated = {body[i], body[i]};
    }
    if (across.empty() && !tb.first.empty() && !body.empty()) across = {tb.first.back(), body.front()};
  }
  auto commonest = [](const std::map<std::vector<std::string>, size_t>& m) {
    return std::max_element(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  };
  std::vector<std::vector<std::string>> phrases = {commonest(bigrams), commonest(trigrams), across};
  if (!repeated.empty()) phrases.push_back(repeated);
  for (const auto& phrase : phrases) {
    std::string text;
    for (const auto& w : phrase) text += (text.empty() ? "" : " ") + w;
    std::set<uint64_t> expected;
    for (const auto& [o, tb] : words) {
      if (has(tb.first, phrase) || has(tb.second, phrase)) expected.insert(o);
    }
    auto q = search::ParseQuery("\"" + text + "\"");
    ASSERT_TRUE(q.ok()) << text;
    auto got = (*idx)->Select(*q);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(std::set<uint64_t>(got->begin(), got->end()), expected) << "phrase \"" << text << "\"";
    auto top = (*idx)->Search(*q, 10);
    ASSERT_TRUE(top.ok());
    EXPECT_EQ(top->total, expected.size()) << text;
  }
  EXPECT_GT(bigrams[phrases[0]], 100u);  // the corpus exercises a broad phrase
}

TEST_F(SearchCorpus, OrIsTheUnionAndMinusExcludes) {
  auto total = [&](const std::string& q) { return Json("search '" + q + "' --json --limit 1 --db " + db_)["total"].get<uint64_t>(); };
  const uint64_t a = total("incall"), b = total("outcall"), both = total("incall outcall");
  ASSERT_GT(a, 0u);
  ASSERT_GT(b, 0u);
  EXPECT_EQ(total("incall OR outcall"), a + b - both);
  EXPECT_EQ(total("incall -outcall"), a - both);
  EXPECT_EQ(total("incall NOT outcall"), a - both);
}

TEST_F(SearchCorpus, FacetsCountEveryMatchAndAgreeWithFilters) {
  auto idx = search::Index::Open(db_, /*update=*/true);
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  auto q = search::ParseQuery("age:<25");
  ASSERT_TRUE(q.ok());
  search::SearchOptions o;
  o.limit = 5;
  o.facets = true;
  auto r = (*idx)->Search(*q, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->hits.size(), 5u);
  bool saw_city = false, saw_network = false;
  for (const auto& f : r->facets) {
    if (f.values.empty()) continue;
    for (size_t i = 1; i < f.values.size(); ++i) EXPECT_GE(f.values[i - 1].count, f.values[i].count);
    if (f.kind == "city" || f.kind == "phone") {
      saw_city |= f.kind == "city";
      const auto& top = f.values[0];
      auto narrowed = (*idx)->Search("age:<25 " + f.kind + ":\"" + top.value + "\"", 1);
      ASSERT_TRUE(narrowed.ok()) << narrowed.status().message();
      EXPECT_EQ(narrowed->total, top.count) << f.kind << "=" << top.value;
    }
    saw_network |= f.kind == "network";
  }
  EXPECT_TRUE(saw_city);
  EXPECT_TRUE(saw_network);  // the corpus is linked
  // Paging: offset skips exactly the first hits.
  o.facets = false;
  o.offset = 2;
  o.limit = 3;
  auto page = (*idx)->Search(*q, o);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->hits.size(), 3u);
  EXPECT_EQ(page->hits[0].id, r->hits[2].id);
}

TEST_F(SearchCorpus, PaymentFilterFindsEveryAdWithThatPaymentId) {
  auto idx = search::Index::Open(db_, /*update=*/true);
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  std::map<std::string, std::set<uint64_t>> ads_of;
  ASSERT_TRUE((*idx)->ForEachFact("payment", [&](uint64_t o, const std::string& v, double, const std::string&) {
                      ads_of[v].insert(o);
                    }).ok());
  ASSERT_FALSE(ads_of.empty()) << "the synthetic corpus should carry Cash App tags";
  const auto& [value, ads] = *std::max_element(ads_of.begin(), ads_of.end(), [](const auto& a, const auto& b) {
    return a.second.size() < b.second.size();
  });
  for (const std::string& q : {"payment:\"" + value + "\"", "payment:\"cashapp:" + value + "\""}) {
    auto r = (*idx)->Search(q, 1000);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->total, ads.size()) << q;
    for (const auto& h : r->hits) EXPECT_TRUE(ads.count(h.ordinal)) << q;
  }
}

// The results page without facets is chosen while streaming (a bounded heap);
// with facets every match is materialised and sorted. Both must pick the same ads.
TEST_F(SearchCorpus, StreamedTopHitsEqualTheFullRanking) {
  auto idx = search::Index::Open(db_, /*update=*/true);
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  for (const char* text : {"incall", "incall OR outcall -agency", "\"new in town\"", "sweet*", "age:<25", "",
                           "available -incall", "massage OR spa OR relax*"}) {
    auto q = search::ParseQuery(text);
    ASSERT_TRUE(q.ok()) << text;
    for (size_t offset : {0, 7}) {
      search::SearchOptions o;
      o.limit = 25;
      o.offset = offset;
      o.facets = false;
      auto streamed = (*idx)->Search(*q, o);
      o.facets = true;
      auto full = (*idx)->Search(*q, o);
      ASSERT_TRUE(streamed.ok() && full.ok()) << text;
      EXPECT_EQ(streamed->total, full->total) << text;
      ASSERT_EQ(streamed->hits.size(), full->hits.size()) << text;
      for (size_t i = 0; i < full->hits.size(); ++i) {
        EXPECT_EQ(streamed->hits[i].id, full->hits[i].id) << text << " hit " << i;
        EXPECT_EQ(streamed->hits[i].score, full->hits[i].score) << text << " hit " << i;
      }
      if (std::string_view(text).empty()) {
        EXPECT_EQ(streamed->total, (*idx)->size());
      }
    }
  }
}

TEST_F(SearchCorpus, TipFindsTheNetworkOfATruthPhone) {
  std::set<std::string> ids;
  std::string phone = PhoneWithAds(3, ids);
  ASSERT_FALSE(phone.empty());
  std::string d = phone.substr(2);
  auto net_of = Json("search 'phone:" + phone + "' --json --limit 1 --db " + db_);
  ASSERT_FALSE(net_of["hits"].empty());
  std::string network = net_of["hits"][0]["network"];
  auto j = Json("tip 'A caller said she was moved around, number was (" + d.substr(0, 3) + ") " + d.substr(3, 3) + " " +
                d.substr(6) + ", goes by Jade' --json --db " + db_);
  ASSERT_FALSE(j["identifiers"].empty());
  EXPECT_EQ(j["identifiers"][0]["value"], phone);
  ASSERT_FALSE(j["networks"].empty());
  EXPECT_EQ(j["networks"][0]["network"], network);
  ASSERT_FALSE(j["ads"].empty());
  EXPECT_TRUE(ids.count(j["ads"][0]["id"].get<std::string>()));
}

TEST_F(SearchCorpus, SpikesFindsThePlantedCity) {
  std::string city;
  for (const auto& t : *truth_) {
    if (t["spike"].get<bool>()) city = t["city"];
  }
  ASSERT_FALSE(city.empty());
  for (auto& c : city) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto j = Json("spikes --json --db " + db_);
  bool found = false;
  std::set<std::string> others;
  for (const auto& s : j["spikes"]) {
    std::string region = s["region"];
    if (region.rfind(city, 0) == 0) {
      found = true;
      EXPECT_LT(s["q"].get<double>(), 0.05);
      EXPECT_FALSE(s["networks"].empty());
      EXPECT_GT(s["rate_ratio_ci95"][0].get<double>(), 1.0);
    } else {
      others.insert(region);
    }
  }
  EXPECT_TRUE(found) << "spike city " << city << " not flagged: " << j.dump().substr(0, 2000);
  EXPECT_LE(others.size(), 3u) << j.dump().substr(0, 2000);
}

TEST_F(SearchCorpus, TermsAgesMovementRisk) {
  auto terms = Json("terms --a 'indicator:movement' --b '' --json --db " + db_);
  ASSERT_FALSE(terms["terms_a"].empty());
  EXPECT_TRUE(terms["terms_a"][0]["z"].is_number());
  EXPECT_GT(terms["terms_a"][0]["z"].get<double>(), 1.96);
  auto ages = Json("ages --a 'indicator:youth' --b '' --json --db " + db_);
  ASSERT_TRUE(ages["test"].is_object()) << ages.dump();
  double p = ages["test"]["mann_whitney"]["p"];
  EXPECT_GE(p, 0.0);
  EXPECT_LE(p, 1.0);
  auto mv = Json("movement --min-cities 2 --window 30 --json --db " + db_);
  EXPECT_TRUE(mv["networks"].is_array());
  auto hit = Json("search 'indicator:third_party' --json --limit 1 --db " + db_);
  ASSERT_FALSE(hit["hits"].empty());
  auto risk = Json("risk " + hit["hits"][0]["id"].get<std::string>() + " --json --db " + db_);
  EXPECT_FALSE(risk["calibrated"].get<bool>());
  EXPECT_FALSE(risk["caveats"].empty());
  ASSERT_FALSE(risk["reasons"].empty());
  EXPECT_GT(risk["score"].get<double>(), 0.0);
  EXPECT_LE(risk["interval"][0].get<double>(), risk["score"].get<double>());
  EXPECT_GE(risk["interval"][1].get<double>(), risk["score"].get<double>());
  EXPECT_FALSE(risk["commercial_sex_signals"]["scored"].get<bool>());
}

TEST_F(SearchCorpus, BadQueriesGiveAClearError) {
  auto r = Lodestar("search 'phone:12' --db " + db_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("position"), std::string::npos);
  auto u = Lodestar("search 'zzz:1' --db " + db_);
  EXPECT_NE(u.out.find("unknown filter"), std::string::npos);
}

// Runs last (gtest runs tests in declaration order): adds a second ingest.
TEST_F(SearchCorpus, ZIncrementalIndexingAfterASecondIngest) {
  auto before = Json("search 'age:>=0' --json --limit 1 --db " + db_);
  auto s = Lodestar(fmt("synth --ads 500 --seed 99 --out {} --truth {}", *dir_ / "b.jsonl", *dir_ / "b.truth"));
  ASSERT_EQ(s.exit_code, 0) << s.out;
  ASSERT_EQ(Lodestar("ingest " + *dir_ / "b.jsonl" + " --db " + db_).exit_code, 0);
  auto idx = Lodestar("index --db " + db_);
  ASSERT_EQ(idx.exit_code, 0) << idx.out;
  EXPECT_NE(idx.out.find("indexed 500 new ads"), std::string::npos) << idx.out;
  auto after = Json("search 'age:>=0' --json --limit 1 --db " + db_);
  EXPECT_GT(after["total"].get<uint64_t>(), before["total"].get<uint64_t>());
  // A phone only in the second corpus is now searchable.
  std::ifstream in(*dir_ / "b.truth");
  std::string line, phone, id;
  while (std::getline(in, line) && phone.empty()) {
    auto t = json::parse(line);
    if (!t["phones"].empty()) phone = t["phones"][0], id = t["id"];
  }
  ASSERT_FALSE(phone.empty());
  auto j = Json("search 'phone:" + phone + "' --json --limit 1000 --db " + db_);
  EXPECT_TRUE(Ids(j["hits"]).count(id) || j["total"].get<uint64_t>() > 0);
  auto again = Lodestar("index --db " + db_);
  EXPECT_NE(again.out.find("indexed 0 new ads"), std::string::npos) << again.out;

  // An index written by an older version is rebuilt on first use, not refused.
  const std::string manifest = search::SearchDir(db_) + "/manifest";
  {
    std::ifstream m(manifest);
    std::string rest((std::istreambuf_iterator<char>(m)), std::istreambuf_iterator<char>());
    std::ofstream(manifest) << "lodestar-search-index 3" << rest.substr(rest.find('\n'));
  }
  auto rebuilt = Json("search 'age:>=0' --json --limit 1 --db " + db_);
  EXPECT_EQ(rebuilt["total"], after["total"]);
  std::ifstream m(manifest);
  std::string header;
  std::getline(m, header);
  EXPECT_EQ(header, "lodestar-search-index 6");
}

// The server keeps the matches of repeated broad phrases and prefixes (MatchCache): a
// kept list must give exactly what matching again gives, on every kind of query using it.
TEST_F(SearchCorpus, MatchCacheAnswersAsMatchingAgain) {
  auto plain = search::Index::Open(db_, /*update=*/true);
  auto cached = search::Index::Open(db_, /*update=*/false);
  ASSERT_TRUE(plain.ok() && cached.ok());
  (*cached)->EnableMatchCache(64 << 20);
  const std::vector<std::string> queries = {
      "\"cash only\"", "\"new in town\"", "\"first timers\"", "sweet*", "compan*", "\"cash only\" sweet",
      "\"cash only\" -sweet", "\"new in town\" OR \"cash only\"", "visit* \"first timers\"", "\"cash only\" after:2017-01-01"};
  for (int round = 0; round < 3; ++round) {
    for (const auto& text : queries) {
      for (bool facets : {false, true}) {
        search::SearchOptions o;
        o.limit = 15;
        o.facets = facets;
        auto q = search::ParseQuery(text);
        ASSERT_TRUE(q.ok()) << text;
        auto a = (*plain)->Search(*q, o);
        auto b = (*cached)->Search(*q, o);
        ASSERT_TRUE(a.ok() && b.ok()) << text;
        EXPECT_EQ(a->total, b->total) << text;
        ASSERT_EQ(a->hits.size(), b->hits.size()) << text;
        for (size_t i = 0; i < a->hits.size(); ++i) {
          EXPECT_EQ(a->hits[i].ordinal, b->hits[i].ordinal) << text << " hit " << i;
          EXPECT_EQ(a->hits[i].score, b->hits[i].score) << text << " hit " << i;
        }
        EXPECT_EQ(a->facets.size(), b->facets.size()) << text;
      }
    }
  }
  const auto stats = (*cached)->match_cache_stats();
  EXPECT_GT(stats.entries, 0u);  // some of these phrases match more than the cache's minimum
  EXPECT_GT(stats.hits, stats.misses);
  EXPECT_EQ((*plain)->match_cache_stats().entries, 0u);  // off unless enabled
}

// Every pair and triple of clause kinds (words, phrases, prefixes, negations, OR groups,
// filters) evaluates, and agrees between the top-k path and the full one (facets on).
// Two list-building clauses once crashed the matcher ('visit* "first timers"').
TEST_F(SearchCorpus, EveryCombinationOfClauseKindsEvaluates) {
  auto idx = search::Index::Open(db_, /*update=*/false);
  ASSERT_TRUE(idx.ok());
  const std::vector<std::string> parts = {"sweet", "\"cash only\"", "visit*", "-new", "(town OR schedule)",
                                          "\"first timers\"", "compan*", "age:<30", "after:2016-01-01", "-\"new in\""};
  auto check = [&](const std::string& text) {
    auto q = search::ParseQuery(text);
    ASSERT_TRUE(q.ok()) << text << ": " << q.status().message();
    search::SearchOptions top, full;
    top.limit = full.limit = 5;
    full.facets = true;
    auto a = (*idx)->Search(*q, top);
    auto b = (*idx)->Search(*q, full);
    ASSERT_TRUE(a.ok() && b.ok()) << text;
    EXPECT_EQ(a->total, b->total) << text;
    ASSERT_EQ(a->hits.size(), b->hits.size()) << text;
    for (size_t i = 0; i < a->hits.size(); ++i) EXPECT_EQ(a->hits[i].ordinal, b->hits[i].ordinal) << text;
  };
  for (size_t i = 0; i < parts.size(); ++i) {
    for (size_t j = 0; j < parts.size(); ++j) {
      if (i == j) continue;
      check(parts[i] + " " + parts[j]);
      check(parts[i] + " " + parts[j] + " " + parts[(i + j + 1) % parts.size()]);
    }
  }
}

}  // namespace
}  // namespace lodestar
