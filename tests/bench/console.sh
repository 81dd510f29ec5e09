#!/usr/bin/env bash
# `make bench`, the console part (one line of run.sh): console lines per second delivered to the
# Rust core, C and Python from a fake Wings that floods output, against a bare websocket client
# (tungstenite) reading the same kind of socket. Writes tests/bench/console-results.md.
#
# Environment (all optional): TARGET_DIR (the main workspace's target dir), BENCH_TARGET_DIR (the
# bench project's), BENCH_PYTHON (a python with the pterodactyl wheel; run.sh passes its venv's),
# BENCH_SKIP_BUILD=1, BENCH_ROUNDS (5), BENCH_CONSOLE_LINES (200000), BENCH_CONSOLE_BYTES (80),
# BENCH_CONSOLE_OUT (tests/bench/console-results.md, "-" for none).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}}"
BENCH_TARGET_DIR="${BENCH_TARGET_DIR:-$TARGET_DIR}"
PY="${PYTHON:-python3}"
say() { printf '\033[1mconsole bench:\033[0m %s\n' "$*" >&2; }

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  say "building the fake panel, libpterodactyl and the Rust console bench (release)"
  CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release --quiet -p fake-panel -p pterodactyl-ffi
  CARGO_TARGET_DIR="$BENCH_TARGET_DIR" cargo build --release --quiet --manifest-path "$HERE/Cargo.toml" \
    --bin ptero-console-bench
fi

args=(
  --fake-panel "$TARGET_DIR/release/fake-panel"
  --rust "$BENCH_TARGET_DIR/release/ptero-console-bench"
  --rounds "${BENCH_ROUNDS:-5}"
  --lines "${BENCH_CONSOLE_LINES:-200000}"
  --bytes "${BENCH_CONSOLE_BYTES:-80}"
  --out "${BENCH_CONSOLE_OUT:-$HERE/console-results.md}"
)
C_BIN="$BENCH_TARGET_DIR/c/ptero-console-bench-c"
mkdir -p "$BENCH_TARGET_DIR/c"
if cc -std=c11 -O2 -Wall -Wextra -I "$ROOT/include" "$HERE/console.c" -o "$C_BIN" \
     -L "$TARGET_DIR/release" -Wl,-rpath,"$TARGET_DIR/release" -lpterodactyl -lpthread 2>"$BENCH_TARGET_DIR/c/console-cc.log"; then
  args+=(--c "$C_BIN")
else
  say "skipping the C row: console.c does not build (see $BENCH_TARGET_DIR/c/console-cc.log)"
fi
VPY="${BENCH_PYTHON:-$ROOT/.venv-bench/bin/python}"
if [ -x "$VPY" ] && "$VPY" -c 'import pterodactyl; pterodactyl.Console' 2>/dev/null; then
  args+=(--venv-python "$VPY")
else
  say "skipping the Python row: no python with the pterodactyl wheel (BENCH_PYTHON)"
fi
"$PY" "$HERE/console.py" "${args[@]}"
