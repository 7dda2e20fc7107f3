lodestar_add_test(NAME ingest_cli_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/ingest_cli_test.cc
  LIBS nlohmann_json::nlohmann_json LABELS integration)
