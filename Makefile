# pterodactyl-client: one Rust core, a C ABI and a Python package, tested against a fake panel.
#
#   make demo    build everything, start the fake panel, run the Rust, C and Python examples
#   make test    install what is missing, then fmt, clippy, header check and every suite
#   make codegen regenerate what derives from the operations table (C functions, Python
#                methods, docs/operations.md, the Rust coverage test), then the header
#   make header  regenerate include/pterodactyl.h with the pinned cbindgen
#   make bench   benchmarks (never part of `make test`)
#   make fuzz    every fuzz target for FUZZ_SECONDS (default 180) each, on nightly (fuzz/run.sh)
#   make sanitize  the C suite under AddressSanitizer + UndefinedBehaviorSanitizer (in `make test`)
#   make soak    a million calls on 8 threads, Rust and Python (tests/soak: memory, descriptors,
#                threads), then the live console's soak tests on every surface for 5 minutes each (SOAK_SECS)
#   make dist    the artifacts people install (C tarball, jar, npm, Go module, wheel + sdist,
#                crate) into dist/, each checked (scripts/dist.sh)

SHELL := /bin/bash
CARGO ?= cargo
export TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR := $(TARGET_DIR)
export FAKE_PANEL_BIN ?= $(TARGET_DIR)/debug/fake-panel

.PHONY: fuzz fuzz-check sanitize miri
.PHONY: all build deps demo test lint codegen codegen-check header header-check test-rust test-c test-python test-bindings bench soak dist clean

all: build

deps:
	@scripts/install-deps.sh

build:
	$(CARGO) build -p pterodactyl-client -p pterodactyl-ffi -p fake-panel --examples --bins --lib

demo: deps build
	@scripts/demo.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

codegen:
	$(CARGO) run -q -p xtask -- codegen
	ffi/gen-header.sh

codegen-check:
	$(CARGO) run -q -p xtask -- codegen --check

header:
	ffi/gen-header.sh

header-check:
	ffi/gen-header.sh --check

test-rust:
	$(CARGO) test -p pterodactyl-client -p fake-panel -p pterodactyl-ffi -p xtask

test-c: build
	tests/c/run.sh

test-python: build
	tests/python/run.sh

test-bindings: build
	bindings/run-tests.sh

test: deps lint codegen-check header-check test-rust fuzz-check test-c sanitize test-python test-bindings
	@echo "make test: every suite passed"

bench: deps build
	tests/bench/run.sh

# The console soaks of `make test` (30 s each), longer: expiring tokens and cut connections.
SOAK_SECS ?= 300
soak: deps build
	tests/soak/run.sh
	PTERO_SOAK_SECS=$(SOAK_SECS) $(CARGO) test -p pterodactyl-client --test console soak -- --nocapture
	PTERO_SOAK_SECS=$(SOAK_SECS) tests/c/run.sh
	PTERO_SOAK_SECS=$(SOAK_SECS) tests/python/run.sh -k soak

# The C suite built with -fsanitize=address,undefined instead of run under valgrind.
sanitize: build
	tests/c/run.sh --sanitize

fuzz: deps
	fuzz/run.sh

# The C boundary's unsafe code under Miri, on the paths without I/O (slow: not in `make test`).
miri:
	rustup component list --toolchain nightly --installed | grep -q '^miri' || rustup component add --toolchain nightly miri rust-src
	$(CARGO) +nightly miri test -p pterodactyl-ffi --test boundary_without_io

# A short run of every fuzz target from its corpus (FUZZ_SECONDS, default 10 each), on nightly:
# part of `make test`, so a regression fails CI. The first, cold nightly build takes minutes; the
# same corpus is also replayed on stable by `cargo test -p pterodactyl-ffi --test fuzz_corpus`.
fuzz-check: deps
	fuzz/run.sh --check

dist: deps build
	scripts/dist.sh

clean:
	$(CARGO) clean
	rm -rf build .venv-*
