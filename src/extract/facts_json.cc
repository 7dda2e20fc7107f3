// Facts <-> JSON. The writer is hand-rolled (it runs once per ingested ad);
// the reader uses simdjson (index builds and linking read every stored ad's facts).
#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/json_text.h"
#include "extract/extractor.h"

namespace lodestar::extract {
namespace {

using core::AppendJsonString;

void Num(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    // Same digits as "%lld", without printf's format parsing (most numbers written are integers).
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    out.append(buf, r.ptr);
  } else {
    // The same text as "%.6g" (the standard defines this overload by printf's %g in the C locale).
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
    out.append(buf, r.ptr);
  }
}

// Confidences are written with two decimals: the 101 possible texts are formatted once, by Num itself.
void Conf(std::string& out, float v) {
  static const auto* kTexts = [] {
    auto* t = new std::array<std::string, 101>();  // never destroyed: used until exit
    for (int k = 0; k <= 100; ++k) Num((*t)[k], k / 100.0);
    return t;
  }();
  const double x = std::round(v * 100.0) / 100.0;
  const double k = std::round(x * 100.0);
  if (k >= 0 && k <= 100 && k / 100.0 == x) {
    out += (*kTexts)[static_cast<size_t>(k)];
  } else {
    Num(out, x);
  }
}

void SpanFields(std::string& out, const Span& s) {
  out += "\"field\":";
  AppendJsonString(out, s.field);
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

// Readers of one fact object: a missing or mistyped field reads as its default,
// as facts written by an older extractor may lack newer fields.
class FactObject {
 public:
  explicit FactObject(simdjson::dom::object o) : o_(o) {}
  std::string Str(const char* key) const {
    std::string_view v;
    return o_[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
  }
  double Num(const char* key) const {
    double d;
    if (o_[key].get(d) == simdjson::SUCCESS) return d;
    int64_t i;
    return o_[key].get(i) == simdjson::SUCCESS ? static_cast<double>(i) : 0.0;
  }
  bool Bool(const char* key) const {
    bool b;
    return o_[key].get(b) == simdjson::SUCCESS && b;
  }
  Span ReadSpan() const {
    Span s;
    s.field = Str("field");
    simdjson::dom::array a;
    if (o_["span"].get(a) == simdjson::SUCCESS && a.size() == 2) {
      uint64_t b, e;
      if (a.at(0).get(b) == simdjson::SUCCESS && a.at(1).get(e) == simdjson::SUCCESS) {
        s.begin = static_cast<uint32_t>(b);
        s.end = static_cast<uint32_t>(e);
      }
    }
    return s;
  }

 private:
  simdjson::dom::object o_;
};

}  // namespace

std::string FactsToJson(const Facts& f) {
  std::string out;
  out.reserve(256 + 96 * (f.phones.size() + f.prices.size() + f.attributes.size() + f.indicators.size()));
  out += '{';
  Array(out, "phones", f.phones, [&](const PhoneFact& p) {
    out += "\"e164\":";
    AppendJsonString(out, p.e164);
    out += ",\"raw\":";
    AppendJsonString(out, p.raw);
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
    AppendJsonString(out, e.value);
    out += ',';
    SpanFields(out, e.span);
    out += ",\"obfuscated\":";
    out += e.obfuscated ? "true" : "false";
  });
  out += ',';
  Array(out, "urls", f.urls, [&](const UrlFact& u) {
    out += "\"value\":";
    AppendJsonString(out, u.value);
    out += ",\"domain\":";
    AppendJsonString(out, u.domain);
    out += ',';
    SpanFields(out, u.span);
  });
  out += ",\"domains\":[";
  for (size_t i = 0; i < f.domains.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, f.domains[i]);
  }
  out += "],";
  Array(out, "handles", f.handles, [&](const HandleFact& h) {
    out += "\"platform\":";
    AppendJsonString(out, h.platform);
    out += ",\"handle\":";
    AppendJsonString(out, h.handle);
    out += ',';
    SpanFields(out, h.span);
  });
  out += ',';
  Array(out, "payments", f.payments, [&](const PaymentFact& p) {
    out += "\"kind\":";
    AppendJsonString(out, p.kind);
    out += ",\"value\":";
    AppendJsonString(out, p.value);
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
    AppendJsonString(out, p.currency);
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
    AppendJsonString(out, l.name);
    out += ",\"admin1\":";
    AppendJsonString(out, l.admin1);
    out += ",\"country\":";
    AppendJsonString(out, l.country);
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
    AppendJsonString(out, a.kind);
    out += ",\"value\":";
    AppendJsonString(out, a.value);
    out += ',';
    SpanFields(out, a.span);
  });
  out += ',';
  Array(out, "indicators", f.indicators, [&](const IndicatorFact& i) {
    out += "\"id\":";
    AppendJsonString(out, i.id);
    out += ",\"category\":";
    AppendJsonString(out, i.category);
    out += ',';
    SpanFields(out, i.span);
    out += ",\"text\":";
    AppendJsonString(out, i.text);
  });
  out += '}';
  return out;
}

core::Result<Facts> FactsFromJson(std::string_view json) {
  // One parser per thread: index builds and linking parse millions of these in parallel.
  thread_local simdjson::dom::parser parser;
  Facts f;
  simdjson::dom::object root;
  if (auto err = parser.parse(json.data(), json.size()).get(root); err) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               std::string("facts JSON: ") + simdjson::error_message(err) + "; re-run extraction for this ad");
  }
  auto each = [&](const char* name, auto&& fn) {
    simdjson::dom::array a;
    if (root[name].get(a) != simdjson::SUCCESS) return;
    for (simdjson::dom::element x : a) fn(x);
  };
  auto each_object = [&](const char* name, auto&& fn) {
    each(name, [&](simdjson::dom::element x) {
      simdjson::dom::object o;
      if (x.get(o) == simdjson::SUCCESS) fn(FactObject(o));
    });
  };
  each_object("phones", [&](const FactObject& x) {
    PhoneFact p;
    p.e164 = x.Str("e164");
    p.raw = x.Str("raw");
    p.span = x.ReadSpan();
    p.obfuscated = x.Bool("obfuscated");
    p.confidence = static_cast<float>(x.Num("confidence"));
    f.phones.push_back(std::move(p));
  });
  each_object("emails", [&](const FactObject& x) {
    EmailFact e;
    e.value = x.Str("value");
    e.span = x.ReadSpan();
    e.obfuscated = x.Bool("obfuscated");
    f.emails.push_back(std::move(e));
  });
  each_object("urls", [&](const FactObject& x) {
    UrlFact u;
    u.value = x.Str("value");
    u.domain = x.Str("domain");
    u.span = x.ReadSpan();
    f.urls.push_back(std::move(u));
  });
  each("domains", [&](simdjson::dom::element x) {
    std::string_view v;
    if (x.get(v) == simdjson::SUCCESS) f.domains.emplace_back(v);
  });
  each_object("handles", [&](const FactObject& x) {
    HandleFact h;
    h.platform = x.Str("platform");
    h.handle = x.Str("handle");
    h.span = x.ReadSpan();
    f.handles.push_back(std::move(h));
  });
  each_object("payments", [&](const FactObject& x) {
    PaymentFact p;
    p.kind = x.Str("kind");
    p.value = x.Str("value");
    p.span = x.ReadSpan();
    f.payments.push_back(std::move(p));
  });
  each_object("ages", [&](const FactObject& x) {
    AgeFact a;
    a.value = static_cast<int>(x.Num("value"));
    a.span = x.ReadSpan();
    a.confidence = static_cast<float>(x.Num("confidence"));
    f.ages.push_back(std::move(a));
  });
  each_object("prices", [&](const FactObject& x) {
    PriceFact p;
    p.value = x.Num("value");
    p.currency = x.Str("currency");
    p.minutes = static_cast<int>(x.Num("minutes"));
    p.per_hour = x.Num("per_hour");
    p.span = x.ReadSpan();
    f.prices.push_back(std::move(p));
  });
  each_object("locations", [&](const FactObject& x) {
    LocationFact l;
    l.name = x.Str("name");
    l.admin1 = x.Str("admin1");
    l.country = x.Str("country");
    l.lat = x.Num("lat");
    l.lon = x.Num("lon");
    l.span = x.ReadSpan();
    l.confidence = static_cast<float>(x.Num("confidence"));
    f.locations.push_back(std::move(l));
  });
  each_object("attributes", [&](const FactObject& x) {
    AttributeFact a;
    a.kind = x.Str("kind");
    a.value = x.Str("value");
    a.span = x.ReadSpan();
    f.attributes.push_back(std::move(a));
  });
  each_object("indicators", [&](const FactObject& x) {
    IndicatorFact i;
    i.id = x.Str("id");
    i.category = x.Str("category");
    i.span = x.ReadSpan();
    i.text = x.Str("text");
    f.indicators.push_back(std::move(i));
  });
  return f;
}

}  // namespace lodestar::extract
