#!/usr/bin/env bash
# Every test: the Rust suites, then the browser tests in headless Chromium
# (which install Debian's chromium, a Java runtime for the HTML checker and
# the npm packages they need).
set -euo pipefail
cd "$(dirname "$0")"

cargo test --workspace
tests/browser/run
