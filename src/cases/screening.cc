#include "cases/screening.h"

#include <algorithm>

namespace lodestar::cases {

const char* ScreenResultName(ScreenResult r) {
  switch (r) {
    case ScreenResult::kMet: return "met";
    case ScreenResult::kNotMet: return "not_met";
    case ScreenResult::kInconclusive: return "inconclusive";
  }
  return "inconclusive";
}

namespace {

bool Any(const std::vector<std::string>& have, std::initializer_list<const char*> wanted) {
  for (const auto& h : have)
    for (const char* w : wanted)
      if (h == w) return true;
  return false;
}

// Three-valued element: present, absent, or unknown (absent but flagged unknown).
enum class Tri { kYes, kNo, kUnknown };
Tri Element(bool present, bool unknown) { return present ? Tri::kYes : (unknown ? Tri::kUnknown : Tri::kNo); }

ScreeningOutcome Palermo(const ScreeningInput& in, std::optional<int> age) {
  ScreeningOutcome o;
  Tri act = Element(!in.acts.empty(), in.act_unknown);
  Tri means = Element(!in.means.empty(), in.means_unknown);
  Tri purpose = Element(!in.purposes.empty(), in.purpose_unknown);
  auto name = [](Tri t) { return t == Tri::kYes ? "present" : t == Tri::kNo ? "absent" : "unknown"; };
  o.explanation.push_back(std::string("act ") + name(act) + ", means " + name(means) + ", purpose " + name(purpose));
  bool child = age && *age < 18;
  bool age_unknown = !age;
  if (act == Tri::kNo || purpose == Tri::kNo) {
    o.result = ScreenResult::kNotMet;
    o.explanation.push_back("an act and an exploitative purpose are required in every case (Art. 3(a))");
    return o;
  }
  if (act == Tri::kUnknown || purpose == Tri::kUnknown) {
    o.result = ScreenResult::kInconclusive;
    o.explanation.push_back("act or purpose not yet established");
    return o;
  }
  if (child) {
    o.result = ScreenResult::kMet;
    o.explanation.push_back("the person is under 18: act + purpose suffice, no means required (Art. 3(c), 3(d))");
    return o;
  }
  if (means == Tri::kYes) {
    o.result = ScreenResult::kMet;
    if (in.consent_given.value_or(false)) {
      o.explanation.push_back("consent was recorded but is irrelevant because a means was used (Art. 3(b))");
    } else {
      o.explanation.push_back("act + means + purpose are all present (Art. 3(a))");
    }
    return o;
  }
  if (means == Tri::kUnknown || age_unknown) {
    o.result = ScreenResult::kInconclusive;
    o.explanation.push_back(age_unknown && means == Tri::kNo
                                ? "no means shown and the age is unknown: met only if the person is a child"
                                : "means not yet established for an adult");
    return o;
  }
  o.result = ScreenResult::kNotMet;
  o.explanation.push_back("an adult with act and purpose but no means does not meet the definition (Art. 3(a))");
  if (in.consent_given.value_or(false)) o.explanation.push_back("consent was recorded and no means was shown");
  return o;
}

// TVPA's "force, fraud, or coercion", read from the Palermo means recorded.
bool ForceFraudCoercion(const ScreeningInput& in) {
  return Any(in.means, {"threat", "force", "coercion", "abduction", "fraud", "deception", "abuse_of_power"});
}

ScreeningOutcome TvpaSex(const ScreeningInput& in, std::optional<int> age) {
  ScreeningOutcome o;
  if (!in.commercial_sex_act) {
    o.result = ScreenResult::kNotMet;
    o.explanation.push_back("no commercial sex act recorded");
    return o;
  }
  if (age && *age < 18) {
    o.result = ScreenResult::kMet;
    o.explanation.push_back("commercial sex act by a person under 18: no force, fraud or coercion required");
    return o;
  }
  if (ForceFraudCoercion(in)) {
    o.result = ScreenResult::kMet;
    o.explanation.push_back("commercial sex act induced by force, fraud or coercion");
    return o;
  }
  o.result = (in.means_unknown || !age) ? ScreenResult::kInconclusive : ScreenResult::kNotMet;
  o.explanation.push_back(o.result == ScreenResult::kInconclusive
                              ? "commercial sex act recorded; force/fraud/coercion or age not yet established"
                              : "commercial sex act by an adult without force, fraud or coercion");
  return o;
}

ScreeningOutcome TvpaLabour(const ScreeningInput& in) {
  ScreeningOutcome o;
  bool act = Any(in.acts, {"recruitment", "harbouring", "transportation", "provision", "obtaining"});
  bool purpose = !in.labour_purposes.empty();
  bool ffc = ForceFraudCoercion(in);
  if (act && purpose && ffc) {
    o.result = ScreenResult::kMet;
    o.explanation.push_back("labour or services obtained by force, fraud or coercion for a TVPA purpose");
    return o;
  }
  if (!purpose && in.labour_purposes.empty() && !in.purpose_unknown) {
    o.result = ScreenResult::kNotMet;
    o.explanation.push_back("no involuntary servitude, peonage, debt bondage or slavery recorded");
    return o;
  }
  bool unknown = (!act && in.act_unknown) || (!ffc && in.means_unknown) || (!purpose && in.purpose_unknown);
  o.result = unknown ? ScreenResult::kInconclusive : ScreenResult::kNotMet;
  o.explanation.push_back(unknown ? "some TVPA labour elements not yet established"
                                  : "a TVPA labour element (act, force/fraud/coercion or purpose) is absent");
  return o;
}

}  // namespace

ScreeningAssessment Assess(const ScreeningInput& in, std::optional<int> age) {
  if (in.age) age = in.age;
  ScreeningAssessment a;
  a.palermo = Palermo(in, age);
  a.tvpa_sex = TvpaSex(in, age);
  a.tvpa_labour = TvpaLabour(in);
  if (a.tvpa_sex.result == ScreenResult::kMet || a.tvpa_labour.result == ScreenResult::kMet) {
    a.tvpa = ScreenResult::kMet;
  } else if (a.tvpa_sex.result == ScreenResult::kInconclusive || a.tvpa_labour.result == ScreenResult::kInconclusive) {
    a.tvpa = ScreenResult::kInconclusive;
  } else {
    a.tvpa = ScreenResult::kNotMet;
  }
  return a;
}

std::optional<FieldError> ValidateScreening(const ScreeningInput& in) {
  auto check = [](const std::vector<std::string>& v, const std::vector<std::string>& allowed,
                  const char* field) -> std::optional<FieldError> {
    for (const auto& x : v)
      if (!OneOf(x, allowed)) return FieldError{field, "unknown code; allowed: " + JoinList(allowed)};
    return std::nullopt;
  };
  if (auto e = check(in.acts, kPalermoActs, "acts")) return e;
  if (auto e = check(in.means, kPalermoMeans, "means")) return e;
  if (auto e = check(in.purposes, kPalermoPurposes, "purposes")) return e;
  if (auto e = check(in.labour_purposes, kTvpaLabourPurposes, "labour_purposes")) return e;
  if (in.age && (*in.age < 0 || *in.age > 120)) return FieldError{"age", "must be between 0 and 120"};
  for (const auto& code : in.indicators) {
    if (code.empty() || code.size() > 64 ||
        !std::all_of(code.begin(), code.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; })) {
      return FieldError{"indicators", "indicator codes are 1-64 letters, digits, '_' or '-'"};
    }
  }
  if (in.notes.size() > 20000) return FieldError{"notes", "longer than 20000 bytes"};
  return std::nullopt;
}

}  // namespace lodestar::cases
