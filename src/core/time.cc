#include "core/time.h"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace lodestar::core {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  auto ymd = std::chrono::year_month_day{std::chrono::year(static_cast<int>(y)), std::chrono::month(m),
                                         std::chrono::day(d)};
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

namespace {
bool ReadInt(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}
bool ValidDate(int y, int m, int d) {
  if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  auto ymd = std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d);
  return ymd.ok();
}
}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  int y, m, d, hh = 0, mm = 0, ss = 0;
  // Integer epoch: seconds (10 digits) or milliseconds (13 digits).
  if (s.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t v = 0;
    if (s.size() > 15) return std::nullopt;
    std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.size() >= 13) v /= 1000;
    if (s.size() < 9) return std::nullopt;
    return v;
  }
  if (ReadInt(s, 0, 4, y) && s.size() >= 10 && s[4] == '-' && ReadInt(s, 5, 2, m) && s[7] == '-' &&
      ReadInt(s, 8, 2, d)) {
    if (!ValidDate(y, m, d)) return std::nullopt;
    size_t p = 10;
    int64_t offset = 0;
    if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
      if (!ReadInt(s, p + 1, 2, hh) || s.size() < p + 6 || s[p + 3] != ':' || !ReadInt(s, p + 4, 2, mm))
        return std::nullopt;
      p += 6;
      if (p < s.size() && s[p] == ':') {
        if (!ReadInt(s, p + 1, 2, ss)) return std::nullopt;
        p += 3;
      }
      if (p < s.size() && s[p] == '.') {
        ++p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      }
      if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
        int oh = 0, om = 0;
        if (!ReadInt(s, p + 1, 2, oh)) return std::nullopt;
        size_t q = p + 3;
        if (q < s.size() && s[q] == ':') ++q;
        ReadInt(s, q, 2, om);
        offset = (s[p] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        p = s.size();
      } else if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
        ++p;
      }
      if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    }
    if (p != s.size() && p != 10) return std::nullopt;
    return DaysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - offset;
  }
  // US style MM/DD/YYYY.
  if (s.size() == 10 && s[2] == '/' && s[5] == '/' && ReadInt(s, 0, 2, m) && ReadInt(s, 3, 2, d) &&
      ReadInt(s, 6, 4, y)) {
    if (!ValidDate(y, m, d)) return std::nullopt;
    return DaysFromCivil(y, m, d) * 86400;
  }
  return std::nullopt;
}

std::string FormatDate(int64_t t) {
  auto tp = std::chrono::sys_seconds(std::chrono::seconds(t));
  auto dp = std::chrono::floor<std::chrono::days>(tp);
  std::chrono::year_month_day ymd(dp);
  return fmt::format("{:04d}-{:02d}-{:02d}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
}

std::string FormatDateTime(int64_t t) {
  int64_t secs = ((t % 86400) + 86400) % 86400;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}Z", FormatDate(t), secs / 3600, (secs / 60) % 60, secs % 60);
}

}  // namespace lodestar::core
