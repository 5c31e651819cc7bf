# Verbatim: set-up, build, run and test. `make run` and `make test` work on a fresh Debian machine;
# missing system packages are installed first (with sudo only when not root).

SWIFT        ?= swift
BIN          := .build/release/verbatim
APT_PACKAGES := libicu-dev libstemmer-dev pkg-config unicode-data chromium libxml2-utils
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all setup build release run test clean

all: run

## setup: install the system packages the build and tests need, when missing
setup:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: debug build
build: setup
	$(SWIFT) build

## release: optimised build of the `verbatim` command
release: setup
	$(SWIFT) build -c release --product verbatim

## run: code the bundled 2008 survey into ./verbatim-out
run: release
	$(BIN) run

## test: the whole test suite
test: setup
	$(SWIFT) test

clean:
	rm -rf .build verbatim-out

# Measuring and scaling out (none of these is part of `make test`).
BENCH_N ?= 100000
.PHONY: bench bench-vs-peer scale-curve test-spark

## bench: throughput of each stage and of the whole pipeline (package-benchmark; separate package in Benchmarks/)
bench: setup
	cd Benchmarks && $(SWIFT) package benchmark $(BENCH_ARGS)

## bench-vs-peer: Verbatim against ICU tokenising alone and a Python peer (BENCH_N=1000000 for national scale)
bench-vs-peer: setup
	scripts/bench-vs-peer -n $(BENCH_N) $(BENCH_ARGS)

## scale-curve: time and peak memory for 10k, 100k and 1M answers; 1 vs 2 threads byte-identical
scale-curve: setup
	scripts/scale-curve $(BENCH_ARGS)

## test-spark: Spark local[2] piping through `verbatim run - --out -`, then `verbatim merge` = one run
test-spark: setup
	scripts/test-spark $(BENCH_ARGS)
