lodestar_add_test(NAME link_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/link_test.cc
  LIBS lodestar_link nlohmann_json::nlohmann_json LABELS integration)
