// Byte-level pre-checks that let the extractor skip an RE2 pass: each one is a necessary condition for its
// pattern to match anywhere in the normalised text, so skipping a pass it rules out cannot change the facts.
// Exposed for the differential test that holds them to that contract.
#pragma once

#include <string>
#include <string_view>

namespace lodestar::extract {

class ExtractorResources;

// Empty when every pre-check agrees with its pattern on `normalised` (text as the normaliser writes it); else
// the name of a pre-check that said "cannot match" although its pattern does match.
std::string PrecheckViolation(const ExtractorResources& res, std::string_view normalised);

// Empty when every windowed RE2 pass (windows.h), searched as the extractor searches it (e-mails and URLs through
// their two-step patterns, two_step_match.h), reports exactly the matches and groups its whole-text search with the
// exact pattern reports on `normalised`; else the name of the first pass that differs.
std::string WindowViolation(const ExtractorResources& res, std::string_view normalised);

// Whether the URL trigger fires: exactly where the pattern www\.|https?:|[a-z0-9]\.[a-z]{2,6}\b (ASCII \b) would
// match somewhere in `normalised`. The URL pass runs only then; computed here instead of in the Hyperscan scan,
// where the pattern cost more than the rest of the lexicon's triggers together.
bool UrlTriggerFires(std::string_view normalised);

}  // namespace lodestar::extract
