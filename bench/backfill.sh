#!/usr/bin/env bash
# Benchmark: how fast `tern backfill` copies a live source, side by side with opensearch-py (helpers.scan +
# streaming_bulk / parallel_bulk) and with the raw read rate of the source. See bench/README.md.
#
# Usage: bench/backfill.sh [--sizes "50000 200000"] [--runs N] [--no-pit] [--no-build]
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SCRATCH="$ROOT/.build-bench"
CACHE="${TMPDIR:-/tmp}/tern-backfill-bench"
RESULTS="$BENCH/results"

SIZES=(50000 200000)
RUNS=3
PIT=1
BUILD=1
INDICES=2
SHARDS=4

usage() {
    cat <<'EOF'
Usage: bench/backfill.sh [options]

Fills an osmem source (in-memory OpenSearch-compatible server) with N generated ~1 KB documents, then copies all of
them with each contender, round robin, and measures wall time, peak RSS and CPU:
  raw read of the source (sliced scroll like tern, bytes discarded: the ceiling),
  tern backfill -> bulk sink (bench/bulk_sink.py), tern backfill -> ndjson file,
  opensearch-py helpers.scan + streaming_bulk -> bulk sink, helpers.scan + parallel_bulk -> bulk sink,
  and once per size tern backfill --read-mode pit -> bulk sink.
Every contender must copy exactly N documents (checked on the sink's distinct ids, the file's lines and ids, and
each tool's own count); prints a Markdown report and writes it to bench/results/backfill-<date>.md.

Options:
  --sizes "N ..."  dataset sizes, one source each (default "50000 200000")
  --runs N         timed runs per contender and size; the table shows the median (default 3)
  --no-pit         skip the point-in-time run (osmem serves each PIT page in ~0.7 s)
  --no-build       use the tern already built in .build-bench instead of running swift build
  --indices K      indices the documents are spread over (default 2)
  --shards S       primary shards per index = slices tern reads it in (default 4)
  --pin            the source on core 0, the sink and the contender on the others (default: all share every core); on 2
                   cores this makes tern share one core with the sink, so neither layout is what production looks like
Environment: TMPDIR (cache folder parent, default /tmp).
EOF
}

BENCH_NAME=backfill-bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --sizes)
            read -r -a SIZES <<< "${2:-}"
            ((${#SIZES[@]})) || die "--sizes needs numbers"
            for n in "${SIZES[@]}"; do posint "$n" || die "--sizes: '$n' is not a positive number"; done
            shift 2 ;;
        --runs) posint "${2:-}" || die "--runs needs a positive number"; RUNS=$2; shift 2 ;;
        --no-pit) PIT=0; shift ;;
        --no-build) BUILD=0; shift ;;
        --pin) PIN=1; shift ;;
        --indices) posint "${2:-}" || die "--indices needs a positive number"; INDICES=$2; shift 2 ;;
        --shards) posint "${2:-}" || die "--shards needs a positive number"; SHARDS=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

START_SECONDS=$SECONDS
START_UPTIME=$(uptime)

# --pin: the source on core 0, everything that reads it (contender and sink) on the others. Sharing all cores, the
# source server takes both of them during the raw read (3.9 CPU s in 2.05 s), so any CPU a contender or the sink uses
# comes out of the source's time. Pinned, the source has a core of its own, but on 2 cores the contender then shares
# one core with the sink. Production has neither problem (the clusters run elsewhere); the report says which layout ran.
CORES=$(getconf _NPROCESSORS_ONLN)
SOURCE_PIN=()
CLIENT_PIN=()
if ((${PIN:-0})) && ((CORES >= 2)); then
    command -v taskset > /dev/null || die "taskset is not on PATH (util-linux); use --no-pin"
    SOURCE_PIN=(taskset -c 0)
    CLIENT_PIN=(taskset -c "1-$((CORES - 1))")
fi

# MARK: tools

for tool in swift python3 curl awk sha256sum; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs what the project needs)"
done
ensure_gnu_time
# The interpreter itself, not a pyenv shim (a shim adds ~0.3 s of bash to every start).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
OSMEM=$(python3 -c 'import osmem_server; print(osmem_server.resolve_binary())' 2> /dev/null) ||
    die "osmem-server is not installed: run scripts/setup.sh"
OSMEM_VERSION=$("$OSMEM" -version 2> /dev/null | head -1)

# opensearch-py, pinned in bench/requirements.txt.
PINNED=$(sed -n 's/^opensearch-py==//p' "$BENCH/requirements.txt")
installed_ospy() { "$PYTHON" -c 'import opensearchpy; print(".".join(map(str, opensearchpy.VERSION)))' 2> /dev/null || true; }
if [[ $(installed_ospy) != "$PINNED" ]]; then
    say "installing opensearch-py $PINNED (bench/requirements.txt) with pip --user"
    # Debian's own python3 refuses --user installs (PEP 668) unless told --break-system-packages.
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --user -r "$BENCH/requirements.txt" 2> /dev/null ||
        "$PYTHON" -m pip install --quiet --disable-pip-version-check --user --break-system-packages -r "$BENCH/requirements.txt" ||
        die "could not install opensearch-py ($PYTHON -m pip install --user -r bench/requirements.txt)"
    [[ $(installed_ospy) == "$PINNED" ]] || die "opensearch-py $PINNED is installed but $PYTHON imports '$(installed_ospy)'"
fi

# MARK: tern, release build in its own scratch folder

build_tern
[[ -x $TERN ]] || die "$TERN does not exist: run without --no-build"

# MARK: helpers

WORK=$(mktemp -d)
OSMEM_PID=""
SINK_PID=""
cleanup() {
    [[ -n $SINK_PID ]] && kill "$SINK_PID" 2> /dev/null
    [[ -n $OSMEM_PID ]] && kill "$OSMEM_PID" 2> /dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

start_sink() {
    start_server "$WORK/sink.out" 30 "${CLIENT_PIN[@]}" "$PYTHON" "$BENCH/bulk_sink.py"
    SINK_PID=$STARTED_PID
    SINK=$STARTED_URL
}

# stop_sink: kills the sink after recording its CPU seconds in SINK_CPU.
stop_sink() {
    SINK_CPU=$(cpu_of "$SINK_PID")
    kill "$SINK_PID" 2> /dev/null
    wait "$SINK_PID" 2> /dev/null || true
    SINK_PID=""
}

# sink_check WHAT: the sink must hold exactly the expected distinct ids per index.
sink_check() {
    local stats
    stats=$(curl -sf "$SINK/_sink/stats") || die "$1: cannot read the sink's stats"
    "$PYTHON" - "$stats" "$EXPECTED_PER_INDEX" "$1" << 'EOF' || die "$1 did not copy every document (see above)"
import json, sys
stats, expected, what = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
got = stats["indices"]
if got != expected:
    sys.exit(f"backfill-bench: {what}: the sink holds {got} distinct ids per index, expected {expected}")
EOF
}

# measure KEY CMD...: one timed run, stdout to $WORK/out, stderr to $WORK/err; sets LAST to
# "seconds peak_rss_kib user_s sys_s source_cpu_s SINKCPU load1 wall_s", which `record` appends to $WORK/KEY.SIZE.
# seconds is the process's wall time unless `inprogram` replaces it with the time the program measured itself.
measure() {
    local key=$1
    shift
    local load src0 src1 t0 t1
    load=$(cut -d' ' -f1 /proc/loadavg)
    src0=$(cpu_of "$OSMEM_PID")
    t0=$EPOCHREALTIME
    if ! "${CLIENT_PIN[@]}" /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$@" > "$WORK/out" 2> "$WORK/err"; then
        tail -20 "$WORK/err" >&2
        die "$key failed: $*"
    fi
    t1=$EPOCHREALTIME
    src1=$(cpu_of "$OSMEM_PID")
    LAST=$(tail -1 "$WORK/time" | awk -v t0="$t0" -v t1="$t1" -v s0="$src0" -v s1="$src1" -v l="$load" \
        '{ printf "%.3f %s %s %s %.2f %s %s %.3f", t1 - t0, $2, $3, $4, s1 - s0, "SINKCPU", l, t1 - t0 }')
}
# inprogram: the Python contenders' own "seconds" (interpreter start-up and imports left out) replace the wall time.
inprogram() {
    local s
    s=$(json_field seconds "$(cat "$WORK/out")")
    [[ $s =~ ^[0-9.]+$ ]] || die "no seconds in the output of the last run: $(head -c 300 "$WORK/out")"
    LAST="$s ${LAST#* }"
}
record() { echo "${LAST/SINKCPU/$2}" >> "$WORK/$1.$SIZE"; }

check_count() {
    local what=$1 count=$2
    [[ $count =~ ^[0-9]+$ ]] || die "could not read the document count of $what (got '$count')"
    [[ $count == "$SIZE" ]] || die "document count mismatch: $what copied $count documents, expected $SIZE"
}

# check_tern WHAT: tern's --json summary must say complete, nothing missing or failed, N read and written.
check_tern() {
    local summary
    summary=$(cat "$WORK/out")
    "$PYTHON" - "$summary" "$SIZE" "$1" << 'EOF' || die "$1: tern's summary does not show a complete copy"
import json, sys
s, n, what = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
bad = [k for k, want in (("complete", True), ("missing", 0), ("failed", 0), ("read", n), ("written", n)) if s.get(k) != want]
if bad:
    sys.exit(f"backfill-bench: {what}: tern summary {', '.join(f'{k}={s.get(k)!r}' for k in bad)} (expected {n} documents)")
EOF
}

# run_tern_sink KEY MODE: tern backfill from the source into a fresh sink.
run_tern_sink() {
    start_sink
    measure "$1" "$TERN" backfill --source "$SOURCE" --target "$SINK" --read-mode "$2" --state-dir "$WORK/state-$RANDOM$RANDOM" --json
    check_tern "$1"
    sink_check "$1"
    stop_sink
    record "$1" "$SINK_CPU"
}

# MARK: one size

# report rows per size are built from $WORK/<key>.<size>
declare -A SEED_SECONDS SEED_RSS SOURCE_BYTES PAGE_BYTES
KEYS=(raw tern-sink tern-file ospy-streaming ospy-parallel)
GEN_HASH=$(cat "$BENCH/gen_docs.py" | sha256sum | cut -c1-12)
mkdir -p "$CACHE"

for SIZE in "${SIZES[@]}"; do
    SEED="$CACHE/seed-$GEN_HASH-$SIZE-$INDICES-$SHARDS"
    if [[ ! -f $SEED/done.json ]]; then
        say "generating $SIZE documents into $SEED"
        rm -rf "$SEED" "$SEED.tmp"
        "$PYTHON" "$BENCH/gen_docs.py" "$SEED.tmp" "$SIZE" --indices "$INDICES" --shards "$SHARDS" > "$WORK/gen.json" ||
            die "gen_docs.py failed"
        mv "$WORK/gen.json" "$SEED.tmp/done.json"
        mv "$SEED.tmp" "$SEED"
    fi
    SOURCE_BYTES[$SIZE]=$(json_field source_bytes "$(cat "$SEED/done.json")")
    EXPECTED_PER_INDEX=$("$PYTHON" -c '
import json, sys
n, k = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps({f"bench-{i}": n // k + (1 if i < n % k else 0) for i in range(k)}))' "$SIZE" "$INDICES")

    say "starting osmem with $SIZE documents (it indexes about 1,000-2,000 documents/s)"
    t0=$SECONDS
    # Go's garbage collector over osmem's 4 GB heap makes its CPU per read swing from run to run; collect only near a
    # memory limit so that each contender reads from a server that costs the same (see bench/README.md).
    start_server "$WORK/osmem.out" $((120 + SIZE / 200)) "${SOURCE_PIN[@]}" env GOGC=off GOMEMLIMIT="${OSMEM_MEMORY_LIMIT:-12GiB}" \
        "$OSMEM" --seed "$SEED" --no-ja --parent-pid $$ --no-stdin-watch
    OSMEM_PID=$STARTED_PID
    SOURCE=$STARTED_URL
    SEED_SECONDS[$SIZE]=$((SECONDS - t0))
    SEED_RSS[$SIZE]=$(($(ps -o rss= -p "$OSMEM_PID") / 1024))
    say "osmem at $SOURCE loaded $SIZE documents in ${SEED_SECONDS[$SIZE]} s (RSS ${SEED_RSS[$SIZE]} MB)"
    counts=$(curl -sf "$SOURCE/_cat/indices/bench-*?h=index,docs.count&s=index" | awk '{ printf "\"%s\":%s,", $1, $2 }')
    [[ "{${counts%,}}" == "$(tr -d ' ' <<< "$EXPECTED_PER_INDEX")" ]] ||
        die "the source holds {${counts%,}} documents per index, expected $EXPECTED_PER_INDEX"

    say "warm-up: one untimed raw read"
    "$PYTHON" "$BENCH/raw_read.py" "$SOURCE" > "$WORK/out" || die "raw_read.py failed"
    PAGE_BYTES[$SIZE]=$(json_field bytes "$(cat "$WORK/out")")

    for ((run = 1; run <= RUNS; run++)); do
        say "size $SIZE, run $run/$RUNS: raw read (sliced scroll, bytes discarded)"
        measure raw "$PYTHON" "$BENCH/raw_read.py" "$SOURCE"
        check_count "raw read" "$(json_field docs "$(cat "$WORK/out")")"
        inprogram
        record raw 0

        say "size $SIZE, run $run/$RUNS: tern backfill -> bulk sink"
        run_tern_sink tern-sink scroll

        say "size $SIZE, run $run/$RUNS: tern backfill -> ndjson file"
        file="$WORK/copy.ndjson"
        measure tern-file "$TERN" backfill --source "$SOURCE" --to-file "$file" --read-mode scroll --state-dir "$WORK/state-$RANDOM$RANDOM" --json
        check_tern "tern --to-file"
        check_count "tern --to-file (lines)" "$(wc -l < "$file")"
        check_count "tern --to-file (distinct _index/_id)" \
            "$(cut -c1-200 "$file" | grep -o '"_index":"[^"]*","_id":"[^"]*"' | sort -u | wc -l)"
        rm -f "$file"
        record tern-file 0

        for mode in streaming parallel; do
            say "size $SIZE, run $run/$RUNS: opensearch-py scan + ${mode}_bulk -> bulk sink"
            start_sink
            measure "ospy-$mode" "$PYTHON" "$BENCH/opensearch_py_copy.py" "$SOURCE" "$SINK" --mode "$mode"
            check_count "opensearch-py $mode" "$(json_field docs "$(cat "$WORK/out")")"
            sink_check "opensearch-py $mode"
            stop_sink
            inprogram
            record "ospy-$mode" "$SINK_CPU"
        done
    done
    if ((PIT)); then
        say "size $SIZE: tern backfill --read-mode pit -> bulk sink (one run)"
        run_tern_sink tern-pit pit
    fi
    kill "$OSMEM_PID" 2> /dev/null
    wait "$OSMEM_PID" 2> /dev/null || true
    OSMEM_PID=""
done
END_UPTIME=$(uptime)

# MARK: the report

# median FILE COLUMN: the median of one column.
median() {
    awk -v c="$2" '{ print $c }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
maxcol() { awk -v c="$2" 'NR == 1 || $c > m { m = $c } END { print m }' "$1"; }
runs() { awk -v c="$2" '{ printf "%s%.2f", (NR > 1 ? " / " : ""), $c }' "$1"; }

label() {
    case $1 in
        raw) echo "raw read of the source: sliced scroll, bytes discarded (\`bench/raw_read.py\`) — the ceiling" ;;
        tern-sink) echo "\`tern backfill\` → bulk sink" ;;
        tern-file) echo "\`tern backfill --to-file\` (ndjson)" ;;
        ospy-streaming) echo "opensearch-py \`helpers.scan\` + \`streaming_bulk\` → bulk sink" ;;
        ospy-parallel) echo "opensearch-py \`helpers.scan\` + \`parallel_bulk\` (4 threads) → bulk sink" ;;
        tern-pit) echo "\`tern backfill --read-mode pit\` → bulk sink (1 run; osmem: ~0.7 s per PIT page)" ;;
    esac
}

table() {
    local size=$1 raw_s ospy_s key f s
    raw_s=$(median "$WORK/raw.$size" 1)
    ospy_s=$(median "$WORK/ospy-streaming.$size" 1)
    echo "### $size documents"
    echo
    echo "Source: $INDICES indices × $SHARDS primary shards, $(awk -v b="${SOURCE_BYTES[$size]}" 'BEGIN { printf "%.1f", b / 1e6 }') MB of \`_source\`"
    echo "($(awk -v b="${PAGE_BYTES[$size]}" 'BEGIN { printf "%.1f", b / 1e6 }') MB of scroll pages); osmem loaded it in ${SEED_SECONDS[$size]} s and held ${SEED_RSS[$size]} MB after loading."
    echo
    echo "| contender | docs/s (median) | seconds (median) | runs (s) | process wall s | % of raw read | × opensearch-py streaming_bulk | peak RSS MB (max) | CPU s | CPU µs/doc | source CPU s | sink CPU s | load (1 min) |"
    echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for key in "${KEYS[@]}" tern-pit; do
        f="$WORK/$key.$size"
        [[ -f $f ]] || continue
        s=$(median "$f" 1)
        awk -v name="$(label "$key")" -v n="$size" -v s="$s" -v raw="$raw_s" -v ospy="$ospy_s" -v runs="$(runs "$f" 1)" \
            -v rss="$(maxcol "$f" 2)" -v cpu="$(awk '{ print $3 + $4 }' "$f" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" \
            -v src="$(median "$f" 5)" -v sink="$(median "$f" 6)" -v load="$(runs "$f" 7)" -v wall="$(median "$f" 8)" -v key="$key" 'BEGIN {
            printf "| %s | %.0f | %.2f | %s | %.2f | %s | %s | %.0f | %.2f | %.1f | %.2f | %s | %s |\n", name, n / s, s, runs, wall,
                key == "raw" ? "100%" : sprintf("%.0f%%", 100 * raw / s), sprintf("%.2f×", ospy / s), rss * 1024 / 1e6,
                cpu, cpu * 1e6 / n, src, key == "raw" || key == "tern-file" ? "—" : sprintf("%.2f", sink), load
        }'
    done
    echo
}

# goals SIZE: the issue's goals, checked on this size's medians.
goals() {
    local size=$1
    awk -v n="$size" -v raw="$(median "$WORK/raw.$size" 1)" -v tern="$(median "$WORK/tern-sink.$size" 1)" \
        -v ospy="$(median "$WORK/ospy-streaming.$size" 1)" -v rss="$(maxcol "$WORK/tern-sink.$size" 2)" \
        -v frss="$(maxcol "$WORK/tern-file.$size" 2)" \
        -v cpu="$(awk '{ print $3 + $4 }' "$WORK/tern-sink.$size" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" 'BEGIN {
        ok = "✅"; no = "❌"
        printf "- %s documents: tern → sink at %.0f%% of the raw read rate (goal ≥ 90%%: %s), %.2f× opensearch-py streaming_bulk (goal ≥ 3×: %s), peak RSS %.0f MB to the sink and %.0f MB to a file (goal < 200 MB: %s); tern → sink used %.1f µs of CPU per document\n",
            n, 100 * raw / tern, (raw / tern >= 0.9 ? ok : no), ospy / tern, (ospy / tern >= 3 ? ok : no),
            rss * 1024 / 1e6, frss * 1024 / 1e6, (rss * 1024 < 200e6 && frss * 1024 < 200e6 ? ok : no), cpu * 1e6 / n
    }'
}

TOTAL=$((SECONDS - START_SECONDS))
DATE=$(date +%F)
COMMIT=$(git -C "$ROOT" --no-optional-locks rev-parse --short HEAD 2> /dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no -- Sources Package.swift 2> /dev/null | wc -l)
report() {
    echo "## Backfill from a live source, $(date '+%F %H:%M %Z')"
    echo
    echo "- Source: $OSMEM_VERSION, the osmem-server binary from PyPI (a Go in-memory server), seeded in-process from generated ~1 KB documents"
    echo "  (\`bench/gen_docs.py\`: $INDICES indices × $SHARDS primary shards, text/keyword/numeric/date/geo/object fields, mixed scripts and emoji)."
    echo "- Sink: \`bench/bulk_sink.py\` (Python, threaded HTTP/1.1, answers every \`_bulk\` item with success, counts distinct ids per index), a fresh one per run."
    echo "- tern: release build of $COMMIT$( ((DIRTY)) && echo " with $DIRTY uncommitted change(s) under Sources/") ($(swift --version 2> /dev/null | head -1 | sed 's/ (.*//')), default options"
    echo "  (\`--read-mode scroll\`, slices = primary shards, 4 units at once, pages of 1,000), fresh \`--state-dir\` per run."
    echo "- opensearch-py $PINNED, $("$PYTHON" --version 2>&1): one \`helpers.scan\` (size 1,000) over all indices, \`chunk_size\` 1,000."
    echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, Linux $(uname -r)."
    echo "  $(if ((${#SOURCE_PIN[@]})); then echo "Source osmem pinned to core 0, the sink and each contender to cores 1-$((CORES - 1)) (taskset)."; else echo "Source, sink and client share these cores (no --pin)."; fi) \`uptime\` before: \`$(sed 's/^ *//' <<< "$START_UPTIME")\`; after: \`$(sed 's/^ *//' <<< "$END_UPTIME")\`."
    echo "- $RUNS timed run$( ((RUNS == 1)) || echo s) per contender and size, round robin. Seconds: for tern the process's wall time (start-up,"
    echo "  planning, creating the target indices and the final refresh and count included); for the Python contenders the time they"
    echo "  measure from their first request to the last answer (interpreter start-up and imports left out; their whole process"
    echo "  wall time is in its own column). So the comparison is, if anything, in the others' favour."
    echo "  Every run copied exactly the expected documents (checked on the sink's distinct ids, the file, and each tool's count)."
    echo "- Command: \`bench/backfill.sh --sizes \"${SIZES[*]}\" --runs $RUNS$( ((PIT)) || echo " --no-pit")$( ((INDICES == 2)) || echo " --indices $INDICES")$( ((SHARDS == 4)) || echo " --shards $SHARDS")\`; whole run $((TOTAL / 60)) min $((TOTAL % 60)) s."
    echo
    echo "Goals (median runs):"
    echo
    for size in "${SIZES[@]}"; do goals "$size"; done
    echo
    for size in "${SIZES[@]}"; do table "$size"; done
    echo "CPU s: user + system seconds of the contender's process (median); CPU µs/doc: the same per document copied. Source CPU s: osmem's CPU seconds during the"
    echo "run; sink CPU s: the sink's. × opensearch-py: the streaming_bulk median time divided by this row's."
}

mkdir -p "$RESULTS"
OUT="$RESULTS/backfill-$DATE.md"
[[ -e $OUT ]] && OUT="$RESULTS/backfill-$DATE-$(date +%H%M%S).md"
report > "$OUT"
cat "$OUT"
say "written to ${OUT#"$ROOT"/}"
