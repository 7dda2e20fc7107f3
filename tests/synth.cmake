lodestar_add_test(NAME synth_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/synth_test.cc
  LIBS lodestar_synth lodestar_core nlohmann_json::nlohmann_json phonenumber::phonenumber LABELS unit)
