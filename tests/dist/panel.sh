# Sourced by bindings/run-tests.sh and scripts/dist.sh: starts the fake panel on a random port.
#
#   start_panel WORKDIR    exports PTERO_TEST_URL and FAKE_PANEL_BIN; stop_panel ends it
#
# FAKE_PANEL_BIN defaults to $TARGET_DIR/debug/fake-panel (built when missing).

panel_pid=""

start_panel() {
    local work=$1 root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    FAKE_PANEL_BIN="${FAKE_PANEL_BIN:-$TARGET_DIR/debug/fake-panel}"
    if [ ! -x "$FAKE_PANEL_BIN" ]; then
        echo "building the fake panel into $TARGET_DIR" >&2
        (cd "$root" && CARGO_TARGET_DIR="$TARGET_DIR" cargo build -q -p fake-panel)
    fi
    export FAKE_PANEL_BIN
    "$FAKE_PANEL_BIN" --port 0 >"$work/panel.url" 2>"$work/panel.err" &
    panel_pid=$!
    for _ in $(seq 100); do
        [ -s "$work/panel.url" ] && break
        sleep 0.1
    done
    PTERO_TEST_URL="$(head -n1 "$work/panel.url")"
    case "$PTERO_TEST_URL" in
        http://127.0.0.1:*) ;;
        *) echo "the fake panel did not start:" >&2; cat "$work/panel.err" >&2; return 1 ;;
    esac
    export PTERO_TEST_URL
}

stop_panel() {
    if [ -n "$panel_pid" ]; then
        kill "$panel_pid" 2>/dev/null || true
        wait "$panel_pid" 2>/dev/null || true
        panel_pid=""
    fi
}

# The fake panel's seeded owner key, from its source.
owner_key() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    sed -n 's/^pub const OWNER_KEY: &str = "\(.*\)";/\1/p' "$root/tests/panel/src/lib.rs"
}
