#!/usr/bin/env bash
# Benchmark: how fast `tern replay` applies a capture log to a target: documents per second (wall and per CPU second)
# and peak memory, into a fast sink so that tern, not the target, is measured. See bench/README.md.
#
# Usage: bench/replay.sh [--documents N] [--runs N] [--no-build]
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SCRATCH="$ROOT/.build-bench"
RESULTS="$BENCH/results"
DOCUMENTS=200000
RUNS=3
BUILD=1

BENCH_NAME=replay-bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --documents) posint "${2:-}" || die "--documents needs a positive number"; DOCUMENTS=$2; shift 2 ;;
        --runs) posint "${2:-}" || die "--runs needs a positive number"; RUNS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h | --help) sed -n 2,6p "$0"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

for tool in swift python3 curl awk; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs what the project needs)"
done
ensure_gnu_time
build_tern
[[ -x $TERN ]] || die "no release build at $TERN (run without --no-build)"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# wait_url OUT: waits for a JSON start line with a URL-valued KEY in OUT; sets URL.
wait_url() {
    local deadline=$((SECONDS + 60))
    until grep -q "\"$2\"" "$1" 2> /dev/null; do
        ((SECONDS < deadline)) || die "$1: no start line within a minute ($(cat "$1.err" 2> /dev/null | tail -3))"
        sleep 0.1
    done
    URL=$(grep -o "\"$2\": *\"[^\"]*\"" "$1" | head -1 | sed 's/.*"\(http[^"]*\)"/\1/')
}

start_sink() {
    python3 "$BENCH/bulk_sink.py" > "$1" 2> "$1.err" &
    PIDS+=($!)
    wait_url "$1" url
}

say "starting the source and target sinks"
start_sink "$WORK/source.out"
SOURCE=$URL
start_sink "$WORK/target.out"
TARGET=$URL

say "recording $DOCUMENTS documents through tern proxy"
TERN_PROXY_TOKEN=bench-token "$TERN" proxy --listen 127.0.0.1:0 --source "$SOURCE" --capture-dir "$WORK/capture" --json \
    > "$WORK/proxy.out" 2> "$WORK/proxy.out.err" &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
wait_url "$WORK/proxy.out" listen
PROXY=$URL
python3 "$BENCH/replay/load.py" "$PROXY" "$DOCUMENTS" > "$WORK/load.json" || die "the load through the proxy failed"
kill -TERM "$PROXY_PID"
wait "$PROXY_PID" || true
LOG_BYTES=$(du -sb "$WORK/capture" | cut -f1)

START_UPTIME=$(uptime)
ROWS=()
for run in $(seq "$RUNS"); do
    say "run $run/$RUNS: tern replay --until-drained"
    rm -rf "$WORK/state"
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$TERN" replay --source "$SOURCE" --target "$TARGET" \
        --capture-dir "$WORK/capture" --state-dir "$WORK/state" --until-drained --json > "$WORK/replay.json" ||
        die "tern replay failed (see $WORK/replay.json)"
    written=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["progress"]["written"])' "$WORK/replay.json")
    ((written == DOCUMENTS)) || die "tern replay wrote $written documents, expected $DOCUMENTS"
    held=$(curl -sf "$TARGET/_sink/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["indices"].get("bench", 0))')
    ((held == DOCUMENTS)) || die "the target sink holds $held distinct documents, expected $DOCUMENTS"
    read -r wall rss user sys < "$WORK/time"
    ROWS+=("$run $wall $((rss / 1024)) $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
done

STAMP=$(date -u +%Y-%m-%d-%H%M%S)
OUT="$RESULTS/replay-$STAMP.md"
mkdir -p "$RESULTS"
{
    echo "## tern replay into a fast sink, $(date -u '+%Y-%m-%d %H:%M') UTC"
    echo
    echo "- Log: $DOCUMENTS documents (~1 KB) written through \`tern proxy\` with \`_bulk\` (1,000 per request) into \`bench/bulk_sink.py\`; $((LOG_BYTES / 1048576)) MB of capture log."
    echo "- Replay: \`tern replay --until-drained\` (release build of $(git -C "$ROOT" rev-parse --short HEAD)) into a second bulk sink, fresh state each run; the sink's distinct ids checked after each run."
    echo "- Machine: $(nproc) cores shared by the sinks and tern. \`uptime\` before: \`$START_UPTIME\`; after: \`$(uptime)\`."
    echo "- Goal (issue 7): at least 20,000 documents/s per core (documents per CPU second of tern)."
    echo
    echo "| run | wall s | documents/s | documents per CPU s | peak RSS MB | CPU s |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for row in "${ROWS[@]}"; do
        read -r run wall rss cpu <<< "$row"
        echo "| $run | $wall | $(awk -v n="$DOCUMENTS" -v w="$wall" 'BEGIN { printf "%d", n / w }') | $(awk -v n="$DOCUMENTS" -v c="$cpu" 'BEGIN { printf "%d", n / c }') | $rss | $cpu |"
    done
} > "$OUT"
cat "$OUT"
say "written to $OUT"
