lodestar_add_test(NAME store_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/store_test.cc
  LIBS lodestar_store lodestar_core LABELS unit)
