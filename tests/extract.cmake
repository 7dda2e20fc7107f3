lodestar_add_test(NAME extract_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_test.cc
  LIBS lodestar_extract nlohmann_json::nlohmann_json LABELS unit)
lodestar_add_test(NAME extract_shortcuts_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_shortcuts_test.cc
  LIBS lodestar_extract lodestar_extract_text phonenumber::phonenumber PkgConfig::HS PkgConfig::RE2 LABELS unit)
# The gazetteer the build converts (src/extract/CMakeLists.txt), for the place-index test.
target_compile_definitions(extract_shortcuts_test PRIVATE
  LODESTAR_GAZETTEER_BIN="${CMAKE_BINARY_DIR}/data/gazetteer.bin")
lodestar_add_test(NAME extract_lexicon_speed_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_lexicon_speed_test.cc
  LIBS lodestar_extract lodestar_extract_text nlohmann_json::nlohmann_json PkgConfig::HS PkgConfig::RE2 LABELS unit)
lodestar_add_test(NAME extract_normalize_fast_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_normalize_fast_test.cc
  LIBS lodestar_extract LABELS unit)
lodestar_add_test(NAME extract_places_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_places_test.cc
  LIBS lodestar_extract LABELS unit)
lodestar_add_test(NAME extract_prices_fast_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_prices_fast_test.cc
  LIBS lodestar_extract PkgConfig::RE2 LABELS unit)
lodestar_add_test(NAME extract_phones_fast_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_phones_fast_test.cc
  LIBS lodestar_extract LABELS unit)
lodestar_add_test(NAME extract_handles_fast_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_handles_fast_test.cc
  LIBS lodestar_extract PkgConfig::RE2 LABELS unit)
lodestar_add_test(NAME extract_number_words_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_number_words_test.cc
  LIBS lodestar_extract LABELS unit)
lodestar_add_test(NAME extract_web_fast_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_web_fast_test.cc
  LIBS lodestar_extract PkgConfig::RE2 LABELS unit)
