lodestar_add_test(NAME stats_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/stats_test.cc LIBS lodestar_stats LABELS unit)
