#!/usr/bin/env bash
# Runs story.py. With PTERO_URL and PTERO_KEY set it talks to that panel; without them it starts
# the fake panel (FAKE_PANEL_BIN, default $TARGET_DIR/debug/fake-panel) and uses its owner key.
# The package is installed into a venv under $TARGET_DIR/python when it is missing or older than
# the sources.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TARGET_DIR=${TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
export TARGET_DIR
PYTHON=${PYTHON:-python3}
VENV=$TARGET_DIR/python/example-venv
STAMP=$VENV/.installed
export PIP_DISABLE_PIP_VERSION_CHECK=1
# shellcheck source=../../python/venv.sh
. "$ROOT/python/venv.sh"

newest_source=$(find "$ROOT/python" "$ROOT/core" -newer "$STAMP" -type f \
    \( -name '*.rs' -o -name '*.py' -o -name '*.pyi' -o -name '*.toml' \) -print -quit 2>/dev/null || true)
if [ ! -f "$STAMP" ] || [ -n "$newest_source" ]; then
    wheel=$("$ROOT/python/build-wheel.sh" | tail -n 1)
    [ -x "$VENV/bin/python" ] || make_venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$wheel"
    touch "$STAMP"
fi

panel_pid=
cleanup() { if [ -n "$panel_pid" ]; then kill "$panel_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

if [ -z "${PTERO_URL:-}" ] || [ -z "${PTERO_KEY:-}" ]; then
    FAKE_PANEL_BIN=${FAKE_PANEL_BIN:-$TARGET_DIR/debug/fake-panel}
    if [ ! -x "$FAKE_PANEL_BIN" ]; then
        CARGO_TARGET_DIR=$TARGET_DIR cargo build -p fake-panel --manifest-path "$ROOT/Cargo.toml"
    fi
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    "$FAKE_PANEL_BIN" >"$fifo" &
    panel_pid=$!
    read -r PTERO_URL <"$fifo"
    rm -f "$fifo"
    PTERO_KEY=$(sed -n 's/^pub const OWNER_KEY: &str = "\(.*\)";$/\1/p' "$ROOT/tests/panel/src/lib.rs")
    export PTERO_URL PTERO_KEY
    echo "(against the fake panel at $PTERO_URL)"
fi

"$VENV/bin/python" "$ROOT/examples/python/story.py"
