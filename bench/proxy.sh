#!/usr/bin/env bash
# Benchmark: what `tern proxy` costs clients: latency added at a fixed request rate and the most requests per second,
# direct to the upstream vs through the proxy (--sync every-record). See bench/README.md.
#
# Usage: bench/proxy.sh [--seconds N] [--rate R] [--connections C] [--backends "sink osmem"] [--cores shared|split]
#                       [--no-build] [--tern PATH]
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SCRATCH="$ROOT/.build-bench"
RESULTS="$BENCH/results"

SECONDS_PER_RUN=4
RATE=200
CONNECTIONS=16
BACKENDS=(sink osmem)
BUILD=1
TERN_GIVEN=""
CORES=shared

usage() {
    cat <<'EOF'
Usage: bench/proxy.sh [options]

Starts an upstream (a trivial asyncio HTTP sink, bench/proxy/sink.py, so the proxy is what is measured; and
osmem-server, a real in-memory cluster) and `tern proxy --sync every-record` in front of it, then for each upstream:
  latency: small index requests (PUT /bench/_doc/<id>) and small searches at a fixed rate (bench/proxy/loadgen.py,
           open-loop over 4 keep-alive connections), direct and through the proxy: p50, p90, p99;
  throughput: wrk with C keep-alive connections as fast as it can, direct and through the proxy: requests/s and
           latency percentiles, plus the proxy's CPU seconds.
Checks that the proxy answered every request with 2xx and captured every index request (tern proxy status).
Prints a Markdown report and writes it to bench/results/proxy-<date>.md.

Options:
  --seconds N      measured seconds per run (default 4; each latency run adds 1 s of warm-up)
  --rate R         requests/s of the latency runs (default 200)
  --connections C  wrk connections in the throughput runs (default 16)
  --backends "…"   upstreams to measure: sink, osmem (default both)
  --cores P        shared (default): the load generator, the upstream and the proxy share every core, so the proxy's
                   CPU is taken from the upstream; split: the proxy runs alone on core 1 and the load generator and
                   the upstream on core 0, in both the direct and the proxied runs (the proxy on its own host, as
                   deployed). The report shows the proxy's CPU per request either way.
  --no-build       use the tern already built in .build-bench instead of running swift build
  --tern PATH      use this tern binary (no build)
wrk comes from Debian (apt-get install wrk) when missing.
EOF
}

BENCH_NAME=proxy-bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --seconds) posint "${2:-}" || die "--seconds needs a positive number"; SECONDS_PER_RUN=$2; shift 2 ;;
        --rate) posint "${2:-}" || die "--rate needs a positive number"; RATE=$2; shift 2 ;;
        --connections) posint "${2:-}" || die "--connections needs a positive number"; CONNECTIONS=$2; shift 2 ;;
        --backends)
            read -r -a BACKENDS <<< "${2:-}"
            for b in "${BACKENDS[@]}"; do [[ $b == sink || $b == osmem ]] || die "--backends: '$b' is not sink or osmem"; done
            shift 2 ;;
        --cores)
            [[ ${2:-} == shared || ${2:-} == split ]] || die "--cores takes shared or split"
            CORES=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --tern) [[ -x ${2:-} ]] || die "--tern needs an executable"; TERN_GIVEN=$2; BUILD=0; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

# Where each process runs (taskset, from util-linux): nothing pinned when the cores are shared.
UPSTREAM_CPU=()
PROXY_CPU=()
LOAD_CPU=()
if [[ $CORES == split ]]; then
    (($(nproc) >= 2)) || die "--cores split needs at least 2 cores"
    command -v taskset > /dev/null || die "taskset is missing (Debian package util-linux)"
    UPSTREAM_CPU=(taskset -c 0)
    PROXY_CPU=(taskset -c 1)
    LOAD_CPU=(taskset -c 0)
fi

START_UPTIME=$(uptime)
# 1000 client connections need as many descriptors in wrk and in the proxy.
ulimit -n 8192 2> /dev/null || ulimit -n "$(ulimit -Hn)"

# MARK: tools

for tool in swift python3 curl awk; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs what the project needs)"
done
if ! command -v wrk > /dev/null; then
    say "wrk is missing: installing Debian's 'wrk' package"
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get install -y wrk > /dev/null || die "could not install wrk (apt-get install wrk)"
fi
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
OSMEM=""
if [[ " ${BACKENDS[*]} " == *" osmem "* ]]; then
    OSMEM=$(python3 -c 'import osmem_server; print(osmem_server.resolve_binary())' 2> /dev/null) ||
        die "osmem-server is not installed: run scripts/setup.sh"
fi

if [[ -n $TERN_GIVEN ]]; then
    TERN=$TERN_GIVEN
else
    build_tern
fi
[[ -x $TERN ]] || die "$TERN does not exist: run without --no-build"
case $TERN in
    */release/*) BUILD_KIND=release ;;
    *) BUILD_KIND="debug (numbers are pessimistic)" ;;
esac

# MARK: helpers

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_announcing OUT KEY CMD...: starts CMD with stdout to OUT, waits for a JSON line with KEY (a URL); sets STARTED_PID
# and STARTED_URL.
start_announcing() {
    local out=$1 key=$2
    shift 2
    # Emptied here too: the redirection happens in the child, possibly after the loop below read an earlier server's line.
    : > "$out"
    "$@" > "$out" 2> "$out.err" &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    local deadline=$((SECONDS + 30))
    until grep -q "\"$key\"" "$out" 2> /dev/null; do
        kill -0 "$STARTED_PID" 2> /dev/null || { cat "$out.err" >&2; die "$1 exited during start-up"; }
        ((SECONDS < deadline)) || die "$1 did not start within 30 s"
        sleep 0.1
    done
    STARTED_URL=$(grep -o "\"$key\": *\"[^\"]*\"" "$out" | head -1 | sed 's/.*"\(http[^"]*\)"/\1/')
}

# wrk_run URL SCRIPT: sets WRK_RPS, WRK_P50, WRK_P99 (ms) and WRK_BAD (non-2xx + socket errors).
wrk_run() {
    "${LOAD_CPU[@]}" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$BENCH/proxy/$2" "$1" > "$WORK/wrk.out" 2>&1 ||
        { cat "$WORK/wrk.out" >&2; die "wrk failed against $1"; }
    WRK_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WRK_OUT_FILE")
    WRK_P50=$(awk '$1 == "50%" { print $2 }' "$WRK_OUT_FILE" | ms)
    WRK_P99=$(awk '$1 == "99%" { print $2 }' "$WRK_OUT_FILE" | ms)
    WRK_BAD=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$WRK_OUT_FILE")
    WRK_REQUESTS=$(awk '/requests in/ { print $1 }' "$WRK_OUT_FILE")
}
WRK_OUT_FILE="$WORK/wrk.out"
# wrk prints 812.00us, 1.23ms, 2.00s: to milliseconds.
ms() { awk '{ v = $1; if (v ~ /us$/) { sub("us", "", v); v /= 1000 } else if (v ~ /ms$/) { sub("ms", "", v) } else if (v ~ /s$/) { sub("s", "", v); v *= 1000 } printf "%.3f\n", v }'; }

LATENCY_ROWS=()
THROUGHPUT_ROWS=()
RSS_ROWS=()
SYNC_ROW=""
CHECKS=()

# MARK: runs

for backend in "${BACKENDS[@]}"; do
    say "upstream: $backend"
    if [[ $backend == sink ]]; then
        start_announcing "$WORK/$backend.out" url "${UPSTREAM_CPU[@]}" "$PYTHON" "$BENCH/proxy/sink.py"
    else
        start_announcing "$WORK/$backend.out" url "${UPSTREAM_CPU[@]}" "$OSMEM" --addr 127.0.0.1:0 --no-stdin-watch
    fi
    UPSTREAM=$STARTED_URL
    UPSTREAM_PID=$STARTED_PID
    # The index exists before searches (osmem answers 404 for a missing one).
    curl -sf -XPUT "$UPSTREAM/bench/_doc/seed" -H 'Content-Type: application/json' -d '{"title":"bench","n":0}' > /dev/null ||
        die "$backend does not accept a document"

    TERN_PROXY_TOKEN=bench-token start_announcing "$WORK/proxy-$backend.out" listen "${PROXY_CPU[@]}" "$TERN" proxy --listen 127.0.0.1:0 \
        --source "$UPSTREAM" --capture-dir "$WORK/capture-$backend" --sync every-record --json
    PROXY=$STARTED_URL
    PROXY_PID=$STARTED_PID

    latency_index_ok=0
    for op in index search; do
        for path in direct proxy; do
            url=$UPSTREAM
            [[ $path == proxy ]] && url=$PROXY
            say "  latency: $op at $RATE/s, $path"
            result=$("${LOAD_CPU[@]}" "$PYTHON" "$BENCH/proxy/loadgen.py" "$url" "$op" --rate "$RATE" --seconds "$SECONDS_PER_RUN" \
                --prefix "l-$path") || die "loadgen failed against $url"
            ok=$(json_field ok "$result")
            errors=$(json_field errors "$result")
            ((errors == 0)) || CHECKS+=("$backend $op $path latency run: $errors requests failed")
            [[ $op == index && $path == proxy ]] && latency_index_ok=$(json_field total_ok "$result")
            LATENCY_ROWS+=("| $backend | $op | $path | $(json_field achieved_rate "$result") | $(json_field p50_ms "$result") | $(json_field p90_ms "$result") | $(json_field p99_ms "$result") | $(json_field max_ms "$result") | $(json_field late_ms "$result") |")
            echo "$backend $op $path $result" >> "$WORK/latency.raw"
        done
    done

    for op in index search; do
        for path in direct proxy; do
            url=$UPSTREAM
            [[ $path == proxy ]] && url=$PROXY
            say "  throughput: $op, $CONNECTIONS connections, $path"
            cpu0=$(cpu_of "$PROXY_PID")
            up0=$(cpu_of "$UPSTREAM_PID")
            wrk_run "$url" "$op.lua"
            cpu1=$(cpu_of "$PROXY_PID")
            up1=$(cpu_of "$UPSTREAM_PID")
            ((WRK_BAD == 0)) || CHECKS+=("$backend $op $path throughput run: $WRK_BAD requests failed or were not 2xx")
            proxy_cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
            upstream_cpu=$(awk -v a="$up0" -v b="$up1" 'BEGIN { printf "%.2f", b - a }')
            per_request=$(awk -v c="$proxy_cpu" -v n="$WRK_REQUESTS" 'BEGIN { if (n > 0) printf "%.0f", 1e6 * c / n; else print "-" }')
            if [[ $path == direct ]]; then
                proxy_cpu="-"
                per_request="-"
            fi
            THROUGHPUT_ROWS+=("| $backend | $op | $path | $WRK_RPS | $WRK_P50 | $WRK_P99 | $proxy_cpu | $per_request | $upstream_cpu |")
            echo "$backend $op $path $WRK_RPS $WRK_P50 $WRK_P99 $WRK_REQUESTS" >> "$WORK/throughput.raw"
        done
    done

    # Group commit under load, and memory at many connections (sink only: the proxy's cost, not the cluster's).
    if [[ $backend == sink ]]; then
        syncs() { TERN_PROXY_TOKEN=bench-token "$TERN" proxy status --proxy "$PROXY" --json |
            "$PYTHON" -c 'import json,sys; s=json.load(sys.stdin).get("capture_syncs",{}).get("source",{}); print(s.get("records",0), s.get("fsyncs",0))'; }
        read -r records0 fsyncs0 < <(syncs)
        say "  group commit: index, $CONNECTIONS connections, proxy"
        wrk_run "$PROXY" index.lua
        read -r records1 fsyncs1 < <(syncs)
        SYNC_ROW="| $CONNECTIONS | $WRK_RPS | $(awk -v f=$((fsyncs1 - fsyncs0)) -v t="$SECONDS_PER_RUN" 'BEGIN { printf "%.0f", f / t }') | $(awk -v r=$((records1 - records0)) -v f=$((fsyncs1 - fsyncs0)) 'BEGIN { if (f > 0) printf "%.1f", r / f / 2; else print "-" }') |"
        RSS_ROWS+=("| $CONNECTIONS | $(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$PROXY_PID/status") |")
        say "  memory: search, 1000 connections, proxy"
        saved=$CONNECTIONS
        CONNECTIONS=1000
        wrk_run "$PROXY" search.lua
        CONNECTIONS=$saved
        ((WRK_BAD == 0)) || CHECKS+=("sink search at 1000 connections: $WRK_BAD requests failed or were not 2xx")
        RSS_ROWS+=("| 1000 | $(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$PROXY_PID/status") |")
    fi

    status=$(TERN_PROXY_TOKEN=bench-token "$TERN" proxy status --proxy "$PROXY" --json) || die "tern proxy status failed"
    captured=$("$PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1])["counters"]["writes_captured"])' "$status")
    uncaptured=$("$PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1])["counters"]["writes_uncaptured"])' "$status")
    wrk_index=$(awk -v b="$backend" '$1 == b && $2 == "index" && $3 == "proxy" { print $7 }' "$WORK/throughput.raw")
    expected=$((latency_index_ok + wrk_index))
    [[ $backend == sink ]] && expected=$((expected + records1 / 2 - records0 / 2))
    log_bytes=$(du -sb "$WORK/capture-$backend" | cut -f1)
    # wrk does not count the requests still in flight when its time is up; the proxy captured those too.
    if ((captured >= expected && captured <= expected + CONNECTIONS)); then
        CHECKS+=("$backend: ok, the proxy captured $captured writes for $expected index requests acknowledged to the load generators (+ up to $CONNECTIONS wrk left in flight); capture log $((log_bytes / 1024)) KiB")
    else
        CHECKS+=("$backend: MISMATCH, the proxy captured $captured writes for $expected index requests acknowledged to the load generators")
    fi
    ((uncaptured == 0)) || CHECKS+=("$backend: $uncaptured writes were forwarded uncaptured")
    kill "$PROXY_PID" "$UPSTREAM_PID" 2> /dev/null || true
    wait "$PROXY_PID" "$UPSTREAM_PID" 2> /dev/null || true
done

# MARK: report

ratio() { awk -v b="$1" -v o="$2" -v op="$3" '$1 == b && $2 == op { r[$3] = $4 } END { if (r["direct"] > 0) printf "%.0f%%", 100 * r["proxy"] / r["direct"] }' "$WORK/throughput.raw"; }
added() { "$PYTHON" - "$WORK/latency.raw" "$1" "$2" "$3" << 'EOF'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    backend, op, path, result = line.split(" ", 3)
    rows[(backend, op, path)] = json.loads(result)
b, op, key = sys.argv[2], sys.argv[3], sys.argv[4]
d, p = rows.get((b, op, "direct")), rows.get((b, op, "proxy"))
print(f"{p[key] - d[key]:+.3f}" if d and p and d[key] is not None and p[key] is not None else "?")
EOF
}

REPORT=$(
    echo "## tern proxy, latency and throughput ($CORES cores), $(date '+%F %H:%M %Z')"
    echo
    echo "- tern: $BUILD_KIND build ($TERN), \`tern proxy --sync every-record\` (each write's request and answer synced to disk"
    echo "  before the client is answered; concurrent writes share one fsync). Capture log on $(df -T "$WORK" | awk 'NR == 2 { print $2 }') ($WORK)."
    echo "- Upstreams: \`sink\` = bench/proxy/sink.py (asyncio, canned answers: measures the proxy), \`osmem\` = osmem-server (a real in-memory cluster)."
    echo "- Latency: bench/proxy/loadgen.py, open-loop at $RATE requests/s over 4 keep-alive connections, $SECONDS_PER_RUN s measured after 1 s warm-up;"
    echo "  index = PUT /bench/_doc/<new id> (~25-byte document), search = POST /bench/_search (match, size 1). Latency from write to whole answer."
    echo "- Throughput: wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s, same requests, as fast as the answers come. CPU s = CPU seconds the proxy / upstream used during the run."
    if [[ $CORES == split ]]; then
        echo "- Machine: $(nproc) cores, split (--cores split): the proxy alone on core 1; the load generator and the upstream on core 0, also in the direct runs. \`uptime\` before: \`$START_UPTIME\`; after: \`$(uptime)\`."
    else
        echo "- Machine: $(nproc) cores shared by the load generator, the proxy and the upstream (--cores shared). \`uptime\` before: \`$START_UPTIME\`; after: \`$(uptime)\`."
    fi
    echo
    echo "### Latency at $RATE requests/s (ms)"
    echo
    echo "| upstream | request | path | sent/s | p50 | p90 | p99 | max | client late |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${LATENCY_ROWS[@]}"
    echo
    echo "Added by the proxy (proxy − direct), ms:"
    echo
    echo "| upstream | request | p50 added | p99 added |"
    echo "|---|---|---:|---:|"
    for backend in "${BACKENDS[@]}"; do
        for op in index search; do
            echo "| $backend | $op | $(added "$backend" "$op" p50_ms) | $(added "$backend" "$op" p99_ms) |"
        done
    done
    echo
    echo "### Throughput, $CONNECTIONS keep-alive connections"
    echo
    echo "| upstream | request | path | requests/s | p50 ms | p99 ms | proxy CPU s | proxy CPU µs/request | upstream CPU s |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${THROUGHPUT_ROWS[@]}"
    echo
    echo "Through the proxy as a share of direct:"
    echo
    for backend in "${BACKENDS[@]}"; do
        echo "- $backend: index $(ratio "$backend" x index), search $(ratio "$backend" x search)"
    done
    echo
    echo "### Group commit (sink, index, --sync every-record)"
    echo
    echo "| connections | writes/s | fsyncs/s | writes per fsync |"
    echo "|---:|---:|---:|---:|"
    [[ -n $SYNC_ROW ]] && echo "$SYNC_ROW"
    echo
    echo "### Peak RSS of the proxy (sink; VmHWM after the runs at that many connections)"
    echo
    echo "| connections | peak RSS MB |"
    echo "|---:|---:|"
    ((${#RSS_ROWS[@]})) && printf '%s\n' "${RSS_ROWS[@]}"
    echo
    echo "### Goals of issue 25, beside the figures the issue started from"
    echo
    echo "| measure | goal | issue 25 (before) | now |"
    echo "|---|---:|---:|---:|"
    cpu_now() { awk -v b=sink -v o="$1" -F'|' '$2 ~ b && $3 ~ o && $4 ~ /proxy/ { gsub(/ /, "", $9); print $9 }' <<< "$(printf '%s\n' "${THROUGHPUT_ROWS[@]}")"; }
    if [[ " ${BACKENDS[*]} " == *" sink "* ]]; then
        echo "| proxy CPU per forwarded read (sink) | <= 25 µs | 107 µs | $(cpu_now search) µs |"
        echo "| proxy CPU per captured write (sink) | <= 60 µs | 197 µs | $(cpu_now index) µs |"
        echo "| reads through the proxy / direct (sink) | >= 70% | 34% | $(ratio sink x search) |"
        echo "| captured writes through the proxy / direct (sink) | >= 50% | 29% | $(ratio sink x index) |"
    fi
    if [[ " ${BACKENDS[*]} " == *" osmem "* ]]; then
        echo "| p50 added to a read at $RATE/s (osmem) | <= 0.3 ms | +0.229 ms | $(added osmem search p50_ms) ms |"
        echo "| p50 added to a captured write at $RATE/s (osmem) | <= 0.6 ms | +0.810 ms | $(added osmem index p50_ms) ms |"
    fi
    echo "| peak RSS at $CONNECTIONS / 1000 connections | < 100 MB | - | $(printf '%s\n' "${RSS_ROWS[@]}" | awk -F'|' '{ gsub(/ /, "", $3); print $3 }' | paste -sd/ -) MB |"
    echo
    echo "### Checks"
    echo
    if ((${#CHECKS[@]})); then printf -- '- %s\n' "${CHECKS[@]}"; else echo "- none"; fi
)

echo "$REPORT"
mkdir -p "$RESULTS"
DATE=$(date +%F)
OUT="$RESULTS/proxy-$DATE.md"
[[ -e $OUT ]] && OUT="$RESULTS/proxy-$DATE-$(date +%H%M%S).md"
echo "$REPORT" > "$OUT"
say "wrote $OUT"
