// Structured legal screening: the Palermo Protocol (Art. 3) and the US TVPA.
//
// These are decision support for a trained human, never a label: the result
// says whether the recorded answers satisfy each definition, which elements
// are missing or unknown, and why. "inconclusive" is a first-class result
// whenever an element needed for a conclusion is marked unknown.
//
// Palermo (docs/domain.md §3.1): act + means + purpose; for a child (under 18)
// act + purpose suffice; the victim's consent is irrelevant once a means is
// shown (and is recorded, not used, otherwise).
// TVPA (§3.2): sex trafficking = commercial sex act induced by force, fraud or
// coercion, or by a person under 18; labour trafficking = recruitment,
// harbouring, transportation, provision or obtaining, by force, fraud or
// coercion, for involuntary servitude, peonage, debt bondage or slavery.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cases/model.h"

namespace lodestar::cases {

inline const std::vector<std::string> kPalermoActs = {"recruitment", "transportation", "transfer", "harbouring",
                                                      "receipt", "provision", "obtaining"};
inline const std::vector<std::string> kPalermoMeans = {
    "threat", "force", "coercion", "abduction", "fraud", "deception", "abuse_of_power", "abuse_of_vulnerability",
    "payments_to_controller"};
inline const std::vector<std::string> kPalermoPurposes = {
    "sexual_exploitation", "forced_labour", "slavery", "practices_similar_to_slavery", "servitude",
    "organ_removal", "forced_marriage", "forced_criminality", "forced_begging", "other_exploitation"};
inline const std::vector<std::string> kTvpaLabourPurposes = {"involuntary_servitude", "peonage", "debt_bondage",
                                                             "slavery"};

enum class ScreenResult { kMet, kNotMet, kInconclusive };
const char* ScreenResultName(ScreenResult r);

struct ScreeningOutcome {
  ScreenResult result = ScreenResult::kInconclusive;
  std::vector<std::string> explanation;  // one sentence per rule applied
};

struct ScreeningAssessment {
  ScreeningOutcome palermo;
  ScreeningOutcome tvpa_sex;
  ScreeningOutcome tvpa_labour;
  ScreenResult tvpa = ScreenResult::kInconclusive;  // met if either form is met
};

// `age` is the person's age if known (the input's own age overrides it).
ScreeningAssessment Assess(const ScreeningInput& in, std::optional<int> age);

// Checks every code against the vocabularies above; on error returns the
// offending field and reason.
struct FieldError {
  std::string field, reason;
};
std::optional<FieldError> ValidateScreening(const ScreeningInput& in);

}  // namespace lodestar::cases
