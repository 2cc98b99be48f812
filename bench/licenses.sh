#!/usr/bin/env bash
# Load test: POST /api/v1/licenses/verify (anyone may call it) with the demo
# enterprise's 营业执照, sealed with Ed25519, under wrk: signature, key,
# validity and the licence's live state from the database for every
# request. Also measures, in the same run, a hello-world net/http server
# and the raw in-process Ed25519 verify rate (bench/licverify), and
# reports the ratios. Target: at least 5,000 verifications/s.
#
# Usage: bench/licenses.sh [duration, default 15s] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /usr/local/go/bin ] && export PATH="/usr/local/go/bin:$PATH"
dur="${1:-15s}"
conns="${2:-64}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/digigov" ./cmd/digigov
go build -o "$tmp/hello" ./bench/hello
go build -o "$tmp/licverify" ./bench/licverify

"$tmp/hello" -addr 127.0.0.1:18191 & pids+=($!)
DIGIGOV_LOG_LEVEL=error "$tmp/digigov" serve --demo --data "$tmp/data" --addr 127.0.0.1:18192 >/dev/null & pids+=($!)
for i in $(seq 100); do curl -sf http://127.0.0.1:18192/readyz >/dev/null && break; sleep 0.1; done
token="$(DIGIGOV_LOG_LEVEL=error "$tmp/digigov" user token --data "$tmp/data" --username enterprise --name bench)"
jws="$(curl -sf -H "Authorization: Bearer $token" http://127.0.0.1:18192/api/v1/licenses/mine | sed -E 's/.*"jws":"([^"]+)".*/\1/')"
body="{\"jws\":\"$jws\"}"
verdict="$(curl -sf -H "Content-Type: application/json" -d "$body" http://127.0.0.1:18192/api/v1/licenses/verify)"
grep -q '"verdict":"valid"' <<<"$verdict" || { echo "the demo licence does not verify: $verdict"; exit 1; }
grep -q '"alg":"EdDSA"' <<<"$verdict" || { echo "the demo licence is not Ed25519: $verdict"; exit 1; }

cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.body = [[$body]]
wrk.headers["Content-Type"] = "application/json"
LUA
rate() {
  local out; out="$(wrk -t"${WRK_THREADS:-2}" -c"$conns" -d"$dur" --latency "$@")"
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx responses: $out" >&2; exit 1; fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out")"
}
wrk -t2 -c"$conns" -d2s http://127.0.0.1:18191/ >/dev/null   # warm up
read -r hello _ <<<"$(rate http://127.0.0.1:18191/)"
read -r verify p99 <<<"$(rate -s "$tmp/post.lua" http://127.0.0.1:18192/api/v1/licenses/verify)"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=()
raw="$("$tmp/licverify" -d 5s | awk '$1 == "EdDSA" {print $4}')"
echo "hello-world:                   $hello req/s"
echo "POST /api/v1/licenses/verify:  $verify req/s, p99 $p99 (Ed25519, wrk -t${WRK_THREADS:-2} -c$conns -d$dur)"
echo "raw Ed25519 verify, one core:  $raw /s"
awk -v v="$verify" -v h="$hello" -v r="$raw" 'BEGIN { printf "ratios: %.0f%% of hello-world, %.0f%% of one core'"'"'s raw Ed25519 verify\n", 100*v/h, 100*v/r }'
