lodestar_add_test(NAME readers_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/readers_test.cc
  LIBS lodestar_ingest lodestar_io lodestar_core ZLIB::ZLIB nlohmann_json::nlohmann_json fmt::fmt LABELS unit)
