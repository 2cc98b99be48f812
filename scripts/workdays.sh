#!/usr/bin/env bash
# Regenerates internal/platform/workday/data/calendar.txt from the pinned npm
# package chinese-days (China's statutory holidays and adjusted working days).
# Run from anywhere inside the repository:
#   scripts/workdays.sh [-years 2024-2027]
# Needs npm, tar, sha256sum and go. The tarball's SHA-256 is pinned, so a
# changed package fails loudly instead of silently changing the data. Extra
# arguments go to the generator (scripts/workdays/main.go).
set -euo pipefail

version=1.5.7
sha256=87fac6624b9f58084c0c05dac7cac86711beef2c05a86284bff880e4fe92f6c0

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "chinese-days@$version" >/dev/null)
echo "$sha256  $tmp/chinese-days-$version.tgz" | sha256sum --check --quiet
tar -xzf "$tmp/chinese-days-$version.tgz" -C "$tmp"

cd "$root"
go run ./scripts/workdays -from "$tmp/package" -out internal/platform/workday/data/calendar.txt "$@"
