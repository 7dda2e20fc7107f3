# HTTP API: search, analytics and measurement routes (issues 5 and 7) against a
# real `lodestar serve` on a synthetic store.
pkg_check_modules(API_TEST_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
lodestar_add_test(NAME api_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/api_test.cc
  LIBS PkgConfig::API_TEST_HTTPLIB nlohmann_json::nlohmann_json Threads::Threads LABELS integration)

# The search routes' admission gate (header-only).
lodestar_add_test(NAME fifo_gate_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fifo_gate_test.cc LIBS Threads::Threads)
target_include_directories(fifo_gate_test PRIVATE ${PROJECT_SOURCE_DIR}/src)
