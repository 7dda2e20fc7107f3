lodestar_add_test(NAME extract_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_test.cc
  LIBS lodestar_extract nlohmann_json::nlohmann_json LABELS unit)
lodestar_add_test(NAME extract_shortcuts_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extract_shortcuts_test.cc
  LIBS lodestar_extract phonenumber::phonenumber LABELS unit)
