# Lodestar: two commands on a fresh Debian 12 machine: `make demo` and `make test`.
.PHONY: all deps build test demo bench fuzz clean

BUILD_DIR := build/release
BIN := $(BUILD_DIR)/bin/lodestar
DEMO_DIR ?= demo-output
FUZZ_SECONDS ?= 10

all: build

deps:
	@scripts/install-deps.sh
	@scripts/install-npm.sh

build: deps
	cmake --preset release
	cmake --build --preset release

# Database tests run against SQLite and a throwaway PostgreSQL 15 cluster on loopback.
test: build
	LODESTAR_TEST_PG="$$(scripts/start-test-postgres.sh)" ctest --preset release -j2
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

demo: build
	scripts/demo.sh $(BIN) $(DEMO_DIR)

bench: build
	bench/run.sh $(BIN)

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

clean:
	rm -rf build $(DEMO_DIR)
