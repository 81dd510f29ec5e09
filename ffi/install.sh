#!/usr/bin/env bash
# Installs libpterodactyl into PREFIX:
#
#   PREFIX/lib/libpterodactyl.so, PREFIX/lib/libpterodactyl.a
#   PREFIX/include/pterodactyl.h
#   PREFIX/lib/pkgconfig/pterodactyl.pc                (pkg-config --libs pterodactyl)
#   PREFIX/lib/cmake/pterodactyl/pterodactylConfig*.cmake   (find_package(pterodactyl))
#
# usage: ffi/install.sh PREFIX
# env:   TARGET_DIR  cargo's target directory (default: $CARGO_TARGET_DIR, else target)
#        PROFILE     release (default) or debug; the library is built first when it is missing
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
target="${TARGET_DIR:-${CARGO_TARGET_DIR:-target}}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
profile="${PROFILE:-release}"
case "$profile" in
    release) cargo_profile=(--release) ;;
    debug) cargo_profile=() ;;
    *) echo "install: PROFILE must be release or debug, not $profile" >&2; exit 2 ;;
esac
libs="$target/$profile"

if [ ! -f "$libs/libpterodactyl.so" ] || [ ! -f "$libs/libpterodactyl.a" ]; then
    echo "install: building libpterodactyl ($profile) into $target"
    (cd "$root" && CARGO_TARGET_DIR="$target" cargo build -p pterodactyl-ffi "${cargo_profile[@]}")
fi

# The workspace's version ([workspace.package] version = "X.Y.Z").
version="$(awk '/^\[workspace\.package\]/ {p = 1; next} /^\[/ {p = 0}
                p && $1 == "version" {gsub(/"/, "", $3); print $3; exit}' "$root/Cargo.toml")"
if [ -z "$version" ]; then
    echo "install: no [workspace.package] version in Cargo.toml" >&2
    exit 1
fi
# What the static library needs from the system on Linux
# (`cargo rustc -p pterodactyl-ffi --crate-type staticlib -- --print native-static-libs`).
native_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/pterodactyl" "$prefix/include"
install -m 755 "$libs/libpterodactyl.so" "$prefix/lib/libpterodactyl.so"
install -m 644 "$libs/libpterodactyl.a" "$prefix/lib/libpterodactyl.a"
install -m 644 "$root/include/pterodactyl.h" "$prefix/include/pterodactyl.h"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@NATIVE_LIBS@|$native_libs|g" \
    "$root/ffi/pkg/pterodactyl.pc.in" >"$prefix/lib/pkgconfig/pterodactyl.pc"
install -m 644 "$root/ffi/pkg/pterodactylConfig.cmake" "$prefix/lib/cmake/pterodactyl/pterodactylConfig.cmake"
sed -e "s|@VERSION@|$version|g" "$root/ffi/pkg/pterodactylConfigVersion.cmake.in" \
    >"$prefix/lib/cmake/pterodactyl/pterodactylConfigVersion.cmake"
echo "install: libpterodactyl $version ($profile) installed into $prefix"
