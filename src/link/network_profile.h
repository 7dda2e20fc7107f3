// Network profiles and template summaries: what `lodestar networks` and
// `lodestar clusters` show about a group of linked ads.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "link/ad_features.h"

namespace lodestar::link {

// Members read per cluster to summarise its template.
inline constexpr size_t kTemplateSample = 12;

// Great-circle distance in km.
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

// Profile of one network: ads (by source id), identifiers, templates, sites,
// first/last seen, ages, price range, and the movement timeline (ordered city
// visits with dates, distances, total distance, inter-state moves flagged).
nlohmann::json BuildNetworkProfile(const std::string& id, const std::vector<uint32_t>& members,
                                   const std::vector<AdFeatures>& features, const std::vector<uint32_t>& cluster_of,
                                   const std::unordered_set<std::string>& hubs);

// Summary of one template cluster: the representative ad (most similar to the
// others), the shared text with varying slots marked, and which networks use it.
nlohmann::json BuildTemplateSummary(const std::string& id, const std::vector<uint32_t>& members,
                                    const std::vector<AdFeatures>& features,
                                    const std::unordered_map<uint32_t, std::string>& texts,
                                    const std::vector<uint32_t>& network_of);

}  // namespace lodestar::link
