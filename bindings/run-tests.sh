#!/usr/bin/env bash
# The bindings' suites, as `make test` runs them: Java (Maven, JUnit), Node (node:test) and Go
# (go test), each against the fake panel and the library of the debug build, then the shipped
# artifacts of C, Java, Node and Go built and checked (scripts/dist.sh c java node go: a C
# consumer against the unpacked tarball, the packed jar and npm tarball installed and used, the
# Go module used through a replace directive). The last line is "bindings: N passed, M failed".
#
# env: TARGET_DIR       cargo's target directory (default: target); debug/libpterodactyl.so and
#                       debug/fake-panel are built when missing
#      BINDINGS_DIST    0 skips the artifact checks (default 1; `make test` runs them)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
TARGET_DIR="${TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$root/$TARGET_DIR" ;; esac
export TARGET_DIR
lib="$TARGET_DIR/debug"

for tool in java mvn node npm go; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bindings: $tool not found (scripts/install-deps.sh installs it)" >&2
        exit 1
    fi
done
if [ ! -f "$lib/libpterodactyl.so" ] || [ ! -x "$lib/fake-panel" ]; then
    echo "bindings: building libpterodactyl and fake-panel into $TARGET_DIR"
    CARGO_TARGET_DIR="$TARGET_DIR" cargo build -q -p pterodactyl-ffi -p fake-panel
fi

work="$(mktemp -d)"
# shellcheck source=../tests/dist/panel.sh
. "$root/tests/dist/panel.sh"
trap 'stop_panel; rm -rf "$work"' EXIT
start_panel "$work"
echo "bindings: fake panel at $PTERO_TEST_URL"

passed=0
failed=0
count() { # suite passed failed
    passed=$((passed + $2))
    failed=$((failed + $3))
    echo "bindings: $1: $2 passed, $3 failed"
}
suite_failed() { # suite log
    tail -n 60 "$2" >&2
    echo "bindings: $1 FAILED (log above)" >&2
    failed=$((failed + 1))
}

# Java: Maven resolves into ~/.m2 the first time, then works from there (every version pinned).
if (cd bindings/java && mvn -B -ntp test) >"$work/java.log" 2>&1; then
    line="$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$work/java.log" | tail -n1)"
    run="$(sed -E 's/.*Tests run: ([0-9]+).*/\1/' <<<"$line")"
    count java "$run" 0
else
    suite_failed java "$work/java.log"
fi

# Node: node_modules from package-lock.json (npm ci) when missing or older than the lock.
node_dir=bindings/node
if [ ! -d "$node_dir/node_modules" ] || [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; then
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) >"$work/npm-ci.log" 2>&1 ||
        { cat "$work/npm-ci.log" >&2; echo "bindings: npm ci failed" >&2; exit 1; }
fi
if (cd "$node_dir" && npm test) >"$work/node.log" 2>&1; then
    count node "$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$work/node.log" | tail -n1)" 0
else
    suite_failed node "$work/node.log"
fi

# Go: cgo finds the header in include/ and the library in the debug build.
go_dir=bindings/go
unformatted="$(gofmt -l "$go_dir" tests/dist/go)"
if [ -n "$unformatted" ]; then
    echo "bindings: gofmt would change: $unformatted" >&2
    failed=$((failed + 1))
fi
if (cd "$go_dir" && export CGO_LDFLAGS="-L$lib -Wl,-rpath,$lib" && go vet ./... && go test -count=1 -v ./...) \
    >"$work/go.log" 2>&1; then
    count go "$(grep -c '^--- PASS' "$work/go.log")" 0
else
    suite_failed go "$work/go.log"
fi

stop_panel

if [ "${BINDINGS_DIST:-1}" != 0 ]; then
    if DIST_DIR="$TARGET_DIR/dist/artifacts" scripts/dist.sh c java node go >"$work/dist.log" 2>&1; then
        count artifacts "$(grep -c '^dist: ok: ' "$work/dist.log")" 0
    else
        suite_failed "the artifacts (scripts/dist.sh c java node go)" "$work/dist.log"
    fi
else
    echo "bindings: NOT checking the artifacts (BINDINGS_DIST=0)"
fi

echo "bindings: $passed passed, $failed failed"
[ "$failed" = 0 ]
