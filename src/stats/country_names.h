// One name per country, whatever spelling a data file uses.
//
// Tables from different sources spell countries differently ("UK", "United
// Kingdom", "CzechRep", "Czech Republic", "Cote D'Ivoire"). CountryKey folds a
// name (ASCII letters and digits only, lower case) and maps known variants to
// the fold of one canonical name, using data/countries/aliases.tsv (canonical
// names are those of the world map shapes). Two names denote the same country
// when their keys are equal. Names the table does not know keep their fold:
// they still match spellings that differ only in case, spacing or punctuation,
// and nothing is guessed beyond that.
#pragma once

#include <string>
#include <string_view>

namespace lodestar::stats {

// "Czech Republic" -> "czechia"; "Costa Rica" -> "costarica".
std::string CountryKey(std::string_view name);

// The alias file in use: $LODESTAR_DATA_DIR/countries/aliases.tsv, else the
// repository's data/ directory compiled in. Missing file = folding only.
std::string CountryAliasesPath();

}  // namespace lodestar::stats
