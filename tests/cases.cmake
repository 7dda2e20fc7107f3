# Case side (issue 6). Label `db`: every database test runs on SQLite and on
# PostgreSQL; the PostgreSQL URL comes from LODESTAR_TEST_PG (start a cluster
# with scripts/start-test-postgres.sh). Without it the PostgreSQL tests fail.
lodestar_add_test(NAME cases_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/cases_test.cc
  LIBS lodestar_server lodestar_cases lodestar_core nlohmann_json::nlohmann_json Threads::Threads LABELS db)
