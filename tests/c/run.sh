#!/usr/bin/env bash
# The C suite: starts the fake panel on a random port, builds and runs every C test under
# valgrind, the C++17 test, and a consumer of an installed copy built with pkg-config and with
# CMake; stops the panel and exits non-zero on any failure. The last line is "N passed, M failed".
#
# env: TARGET_DIR      cargo's target directory holding debug/libpterodactyl.{so,a} and
#                      debug/fake-panel (default: target; built when missing)
#      FAKE_PANEL_BIN  the fake panel (default: $TARGET_DIR/debug/fake-panel)
#      CC, CXX         compilers (default: cc, c++)
#      VALGRIND    the valgrind command (default: valgrind); set it empty to run without it
#      SANITIZE=1      (or the argument --sanitize) builds the tests with AddressSanitizer and
#                      UndefinedBehaviorSanitizer instead and runs them without valgrind; the
#                      installed-copy consumers are skipped (`make sanitize`)
set -euo pipefail

SANITIZE="${SANITIZE:-}"
for arg in "$@"; do
    case "$arg" in
        --sanitize) SANITIZE=1 ;;
        *) echo "usage: tests/c/run.sh [--sanitize]" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
target="${TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
bin="$target/debug"
panel_bin="${FAKE_PANEL_BIN:-$bin/fake-panel}"
CC="${CC:-cc}"
CXX="${CXX:-c++}"
VALGRIND="${VALGRIND-valgrind}"
if [ -n "$SANITIZE" ]; then
    VALGRIND=""
fi

if [ ! -f "$bin/libpterodactyl.so" ] || [ ! -f "$bin/libpterodactyl.a" ] || [ ! -x "$panel_bin" ]; then
    echo "c-tests: building libpterodactyl and fake-panel into $target"
    CARGO_TARGET_DIR="$target" cargo build -p pterodactyl-ffi -p fake-panel
fi
if ! printf '#include <cjson/cJSON.h>\n' | "$CC" -E -x c - >/dev/null 2>&1; then
    echo "c-tests: cJSON not found (apt-get install libcjson-dev, or scripts/install-deps.sh)" >&2
    exit 1
fi
if [ -n "$VALGRIND" ] && ! command -v "$VALGRIND" >/dev/null 2>&1; then
    echo "c-tests: $VALGRIND not found (apt-get install valgrind), or set VALGRIND= to run without it" >&2
    exit 1
fi

work="$(mktemp -d)"
panel_pid=""
cleanup() {
    if [ -n "$panel_pid" ]; then
        kill "$panel_pid" 2>/dev/null || true
        wait "$panel_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$panel_bin" --port 0 >"$work/panel.url" 2>"$work/panel.err" &
panel_pid=$!
for _ in $(seq 100); do
    [ -s "$work/panel.url" ] && break
    sleep 0.1
done
PTERO_TEST_URL="$(head -n1 "$work/panel.url")"
case "$PTERO_TEST_URL" in
    http://127.0.0.1:*) ;;
    *) echo "c-tests: the fake panel did not start:" >&2; cat "$work/panel.err" >&2; exit 1 ;;
esac
export PTERO_TEST_URL
echo "c-tests: fake panel at $PTERO_TEST_URL"

total_passed=0
total_failed=0
# Adds a program's "N passed, M failed" line to the totals; a program that crashed or printed no
# such line counts as one failure.
record() { # name exit-code output-file
    local line
    line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$3" | tail -n1 || true)"
    if [ -z "$line" ]; then
        echo "c-tests: $1 printed no result line (exit $2)" >&2
        total_failed=$((total_failed + 1))
        return
    fi
    total_passed=$((total_passed + ${line%% passed*}))
    local failed="${line#*, }"
    total_failed=$((total_failed + ${failed%% failed}))
    if [ "$2" != 0 ] && [ "${failed%% failed}" = 0 ]; then
        echo "c-tests: $1 exited $2 (valgrind found errors or leaks)" >&2
        total_failed=$((total_failed + 1))
    fi
    echo "c-tests: $1: $line"
}
ok() { total_passed=$((total_passed + 1)); echo "c-tests: ok: $1"; }
fail() { total_failed=$((total_failed + 1)); echo "c-tests: FAILED: $1" >&2; }

cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -I"$root/include" -I"$root/tests/c")
cxxflags=(-std=c++17 -Wall -Wextra -Wpedantic -Werror -g -I"$root/include" -I"$root/tests/c")
link=(-L"$bin" -lpterodactyl -Wl,-rpath,"$bin" -lcjson -ldl -pthread)
vg=()
if [ -n "$VALGRIND" ]; then
    # 40 frames: the suppressions (valgrind.supp) match frames deep inside rustls.
    vg=("$VALGRIND" -q --num-callers=40 --suppressions="$root/tests/c/valgrind.supp" --leak-check=full
        --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=1)
fi
if [ -n "$SANITIZE" ]; then
    # The C side is instrumented; the Rust library is not, but every allocation it makes goes
    # through the interposed malloc, so leaks and heap misuse across the boundary are seen.
    san=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    cflags+=("${san[@]}")
    cxxflags+=("${san[@]}")
    link+=("${san[@]}")
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:exitcode=1:detect_stack_use_after_return=1}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
    echo "c-tests: AddressSanitizer + UndefinedBehaviorSanitizer (no valgrind)"
fi

# The shared library exports the C ABI and nothing else.
exported="$(nm -D --defined-only "$bin/libpterodactyl.so" | awk '{print $3}')"
if [ -n "$exported" ] && ! grep -qv '^ptero_' <<<"$exported"; then
    ok "libpterodactyl.so exports only ptero_* ($(wc -l <<<"$exported") symbols)"
else
    fail "libpterodactyl.so exports other symbols: $(grep -v '^ptero_' <<<"$exported" | head -5 | tr '\n' ' ')"
fi

# The header on its own, as C11 and as C++17: every test includes it, so a broken header (say, a
# doc comment holding "*/") is reported once here instead of as a wall of compiler errors.
if "$CC" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c include/pterodactyl.h 2>"$work/header.err" &&
    "$CXX" -std=c++17 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++ include/pterodactyl.h \
        2>>"$work/header.err"; then
    ok "include/pterodactyl.h compiles on its own as C11 and C++17"
else
    head -n 20 "$work/header.err" >&2
    fail "include/pterodactyl.h does not compile on its own (the C tests cannot be built)"
    echo "$total_passed passed, $total_failed failed"
    exit 1
fi

"$CC" "${cflags[@]}" -c tests/c/harness.c -o "$work/harness.o"
for test in test_operations test_errors test_threads test_coverage test_account test_databases test_files \
    test_schedules test_users test_backups test_async test_faults test_transfers test_console; do
    "$CC" "${cflags[@]}" "tests/c/$test.c" "$work/harness.o" -o "$work/$test" "${link[@]}"
    set +e
    "${vg[@]}" "$work/$test" >"$work/$test.out" 2>"$work/$test.err"
    rc=$?
    set -e
    cat "$work/$test.err" >&2
    record "$test" "$rc" "$work/$test.out"
done

"$CXX" "${cxxflags[@]}" -pthread tests/c/test_cpp.cpp "$work/harness.o" -o "$work/test_cpp" "${link[@]}"
set +e
"${vg[@]}" "$work/test_cpp" >"$work/test_cpp.out" 2>"$work/test_cpp.err"
rc=$?
set -e
cat "$work/test_cpp.err" >&2
record "test_cpp (C++17)" "$rc" "$work/test_cpp.out"

if [ -n "$SANITIZE" ]; then
    echo "$total_passed passed, $total_failed failed"
    [ "$total_failed" = 0 ]
    exit
fi

# An installed copy, used the two ways a plugin would.
owner_key="$(sed -n 's/^pub const OWNER_KEY: &str = "\(.*\)";/\1/p' tests/panel/src/lib.rs)"
prefix="$work/prefix"
if TARGET_DIR="$target" PROFILE=debug ffi/install.sh "$prefix" >"$work/install.log" 2>&1; then
    ok "ffi/install.sh into a temporary prefix"
else
    cat "$work/install.log" >&2
    fail "ffi/install.sh"
fi

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
if "$CC" -std=c11 -Wall -Wextra -Wpedantic -Werror tests/c/consumer/consumer.c -o "$work/consumer_pc" \
    $(pkg-config --cflags --libs pterodactyl) -Wl,-rpath,"$(pkg-config --variable=libdir pterodactyl)" &&
    "$work/consumer_pc" "$PTERO_TEST_URL" "$owner_key"; then
    ok "a consumer built with pkg-config --cflags --libs pterodactyl"
else
    fail "the pkg-config consumer"
fi

if cmake -S tests/c/consumer -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$CC" \
    >"$work/cmake.log" 2>&1 && cmake --build "$work/cmake-build" >>"$work/cmake.log" 2>&1; then
    for variant in shared static; do
        if "$work/cmake-build/consumer_$variant" "$PTERO_TEST_URL" "$owner_key"; then
            ok "a consumer built with find_package(pterodactyl), $variant"
        else
            fail "the CMake consumer ($variant)"
        fi
    done
else
    cat "$work/cmake.log" >&2
    fail "the CMake consumer did not build"
fi

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
