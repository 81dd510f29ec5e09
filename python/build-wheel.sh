#!/usr/bin/env bash
# Builds the one abi3 wheel of the Python package and prints its path on the last line.
#
#   python/build-wheel.sh            # release wheel into $TARGET_DIR/python/wheels
#
# maturin comes from PATH, or is installed from PyPI into a build venv under $TARGET_DIR the
# first time. Env: TARGET_DIR (cargo's target directory, default `target`), PYTHON (default
# python3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR=${TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
PYTHON=${PYTHON:-python3}
WORK=$TARGET_DIR/python
WHEELS=$WORK/wheels
export PIP_DISABLE_PIP_VERSION_CHECK=1
# shellcheck source=venv.sh
. "$ROOT/python/venv.sh"

# maturin >= 1.9.4 tells pyo3 it builds an extension module (no libpython link).
MIN_MATURIN=1.9.4
recent_enough() {
    local have
    have=$("$1" --version 2>/dev/null | awk '{print $2}')
    [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$MIN_MATURIN" "$have" | sort -V | head -n 1)" = "$MIN_MATURIN" ]
}

if command -v maturin >/dev/null 2>&1 && recent_enough maturin; then
    MATURIN=maturin
else
    BUILD_VENV=$WORK/build-venv
    if [ ! -x "$BUILD_VENV/bin/maturin" ] || ! recent_enough "$BUILD_VENV/bin/maturin"; then
        echo "build-wheel: installing maturin into $BUILD_VENV" >&2
        make_venv "$BUILD_VENV"
        "$BUILD_VENV/bin/python" -m pip install --quiet "maturin>=$MIN_MATURIN,<2"
    fi
    MATURIN=$BUILD_VENV/bin/maturin
fi

rm -rf "$WHEELS"
mkdir -p "$WHEELS"
# maturin prints progress on stderr; keep stdout for the wheel's path.
CARGO_TARGET_DIR=$TARGET_DIR "$MATURIN" build --release --manifest-path "$ROOT/python/Cargo.toml" \
    --interpreter "$PYTHON" --out "$WHEELS" >&2
wheels=("$WHEELS"/*.whl)
if [ "${#wheels[@]}" -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
    echo "build-wheel: expected exactly one wheel in $WHEELS" >&2
    exit 1
fi
echo "${wheels[0]}"
