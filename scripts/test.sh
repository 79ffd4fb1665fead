#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need, builds, and runs every test against real servers
# that the tests start on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
swift test --skip-build
