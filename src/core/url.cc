#include "core/url.h"

#include <cctype>

namespace lodestar::core {

std::string UrlHost(std::string_view url) {
  auto start = url.find("://");
  if (start == std::string_view::npos) return "";
  start += 3;
  auto end = url.find_first_of("/?#:", start);
  std::string host(url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

}  // namespace lodestar::core
