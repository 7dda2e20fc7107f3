#include "search/query.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/time.h"
#include "search/tokenizer.h"

namespace lodestar::search {
namespace {

using core::Status;
using core::StatusCode;

constexpr const char* kKnownKeys =
    "phone, email, handle, payment, city, state, site, age, price, after, before, indicator, network, template";

Status Error(size_t pos, const std::string& what) {
  return Status::Error(StatusCode::kInvalidInput, fmt::format("query position {}: {}", pos, what));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The index tokens of a word or phrase; empty if it has none ("***", "-").
TextTerm MakeTerm(std::string_view text, bool prefix) {
  Tokens tokens;
  Tokenize(text, tokens);
  TextTerm t;
  for (size_t i = 0; i < tokens.size(); ++i) t.tokens.emplace_back(tokens[i]);
  t.prefix = prefix && !t.tokens.empty();
  return t;
}

bool ParseNumber(std::string_view s, double& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Parses "<21", "<=21", ">30", ">=30", "18-20", "25" into `f`.
Status ParseNumeric(std::string_view v, Filter& f) {
  auto fail = [&] {
    return Error(f.pos, fmt::format("'{}:{}' needs a number, a range or a comparison, e.g. {}:<21, {}:18-20", f.key,
                                    std::string(v), f.key, f.key));
  };
  size_t skip = 0;
  if (v.starts_with("<=")) f.op = Filter::Op::kLe, skip = 2;
  else if (v.starts_with(">=")) f.op = Filter::Op::kGe, skip = 2;
  else if (v.starts_with("<")) f.op = Filter::Op::kLt, skip = 1;
  else if (v.starts_with(">")) f.op = Filter::Op::kGt, skip = 1;
  std::string_view rest = v.substr(skip);
  if (skip) return ParseNumber(rest, f.lo) ? Status::Ok() : fail();
  size_t dash = rest.find('-', 1);
  if (dash != std::string_view::npos) {
    if (!ParseNumber(rest.substr(0, dash), f.lo) || !ParseNumber(rest.substr(dash + 1), f.hi)) return fail();
    if (f.lo > f.hi) std::swap(f.lo, f.hi);
    f.op = Filter::Op::kRange;
    return Status::Ok();
  }
  if (!ParseNumber(rest, f.lo)) return fail();
  f.op = Filter::Op::kRange;
  f.hi = f.lo;
  return Status::Ok();
}

Status ParseGroupId(std::string_view v, char letter, Filter& f) {
  std::string_view digits = v;
  if (!digits.empty() && (digits[0] == letter || digits[0] == std::tolower(letter))) digits.remove_prefix(1);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || n > 0xffffffffull) {
    return Error(f.pos, fmt::format("'{}:{}' needs an id like {}0000012 (see `lodestar {}`)", f.key, std::string(v),
                                    letter, letter == 'N' ? "networks" : "clusters"));
  }
  f.lo = static_cast<double>(n);
  f.value = std::to_string(n);
  return Status::Ok();
}

Status MakeFilter(std::string_view key_in, std::string_view value, size_t pos, Filter& f) {
  f.key = Lower(key_in);
  f.pos = pos;
  if (value.empty()) return Error(pos, fmt::format("filter '{}:' has no value", f.key));
  const std::string& k = f.key;
  if (k == "phone") {
    f.value = NormalizePhone(value);
    if (f.value.empty()) return Error(pos, "phone: needs at least 7 digits, e.g. phone:+15035550123 or phone:503-555-0123");
  } else if (k == "payment") {
    // As extracted ("$name", a venmo or bitcoin id); "cashapp:$name", as the link identifiers print it, works too.
    f.value = Lower(value.substr(value.find(':') == std::string_view::npos ? 0 : value.rfind(':') + 1));
  } else if (k == "email" || k == "city" || k == "state" || k == "site") {
    f.value = Lower(value);
  } else if (k == "handle") {
    f.value = Lower(value.starts_with("@") ? value.substr(1) : value);
  } else if (k == "indicator") {
    f.value = std::string(value);
    // Lexicon ids are upper case with dashes (MOVE-NEW-IN-TOWN); categories lower case (movement).
    bool is_id = value.find('-') != std::string_view::npos;
    for (auto& c : f.value) c = static_cast<char>(is_id ? std::toupper(static_cast<unsigned char>(c))
                                                        : std::tolower(static_cast<unsigned char>(c)));
  } else if (k == "age" || k == "price") {
    if (auto s = ParseNumeric(value, f); !s.ok()) return s;
  } else if (k == "after" || k == "before") {
    auto t = core::ParseTimestamp(value);
    if (!t) return Error(pos, fmt::format("'{}:{}' needs a date such as 2017-01-01", k, std::string(value)));
    f.lo = static_cast<double>(*t);
    f.op = k == "after" ? Filter::Op::kGe : Filter::Op::kLt;
    f.value = core::FormatDate(*t);
  } else if (k == "network") {
    return ParseGroupId(value, 'N', f);
  } else if (k == "template") {
    return ParseGroupId(value, 'T', f);
  } else {
    return Error(pos, fmt::format("unknown filter '{}' (known: {}); quote it to search the text: \"{}:{}\"", k,
                                  kKnownKeys, std::string(key_in), std::string(value)));
  }
  return Status::Ok();
}

}  // namespace

std::string NormalizePhone(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() < 7 || digits.size() > 15) return "";
  if (digits.size() == 10) return "+1" + digits;
  return "+" + digits;
}

core::Result<Query> ParseQuery(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return Error(kMaxQueryBytes, fmt::format("query too long ({} bytes, at most {})", text.size(), kMaxQueryBytes));
  }
  Query q;
  size_t parts = 0;
  size_t i = 0, n = text.size();
  bool negate_next = false;  // after NOT or a leading '-'
  bool or_next = false;      // after OR: the next term joins the previous clause
  size_t operator_pos = 0;
  bool last_was_term = false;  // the previous part was a text term (OR may follow)
  auto read_quoted = [&](size_t& j, std::string& out) -> Status {
    size_t open = j++;
    size_t close = text.find('"', j);
    if (close == std::string_view::npos) return Error(open, "unclosed quote; add the closing \"");
    out.assign(text.substr(j, close - j));
    j = close + 1;
    return Status::Ok();
  };
  auto add_term = [&](TextTerm term, size_t pos) -> Status {
    if (term.tokens.empty()) {
      if (or_next || negate_next) return Error(pos, "OR/NOT/- must be followed by a word or phrase");
      return Status::Ok();  // punctuation alone matches nothing; ignore it
    }
    if (or_next) {
      if (negate_next) return Error(operator_pos, "write `-a -b` to exclude both; `OR -b` is not supported");
      q.clauses.back().any.push_back(std::move(term));
    } else {
      Clause c;
      c.negated = negate_next;
      c.any.push_back(std::move(term));
      q.clauses.push_back(std::move(c));
    }
    or_next = negate_next = false;
    last_was_term = true;
    return Status::Ok();
  };
  while (i < n) {
    if (IsSpace(text[i])) {
      ++i;
      continue;
    }
    if (++parts > kMaxQueryParts) {
      return Error(i, fmt::format("too many words and filters (at most {})", kMaxQueryParts));
    }
    size_t start = i;
    if (text[i] == '-' && i + 1 < n && (text[i + 1] == '"' || !IsSpace(text[i + 1]))) {
      if (or_next) return Error(i, "write `-a -b` to exclude both; `OR -b` is not supported");
      negate_next = true;
      operator_pos = i;
      ++i;
      start = i;
    }
    if (text[i] == '"') {
      std::string phrase;
      if (auto s = read_quoted(i, phrase); !s.ok()) return s;
      if (auto s = add_term(MakeTerm(phrase, false), start); !s.ok()) return s;
      continue;
    }
    size_t end = i;
    while (end < n && !IsSpace(text[end]) && text[end] != '"' && text[end] != ':') ++end;
    std::string_view bare = text.substr(start, end - start);
    if ((bare == "OR" || bare == "NOT") && (end == n || IsSpace(text[end]))) {
      if (negate_next || or_next) return Error(start, fmt::format("'{}' cannot follow another operator", bare));
      if (bare == "OR") {
        if (!last_was_term) return Error(start, "OR needs a word or phrase before it, e.g. incall OR outcall");
        or_next = true;
      } else {
        negate_next = true;
      }
      operator_pos = start;
      last_was_term = false;
      i = end;
      continue;
    }
    if (end < n && text[end] == ':' && end > start) {
      if (or_next || negate_next) return Error(operator_pos, "OR, NOT and - apply to words and phrases, not to filters");
      std::string key(text.substr(start, end - start));
      size_t j = end + 1;
      std::string value;
      if (j < n && text[j] == '"') {
        if (auto s = read_quoted(j, value); !s.ok()) return s;
      } else {
        size_t k = j;
        while (k < n && !IsSpace(text[k])) ++k;
        value.assign(text.substr(j, k - j));
        j = k;
      }
      Filter f;
      if (auto s = MakeFilter(key, value, start, f); !s.ok()) return s;
      q.filters.push_back(std::move(f));
      last_was_term = false;
      i = j;
      continue;
    }
    while (end < n && !IsSpace(text[end]) && text[end] != '"') ++end;  // a ':' inside a word is literal
    std::string_view word = text.substr(start, end - start);
    i = end;
    bool prefix = word.size() > 1 && word.back() == '*';
    if (prefix) word.remove_suffix(1);
    if (word.find('*') != std::string_view::npos && MakeTerm(word, false).tokens.size() > 0) {
      return Error(start + word.find('*'), "'*' is only allowed at the end of a word (prefix search)");
    }
    if (auto s = add_term(MakeTerm(word, prefix), start); !s.ok()) return s;
  }
  if (or_next || negate_next) return Error(operator_pos, "the query ends with an operator; add a word or phrase after it");
  return q;
}

}  // namespace lodestar::search
