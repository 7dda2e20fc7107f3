#include "stats/maps.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "stats/csv.h"
#include "stats/country_names.h"

#ifndef LODESTAR_WEB_DIR
#define LODESTAR_WEB_DIR "web"
#endif

namespace lodestar::stats {
namespace {

struct Point {
  double x, y;
};

// US postal code -> FIPS state code (the ids in us-atlas).
const std::map<std::string, std::string>& PostalToFips() {
  static const std::map<std::string, std::string> m = {
      {"AL", "01"}, {"AK", "02"}, {"AZ", "04"}, {"AR", "05"}, {"CA", "06"}, {"CO", "08"}, {"CT", "09"}, {"DE", "10"},
      {"DC", "11"}, {"FL", "12"}, {"GA", "13"}, {"HI", "15"}, {"ID", "16"}, {"IL", "17"}, {"IN", "18"}, {"IA", "19"},
      {"KS", "20"}, {"KY", "21"}, {"LA", "22"}, {"ME", "23"}, {"MD", "24"}, {"MA", "25"}, {"MI", "26"}, {"MN", "27"},
      {"MS", "28"}, {"MO", "29"}, {"MT", "30"}, {"NE", "31"}, {"NV", "32"}, {"NH", "33"}, {"NJ", "34"}, {"NM", "35"},
      {"NY", "36"}, {"NC", "37"}, {"ND", "38"}, {"OH", "39"}, {"OK", "40"}, {"OR", "41"}, {"PA", "42"}, {"RI", "44"},
      {"SC", "45"}, {"SD", "46"}, {"TN", "47"}, {"TX", "48"}, {"UT", "49"}, {"VT", "50"}, {"VA", "51"}, {"WA", "53"},
      {"WV", "54"}, {"WI", "55"}, {"WY", "56"}, {"PR", "72"}, {"AS", "60"}, {"GU", "66"}, {"MP", "69"}, {"VI", "78"}};
  return m;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string XmlEscape(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o.push_back(c);
    }
  }
  return o;
}

// Sequential 7-class yellow-orange-red scale (light = low).
const char* const kPalette[7] = {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"};

struct Topology {
  std::vector<std::vector<Point>> arcs;  // decoded to real coordinates
  nlohmann::json geometries;
};

core::Result<Topology> LoadTopology(const std::string& file, const std::string& object) {
  std::string path = WebDir() + "/node_modules/" + file;
  auto text = ReadWholeFile(path);
  if (!text.ok()) {
    return core::Status::Error(core::StatusCode::kNotFound,
                               fmt::format("{}: map shapes not found; run `npm install --prefix {}` (or set "
                                           "LODESTAR_WEB_DIR to the directory holding node_modules)",
                                           path, WebDir()));
  }
  nlohmann::json j = nlohmann::json::parse(text.value(), nullptr, false);
  if (j.is_discarded() || !j.contains("arcs") || !j.contains("objects") || !j["objects"].contains(object)) {
    return core::Status::Error(core::StatusCode::kCorrupt,
                               fmt::format("{}: not a TopoJSON topology with object '{}'; reinstall the npm package",
                                           path, object));
  }
  Topology topo;
  double sx = 1, sy = 1, tx = 0, ty = 0;
  bool quantized = j.contains("transform");
  if (quantized) {
    sx = j["transform"]["scale"][0];
    sy = j["transform"]["scale"][1];
    tx = j["transform"]["translate"][0];
    ty = j["transform"]["translate"][1];
  }
  for (auto& arc : j["arcs"]) {
    std::vector<Point> pts;
    double x = 0, y = 0;
    for (auto& p : arc) {
      double px = p[0].get<double>(), py = p[1].get<double>();
      if (quantized) {  // delta-encoded integer positions
        x += px;
        y += py;
        pts.push_back({x * sx + tx, y * sy + ty});
      } else {
        pts.push_back({px, py});
      }
    }
    topo.arcs.push_back(std::move(pts));
  }
  topo.geometries = j["objects"][object]["geometries"];
  return topo;
}

// SVG path data for one geometry; `project` maps topology coordinates to the canvas.
// `unwrap_lon`: for lon/lat shapes, keep each ring continuous across the antimeridian
// (Russia, Fiji) by shifting longitudes by 360 degrees; the overhang is clipped by the
// viewBox instead of drawing a streak across the whole map.
template <typename Project>
std::string GeometryPath(const Topology& topo, const nlohmann::json& geom, Project project, bool unwrap_lon = false) {
  std::string d;
  auto ring = [&](const nlohmann::json& arc_ids) {
    bool first = true;
    double prev_lon = 0;
    for (auto& id_json : arc_ids) {
      int id = id_json.get<int>();
      bool reversed = id < 0;
      size_t idx = static_cast<size_t>(reversed ? ~id : id);
      if (idx >= topo.arcs.size()) continue;
      const auto& arc = topo.arcs[idx];
      for (size_t n = 0; n < arc.size(); ++n) {
        Point p = arc[reversed ? arc.size() - 1 - n : n];
        if (!first && n == 0) continue;  // shared with the previous arc's last point
        if (unwrap_lon && !first) {
          while (p.x - prev_lon > 180) p.x -= 360;
          while (p.x - prev_lon < -180) p.x += 360;
        }
        prev_lon = p.x;
        Point q = project(p);
        d += fmt::format("{}{:.1f},{:.1f}", first ? "M" : "L", q.x, q.y);
        first = false;
      }
    }
    if (!first) d += "Z";
  };
  std::string type = geom.value("type", "");
  if (type == "Polygon") {
    for (auto& r : geom["arcs"]) ring(r);
  } else if (type == "MultiPolygon") {
    for (auto& poly : geom["arcs"])
      for (auto& r : poly) ring(r);
  }
  return d;
}

struct Scale {
  std::vector<double> breaks;  // class upper bounds (ascending), size <= 7
  int Class(double v) const {
    for (size_t i = 0; i < breaks.size(); ++i)
      if (v <= breaks[i]) return static_cast<int>(i);
    return static_cast<int>(breaks.size()) - 1;
  }
};

// Quantile classes: readable for skewed counts (one huge state would flatten equal intervals).
Scale MakeScale(std::vector<double> v) {
  Scale s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  for (int c = 1; c <= 7; ++c) {
    double b = v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(c * v.size() / 7.0)) - 1)];
    if (s.breaks.empty() || b > s.breaks.back()) s.breaks.push_back(b);
  }
  return s;
}

std::string Render(const ChoroplethSpec& spec, const Topology& topo, double map_w, double map_h,
                   const std::function<Point(Point)>& project,
                   const std::function<std::vector<std::string>(const nlohmann::json&)>& keys_of, MapResult& result,
                   bool unwrap_lon) {
  const double top = 70, bottom = 80, W = map_w, H = map_h + top + bottom;
  std::vector<double> vals;
  for (auto& [k, v] : spec.values)
    if (!spec.suppressed.count(k)) vals.push_back(v);
  Scale scale = MakeScale(vals);
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
      "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999999\" stroke-width=\"2\"/></pattern></defs>\n",
      W, H);
  out += fmt::format("<text x=\"16\" y=\"28\" font-size=\"20\" font-weight=\"bold\">{}</text>\n", XmlEscape(spec.title));
  out += fmt::format("<g transform=\"translate(0,{:.0f})\" stroke=\"#ffffff\" stroke-width=\"0.6\">\n", top);
  std::set<std::string> used;
  for (auto& geom : topo.geometries) {
    std::string fill = "#dddddd", label;
    std::string name = geom.contains("properties") ? geom["properties"].value("name", "") : "";
    for (auto& key : keys_of(geom)) {
      if (spec.suppressed.count(key)) {
        fill = "url(#hatch)";
        label = "suppressed";
        used.insert(key);
        break;
      }
      auto it = spec.values.find(key);
      if (it != spec.values.end()) {
        fill = kPalette[scale.Class(it->second) + (7 - static_cast<int>(scale.breaks.size()))];
        label = FormatNumber(it->second);
        used.insert(key);
        break;
      }
    }
    std::string d = GeometryPath(topo, geom, project, unwrap_lon);
    if (d.empty()) continue;
    out += fmt::format("<path d=\"{}\" fill=\"{}\"><title>{}: {}</title></path>\n", d, fill, XmlEscape(name),
                       label.empty() ? "no data" : label);
  }
  out += "</g>\n";
  for (auto& [k, v] : spec.values) {
    if (used.count(k)) ++result.matched;
    else result.unmatched.push_back(k);
  }
  for (auto& k : spec.suppressed)
    if (!spec.values.count(k) && !used.count(k)) result.unmatched.push_back(k);
  // Legend: one swatch per class with its range, then "suppressed" and "no data".
  double lx = 16, ly = 42;
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>\n", lx, ly + 10, XmlEscape(spec.value_label));
  lx += 8 + 7.0 * static_cast<double>(spec.value_label.size());
  double lo = vals.empty() ? 0 : *std::min_element(vals.begin(), vals.end());
  int offset = 7 - static_cast<int>(scale.breaks.size());
  for (size_t i = 0; i < scale.breaks.size(); ++i) {
    std::string range = fmt::format("{}-{}", FormatNumber(i == 0 ? lo : scale.breaks[i - 1]), FormatNumber(scale.breaks[i]));
    if (i > 0) range = fmt::format(">{}-{}", FormatNumber(scale.breaks[i - 1]), FormatNumber(scale.breaks[i]));
    out += fmt::format("<rect x=\"{:.0f}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\" stroke=\"#888\"/>"
                       "<text x=\"{:.0f}\" y=\"{}\" font-size=\"11\">{}</text>\n",
                       lx, ly, kPalette[offset + static_cast<int>(i)], lx + 18, ly + 11, range);
    lx += 26 + 6.5 * static_cast<double>(range.size());
  }
  out += fmt::format("<rect x=\"{:.0f}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"url(#hatch)\" stroke=\"#888\"/>"
                     "<text x=\"{:.0f}\" y=\"{}\" font-size=\"11\">suppressed</text>\n",
                     lx, ly, lx + 18, ly + 11);
  lx += 90;
  out += fmt::format("<rect x=\"{:.0f}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"#dddddd\" stroke=\"#888\"/>"
                     "<text x=\"{:.0f}\" y=\"{}\" font-size=\"11\">no data</text>\n",
                     lx, ly, lx + 18, ly + 11);
  // Provenance footer.
  const Provenance& p = spec.provenance;
  std::string line1 = "Source: " + (p.source.empty() ? p.dataset : p.source) + (p.version.empty() ? "" : " (" + p.version + ")");
  std::string line2 = "Data: " + p.dataset + (p.content_hash.empty() ? "" : " " + p.content_hash) +
                      (p.filters.empty() ? "" : "; " + p.filters) + "; generated " + p.generated_at + " by " + p.tool;
  std::string line3 = "Method: " + p.method;
  double fy = top + map_h + 18;
  const size_t max_chars = static_cast<size_t>(W / 5.6);  // ~5.6 px per character at 10 px
  int lines = 0;
  for (auto* l : {&line1, &line2, &line3}) {
    std::string rest = *l;
    while (!rest.empty() && lines < 5) {
      size_t cut = rest.size();
      if (cut > max_chars) {
        cut = rest.rfind(' ', max_chars);
        if (cut == std::string::npos || cut == 0) cut = max_chars;
      }
      out += fmt::format("<text x=\"16\" y=\"{:.0f}\" font-size=\"10\" fill=\"#444\">{}</text>\n", fy,
                         XmlEscape(rest.substr(0, cut)));
      rest = cut < rest.size() ? rest.substr(cut + (rest[cut] == ' ' ? 1 : 0)) : "";
      fy += 13;
      ++lines;
    }
  }
  out += "</svg>\n";
  return out;
}

}  // namespace

std::string WebDir() {
  if (const char* env = std::getenv("LODESTAR_WEB_DIR"); env && *env) return env;
  return LODESTAR_WEB_DIR;
}

core::Result<MapResult> RenderUsStatesSvg(const ChoroplethSpec& spec) {
  auto topo = LoadTopology("us-atlas/states-albers-10m.json", "states");
  if (!topo.ok()) return topo.status();
  std::map<std::string, std::string> fips_to_postal;
  for (auto& [postal, fips] : PostalToFips()) fips_to_postal[fips] = postal;
  MapResult result;
  auto keys_of = [&](const nlohmann::json& g) {
    std::vector<std::string> keys;
    std::string id = g.contains("id") && g["id"].is_string() ? g["id"].get<std::string>() : "";
    if (auto it = fips_to_postal.find(id); it != fips_to_postal.end()) keys.push_back(it->second);
    keys.push_back(id);
    return keys;
  };
  result.svg = Render(spec, topo.value(), 975, 610, [](Point p) { return p; }, keys_of, result, false);
  return result;
}

core::Result<MapResult> RenderWorldSvg(const ChoroplethSpec& spec) {
  auto topo = LoadTopology("world-atlas/countries-110m.json", "countries");
  if (!topo.ok()) return topo.status();
  MapResult result;
  // Data files spell countries their own way: match shapes and values by CountryKey
  // (data/countries/aliases.tsv), and report unmatched values by their own spelling.
  ChoroplethSpec by_key = spec;
  by_key.values.clear();
  by_key.suppressed.clear();
  std::map<std::string, std::string> spelled;  // key -> the data's spelling
  auto key_of = [&](const std::string& k) {
    bool numeric = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::string key = numeric ? k : CountryKey(k);
    spelled.emplace(key, k);
    return key;
  };
  for (const auto& [k, v] : spec.values) by_key.values[key_of(k)] = v;
  for (const auto& k : spec.suppressed) by_key.suppressed.insert(key_of(k));
  auto keys_of = [&](const nlohmann::json& g) {
    std::vector<std::string> keys;
    if (g.contains("id") && g["id"].is_string()) keys.push_back(g["id"].get<std::string>());
    if (g.contains("properties")) keys.push_back(CountryKey(g["properties"].value("name", "")));
    return keys;
  };
  const double w = 960, h = 480;  // equirectangular: 2:1
  auto project = [&](Point p) { return Point{(p.x + 180) / 360 * w, (90 - p.y) / 180 * h}; };
  result.svg = Render(by_key, topo.value(), w, h, project, keys_of, result, true);
  for (auto& u : result.unmatched) u = spelled[u];
  return result;
}

core::Status WriteMap(const std::string& svg, const std::string& path) {
  bool png = path.size() > 4 && Lower(path.substr(path.size() - 4)) == ".png";
  std::string svg_path = png ? path + ".svg" : path;
  {
    std::ofstream f(svg_path, std::ios::binary);
    f << svg;
    f.close();
    if (!f) {
      return core::Status::Error(core::StatusCode::kIoError,
                                 fmt::format("{}: cannot write the map; check the directory exists and is writable",
                                             svg_path));
    }
  }
  if (!png) return core::Status::Ok();
  pid_t pid = fork();
  if (pid == 0) {
    execlp("rsvg-convert", "rsvg-convert", "-f", "png", "-o", path.c_str(), svg_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    bool missing = pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127;
    return core::Status::Error(core::StatusCode::kIoError,
                               missing ? fmt::format("{}: PNG needs rsvg-convert (apt-get install librsvg2-bin); the "
                                                     "SVG was written to {}",
                                                     path, svg_path)
                                       : fmt::format("{}: rsvg-convert failed; the SVG is at {}", path, svg_path));
  }
  std::remove(svg_path.c_str());
  return core::Status::Ok();
}

}  // namespace lodestar::stats
