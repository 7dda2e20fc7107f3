# core: shared text helpers (JSON string escaping).
lodestar_add_test(NAME json_text_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/json_text_test.cc
  LIBS lodestar_core nlohmann_json::nlohmann_json LABELS unit)
