#!/usr/bin/env bash
# Starts the fake panel on a free port, runs the Rust, C and Python examples against it (the same
# story in two acts: servers, power, allocations, settings, activity; then a backup, a schedule,
# a subuser and a file), resetting the panel between them, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR=${TARGET_DIR:-target}
bin=${FAKE_PANEL_BIN:-$TARGET_DIR/debug/fake-panel}

fifo=$(mktemp -u); mkfifo "$fifo"
"$bin" --port 0 >"$fifo" &
panel=$!
trap 'kill $panel 2>/dev/null || true; rm -f "$fifo"' EXIT
read -r url <"$fifo"
export PTERO_URL=$url
export PTERO_KEY=$(sed -n 's/^pub const OWNER_KEY: &str = "\(.*\)";/\1/p' tests/panel/src/lib.rs)

reset() { curl -fsS -X POST "$url/__fake/reset" >/dev/null; }

echo "### fake panel listening on $url"
echo; echo "### Rust example (core/examples/story.rs)"
"$TARGET_DIR/debug/examples/story"
if [ -x examples/c/run.sh ]; then
  reset; echo; echo "### C example (examples/c/story.c)"
  examples/c/run.sh
fi
if [ -x examples/python/run.sh ]; then
  reset; echo; echo "### Python example (examples/python/story.py)"
  examples/python/run.sh
fi
echo; echo "### demo finished; fake panel stopped"
