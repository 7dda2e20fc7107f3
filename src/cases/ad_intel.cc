#include "cases/ad_intel.h"

#include <filesystem>

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
    std::string digits_title, digits_body;
    (*store)->ForEachAd([&](const store::StoredAd& s) {
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
      return out.size() < 10000;  // bound the work for a very common identifier
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
