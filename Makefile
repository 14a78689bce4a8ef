# Orrery: build, serve and test the web page (Rust → wasm via Trunk) and the simulator.
#
#   make serve   build and serve the page on http://127.0.0.1:8080 (rebuilds on change)
#   make test    every test layer: native, transcripts, browser (wasm), end-to-end
#   make dist    the release static site in dist/, and the single file dist/orrery-offline.html
#   make size    raw / gzip / brotli sizes of the files in dist/ (and of the offline file), and
#                the 300 KB budget line (ORRERY_SIZE_STRICT=1: fail when over the budget)
#   make cli     the `orrery` command line, in target/release/orrery
#   make bench   benchmarks and the performance budget table (BENCHMARKS.md; slow, not in make test)
#   make fuzz    every cargo-fuzz target for FUZZ_SECONDS each (FUZZING.md; nightly; not in make test)
#   make tools   install every tool the above need (fast when all are present)
#
# A fresh machine needs only rustup, cargo and node: each target installs what it is
# missing first (for `make dist`, the pinned nightly that builds the release wasm).
# Nothing downloads a prebuilt binary from outside the package registries (crates.io,
# npm, Debian apt, and rustup's own toolchains), and Trunk always runs --offline.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

TRUNK_VERSION := 0.21.14
# wasm-bindgen-cli must be exactly the wasm-bindgen that Cargo.lock resolved.
WASM_BINDGEN_VERSION := $(shell awk '$$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
# wasm-opt comes from npm (binaryen@132), trunk and wasm-bindgen from cargo install.
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_PACKAGES := chromium chromium-driver

# The release wasm (`make dist`) is built by this nightly, pinned by date, which compiles
# the standard library again for the page (-Zbuild-std) with the size settings only that
# allows: the standard library's smaller code paths (`optimize_for_size`: smaller sorts,
# number formatting and parsing; same results), no panic machinery at all (a panic is a
# trap, and src/main.rs shows the learner a notice when the wasm traps), and no
# file/line/column strings for panics. Everything else — native builds, tests, the CLI,
# the browser tests, `make serve` — stays on stable. BENCHMARKS.md, "Size, session 7".
NIGHTLY := nightly-2026-05-20
BUILD_STD := std,panic_abort
BUILD_STD_FEATURES := optimize_for_size
RELEASE_WASM_RUSTFLAGS := -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none
RELEASE_ENV := RUSTUP_TOOLCHAIN=$(NIGHTLY) CARGO_UNSTABLE_BUILD_STD=$(BUILD_STD) \
	CARGO_UNSTABLE_BUILD_STD_FEATURES=$(BUILD_STD_FEATURES) \
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$(RELEASE_WASM_RUSTFLAGS)"

# Everything the release build reads; dist/ is rebuilt only when one of them changes.
WEB_INPUTS := $(shell find src lessons style public crates .cargo -type f 2>/dev/null) \
	index.html Trunk.toml Cargo.toml Cargo.lock scripts/css-bundle.mjs
TRANSCRIPTS := $(wildcard lessons/*.txt tests/transcripts/*.txt)

.PHONY: help serve dist size cli bench fuzz fuzz-cmin tool-cargo-fuzz test test-native test-transcripts test-browser test-e2e test-size \
	tools tools-build tools-browser tool-wasm32 tool-nightly tool-trunk tool-wasm-bindgen tool-crates \
	tool-chromium clean

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

# ---------------------------------------------------------------------------- building

# A debug build with live reload. It builds into target/trunk-serve so that dist/ only
# ever holds the release build that the end-to-end tests check.
serve: tools-build
	trunk serve --offline --dist target/trunk-serve

dist: dist/index.html dist/orrery-offline.html

dist/index.html: $(WEB_INPUTS) Makefile node_modules/.package-lock.json | tools-build tool-nightly
	$(RELEASE_ENV) trunk build --release --offline
	@touch $@

# After Trunk: the Content-Security-Policy in dist/index.html, and the single offline
# file (scripts/offline.mjs). It rewrites dist/index.html before it writes the offline
# file, so the offline file stays the newer of the two.
dist/orrery-offline.html: dist/index.html scripts/offline.mjs
	node scripts/offline.mjs dist

size: dist
	@node scripts/size.mjs dist

cli: tool-crates
	cargo build --release -p orrery
	@echo "built target/release/orrery"

clean:
	cargo clean
	rm -rf dist tests/e2e/screenshots tests/e2e/test-results

# ---------------------------------------------------------------------------- testing

# Every layer runs even if an earlier one fails, so one CI run reports them all; the
# command fails if any of them did.
TEST_LAYERS := test-native test-transcripts test-browser test-e2e test-size
test:
	@failed=""; for layer in $(TEST_LAYERS); do $(MAKE) $$layer || failed="$$failed $$layer"; done; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed" >&2; exit 1; fi; \
	echo "make test: all layers passed ($(TEST_LAYERS))"

test-native: tool-crates
	@echo "== native: cargo test --workspace"
	cargo test --workspace

test-transcripts: tool-crates
	@echo "== transcripts: orrery check"
	@if [ -z "$(TRANSCRIPTS)" ]; then \
		echo "no transcripts found in lessons/ or tests/transcripts/" >&2; exit 1; fi
	cargo run -q -p orrery -- check $(TRANSCRIPTS)

# Without debug info the test module is 5 MB instead of 85 MB, and the runner takes
# seconds instead of half a minute; panics still name their file and line.
test-browser: tool-wasm32 tool-wasm-bindgen tool-crates tool-chromium
	@echo "== browser: wasm-bindgen-test in headless Chromium"
	CARGO_PROFILE_DEV_DEBUG=0 cargo test -p orrery-web --target wasm32-unknown-unknown --test browser

# The bundle's size against issue 7's budget: a report line, not yet a failure (the
# bundle is over budget; BENCHMARKS.md says why). Run with ORRERY_SIZE_STRICT=1 to fail.
# Until then the ceiling in scripts/size-ceiling.json holds what the bundle has reached:
# a bundle that grows past it fails here.
test-size: dist
	@echo "== size: the shipped bundle against its ceiling and its budget"
	@ORRERY_SIZE_CEILING_STRICT=1 node scripts/size.mjs dist | tail -2

test-e2e: dist node_modules/.package-lock.json tool-chromium
	@echo "== end-to-end: Playwright against the release build"
	node --test --test-reporter=spec tests/e2e/*.test.mjs

# ---------------------------------------------------------------------------- benchmarks

# The property test at scale: issue 7's 1,000 seeds × 200 steps, about 45 minutes on
# 2 cores; `make bench BENCH_SEEDS=200` is a quicker look (about 8 minutes).
BENCH_SEEDS ?= 1000
BENCH_STEPS ?= 200

# Every step runs even if an earlier one fails (the budget table is printed whatever
# happened); the command fails if any step did. A budget that is not met is reported in
# the table, not as a failure (ORRERY_BENCH_STRICT=1 makes it one).
bench: tool-crates tools-browser node_modules/.package-lock.json
	@failed=""; \
	echo "== simulator: cargo bench -p orrery --bench sim (criterion)"; \
	cargo bench -p orrery --bench sim || failed="$$failed cargo-bench"; \
	echo "== property test at scale: $(BENCH_SEEDS) seeds × $(BENCH_STEPS) steps"; \
	ORRERY_PROPTEST_SEEDS=$(BENCH_SEEDS) ORRERY_PROPTEST_STEPS=$(BENCH_STEPS) \
		cargo test --release -p orrery --test property || failed="$$failed property-test"; \
	$(MAKE) dist || failed="$$failed dist"; \
	echo "== page: scripts/bench.mjs (the release build in headless Chromium)"; \
	node scripts/bench.mjs || failed="$$failed bench.mjs"; \
	if [ -n "$$failed" ]; then echo "make bench: FAILED:$$failed" >&2; exit 1; fi

# ---------------------------------------------------------------------------- fuzzing

# FUZZING.md. Each target runs FUZZ_SECONDS (600 by default), one after another, niced;
# a crash or an input taking more than 10 s fails the command. `make fuzz-cmin` shrinks
# the committed corpus to the inputs that add coverage.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= manifest command_line session
fuzz: tool-cargo-fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

fuzz-cmin: tool-cargo-fuzz
	cd fuzz && for t in $(FUZZ_TARGETS); do cargo +nightly fuzz cmin -O -s none $$t corpus/$$t; done

tool-cargo-fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

# ---------------------------------------------------------------------------- tools

tools: tools-build tools-browser tool-nightly

tools-build: tool-wasm32 tool-trunk tool-wasm-bindgen tool-crates node_modules/.package-lock.json

tools-browser: tool-chromium node_modules/.package-lock.json

tool-wasm32:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown

tool-trunk:
	@[ "$$(trunk --version 2>/dev/null)" = "trunk $(TRUNK_VERSION)" ] \
		|| cargo install --locked trunk@$(TRUNK_VERSION)

# Deliberately without --locked: that is the known-good way to build this version here.
# The runner (wasm-bindgen-test-runner) comes from the same crate and must match too.
tool-wasm-bindgen:
	@[ -n "$(WASM_BINDGEN_VERSION)" ] || { echo "no wasm-bindgen in Cargo.lock" >&2; exit 1; }
	@[ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] \
		&& [ "$$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $(WASM_BINDGEN_VERSION)" ] \
		|| cargo install wasm-bindgen-cli@$(WASM_BINDGEN_VERSION)

# Trunk runs cargo --offline, so the crates must be downloaded beforehand.
tool-crates:
	@cargo fetch --quiet

# The release build's nightly with the standard library's source, and the crates the
# standard library depends on (for Trunk's --offline build). No wasm32 target for it:
# -Zbuild-std compiles the standard library from rust-src instead of using rustup's.
# About 20 s on a fresh machine (BENCHMARKS.md); a check of two lists when present.
tool-nightly:
	@rustup component list --toolchain $(NIGHTLY) --installed 2>/dev/null | grep -q '^rust-src' \
		|| rustup toolchain install $(NIGHTLY) --profile minimal --component rust-src
	@RUSTUP_TOOLCHAIN=$(NIGHTLY) cargo fetch --quiet -Zbuild-std=$(BUILD_STD) --target wasm32-unknown-unknown

# playwright-core and wasm-opt (binaryen), exactly as package-lock.json pins them.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Chromium and its matching chromedriver come from apt; the package lists are
# refreshed only if installing without refreshing fails.
tool-chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		export DEBIAN_FRONTEND=noninteractive; \
		$(SUDO) apt-get install -y $(APT_PACKAGES) \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y $(APT_PACKAGES); }; }
