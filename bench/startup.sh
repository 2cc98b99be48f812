#!/usr/bin/env bash
# Start-up to ready, and resident memory at idle. Targets: ready in under
# 500 ms with the embedded regions (after the build), under 80 MB resident.
# Measures a fresh data directory (first start: schema, node key) and a
# second start on the same directory, five times each.
#
# Usage: bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /usr/local/go/bin ] && export PATH="/usr/local/go/bin:$PATH"
tmp="$(mktemp -d)"
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/digigov" ./cmd/digigov

pid=""
ms=0
start_node() { # data-dir; sets pid and ms (from exec to /readyz answering 200)
  local start end
  start=$(date +%s%N)
  DIGIGOV_LOG_LEVEL=error "$tmp/digigov" serve --data "$1" --addr 127.0.0.1:18183 >/dev/null &
  pid=$!
  until curl -sf http://127.0.0.1:18183/readyz >/dev/null; do sleep 0.005; done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
}
stop_node() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

for i in 1 2 3 4 5; do
  start_node "$tmp/d$i"; first=$ms; stop_node
  start_node "$tmp/d$i"; again=$ms
  if [ "$i" = 5 ]; then
    sleep 3
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  fi
  stop_node
  echo "run $i: first start ${first} ms, restart ${again} ms"
done
echo "resident memory at idle after start: $((rss / 1024)) MB"
