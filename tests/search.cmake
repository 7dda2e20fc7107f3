lodestar_add_test(NAME search_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/search_test.cc
  LIBS lodestar_search lodestar_analytics nlohmann_json::nlohmann_json LABELS integration)
