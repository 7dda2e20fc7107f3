// The e-mail, URL, mention and short-handle scanners (handle_scan.h) report exactly what successive whole-text RE2
// searches of the patterns they replace report: every match, every group's span, in order. The patterns are
// built by handle_scan.h's EmailPattern and UrlPattern.
// Texts: random strings of the pieces the patterns turn on (separators, dots, TLDs, runs that reach the {0,63}
// bounds, white space of every kind, valid and broken UTF-8), each also at every anchored start; then fixed cases.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "extract/handle_scan.h"
#include "extract/windows.h"
#include "extract_test_util.h"

namespace lodestar::extract {
namespace {

using Record = test::GroupRecord;
using test::Re2Matches;

RE2::Options Opts() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return o;
}

Record FromScan(std::string_view text, const std::vector<GroupMatch>& matches, int groups) {
  Record out;
  for (const GroupMatch& m : matches) test::RecordGroups(text, m.g.data(), groups, out);
  return out;
}

Record Emails(std::string_view t) {
  std::vector<GroupMatch> m;
  ScanEmails(t, m);
  return FromScan(t, m, kEmailGroups);
}
Record Urls(std::string_view t) {
  std::vector<Window> w;
  UrlWindows(t, w);
  std::vector<GroupMatch> m;
  ScanUrls(t, w, m);
  return FromScan(t, m, kUrlGroups);
}
Record Mentions(std::string_view t) {
  std::vector<GroupMatch> m;
  ScanMentions(t, m);
  return FromScan(t, m, kMentionGroups);
}
Record ShortHandles(std::string_view t) {
  std::vector<GroupMatch> m;
  ScanShortHandles(t, m);
  return FromScan(t, m, kShortHandleGroups);
}

// The anchored match at s, as RE2 reports it, or an empty record.
Record Re2At(const RE2& re, std::string_view t, size_t s) {
  Record out;
  re2::StringPiece g[8];
  const int n = re.NumberOfCapturingGroups() + 1;
  if (re.Match(re2::StringPiece(t.data(), t.size()), s, t.size(), RE2::ANCHOR_START, g, n)) {
    test::RecordGroups(t, g, n, out);
  }
  return out;
}
template <typename MatchAt>
Record ScanAt(MatchAt match_at, int groups, std::string_view t, size_t s) {
  Record out;
  re2::StringPiece g[8];
  if (match_at(t, s, g)) test::RecordGroups(t, g, groups, out);
  return out;
}

std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) s += p;
  return s;
}

std::string RandomText(std::mt19937_64& rng, const std::vector<std::string>& pieces, size_t max_pieces) {
  std::string s;
  const size_t n = 1 + rng() % max_pieces;
  for (size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;
}

const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> pieces = [] {
    std::vector<std::string> p = {
        " ", " ", "  ", "\n", "\t", "\r", "\f", "\v", "@", "@ ", "@@", " at ", "at", "(at)", "[at]", "{at}", "(at", "dot",
        " dot ", "dot ", ".", ". ", " . ", "..", "(dot)", "[dot]", "{dot}", "gmail", "mia.rose", "mia_rose", "x_y", "a-b",
        "-", "%", "+", "~", "_", "com", "co.uk", "co", "uk", "online", "net", "xxx", "app", "in", "me", "c", "o",
        "http://", "https://", "http:/", "https:", "www.", "www", "/", "/path?q=1", "/a,b", "<", ">", ")", "(", "]", "{",
        "'", "\"", "A", "Com", "5", "12", "$", ":", "ig", "sc", "tw", "of", "tg", "wa", "kik", "snap", "x", "ab",
        "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE0\x80\x80", "\xC0\xAF",
        "\xC3", "\x80", "\xBF", "\xFF", "\xF5\x80\x80\x80"};
    p.push_back(std::string(62, 'k'));
    p.push_back(std::string(63, 'd'));
    p.push_back(std::string(64, 'l'));
    p.push_back(std::string(30, 'h'));
    p.push_back(std::string(29, '_'));
    return p;
  }();
  return pieces;
}

// Texts shaped like the patterns (local part, separator, domain, dot, TLD; abbreviation, mark, handle), each part drawn
// from near misses too, with random pieces between: so that matches, and texts that fail at each step, are common.
std::string ShapedText(std::mt19937_64& rng) {
  static const std::vector<std::string> kLocal = {"mia", "mia.rose", "m_x+1", "%a", "-a", ".a", "a.", "9", "x",
                                                  std::string(63, 'l'), std::string(64, 'l'), std::string(65, 'l'), "A"};
  static const std::vector<std::string> kSep = {"@", " @ ", "@\n", " at ", "at", " at", "  at\t", "(at)", " [at] ",
                                                "{at}", "(at", "@@", ":", " : ", ": @", ":@", "@ ", ""};
  static const std::vector<std::string> kDomain = {"gmail", "g-mail", "a.b", "a.b.c", "a.b.c.d", "a.b.c.d.e", "-x",
                                                   "x-", "co", "com", std::string(62, 'd'), std::string(63, 'd'),
                                                   std::string(64, 'd'), std::string("a.").append(64, 'e'), "G", "_x"};
  static const std::vector<std::string> kDot = {".", " .", ". ", " . ", " dot ", "dot", " dot", "(dot)", "[dot]",
                                                "{dot}", " (dot) ", "..", ""};
  static const std::vector<std::string> kTld = {"com", "co.uk", "co", "couk", "co.u", "com_", "comx", "c", "uk",
                                                "online", "app", "xxx", "Com", "com-", "com.", "in", "info"};
  static const std::vector<std::string> kAbbr = {"ig", "sc", "tw", "of", "tg", "wa", "xig", "i", "IG", "kik", ""};
  std::string s;
  const size_t parts = 1 + rng() % 4;
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
  for (size_t i = 0; i < parts; ++i) {
    if (rng() % 3 == 0) s += pick(Pieces());
    if (rng() % 2 == 0) {
      for (const auto* part : {&kLocal, &kSep, &kDomain, &kDot, &kTld}) s += pick(*part);
    } else {
      for (const auto* part : {&kAbbr, &kSep, &kLocal}) s += pick(*part);
    }
    if (rng() % 2 == 0) s += pick(Pieces());
  }
  return s;
}

TEST(ExtractWebFast, MatchAtAgreesWithAnchoredRe2) {
  const RE2 email(EmailPattern(), Opts()), url(UrlPattern(), Opts());
  ASSERT_TRUE(email.ok() && url.ok());
  std::mt19937_64 rng(5);
  long emails = 0, urls = 0;
  for (int iter = 0; iter < 40000; ++iter) {
    const std::string t = iter % 2 ? RandomText(rng, Pieces(), 12) : ShapedText(rng);
    for (size_t s = 0; s <= t.size(); ++s) {
      const Record want_email = Re2At(email, t, s), want_url = Re2At(url, t, s);
      emails += !want_email.empty();
      urls += !want_url.empty();
      ASSERT_EQ(ScanAt(EmailMatchAt, kEmailGroups, t, s), want_email) << s << " in " << t;
      ASSERT_EQ(ScanAt(UrlMatchAt, kUrlGroups, t, s), want_url) << s << " in " << t;
    }
  }
  EXPECT_GT(emails, 2000);
  EXPECT_GT(urls, 2000);
}

TEST(ExtractWebFast, ScannersFindWhatRe2Finds) {
  const RE2 email(EmailPattern(), Opts()), url(UrlPattern(), Opts()), mention(kMentionPattern, Opts()),
      short_handle(kShortHandlePattern, Opts());
  ASSERT_TRUE(email.ok() && url.ok() && mention.ok() && short_handle.ok());
  long found[4] = {};
  const auto check = [&](const std::string& t) {
    const Record want[4] = {Re2Matches(email, t), Re2Matches(url, t), Re2Matches(mention, t),
                            Re2Matches(short_handle, t)};
    for (int k = 0; k < 4; ++k) found[k] += static_cast<long>(want[k].size());
    ASSERT_EQ(Emails(t), want[0]) << t;
    ASSERT_EQ(Urls(t), want[1]) << t;
    ASSERT_EQ(Mentions(t), want[2]) << t;
    ASSERT_EQ(ShortHandles(t), want[3]) << t;
  };
  const std::string a30(30, 'a'), a31(31, 'a'), d64(64, 'd'), m64(64, 'm'), m65(65, 'm'), b70(70, 'b');
  for (const std::string& t : std::vector<std::string>{
           "mia at gmail dot com", "mia (at) yahoo.com", "mia @ site . co.uk x", "mia  at  gmail . com", "a@b.c.d.e.com",
           "x@y.co.uk", "x@y.com_x", "x@y.com-x", "m.@x.com", ".m@x.com", "a@b.com@c.org", "see www.example.com/a,b",
           "http://x.org and https://y.io/p", "xhttp://z.com", "www./x", "a.com.xyz", "site.community", "-a.com",
           "ig @mia_rose", "ig: @ mia", "xig: mia", "of@@mia", "@mia", "\xC3\xA9@mia_rose", "\x80@mia", "A@mia", "$@mia",
           "@ab@cd", Cat({"@", a31}), Cat({"@", a30, " x"}), Cat({"mia@", d64, ".com"}), Cat({m65, "@x.com"}),
           Cat({m64, "@x.com"}), Cat({"a.", b70, ".com"}), Cat({"a.com-", b70}), "x.co/\xF0\x9F\x98\x80\xC3",
           "www.x/\xED\xA0\x80!"}) {
    check(t);
  }
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 60000; ++iter) check(RandomText(rng, Pieces(), 30));
  for (int iter = 0; iter < 60000; ++iter) check(ShapedText(rng));
  EXPECT_GT(found[0], 5000);  // the random texts do exercise every pattern
  EXPECT_GT(found[1], 5000);
  EXPECT_GT(found[2], 5000);
  EXPECT_GT(found[3], 5000);
}

}  // namespace
}  // namespace lodestar::extract
