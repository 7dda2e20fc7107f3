#include "synth/skeleton.h"

#include <cctype>
#include <cstring>
#include <vector>

#include "synth/tables.h"

namespace lodestar::synth::internal {
namespace {

bool IsAlnum(unsigned char c) { return std::isalnum(c) != 0; }
bool IsAlpha(unsigned char c) { return std::isalpha(c) != 0; }
char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool StartsWithNoCase(std::string_view s, size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Lower(s[pos + i]) != word[i]) return false;
  }
  return true;
}

// Length in bytes of a digit-like unit at `pos`, or 0. Word digits need word boundaries.
size_t DigitUnitAt(std::string_view s, size_t pos) {
  auto u = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  unsigned c = u(pos);
  if (c >= '0' && c <= '9') {
    // A keycap sequence (digit FE0F 20E3) counts as one unit.
    if (u(pos + 1) == 0xEF && u(pos + 2) == 0xB8 && u(pos + 3) == 0x8F && u(pos + 4) == 0xE2 && u(pos + 5) == 0x83 &&
        u(pos + 6) == 0xA3) {
      return 7;
    }
    if (u(pos + 1) == 0xE2 && u(pos + 2) == 0x83 && u(pos + 3) == 0xA3) return 4;
    return 1;
  }
  if (c == 0xEF && u(pos + 1) == 0xBC && u(pos + 2) >= 0x90 && u(pos + 2) <= 0x99) return 3;  // full-width
  if (c == 0xE2 && u(pos + 1) == 0x91 && u(pos + 2) >= 0xA0 && u(pos + 2) <= 0xA8) return 3;  // circled 1-9
  if (c == 0xE2 && u(pos + 1) == 0x93 && u(pos + 2) == 0xAA) return 3;                        // circled 0
  if (IsAlpha(static_cast<unsigned char>(c)) && (pos == 0 || !IsAlpha(u(pos - 1)))) {
    static const char* const kWords[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                         "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho",
                                         "nueve"};
    for (const char* w : kWords) {
      size_t n = std::strlen(w);
      // Digit words may be glued to digits ("five0three") but not to other letters.
      if (StartsWithNoCase(s, pos, w) && !IsAlpha(u(pos + n))) return n;
    }
  }
  return 0;
}

// Separator bytes allowed inside a phone-like run.
bool IsRunSeparator(unsigned char c) {
  return c == ' ' || c == '.' || c == '-' || c == '*' || c == '(' || c == ')' || c == '/' || c == '_' || c == '~' ||
         c == '|' || c == ',' || c == ':' || c == '+' || c == '#' || c == '\t' || c == '\n' || c == '\r' || c >= 0x80;
}

struct Run {
  size_t begin, end;
  int units;
};

std::vector<Run> DigitRuns(std::string_view s) {
  std::vector<Run> runs;
  size_t i = 0;
  Run cur{0, 0, 0};
  size_t gap = 0;
  while (i < s.size()) {
    size_t n = DigitUnitAt(s, i);
    if (n > 0) {
      if (cur.units == 0) cur.begin = i;
      cur.end = i + n;
      ++cur.units;
      gap = 0;
      i += n;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (cur.units > 0 && IsRunSeparator(c) && gap < 8) {
      ++gap;
      ++i;
      continue;
    }
    // 'O'/'o' for 0 and 'l'/'I' for 1 inside a run of digits.
    if (cur.units > 0 && (c == 'O' || c == 'o' || c == 'l' || c == 'I') &&
        (i + 1 >= s.size() || !IsAlpha(static_cast<unsigned char>(s[i + 1])) || DigitUnitAt(s, i + 1) > 0)) {
      cur.end = i + 1;
      ++cur.units;
      gap = 0;
      ++i;
      continue;
    }
    if (cur.units > 0) runs.push_back(cur);
    cur = Run{0, 0, 0};
    gap = 0;
    ++i;
  }
  if (cur.units > 0) runs.push_back(cur);
  return runs;
}

std::string ReplaceDigitRuns(std::string_view s, int min_units, std::string_view with) {
  std::string out;
  size_t last = 0;
  for (const Run& r : DigitRuns(s)) {
    if (r.units < min_units) continue;
    out.append(s.substr(last, r.begin - last));
    out.append(with);
    last = r.end;
  }
  out.append(s.substr(last));
  return out;
}

// Emails, @handles, "snap: x" handles and URLs, token by token (keeps original whitespace).
std::string ScrubContacts(std::string_view s) {
  std::string out;
  bool handle_next = false;
  size_t i = 0;
  while (i < s.size()) {
    size_t b = i;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    out.append(s.substr(b, i - b));
    b = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view tok = s.substr(b, i - b);
    if (tok.empty()) break;
    std::string lower(tok);
    for (char& c : lower) c = Lower(c);
    bool strong_label = !lower.empty() && lower.back() == ':';
    std::string_view bare(lower);
    while (!bare.empty() && (bare.back() == ':' || bare.back() == '-')) bare.remove_suffix(1);
    size_t at = tok.find('@');
    if (lower.find("http") != std::string::npos || lower.find("www.") != std::string::npos ||
        lower.find(".com") != std::string::npos || lower.find(".net") != std::string::npos) {
      if (at != std::string_view::npos && at > 0) {
        out.append("{email}");
      }
      // URLs are dropped entirely.
      handle_next = false;
      continue;
    }
    if (at != std::string_view::npos && at > 0 && tok.find('.', at) != std::string_view::npos) {
      out.append("{email}");
      handle_next = false;
      continue;
    }
    if (at != std::string_view::npos && at + 2 < tok.size()) {
      out.append(tok.substr(0, at));
      out.append("{handle}");
      handle_next = false;
      continue;
    }
    if (handle_next) {
      bool looks_handle = strong_label;
      for (char c : tok) looks_handle = looks_handle || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.';
      handle_next = false;
      if (looks_handle && tok.size() >= 3) {
        out.append("{handle}");
        continue;
      }
    }
    static const char* const kLabels[] = {"snap", "snapchat", "sc", "kik", "ig", "insta", "instagram", "telegram",
                                          "twitter", "whatsapp", "wickr", "line"};
    for (const char* l : kLabels) {
      if (bare == l) handle_next = true;
    }
    strong_label = strong_label && handle_next;
    if (strong_label) {
      out.append(tok);
      // A label with a colon is followed by a handle whatever it looks like.
      size_t j = i;
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      size_t k = j;
      while (k < s.size() && !std::isspace(static_cast<unsigned char>(s[k]))) ++k;
      if (k > j && DigitUnitAt(s, j) == 0) {
        out.append(s.substr(i, j - i));
        out.append("{handle}");
        i = k;
      }
      handle_next = false;
      continue;
    }
    out.append(tok);
  }
  return out;
}

bool IsWordBoundary(std::string_view s, size_t pos) { return pos >= s.size() || !IsAlnum(s[pos]); }

// Ages and prices: ASCII numbers judged by their neighbours.
std::string ScrubNumbers(std::string_view s, bool is_title) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])) || (i > 0 && IsAlnum(s[i - 1]))) {
      out.push_back(s[i++]);
      continue;
    }
    size_t b = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view num = s.substr(b, i - b);
    int value = num.size() <= 4 ? std::stoi(std::string(num)) : -1;
    size_t after = i;
    while (after < s.size() && s[after] == ' ') ++after;
    auto next_is = [&](std::string_view w) { return StartsWithNoCase(s, after, w) && IsWordBoundary(s, after + w.size()); };
    bool dollar_before = b > 0 && s[b - 1] == '$';
    bool price_after = (after < s.size() && s[after] == '$') || next_is("roses") || next_is("rose") || next_is("r") ||
                       next_is("hh") || next_is("hr") || next_is("hhr") || next_is("qv") || next_is("special") ||
                       next_is("donation") || StartsWithNoCase(s, after, "/hr") || StartsWithNoCase(s, after, "/hh");
    bool age_after = next_is("yo") || next_is("y/o") || next_is("yrs") || next_is("years") || next_is("year") ||
                     next_is("anos") || StartsWithNoCase(s, after, "años");
    bool age_before = false;
    {
      size_t p = b;
      while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == ':' || s[p - 1] == '-')) --p;
      age_before = p >= 3 && StartsWithNoCase(s, p - 3, "age") && (p == 3 || !IsAlpha(s[p - 4]));
    }
    bool title_suffix = false;
    if (is_title && i == s.size()) {
      size_t p = b;
      while (p > 0 && s[p - 1] == ' ') --p;
      title_suffix = p > 0 && s[p - 1] == '-';
    }
    if (value >= 18 && value <= 59 && num.size() == 2 && title_suffix) {
      // Backpage-style " - 23" title suffix: the generator adds its own.
      while (!out.empty() && (out.back() == ' ' || out.back() == '-')) out.pop_back();
      continue;
    }
    if (value >= 18 && value <= 59 && num.size() == 2 && (age_after || age_before)) {
      out.append("{age}");
    } else if (value >= 40 && value <= 2000 && (dollar_before || price_after)) {
      out.append("{pricenum}");
    } else {
      out.append(num);
    }
  }
  return out;
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    bool left_ok = pos == 0 || !IsAlnum(s[pos - 1]);
    bool right_ok = pos + from.size() >= s.size() || !IsAlnum(s[pos + from.size()]);
    if (left_ok && right_ok) {
      s.replace(pos, from.size(), to);
      pos += to.size();
    } else {
      pos += from.size();
    }
  }
  return s;
}

std::string ScrubNames(std::string s) {
  static const char* const kTriggers[] = {"i'm ", "im ", "i am ", "my name is ", "name is ", "call me ", "ask for ",
                                          "name: ", "it's ", "its ", "~"};
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    bool matched = false;
    if (i == 0 || !IsAlpha(s[i - 1])) {
      for (const char* t : kTriggers) {
        size_t n = std::strlen(t);
        if (!StartsWithNoCase(s, i, t)) continue;
        size_t w = i + n;
        if (w < s.size() && std::isupper(static_cast<unsigned char>(s[w]))) {
          // A capitalised word, possibly in alternating case ("MoNiCa"), but not an all-caps word.
          size_t e = w + 1;
          bool has_lower = false;
          for (; e < s.size() && IsAlpha(s[e]); ++e) {
            if (std::islower(static_cast<unsigned char>(s[e]))) has_lower = true;
          }
          if (e - w >= 3 && has_lower) {
            out.append(s, i, n);
            out.append("{name}");
            i = e;
            matched = true;
          }
        }
        break;
      }
    }
    if (!matched) out.push_back(s[i++]);
  }
  for (size_t k = 0; k < kNumNames; ++k) out = ReplaceAll(std::move(out), kNames[k], "{name}");
  return out;
}

std::string ScrubPlaces(std::string s) {
  static const char* const kLocal[] = {"Orange County", "Inland Empire", "Bay Area", "San Fernando Valley",
                                       "Long Beach", "Santa Monica", "Beverly Hills", "Anaheim", "Irvine",
                                       "Pasadena", "Hollywood", "Westside", "South Bay", "East Bay", "Santa Ana",
                                       "Ontario", "Bakersfield", "Stockton", "Modesto", "Palm Springs", "SoCal",
                                       "NorCal", "California", "Cali"};
  for (size_t k = 0; k < kNumCities; ++k) s = ReplaceAll(std::move(s), kCities[k].name, "{city}");
  for (const char* p : kLocal) s = ReplaceAll(std::move(s), p, "{city}");
  return s;
}

}  // namespace

int LongestDigitRun(std::string_view text) {
  int best = 0;
  for (const Run& r : DigitRuns(text)) best = std::max(best, r.units);
  return best;
}

std::optional<std::string> Skeletonize(std::string_view text, bool is_title) {
  std::string s(text);
  for (char& c : s) {
    if (c == '{') c = '(';
    if (c == '}') c = ')';
  }
  s = ScrubContacts(s);
  s = ReplaceDigitRuns(s, 7, "{phone}");
  s = ScrubNumbers(s, is_title);
  s = ScrubNames(std::move(s));
  s = ScrubPlaces(std::move(s));
  // Anything still phone-like outside the slots means the scrubber missed a number.
  std::string check = s;
  for (const char* slot : {"{phone}", "{age}", "{pricenum}", "{email}", "{handle}", "{name}", "{city}"}) {
    check = ReplaceAll(std::move(check), slot, " X ");
  }
  if (LongestDigitRun(check) >= 5) return std::nullopt;
  return s;
}

}  // namespace lodestar::synth::internal
