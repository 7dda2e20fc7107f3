// Shared set-up of the extraction tests: the extractor resources (lexicon,
// gazetteer, compiled patterns), loaded once per test binary.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "extract/extractor.h"

namespace lodestar::extract::test {

// The default resources, or null (with a test failure) when they cannot be loaded.
inline std::shared_ptr<const ExtractorResources> SharedResources() {
  static auto res = [] {
    auto r = LoadResources();
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r.value() : nullptr;
  }();
  return res;
}

}  // namespace lodestar::extract::test
