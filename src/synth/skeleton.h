// Turning real ad texts into template skeletons (internal to lodestar_synth).
//
// Skeletonize() replaces the identifying or varying parts of a real title/body
// with {slot} markers: phone-like runs (including spelled-out, full-width,
// circled and keycap digits) -> {phone}, e-mails -> {email}, @handles and
// "snap:/kik:/ig:" handles -> {handle}, ages -> {age}, prices -> {pricenum},
// names after "I'm"/"my name is"/"ask for" and known first names -> {name},
// city names -> {city}; URLs are dropped. Returns nullopt when the result still
// carries a long digit run (likely an obfuscated number the scrubber missed),
// so no real contact detail leaks into synthetic ads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lodestar::synth::internal {

std::optional<std::string> Skeletonize(std::string_view text, bool is_title);

// Number of digit-like units (ASCII, full-width, circled, keycap digits and
// English digit words) in the longest phone-like run of `text`. Exposed for tests.
int LongestDigitRun(std::string_view text);

}  // namespace lodestar::synth::internal
