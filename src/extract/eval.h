// Extraction quality against the shared gold and silver data (docs/quality.md "## Extraction").
#pragma once

#include <string>

#include "core/status.h"

namespace lodestar::extract {

struct EvalOptions {
  std::string shared_data;  // ../shared/data
  std::string data_dir;     // lexicon dir ("" = default)
  std::string quality_md;   // docs/quality.md to update ("" = print only)
  uint64_t synthetic = 2000;  // generated obfuscated-phone ads
};

// Runs every evaluation and returns the markdown section (starting "## Extraction").
// When options.quality_md is set, replaces that section in the file (creating the file if absent).
core::Result<std::string> RunExtractionEval(const EvalOptions& options);

}  // namespace lodestar::extract
