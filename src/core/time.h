// Timestamps: parsing the date formats found in ad data into Unix seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lodestar::core {

// Accepts ISO 8601 ("2017-03-05", "2017-03-05T14:02:00", with "Z" or "+hh:mm"),
// "2017-03-05 14:02:00", "03/05/2017", and integer Unix seconds or milliseconds.
// Returns nullopt for anything else (the caller keeps the raw text).
std::optional<int64_t> ParseTimestamp(std::string_view text);

// "YYYY-MM-DD" of a Unix time (UTC).
std::string FormatDate(int64_t unix_seconds);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatDateTime(int64_t unix_seconds);

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace lodestar::core
