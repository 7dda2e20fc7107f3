#include "cases/request_json.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cases/identifiers.h"
#include "core/time.h"

namespace lodestar::cases {

using nlohmann::json;

namespace {

struct Reader {
  const json& obj;
  std::string prefix;
  std::optional<FieldError> err;

  std::string F(const char* name) const { return prefix + name; }
  void Fail(const std::string& field, std::string reason) {
    if (!err) err = FieldError{field, std::move(reason)};
  }
  const json* Get(const char* name) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
  }
  void Str(const char* name, std::string& out, size_t max, bool required = false) {
    const json* v = Get(name);
    if (!v) {
      if (required) Fail(F(name), "required");
      return;
    }
    if (!v->is_string()) return Fail(F(name), "must be a string");
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > max) return Fail(F(name), "longer than " + std::to_string(max) + " bytes");
    if (s.find('\0') != std::string::npos) return Fail(F(name), "contains a NUL character");
    if (required && std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
      return Fail(F(name), "must not be empty");
    out = s;
  }
  void Enum(const char* name, std::string& out, const std::vector<std::string>& allowed, bool required = false) {
    std::string v;
    bool had = Get(name) != nullptr;
    Str(name, v, 64, required);
    if (err || !had) return;
    if (!OneOf(v, allowed)) return Fail(F(name), "must be one of: " + JoinList(allowed));
    out = v;
  }
  void Bool(const char* name, bool& out) {
    const json* v = Get(name);
    if (!v) return;
    if (!v->is_boolean()) return Fail(F(name), "must be true or false");
    out = v->get<bool>();
  }
  void OptBool(const char* name, std::optional<bool>& out) {
    const json* v = Get(name);
    if (!v) return;
    if (!v->is_boolean()) return Fail(F(name), "must be true or false");
    out = v->get<bool>();
  }
  void Int(const char* name, std::optional<int>& out, int lo, int hi) {
    const json* v = Get(name);
    if (!v) return;
    if (!v->is_number_integer()) return Fail(F(name), "must be an integer");
    auto x = v->get<int64_t>();
    if (x < lo || x > hi) return Fail(F(name), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    out = static_cast<int>(x);
  }
  void Id(const char* name, int64_t& out, bool required) {
    const json* v = Get(name);
    if (!v) {
      if (required) Fail(F(name), "required");
      return;
    }
    if (!v->is_number_integer() || v->get<int64_t>() <= 0) return Fail(F(name), "must be a positive integer id");
    out = v->get<int64_t>();
  }
  void Double(const char* name, std::optional<double>& out, double lo, double hi) {
    const json* v = Get(name);
    if (!v) return;
    if (!v->is_number()) return Fail(F(name), "must be a number");
    double x = v->get<double>();
    if (!(x >= lo && x <= hi)) return Fail(F(name), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    out = x;
  }
  void StrList(const char* name, std::vector<std::string>& out, size_t max_len,
               const std::vector<std::string>* allowed = nullptr) {
    const json* v = Get(name);
    if (!v) return;
    if (!v->is_array()) return Fail(F(name), "must be an array of strings");
    if (v->size() > kMaxListItems) return Fail(F(name), "more than " + std::to_string(kMaxListItems) + " items");
    for (size_t i = 0; i < v->size(); ++i) {
      const auto& e = (*v)[i];
      std::string f = F(name) + "[" + std::to_string(i) + "]";
      if (!e.is_string()) return Fail(f, "must be a string");
      const auto& s = e.get_ref<const std::string&>();
      if (s.empty() || s.size() > max_len) return Fail(f, "must be 1-" + std::to_string(max_len) + " bytes");
      if (s.find('\0') != std::string::npos) return Fail(f, "contains a NUL character");
      if (allowed && !OneOf(s, *allowed)) return Fail(f, "must be one of: " + JoinList(*allowed));
      out.push_back(s);
    }
  }
  // Rejects fields this reader does not know: a typo must not silently drop data.
  void OnlyKnown(std::initializer_list<const char*> known) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool ok = false;
      for (const char* k : known)
        if (it.key() == k) ok = true;
      if (!ok) return Fail(prefix + it.key(), "unknown field");
    }
  }
};

std::optional<json> ParseObject(std::string_view body, FieldError& err) {
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    err = {"body", "not valid JSON (or not UTF-8)"};
    return std::nullopt;
  }
  if (!j.is_object()) {
    err = {"body", "must be a JSON object"};
    return std::nullopt;
  }
  return j;
}

bool IsCountryCode(const std::string& s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}

void ReadPerson(Reader& r, PersonInput& p) {
  r.OnlyKnown({"role", "name", "age", "gender", "citizenship", "notes"});
  r.Enum("role", p.role, kPersonRoles);
  r.Str("name", p.name, kMaxShortBytes);
  r.Int("age", p.age, 0, 120);
  r.Enum("gender", p.gender, kGenders);
  r.Str("citizenship", p.citizenship, 2);
  r.Str("notes", p.notes, kMaxTextBytes);
}

}  // namespace

bool IsLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    size_t end = tag.find('-', start);
    if (end == std::string_view::npos) end = tag.size();
    auto sub = tag.substr(start, end - start);
    if (sub.empty() || sub.size() > 8) return false;
    for (char c : sub)
      if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    if (first) {
      if (sub.size() < 2 || sub.size() > 3) return false;
      for (char c : sub)
        if (!std::isalpha(static_cast<unsigned char>(c))) return false;
      first = false;
    } else if (sub.size() < 2 && sub != "x" && !(sub.size() == 1 && std::isalpha(static_cast<unsigned char>(sub[0])))) {
      return false;
    }
    if (end == tag.size()) break;
    start = end + 1;
  }
  return true;
}

std::optional<FieldError> ValidatePerson(const PersonInput& p, const std::string& f) {
  if (!OneOf(p.role, kPersonRoles)) return FieldError{f + "role", "must be one of: " + JoinList(kPersonRoles)};
  if (!OneOf(p.gender, kGenders)) return FieldError{f + "gender", "must be one of: " + JoinList(kGenders)};
  if (p.age && (*p.age < 0 || *p.age > 120)) return FieldError{f + "age", "must be between 0 and 120"};
  if (!p.citizenship.empty() && !IsCountryCode(p.citizenship))
    return FieldError{f + "citizenship", "must be an ISO 3166-1 alpha-2 code such as \"NG\""};
  if (p.name.size() > kMaxShortBytes) return FieldError{f + "name", "longer than 200 bytes"};
  return std::nullopt;
}

std::optional<FieldError> ValidateTip(const TipInput& t) {
  if (!OneOf(t.channel, kChannels)) return FieldError{"channel", "must be one of: " + JoinList(kChannels)};
  if (!OneOf(t.reporter_type, kReporterTypes))
    return FieldError{"reporter_type", "must be one of: " + JoinList(kReporterTypes)};
  if (!t.language.empty() && !IsLanguageTag(t.language))
    return FieldError{"language", "must be a BCP 47 tag such as \"en\" or \"es-MX\" (or omit it to detect)"};
  if (t.text.empty() || t.text.size() > kMaxTextBytes)
    return FieldError{"text", "required, 1-" + std::to_string(kMaxTextBytes) + " bytes"};
  if (!t.urgency.empty() && !OneOf(t.urgency, kUrgencies))
    return FieldError{"urgency", "must be one of: " + JoinList(kUrgencies)};
  if (!t.location.country.empty() && !IsCountryCode(t.location.country))
    return FieldError{"location.country", "must be an ISO 3166-1 alpha-2 code such as \"US\""};
  if (!OneOf(t.contact.method, kContactMethods))
    return FieldError{"contact.method", "must be one of: " + JoinList(kContactMethods)};
  if (t.contact.allowed && t.contact.method == "none")
    return FieldError{"contact.method", "contact-back is allowed, so say how (phone, sms, email, chat, in_person)"};
  if (t.anonymous && (t.contact.allowed || !t.contact.value.empty()))
    return FieldError{"contact", "an anonymous tip cannot carry contact-back details"};
  if (t.anonymous && t.reporter_type != "anonymous" && t.reporter_type != "other") {
    // Allowed: an anonymous victim or professional; nothing to check.
  }
  for (size_t i = 0; i < t.phones.size(); ++i)
    if (NormalizePhone(t.phones[i]).empty())
      return FieldError{"phones[" + std::to_string(i) + "]", "not a phone number (7-15 digits)"};
  for (size_t i = 0; i < t.emails.size(); ++i)
    if (NormalizeEmail(t.emails[i]).empty())
      return FieldError{"emails[" + std::to_string(i) + "]", "not an e-mail address"};
  for (size_t i = 0; i < t.handles.size(); ++i)
    if (NormalizeHandle(t.handles[i]).empty())
      return FieldError{"handles[" + std::to_string(i) + "]", "handles are 2-64 of letters, digits, '_' or '.'"};
  for (size_t i = 0; i < t.names.size(); ++i)
    if (NormalizeName(t.names[i]).empty())
      return FieldError{"names[" + std::to_string(i) + "]", "must contain letters"};
  for (size_t i = 0; i < t.people.size(); ++i)
    if (auto e = ValidatePerson(t.people[i], "people[" + std::to_string(i) + "]."); e) return e;
  for (size_t i = 0; i < t.exploitation.size(); ++i)
    if (!OneOf(t.exploitation[i], kExploitationForms))
      return FieldError{"exploitation[" + std::to_string(i) + "]", "must be one of: " + JoinList(kExploitationForms)};
  return std::nullopt;
}

Parsed<TipInput> ParseTipJson(std::string_view body) {
  FieldError perr;
  auto j = ParseObject(body, perr);
  if (!j) return perr;
  TipInput t;
  Reader r{*j, "", std::nullopt};
  r.OnlyKnown({"channel", "reporter_type", "language", "text", "urgency", "immediate_danger", "minor_involved",
               "location", "contact", "anonymous", "phones", "emails", "handles", "names", "people", "exploitation",
               "external_ref"});
  r.Enum("channel", t.channel, kChannels, true);
  r.Enum("reporter_type", t.reporter_type, kReporterTypes);
  r.Str("language", t.language, 35);
  r.Str("text", t.text, kMaxTextBytes, true);
  r.Enum("urgency", t.urgency, kUrgencies);
  r.Bool("immediate_danger", t.immediate_danger);
  r.Bool("minor_involved", t.minor_involved);
  r.Bool("anonymous", t.anonymous);
  r.Str("external_ref", t.external_ref, 128);
  if (const json* loc = r.Get("location"); loc && !r.err) {
    if (loc->is_string()) {
      if (loc->get_ref<const std::string&>().size() > kMaxShortBytes) r.Fail("location", "longer than 200 bytes");
      else t.location.text = loc->get<std::string>();
    } else if (loc->is_object()) {
      Reader lr{*loc, "location.", std::nullopt};
      lr.OnlyKnown({"text", "country", "region", "lat", "lon"});
      lr.Str("text", t.location.text, kMaxShortBytes);
      lr.Str("country", t.location.country, 2);
      lr.Str("region", t.location.region, 64);
      lr.Double("lat", t.location.lat, -90, 90);
      lr.Double("lon", t.location.lon, -180, 180);
      if (lr.err) r.err = lr.err;
    } else {
      r.Fail("location", "must be a string or an object {text, country, region, lat, lon}");
    }
  }
  if (const json* c = r.Get("contact"); c && !r.err) {
    if (!c->is_object()) {
      r.Fail("contact", "must be an object {allowed, method, value, safe_times, safe_to_leave_message}");
    } else {
      Reader cr{*c, "contact.", std::nullopt};
      cr.OnlyKnown({"allowed", "method", "value", "safe_times", "safe_to_leave_message"});
      cr.Bool("allowed", t.contact.allowed);
      cr.Enum("method", t.contact.method, kContactMethods);
      cr.Str("value", t.contact.value, kMaxShortBytes);
      cr.Str("safe_times", t.contact.safe_times, kMaxShortBytes);
      cr.Bool("safe_to_leave_message", t.contact.safe_to_leave_message);
      if (cr.err) r.err = cr.err;
    }
  }
  r.StrList("phones", t.phones, kMaxShortBytes);
  r.StrList("emails", t.emails, kMaxShortBytes);
  r.StrList("handles", t.handles, kMaxShortBytes);
  r.StrList("names", t.names, kMaxShortBytes);
  r.StrList("exploitation", t.exploitation, 64, &kExploitationForms);
  if (const json* ppl = r.Get("people"); ppl && !r.err) {
    if (!ppl->is_array()) {
      r.Fail("people", "must be an array of objects");
    } else if (ppl->size() > kMaxListItems) {
      r.Fail("people", "more than 20 items");
    } else {
      for (size_t i = 0; i < ppl->size() && !r.err; ++i) {
        std::string f = "people[" + std::to_string(i) + "].";
        if (!(*ppl)[i].is_object()) {
          r.Fail("people[" + std::to_string(i) + "]", "must be an object");
          break;
        }
        Reader pr{(*ppl)[i], f, std::nullopt};
        PersonInput p;
        ReadPerson(pr, p);
        if (pr.err) r.err = pr.err;
        t.people.push_back(std::move(p));
      }
    }
  }
  if (r.err) return *r.err;
  if (auto e = ValidateTip(t)) return *e;
  return t;
}

std::optional<FieldError> ValidateDecision(const DecisionInput& d) {
  if (d.person_id <= 0) return FieldError{"person_id", "required: the id of a person in this case"};
  if (!OneOf(d.stage, kDecisionStages)) return FieldError{"stage", "must be one of: " + JoinList(kDecisionStages)};
  if (!OneOf(d.outcome, kDecisionOutcomes))
    return FieldError{"outcome", "must be one of: " + JoinList(kDecisionOutcomes)};
  if (d.stage == "referral" && d.outcome != "referred" && d.outcome != "withdrawn")
    return FieldError{"outcome", "a referral's outcome is \"referred\" (or \"withdrawn\")"};
  if (d.stage != "referral" && d.outcome == "referred")
    return FieldError{"outcome", "a grounds decision is \"positive\", \"negative\" or \"withdrawn\""};
  if (d.stage != "referral" && d.reasons.empty())
    return FieldError{"reasons", "a grounds decision must state its reasons"};
  return std::nullopt;
}

Parsed<DecisionInput> ParseDecisionJson(std::string_view body) {
  FieldError perr;
  auto j = ParseObject(body, perr);
  if (!j) return perr;
  DecisionInput d;
  Reader r{*j, "", std::nullopt};
  r.OnlyKnown({"person_id", "stage", "outcome", "decision_maker", "reasons", "services", "decided_at"});
  r.Id("person_id", d.person_id, true);
  r.Enum("stage", d.stage, kDecisionStages, true);
  r.Enum("outcome", d.outcome, kDecisionOutcomes, true);
  r.Str("decision_maker", d.decision_maker, kMaxShortBytes);
  r.Str("reasons", d.reasons, kMaxTextBytes);
  r.StrList("services", d.services, 64);
  std::string when;
  r.Str("decided_at", when, 40);
  if (!r.err && !when.empty()) {
    auto ts = core::ParseTimestamp(when);
    if (!ts) r.Fail("decided_at", "must be a date such as \"2024-05-01\" or \"2024-05-01T10:00:00Z\"");
    else d.decided_at = *ts;
  }
  if (r.err) return *r.err;
  if (auto e = ValidateDecision(d)) return *e;
  return d;
}

Parsed<ScreeningInput> ParseScreeningJson(std::string_view body) {
  FieldError perr;
  auto j = ParseObject(body, perr);
  if (!j) return perr;
  ScreeningInput s;
  Reader r{*j, "", std::nullopt};
  r.OnlyKnown({"person_id", "acts", "means", "purposes", "act_unknown", "means_unknown", "purpose_unknown",
               "consent_given", "age", "commercial_sex_act", "labour_purposes", "indicators", "notes"});
  r.Id("person_id", s.person_id, true);
  r.StrList("acts", s.acts, 64, &kPalermoActs);
  r.StrList("means", s.means, 64, &kPalermoMeans);
  r.StrList("purposes", s.purposes, 64, &kPalermoPurposes);
  r.StrList("labour_purposes", s.labour_purposes, 64, &kTvpaLabourPurposes);
  r.StrList("indicators", s.indicators, 64);
  r.Bool("act_unknown", s.act_unknown);
  r.Bool("means_unknown", s.means_unknown);
  r.Bool("purpose_unknown", s.purpose_unknown);
  r.OptBool("consent_given", s.consent_given);
  r.Int("age", s.age, 0, 120);
  r.Bool("commercial_sex_act", s.commercial_sex_act);
  r.Str("notes", s.notes, kMaxTextBytes);
  if (r.err) return *r.err;
  if (auto e = ValidateScreening(s)) return *e;
  return s;
}

Parsed<PersonInput> ParsePersonJson(std::string_view body) {
  FieldError perr;
  auto j = ParseObject(body, perr);
  if (!j) return perr;
  PersonInput p;
  Reader r{*j, "", std::nullopt};
  ReadPerson(r, p);
  if (r.err) return *r.err;
  if (auto e = ValidatePerson(p, "")) return *e;
  return p;
}

std::string EscapeJsonForHtml(std::string in) {
  // One memchr per character kept in hand (find_first_of would run a memchr over the set per byte);
  // most responses have none of the three and are returned as they came, without a copy.
  const char* const end = in.data() + in.size();
  auto next = [end](const char* from, char c) {
    const void* p = std::memchr(from, c, static_cast<size_t>(end - from));
    return p ? static_cast<const char*>(p) : end;
  };
  const char *lt = next(in.data(), '<'), *gt = next(in.data(), '>'), *amp = next(in.data(), '&');
  if (lt == end && gt == end && amp == end) return in;
  std::string out;
  out.reserve(in.size() + 64);
  const char* from = in.data();
  for (const char* p = std::min({lt, gt, amp}); p != end; p = std::min({lt, gt, amp})) {
    out.append(from, p);
    from = p + 1;
    if (p == lt) {
      out += "\\u003c";
      lt = next(from, '<');
    } else if (p == gt) {
      out += "\\u003e";
      gt = next(from, '>');
    } else {
      out += "\\u0026";
      amp = next(from, '&');
    }
  }
  out.append(from, end);
  return out;
}

std::string ErrorJson(const std::string& field, const std::string& reason) {
  json j = {{"error", reason}, {"field", field}};
  return EscapeJsonForHtml(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace lodestar::cases
