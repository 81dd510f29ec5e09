# pterodactyl-client: one Rust core, a C ABI and a Python package, tested against a fake panel.
#
#   make demo    build everything, start the fake panel, run the Rust, C and Python examples
#   make test    install what is missing, then fmt, clippy, header check and every suite
#   make codegen regenerate what derives from the operations table (C functions, Python
#                methods, docs/operations.md, the Rust coverage test), then the header
#   make header  regenerate include/pterodactyl.h with the pinned cbindgen
#   make bench   benchmarks (never part of `make test`)

SHELL := /bin/bash
CARGO ?= cargo
export TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR := $(TARGET_DIR)
export FAKE_PANEL_BIN ?= $(TARGET_DIR)/debug/fake-panel

.PHONY: all build deps demo test lint codegen codegen-check header header-check test-rust test-c test-python bench clean

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

test: deps lint codegen-check header-check test-rust test-c test-python
	@echo "make test: every suite passed"

bench: deps build
	tests/bench/run.sh

clean:
	$(CARGO) clean
	rm -rf build .venv-*
