// Small URL helpers shared by the CLI and the pipeline stages.
#pragma once

#include <string>
#include <string_view>

namespace lodestar::core {

// Host of a URL, lower-cased ("http://A.b.com:80/x" -> "a.b.com"); empty when
// the text has no "scheme://".
std::string UrlHost(std::string_view url);

}  // namespace lodestar::core
