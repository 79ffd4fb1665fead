#!/usr/bin/env bash
# Benchmark: how fast `tern validate` compares every document of two live clusters holding the same data, and its
# peak memory. See bench/README.md.
#
# Usage: bench/validate.sh [--sizes "50000 200000"] [--runs N] [--no-build]
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SCRATCH="$ROOT/.build-bench"
# The same generated data as bench/backfill.sh (and its cache).
CACHE="${TMPDIR:-/tmp}/tern-backfill-bench"
RESULTS="$BENCH/results"
SIZES=(50000 200000)
RUNS=3
BUILD=1
INDICES=2
SHARDS=4

BENCH_NAME=validate-bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --sizes)
            read -r -a SIZES <<< "${2:-}"
            for n in "${SIZES[@]}"; do posint "$n" || die "--sizes: '$n' is not a positive number"; done
            shift 2 ;;
        --runs) posint "${2:-}" || die "--runs needs a positive number"; RUNS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h | --help) sed -n 2,5p "$0"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

for tool in swift python3 curl awk sha256sum; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs what the project needs)"
done
ensure_gnu_time
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
OSMEM=$(python3 -c 'import osmem_server; print(osmem_server.resolve_binary())' 2> /dev/null) ||
    die "osmem-server is not installed: run scripts/setup.sh"

build_tern
[[ -x $TERN ]] || die "no release build at $TERN (run without --no-build)"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_osmem OUT SEED: an osmem loaded from SEED; sets URL.
start_osmem() {
    "$OSMEM" --seed "$2" --no-ja --parent-pid $$ --no-stdin-watch > "$1" 2> "$1.err" &
    PIDS+=($!)
    local deadline=$((SECONDS + 300 + SIZE / 100))
    until grep -q '"url"' "$1" 2> /dev/null; do
        ((SECONDS < deadline)) || die "osmem did not start within the time limit"
        sleep 0.2
    done
    URL=$(grep -o '"url": *"[^"]*"' "$1" | head -1 | sed 's/.*"\(http[^"]*\)"/\1/')
}

START_UPTIME=$(uptime)
GEN_HASH=$(sha256sum < "$BENCH/gen_docs.py" | cut -c1-12)
mkdir -p "$CACHE" "$RESULTS"
ROWS=()
for SIZE in "${SIZES[@]}"; do
    SEED="$CACHE/seed-$GEN_HASH-$SIZE-$INDICES-$SHARDS"
    if [[ ! -f $SEED/done.json ]]; then
        say "generating $SIZE documents into $SEED"
        rm -rf "$SEED" "$SEED.tmp"
        "$PYTHON" "$BENCH/gen_docs.py" "$SEED.tmp" "$SIZE" --indices "$INDICES" --shards "$SHARDS" > "$WORK/gen.json"
        mv "$WORK/gen.json" "$SEED.tmp/done.json"
        mv "$SEED.tmp" "$SEED"
    fi
    say "starting two osmem clusters with the same $SIZE documents"
    start_osmem "$WORK/source.out" "$SEED"
    SOURCE=$URL
    start_osmem "$WORK/target.out" "$SEED"
    TARGET=$URL
    for run in $(seq "$RUNS"); do
        say "size $SIZE, run $run/$RUNS: tern validate"
        /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$TERN" validate --source "$SOURCE" --target "$TARGET" --index 'bench-*' --json \
            > "$WORK/report.json" || die "tern validate found differences or failed (see $WORK/report.json)"
        compared=$("$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"], "not ok"
print(sum(i["source_digested"] for i in r["indices"]))' "$WORK/report.json") || die "the report is not clean"
        ((compared == SIZE)) || die "tern compared $compared documents, expected $SIZE"
        read -r wall rss user sys < "$WORK/time"
        ROWS+=("$SIZE $run $wall $((rss / 1024)) $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
    done
    for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
    PIDS=()
done

STAMP=$(date -u +%Y-%m-%d-%H%M%S)
OUT="$RESULTS/validate-$STAMP.md"
{
    echo "## tern validate, every document of two live clusters, $(date -u '+%Y-%m-%d %H:%M') UTC"
    echo
    echo "- Data: \`bench/gen_docs.py\` (~1 KB documents, $INDICES indices × $SHARDS shards), the same in two osmem-server instances."
    echo "- tern: release build of $(git -C "$ROOT" rev-parse --short HEAD), default options (4 slices per index and side, scroll)."
    echo "- Machine: $(nproc) cores shared by both servers and tern. \`uptime\` before: \`$START_UPTIME\`; after: \`$(uptime)\`."
    echo "- Documents/s: documents compared (each read, canonicalised and digested on both sides) per second of tern's wall time."
    echo
    echo "| documents | run | wall s | documents/s | peak RSS MB | CPU s |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for row in "${ROWS[@]}"; do
        read -r size run wall rss cpu <<< "$row"
        echo "| $size | $run | $wall | $(awk -v n="$size" -v w="$wall" 'BEGIN { printf "%d", n / w }') | $rss | $cpu |"
    done
} > "$OUT"
cat "$OUT"
say "written to $OUT"
