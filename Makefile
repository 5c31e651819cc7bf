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
