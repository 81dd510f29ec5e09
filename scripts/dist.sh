#!/usr/bin/env bash
# Builds what people install, into dist/, and checks each artifact the way its users would use it.
#
#   libpterodactyl-V-x86_64-linux-gnu.tar.gz  C: lib/libpterodactyl.so.V (+ .so.0, .so links),
#                                             lib/libpterodactyl.a, include/, pkg-config, CMake
#   pterodactyl-client-V.jar (+ .pom)         Java: the JNA binding, the library inside
#   pterodactyl-client-V.tgz                  Node: `npm pack` of the koffi binding, the library inside
#   pterodactyl-go-V.tar.gz                   Go: the cgo module (with the header)
#   pterodactyl_client-V-cp39-abi3-manylinux2014_x86_64...whl, pterodactyl_client-V.tar.gz
#                                             Python: the abi3 wheel (glibc 2.17+) and the sdist
#   pterodactyl-client-V.crate                Rust: `cargo package` of the core crate
#
# The native library is built once for all of them: release, linked with zig against glibc 2.17
# (cargo-zigbuild and ziglang from PyPI), SONAME libpterodactyl.so.MAJOR. Checks: the library's
# SONAME, symbols and glibc versions; a C consumer built against the unpacked tarball with
# pkg-config and with CMake; the jar installed into the local Maven repository and used by a
# Maven project; the npm tarball installed and used; the Go module used through a replace
# directive; `auditwheel show`; the wheel and the sdist (built from source by pip) installed into
# fresh venvs; the crate's docs built with RUSTDOCFLAGS=-D warnings. Every check that calls the
# panel calls the fake one. Each passed check prints "dist: ok: ...".
#
# usage: scripts/dist.sh [PART...]   PART: c java node go python rust (default: all of them)
# env:   TARGET_DIR (default target), DIST_DIR (default dist)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
TARGET_DIR="${TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$root/$TARGET_DIR" ;; esac
export TARGET_DIR
DIST_DIR="${DIST_DIR:-dist}"
case "$DIST_DIR" in /*) ;; *) DIST_DIR="$root/$DIST_DIR" ;; esac
mkdir -p "$DIST_DIR"
export PIP_DISABLE_PIP_VERSION_CHECK=1

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(c java node go python rust)
for p in "${parts[@]}"; do
    case "$p" in c | java | node | go | python | rust) ;; *) echo "dist: unknown part $p" >&2; exit 2 ;; esac
done
want() { local p; for p in "${parts[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

version="$(awk '/^\[workspace\.package\]/ {p = 1; next} /^\[/ {p = 0}
                p && $1 == "version" {gsub(/"/, "", $3); print $3; exit}' Cargo.toml)"
soname="libpterodactyl.so.${version%%.*}"
triple=x86_64-unknown-linux-gnu
glibc=2.17

work="$(mktemp -d)"
# shellcheck source=../tests/dist/panel.sh
. "$root/tests/dist/panel.sh"
trap 'stop_panel; rm -rf "$work"' EXIT
start_panel "$work"
key="$(owner_key)"

ok() { echo "dist: ok: $1"; }
fail() { echo "dist: FAILED: $1" >&2; exit 1; }
# Runs a command with its output in a log, shown only when it fails.
quiet() { # name command...
    local name=$1 log="$work/$1.log"
    shift
    "$@" >"$log" 2>&1 || { tail -n 80 "$log" >&2; fail "$name"; }
}

# ---- the native library -------------------------------------------------------------------
# Tools from PyPI, in a venv under target/.
tools="$TARGET_DIR/dist-tools/venv"
if ! "$tools/bin/python" -m pip install -q --dry-run --no-index "cargo-zigbuild>=0.19,<1" "ziglang>=0.13,<0.16" \
    >/dev/null 2>&1; then
    echo "dist: installing cargo-zigbuild and ziglang into $tools"
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q "cargo-zigbuild>=0.19,<1" "ziglang>=0.13,<0.16"
fi
native_target="$TARGET_DIR/dist/cargo"
native="$native_target/$triple/release"
stage="$work/native"   # libpterodactyl.so (a plain file) for the jar and the npm package
if want c || want java || want node || want go; then
    echo "dist: building libpterodactyl $version (release, glibc $glibc, SONAME $soname)"
    quiet native-build env PATH="$tools/bin:$PATH" PTERODACTYL_SONAME="$soname" CARGO_TARGET_DIR="$native_target" \
        cargo zigbuild --release -p pterodactyl-ffi --target "$triple.$glibc"
    so="$native/libpterodactyl.so"
    [ "$(LC_ALL=C readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')" = "$soname" ] ||
        fail "the library's SONAME is not $soname"
    newest="$(LC_ALL=C objdump -T "$so" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n1)"
    [ "$(printf '%s\n%s\n' "$newest" "$glibc" | sort -V | tail -n1)" = "$glibc" ] ||
        fail "the library needs glibc $newest (more than $glibc)"
    exported="$(nm -D --defined-only "$so" | awk '{print $3}')"
    grep -qv '^ptero_' <<<"$exported" && fail "the library exports more than ptero_*"
    ok "libpterodactyl.so: SONAME $soname, glibc $newest at most, $(wc -l <<<"$exported") ptero_* symbols"
    mkdir -p "$stage"
    cp "$so" "$stage/libpterodactyl.so"
fi

# ---- C ----------------------------------------------------------------------------------------
c_name="libpterodactyl-$version-x86_64-linux-gnu"
c_tarball="$DIST_DIR/$c_name.tar.gz"
c_prefix="$work/unpacked/$c_name"   # the unpacked tarball, for the C and Go checks
if want c || want go; then
    quiet c-install env TARGET_DIR="$native_target/$triple" PROFILE=release ffi/install.sh "$work/c/$c_name"
    tar -C "$work/c" -czf "$c_tarball" --owner=0 --group=0 "$c_name"
    mkdir -p "$work/unpacked"
    tar -C "$work/unpacked" -xzf "$c_tarball"
    for f in "lib/libpterodactyl.so.$version" "lib/$soname" lib/libpterodactyl.so lib/libpterodactyl.a \
        include/pterodactyl.h lib/pkgconfig/pterodactyl.pc lib/cmake/pterodactyl/pterodactylConfig.cmake; do
        [ -e "$c_prefix/$f" ] || fail "the C tarball lacks $f"
    done
    [ "$(readlink "$c_prefix/lib/$soname")" = "libpterodactyl.so.$version" ] &&
        [ "$(readlink "$c_prefix/lib/libpterodactyl.so")" = "$soname" ] || fail "the C tarball's symlinks"
    ok "$(basename "$c_tarball")"
fi
if want c; then
    export PKG_CONFIG_PATH="$c_prefix/lib/pkgconfig"
    # shellcheck disable=SC2046 # pkg-config's output is a list of flags
    quiet c-pkg-config cc -std=c11 -Wall -Wextra -Wpedantic -Werror tests/c/consumer/consumer.c -o "$work/consumer_pc" \
        $(pkg-config --cflags --libs pterodactyl) -Wl,-rpath,"$(pkg-config --variable=libdir pterodactyl)"
    unset PKG_CONFIG_PATH
    grep -q "NEEDED.*\[$soname\]" <<<"$(LC_ALL=C readelf -d "$work/consumer_pc")" || fail "the consumer does not need $soname"
    quiet c-pkg-config-run "$work/consumer_pc" "$PTERO_TEST_URL" "$key"
    ok "a C consumer built with pkg-config against the unpacked tarball (needs $soname)"
    quiet c-cmake cmake -S tests/c/consumer -B "$work/cmake" -DCMAKE_PREFIX_PATH="$c_prefix"
    quiet c-cmake-build cmake --build "$work/cmake"
    quiet c-cmake-shared "$work/cmake/consumer_shared" "$PTERO_TEST_URL" "$key"
    quiet c-cmake-static "$work/cmake/consumer_static" "$PTERO_TEST_URL" "$key"
    ok "a C consumer built with CMake find_package(pterodactyl), shared and static"
fi

# ---- Java -------------------------------------------------------------------------------------
if want java; then
    jar="$DIST_DIR/pterodactyl-client-$version.jar"
    quiet java-package bash -c "cd bindings/java && mvn -B -ntp package -DskipTests \
        -Dpterodactyl.native.dir='$stage' -Dpterodactyl.build.dir='$TARGET_DIR/dist/java'"
    cp "$TARGET_DIR/dist/java/pterodactyl-client-$version.jar" "$jar"
    cp bindings/java/pom.xml "$DIST_DIR/pterodactyl-client-$version.pom"
    grep -q ' linux-x86-64/libpterodactyl.so$' <<<"$(unzip -l "$jar")" || fail "the jar lacks linux-x86-64/libpterodactyl.so"
    # Installed as Maven installs it, then used by a project that only names it as a dependency.
    rm -rf "${HOME}/.m2/repository/io/github/pterodactylclient"
    quiet java-install bash -c "cd bindings/java && mvn -B -ntp \
        org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file -Dfile='$jar' \
        -DpomFile='$DIST_DIR/pterodactyl-client-$version.pom'"
    quiet java-consumer bash -c "cd tests/dist/java && mvn -B -ntp test -Dbuild.dir='$work/java-consumer'"
    ok "$(basename "$jar"): installed, a Maven project loads the library from the jar and calls the panel"
fi

# ---- Node -------------------------------------------------------------------------------------
if want node; then
    node_dir=bindings/node
    mkdir -p "$node_dir/native/linux-x64"
    cp "$stage/libpterodactyl.so" "$node_dir/native/linux-x64/libpterodactyl.so"
    if [ ! -d "$node_dir/node_modules" ]; then
        quiet npm-ci bash -c "cd $node_dir && npm ci --no-audit --no-fund"
    fi
    quiet npm-pack bash -c "cd $node_dir && npm pack --pack-destination '$DIST_DIR'"
    tgz="$DIST_DIR/pterodactyl-client-$version.tgz"
    grep -qx 'package/native/linux-x64/libpterodactyl.so' <<<"$(tar -tzf "$tgz")" || fail "the npm tarball lacks the library"
    mkdir -p "$work/node-consumer"
    cp tests/dist/node/consumer.mjs "$work/node-consumer/"
    printf '{"name": "consumer", "private": true, "type": "module"}\n' >"$work/node-consumer/package.json"
    quiet npm-install bash -c "cd '$work/node-consumer' && npm install --no-audit --no-fund '$tgz'"
    quiet node-consumer env -u PTERODACTYL_LIBRARY node "$work/node-consumer/consumer.mjs" "$PTERO_TEST_URL" "$key"
    ok "$(basename "$tgz"): installed with npm, loads its own library and calls the panel"
fi

# ---- Go ---------------------------------------------------------------------------------------
if want go; then
    go_name="pterodactyl-go-$version"
    go_stage="$work/go/$go_name"
    mkdir -p "$go_stage/pterodactyl" "$go_stage/include"
    cp bindings/go/go.mod "$go_stage/"
    cp bindings/go/README.md "$go_stage/"
    find bindings/go/pterodactyl -maxdepth 1 -name '*.go' ! -name '*_test.go' -exec cp {} "$go_stage/pterodactyl/" \;
    cp include/pterodactyl.h "$go_stage/include/"
    go_tarball="$DIST_DIR/$go_name.tar.gz"
    tar -C "$work/go" -czf "$go_tarball" --owner=0 --group=0 "$go_name"
    mkdir -p "$work/go-unpacked" "$work/go-consumer"
    tar -C "$work/go-unpacked" -xzf "$go_tarball"
    cp tests/dist/go/main.go "$work/go-consumer/"
    module="$(sed -n 's/^module //p' bindings/go/go.mod)"
    cat >"$work/go-consumer/go.mod" <<GOMOD
module consumer

go 1.19

require $module v0.0.0

replace $module => $work/go-unpacked/$go_name
GOMOD
    quiet go-consumer-build bash -c "cd '$work/go-consumer' && \
        CGO_LDFLAGS='-L$c_prefix/lib -Wl,-rpath,$c_prefix/lib' go build -o consumer ."
    grep -q "NEEDED.*\[$soname\]" <<<"$(LC_ALL=C readelf -d "$work/go-consumer/consumer")" ||
        fail "the Go consumer does not need $soname"
    quiet go-consumer "$work/go-consumer/consumer" "$PTERO_TEST_URL" "$key"
    ok "$(basename "$go_tarball"): a module using it through a replace directive and CGO_LDFLAGS calls the panel"
fi

# ---- Python -----------------------------------------------------------------------------------
if want python; then
    wheel="$(WHEEL_DIR="$work/wheels" python/build-wheel.sh 2>"$work/wheel.log" | tail -n1)" ||
        { tail -n 80 "$work/wheel.log" >&2; fail "python/build-wheel.sh"; }
    cp "$wheel" "$DIST_DIR/"
    build_venv="$TARGET_DIR/python/build-venv"
    "$build_venv/bin/auditwheel" show "$wheel" >"$work/auditwheel.log"
    grep -q 'manylinux_2_17_x86_64' "$work/auditwheel.log" || { cat "$work/auditwheel.log" >&2; fail "auditwheel"; }
    ok "$(basename "$wheel"): auditwheel show: manylinux_2_17_x86_64 (manylinux2014), abi3"
    quiet sdist "$build_venv/bin/maturin" sdist --manifest-path python/Cargo.toml --out "$work/sdist"
    sdist="$(ls "$work"/sdist/*.tar.gz)"
    cp "$sdist" "$DIST_DIR/"
    check_python() { # name what-to-install
        local venv="$work/venv-$1"
        python3 -m venv "$venv"
        quiet "pip-install-$1" env CARGO_TARGET_DIR="$TARGET_DIR/dist/sdist" "$venv/bin/python" -m pip install "$2"
        quiet "python-$1" "$venv/bin/python" -c "
import sys, pterodactyl
with pterodactyl.Client(sys.argv[1], sys.argv[2]) as c:
    assert c.call('server.get', server='d3aac109')['name'] == 'Survival'
" "$PTERO_TEST_URL" "$key"
    }
    check_python wheel "$wheel"
    ok "the wheel installs into a fresh venv and calls the panel"
    echo "dist: building the sdist with pip (compiles the Rust core; slow the first time)"
    check_python sdist "$sdist"
    ok "$(basename "$sdist"): pip install builds it from source and it calls the panel"
fi

# ---- Rust -------------------------------------------------------------------------------------
if want rust; then
    quiet cargo-package cargo package -p pterodactyl-client --allow-dirty
    crate="$TARGET_DIR/package/pterodactyl-client-$version.crate"
    cp "$crate" "$DIST_DIR/"
    quiet cargo-doc env RUSTDOCFLAGS="-D warnings" cargo doc -p pterodactyl-client --no-deps
    ok "$(basename "$crate"): cargo package (built and verified), docs without warnings"
fi

echo "dist: artifacts in $DIST_DIR:"
ls -1 "$DIST_DIR" | sed 's/^/  /'
