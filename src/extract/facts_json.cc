// Facts <-> JSON. The writer is hand-rolled (it runs once per ingested ad);
// the reader uses simdjson (index builds and linking read every stored ad's facts).
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/json_text.h"
#include "extract/extractor.h"

namespace lodestar::extract {
namespace {

// The facts writer's output buffer. It writes through a raw pointer after one capacity check per item (most
// of the writer's time went to std::string::append's bookkeeping, ~40 instructions per call, ~250 calls per ad).
class Out {
 public:
  explicit Out(size_t expected) { buf_.resize(expected); }
  // A pointer to room for `n` more bytes; the caller then calls Advance with what it wrote. The fast paths are
  // forced inline: as calls they cost more than the few bytes they copy.
  [[gnu::always_inline]] char* Room(size_t n) {
    if (n > buf_.size() - len_) [[unlikely]]
      Grow(n);
    return buf_.data() + len_;
  }
  [[gnu::always_inline]] void Advance(size_t n) { len_ += n; }
  [[gnu::always_inline]] void Raw(const char* s, size_t n) {
    std::memcpy(Room(n), s, n);
    len_ += n;
  }
  [[gnu::always_inline]] Out& operator+=(char c) {
    *Room(1) = c;
    ++len_;
    return *this;
  }
  Out& operator+=(const char* s) {
    Raw(s, std::strlen(s));
    return *this;
  }
  [[gnu::noinline]] void Grow(size_t n) { buf_.resize(std::max(buf_.size() * 2, len_ + n)); }
  std::string Take() {
    buf_.resize(len_);
    return std::move(buf_);
  }

 private:
  std::string buf_;
  size_t len_ = 0;
};

// Appends a string literal without strlen.
template <size_t N>
[[gnu::always_inline]] inline void Lit(Out& out, const char (&s)[N]) {
  out.Raw(s, N - 1);
}

// True when every byte of `s` is printable ASCII other than '"' and '\\', i.e. when the JSON escaping of `s`
// is `s` itself. Checks 8 bytes at a time; most fact strings (ids, digits, field names) pass.
bool NeedsNoEscape(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return ((v - kOnes) & ~v & kHigh) != 0; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if ((w & kHigh) || ((w - 0x20 * kOnes) & ~w & kHigh) || has_zero(w ^ (0x7F * kOnes)) ||
        has_zero(w ^ ('"' * kOnes)) || has_zero(w ^ ('\\' * kOnes)))
      return false;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') return false;
  }
  return true;
}

// The same bytes as core::AppendJsonString (the one escaping rule), with a fast path for strings that need none.
void AppendJsonString(Out& out, std::string_view s) {
  if (NeedsNoEscape(s)) {
    char* p = out.Room(s.size() + 2);
    p[0] = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    out.Advance(s.size() + 2);
    return;
  }
  thread_local std::string escaped;
  escaped.clear();
  core::AppendJsonString(escaped, s);
  out.Raw(escaped.data(), escaped.size());
}

void Bool(Out& out, bool b) {
  if (b) {
    Lit(out, "true");
  } else {
    Lit(out, "false");
  }
}

void Uint(Out& out, uint64_t v) {
  char* p = out.Room(24);
  out.Advance(std::to_chars(p, p + 24, v).ptr - p);
}

// Writes `v` into buf (32 bytes) and returns the length.
size_t NumText(char* buf, double v) {
  if (!std::isfinite(v)) v = 0;
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    // Same digits as "%lld", without printf's format parsing (most numbers written are integers).
    return std::to_chars(buf, buf + 32, static_cast<long long>(v)).ptr - buf;
  }
  // The same text as "%.6g" (the standard defines this overload by printf's %g in the C locale).
  return std::to_chars(buf, buf + 32, v, std::chars_format::general, 6).ptr - buf;
}

void Num(Out& out, double v) { out.Advance(NumText(out.Room(32), v)); }

// Confidences are written with two decimals: the 101 possible texts are formatted once, by NumText itself.
void Conf(Out& out, float v) {
  static const auto* kTexts = [] {
    auto* t = new std::array<std::string, 101>();  // never destroyed: used until exit
    char buf[32];
    for (int k = 0; k <= 100; ++k) (*t)[k].assign(buf, NumText(buf, k / 100.0));
    return t;
  }();
  const double x = std::round(v * 100.0) / 100.0;
  const double k = std::round(x * 100.0);
  if (k >= 0 && k <= 100 && k / 100.0 == x) {
    const std::string& text = (*kTexts)[static_cast<size_t>(k)];
    out.Raw(text.data(), text.size());
  } else {
    Num(out, x);
  }
}

void SpanFields(Out& out, const Span& s) {
  // Spans are almost always in the title or the body: those two prefixes are written in one piece.
  if (s.field == "body") {
    Lit(out, "\"field\":\"body\",\"span\":[");
  } else if (s.field == "title") {
    Lit(out, "\"field\":\"title\",\"span\":[");
  } else {
    Lit(out, "\"field\":");
    AppendJsonString(out, s.field);
    Lit(out, ",\"span\":[");
  }
  Uint(out, s.begin);
  out += ',';
  Uint(out, s.end);
  out += ']';
}

template <typename T, typename Fn>
void Array(Out& out, const char* name, const std::vector<T>& items, Fn&& fn) {
  out += '"';
  out += name;
  Lit(out, "\":[");
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
  Out out(256 + 96 * (f.phones.size() + f.prices.size() + f.attributes.size() + f.indicators.size()));
  out += '{';
  Array(out, "phones", f.phones, [&](const PhoneFact& p) {
    Lit(out, "\"e164\":");
    AppendJsonString(out, p.e164);
    Lit(out, ",\"raw\":");
    AppendJsonString(out, p.raw);
    out += ',';
    SpanFields(out, p.span);
    Lit(out, ",\"obfuscated\":");
    Bool(out, p.obfuscated);
    Lit(out, ",\"confidence\":");
    Conf(out, p.confidence);
  });
  out += ',';
  Array(out, "emails", f.emails, [&](const EmailFact& e) {
    Lit(out, "\"value\":");
    AppendJsonString(out, e.value);
    out += ',';
    SpanFields(out, e.span);
    Lit(out, ",\"obfuscated\":");
    Bool(out, e.obfuscated);
  });
  out += ',';
  Array(out, "urls", f.urls, [&](const UrlFact& u) {
    Lit(out, "\"value\":");
    AppendJsonString(out, u.value);
    Lit(out, ",\"domain\":");
    AppendJsonString(out, u.domain);
    out += ',';
    SpanFields(out, u.span);
  });
  Lit(out, ",\"domains\":[");
  for (size_t i = 0; i < f.domains.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, f.domains[i]);
  }
  Lit(out, "],");
  Array(out, "handles", f.handles, [&](const HandleFact& h) {
    Lit(out, "\"platform\":");
    AppendJsonString(out, h.platform);
    Lit(out, ",\"handle\":");
    AppendJsonString(out, h.handle);
    out += ',';
    SpanFields(out, h.span);
  });
  out += ',';
  Array(out, "payments", f.payments, [&](const PaymentFact& p) {
    Lit(out, "\"kind\":");
    AppendJsonString(out, p.kind);
    Lit(out, ",\"value\":");
    AppendJsonString(out, p.value);
    out += ',';
    SpanFields(out, p.span);
  });
  out += ',';
  Array(out, "ages", f.ages, [&](const AgeFact& a) {
    Lit(out, "\"value\":");
    Num(out, a.value);
    out += ',';
    SpanFields(out, a.span);
    Lit(out, ",\"confidence\":");
    Conf(out, a.confidence);
  });
  out += ',';
  Array(out, "prices", f.prices, [&](const PriceFact& p) {
    Lit(out, "\"value\":");
    Num(out, p.value);
    Lit(out, ",\"currency\":");
    AppendJsonString(out, p.currency);
    Lit(out, ",\"minutes\":");
    Num(out, p.minutes);
    Lit(out, ",\"per_hour\":");
    Num(out, p.per_hour);
    out += ',';
    SpanFields(out, p.span);
  });
  out += ',';
  Array(out, "locations", f.locations, [&](const LocationFact& l) {
    Lit(out, "\"name\":");
    AppendJsonString(out, l.name);
    Lit(out, ",\"admin1\":");
    AppendJsonString(out, l.admin1);
    Lit(out, ",\"country\":");
    AppendJsonString(out, l.country);
    Lit(out, ",\"lat\":");
    Num(out, l.lat);
    Lit(out, ",\"lon\":");
    Num(out, l.lon);
    out += ',';
    SpanFields(out, l.span);
    Lit(out, ",\"confidence\":");
    Conf(out, l.confidence);
  });
  out += ',';
  Array(out, "attributes", f.attributes, [&](const AttributeFact& a) {
    Lit(out, "\"kind\":");
    AppendJsonString(out, a.kind);
    Lit(out, ",\"value\":");
    AppendJsonString(out, a.value);
    out += ',';
    SpanFields(out, a.span);
  });
  out += ',';
  Array(out, "indicators", f.indicators, [&](const IndicatorFact& i) {
    Lit(out, "\"id\":");
    AppendJsonString(out, i.id);
    Lit(out, ",\"category\":");
    AppendJsonString(out, i.category);
    out += ',';
    SpanFields(out, i.span);
    Lit(out, ",\"text\":");
    AppendJsonString(out, i.text);
  });
  out += '}';
  return out.Take();
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
