#!/usr/bin/env bash
# Builds examples/c/story.c against the tree's libpterodactyl and runs it against the panel in
# env PTERO_URL with the key in PTERO_KEY (`make demo` runs it against the fake panel).
#
# env: PTERO_URL, PTERO_KEY  the panel and its client API key (required)
#      TARGET_DIR            cargo's target directory (default: target); the library is built
#                            there when missing
#      CC                    the C compiler (default: cc)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ -z "${PTERO_URL:-}" ] || [ -z "${PTERO_KEY:-}" ]; then
    echo "examples/c/run.sh: set PTERO_URL and PTERO_KEY (or run \`make demo\`)" >&2
    exit 2
fi
target="${TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
lib="$target/debug"
[ -f "$lib/libpterodactyl.so" ] || CARGO_TARGET_DIR="$target" cargo build -p pterodactyl-ffi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"${CC:-cc}" -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$root/include" examples/c/story.c -o "$work/story" \
    -L"$lib" -lpterodactyl -Wl,-rpath,"$lib" -lcjson
"$work/story"
