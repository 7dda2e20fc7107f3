// Tip search: the free text of a tip (a phone in any format, a handle, an
// e-mail, a name and a city) -> the identifiers in it -> the ads that carry
// those identifiers -> the networks those ads belong to, ranked, with evidence.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "search/index.h"

namespace lodestar::search {

struct TipIdentifier {
  std::string kind;   // phone, email, handle, payment, city
  std::string value;  // normalised
  std::string raw;    // as written in the tip
  uint64_t ads = 0;   // ads carrying it
};

struct TipAd {
  Hit hit;                              // id, network, evidence (the identifiers it shares with the tip)
  std::vector<std::string> identifiers;  // "phone:+1503...", ...
};

struct TipNetwork {
  std::string id;  // N0000012, or "" for ads not linked
  uint64_t matched_ads = 0;
  double score = 0;
  std::vector<std::string> identifiers;  // tip identifiers found in the network
  std::vector<std::string> cities;       // cities of the matched ads
};

struct TipResult {
  std::vector<TipIdentifier> identifiers;
  std::vector<TipNetwork> networks;  // best first
  std::vector<TipAd> ads;            // best first, at most `limit`
  uint64_t total_ads = 0;
};

// Extracts identifiers with the fact extractor (lexicons from the default data
// directory). Identifiers (phone, e-mail, handle, payment) select ads; a city
// in the tip only raises the rank of ads in that city. Ads score 1 per distinct
// identifier (+0.25 for the city); networks add their ads' scores.
core::Result<TipResult> SearchTip(const Index& index, const std::string& tip_text, size_t limit);

}  // namespace lodestar::search
