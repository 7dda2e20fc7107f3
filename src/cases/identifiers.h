// Identifiers that link tips to each other and to ads: phones, e-mails,
// handles and names, normalised so that different spellings of the same
// identifier compare equal. Also finds them in free text and triages urgency.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cases/model.h"

namespace lodestar::cases {

// "+15035550147" from "(503) 555-0147" (10 digits: NANP assumed), "+44 20 ..."
// or "0044 20 ..."; "" when there are fewer than 7 or more than 15 digits.
std::string NormalizePhone(std::string_view raw);
// Lower-cased; "" unless it looks like local@domain.tld.
std::string NormalizeEmail(std::string_view raw);
// Lower-cased, leading '@' removed; "" unless 2-64 of [a-z0-9_.].
std::string NormalizeHandle(std::string_view raw);
// Lower-cased ASCII letters, runs of other characters folded to one space,
// tokens sorted (so "DOE, Jane" == "jane doe"). UTF-8 letters kept as-is.
std::string NormalizeName(std::string_view raw);

struct FoundIdentifiers {
  std::vector<std::string> phones, emails, handles;  // normalised, unique
};
// Phone numbers (7-15 digits with common separators), e-mail addresses and
// @handles written in free text.
FoundIdentifiers FindIdentifiers(std::string_view text);

struct Triage {
  std::string urgency;              // immediate | high | standard
  std::vector<std::string> flags;   // immediate_danger, minor_involved, medical_need, ...
};
// Rules (documented in docs/cases.md): the operator's flags and answers first,
// then keywords in the text. Never lowers an urgency the operator set.
Triage TriageTip(const TipInput& tip);

}  // namespace lodestar::cases
