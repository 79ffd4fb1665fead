#!/usr/bin/env bash
# Benchmark: how fast `tern validate` compares every document of two live clusters holding the same data, against the
# rate at which both clusters can be read side by side (the ceiling), and its CPU and peak memory. See bench/README.md.
#
# Usage: bench/validate.sh [--sizes "50000 200000"] [--runs N] [--no-build] [--tern PATH]
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
TERN_GIVEN=""
INDICES=2
SHARDS=4
# What tern validate reads with by default (ValidateCommand's --slices, DocumentDigestReader.Options): per index and
# side, 4 sliced scrolls, 4 at a time, pages of 1,000. The ceiling reads the same way.
SLICES=4
CONCURRENCY=4
PAGE_SIZE=1000
# The goal of issue 22: validate at this share of the ceiling or better.
GOAL_PERCENT=80

usage() {
    cat << 'EOF'
Usage: bench/validate.sh [options]

Loads the same N generated ~1 KB documents (bench/gen_docs.py) into two osmem-server instances, then, round robin:
  the ceiling: both clusters read side by side, at the same moment (two bench/raw_read.py processes, one per cluster,
    sliced scroll with tern validate's slicing and page size, bytes discarded);
  tern validate --json between the two clusters.
The ceiling's documents/s is N / the wall time of the slower side (validate reads every document on both sides);
validate's is N / its process wall time. Every run must read, or compare, exactly N documents on each side, or the
script fails and writes no report. Prints a Markdown report and writes it to bench/results/validate-<date>.md.

Options:
  --sizes "N ..."  dataset sizes, two servers each (default "50000 200000")
  --runs N         timed runs of each per size (default 3)
  --no-build       use the tern already built in .build-bench instead of running swift build
  --tern PATH      use this tern binary (no build)
Environment: TMPDIR (cache folder parent, default /tmp).
EOF
}

BENCH_NAME=validate-bench
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
        --no-build) BUILD=0; shift ;;
        --tern) [[ -x ${2:-} ]] || die "--tern needs an executable"; TERN_GIVEN=$(realpath "$2"); BUILD=0; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

for tool in swift python3 curl awk sha256sum; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs what the project needs)"
done
ensure_gnu_time
# The interpreter itself, not a pyenv shim (a shim adds ~0.3 s of bash to every start).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
OSMEM=$(python3 -c 'import osmem_server; print(osmem_server.resolve_binary())' 2> /dev/null) ||
    die "osmem-server is not installed: run scripts/setup.sh"

build_tern
[[ -n $TERN_GIVEN ]] && TERN=$TERN_GIVEN
[[ -x $TERN ]] || die "no release build at $TERN (run without --no-build)"

WORK=$(mktemp -d)
FAILED="${TMPDIR:-/tmp}/validate-bench-failed-report.json"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

servers_cpu() { awk -v a="$(cpu_of "$SOURCE_PID")" -v b="$(cpu_of "$TARGET_PID")" 'BEGIN { printf "%.2f", a + b }'; }

# start_osmem OUT SEED: an osmem loaded from SEED; sets URL and OSMEM_PID.
start_osmem() {
    # Go's garbage collector over a 4 GB heap made the servers' CPU per read swing fourfold from run to run (4 to 16 s
    # for the same ceiling read); with collection only near a memory limit, the servers cost the same each run.
    GOGC=off GOMEMLIMIT="${OSMEM_MEMORY_LIMIT:-8GiB}" "$OSMEM" --seed "$2" --no-ja --parent-pid $$ --no-stdin-watch > "$1" 2> "$1.err" &
    OSMEM_PID=$!
    PIDS+=("$OSMEM_PID")
    local deadline=$((SECONDS + 300 + SIZE / 100))
    until grep -q '"url"' "$1" 2> /dev/null; do
        kill -0 "$OSMEM_PID" 2> /dev/null || { cat "$1.err" >&2; die "osmem exited during start-up"; }
        ((SECONDS < deadline)) || die "osmem did not start within the time limit"
        sleep 0.2
    done
    URL=$(grep -o '"url": *"[^"]*"' "$1" | head -1 | sed 's/.*"\(http[^"]*\)"/\1/')
}

# ceiling: both clusters read side by side, each by its own raw_read.py, both told to send their first request at the
# same wall-clock moment (2 s after launch: time for the interpreters to start and list the indices). Checks that each
# side read N documents; sets LAST to "wall source_s target_s skew_ms reader_cpu_s servers_cpu_s load1", wall being
# from the earlier first request to the later last answer.
ceiling() {
    local load start_at s0 s1 side pid pids=()
    load=$(cut -d' ' -f1 /proc/loadavg)
    start_at=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.6f", t + 2 }')
    s0=$(servers_cpu)
    for side in source target; do
        local url=$SOURCE
        [[ $side == target ]] && url=$TARGET
        /usr/bin/time -f '%e %M %U %S' -o "$WORK/raw-$side.time" "$PYTHON" "$BENCH/raw_read.py" "$url" \
            --slices "$SLICES" --concurrency "$CONCURRENCY" --page-size "$PAGE_SIZE" --start-at "$start_at" \
            > "$WORK/raw-$side.json" 2> "$WORK/raw-$side.err" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || { cat "$WORK"/raw-*.err >&2; die "raw_read.py failed"; }
    done
    s1=$(servers_cpu)
    for side in source target; do
        local docs
        docs=$(json_field docs "$(cat "$WORK/raw-$side.json")")
        [[ $docs == "$SIZE" ]] || die "the raw read of the $side read $docs documents, expected $SIZE"
    done
    LAST=$("$PYTHON" - "$WORK/raw-source.json" "$WORK/raw-target.json" "$WORK/raw-source.time" "$WORK/raw-target.time" \
        "$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }')" "$load" << 'EOF'
import json, sys
src, tgt = (json.load(open(p)) for p in sys.argv[1:3])
cpu = sum(float(f) for p in sys.argv[3:5] for f in open(p).read().split()[2:4])
wall = max(src["ended"], tgt["ended"]) - min(src["started"], tgt["started"])
skew = abs(src["started"] - tgt["started"]) * 1000
print(f"{wall:.3f} {src['seconds']:.3f} {tgt['seconds']:.3f} {skew:.1f} {cpu:.2f} {sys.argv[5]} {sys.argv[6]}")
EOF
    )
}

# validate: one timed tern validate --json; checks it is ok with exactly N documents digested on each side; sets LAST
# to "wall report_s rss_mb cpu_s servers_cpu_s load1".
validate() {
    local load s0 s1 t0 t1 checked
    load=$(cut -d' ' -f1 /proc/loadavg)
    s0=$(servers_cpu)
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$TERN" validate --source "$SOURCE" --target "$TARGET" --index 'bench-*' \
        --json > "$WORK/report.json" 2> "$WORK/validate.err" ||
        { tail -20 "$WORK/validate.err" >&2; cp "$WORK/report.json" "$FAILED"; die "tern validate found differences or failed (its report: $FAILED)"; }
    t1=$EPOCHREALTIME
    s1=$(servers_cpu)
    checked=$("$PYTHON" - "$WORK/report.json" "$SIZE" << 'EOF'
import json, sys
r, n = json.load(open(sys.argv[1])), int(sys.argv[2])
src = sum(i["source_digested"] for i in r["indices"])
tgt = sum(i["target_digested"] for i in r["indices"])
if not r["ok"] or src != n or tgt != n:
    sys.exit(f"validate-bench: the report says ok={r['ok']}, {src} source and {tgt} target documents digested, expected {n} each")
print(f"{r['seconds']:.3f}")
EOF
    ) || { cp "$WORK/report.json" "$FAILED"; die "the report is not clean (kept in $FAILED)"; }
    LAST=$(awk -v t0="$t0" -v t1="$t1" -v rep="$checked" -v s0="$s0" -v s1="$s1" -v l="$load" \
        '{ printf "%.3f %s %d %.2f %.2f %s", t1 - t0, rep, $2 / 1024, $3 + $4, s1 - s0, l }' "$WORK/time")
}

START_UPTIME=$(uptime)
GEN_HASH=$(sha256sum < "$BENCH/gen_docs.py" | cut -c1-12)
mkdir -p "$CACHE" "$RESULTS"
declare -A SEED_SECONDS
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
    say "starting two osmem clusters with the same $SIZE documents (each indexes about 1,000-2,000 documents/s)"
    t0=$SECONDS
    start_osmem "$WORK/source.out" "$SEED"
    SOURCE=$URL
    SOURCE_PID=$OSMEM_PID
    start_osmem "$WORK/target.out" "$SEED"
    TARGET=$URL
    TARGET_PID=$OSMEM_PID
    SEED_SECONDS[$SIZE]=$((SECONDS - t0))

    say "warm-up: one untimed two-sided raw read"
    ceiling
    # Odd runs take the ceiling first, even runs validate first: osmem's Go garbage collector (a cycle over its
    # gigabytes of heap costs seconds of CPU) and the machine's other load then fall on either as often.
    for run in $(seq "$RUNS"); do
        order=(ceiling validate)
        ((run % 2)) || order=(validate ceiling)
        for what in "${order[@]}"; do
            if [[ $what == ceiling ]]; then
                say "size $SIZE, run $run/$RUNS: the ceiling (both clusters read side by side)"
            else
                say "size $SIZE, run $run/$RUNS: tern validate"
            fi
            "$what"
            echo "$SIZE $run $LAST" >> "$WORK/$what"
        done
    done
    for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
    PIDS=()
done
END_UPTIME=$(uptime)

# MARK: the report

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One line per run: size run | ceiling: wall source_s target_s skew_ms reader_cpu servers_cpu load | validate: wall
# report_s rss_mb cpu_s servers_cpu load
paste -d' ' "$WORK/ceiling" <(cut -d' ' -f3- "$WORK/validate") > "$WORK/runs"

STAMP=$(date -u +%Y-%m-%d-%H%M%S)
OUT="$RESULTS/validate-$STAMP.md"
{
    echo "## tern validate against its ceiling, every document of two live clusters, $(date -u '+%Y-%m-%d %H:%M') UTC"
    echo
    echo "- Data: \`bench/gen_docs.py\` (~1 KB documents, $INDICES indices × $SHARDS shards), the same in two osmem-server instances."
    echo "- tern: $([[ -n $TERN_GIVEN ]] && echo "\`$TERN_GIVEN\`, built from" || echo "release build of") $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- Sources Package.swift || echo ' plus uncommitted changes under Sources/'), \`tern validate --source S --target T --index 'bench-*' --json\`, default options ($SLICES slices per index and side, $CONCURRENCY at a time, pages of $PAGE_SIZE, scroll)."
    echo "- Ceiling: two \`bench/raw_read.py\` processes, one per cluster, \`--slices $SLICES --concurrency $CONCURRENCY --page-size $PAGE_SIZE\`, told to send their first request at the same moment (\`--start-at\`); the same requests as tern's scroll reader, each page only searched for its \`_scroll_id\` and its hits counted. Its wall time runs from the earlier first request to the later last answer; documents/s = N / that (every document is read on both sides, as validate reads it)."
    echo "- tern's documents/s: N / its whole process wall time (start-up, metadata comparison, refresh, counts and the digest comparison included; the ceiling's excludes interpreter start-up and listing the indices). CPU µs/doc: tern's user + system CPU per document compared (each read and digested on both sides)."
    for SIZE in "${SIZES[@]}"; do
        echo "- $SIZE documents: the two osmem servers loaded them in ${SEED_SECONDS[$SIZE]} s (one after the other)."
    done
    echo "- $RUNS runs of each per size, after one untimed ceiling read; odd runs take the ceiling first, even runs validate first."
    echo "- Summary: the median of the runs' documents/s and of their ratios (each run's validate against the ceiling measured next to it), and the best run of each (on a shared machine the least disturbed one)."
    echo "- Machine: $(nproc) cores shared by both servers and the reader (tern, or both raw readers). \`uptime\` before: \`$START_UPTIME\`; after: \`$END_UPTIME\`."
    echo
    echo "### Summary (medians)"
    echo
    echo "| documents | ceiling docs/s | validate docs/s | validate ÷ ceiling (median of runs) | goal ≥ $GOAL_PERCENT% | best run: ceiling / validate docs/s | best ÷ best | tern CPU µs/doc | tern peak RSS MB (max) |"
    echo "|---:|---:|---:|---:|---|---:|---:|---:|---:|"
    for SIZE in "${SIZES[@]}"; do
        rows=$(awk -v n="$SIZE" '$1 == n' "$WORK/runs")
        c=$(awk '{ print $1 / $3 }' <<< "$rows" | median)
        v=$(awk '{ print $1 / $10 }' <<< "$rows" | median)
        r=$(awk '{ print 100 * $3 / $10 }' <<< "$rows" | median)
        u=$(awk '{ print 1e6 * $13 / $1 }' <<< "$rows" | median)
        m=$(awk 'NR == 1 || $12 > m { m = $12 } END { print m }' <<< "$rows")
        bc=$(awk 'NR == 1 || $3 < b { b = $3 } END { print b }' <<< "$rows")
        bv=$(awk 'NR == 1 || $10 < b { b = $10 } END { print b }' <<< "$rows")
        echo "| $SIZE | $(printf '%.0f' "$c") | $(printf '%.0f' "$v") | $(printf '%.1f' "$r")% | $(awk -v r="$r" -v g="$GOAL_PERCENT" 'BEGIN { print (r >= g ? "✅" : "❌ " sprintf("%.1f", g - r) " points short") }') | $(awk -v n="$SIZE" -v c="$bc" -v v="$bv" 'BEGIN { printf "%.0f / %.0f | %.0f%%", n / c, n / v, 100 * c / v }') | $(printf '%.1f' "$u") | $m |"
    done
    echo
    echo "### Every run"
    echo
    echo "| documents | run | ceiling wall s | raw read s (source / target) | start skew ms | ceiling docs/s | raw readers CPU s | servers CPU s (ceiling) | validate wall s | validate report s | validate docs/s | ÷ ceiling | tern CPU s | tern CPU µs/doc | tern peak RSS MB | servers CPU s (validate) | load (1 min, ceiling / validate) |"
    echo "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    while read -r size run cw cs ct skew rcpu scpu1 load1 vw vrep rss vcpu scpu2 load2; do
        awk -v n="$size" -v run="$run" -v cw="$cw" -v cs="$cs" -v ct="$ct" -v skew="$skew" -v rcpu="$rcpu" -v s1="$scpu1" \
            -v l1="$load1" -v vw="$vw" -v vrep="$vrep" -v rss="$rss" -v vcpu="$vcpu" -v s2="$scpu2" -v l2="$load2" 'BEGIN {
            printf "| %d | %d | %.2f | %.2f / %.2f | %.1f | %d | %.2f | %.2f | %.2f | %.2f | %d | %.0f%% | %.2f | %.1f | %d | %.2f | %s / %s |\n",
                n, run, cw, cs, ct, skew, n / cw, rcpu, s1, vw, vrep, n / vw, 100 * cw / vw, vcpu, 1e6 * vcpu / n, rss, s2, l1, l2
        }'
    done < "$WORK/runs"
} > "$OUT"
cat "$OUT"
say "written to $OUT"
