// Language identification for tips that arrive without a language tag,
// with Debian's CLD2 (libcld2). Returns a BCP 47 tag, or "und" (undetermined)
// when the text is too short or CLD2 is not reliable about it.
#pragma once

#include <string>
#include <string_view>

namespace lodestar::cases {

struct DetectedLanguage {
  std::string tag = "und";
  bool reliable = false;
};

DetectedLanguage DetectLanguage(std::string_view text);

}  // namespace lodestar::cases
