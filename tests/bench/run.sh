#!/usr/bin/env bash
# `make bench`: per-call cost of every surface of pterodactyl-client, side by side in one run,
# against nginx serving panel-shaped JSON on loopback (HTTP and HTTPS), with wrk -t1 -c1 as the
# single-connection ceiling and the Rust peer (pterodactyl_api), py-dactyl, bare requests and bare
# reqwest as reference points.
#
# Never part of `make test`, never pass/fail on timings: it prints (and writes to
# tests/bench/results.md) one markdown table of medians over interleaved rounds.
#
# Environment (all optional):
#   BENCH_ROUNDS=5        interleaved rounds (medians are taken over them)
#   BENCH_SECONDS=1       seconds per client/operation/protocol in each round
#   BENCH_THREADS=8       threads of the "N threads sharing one client" rows
#   BENCH_CLIENTS=...     comma list to run a subset (see bench.py --help for the names)
#   BENCH_OPS=small,large,post   BENCH_PROTOS=http,https
#   BENCH_OUT=tests/bench/results.md   ("-" to write no file)
#   TARGET_DIR            the main workspace's target dir (the Makefile sets it)
#   BENCH_TARGET_DIR      target dir of the bench's own cargo project (default: TARGET_DIR)
#   BENCH_VENV            the bench's virtualenv (default: .venv-bench at the repo root)
#   BENCH_SKIP_BUILD=1    reuse what is built; build nothing
#   BENCH_PIN=same       same: nginx, wrk and the one-thread clients share one CPU (the steady
#                         figure: a cross-CPU wake-up costs more than a whole call on some VMs);
#                         none: let the scheduler place everything
#   BENCH_SERVE=1         start nginx, print its URLs and serve until stopped (for profiling)
#   BENCH_ASYNC=0         skip the async part (500 servers' resources, 64 calls in flight,
#                         tests/bench/async.py); BENCH_ASYNC=only runs nothing else
#   BENCH_ASYNC_ROUNDS=5  BENCH_ASYNC_BATCHES=5   its rounds, and measured batches per round
#   BENCH_ASYNC_CLIENTS=...  its rows, a comma list (see async.py --help)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}}"
BENCH_TARGET_DIR="${BENCH_TARGET_DIR:-$TARGET_DIR}"
VENV="${BENCH_VENV:-$ROOT/.venv-bench}"
PY="${PYTHON:-python3}"
SKIP_BUILD="${BENCH_SKIP_BUILD:-0}"

say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# --- tools: nginx, wrk, openssl, python3-venv, a C compiler -----------------------------------
find_nginx() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}
need_apt=()
[ -n "$(find_nginx)" ] || need_apt+=(nginx-light)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v cc >/dev/null || need_apt+=(gcc)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  # nginx-light is the smallest nginx with TLS; fall back to plain nginx where it is not packaged.
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null; then
    alt=("${need_apt[@]/nginx-light/nginx}")
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${alt[@]}" >/dev/null
  fi
fi
NGINX="$(find_nginx)"
[ -n "$NGINX" ] || { say "nginx is not installed and could not be installed"; exit 1; }

# --- the bench's virtualenv: py-dactyl (latest), requests ------------------------------------
make_venv() {
  "$PY" -m venv "$VENV" 2>/dev/null && return 0
  rm -rf "$VENV"
  say "python3 -m venv failed; installing python3-venv"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  "$PY" -m venv "$VENV"
}
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  make_venv
fi
VPY="$VENV/bin/python"
# The latest py-dactyl each run (what a user would get today); an offline run keeps what is there.
if [ "$SKIP_BUILD" != 1 ] || ! "$VPY" -c 'import pydactyl, requests' 2>/dev/null; then
  say "installing the latest py-dactyl and requests into $VENV"
  "$VPY" -m pip install -q --disable-pip-version-check --upgrade py-dactyl requests \
    || "$VPY" -c 'import pydactyl, requests' 2>/dev/null \
    || { say "cannot install py-dactyl and requests"; exit 1; }
fi

# --- builds ------------------------------------------------------------------------------------
RUST_BIN="$BENCH_TARGET_DIR/release/ptero-bench"
if [ "$SKIP_BUILD" != 1 ]; then
  say "building the Rust bench (release)"
  CARGO_TARGET_DIR="$BENCH_TARGET_DIR" cargo build --release --quiet --manifest-path "$HERE/Cargo.toml"
fi
[ -x "$RUST_BIN" ] || { say "missing $RUST_BIN"; exit 1; }

# The C library: a release build of the ffi crate; the C bench links it (skipped if not there yet).
C_BIN=""
C_ASYNC_BIN=""
C_SKIP=""
HEADER="$ROOT/include/pterodactyl.h"
if ! grep -rqs ptero_client_new "$ROOT/ffi/src" || ! grep -qs ptero_client_new "$HEADER"; then
  C_SKIP="the C library is not there yet (no ptero_client_new in ffi/src or include/pterodactyl.h)"
else
  if [ "$SKIP_BUILD" != 1 ]; then
    say "building libpterodactyl (release)"
    CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release --quiet -p pterodactyl-ffi || C_SKIP="cargo build --release -p pterodactyl-ffi failed"
  fi
  LIBDIR="$TARGET_DIR/release"
  if [ -z "$C_SKIP" ] && [ ! -f "$LIBDIR/libpterodactyl.so" ]; then
    C_SKIP="$LIBDIR/libpterodactyl.so is missing"
  fi
  if [ -z "$C_SKIP" ]; then
    mkdir -p "$BENCH_TARGET_DIR/c"
    C_BIN="$BENCH_TARGET_DIR/c/ptero-bench-c"
    if ! cc -std=c11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -I "$ROOT/include" "$HERE/bench.c" \
         -o "$C_BIN" -L "$LIBDIR" -Wl,-rpath,"$LIBDIR" -lpterodactyl -lpthread 2>"$BENCH_TARGET_DIR/c/cc.log"; then
      C_SKIP="the C bench does not compile against include/pterodactyl.h (see $BENCH_TARGET_DIR/c/cc.log)"
      C_BIN=""
    fi
    C_ASYNC_BIN="$BENCH_TARGET_DIR/c/ptero-async-bench-c"
    if [ -n "$C_BIN" ] && ! cc -std=c11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -I "$ROOT/include" "$HERE/async_bench.c" \
         -o "$C_ASYNC_BIN" -L "$LIBDIR" -Wl,-rpath,"$LIBDIR" -lpterodactyl -lpthread 2>"$BENCH_TARGET_DIR/c/async-cc.log"; then
      C_ASYNC_BIN=""
    fi
  fi
fi
[ -z "$C_SKIP" ] || say "skipping the C rows: $C_SKIP"

# The Python package: its release wheel (python/build-wheel.sh, maturin), installed into the venv.
PY_SKIP=""
if [ ! -f "$ROOT/python/pyproject.toml" ]; then
  PY_SKIP="the Python package is not there yet (no python/pyproject.toml)"
elif [ "$SKIP_BUILD" != 1 ]; then
  say "building the Python wheel (release)"
  log="$BENCH_TARGET_DIR/bench-wheel.log"
  mkdir -p "$BENCH_TARGET_DIR"
  wheel=""
  if [ -x "$ROOT/python/build-wheel.sh" ]; then
    wheel="$(TARGET_DIR="$TARGET_DIR" PYTHON="$VPY" "$ROOT/python/build-wheel.sh" 2>"$log" | tail -n1)" || wheel=""
  else
    "$VPY" -m pip install -q --disable-pip-version-check "maturin>=1.9.4,<2" >"$log" 2>&1 || true
    rm -rf "$TARGET_DIR/bench-wheels"
    if CARGO_TARGET_DIR="$TARGET_DIR" "$VENV/bin/maturin" build --release -m "$ROOT/python/Cargo.toml" \
         -i "$VPY" -o "$TARGET_DIR/bench-wheels" >>"$log" 2>&1; then
      wheel="$(ls "$TARGET_DIR"/bench-wheels/*.whl | head -n1)"
    fi
  fi
  if [ -n "$wheel" ] && [ -f "$wheel" ]; then
    "$VPY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
  else
    PY_SKIP="the Python wheel did not build (see $log)"
  fi
fi
if [ -z "$PY_SKIP" ] && ! "$VPY" -c 'import pterodactyl; pterodactyl.Client' 2>/dev/null; then
  PY_SKIP="the pterodactyl package does not import in $VENV"
fi
[ -z "$PY_SKIP" ] || say "skipping the Python package rows: $PY_SKIP"

# --- nginx in a temp prefix, as the current user -----------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ptero-bench.XXXXXX")"
NGINX_UP=0
cleanup() {
  if [ "$NGINX_UP" = 1 ] && [ -f "$WORK/nginx.pid" ]; then
    "$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -f "$WORK/nginx.pid" ] || break; sleep 0.1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK/tmp" "$WORK/fixtures"

"$PY" "$HERE/gen_fixtures.py" "$WORK/fixtures"
SERVER_ID="$(head -n1 "$WORK/fixtures/ids.txt")"

# A private CA and a server certificate for 127.0.0.1/localhost signed by it; every client
# trusts the CA explicitly (rustls refuses a CA certificate used as the server's own).
(
  cd "$WORK"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=ptero-bench CA" -keyout ca.key -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
    -keyout server.key -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out server.crt 2>/dev/null
)

read -r HTTP_PORT HTTPS_PORT < <("$PY" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)
USER_LINE=""
[ "$(id -u)" -ne 0 ] || USER_LINE="user $(id -un) $(id -gn);"
# Placement: with BENCH_PIN=same (default) nginx's worker runs on the first CPU this process may
# use, and bench.py pins wrk and the one-thread clients there too.
PIN_CPU=-1
AFFINITY_LINE=""
if [ "${BENCH_PIN:-same}" = same ]; then
  PIN_CPU="$("$PY" -c 'import os; print(min(os.sched_getaffinity(0)))')"
  AFFINITY_LINE="worker_cpu_affinity 1$(printf '%*s' "$PIN_CPU" '' | tr ' ' 0);"
fi
sed -e "s|@DIR@|$WORK|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
    -e "s|@USER_LINE@|$USER_LINE|g" -e "s|@AFFINITY_LINE@|$AFFINITY_LINE|g" \
    "$HERE/nginx.conf.in" > "$WORK/nginx.conf"
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/error.log" -t -q 2>"$WORK/nginx-t.log" || {
  cat "$WORK/nginx-t.log" >&2; say "nginx rejected its configuration"; exit 1; }
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/error.log"
NGINX_UP=1
"$PY" - "$HTTP_PORT" "$HTTPS_PORT" <<'EOF'
import socket, sys, time
for port in map(int, sys.argv[1:]):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        sys.exit("nginx did not come up on port %d" % port)
EOF
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$HTTP_PORT (http) and :$HTTPS_PORT (https)"

# BENCH_SERVE=1: only serve (for profiling by hand); stop with Ctrl-C or a TERM.
if [ "${BENCH_SERVE:-0}" = 1 ]; then
  say "serving until stopped: BENCH_HTTP=http://127.0.0.1:$HTTP_PORT BENCH_HTTPS=https://127.0.0.1:$HTTPS_PORT BENCH_CA=$WORK/ca.pem BENCH_ID=$SERVER_ID"
  while :; do sleep 3600 & wait $!; done
fi

# --- measure -----------------------------------------------------------------------------------
args=(
  --http "http://127.0.0.1:$HTTP_PORT"
  --https "https://127.0.0.1:$HTTPS_PORT"
  --ca "$WORK/ca.pem"
  --server-id "$SERVER_ID"
  --fixtures "$WORK/fixtures"
  --rust "$RUST_BIN"
  --venv-python "$VPY"
  --rounds "${BENCH_ROUNDS:-5}"
  --seconds "${BENCH_SECONDS:-1}"
  --threads "${BENCH_THREADS:-8}"
  --out "${BENCH_OUT:-$HERE/results.md}"
  --pin-cpu "$PIN_CPU"
)
[ -n "$C_BIN" ] && args+=(--c "$C_BIN") || args+=(--skip-c "$C_SKIP")
[ -z "$PY_SKIP" ] || args+=(--skip-python "$PY_SKIP")
[ -z "${BENCH_CLIENTS:-}" ] || args+=(--clients "$BENCH_CLIENTS")
[ -z "${BENCH_OPS:-}" ] || args+=(--ops "$BENCH_OPS")
[ -z "${BENCH_PROTOS:-}" ] || args+=(--protos "$BENCH_PROTOS")
ASYNC="${BENCH_ASYNC:-1}"
[ "$ASYNC" = only ] || "$PY" "$HERE/bench.py" "${args[@]}"
# The async part: 500 servers' resources with 64 calls in flight, on the same nginx.
if [ "$ASYNC" != 0 ]; then
  async_args=(
    --http "http://127.0.0.1:$HTTP_PORT"
    --https "https://127.0.0.1:$HTTPS_PORT"
    --ca "$WORK/ca.pem"
    --rust "$BENCH_TARGET_DIR/release/ptero-async-bench"
    --venv-python "$VPY"
    --rounds "${BENCH_ASYNC_ROUNDS:-5}"
    --batches "${BENCH_ASYNC_BATCHES:-5}"
    --threads "${BENCH_THREADS:-8}"
  )
  if [ -n "$C_ASYNC_BIN" ]; then async_args+=(--c "$C_ASYNC_BIN")
  else async_args+=(--skip-c "${C_SKIP:-async_bench.c does not compile (see $BENCH_TARGET_DIR/c/async-cc.log)}"); fi
  [ -z "$PY_SKIP" ] || async_args+=(--skip-python "$PY_SKIP")
  [ -z "${BENCH_PROTOS:-}" ] || async_args+=(--protos "$BENCH_PROTOS")
  [ -z "${BENCH_ASYNC_CLIENTS:-}" ] || async_args+=(--clients "$BENCH_ASYNC_CLIENTS")
  [ "${BENCH_OUT:-}" != - ] || async_args+=(--out -)
  "$PY" "$HERE/async.py" "${async_args[@]}"
fi
[ "$ASYNC" != only ] || exit 0
BENCH_PYTHON="$VPY" BENCH_SKIP_BUILD="$SKIP_BUILD" TARGET_DIR="$TARGET_DIR" BENCH_TARGET_DIR="$BENCH_TARGET_DIR" "$HERE/console.sh"
# The transfer bench (1 GiB down and up per surface, next to curl; BENCH_TRANSFER=0 skips it).
[ "${BENCH_TRANSFER:-1}" = 0 ] || BENCH_SKIP_BUILD="$SKIP_BUILD" TARGET_DIR="$TARGET_DIR" BENCH_TARGET_DIR="$BENCH_TARGET_DIR" BENCH_VENV="$VENV" "$HERE/transfer.sh"
