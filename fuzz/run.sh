#!/usr/bin/env bash
# The fuzz targets (fuzz/fuzz_targets/*.rs; their bodies and properties are fuzz/src/lib.rs)
# under cargo-fuzz and libFuzzer, on nightly.
#
#   fuzz/run.sh [--check] [TARGET...]     (default: every target)
#
#   make fuzz        each target for FUZZ_SECONDS (default 180), starting from its seeds in
#                    fuzz/corpus/<target>/; what it learns goes to $TARGET_DIR/fuzz/corpus/<target>/
#                    (not the repository), a crash to fuzz/artifacts/<target>/. A crash becomes a
#                    regression test by copying its file into fuzz/corpus/<target>/: every file
#                    there is replayed on stable by `cargo test -p pterodactyl-ffi --test fuzz_corpus`.
#   make fuzz-check  (part of `make test`) the same for FUZZ_SECONDS (default 10) per target. It
#                    installs cargo-fuzz (and nightly, with rustup) when missing; where nightly
#                    cannot be had it says so and passes, since the stable replay above still runs.
#
# Env: FUZZ_SECONDS, TARGET_DIR (cargo's target directory, default target; the fuzz build goes to
#      $TARGET_DIR/fuzz).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-target}}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
check=""
targets=()
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        -*) echo "usage: fuzz/run.sh [--check] [TARGET...]" >&2; exit 2 ;;
        *) targets+=("$arg") ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    targets=(answer error_document prepare options c_api)
fi
seconds="${FUZZ_SECONDS:-$([ -n "$check" ] && echo 10 || echo 180)}"
say() { printf 'fuzz: %s\n' "$*" >&2; }
unavailable() {
    if [ -n "$check" ]; then
        say "$1; skipping the libFuzzer runs (the corpus replay of make test-rust still ran on stable)"
        echo "fuzz: 0 passed, 0 failed"
        exit 0
    fi
    say "$1"
    exit 1
}

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    say "installing the nightly toolchain (rustup, minimal profile)"
    rustup toolchain install nightly --profile minimal >&2 || unavailable "nightly could not be installed"
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked >&2 || unavailable "cargo-fuzz could not be installed"
fi

export CARGO_TARGET_DIR="$TARGET_DIR/fuzz"
say "building ${targets[*]} (nightly, AddressSanitizer, coverage)"
for t in "${targets[@]}"; do
    (cd fuzz && cargo +nightly fuzz build "$t" >&2)
done
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
bin="$CARGO_TARGET_DIR/$triple/release"

passed=0
failed=0
for t in "${targets[@]}"; do
    learned="$TARGET_DIR/fuzz/corpus/$t"
    artifacts="$ROOT/fuzz/artifacts/$t"
    mkdir -p "$learned" "$artifacts"
    say "$t: ${seconds}s from fuzz/corpus/$t"
    set +e
    "$bin/$t" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$learned" "fuzz/corpus/$t" >"$TARGET_DIR/fuzz/$t.log" 2>&1
    rc=$?
    set -e
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$TARGET_DIR/fuzz/$t.log" | tail -n1)"
    if [ "$rc" = 0 ]; then
        passed=$((passed + 1))
        say "$t: ok, ${execs:-?} inputs in ${seconds}s, corpus $(ls "$learned" | wc -l) learned + $(ls "fuzz/corpus/$t" | wc -l) seeds"
    else
        failed=$((failed + 1))
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$TARGET_DIR/fuzz/$t.log" | head -n 8 >&2 || true
        say "$t: FAILED (log: $TARGET_DIR/fuzz/$t.log; the input is in fuzz/artifacts/$t/)"
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
