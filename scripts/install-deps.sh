#!/usr/bin/env bash
# Installs what the build and the suites need on a fresh Debian machine; quick when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v curl >/dev/null || need_apt+=(curl)
command -v g++ >/dev/null || need_apt+=(g++)
python3 -m venv --help >/dev/null 2>&1 || need_apt+=(python3-venv)
# The Java, Node and Go bindings (bindings/): JDK 17+, Maven, Node 18+ with npm, Go with cgo;
# unzip looks into the packed jar (scripts/dist.sh).
command -v javac >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v go >/dev/null || need_apt+=(golang-go)
command -v unzip >/dev/null || need_apt+=(unzip)
# cJSON: the C tests and examples/c read results with a real JSON parser.
pkg-config --exists libcjson 2>/dev/null || [ -f /usr/include/cjson/cJSON.h ] || need_apt+=(libcjson-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt

# cbindgen, pinned: the committed header must be byte-identical to what this version writes.
want=$(sed -n 's/^CBINDGEN_VERSION=//p' ffi/gen-header.sh 2>/dev/null | tr -d '"' || true)
if [ -n "$want" ]; then
  have=$(cbindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    echo "installing cbindgen $want"
    cargo install cbindgen --version "$want" --locked --quiet
  fi
fi
