#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need, builds, and runs every test against real servers
# that the tests start on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
# Swift Testing starts every test at once by default. On a small machine that starts a hundred osmem-servers in the
# same second, and tests that wait on a node or a proxy time out while the CPU is busy starting the others. Eight at
# a time is as fast here (2 cores) and leaves every test its time; override it on a larger machine.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-8}"

# The output of 600 tests is long and a failure scrolls far out of sight; keep it and repeat the failures last.
log="$(mktemp "${TMPDIR:-/tmp}/tern-tests.XXXXXX")"
status=0
swift test --skip-build 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
    echo
    echo "== failures (the whole output is in $log) =="
    # ✘ lines name the failing tests and expectations, ↳ lines carry their messages; a crash prints "Fatal error".
    grep -E '^(✘|↳)|Fatal error' "$log" | grep -v '✘ Test run with' | head -80 || true
    grep -E '✘ Test run with' "$log" || true
fi
exit "$status"
