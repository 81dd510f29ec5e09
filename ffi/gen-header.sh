#!/usr/bin/env bash
# Regenerates include/pterodactyl.h from ffi/src with the pinned cbindgen.
#
#   ffi/gen-header.sh           rewrite include/pterodactyl.h
#   ffi/gen-header.sh --check   fail (exit 1) when regenerating would change a byte
#
# Install the pinned version with:
#   cargo install cbindgen --version 0.29.4 --locked
set -euo pipefail

CBINDGEN_VERSION=0.29.4
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
header="$root/include/pterodactyl.h"
cbindgen="${CBINDGEN:-cbindgen}"

check=0
case "${1:-}" in
    --check) check=1 ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v "$cbindgen" >/dev/null 2>&1; then
    echo "gen-header: cbindgen not found; install it with:" >&2
    echo "  cargo install cbindgen --version $CBINDGEN_VERSION --locked" >&2
    exit 1
fi
found="$("$cbindgen" --version | awk '{print $2}')"
if [ "$found" != "$CBINDGEN_VERSION" ]; then
    echo "gen-header: cbindgen $found found, $CBINDGEN_VERSION required (the header must be" >&2
    echo "  byte-identical for everyone): cargo install cbindgen --version $CBINDGEN_VERSION --locked" >&2
    exit 1
fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
# The same command the repository's checks run, from the repository root.
(cd "$root" && "$cbindgen" --quiet --config ffi/cbindgen.toml --crate pterodactyl-ffi --output "$tmp" ffi)

if [ "$check" = 1 ]; then
    if ! cmp -s "$tmp" "$header"; then
        echo "gen-header: include/pterodactyl.h is out of date with ffi/src; run ffi/gen-header.sh" >&2
        diff -u "$header" "$tmp" >&2 || true
        exit 1
    fi
    echo "gen-header: include/pterodactyl.h is up to date"
else
    cp "$tmp" "$header"
    echo "gen-header: wrote include/pterodactyl.h"
fi
