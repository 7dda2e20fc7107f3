#include "extract/facts_codec.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace lodestar::extract {
namespace {

constexpr char kBinaryVersion = 0x01;
// Span field codes: the two fields every extractor reads, else the name follows.
enum : uint8_t { kFieldTitle = 0, kFieldBody = 1, kFieldNamed = 2 };

// Writes into `out` through a pointer: each write first makes room for its largest size (one compare), instead
// of std::string::push_back's bookkeeping per byte. Finish() trims `out` to what was written.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out), len_(out.size()) { out_.resize(len_ + 256); }
  void Finish() { out_.resize(len_); }
  [[gnu::always_inline]] void Varint(uint64_t v) {
    char* p = Room(10);
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    len_ = p - out_.data();
  }
  [[gnu::always_inline]] void Str(std::string_view s) {
    Varint(s.size());
    std::memcpy(Room(s.size()), s.data(), s.size());
    len_ += s.size();
  }
  template <typename T>
  [[gnu::always_inline]] void Bytes(T v) {
    std::memcpy(Room(sizeof v), &v, sizeof v);
    len_ += sizeof v;
  }
  void Int(int v) { Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(int64_t(v) >> 63)); }
  void SpanOf(const Span& s) {
    const std::string_view field = s.field;
    if (field == std::string_view("title")) {
      Bytes<uint8_t>(kFieldTitle);
    } else if (field == std::string_view("body")) {
      Bytes<uint8_t>(kFieldBody);
    } else {
      Bytes<uint8_t>(kFieldNamed);
      Str(s.field);
    }
    Varint(s.begin);
    Varint(s.end);
  }
  template <typename T, typename Fn>
  void List(const std::vector<T>& items, Fn&& item) {
    Varint(items.size());
    for (const T& x : items) item(x);
  }

 private:
  [[gnu::always_inline]] char* Room(size_t n) {
    if (out_.size() - len_ < n) [[unlikely]]
      Grow(n);
    return out_.data() + len_;
  }
  [[gnu::noinline]] void Grow(size_t n) { out_.resize(std::max(out_.size() * 2, len_ + n)); }
  std::string& out_;
  size_t len_;
};

// Reads what Writer wrote; every read checks bounds and sets ok() false on the first failure.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      const auto b = static_cast<uint8_t>(in_[pos_++]);
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail();
  }
  uint32_t U32() {
    const uint64_t v = Varint();
    return v > UINT32_MAX ? static_cast<uint32_t>(Fail()) : static_cast<uint32_t>(v);
  }
  int Int() {
    const uint64_t z = Varint();
    const int64_t v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    return v < INT32_MIN || v > INT32_MAX ? static_cast<int>(Fail()) : static_cast<int>(v);
  }
  std::string Str() {
    const uint64_t n = Varint();
    if (n > in_.size() - pos_) return Fail(), std::string();
    std::string s(in_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  template <typename T>
  T Bytes() {
    T v{};
    if (in_.size() - pos_ < sizeof v) return Fail(), v;
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  bool Bool() { return Bytes<uint8_t>() != 0; }
  Span SpanOf() {
    Span s;
    switch (Bytes<uint8_t>()) {
      case kFieldTitle: s.field = "title"; break;
      case kFieldBody: s.field = "body"; break;
      case kFieldNamed: s.field = Str(); break;
      default: Fail();
    }
    s.begin = U32();
    s.end = U32();
    return s;
  }
  // Reads a count, then that many items; a count larger than the bytes left cannot be honest.
  template <typename T, typename Fn>
  void List(std::vector<T>& items, Fn&& item) {
    const uint64_t n = Varint();
    if (n > in_.size() - pos_) return (void)Fail();
    items.resize(n);
    for (T& x : items) {
      if (!ok_) return;
      item(x);
    }
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

void EncodeFacts(const Facts& f, std::string& out) {
  Writer w(out);
  w.Bytes(kBinaryVersion);
  w.List(f.phones, [&](const PhoneFact& p) {
    w.Str(p.e164);
    w.Str(p.raw);
    w.SpanOf(p.span);
    w.Bytes<uint8_t>(p.obfuscated);
    w.Bytes(p.confidence);
  });
  w.List(f.emails, [&](const EmailFact& e) {
    w.Str(e.value);
    w.SpanOf(e.span);
    w.Bytes<uint8_t>(e.obfuscated);
  });
  w.List(f.urls, [&](const UrlFact& u) {
    w.Str(u.value);
    w.Str(u.domain);
    w.SpanOf(u.span);
  });
  w.List(f.domains, [&](const std::string& d) { w.Str(d); });
  w.List(f.handles, [&](const HandleFact& h) {
    w.Str(h.platform);
    w.Str(h.handle);
    w.SpanOf(h.span);
  });
  w.List(f.payments, [&](const PaymentFact& p) {
    w.Str(p.kind);
    w.Str(p.value);
    w.SpanOf(p.span);
  });
  w.List(f.ages, [&](const AgeFact& a) {
    w.Int(a.value);
    w.SpanOf(a.span);
    w.Bytes(a.confidence);
  });
  w.List(f.prices, [&](const PriceFact& p) {
    w.Bytes(p.value);
    w.Str(p.currency);
    w.Int(p.minutes);
    w.Bytes(p.per_hour);
    w.SpanOf(p.span);
  });
  w.List(f.locations, [&](const LocationFact& l) {
    w.Str(l.name);
    w.Str(l.admin1);
    w.Str(l.country);
    w.Bytes(l.lat);
    w.Bytes(l.lon);
    w.SpanOf(l.span);
    w.Bytes(l.confidence);
  });
  w.List(f.attributes, [&](const AttributeFact& a) {
    w.Str(a.kind);
    w.Str(a.value);
    w.SpanOf(a.span);
  });
  w.List(f.indicators, [&](const IndicatorFact& i) {
    w.Str(i.id);
    w.Str(i.category);
    w.SpanOf(i.span);
    w.Str(i.text);
  });
  w.Finish();
}

core::Result<Facts> DecodeStoredFacts(std::string_view bytes) {
  if (bytes.empty()) return Facts{};
  if (bytes.front() == '{') return FactsFromJson(bytes);
  Facts f;
  if (bytes.front() != kBinaryVersion)
    return core::Status::Error(core::StatusCode::kCorrupt,
                               "stored facts are in an unknown encoding (written by a newer lodestar?)");
  Reader r(bytes.substr(1));
  r.List(f.phones, [&](PhoneFact& p) {
    p.e164 = r.Str();
    p.raw = r.Str();
    p.span = r.SpanOf();
    p.obfuscated = r.Bool();
    p.confidence = r.Bytes<float>();
  });
  r.List(f.emails, [&](EmailFact& e) {
    e.value = r.Str();
    e.span = r.SpanOf();
    e.obfuscated = r.Bool();
  });
  r.List(f.urls, [&](UrlFact& u) {
    u.value = r.Str();
    u.domain = r.Str();
    u.span = r.SpanOf();
  });
  r.List(f.domains, [&](std::string& d) { d = r.Str(); });
  r.List(f.handles, [&](HandleFact& h) {
    h.platform = r.Str();
    h.handle = r.Str();
    h.span = r.SpanOf();
  });
  r.List(f.payments, [&](PaymentFact& p) {
    p.kind = r.Str();
    p.value = r.Str();
    p.span = r.SpanOf();
  });
  r.List(f.ages, [&](AgeFact& a) {
    a.value = r.Int();
    a.span = r.SpanOf();
    a.confidence = r.Bytes<float>();
  });
  r.List(f.prices, [&](PriceFact& p) {
    p.value = r.Bytes<double>();
    p.currency = r.Str();
    p.minutes = r.Int();
    p.per_hour = r.Bytes<double>();
    p.span = r.SpanOf();
  });
  r.List(f.locations, [&](LocationFact& l) {
    l.name = r.Str();
    l.admin1 = r.Str();
    l.country = r.Str();
    l.lat = r.Bytes<double>();
    l.lon = r.Bytes<double>();
    l.span = r.SpanOf();
    l.confidence = r.Bytes<float>();
  });
  r.List(f.attributes, [&](AttributeFact& a) {
    a.kind = r.Str();
    a.value = r.Str();
    a.span = r.SpanOf();
  });
  r.List(f.indicators, [&](IndicatorFact& i) {
    i.id = r.Str();
    i.category = r.Str();
    i.span = r.SpanOf();
    i.text = r.Str();
  });
  if (!r.ok() || !r.at_end())
    return core::Status::Error(core::StatusCode::kCorrupt, "stored facts are malformed (binary encoding cut short)");
  return f;
}

}  // namespace lodestar::extract
