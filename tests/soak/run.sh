#!/usr/bin/env bash
# `make soak` (never part of `make test`): the client left running for a long time, measured.
#
# Builds the fake panel and the soak programs in release mode, starts the fake as its own
# process, then runs the Rust soak (tests/soak/src/main.rs) and the Python soak
# (tests/soak/soak.py) against it, one after the other: one client, 8 threads, a million calls
# mixed across operations each. Each prints one JSON line of figures (memory at the start, after
# the warm-up, at its peak and at the end; descriptors and threads before and after) and fails
# when a call went wrong, a request was sent twice or lost, memory kept growing, or a descriptor
# or thread was left behind. docs/reliability.md reports a run.
#
# Env: SOAK_CALLS (default 1000000), SOAK_PY_CALLS (default SOAK_CALLS), SOAK_THREADS (8),
#      SOAK_SKIP_PYTHON=1, TARGET_DIR (cargo's target directory, default target),
#      SOAK_OUT (default $TARGET_DIR/soak/results.jsonl: the JSON lines of this run)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-target}}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
export TARGET_DIR
CALLS="${SOAK_CALLS:-1000000}"
PY_CALLS="${SOAK_PY_CALLS:-$CALLS}"
THREADS="${SOAK_THREADS:-8}"
OUT="${SOAK_OUT:-$TARGET_DIR/soak/results.jsonl}"
say() { printf 'soak: %s\n' "$*" >&2; }

say "building the fake panel and the Rust soak (release)"
CARGO_TARGET_DIR="$TARGET_DIR" cargo build --quiet --release -p fake-panel
CARGO_TARGET_DIR="$TARGET_DIR" cargo build --quiet --release --manifest-path tests/soak/Cargo.toml

work="$(mktemp -d)"
panel_pid=""
cleanup() {
    if [ -n "$panel_pid" ]; then
        kill "$panel_pid" 2>/dev/null || true
        wait "$panel_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$TARGET_DIR/release/fake-panel" --port 0 >"$work/panel.url" 2>"$work/panel.err" &
panel_pid=$!
for _ in $(seq 100); do
    [ -s "$work/panel.url" ] && break
    sleep 0.1
done
url="$(head -n1 "$work/panel.url")"
case "$url" in http://127.0.0.1:*) ;; *) say "the fake panel did not start"; cat "$work/panel.err" >&2; exit 1 ;; esac
mkdir -p "$(dirname "$OUT")"
: >"$OUT"

passed=0
failed=0
say "Rust: $CALLS calls on $THREADS threads against $url"
if "$TARGET_DIR/release/ptero-soak" "$url" --calls "$CALLS" --threads "$THREADS" | tee -a "$OUT"; then
    say "Rust: passed"
    passed=$((passed + 1))
else
    say "Rust: FAILED"
    failed=$((failed + 1))
fi

if [ -z "${SOAK_SKIP_PYTHON:-}" ]; then
    say "building the wheel (release) and a virtualenv"
    # shellcheck source=../../python/venv.sh
    . "$ROOT/python/venv.sh"
    wheel="$("$ROOT/python/build-wheel.sh" | tail -n 1)"
    venv="$TARGET_DIR/soak/venv"
    make_venv "$venv"
    "$venv/bin/python" -m pip install --quiet "$wheel"
    say "Python: $PY_CALLS calls on $THREADS threads against $url"
    if (cd "$TARGET_DIR/soak" && "$venv/bin/python" "$ROOT/tests/soak/soak.py" "$url" --calls "$PY_CALLS" \
        --threads "$THREADS") | tee -a "$OUT"; then
        say "Python: passed"
        passed=$((passed + 1))
    else
        say "Python: FAILED"
        failed=$((failed + 1))
    fi
fi

say "figures in $OUT"
echo "soak: $passed passed, $failed failed"
[ "$failed" = 0 ]
