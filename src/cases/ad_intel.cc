#include "cases/ad_intel.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "extract/extractor.h"
#include "extract/facts_codec.h"
#include "store/store.h"

namespace lodestar::cases {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsTokenChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }

// Whole-token occurrence: the characters around the match are not token characters.
bool ContainsToken(const std::string& hay, const std::string& needle) {
  for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
    bool left = pos == 0 || !IsTokenChar(hay[pos - 1]) || hay[pos - 1] == '@';
    size_t end = pos + needle.size();
    bool right = end >= hay.size() || !(std::isalnum(static_cast<unsigned char>(hay[end])) || hay[end] == '_');
    if (left && right) return true;
  }
  return false;
}

// The digits a phone is written with locally: "+15035550147" -> "5035550147".
// Lower-case words of normalised text: runs of ASCII letters/digits and non-ASCII bytes.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      w += static_cast<char>(std::tolower(u));
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

std::string NationalDigits(const std::string& e164) {
  std::string d;
  for (char c : e164)
    if (std::isdigit(static_cast<unsigned char>(c))) d += c;
  if (d.size() == 11 && d[0] == '1') return d.substr(1);
  if (d.size() > 10) return d.substr(d.size() - 10);
  return d;
}

class StoreAdIntelligence : public AdIntelligence {
 public:
  explicit StoreAdIntelligence(std::string dir) : dir_(std::move(dir)) {}

  std::vector<AdMatch> FindByIdentifiers(const std::vector<std::string>& phones,
                                         const std::vector<std::string>& emails,
                                         const std::vector<std::string>& handles) override {
    std::vector<AdMatch> out;
    if (phones.empty() && emails.empty() && handles.empty()) return out;
    auto store = store::Store::Open(dir_, store::Store::Mode::kRead);
    if (!store.ok()) return out;
    std::vector<std::pair<std::string, std::string>> national;
    for (const auto& p : phones) {
      auto d = NationalDigits(p);
      if (d.size() >= 7) national.emplace_back(p, d);
    }
    auto network = Networks();
    std::string digits_title, digits_body;
    (*store)->ForEachAd([&](const store::StoredAd& s) {
      size_t before = out.size();
      auto digits = [](const std::string& text, std::string& out) {
        out.clear();
        for (char c : text)
          if (std::isdigit(static_cast<unsigned char>(c))) out += c;
      };
      if (!national.empty()) {
        digits(s.ad.title, digits_title);
        digits(s.ad.body, digits_body);
        for (const auto& [e164, d] : national) {
          const char* where = digits_title.find(d) != std::string::npos  ? "title"
                              : digits_body.find(d) != std::string::npos ? "body"
                                                                         : nullptr;
          if (where) out.push_back({s.ad.display_id(), "phone", e164, std::string("phone digits in ad ") + where, "", 1.0});
        }
      }
      if (!emails.empty() || !handles.empty()) {
        std::string title = Lower(s.ad.title), body = Lower(s.ad.body);
        for (const auto& e : emails) {
          const char* where = ContainsToken(title, e) ? "title" : ContainsToken(body, e) ? "body" : nullptr;
          if (where) out.push_back({s.ad.display_id(), "email", e, std::string("e-mail in ad ") + where, "", 1.0});
        }
        for (const auto& h : handles) {
          const char* where = ContainsToken(title, h) ? "title" : ContainsToken(body, h) ? "body" : nullptr;
          // A handle is a weaker identifier than a phone: short handles collide with words.
          if (where) out.push_back({s.ad.display_id(), "handle", h, std::string("handle in ad ") + where, "",
                                    h.size() >= 6 ? 0.8 : 0.5});
        }
      }
      if (out.size() > before) {
        std::string n = network(s.ordinal);
        for (size_t i = before; i < out.size(); ++i) out[i].network_id = n;
      }
      return out.size() < 10000;  // bound the work for a very common identifier
    });
    return out;
  }

  // The networks of `lodestar link` (DIR/derived/link/networks.u32: per store
  // ordinal, the smallest ordinal of its network; see docs/linking.md), so a
  // case links to ad networks, not only to single ads. Absent before linking:
  // the returned function then answers "".
  std::function<std::string(uint64_t)> Networks() const {
    auto network_of = std::make_shared<std::vector<uint32_t>>();
    auto network_size = std::make_shared<std::vector<uint32_t>>();
    std::ifstream in(dir_ + "/derived/link/networks.u32", std::ios::binary);
    if (in) {
      in.seekg(0, std::ios::end);
      network_of->resize(static_cast<size_t>(in.tellg()) / 4);
      in.seekg(0);
      in.read(reinterpret_cast<char*>(network_of->data()), static_cast<std::streamsize>(network_of->size() * 4));
      if (!in) network_of->clear();
      network_size->assign(network_of->size(), 0);
      for (uint32_t n : *network_of)
        if (n < network_size->size()) ++(*network_size)[n];
    }
    return [network_of, network_size](uint64_t ordinal) -> std::string {
      if (ordinal >= network_of->size()) return "";
      uint32_t n = (*network_of)[ordinal];
      if (n >= network_size->size() || (*network_size)[n] < 2) return "";
      char id[16];
      std::snprintf(id, sizeof id, "N%07u", n);  // link::NetworkId
      return id;
    };
  }

  std::vector<std::pair<size_t, AdPerson>> FindByNames(const std::vector<std::string>& names) override {
    std::vector<std::pair<size_t, AdPerson>> out;
    // Ads fold look-alike letters and spacing tricks ("Nаtashа" with Cyrillic a,
    // "N a t a s h a"): compare in the extractor's normalised form.
    std::vector<std::vector<std::string>> name_tokens(names.size());
    std::unordered_map<std::string, std::vector<size_t>> by_token;
    for (size_t i = 0; i < names.size(); ++i) {
      for (auto& t : Words(extract::NormalizeForDisplay(names[i]))) {
        if (t.size() < 3) continue;
        name_tokens[i].push_back(t);
        by_token[t].push_back(i);
      }
    }
    if (by_token.empty()) return out;
    auto store = store::Store::Open(dir_, store::Store::Mode::kRead);
    if (!store.ok()) return out;
    auto network = Networks();
    (*store)->ForEachAd([&](const store::StoredAd& s) {
      std::map<size_t, std::pair<std::set<std::string>, const char*>> hits;  // name -> (tokens seen, where)
      auto scan = [&](const std::string& text, const char* where) {
        for (auto& w : Words(extract::NormalizeForDisplay(text))) {
          auto it = by_token.find(w);
          if (it == by_token.end()) continue;
          for (size_t i : it->second) {
            auto& h = hits[i];
            h.first.insert(w);
            if (!h.second) h.second = where;
          }
        }
      };
      scan(s.ad.title, "title");
      scan(s.ad.body, "body");
      if (hits.empty()) return true;
      std::optional<int> age;
      std::string place = s.ad.location;
      if (!s.facts.empty()) {
        if (auto facts = extract::DecodeStoredFacts(s.facts); facts.ok()) {
          if (!facts->ages.empty()) age = facts->ages.front().value;
          for (const auto& l : facts->locations) place += " " + l.name + " " + l.admin1;
        }
      }
      std::string net = network(s.ordinal);
      for (auto& [i, h] : hits) {
        AdPerson p;
        p.ad_id = s.ad.display_id();
        p.network_id = net;
        for (const auto& t : name_tokens[i])
          if (h.first.count(t)) p.name += (p.name.empty() ? "" : " ") + t;
        p.age = age;
        p.place = place;
        p.posted = s.ad.posted;
        p.evidence = std::string("name in ") + h.second;
        out.emplace_back(i, std::move(p));
      }
      return out.size() < 100000;  // bound the work for a very common name
    });
    return out;
  }

 private:
  std::string dir_;
};

}  // namespace

std::unique_ptr<AdIntelligence> OpenStoreAdIntelligence(const std::string& store_dir) {
  std::error_code ec;
  if (store_dir.empty() || !std::filesystem::is_directory(store_dir, ec)) return nullptr;
  auto probe = store::Store::Open(store_dir, store::Store::Mode::kRead);
  if (!probe.ok()) return nullptr;
  return std::make_unique<StoreAdIntelligence>(store_dir);
}

}  // namespace lodestar::cases
