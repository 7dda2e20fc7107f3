#include "cases/identifiers.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace lodestar::cases {

namespace {
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
}  // namespace

std::string NormalizePhone(std::string_view raw) {
  std::string digits;
  bool plus = false;
  for (char c : raw) {
    if (IsDigit(c)) digits += c;
    else if (c == '+' && digits.empty()) plus = true;
  }
  if (!plus && digits.size() > 2 && digits.compare(0, 2, "00") == 0) {
    digits.erase(0, 2);
    plus = true;
  }
  if (digits.size() < 7 || digits.size() > 15) return {};
  if (!plus) {
    if (digits.size() == 10) digits = "1" + digits;                       // NANP without country code
    else if (digits.size() == 11 && digits[0] == '1') { /* NANP with it */ }
    else return "+" + digits;                                              // unknown country: keep as given
  }
  return "+" + digits;
}

std::string NormalizeEmail(std::string_view raw) {
  std::string s;
  for (char c : raw)
    if (!std::isspace(static_cast<unsigned char>(c))) s += Lower(c);
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos) return {};
  auto dot = s.rfind('.');
  if (dot == std::string::npos || dot < at + 2 || dot + 2 > s.size()) return {};
  if (s.size() > 254) return {};
  return s;
}

std::string NormalizeHandle(std::string_view raw) {
  std::string s;
  for (char c : raw) s += Lower(c);
  while (!s.empty() && s.front() == '@') s.erase(0, 1);
  if (s.size() < 2 || s.size() > 64) return {};
  for (char c : s)
    if (!(IsAlnum(c) || c == '_' || c == '.')) return {};
  return s;
}

std::string NormalizeName(std::string_view raw) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : raw) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) {
      cur += Lower(c);
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  std::sort(tokens.begin(), tokens.end());
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

FoundIdentifiers FindIdentifiers(std::string_view text) {
  FoundIdentifiers f;
  std::set<std::string> phones, emails, handles;
  const size_t n = text.size();
  // Phones: a run that starts with a digit, '+' or '(' and continues through
  // digits and common separators; the run must hold 7-15 digits.
  for (size_t i = 0; i < n;) {
    char c = text[i];
    if (IsDigit(c) || ((c == '+' || c == '(') && i + 1 < n && IsDigit(text[i + 1]))) {
      if (i > 0 && (IsAlnum(text[i - 1]) || text[i - 1] == '@' || text[i - 1] == '.')) {
        ++i;
        continue;
      }
      size_t j = i, digits = 0, seps = 0, last_digit = i;
      while (j < n) {
        char d = text[j];
        if (IsDigit(d)) {
          ++digits;
          seps = 0;
          last_digit = j;
        } else if ((d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' || (d == '+' && j == i)) && seps < 2) {
          ++seps;
        } else {
          break;
        }
        ++j;
      }
      // Digits glued to letters ("A1234567B") are ids or codes, not phone numbers.
      size_t after = last_digit + 1;
      bool glued = after < n && (std::isalpha(static_cast<unsigned char>(text[after])) || text[after] == '@');
      if (digits >= 7 && digits <= 15 && !glued) {
        auto p = NormalizePhone(text.substr(i, after - i));
        if (!p.empty()) phones.insert(p);
      }
      i = j + 1;
      continue;
    }
    ++i;
  }
  // E-mails and handles: tokens around '@'.
  for (size_t i = 0; i < n; ++i) {
    if (text[i] != '@') continue;
    size_t b = i, e = i + 1;
    while (b > 0 && (IsAlnum(text[b - 1]) || text[b - 1] == '.' || text[b - 1] == '_' || text[b - 1] == '-' ||
                     text[b - 1] == '+'))
      --b;
    while (e < n && (IsAlnum(text[e]) || text[e] == '.' || text[e] == '_' || text[e] == '-')) ++e;
    while (e > i + 1 && text[e - 1] == '.') --e;
    if (b < i) {
      auto m = NormalizeEmail(text.substr(b, e - b));
      if (!m.empty()) emails.insert(m);
    } else {
      auto h = NormalizeHandle(text.substr(i, e - i));
      if (!h.empty()) handles.insert(h);
    }
  }
  f.phones.assign(phones.begin(), phones.end());
  f.emails.assign(emails.begin(), emails.end());
  f.handles.assign(handles.begin(), handles.end());
  return f;
}

namespace {

bool ContainsAny(const std::string& lower, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (lower.find(w) != std::string::npos) return true;
  return false;
}

// "15 year old", "15yo", "age 15", "15 years old" with 15 < 18.
bool MentionsMinorAge(const std::string& lower) {
  for (size_t i = 0; i + 1 < lower.size(); ++i) {
    if (!IsDigit(lower[i]) || (i > 0 && IsDigit(lower[i - 1]))) continue;
    size_t j = i;
    int v = 0;
    while (j < lower.size() && IsDigit(lower[j]) && v < 1000) v = v * 10 + (lower[j++] - '0');
    if (v < 5 || v >= 18) continue;
    std::string_view rest(lower.data() + j, lower.size() - j);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '-')) rest.remove_prefix(1);
    if (rest.rfind("yo", 0) == 0 || rest.rfind("y/o", 0) == 0 || rest.rfind("year", 0) == 0 ||
        rest.rfind("yrs", 0) == 0)
      return true;
    if (i >= 4 && std::string_view(lower.data() + i - 4, 4) == "age ") return true;
  }
  return false;
}

}  // namespace

Triage TriageTip(const TipInput& tip) {
  Triage t;
  std::string lower;
  lower.reserve(tip.text.size());
  for (char c : tip.text) lower += Lower(c);
  bool danger = tip.immediate_danger ||
                ContainsAny(lower, {"locked in", "locked up", "held against", "can't leave", "cannot leave",
                                    "not allowed to leave", "gun", "knife", "beaten", "beating", "threatened to kill",
                                    "right now", "in danger", "kidnap", "help me"});
  bool minor = tip.minor_involved || MentionsMinorAge(lower) ||
               ContainsAny(lower, {"underage", "under age", "minor", "child", "children", "schoolgirl", "teenager"});
  for (const auto& p : tip.people)
    if (p.age && *p.age < 18) minor = true;
  bool medical = ContainsAny(lower, {"injur", "bleeding", "pregnan", "sick", "hospital", "overdose"});
  bool documents = ContainsAny(lower, {"passport", "took my documents", "took her documents", "id card"});
  bool debt = ContainsAny(lower, {"debt", "owe ", "owes "});
  if (danger) t.flags.push_back("immediate_danger");
  if (minor) t.flags.push_back("minor_involved");
  if (medical) t.flags.push_back("medical_need");
  if (documents) t.flags.push_back("documents_withheld");
  if (debt) t.flags.push_back("debt_bondage_indicator");
  t.urgency = danger ? "immediate" : (minor || medical) ? "high" : "standard";
  auto rank = [](const std::string& u) { return u == "immediate" ? 2 : u == "high" ? 1 : 0; };
  if (!tip.urgency.empty() && rank(tip.urgency) > rank(t.urgency)) t.urgency = tip.urgency;
  return t;
}

}  // namespace lodestar::cases
