#!/usr/bin/env bash
# Builds the one abi3 wheel of the Python package and prints its path on the last line.
#
#   python/build-wheel.sh            # release wheel into $TARGET_DIR/python/wheels
#
# The wheel is manylinux2014 (glibc 2.17 and newer, so it installs on old distributions too):
# maturin links it with zig (`--zig`, zig from the `ziglang` package on PyPI) against glibc
# 2.17's symbols, and `auditwheel show` checks the result. maturin, ziglang and auditwheel are
# installed from PyPI into a build venv under $TARGET_DIR the first time.
#
# Env: TARGET_DIR (cargo's target directory, default `target`), PYTHON (default python3),
# WHEEL_DIR (where the wheel goes, default $TARGET_DIR/python/wheels).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR=${TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
PYTHON=${PYTHON:-python3}
WORK=$TARGET_DIR/python
WHEELS=${WHEEL_DIR:-$WORK/wheels}
export PIP_DISABLE_PIP_VERSION_CHECK=1
# shellcheck source=venv.sh
. "$ROOT/python/venv.sh"

# maturin >= 1.9.4 tells pyo3 it builds an extension module (no libpython link).
TOOLS=("maturin>=1.9.4,<2" "ziglang>=0.13,<0.16" "auditwheel>=6,<7")
BUILD_VENV=$WORK/build-venv
if ! "$BUILD_VENV/bin/python" -m pip install --quiet --dry-run --no-index "${TOOLS[@]}" >/dev/null 2>&1; then
    echo "build-wheel: installing ${TOOLS[*]} into $BUILD_VENV" >&2
    [ -x "$BUILD_VENV/bin/python" ] || make_venv "$BUILD_VENV"
    "$BUILD_VENV/bin/python" -m pip install --quiet "${TOOLS[@]}" >&2
fi
# maturin finds zig through `python3 -m ziglang` of the build venv.
PYTHON=$(command -v "$PYTHON")
export PATH=$BUILD_VENV/bin:$PATH

rm -rf "$WHEELS"
mkdir -p "$WHEELS"
# maturin prints progress on stderr; keep stdout for the wheel's path.
CARGO_TARGET_DIR=$TARGET_DIR maturin build --release --manifest-path "$ROOT/python/Cargo.toml" \
    --interpreter "$PYTHON" --zig --compatibility manylinux2014 --out "$WHEELS" >&2
wheels=("$WHEELS"/*.whl)
if [ "${#wheels[@]}" -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
    echo "build-wheel: expected exactly one wheel in $WHEELS" >&2
    exit 1
fi
# The wheel must really be what its name says: abi3, and no symbol newer than glibc 2.17.
report=$(auditwheel show "${wheels[0]}" 2>&1)
if ! grep -q 'manylinux_2_17_x86_64' <<<"$report" || [[ $(basename "${wheels[0]}") != *-abi3-* ]]; then
    echo "build-wheel: auditwheel does not find a manylinux2014 abi3 wheel:" >&2
    echo "$report" >&2
    exit 1
fi
echo "${wheels[0]}"
