#!/usr/bin/env bash
# Builds the hindsight binary (release) and the example site: content/ -> public/.
# Usage: ./build.sh [extra `hindsight build` options, e.g. --base-url URL]
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found; install Rust from your package manager or rustup" >&2
  exit 2
fi

cargo build --release --locked
"${CARGO_TARGET_DIR:-target}/release/hindsight" build --root . --output public "$@"
