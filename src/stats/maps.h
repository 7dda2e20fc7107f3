// Choropleth maps as SVG (and PNG through rsvg-convert when installed).
//
// Shapes come from npm packages installed at build time into web/node_modules
// (`us-atlas` v3, `world-atlas` v2); nothing is fetched at run time. We decode the
// TopoJSON ourselves: quantized, delta-encoded arcs plus a transform. US states
// use states-albers-10m.json, already projected to a 975x610 canvas; the world
// uses countries-110m.json in an equirectangular projection.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/status.h"
#include "stats/provenance.h"

namespace lodestar::stats {

struct ChoroplethSpec {
  std::string title;
  std::string value_label;              // legend caption ("hotline calls")
  std::map<std::string, double> values; // US: postal code ("CA"); world: ISO numeric ("840") or country name
  std::set<std::string> suppressed;     // keys drawn as "suppressed" rather than "no data"
  Provenance provenance;                // footer
};

struct MapResult {
  std::string svg;
  size_t matched = 0;                   // values drawn on a shape
  std::vector<std::string> unmatched;   // keys with no shape
};

// Directory holding node_modules: $LODESTAR_WEB_DIR, else the compiled-in source path.
std::string WebDir();

core::Result<MapResult> RenderUsStatesSvg(const ChoroplethSpec& spec);
core::Result<MapResult> RenderWorldSvg(const ChoroplethSpec& spec);

// Writes `svg` to `path`; if `path` ends in ".png", converts with rsvg-convert
// (Debian librsvg2-bin) and fails with a clear message when it is missing.
core::Status WriteMap(const std::string& svg, const std::string& path);

}  // namespace lodestar::stats
