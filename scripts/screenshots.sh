#!/usr/bin/env bash
# Takes headless-Chromium screenshots of the key pages of public/ at desktop
# and phone widths into docs/screenshots/. Installs Debian's chromium if it
# is missing (needs root, as on CI machines).
# Usage: scripts/screenshots.sh [PUBLIC_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
public=${1:-public}
out=${2:-docs/screenshots}

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

shoot() { # name path width height
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1 \
    --virtual-time-budget=3000 \
    --window-size="$3,$4" --screenshot="$out/$1.png" "file://$(realpath "$public")/$2" >/dev/null 2>&1
}

report=$(ls "$public/postmortems" | grep -m1 icreate-deploy || ls "$public/postmortems" | grep -v index.html | head -1)
shoot home index.html 1280 1100
shoot report "postmortems/$report/index.html" 1280 1500
shoot postmortems postmortems/index.html 1280 1000
shoot services services/index.html 1280 800
shoot service services/icreate/index.html 1280 900
shoot action-items action-items/index.html 1280 1100
shoot metrics about/metrics/index.html 1280 900
shoot search "search/index.html?q=rollback" 1280 1000
shoot search-phone "search/index.html?q=dns&severity=SEV2" 390 1300
shoot report-phone "postmortems/$report/index.html" 390 1600
shoot home-phone index.html 390 1400
echo "screenshots in $out"
