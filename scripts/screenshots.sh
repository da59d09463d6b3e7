#!/usr/bin/env bash
# Screenshots of every page kind of the example site in headless Chromium,
# at desktop and phone widths, some in the dark scheme and as printed, into
# docs/screenshots/ (or the folder given). Installs what the browser tests
# need when it is missing, as tests/browser/run does.
# Usage: scripts/screenshots.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/screenshots}")

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error; })
cargo build --quiet --locked --bin hindsight
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
"${CARGO_TARGET_DIR:-target}/debug/hindsight" build --root . \
  --base-url https://incidents.example.com/incidents/ --output "$site/public" >/dev/null
cd tests/browser
HINDSIGHT_SITE="$site/public" node screenshots.mjs "$out"
