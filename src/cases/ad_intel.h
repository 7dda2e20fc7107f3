// Links from the case side to ad intelligence: which stored ads mention a
// phone, e-mail or handle that a tip or case holds.
//
// AdIntelligence is the narrow interface the ad side (networks, entity
// resolution) will implement later; StoreAdIntelligence is a simple version
// that scans the ad store now, so tip -> ads linking already works.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace lodestar::cases {

struct AdMatch {
  std::string ad_id;            // the ad's display id (source id or h:HASH)
  std::string identifier_kind;  // phone | email | handle
  std::string identifier;       // the normalised identifier that matched
  std::string evidence;         // where it matched ("title", "body") — no ad text
  std::string network_id;       // the ad network of `lodestar link` ("N0000042"); "" before linking or for a lone ad
  double score = 1.0;           // 1.0 = exact identifier match
};

// An ad as the missing-person matcher sees it: what the ad states, never its text.
struct AdPerson {
  std::string ad_id, network_id;
  std::string name;      // the ad's words that match the report's name tokens, in the report's order
  std::optional<int> age;  // the first age the ad states (extracted facts)
  std::string place;     // the ad's stated location and extracted places
  int64_t posted = 0;    // Unix seconds; 0 = unknown
  std::string evidence;  // "name in title", "name in body"
};

class AdIntelligence {
 public:
  virtual ~AdIntelligence() = default;
  // For each ad whose title or body holds, as a whole word, a token (3+
  // letters) of one of `names`: (index into names, the ad). Default: none.
  virtual std::vector<std::pair<size_t, AdPerson>> FindByNames(const std::vector<std::string>& names) {
    (void)names;
    return {};
  }
  // Phones in E.164 ("+15035550147"), e-mails and handles normalised as in
  // cases/identifiers.h. Returns every ad mentioning any of them.
  virtual std::vector<AdMatch> FindByIdentifiers(const std::vector<std::string>& phones_e164,
                                                 const std::vector<std::string>& emails,
                                                 const std::vector<std::string>& handles) = 0;
};

// Scans every ad of the store at DIR (opened read-only per call, so a running
// ingest is never blocked). Phones match on digits: the title+body with all
// non-digits stripped must contain the number's national digits (the last 10
// for NANP numbers, else all digits after the country code). E-mails and
// handles match case-insensitively as whole tokens.
// Returns nullptr (no linking) when DIR holds no ad store.
std::unique_ptr<AdIntelligence> OpenStoreAdIntelligence(const std::string& store_dir);

}  // namespace lodestar::cases
