#!/usr/bin/env bash
# Micro-benchmark: CPU per document of `CanonicalDigest.Canonicalizer.digest` alone, in release mode, over the same
# generated ~1 KB documents as bench/validate.sh. Builds only what the digest needs (TernCore's JSON cursor and errors,
# Validation's Canonical*.swift, swift-crypto) in a throwaway package whose sources are links to this tree's, so it
# measures the working tree as it is without a full release build. See bench/README.md.
#
# Usage: bench/digest.sh [--docs N] [--rounds N] [--at REV]
#   --at REV  measure the sources of commit REV (e.g. the one before a change) instead of the working tree
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK="${TMPDIR:-/tmp}/tern-digest-bench"
DOCS=200000
ROUNDS=5
AT=""
BENCH_NAME=digest-bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --docs) posint "${2:-}" || die "--docs needs a positive number"; DOCS=$2; shift 2 ;;
        --rounds) posint "${2:-}" || die "--rounds needs a positive number"; ROUNDS=$2; shift 2 ;;
        --at) AT=$(git -C "$ROOT" rev-parse --short "${2:-}^{commit}") || die "--at needs a commit"; shift 2 ;;
        -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done

SEED="$WORK/docs-$DOCS"
if [[ ! -d $SEED ]]; then
    say "generating $DOCS documents into $SEED"
    python3 "$ROOT/bench/gen_docs.py" "$SEED.partial" "$DOCS" > /dev/null
    mv "$SEED.partial" "$SEED"
fi

# The sources: the working tree's as they are now, or a commit's, exported once.
SOURCES="$ROOT/Sources"
if [[ -n $AT ]]; then
    SOURCES="$WORK/tree-$AT/Sources"
    if [[ ! -d $SOURCES ]]; then
        mkdir -p "$WORK/tree-$AT.partial"
        git -C "$ROOT" archive "$AT" Sources | tar -x -C "$WORK/tree-$AT.partial"
        mv "$WORK/tree-$AT.partial" "$WORK/tree-$AT"
    fi
fi
# The package: links to the sources (new Canonical*.swift files included), one build folder whatever they are.
PACKAGE="$WORK/package"
rm -rf "$PACKAGE/Sources"
mkdir -p "$PACKAGE/Sources/TernCore" "$PACKAGE/Sources/Validation" "$PACKAGE/Sources/digest-bench"
ln -s "$SOURCES"/TernCore/JSON/*.swift "$SOURCES"/TernCore/Errors/*.swift "$PACKAGE/Sources/TernCore/"
ln -s "$SOURCES"/Validation/Canonical*.swift "$PACKAGE/Sources/Validation/"
ln -s "$ROOT/bench/digest/main.swift" "$PACKAGE/Sources/digest-bench/main.swift"
cat > "$PACKAGE/Package.swift" << 'MANIFEST'
// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "digest-bench",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0")],
    targets: [
        .target(name: "TernCore"),
        .target(name: "Validation", dependencies: ["TernCore", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(
            name: "digest-bench", dependencies: ["Validation", .product(name: "Crypto", package: "swift-crypto")]),
    ]
)
MANIFEST
say "building the digest benchmark (release) in $PACKAGE"
swift build -c release --package-path "$PACKAGE" > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed (log: $WORK/build.log)"; }
if [[ -n $AT ]]; then
    say "sources: $AT"
else
    say "sources: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- Sources || echo ' + uncommitted changes')"
fi
"$PACKAGE/.build/release/digest-bench" "$SEED" "$ROUNDS"
