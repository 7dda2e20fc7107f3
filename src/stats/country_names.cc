#include "stats/country_names.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <unordered_map>

namespace lodestar::stats {
namespace {

std::string Fold(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c + 32);
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// fold(alias) -> fold(canonical), loaded once.
const std::unordered_map<std::string, std::string>& Aliases() {
  static std::unordered_map<std::string, std::string> table;
  static std::once_flag once;
  std::call_once(once, [] {
    std::ifstream in(CountryAliasesPath());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      size_t tab = line.find('\t');
      if (tab == std::string::npos) continue;
      std::string canonical = Fold(Trim(std::string_view(line).substr(0, tab)));
      if (canonical.empty()) continue;
      std::string_view rest = std::string_view(line).substr(tab + 1);
      while (!rest.empty()) {
        size_t bar = rest.find('|');
        std::string alias = Fold(Trim(rest.substr(0, bar)));
        if (!alias.empty() && alias != canonical) table.emplace(alias, canonical);
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
    }
  });
  return table;
}

}  // namespace

std::string CountryAliasesPath() {
  if (const char* dir = std::getenv("LODESTAR_DATA_DIR"); dir && *dir) return std::string(dir) + "/countries/aliases.tsv";
  return std::string(LODESTAR_DATA_DIR) + "/countries/aliases.tsv";
}

std::string CountryKey(std::string_view name) {
  std::string key = Fold(name);
  const auto& aliases = Aliases();
  auto it = aliases.find(key);
  return it == aliases.end() ? key : it->second;
}

}  // namespace lodestar::stats
