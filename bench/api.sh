#!/usr/bin/env bash
# Load test: authenticated GET /api/v1/regions/{code} under wrk, against a
# hello-world net/http server measured in the same run. Target: digigov at
# least 40% of hello-world's requests per second.
#
# Usage: bench/api.sh [duration, default 10s]   (installs wrk from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /usr/local/go/bin ] && export PATH="/usr/local/go/bin:$PATH"
dur="${1:-10s}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/digigov" ./cmd/digigov
go build -o "$tmp/hello" ./bench/hello

"$tmp/hello" -addr 127.0.0.1:18181 & pids+=($!)
DIGIGOV_LOG_LEVEL=error "$tmp/digigov" serve --demo --data "$tmp/data" --addr 127.0.0.1:18182 >/dev/null & pids+=($!)
for i in $(seq 100); do curl -sf http://127.0.0.1:18182/readyz >/dev/null && break; sleep 0.1; done
token="$(DIGIGOV_LOG_LEVEL=error "$tmp/digigov" user token --data "$tmp/data" --username officer --name bench)"
curl -sf -H "Authorization: Bearer $token" http://127.0.0.1:18182/api/v1/regions/440106 >/dev/null

# rate prints requests/s, and fails if any response was not 2xx/3xx.
rate() {
  local out; out="$(wrk -t2 -c64 -d"$dur" "$@")"
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx responses: $out" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
wrk -t2 -c64 -d2s http://127.0.0.1:18181/ >/dev/null   # warm up
hello="$(rate http://127.0.0.1:18181/)"
api="$(rate -H "Authorization: Bearer $token" http://127.0.0.1:18182/api/v1/regions/440106)"
echo "hello-world:                 $hello req/s"
echo "GET /api/v1/regions/440106:  $api req/s (authenticated)"
awk -v a="$api" -v h="$hello" 'BEGIN { printf "ratio: %.0f%% of hello-world (target >= 40%%)\n", 100*a/h }'
