#!/usr/bin/env bash
# The transfer bench of `make bench` (run by tests/bench/run.sh, or on its own): a 1 GiB download
# and a 1 GiB upload through the fake Wings on loopback, by the Rust core, the C library and the
# Python package, next to curl doing the same transfer (the ceiling) and py-dactyl + requests
# streaming the download. Reports MB/s and peak RSS per row (tests/bench/transfer.py); never
# pass/fail on a timing.
#
# Environment (all optional):
#   BENCH_TRANSFER_ROUNDS=3        interleaved rounds (medians are taken over them)
#   BENCH_TRANSFER_MIB=1024        the size moved, in MiB
#   BENCH_TRANSFER_OUT=tests/bench/transfer_results.md   ("-" to write no file)
#   TARGET_DIR, BENCH_TARGET_DIR, BENCH_VENV, BENCH_SKIP_BUILD=1   as for tests/bench/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}}"
BENCH_TARGET_DIR="${BENCH_TARGET_DIR:-$TARGET_DIR}"
VENV="${BENCH_VENV:-$ROOT/.venv-bench}"
PY="${PYTHON:-python3}"
SKIP_BUILD="${BENCH_SKIP_BUILD:-0}"
say() { printf '\033[1mtransfer bench:\033[0m %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

if ! command -v curl >/dev/null; then
  say "installing curl"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq curl >/dev/null
fi

# --- builds: the fake panel, libpterodactyl, the Rust row (all release) ------------------------
if [ "$SKIP_BUILD" != 1 ]; then
  say "building the fake panel, libpterodactyl and the Rust row (release)"
  CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release --quiet -p fake-panel -p pterodactyl-ffi
  CARGO_TARGET_DIR="$BENCH_TARGET_DIR" cargo build --release --quiet --manifest-path "$HERE/Cargo.toml" \
    --bin ptero-transfer-bench
fi
PANEL_BIN="$TARGET_DIR/release/fake-panel"
RUST_BIN="$BENCH_TARGET_DIR/release/ptero-transfer-bench"
[ -x "$PANEL_BIN" ] || { say "missing $PANEL_BIN"; exit 1; }
args=()
skips=()
if [ -x "$RUST_BIN" ]; then args+=(--rust "$RUST_BIN"); else skips+=("the Rust row ($RUST_BIN is missing)"); fi

mkdir -p "$BENCH_TARGET_DIR/c"
C_BIN="$BENCH_TARGET_DIR/c/ptero-transfer-bench-c"
if cc -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE -I "$ROOT/include" "$HERE/transfer_bench.c" -o "$C_BIN" \
     -L "$TARGET_DIR/release" -Wl,-rpath,"$TARGET_DIR/release" -lpterodactyl -lpthread \
     2>"$BENCH_TARGET_DIR/c/transfer-cc.log"; then
  args+=(--c "$C_BIN")
else
  skips+=("the C row (see $BENCH_TARGET_DIR/c/transfer-cc.log)")
fi

# --- Python: the bench's virtualenv with this package, py-dactyl and requests (run.sh makes it) ----
VPY="$VENV/bin/python"
if [ ! -x "$VPY" ]; then
  say "creating $VENV"
  "$PY" -m venv "$VENV"
fi
if ! "$VPY" -c 'import pydactyl, requests' 2>/dev/null; then
  "$VPY" -m pip install -q --disable-pip-version-check py-dactyl requests || true
fi
if ! "$VPY" -c 'import pterodactyl; pterodactyl.Client.download_signed_url' 2>/dev/null && [ "$SKIP_BUILD" != 1 ]; then
  say "building the Python wheel (release)"
  wheel="$(TARGET_DIR="$TARGET_DIR" PYTHON="$VPY" "$ROOT/python/build-wheel.sh" 2>/dev/null | tail -n1)" || wheel=""
  [ -z "$wheel" ] || "$VPY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
fi
if "$VPY" -c 'import pterodactyl, pydactyl, requests; pterodactyl.Client.download_signed_url' 2>/dev/null; then
  args+=(--venv-python "$VPY")
else
  skips+=("the Python rows (pterodactyl with transfers, py-dactyl and requests do not import in $VENV)")
fi

# --- the fake panel (release), a scratch directory ----------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ptero-transfer-bench.XXXXXX")"
panel_pid=""
cleanup() {
  [ -z "$panel_pid" ] || kill "$panel_pid" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkfifo "$WORK/url"
"$PANEL_BIN" --port 0 >"$WORK/url" &
panel_pid=$!
read -r PANEL_URL <"$WORK/url"
KEY="$(sed -n 's/^pub const OWNER_KEY: &str = "\(.*\)";$/\1/p' "$ROOT/tests/panel/src/lib.rs")"
say "fake panel (release) at $PANEL_URL"

for note in "${skips[@]}"; do args+=(--skip "$note"); say "skipping $note"; done
"$PY" "$HERE/transfer.py" --panel "$PANEL_URL" --key "$KEY" --work "$WORK" \
  --size "$(( ${BENCH_TRANSFER_MIB:-1024} * 1024 * 1024 ))" --rounds "${BENCH_TRANSFER_ROUNDS:-3}" \
  --out "${BENCH_TRANSFER_OUT:-$HERE/transfer_results.md}" "${args[@]}"
