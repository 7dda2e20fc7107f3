// Facts <-> JSON. The writer is hand-rolled (it runs once per ingested ad);
// the reader uses nlohmann::json (it runs when a user asks to see an ad).
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "extract/extractor.h"

namespace lodestar::extract {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8Len(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t n = b0 < 0x80 ? 1 : (b0 >= 0xC2 && b0 <= 0xDF) ? 2 : (b0 >= 0xE0 && b0 <= 0xEF) ? 3 : (b0 >= 0xF0 && b0 <= 0xF4) ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  if (n == 3) {
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 >= 0xA0)) return 0;
  }
  if (n == 4) {
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 >= 0x90)) return 0;
  }
  return n;
}

// JSON string; invalid UTF-8 (possible in raw spans of unrepaired input) becomes U+FFFD.
void Str(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8Len(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void Num(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  out += buf;
}

void Conf(std::string& out, float v) { Num(out, std::round(v * 100.0) / 100.0); }

void SpanFields(std::string& out, const Span& s) {
  out += "\"field\":";
  Str(out, s.field);
  out += ",\"span\":[";
  out += std::to_string(s.begin);
  out += ',';
  out += std::to_string(s.end);
  out += ']';
}

template <typename T, typename Fn>
void Array(std::string& out, const char* name, const std::vector<T>& items, Fn&& fn) {
  out += '"';
  out += name;
  out += "\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '{';
    fn(items[i]);
    out += '}';
  }
  out += ']';
}

Span ReadSpan(const nlohmann::json& j) {
  Span s;
  s.field = j.value("field", "");
  if (j.contains("span") && j["span"].is_array() && j["span"].size() == 2) {
    s.begin = j["span"][0].get<uint32_t>();
    s.end = j["span"][1].get<uint32_t>();
  }
  return s;
}

}  // namespace

std::string FactsToJson(const Facts& f) {
  std::string out;
  out.reserve(256 + 96 * (f.phones.size() + f.prices.size() + f.attributes.size() + f.indicators.size()));
  out += '{';
  Array(out, "phones", f.phones, [&](const PhoneFact& p) {
    out += "\"e164\":";
    Str(out, p.e164);
    out += ",\"raw\":";
    Str(out, p.raw);
    out += ',';
    SpanFields(out, p.span);
    out += ",\"obfuscated\":";
    out += p.obfuscated ? "true" : "false";
    out += ",\"confidence\":";
    Conf(out, p.confidence);
  });
  out += ',';
  Array(out, "emails", f.emails, [&](const EmailFact& e) {
    out += "\"value\":";
    Str(out, e.value);
    out += ',';
    SpanFields(out, e.span);
    out += ",\"obfuscated\":";
    out += e.obfuscated ? "true" : "false";
  });
  out += ',';
  Array(out, "urls", f.urls, [&](const UrlFact& u) {
    out += "\"value\":";
    Str(out, u.value);
    out += ",\"domain\":";
    Str(out, u.domain);
    out += ',';
    SpanFields(out, u.span);
  });
  out += ",\"domains\":[";
  for (size_t i = 0; i < f.domains.size(); ++i) {
    if (i) out += ',';
    Str(out, f.domains[i]);
  }
  out += "],";
  Array(out, "handles", f.handles, [&](const HandleFact& h) {
    out += "\"platform\":";
    Str(out, h.platform);
    out += ",\"handle\":";
    Str(out, h.handle);
    out += ',';
    SpanFields(out, h.span);
  });
  out += ',';
  Array(out, "payments", f.payments, [&](const PaymentFact& p) {
    out += "\"kind\":";
    Str(out, p.kind);
    out += ",\"value\":";
    Str(out, p.value);
    out += ',';
    SpanFields(out, p.span);
  });
  out += ',';
  Array(out, "ages", f.ages, [&](const AgeFact& a) {
    out += "\"value\":";
    Num(out, a.value);
    out += ',';
    SpanFields(out, a.span);
    out += ",\"confidence\":";
    Conf(out, a.confidence);
  });
  out += ',';
  Array(out, "prices", f.prices, [&](const PriceFact& p) {
    out += "\"value\":";
    Num(out, p.value);
    out += ",\"currency\":";
    Str(out, p.currency);
    out += ",\"minutes\":";
    Num(out, p.minutes);
    out += ",\"per_hour\":";
    Num(out, p.per_hour);
    out += ',';
    SpanFields(out, p.span);
  });
  out += ',';
  Array(out, "locations", f.locations, [&](const LocationFact& l) {
    out += "\"name\":";
    Str(out, l.name);
    out += ",\"admin1\":";
    Str(out, l.admin1);
    out += ",\"country\":";
    Str(out, l.country);
    out += ",\"lat\":";
    Num(out, l.lat);
    out += ",\"lon\":";
    Num(out, l.lon);
    out += ',';
    SpanFields(out, l.span);
    out += ",\"confidence\":";
    Conf(out, l.confidence);
  });
  out += ',';
  Array(out, "attributes", f.attributes, [&](const AttributeFact& a) {
    out += "\"kind\":";
    Str(out, a.kind);
    out += ",\"value\":";
    Str(out, a.value);
    out += ',';
    SpanFields(out, a.span);
  });
  out += ',';
  Array(out, "indicators", f.indicators, [&](const IndicatorFact& i) {
    out += "\"id\":";
    Str(out, i.id);
    out += ",\"category\":";
    Str(out, i.category);
    out += ',';
    SpanFields(out, i.span);
    out += ",\"text\":";
    Str(out, i.text);
  });
  out += '}';
  return out;
}

core::Result<Facts> FactsFromJson(std::string_view json) {
  Facts f;
  try {
    const auto j = nlohmann::json::parse(json.begin(), json.end());
    if (!j.is_object()) {
      return core::Status::Error(core::StatusCode::kInvalidInput, "facts JSON: expected an object");
    }
    auto each = [&](const char* name, auto&& fn) {
      if (!j.contains(name)) return;
      for (const auto& x : j[name]) fn(x);
    };
    each("phones", [&](const nlohmann::json& x) {
      PhoneFact p;
      p.e164 = x.value("e164", "");
      p.raw = x.value("raw", "");
      p.span = ReadSpan(x);
      p.obfuscated = x.value("obfuscated", false);
      p.confidence = x.value("confidence", 0.0f);
      f.phones.push_back(std::move(p));
    });
    each("emails", [&](const nlohmann::json& x) {
      EmailFact e;
      e.value = x.value("value", "");
      e.span = ReadSpan(x);
      e.obfuscated = x.value("obfuscated", false);
      f.emails.push_back(std::move(e));
    });
    each("urls", [&](const nlohmann::json& x) {
      UrlFact u;
      u.value = x.value("value", "");
      u.domain = x.value("domain", "");
      u.span = ReadSpan(x);
      f.urls.push_back(std::move(u));
    });
    each("domains", [&](const nlohmann::json& x) { f.domains.push_back(x.get<std::string>()); });
    each("handles", [&](const nlohmann::json& x) {
      HandleFact h;
      h.platform = x.value("platform", "");
      h.handle = x.value("handle", "");
      h.span = ReadSpan(x);
      f.handles.push_back(std::move(h));
    });
    each("payments", [&](const nlohmann::json& x) {
      PaymentFact p;
      p.kind = x.value("kind", "");
      p.value = x.value("value", "");
      p.span = ReadSpan(x);
      f.payments.push_back(std::move(p));
    });
    each("ages", [&](const nlohmann::json& x) {
      AgeFact a;
      a.value = x.value("value", 0);
      a.span = ReadSpan(x);
      a.confidence = x.value("confidence", 0.0f);
      f.ages.push_back(std::move(a));
    });
    each("prices", [&](const nlohmann::json& x) {
      PriceFact p;
      p.value = x.value("value", 0.0);
      p.currency = x.value("currency", "");
      p.minutes = x.value("minutes", 0);
      p.per_hour = x.value("per_hour", 0.0);
      p.span = ReadSpan(x);
      f.prices.push_back(std::move(p));
    });
    each("locations", [&](const nlohmann::json& x) {
      LocationFact l;
      l.name = x.value("name", "");
      l.admin1 = x.value("admin1", "");
      l.country = x.value("country", "");
      l.lat = x.value("lat", 0.0);
      l.lon = x.value("lon", 0.0);
      l.span = ReadSpan(x);
      l.confidence = x.value("confidence", 0.0f);
      f.locations.push_back(std::move(l));
    });
    each("attributes", [&](const nlohmann::json& x) {
      AttributeFact a;
      a.kind = x.value("kind", "");
      a.value = x.value("value", "");
      a.span = ReadSpan(x);
      f.attributes.push_back(std::move(a));
    });
    each("indicators", [&](const nlohmann::json& x) {
      IndicatorFact i;
      i.id = x.value("id", "");
      i.category = x.value("category", "");
      i.span = ReadSpan(x);
      i.text = x.value("text", "");
      f.indicators.push_back(std::move(i));
    });
  } catch (const std::exception& e) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               std::string("facts JSON: ") + e.what() + "; re-run extraction for this ad");
  }
  return f;
}

}  // namespace lodestar::extract
