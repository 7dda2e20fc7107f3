lodestar_add_test(NAME ingest_job_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/ingest_job_test.cc
  LIBS lodestar_pipeline lodestar_store lodestar_extract lodestar_core LABELS unit)
