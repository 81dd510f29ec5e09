#!/usr/bin/env bash
# Installs libpterodactyl into PREFIX:
#
#   PREFIX/lib/libpterodactyl.so, PREFIX/lib/libpterodactyl.a
#     (a library built with a versioned SONAME, as scripts/dist.sh builds it, goes in as
#      libpterodactyl.so.X.Y.Z with the symlinks libpterodactyl.so.X -> it and .so -> .so.X)
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

# The library's SONAME (what a program linked against it records): a development build keeps
# the plain name, the shipped one (scripts/dist.sh) is versioned.
soname="$(LC_ALL=C readelf -d "$libs/libpterodactyl.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')"
soname="${soname:-libpterodactyl.so}"

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/pterodactyl" "$prefix/include"
rm -f "$prefix/lib/libpterodactyl.so" "$prefix/lib/$soname" "$prefix/lib/libpterodactyl.so.$version"
if [ "$soname" = libpterodactyl.so ]; then
    install -m 755 "$libs/libpterodactyl.so" "$prefix/lib/libpterodactyl.so"
else
    install -m 755 "$libs/libpterodactyl.so" "$prefix/lib/libpterodactyl.so.$version"
    ln -s "libpterodactyl.so.$version" "$prefix/lib/$soname"
    ln -s "$soname" "$prefix/lib/libpterodactyl.so"
fi
install -m 644 "$libs/libpterodactyl.a" "$prefix/lib/libpterodactyl.a"
install -m 644 "$root/include/pterodactyl.h" "$prefix/include/pterodactyl.h"
# The .pc file finds the prefix from its own place, so the tree can be moved or unpacked anywhere.
sed -e "s|@VERSION@|$version|g" -e "s|@NATIVE_LIBS@|$native_libs|g" \
    "$root/ffi/pkg/pterodactyl.pc.in" >"$prefix/lib/pkgconfig/pterodactyl.pc"
sed -e "s|@SONAME@|$soname|g" "$root/ffi/pkg/pterodactylConfig.cmake.in" \
    >"$prefix/lib/cmake/pterodactyl/pterodactylConfig.cmake"
sed -e "s|@VERSION@|$version|g" "$root/ffi/pkg/pterodactylConfigVersion.cmake.in" \
    >"$prefix/lib/cmake/pterodactyl/pterodactylConfigVersion.cmake"
echo "install: libpterodactyl $version ($profile, SONAME $soname) installed into $prefix"
