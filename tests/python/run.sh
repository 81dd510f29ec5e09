#!/usr/bin/env bash
# The Python suite: builds the wheel, installs it into a fresh virtualenv with pytest and mypy,
# checks the stubs against the built module (mypy.stubtest), then runs pytest against the fake
# panel. Exits non-zero on any failure.
#
# Env: TARGET_DIR (cargo's target directory, default `target`), FAKE_PANEL_BIN (the fake panel,
# default $TARGET_DIR/debug/fake-panel; built with `cargo build -p fake-panel` when missing),
# PYTHON (default python3). Extra arguments go to pytest.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TARGET_DIR=${TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
export TARGET_DIR
PYTHON=${PYTHON:-python3}
FAKE_PANEL_BIN=${FAKE_PANEL_BIN:-$TARGET_DIR/debug/fake-panel}
case $FAKE_PANEL_BIN in /*) ;; *) FAKE_PANEL_BIN=$ROOT/$FAKE_PANEL_BIN ;; esac
export FAKE_PANEL_BIN
export PIP_DISABLE_PIP_VERSION_CHECK=1
# shellcheck source=../../python/venv.sh
. "$ROOT/python/venv.sh"

if [ ! -x "$FAKE_PANEL_BIN" ]; then
    echo "run.sh: building the fake panel" >&2
    CARGO_TARGET_DIR=$TARGET_DIR cargo build -p fake-panel
fi

echo "== building the wheel" >&2
WHEEL=$("$ROOT/python/build-wheel.sh" | tail -n 1)

echo "== fresh virtualenv with $(basename "$WHEEL"), pytest and mypy" >&2
VENV=$TARGET_DIR/python/test-venv
make_venv "$VENV"
"$VENV/bin/python" -m pip install --quiet "$WHEEL" "pytest>=7,<10" "mypy>=1.11,<3" "ruff>=0.6,<1"

echo "== ruff" >&2
"$VENV/bin/ruff" check --no-cache "$ROOT/python" "$ROOT/tests/python" "$ROOT/examples/python"

# Run from outside the source tree, so that `import pterodactyl` finds the installed wheel and
# never the bare sources in python/.
cd "$TARGET_DIR/python"

echo "== stubtest" >&2
"$VENV/bin/python" -m mypy.stubtest pterodactyl

echo "== pytest" >&2
"$VENV/bin/python" -m pytest "$ROOT/tests/python" -p no:cacheprovider -q "$@"
