#!/usr/bin/env bash
# Benchmark: a shared backfill (`tern backfill --coordinate`) with 1, 2 and 4 worker processes copying one osmem source
# into the bulk sink, the coordination index on a second osmem; a plain `tern backfill` as the baseline. See
# bench/README.md.
#
# Usage: bench/scale-out.sh [--docs N] [--runs N] [--workers "1 2 4"] [--item-documents N] [--no-build | --tern PATH]
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SCRATCH="$ROOT/.build-bench"
# The seed folders are backfill.sh's (same generator, same layout): one generated source serves both.
CACHE="${TMPDIR:-/tmp}/tern-backfill-bench"
STAMP="${TMPDIR:-/tmp}/tern-scale-out-bench/build-stamp"
RESULTS="$BENCH/results"

DOCS=200000
RUNS=2
WORKERS=(1 2 4)
ITEM_DOCUMENTS=12500
BUILD=1
INDICES=2
SHARDS=4
TERN_GIVEN=""
BUILD_ONLY=0
LEASE=""
QUIET_WAIT=900

usage() {
    cat <<'EOF'
Usage: bench/scale-out.sh [options]

Fills an osmem source with N generated ~1 KB documents and starts a second, empty osmem for the coordination index.
Then, round robin, copies the source into a fresh bulk sink (bench/bulk_sink.py) with a plain `tern backfill` (the
baseline) and with `tern backfill --coordinate` run by 1, 2 and 4 worker processes at once (each in its own folder,
a fresh --run-name per run). Measures the wall time from the first worker's start to the last one's exit, the CPU and
peak RSS of every tern process (GNU time), the servers' CPU, and what coordinating cost (the workers' --json
`coordination`). Every process must exit 0 with a complete summary of N documents and the sink must hold exactly N
distinct ids; prints a Markdown report and writes it to bench/results/scale-out-<date>.md.

Options:
  --docs N            documents in the source (default 200000)
  --runs N            timed runs per configuration; the tables show the median (default 2)
  --workers "W ..."   worker counts of the shared runs (default "1 2 4")
  --item-documents N  tern's --item-documents: live indices are cut into slices of about N documents, the items
                      (default 12500: 16 items for 200,000 documents in 2 indices)
  --lease D           tern's --lease for the shared runs (default: tern's, 3m); a slot with nothing to claim looks
                      again every min(5 s, D / 6)
  --quiet-wait S      before each round of runs, wait up to S seconds (default 900) for no Swift compiler or test
                      process on the machine (other engineers' builds); the report counts the runs that had one anyway
  --indices K         indices the documents are spread over (default 2)
  --shards S          primary shards per index (default 4)
  --no-build          use the tern already built in .build-bench instead of running swift build
  --tern PATH         measure this tern binary, build nothing (a debug build's numbers mean nothing)
  --build-only        build (and record what from), measure nothing: build once, then measure with --no-build while
                      the sources keep changing
Environment: TMPDIR (cache folder parent, default /tmp), OSMEM_MEMORY_LIMIT (the source osmem's GOMEMLIMIT, 12GiB).
EOF
}

BENCH_NAME=scale-out-bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --docs) posint "${2:-}" || die "--docs needs a positive number"; DOCS=$2; shift 2 ;;
        --runs) posint "${2:-}" || die "--runs needs a positive number"; RUNS=$2; shift 2 ;;
        --workers)
            read -r -a WORKERS <<< "${2:-}"
            ((${#WORKERS[@]})) || die "--workers needs numbers"
            for w in "${WORKERS[@]}"; do posint "$w" || die "--workers: '$w' is not a positive number"; done
            shift 2 ;;
        --item-documents) posint "${2:-}" || die "--item-documents needs a positive number"; ITEM_DOCUMENTS=$2; shift 2 ;;
        --lease) [[ ${2:-} =~ ^[0-9.]+(ms|s|m|h)?$ ]] || die "--lease needs a duration (90s, 3m, 1h)"; LEASE=$2; shift 2 ;;
        --quiet-wait) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--quiet-wait needs seconds"; QUIET_WAIT=$2; shift 2 ;;
        --indices) posint "${2:-}" || die "--indices needs a positive number"; INDICES=$2; shift 2 ;;
        --shards) posint "${2:-}" || die "--shards needs a positive number"; SHARDS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --build-only) BUILD_ONLY=1; shift ;;
        --tern) [[ -x ${2:-} ]] || die "--tern needs an executable tern"; TERN_GIVEN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); BUILD=0; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

START_SECONDS=$SECONDS
START_UPTIME=$(uptime)
CORES=$(getconf _NPROCESSORS_ONLN)

# MARK: tools

for tool in swift python3 curl awk sha256sum git; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs what the project needs)"
done
ensure_gnu_time
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
OSMEM=$(python3 -c 'import osmem_server; print(osmem_server.resolve_binary())' 2> /dev/null) ||
    die "osmem-server is not installed: run scripts/setup.sh"
OSMEM_VERSION=$("$OSMEM" -version 2> /dev/null | head -1)

# MARK: tern

# What the release binary was built from: recorded when this script builds it, so that a later --no-build run (while
# the sources keep changing) still names the right commit.
source_state() {
    echo "$(git -C "$ROOT" --no-optional-locks rev-parse --short HEAD 2> /dev/null || echo unknown)" \
        "$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no -- Sources Package.swift 2> /dev/null | wc -l)"
}
BEFORE_BUILD=$(source_state)
build_tern
[[ -n $TERN_GIVEN ]] && TERN=$TERN_GIVEN
[[ -x $TERN ]] || die "$TERN does not exist: run without --no-build"
TERN_MTIME=$(stat -c %Y "$TERN")
if ((BUILD)); then
    mkdir -p "$(dirname "$STAMP")"
    # Sources changed during the build would make the recorded commit a guess.
    [[ $(source_state) == "$BEFORE_BUILD" ]] || say "warning: the sources changed during the build ($BEFORE_BUILD -> $(source_state))"
    echo "$TERN_MTIME $BEFORE_BUILD" > "$STAMP"
fi
if ((BUILD_ONLY)); then
    say "built $TERN from $BEFORE_BUILD (commit, uncommitted changes under Sources/)"
    exit 0
fi
changes() { if (($1)); then echo " with $1 uncommitted change(s) under Sources/"; fi; }
if [[ -n $TERN_GIVEN ]]; then
    BUILT_FROM="\`$TERN_GIVEN\` (given with --tern; tree at $(source_state | cut -d' ' -f1))"
elif [[ -f $STAMP && $(cut -d' ' -f1 "$STAMP") == "$TERN_MTIME" ]]; then
    read -r _ commit dirty < "$STAMP"
    BUILT_FROM="release build of $commit$(changes "$dirty")"
else
    read -r commit dirty <<< "$(source_state)"
    BUILT_FROM="release build in .build-bench of $(date -d "@$TERN_MTIME" '+%F %H:%M') (not built by this script: the tree is now at $commit$(changes "$dirty"))"
fi
BUILT_FROM+=" ($(swift --version 2> /dev/null | head -1 | sed 's/ (.*//'))"

# MARK: helpers

WORK=$(mktemp -d)
OSMEM_PID=""
COORD_PID=""
SINK_PID=""
cleanup() {
    [[ -n $SINK_PID ]] && kill "$SINK_PID" 2> /dev/null
    [[ -n $OSMEM_PID ]] && kill "$OSMEM_PID" 2> /dev/null
    [[ -n $COORD_PID ]] && kill "$COORD_PID" 2> /dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

start_sink() {
    start_server "$WORK/sink.out" 30 "$PYTHON" "$BENCH/bulk_sink.py"
    SINK_PID=$STARTED_PID
    SINK=$STARTED_URL
}

stop_sink() {
    SINK_CPU=$(cpu_of "$SINK_PID")
    kill "$SINK_PID" 2> /dev/null
    wait "$SINK_PID" 2> /dev/null || true
    SINK_PID=""
}

# Compilers and test runs of other engineers on the machine (as in object-store.sh): swift-frontend, swift-build,
# swift-test and test bundles; zombies and idle swiftc drivers are left out.
busy() { ps -eo stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^(swift-frontend|swift-build|swift-test|.*PackageTests?.*|.*\.xctest)$/' | wc -l; }
QUIET_WAITED=0
NOISY_RUNS=0
TIMED_RUNS=0
wait_quiet() {
    local t0=$SECONDS
    while (($(busy) > 0)); do
        if ((SECONDS - t0 >= QUIET_WAIT)); then
            say "Swift compiles or tests still running after $QUIET_WAIT s: measuring anyway"
            break
        fi
        say "waiting for the Swift compiles/tests on this machine to end ($((SECONDS - t0)) s so far)"
        sleep 15
    done
    QUIET_WAITED=$((QUIET_WAITED + SECONDS - t0))
}

# run_config KEY WORKERS RUN: one timed run into a fresh sink; KEY "baseline" is a plain backfill (one process), any
# other key a shared backfill of WORKERS processes started at once. Appends the run's record to $WORK/records.jsonl.
run_config() {
    local key=$1 workers=$2 run=$3
    local dir="$WORK/$key-$run" name="" extra=() trace=() pids=() failed=0 w i rc load src0 src1 co0 co1 t0 t1 stats clocks
    if [[ $key != baseline ]]; then
        name="bench-$workers-$run"
        extra=(--coordinate --coordination-cluster "$COORD" --run-name "$name" --item-documents "$ITEM_DOCUMENTS" ${LEASE:+--lease "$LEASE"})
        # Every claim, release and done of every worker, on the monotonic clock (one O_APPEND file for all of them).
        trace=(env TERN_COORDINATION_TRACE="$dir/trace.ndjson")
    fi
    for ((w = 1; w <= workers; w++)); do mkdir -p "$dir/w$w"; done
    start_sink
    load=$(cut -d' ' -f1 /proc/loadavg)
    local noisy
    noisy=$(busy)
    src0=$(cpu_of "$OSMEM_PID")
    co0=$(cpu_of "$COORD_PID")
    # The monotonic clock of the trace against the wall clock of t0 and t1.
    clocks=$("$PYTHON" -c 'import time; print((time.time_ns() - time.monotonic_ns()) / 1e9)')
    t0=$EPOCHREALTIME
    for ((w = 1; w <= workers; w++)); do
        # Each process in its own folder with its own state: they share nothing but the clusters.
        (cd "$dir/w$w" && exec "${trace[@]}" /usr/bin/time -f '%e %M %U %S' -o time "$TERN" backfill --source "$SOURCE" --target "$SINK" \
            --read-mode scroll --state-dir ./state --json "${extra[@]}" > out.json 2> err) &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        rc=0
        wait "${pids[$i]}" || rc=$?
        echo "$rc" > "$dir/w$((i + 1))/rc"
        ((rc == 0)) || failed=1
    done
    t1=$EPOCHREALTIME
    noisy=$((noisy + $(busy)))
    if ((run > 0)); then
        TIMED_RUNS=$((TIMED_RUNS + 1))
        ((noisy == 0)) || NOISY_RUNS=$((NOISY_RUNS + 1))
    fi
    src1=$(cpu_of "$OSMEM_PID")
    co1=$(cpu_of "$COORD_PID")
    if ((failed)); then
        for ((w = 1; w <= workers; w++)); do
            echo "--- worker $w: exit $(cat "$dir/w$w/rc"); last lines of its stderr:" >&2
            tail -15 "$dir/w$w/err" >&2
        done
        die "$key run $run: a tern process did not exit 0 (see above)"
    fi
    stats=$(curl -sf "$SINK/_sink/stats") || die "$key run $run: cannot read the sink's stats"
    stop_sink
    local dirs=()
    for ((w = 1; w <= workers; w++)); do dirs+=("$dir/w$w"); done
    "$PYTHON" "$BENCH/scale_out.py" record --key "$key" --workers "$workers" --run "$run" --docs "$DOCS" \
        --t0 "$t0" --t1 "$t1" --clock-offset "$clocks" --trace "$dir/trace.ndjson" \
        --expected "$EXPECTED_PER_INDEX" --sink-stats "$stats" --run-name "$name" \
        --source-cpu "$(awk -v a="$src0" -v b="$src1" 'BEGIN { printf "%.2f", b - a }')" --sink-cpu "$SINK_CPU" \
        --coord-cpu "$(awk -v a="$co0" -v b="$co1" 'BEGIN { printf "%.2f", b - a }')" --load "$load" \
        "${dirs[@]}" >> "$WORK/records.jsonl" || {
        for ((w = 1; w <= workers; w++)); do tail -5 "$dir/w$w/err" >&2; done
        die "$key run $run did not copy every document exactly (see above)"
    }
    rm -rf "$dir"
}

# MARK: the source and the coordination cluster

GEN_HASH=$(sha256sum < "$BENCH/gen_docs.py" | cut -c1-12)
mkdir -p "$CACHE"
SEED="$CACHE/seed-$GEN_HASH-$DOCS-$INDICES-$SHARDS"
if [[ ! -f $SEED/done.json ]]; then
    say "generating $DOCS documents into $SEED"
    rm -rf "$SEED" "$SEED.tmp"
    "$PYTHON" "$BENCH/gen_docs.py" "$SEED.tmp" "$DOCS" --indices "$INDICES" --shards "$SHARDS" > "$WORK/gen.json" ||
        die "gen_docs.py failed"
    mv "$WORK/gen.json" "$SEED.tmp/done.json"
    mv "$SEED.tmp" "$SEED"
fi
SOURCE_BYTES=$(json_field source_bytes "$(cat "$SEED/done.json")")
EXPECTED_PER_INDEX=$("$PYTHON" -c '
import json, sys
n, k = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps({f"bench-{i}": n // k + (1 if i < n % k else 0) for i in range(k)}))' "$DOCS" "$INDICES")

say "starting osmem with $DOCS documents (it indexes about 1,000-2,000 documents/s)"
t0=$SECONDS
start_server "$WORK/osmem.out" $((120 + DOCS / 200)) env GOGC=off GOMEMLIMIT="${OSMEM_MEMORY_LIMIT:-12GiB}" \
    "$OSMEM" --seed "$SEED" --no-ja --parent-pid $$ --no-stdin-watch
OSMEM_PID=$STARTED_PID
SOURCE=$STARTED_URL
SEED_SECONDS=$((SECONDS - t0))
SEED_RSS=$(($(ps -o rss= -p "$OSMEM_PID") / 1024))
say "osmem at $SOURCE loaded $DOCS documents in $SEED_SECONDS s (RSS $SEED_RSS MB)"
counts=$(curl -sf "$SOURCE/_cat/indices/bench-*?h=index,docs.count&s=index" | awk '{ printf "\"%s\":%s,", $1, $2 }')
[[ "{${counts%,}}" == "$(tr -d ' ' <<< "$EXPECTED_PER_INDEX")" ]] ||
    die "the source holds {${counts%,}} documents per index, expected $EXPECTED_PER_INDEX"

# The coordination index needs a real cluster (the bulk sink serves no documents): an empty osmem of its own.
start_server "$WORK/coord.out" 60 "$OSMEM" --no-ja --parent-pid $$ --no-stdin-watch
COORD_PID=$STARTED_PID
COORD=$STARTED_URL
say "coordination osmem at $COORD"

# MARK: runs

say "warm-up: one untimed plain backfill and one untimed shared backfill of 1 worker"
run_config baseline 1 0
run_config warmup 1 0
: > "$WORK/records.jsonl"

for ((run = 1; run <= RUNS; run++)); do
    wait_quiet
    say "run $run/$RUNS: plain tern backfill -> bulk sink"
    run_config baseline 1 "$run"
    for w in "${WORKERS[@]}"; do
        say "run $run/$RUNS: tern backfill --coordinate, $w worker(s) -> bulk sink"
        run_config "workers-$w" "$w" "$run"
    done
done
END_UPTIME=$(uptime)
COORD_RSS=$(($(ps -o rss= -p "$COORD_PID") / 1024))
SOURCE_RSS_END=$(($(ps -o rss= -p "$OSMEM_PID") / 1024))

# MARK: the report

TOTAL=$((SECONDS - START_SECONDS))
DATE=$(date +%F)
ITEMS=$("$PYTHON" -c 'import json, sys; print(next(json.loads(l)["items"] for l in open(sys.argv[1]) if "\"overhead\"" in l))' "$WORK/records.jsonl")
LEASE_TEXT="the default lease (3m)"
[[ -n $LEASE ]] && LEASE_TEXT="\`--lease $LEASE\`"
report() {
    echo "## Shared backfill (\`--coordinate\`) with 1 to ${WORKERS[-1]} workers, $(date '+%F %H:%M %Z')"
    echo
    echo "- Source: $OSMEM_VERSION, seeded in-process with $DOCS generated ~1 KB documents (\`bench/gen_docs.py\`: $INDICES indices ×"
    echo "  $SHARDS primary shards, $(awk -v b="$SOURCE_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB of \`_source\`; loaded in $SEED_SECONDS s; with \`GOGC=off GOMEMLIMIT=${OSMEM_MEMORY_LIMIT:-12GiB}\` as in backfill.sh it held $SEED_RSS MB after loading"
    echo "  and $SOURCE_RSS_END MB at the end; Go collects only as the heap nears that limit, and a run's source CPU includes any collection that falls in it)."
    echo "- Coordination index: on a second, empty osmem-server (\`--coordination-cluster\`), a fresh \`--run-name bench-<workers>-<run>\` per run"
    echo "  (it held $COORD_RSS MB at the end)."
    echo "- Target: \`bench/bulk_sink.py\` (answers every \`_bulk\` item with success, counts distinct ids per index), a fresh one per run."
    echo "- tern: $BUILT_FROM. Every process: \`--read-mode scroll\`, the default \`--concurrency 4\` (4 slots),"
    echo "  pages of 1,000, its own folder and \`--state-dir\`. Baseline: plain \`tern backfill\` (one slice per primary shard:"
    echo "  $((INDICES * SHARDS)) units). Shared: \`--coordinate --item-documents $ITEM_DOCUMENTS\` ($ITEMS items: sliced scrolls of about"
    echo "  $ITEM_DOCUMENTS documents), $LEASE_TEXT, all workers started at once."
    echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $CORES cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, Linux $(uname -r)."
    echo "  Every process (the tern workers, both osmem servers, the sink) shares these cores. \`uptime\` before: \`$(sed 's/^ *//' <<< "$START_UPTIME")\`;"
    echo "  after: \`$(sed 's/^ *//' <<< "$END_UPTIME")\`. Waited $QUIET_WAITED s in all for other Swift compiles and tests to end before the"
    echo "  rounds; $NOISY_RUNS of the $TIMED_RUNS timed runs had one running at their start or end anyway."
    echo "- $RUNS timed run$( ((RUNS == 1)) || echo s) per configuration, round robin (baseline, then each worker count), after one untimed plain and one"
    echo "  untimed 1-worker run. Every run was checked: every tern process exited 0 with a complete \`--json\` summary of"
    echo "  $DOCS documents read and written, nothing missing or failed; the sink held exactly $DOCS distinct ids ($EXPECTED_PER_INDEX);"
    echo "  and the workers of a shared run finished every item of the plan exactly once between them."
    echo "- Command: \`bench/scale-out.sh --docs $DOCS --runs $RUNS --workers \"${WORKERS[*]}\" --item-documents $ITEM_DOCUMENTS${LEASE:+ --lease $LEASE}$( ((INDICES == 2)) || echo " --indices $INDICES")$( ((SHARDS == 4)) || echo " --shards $SHARDS")\`; whole run $((TOTAL / 60)) min $((TOTAL % 60)) s."
    echo
    "$PYTHON" "$BENCH/scale_out.py" report "$WORK/records.jsonl" --docs "$DOCS" --cores "$CORES" --lease "${LEASE:-3m}"
    echo
    echo "Wall s: from the start of the first tern process to the exit of the last (bash's clock); docs/s: $DOCS over it."
    echo "tern CPU s: user + system seconds of all the run's tern processes together (GNU time), median run; CPU µs/doc: the same"
    echo "per document. Peak RSS: the largest single process's (max over the runs); RSS MB (all workers): the sum of the"
    echo "processes' peaks. Source, sink and coordination osmem CPU s: those servers' CPU during the run. Machine busy: all"
    echo "these CPU seconds over wall s × $CORES cores. Coordination (from the workers' \`--json\` \`coordination\`, summed"
    echo "over a run's workers, then the median run): requests / item: every request to the coordination cluster (joining or"
    echo "planning, claims, lease renewals, marking done, polls while waiting for the last items, the final check) over the"
    echo "items; request wait s: the time the workers' slots spent waiting for those requests; claim, finish, copy per item:"
    echo "the slots' time claiming an item (the claims that got one), marking it done, and copying it, over the items"
    echo "(a mean per run: the workers report sums); overhead: (claim + finish) / (claim + copy + finish)."
}

mkdir -p "$RESULTS"
OUT="$RESULTS/scale-out-$DATE.md"
[[ -e $OUT ]] && OUT="$RESULTS/scale-out-$DATE-$(date +%H%M%S).md"
report > "$OUT"
cat "$OUT"
say "written to ${OUT#"$ROOT"/}"
