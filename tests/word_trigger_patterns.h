// The trigger patterns that WordTriggers stands for, shared by the tests that hold it to them
// (extract_shortcuts_test, extract_lexicon_speed_test). Needs Hyperscan's include path (lexicon.h).
#pragma once

#include <re2/re2.h>

#include <array>
#include <cstdint>
#include <memory>
#include <utility>

#include "extract/lexicon.h"

namespace lodestar::extract::test {

// The four Hyperscan trigger patterns that WordTriggers (lexicon.h) stands for, with their Trigger bits, as RE2 in
// Latin-1 mode reads them (ASCII \b; \s with \v, as Hyperscan reads it).
using TriggerPatterns = std::array<std::pair<uint32_t, std::unique_ptr<RE2>>, 4>;
inline TriggerPatterns WordTriggerPatterns() {
  const RE2::Options latin1(RE2::Latin1);
  return {{
      {kTrigAge, std::make_unique<RE2>("\\b(age|aged|edad|tengo|i'?m|i[\\t\\n\\v\\f\\r ]+am|i[\\t\\n\\v\\f\\r ]+m)\\b|"
                                       "(yrs?|years?|y/o|yo|y\\.o|anos?)\\b", latin1)},
      {kTrigMoney, std::make_unique<RE2>("\\$|\xC2\xA3|\xE2\x82\xAC|(usd|dollars?|roses?|rs|bucks|eur|euros?|gbp|"
                                         "donations?|rates?|gift|hr|hrs|hour|hourly|hrly|hh|qv|half)\\b", latin1)},
      {kTrigHeight, std::make_unique<RE2>("'|(ft|feet|foot|cm)\\b", latin1)},
      {kTrigWeight, std::make_unique<RE2>("#|(lbs?|pounds|kg)\\b", latin1)},
  }};
}

}  // namespace lodestar::extract::test
