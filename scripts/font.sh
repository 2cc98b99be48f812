#!/usr/bin/env bash
# Regenerates internal/sealdoc/font/wqy-microhei.ttf.gz, the Chinese font
# compiled into the binary for the licence and document PDFs: font #0
# (文泉驿微米黑) of Debian's fonts-wqy-microhei, taken out of its TrueType
# collection (gopdf reads no collections) and gzip-compressed.
# Run from anywhere inside the repository:
#   scripts/font.sh
# Needs apt-get (a Debian or Ubuntu machine with the package lists), dpkg-deb,
# sha256sum and go. The .deb's SHA-256 is pinned, so a changed package fails
# loudly instead of silently changing the font; update version and sha256
# together, then the figures in internal/sealdoc/font/SOURCES.md.
set -euo pipefail

version=0.2.0-beta-3.1
sha256=239163df984eea5c9da3b551aee374936222cdbd67f1a1be3cdcf3d76143ad66

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && apt-get download -q "fonts-wqy-microhei=$version" >/dev/null)
deb="$tmp/fonts-wqy-microhei_${version}_all.deb"
echo "$sha256  $deb" | sha256sum --check --quiet
dpkg-deb -x "$deb" "$tmp/x"

cd "$root"
go run ./scripts/fontgz "$tmp/x/usr/share/fonts/truetype/wqy/wqy-microhei.ttc" internal/sealdoc/font/wqy-microhei.ttf.gz
