#!/usr/bin/env bash
# Load test: event creation through the JSON API (a 12345 hotline ticket
# with a sealed phone number; its number, row, history step, audit entry
# and outbox event written in one transaction, after the routing rule and
# the duplicate search) on SQLite, under wrk. Target: at least 2,000
# events/s with p99 under 100 ms. Also measures the raw single-row insert
# rate of the same database setup in the same run and reports the ratio.
#
# Usage: bench/events.sh [duration, default 20s] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /usr/local/go/bin ] && export PATH="/usr/local/go/bin:$PATH"
dur="${1:-20s}"
conns="${2:-32}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

tmp="$(mktemp -d)"
pid=""
prof=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# DIGIGOV_BIN runs an already built binary (to compare two builds A/B).
if [ -n "${DIGIGOV_BIN:-}" ]; then cp "$DIGIGOV_BIN" "$tmp/digigov"; else go build -o "$tmp/digigov" ./cmd/digigov; fi
go build -o "$tmp/rawinsert" ./bench/rawinsert

DIGIGOV_LOG_LEVEL=error "$tmp/digigov" serve --demo --data "$tmp/data" --addr 127.0.0.1:18185 >/dev/null &
pid=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:18185/readyz >/dev/null && break; sleep 0.1; done
token="$(DIGIGOV_LOG_LEVEL=error "$tmp/digigov" user token --data "$tmp/data" --username hotline --name bench)"

# Tickets of three categories (one dispatched automatically by its rule)
# at random points spread over 广州's eleven districts by area, each in a
# community of the district it lies in (the report's point must lie in its
# region; bench/eventpoints lists the 1 km cells wholly inside each
# district, tested with the server's own locator), so that duplicate
# suggestions stay as rare as a city's size makes them.
go run ./bench/eventpoints -city 4401 > "$tmp/points.lua"
cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local cats = {"0401", "0203", "0502"}
-- Each wrk thread seeds its own generator: unseeded, every thread sent the
-- same reports in the same order, half of them duplicates of the other's.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
end
local cells, codes = {}, {}
for _, d in ipairs(dofile("$tmp/points.lua")) do
  for _, c in ipairs(d.cells) do
    cells[#cells + 1] = c
    codes[#codes + 1] = d.codes
  end
end
request = function()
  local i = math.random(#cells)
  local c, cs = cells[i], codes[i]
  local body = string.format(
    '{"source":"hotline","category":"%s","description":"来电反映：夜间噪声、路灯或交通设施问题，请尽快处理","region":"%s","address":"广州市","lat":%.6f,"long":%.6f,"reporter_name":"王先生","phone":"139%08d","urgency":"normal"}',
    cats[math.random(#cats)], cs[math.random(#cs)], c[1] + math.random() * 0.01, c[2] + math.random() * 0.01, math.random(0, 99999999))
  return wrk.format(nil, nil, nil, body)
end
LUA
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"source":"hotline","category":"0401","description":"来电反映夜间施工噪声扰民","region":"440106006002","phone":"13900001111"}' \
  http://127.0.0.1:18185/api/v1/events || { echo "a single report failed"; exit 1; }

# The server's CPU time (user+sys, clock ticks) around wrk, for CPU per
# report; with a binary built -tags pprof and DIGIGOV_PPROF=host:port,
# also its allocations per report and, with PROFILE=file, a CPU profile.
cputicks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
mallocs() { [ -n "${DIGIGOV_PPROF:-}" ] && curl -sf "http://$DIGIGOV_PPROF/debug/vars" | grep -o '"Mallocs": *[0-9]*' | head -1 | grep -o '[0-9]*$' || echo 0; }
c0="$(cputicks)"; m0="$(mallocs)"
if [ -n "${PROFILE:-}" ] && [ -n "${DIGIGOV_PPROF:-}" ]; then
  secs="${dur%s}"; curl -sf -o "$PROFILE" "http://$DIGIGOV_PPROF/debug/pprof/profile?seconds=$((secs > 3 ? secs - 2 : 1))" &
  prof=$!
fi
out="$(wrk -t"${WRK_THREADS:-2}" -c"$conns" -d"$dur" --latency -s "$tmp/post.lua" http://127.0.0.1:18185/api/v1/events)"
c1="$(cputicks)"; m1="$(mallocs)"
[ -n "${prof:-}" ] && wait "$prof"
reqs="$(awk '/requests in/ {print $1}' <<<"$out")"
if grep -q "Non-2xx" <<<"$out"; then echo "$out"; echo "non-2xx responses"; exit 1; fi
rate="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
total="$(curl -sf -H "Authorization: Bearer $token" 'http://127.0.0.1:18185/api/v1/event-summary?region=4401' | sed -E 's/.*"today":([0-9]+).*/\1/')"
# Of the reports of the rule-dispatched category (0203, a third of all),
# the share dispatched at once: the others had a duplicate suggestion.
count() { curl -sf -D - -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:18185/api/v1/events?limit=1&$1" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-total-count" {print $2}'; }
routed="$(count 'category=0203&state=dispatched')"; lights="$(count 'category=0203')"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
raw="$("$tmp/rawinsert" -dir "$tmp" -n 20000)"
echo "event reports: $rate /s, p50 $p50, p99 $p99 (wrk -t${WRK_THREADS:-2} -c$conns -d$dur); events counted today in 广州 afterwards: $total"
echo "raw single-row inserts, same database setup: $raw /s"
awk -v r="$routed" -v n="$lights" 'BEGIN { if (n > 0) printf "street-light reports dispatched at once by their rule: %d of %d (%.0f%%; the rest had a duplicate suggestion)\n", r, n, 100*r/n }'
awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v n="$reqs" -v m="$((m1 - m0))" 'BEGIN {
  printf "server CPU: %.0f µs a report (%d reports)", 1e6 * c / hz / n, n
  if (m > 0) printf ", %.0f allocations a report", m / n
  print "" }'
awk -v a="$rate" -v r="$raw" 'BEGIN { printf "ratio: %.0f%% of the raw insert rate\n", 100*a/r }'
