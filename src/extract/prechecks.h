// Byte-level pre-checks that let the extractor skip an RE2 pass: each one is a necessary condition for its
// pattern to match anywhere in the normalised text, so skipping a pass it rules out cannot change the facts.
// Exposed for the differential test that holds them to that contract.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/windows.h"

namespace lodestar::extract {

class ExtractorResources;

// Empty when every pre-check agrees with its pattern on `normalised` (text as the normaliser writes it); else
// the name of a pre-check that said "cannot match" although its pattern does match.
std::string PrecheckViolation(const ExtractorResources& res, std::string_view normalised);

// Empty when the URL windows (windows.h), which the URL scanner reads (handle_scan.h), hold every match and group the
// whole-text search of the URL pattern reports on `normalised`; else "url".
std::string WindowViolation(const ExtractorResources& res, std::string_view normalised);

// Whether the URL trigger fires: exactly where the pattern www\.|https?:|[a-z0-9]\.[a-z]{2,6}\b (ASCII \b) would
// match somewhere in `normalised`. The URL pass runs only then; computed here instead of in the Hyperscan scan,
// where the pattern cost more than the rest of the lexicon's triggers together.
bool UrlTriggerFires(std::string_view normalised);

// Match windows (windows.h) of the two cashapp patterns on `normalised`, appended to `out`: every match the
// whole-text search reports lies inside one of them, so ForEachMatchIn over them reports what that search does.
// The $tag pattern's: from 4 bytes before each '$' followed by a letter to 21 bytes after it.
void DollarTagWindows(std::string_view normalised, std::vector<Window>& out);
// The cashapp-word pattern's: from each "cash" followed by optional white space and "app" to the end of the run
// of bytes its matches are made of ([a-z0-9_:=@$-] and white space).
void CashAppWindows(std::string_view normalised, std::vector<Window>& out);

}  // namespace lodestar::extract
