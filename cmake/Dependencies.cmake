# Every third-party library comes from a Debian package (see README "Dependencies").
find_package(Threads REQUIRED)
find_package(simdjson 3 CONFIG REQUIRED)          # simdjson::simdjson
find_package(nlohmann_json 3.11 CONFIG REQUIRED)  # nlohmann_json::nlohmann_json
find_package(fmt 9 CONFIG REQUIRED)               # fmt::fmt
find_package(CLI11 CONFIG REQUIRED)               # CLI11::CLI11
find_package(TBB CONFIG REQUIRED)                 # TBB::tbb
find_package(zstd CONFIG REQUIRED)                # zstd::libzstd_shared
find_package(ZLIB REQUIRED)                       # ZLIB::ZLIB
find_package(SQLite3 REQUIRED)                    # SQLite::SQLite3
find_package(ICU REQUIRED COMPONENTS uc i18n)     # ICU::uc ICU::i18n
find_package(Protobuf REQUIRED)                   # protobuf::libprotobuf (libphonenumber's messages)
find_package(absl CONFIG REQUIRED)                # headers needed by libphonenumber
find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)

# libphonenumber ships neither a CMake config nor a .pc file.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
find_library(PHONENUMBER_LIB phonenumber REQUIRED)
find_library(GEOCODING_LIB geocoding REQUIRED)
add_library(phonenumber::phonenumber INTERFACE IMPORTED)
target_include_directories(phonenumber::phonenumber INTERFACE ${PHONENUMBER_INCLUDE_DIR})
target_link_libraries(phonenumber::phonenumber INTERFACE
  ${GEOCODING_LIB} ${PHONENUMBER_LIB} protobuf::libprotobuf ICU::uc ICU::i18n)

if(LODESTAR_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(LODESTAR_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
