// The lexicon scan's speed-ups answer exactly as the plain forms they replace: the narrowed databases (chosen by
// the text's white space) as the database compiled from the patterns as written, the spelled-out lexicon patterns
// as the ones they replaced, and the word-mask WordTriggers as its four trigger patterns on long texts.
#include <gtest/gtest.h>
#include <hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "extract/lexicon.h"
#include "extract/normalize.h"
#include "extract_test_util.h"
#include "lexicon_test_util.h"
#include "word_trigger_patterns.h"

namespace lodestar::extract {
namespace {

using SpaceForm = Lexicon::SpaceForm;

// (entry, end) of each entry's first report: what Lexicon::Scan keeps of a scan.
using Firsts = std::vector<std::pair<unsigned, unsigned long long>>;

Firsts FirstReports(const hs_database_t* db, hs_scratch_t* scratch, std::string_view t) {
  Firsts out;
  auto record = [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) -> int {
    auto* r = static_cast<Firsts*>(ctx);
    for (const auto& [seen, end] : *r) {
      if (seen == id) return 0;
    }
    r->emplace_back(id, to);
    return 0;
  };
  EXPECT_EQ(hs_scan(db, t.data(), static_cast<unsigned>(t.size()), 0, scratch, record, &out), HS_SUCCESS);
  std::sort(out.begin(), out.end());
  return out;
}

// Every end offset at which `pattern` (one Hyperscan expression, as the lexicon compiles it) matches in `t`.
class Ends {
 public:
  explicit Ends(const std::string& pattern) {
    hs_compile_error_t* err = nullptr;
    if (hs_compile(pattern.c_str(), HS_FLAG_DOTALL, HS_MODE_BLOCK, nullptr, &db_, &err) != HS_SUCCESS) {
      ADD_FAILURE() << pattern << ": " << (err ? err->message : "?");
      if (err) hs_free_compile_error(err);
      return;
    }
    hs_alloc_scratch(db_, &scratch_);
  }
  ~Ends() {
    if (scratch_) hs_free_scratch(scratch_);
    if (db_) hs_free_database(db_);
  }
  std::vector<unsigned long long> operator()(std::string_view t) const {
    std::vector<unsigned long long> out;
    if (!db_) return out;
    hs_scan(db_, t.data(), static_cast<unsigned>(t.size()), 0, scratch_,
            [](unsigned, unsigned long long, unsigned long long to, unsigned, void* ctx) -> int {
              static_cast<std::vector<unsigned long long>*>(ctx)->push_back(to);
              return 0;
            },
            &out);
    return out;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
};

std::string RandomText(std::mt19937_64& rng, const std::vector<std::string>& pieces, size_t max_pieces) {
  std::string text;
  const size_t n = 1 + rng() % max_pieces;
  for (size_t i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
  return text;
}

TEST(LexiconSpeed, NarrowPatternRewritesWhiteSpaceOnly) {
  struct Case {
    const char* in;
    const char* spaces;
    const char* single;
  };
  const Case cases[] = {
      {R"(\bnew\s+in\s+town\b)", R"(\bnew in town\b)", R"(\bnew\sin\stown\b)"},
      {R"(\bin\s*-?\s*call\b)", R"(\bin ?-? ?call\b)", R"(\bin\s?-?\s?call\b)"},
      {R"(all[\s-]star)", R"(all[ -]star)", R"(all[\s-]star)"},
      {R"([^\s]x\s?y)", R"([^ ]x ?y)", R"([^\s]x\s?y)"},
      {R"([]\s]+a\s)", R"([] ]+a )", R"([]\s]+a\s)"},
      {R"(a\\s+b)", R"(a\\s+b)", R"(a\\s+b)"},  // an escaped backslash, then the letter s
      {R"(a\s+?b)", R"(a\s+?b)", R"(a\s+?b)"},  // lazy: left as written
      {R"(a\s++b)", R"(a\s++b)", R"(a\s++b)"},  // possessive: left as written
      {R"(a\s{2,}b\s+c)", R"(a\s{2,}b\s+c)", R"(a\s{2,}b\s+c)"},  // counted: left as written
      {R"(\S+\d\s*$)", R"(\S+\d ?$)", R"(\S+\d\s?$)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Lexicon::NarrowPattern(c.in, SpaceForm::kSpaces), c.spaces) << c.in;
    EXPECT_EQ(Lexicon::NarrowPattern(c.in, SpaceForm::kSingle), c.single) << c.in;
    EXPECT_EQ(Lexicon::NarrowPattern(c.in, SpaceForm::kAny), c.in) << c.in;
  }
}

TEST(LexiconSpeed, SpaceFormOfFindsRunsAtEveryOffset) {
  EXPECT_EQ(Lexicon::SpaceFormOf(""), SpaceForm::kSpaces);
  EXPECT_EQ(Lexicon::SpaceFormOf("a b c"), SpaceForm::kSpaces);
  EXPECT_EQ(Lexicon::SpaceFormOf(" "), SpaceForm::kSpaces);
  EXPECT_EQ(Lexicon::SpaceFormOf("a\nb"), SpaceForm::kSingle);
  EXPECT_EQ(Lexicon::SpaceFormOf("a\n b"), SpaceForm::kAny);
  EXPECT_EQ(Lexicon::SpaceFormOf("\xA0\x89\x8D\x20\x80"), SpaceForm::kSpaces);  // high bytes are not white space
  // Every position, across the 16-byte blocks and their ends.
  for (size_t len = 1; len <= 70; ++len) {
    for (size_t at = 0; at < len; ++at) {
      std::string t(len, 'x');
      for (size_t k = 1; k < len; k += 2) t[k] = ' ';  // single spaces, never two adjacent
      const std::string base = t;
      EXPECT_EQ(Lexicon::SpaceFormOf(t), SpaceForm::kSpaces);
      for (const char ws : {'\t', '\n', '\v', '\f', '\r'}) {
        t = base;
        t[at] = ws;
        const bool run = (at > 0 && t[at - 1] == ' ') || (at + 1 < len && t[at + 1] == ' ');
        EXPECT_EQ(Lexicon::SpaceFormOf(t), run ? SpaceForm::kAny : SpaceForm::kSingle) << len << " " << at;
      }
      t = std::string(len, 'x');
      t[at] = ' ';
      if (at + 1 < len) t[at + 1] = '\n';
      EXPECT_EQ(Lexicon::SpaceFormOf(t), at + 1 < len ? SpaceForm::kAny : SpaceForm::kSpaces) << len << " " << at;
      t = std::string(len, 'x');
      t[at] = ' ';
      if (at + 1 < len) t[at + 1] = ' ';
      EXPECT_EQ(Lexicon::SpaceFormOf(t), at + 1 < len ? SpaceForm::kAny : SpaceForm::kSpaces) << len << " " << at;
    }
  }
}

// The database Scan picks for a text reports each entry's first match at the same end as the database compiled
// from the patterns as written, on generated texts of all three white space forms and on real ads.
TEST(LexiconSpeed, NarrowedDatabasesReportAsTheFullOne) {
  auto lex = Lexicon::Load(std::string(LODESTAR_SOURCE_DIR) + "/data");
  ASSERT_TRUE(lex.ok()) << lex.status().message();
  const Lexicon& l = *lex.value();
  hs_scratch_t* scratch = l.AllocScratch();
  ASSERT_NE(scratch, nullptr);
  // Words of the patterns, then separators.
  std::vector<std::string> pieces;
  for (const char* w : {"in", "out", "call", "calls", "new", "town", "very", "young", "we", "have", "got", "girls",
                        "text", "only", "no", "english", "eyes", "colour", "blue", "brown", "asian", "fresh", "24",
                        "7", "hrs", "a", "day", "all", "star", "weekend", "just", "arrived", "from", "here", "for",
                        "few", "days", "my", "manager", "will", "answer", "property", "of", "spa", "hotel", "gift",
                        "card", "x", "9", "'", ":", "#", "$", "\xC3\xA9"}) {
    pieces.push_back(w);
  }
  const size_t words = pieces.size();
  for (const char* s : {" ", " ", " ", " ", "-", " - ", "  ", "\n", "\t", " \n", "\r\n"}) pieces.push_back(s);
  std::mt19937_64 rng(7);
  int forms[3] = {};
  size_t reports = 0;
  auto check = [&](const std::string& t) {
    const Firsts want = FirstReports(l.database(), scratch, t);
    const Firsts got = FirstReports(l.DatabaseFor(t), scratch, t);
    ASSERT_EQ(got, want) << "text: " << t;
    ++forms[static_cast<int>(Lexicon::SpaceFormOf(t))];
    reports += want.size();
  };
  for (int iter = 0; iter < 30000; ++iter) {
    // Words joined by one separator each, so most texts have single white space only.
    std::string t;
    const size_t n = 1 + rng() % 24;
    for (size_t i = 0; i < n; ++i) {
      t += pieces[rng() % words];
      t += rng() % 3 ? std::string(" ") : pieces[words + rng() % (pieces.size() - words)];
    }
    check(t);
  }
  // Real ads, normalised as the extractor does; skipped when the shared data is absent.
  size_t real = 0;
  for (const char* file : {"/ads/backpage-ca.jsonl", "/ads/dig-ad-type-train.jsonl"}) {
    std::ifstream in(std::string(LODESTAR_SHARED_DATA) + file);
    std::string line;
    NormText norm;
    for (int n = 0; n < 3000 && std::getline(in, line); ++n) {
      const auto doc = nlohmann::json::parse(line, nullptr, false);
      if (!doc.is_object()) continue;
      for (const char* key : {"title", "body", "text"}) {
        if (!doc.contains(key) || !doc[key].is_string()) continue;
        Normalize(doc[key].get<std::string>(), norm);
        check(norm.text);
        ++real;
      }
    }
  }
  for (int k = 0; k < 3; ++k) EXPECT_GT(forms[k], 1000) << k;
  EXPECT_GT(reports, 10000u);
  if (real == 0) std::printf("shared ads not found under %s: checked generated texts only\n", LODESTAR_SHARED_DATA);
  hs_free_scratch(scratch);
}

// Patterns spelled out for speed in data/lexicon match exactly what they replaced (same ends; RE2 agrees on
// every substring, so the tail pass finds the same starts).
TEST(LexiconSpeed, SpelledOutPatternsMatchTheOriginals) {
  const std::tuple<std::string, std::string, std::string> rewrites[] = {
      {"in", R"(\b(incalls?|in\s*-?\s*call|in\s+calls)\b)",
       R"(\b(incalls?|in\s+calls?|in-call|in\s+-call|in-\s+call|in\s+-\s+call)\b)"},
      {"out", R"(\b(outcalls?|out\s*-?\s*call|out\s+calls)\b)",
       R"(\b(outcalls?|out\s+calls?|out-call|out\s+-call|out-\s+call|out\s+-\s+call)\b)"},
  };
  // Each rewrite is still what the lexicon file says.
  std::ifstream in(std::string(LODESTAR_SOURCE_DIR) + "/data/lexicon/commercial.tsv");
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937_64 rng(11);
  RE2::Options opts(RE2::Latin1);
  for (const auto& [head, before, after] : rewrites) {
    const std::vector<std::string> pieces = {head, head, "call", "calls", "call", "callsx", "x", head + "call",
                                             " ", " ", "  ", "-", "-", "\n", "\v", "_", "s", "'"};
    EXPECT_NE(file.find('\t' + after + '\t'), std::string::npos) << after;
    const Ends hs_before(before), hs_after(after);
    // RE2 reads \s without \v; Hyperscan with it: compare RE2 with RE2 and Hyperscan with Hyperscan.
    const RE2 re_before("(?:" + before + ")", opts), re_after("(?:" + after + ")", opts);
    ASSERT_TRUE(re_before.ok() && re_after.ok());
    int matched = 0;
    for (int iter = 0; iter < 4000; ++iter) {
      const std::string t = RandomText(rng, pieces, 8);
      const auto want = hs_before(t);
      ASSERT_EQ(hs_after(t), want) << t;
      matched += !want.empty();
      for (size_t i = 0; i < t.size(); ++i) {
        for (size_t j = i + 1; j <= t.size(); ++j) {
          const re2::StringPiece all(t);
          ASSERT_EQ(re_after.Match(all, i, j, RE2::ANCHOR_BOTH, nullptr, 0),
                    re_before.Match(all, i, j, RE2::ANCHOR_BOTH, nullptr, 0))
              << t << " [" << i << "," << j << ")";
        }
      }
    }
    EXPECT_GT(matched, 300) << before;
  }
}

// Entries whose alternatives are spelled out (words joined by \s+ or \s*, optional letters and groups) find where a
// hit starts by comparing bytes: the same start as their RE2 tail pattern at every end, on texts where the white
// space runs are of every kind and length (\v is white space to Hyperscan, not to RE2), with upper case, word
// bytes glued on either side, and the non-ASCII characters RE2 folds to ASCII letters (KELVIN SIGN, LONG S).
TEST(LexiconSpeed, SpelledOutAlternativesStartWhereTheTailPatternSays) {
  auto lex = Lexicon::Load(std::string(LODESTAR_SOURCE_DIR) + "/data");
  ASSERT_TRUE(lex.ok()) << lex.status().message();
  std::mt19937_64 rng(23);
  const auto pick = [&](std::initializer_list<const char*> xs) { return std::string(xs.begin()[rng() % xs.size()]); };
  // An alternative as text: each white space marker becomes a run, letters may be upper case or folded.
  const auto render = [&](const std::string& w) {
    std::string t;
    for (const char c : w) {
      if (c == '+') {
        t += pick({" ", " ", "  ", "\t", "\n", "\v", " \r\n", "\f", " \v "});
      } else if (c == '*') {
        t += pick({"", "", " ", "  ", "\n", "\v"});
      } else if (rng() % 40 == 0 && (c == 'k' || c == 's')) {
        t += c == 'k' ? "\xE2\x84\xAA" : "\xC5\xBF";
      } else {
        t += rng() % 20 == 0 ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      }
    }
    return t;
  };
  std::vector<const LexEntry*> spelled;
  std::vector<std::string> words;
  for (const LexEntry& e : lex.value()->entries()) {
    const bool multi = std::any_of(e.words.begin(), e.words.end(), [](const std::string& w) {
      return w.find_first_of("+*-'&/") != std::string::npos;
    });
    if (!multi) continue;
    spelled.push_back(&e);
    words.insert(words.end(), e.words.begin(), e.words.end());
  }
  ASSERT_GE(spelled.size(), 15u);
  for (const LexEntry& e : lex.value()->entries()) {
    if (e.id == "service:escort") {
      EXPECT_EQ(e.words, (std::vector<std::string>{"escorts", "escort", "escorting", "companionship", "companion"}));
    } else if (e.id == "venue:incall") {
      EXPECT_EQ(e.words, (std::vector<std::string>{"incalls", "incall", "in+calls", "in+call", "in-call", "in+-call",
                                                   "in-+call", "in+-+call"}));
    }
  }
  const std::vector<std::string> glue = {" ", " ", "\n", "\v", "  ", "-", "_", "x", "s", "9", "'", "/", "&",
                                         "\xC3\xA9", "\xE2\x84\xAA", "\xC5\xBF"};
  std::vector<std::string> texts;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string t;
    const size_t n = 1 + rng() % 6;
    for (size_t i = 0; i < n; ++i) {
      const std::string& w = words[rng() % words.size()];
      t += rng() % 4 ? render(w) : render(w.substr(0, 1 + rng() % w.size()));
      t += glue[rng() % glue.size()];
    }
    texts.push_back(std::move(t));
  }
  texts.push_back(std::string(190, 'x') + " in  \n calls");   // starts on either side of the 200-byte window
  texts.push_back(std::string(190, 'x') + " " + std::string(10, ' ') + "all night");
  EXPECT_GT(test::ExpectHitStartsMatchTail(spelled, texts), 5000u);
}

// WordTriggers on texts long enough to cross its 64-byte blocks, against the four patterns it stands for.
TEST(LexiconSpeed, WordTriggersOnLongTexts) {
  const test::TriggerPatterns patterns = test::WordTriggerPatterns();
  // Long fillers without triggers move the few trigger words across block edges.
  const std::vector<std::string> pieces = {
      " ", " ", " ", "\n", ".", "/", "_", "x", "Z", "9", "i", "m", "am", "y", "o", "yo", "y/o", "age", "tengo",
      "hour", "gift", "usd", "ft", "cm", "kg", "lbs", "\xC3\xA9", "\xFF", "others", "abcdefghijklmnopqrstuvwxyz",
      "lorem ipsum dolor sit", "0123456789012345678901234567890123456789012345678901234567890123456789",
      // Every word and ending the triggers name, for the last-two-bytes filter.
      "dollar", "dollars", "eur", "euro", "euros", "hr", "hrs", "hourly", "hrly", "rs", "rose", "roses", "bucks",
      "donation", "donations", "rate", "rates", "gbp", "hh", "qv", "half", "yr", "yrs", "year", "years", "ano",
      "anos", "feet", "foot", "lb", "pounds", "aged", "edad", "im", "i'm", "y.o", "$", "#", "'", "es", "ge", "ed"};
  std::mt19937_64 rng(5);
  int fired[4] = {};
  for (int iter = 0; iter < 20000; ++iter) {
    const std::string t = RandomText(rng, pieces, 40);
    const uint32_t got = WordTriggers(t);
    for (size_t k = 0; k < std::size(patterns); ++k) {
      const bool want = RE2::PartialMatch(t, *patterns[k].second);
      ASSERT_EQ((got & patterns[k].first) != 0, want) << "pattern " << k << " text: " << t;
      fired[k] += want;
    }
  }
  for (int k = 0; k < 4; ++k) {
    EXPECT_GT(fired[k], 1000) << k;  // both answers occur for each trigger
    EXPECT_LT(fired[k], 19900) << k;
  }
}

// WordTriggers looks only at words that may fire a trigger not yet fired, and once no more than height and weight
// are left it looks for their endings' last two bytes before looking for word ends: each trigger word, in lower
// and upper case and glued to digits or '_', placed at every offset across two 64-byte blocks after signs and
// words that fire the other triggers first (and after none).
TEST(LexiconSpeed, WordTriggersAfterOthersFired) {
  const test::TriggerPatterns patterns = test::WordTriggerPatterns();
  const std::vector<std::string> firsts = {"", "$ ", "' ", "# ", "i'm ", "$ i'm ", "25 yrs $ ", "hr aged 5'4 ",
                                           "$ years ' ", "usd edad # ", "# ' tengo ", "roses, y/o "};
  const std::vector<std::string> words = {
      "ft", "feet", "foot", "cm", "lb", "lbs", "pounds", "kg", "5ft", "120lbs", "70kg", "FT", "Kg", "LBS", "x_lb",
      "feetx", "lbsx", "i m", "i am", "yr", "years", "yo", "anos", "age", "aged", "o", "y.o", "hour", "gift", "qv",
      "half", "euros", "bucks", "rate", "donations", "dollar", "im", "tengo", "edad", "bs", "ds", "et", "ot", "s"};
  size_t checked = 0;
  for (const std::string& first : firsts) {
    for (const std::string& word : words) {
      for (size_t at = 50; at <= 140; ++at) {
        std::string t = first + "nothing here to see";
        t.resize(std::max(t.size(), at), '.');
        t += ' ';
        t += word;
        t += at % 3 ? " end" : "";
        const uint32_t got = WordTriggers(t);
        for (size_t k = 0; k < std::size(patterns); ++k) {
          ASSERT_EQ((got & patterns[k].first) != 0, RE2::PartialMatch(t, *patterns[k].second))
              << "pattern " << k << " text: " << t;
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40000u);
}

}  // namespace
}  // namespace lodestar::extract
