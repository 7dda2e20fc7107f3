// Versioned schema migrations for the case database. Each migration is
// written once; {ID}, {INT} and {REAL} are replaced per dialect. A migration
// never changes once released: fixes go into a new version.
#pragma once

#include "cases/sql.h"
#include "core/status.h"

namespace lodestar::cases {

inline constexpr int kSchemaVersion = 3;

// Brings the database to kSchemaVersion; returns the version it ends at.
// Refuses a database newer than this build (kIncompatible).
core::Result<int> Migrate(SqlConnection& conn);

}  // namespace lodestar::cases
