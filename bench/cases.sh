#!/usr/bin/env bash
# Load test: case submission through the HTTP API (authenticated, with a
# material's metadata; the case, its event, its audit entry and its outbox
# event written in one transaction) on SQLite, under wrk. Targets: at least
# 3,000 submissions/s sustained with p99 under 100 ms. Also measures the raw
# single-row insert rate of the same database setup in the same run and
# reports the ratio.
#
# Usage: bench/cases.sh [duration, default 20s] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /usr/local/go/bin ] && export PATH="/usr/local/go/bin:$PATH"
dur="${1:-20s}"
conns="${2:-32}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# DIGIGOV_BIN runs an already built binary (to compare two builds A/B).
if [ -n "${DIGIGOV_BIN:-}" ]; then cp "$DIGIGOV_BIN" "$tmp/digigov"; else go build -o "$tmp/digigov" ./cmd/digigov; fi
go build -o "$tmp/rawinsert" ./bench/rawinsert

DIGIGOV_LOG_LEVEL=error "$tmp/digigov" serve --demo --data "$tmp/data" --addr 127.0.0.1:18184 >/dev/null &
pid=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:18184/readyz >/dev/null && break; sleep 0.1; done
token="$(DIGIGOV_LOG_LEVEL=error "$tmp/digigov" user token --data "$tmp/data" --username citizen --name bench)"

# A photo to attach: a JPEG header is enough for the type check.
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00' > "$tmp/photo.jpg"
head -c 20000 /dev/urandom >> "$tmp/photo.jpg"
material="$(curl -sf -H "Authorization: Bearer $token" -F "file=@$tmp/photo.jpg;type=image/jpeg" \
  "http://127.0.0.1:18184/api/v1/materials?field=photo")"
sha="$(sed -E 's/.*"sha256":"([0-9a-f]+)".*/\1/' <<<"$material")"

# The demo citizen's own ID number, as the form asks for it.
idn="$(go run ./bench/idnumber 440106 1990-05-12 31)"
body="{\"item_code\":\"HRSS-0001\",\"decide_in\":\"440106\",\"form\":{\"applicant_name\":\"张明\",\"id_number\":\"$idn\",\"phone\":\"13800138000\",\"photo\":\"$sha\",\"bank\":\"中国银行\",\"delivery\":\"邮寄到家\"},\"materials\":[$material]}"
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H "Content-Type: application/json" -d "$body" http://127.0.0.1:18184/api/v1/cases \
  || { echo "a single submission failed:"; curl -s -H "Authorization: Bearer $token" -H "Content-Type: application/json" -d "$body" http://127.0.0.1:18184/api/v1/cases; exit 1; }

cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.body = [[$body]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
out="$(wrk -t"${WRK_THREADS:-2}" -c"$conns" -d"$dur" --latency -s "$tmp/post.lua" http://127.0.0.1:18184/api/v1/cases)"
if grep -q "Non-2xx" <<<"$out"; then echo "$out"; echo "non-2xx responses"; exit 1; fi
rate="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
raw="$("$tmp/rawinsert" -dir "$tmp" -n 20000)"
echo "case submissions: $rate /s, p50 $p50, p99 $p99 (wrk -t${WRK_THREADS:-2} -c$conns -d$dur)"
echo "raw single-row inserts, same database setup: $raw /s"
awk -v a="$rate" -v r="$raw" 'BEGIN { printf "ratio: %.0f%% of the raw insert rate\n", 100*a/r }'
