lodestar_add_test(NAME link_templates_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/link_templates_test.cc
  LIBS lodestar_link LABELS unit)
