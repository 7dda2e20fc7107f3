// Fact extraction: turning one ad into typed, normalised facts, each citing the
// exact original bytes that support it.
//
// Contract:
//  - Every fact carries a Span into the ORIGINAL text of the ad field it came
//    from ("title" or "body"): byte offsets [begin, end) that always fall on
//    UTF-8 code point boundaries and satisfy begin <= end <= field size.
//  - Extraction never throws and never crashes on any input: invalid UTF-8 is
//    read as U+FFFD, and work per ad is linear in its length (candidate counts
//    are capped, see kMaxFactsPerKind).
//  - Commercial-sex vocabulary (services, venues) is reported as attributes,
//    never as trafficking indicators: selling sex is not by itself a sign of
//    trafficking (domain.md §4.9 MYTH-06). Indicators are weak signals for
//    human review, not findings (domain.md §5.6 C-DET).
//
// Threading: a FactExtractor holds per-thread scratch space (Hyperscan scratch,
// buffers reused between ads). Create one per thread; they share the compiled
// lexicon and gazetteer through a shared_ptr<const ExtractorResources>.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ad.h"
#include "core/status.h"

namespace lodestar::extract {

inline constexpr size_t kMaxFactsPerKind = 256;

struct Span {
  std::string field;  // "title" or "body"
  uint32_t begin = 0;
  uint32_t end = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

struct NormText;
// The span of `field`'s original text that normalised bytes [nb, ne) of `norm` came from (empty when the
// range is empty or out of bounds). For the extractor's own modules.
Span NormalisedSpan(const NormText& norm, const char* field, size_t nb, size_t ne);

struct PhoneFact {
  std::string e164;  // "+15037243016"
  std::string raw;   // original bytes of the span
  Span span;
  bool obfuscated = false;  // digits were spelled, look-alikes, or otherwise disguised
  float confidence = 0;
};

struct EmailFact {
  std::string value;  // "name@gmail.com", lower case
  Span span;
  bool obfuscated = false;  // written as "name at gmail dot com" or similar
};

struct UrlFact {
  std::string value;   // as written (normalised: lower case, look-alikes folded)
  std::string domain;  // host without "www."
  Span span;
};

// An account name. Never a phone number or a piece of one (digits and number words only, "twozerotwo"), and on
// WhatsApp, whose accounts are phone numbers, never anything with a digit: those are phone facts or nothing.
struct HandleFact {
  std::string platform;  // twitter, instagram, snapchat, telegram, whatsapp, kik, onlyfans, fansly, unknown
  std::string handle;    // without '@', lower case
  Span span;
};

struct PaymentFact {
  std::string kind;   // cashapp, venmo, bitcoin
  std::string value;  // "$tag", "@name", or the address (original case; checksum verified)
  Span span;
};

struct AgeFact {
  int value = 0;
  Span span;
  float confidence = 0;
};

struct PriceFact {
  double value = 0;
  std::string currency;  // USD, EUR, GBP, CAD, MXN, INR, or "rose" (slang for dollars)
  int minutes = 0;       // duration the price buys; 0 = not stated
  double per_hour = 0;   // value * 60 / minutes; 0 when minutes is 0
  Span span;
};

struct LocationFact {
  std::string name;     // place name as in the gazetteer
  std::string admin1;   // state / region code, e.g. "OR"
  std::string country;  // ISO 3166-1 alpha-2
  double lat = 0, lon = 0;
  Span span;
  float confidence = 0;
};

struct AttributeFact {
  std::string kind;   // height_cm, weight_kg, hair, eyes, ethnicity, nationality, venue, service
  std::string value;  // "163", "52", "blonde", "incall", ...
  Span span;
};

struct IndicatorFact {
  std::string id;        // lexicon entry id, e.g. "MOVE-NEW-IN-TOWN"
  std::string category;  // youth, third_party, movement, availability, restricted, ethnic_packaging, ...
  Span span;
  std::string text;  // original bytes of the span
};

struct Facts {
  std::vector<PhoneFact> phones;
  std::vector<EmailFact> emails;
  std::vector<UrlFact> urls;
  std::vector<std::string> domains;  // distinct, from URLs and bare domains
  std::vector<HandleFact> handles;
  std::vector<PaymentFact> payments;
  std::vector<AgeFact> ages;
  std::vector<PriceFact> prices;
  std::vector<LocationFact> locations;
  std::vector<AttributeFact> attributes;
  std::vector<IndicatorFact> indicators;
  void clear();
};

// Compiled, immutable, shareable state: lexicons (Hyperscan + RE2), the
// gazetteer and the phone library handle.
class ExtractorResources;

// Loads the lexicons from `data_dir` (empty = $LODESTAR_DATA_DIR, else the
// compiled-in source data directory) and the gazetteer from `gazetteer_path`
// (empty = $LODESTAR_GAZETTEER, else the build's copy; a missing gazetteer
// disables location extraction with no error). Errors name the file and line.
core::Result<std::shared_ptr<const ExtractorResources>> LoadResources(const std::string& data_dir = "",
                                                                      const std::string& gazetteer_path = "");

// Describes what was loaded, for --verbose output: "lexicon v3: 61 indicators, ...".
std::string DescribeResources(const ExtractorResources& res);

class FactExtractor {
 public:
  explicit FactExtractor(std::shared_ptr<const ExtractorResources> resources);
  ~FactExtractor();
  FactExtractor(const FactExtractor&) = delete;
  FactExtractor& operator=(const FactExtractor&) = delete;

  // Extracts from ad.title and ad.body. The default phone region comes from
  // ad.location (a US state or city, or a country), else "US".
  Facts Extract(const core::Ad& ad);
  // Same, into `out` (cleared first) so callers can reuse its capacity.
  void Extract(const core::Ad& ad, Facts& out);

  // Only phones (for the phone benchmark); same results as Extract(...).phones.
  void ExtractPhones(const core::Ad& ad, std::vector<PhoneFact>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON object of `lodestar extract` (without "id"): {"phones": [...], ...}.
// FactsFromJson(FactsToJson(f)) reproduces f (confidences rounded to 2 decimals).
std::string FactsToJson(const Facts& facts);
core::Result<Facts> FactsFromJson(std::string_view json);

// The normalised, de-obfuscated form of `text` (NFKC casefold, look-alikes
// folded, letter-spaced words joined), as the extractors see it. For the CLI's
// --normalised view and for tests.
std::string NormalizeForDisplay(std::string_view text);

}  // namespace lodestar::extract
