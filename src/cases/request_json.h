// Parsing and validating the JSON bodies of the case API (and of the CLI's
// --json inputs). Strict by design: unknown fields, wrong types, values
// outside the vocabularies and oversized strings are rejected with the name
// of the field and the reason, so clients learn exactly what to fix.
// These functions never throw and never touch the database (fuzzed by
// fuzz/fuzz_tip_json.cc).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "cases/model.h"
#include "cases/screening.h"

namespace lodestar::cases {

inline constexpr size_t kMaxTextBytes = 20000;   // free text of a tip
inline constexpr size_t kMaxShortBytes = 200;    // names, phones, places ...
inline constexpr size_t kMaxListItems = 20;

template <typename T>
using Parsed = std::variant<T, FieldError>;

Parsed<TipInput> ParseTipJson(std::string_view body);
Parsed<DecisionInput> ParseDecisionJson(std::string_view body);
Parsed<ScreeningInput> ParseScreeningJson(std::string_view body);
Parsed<PersonInput> ParsePersonJson(std::string_view body);

// Validators shared with the CLI (which builds the structs from flags).
std::optional<FieldError> ValidateTip(const TipInput& tip);
std::optional<FieldError> ValidateDecision(const DecisionInput& d);
std::optional<FieldError> ValidatePerson(const PersonInput& p, const std::string& field_prefix);

// BCP 47 syntax (not registry membership): "en", "es-MX", "zh-Hant-TW", "und".
bool IsLanguageTag(std::string_view tag);

// {"error": REASON, "field": FIELD} with HTML-sensitive characters escaped.
std::string ErrorJson(const std::string& field, const std::string& reason);
// Serialises JSON text so that '<', '>' and '&' appear as \u003c, \u003e and
// \u0026: injected markup comes back inert even if a client renders it as HTML.
std::string EscapeJsonForHtml(std::string json);

}  // namespace lodestar::cases
