#include "cases/model.h"

#include <algorithm>

namespace lodestar::cases {

std::optional<Role> ParseRole(std::string_view s) {
  for (size_t i = 0; i < kRoles.size(); ++i)
    if (kRoles[i] == s) return static_cast<Role>(i);
  return std::nullopt;
}

const char* RoleName(Role r) { return kRoles.at(static_cast<size_t>(r)).c_str(); }

bool OneOf(std::string_view v, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

std::string JoinList(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

Actor Actor::LocalAdmin() {
  Actor a;
  a.user_id = 0;
  a.name = "cli";
  a.role = Role::kAdmin;
  return a;
}

}  // namespace lodestar::cases
