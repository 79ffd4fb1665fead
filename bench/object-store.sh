#!/usr/bin/env bash
# Benchmark: how fast `tern snapshot docs` reads a snapshot repository in place from an S3 object store (moto), with 1, 4
# and 16 connections, against the same repository read from a local folder in the same run, and against moto's own
# ceiling for the same ranged GETs. See bench/README.md.
#
# Usage: bench/object-store.sh [--docs N] [--runs N] [--connections "1 4 16"] [--no-ndjson]
#                              [--no-build | --tern PATH] [--quiet-wait SECONDS] [--prepare-only]
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURES="$ROOT/Tests/Fixtures/lucene"
SERVER_SCRIPT="$ROOT/Tests/TernTestSupport/object_store_server.py"
ASSEMBLER="$ROOT/bench/assemble_repository.py"
CEILING="$ROOT/bench/s3_ceiling.py"
SCRATCH="$ROOT/.build-bench"
CACHE="${TMPDIR:-/tmp}/tern-object-store-bench"
RESULTS="$ROOT/bench/results"

DOCS=500000
RUNS=3
CONNECTIONS=(1 4 16)
NDJSON=1
BUILD=1
PREPARE_ONLY=0
TERN_GIVEN=""
QUIET_WAIT=1800
BUCKET=tern-bench
PREFIX=repo
RANGE_BYTES=$((8 << 20)) # ObjectStoreStorage.Options.rangeBytes
SPILL_THRESHOLD=$((1 << 20)) # ObjectStoreStorage.Options.spillThreshold

usage() {
    cat <<'EOF'
Usage: bench/object-store.sh [options]

Writes a Lucene 8.7 index of N ~1 KB documents with the real Lucene, assembles an Elasticsearch 7.10-shaped fs snapshot
repository around it (bench/assemble_repository.py), uploads it to moto (Tests/TernTestSupport/object_store_server.py)
and times, round robin in one run:
  tern snapshot docs FOLDER bench --count          (and > /dev/null)     the local read
  tern snapshot docs s3://tern-bench/repo bench --count --connections C  for each C  (and > /dev/null at the largest C)
  bench/s3_ceiling.py --connections C                                    moto's own ceiling for the same ranged GETs
Prints a Markdown report (MB/s, CPU seconds, peak RSS, ratios to the local read and to moto's ceiling) and writes it to
bench/results/object-store-<date>.md.

Options:
  --docs N            documents in the index (default 500000: 376 MB of Lucene files, 244 MB of stored fields)
  --runs N            timed runs of each reader; the tables show the median (default 3)
  --connections "C…"  the --connections values to measure (default "1 4 16")
  --no-ndjson         leave out the ndjson runs (local and S3)
  --no-build          use the tern already built in .build-bench instead of running swift build
  --tern PATH         measure this tern binary instead of building one (a debug build's numbers mean nothing)
  --quiet-wait S      before measuring, wait up to S seconds (default 1800) for no Swift compiler or test process
                      to be running on the machine; measure anyway after that, and say so in the report
  --prepare-only      build tern, write the index and assemble the repository, then stop
Environment: TMPDIR (cache folder parent, default /tmp).
EOF
}

BENCH_NAME=object-store
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --docs) posint "${2:-}" || die "--docs needs a positive number"; DOCS=$2; shift 2 ;;
        --runs) posint "${2:-}" || die "--runs needs a positive number"; RUNS=$2; shift 2 ;;
        --connections)
            read -r -a CONNECTIONS <<< "${2:-}"
            ((${#CONNECTIONS[@]})) || die "--connections needs a list of positive numbers"
            for c in "${CONNECTIONS[@]}"; do posint "$c" || die "--connections needs positive numbers, not '$c'"; done
            shift 2 ;;
        --no-ndjson) NDJSON=0; shift ;;
        --no-build) BUILD=0; shift ;;
        --tern) [[ -x ${2:-} ]] || die "--tern needs an executable tern"; TERN_GIVEN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); BUILD=0; shift 2 ;;
        --quiet-wait) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--quiet-wait needs seconds"; QUIET_WAIT=$2; shift 2 ;;
        --prepare-only) PREPARE_ONLY=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
MAX_CONNECTIONS=$(printf '%s\n' "${CONNECTIONS[@]}" | sort -n | tail -1)

START_SECONDS=$SECONDS

# MARK: tools

for tool in swift java javac python3 awk sha256sum; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs the Swift toolchain, the JDK, Lucene and moto)"
done
python3 -c 'import moto, boto3, botocore' 2> /dev/null || die "python3 has no moto[server]/boto3: run scripts/setup.sh"
JARS="/usr/share/java/lucene-core-8.7.0.jar:/usr/share/java/lucene-backward-codecs-8.7.0.jar:/usr/share/java/lucene-analyzers-common-8.7.0.jar"
for jar in ${JARS//:/ }; do
    [[ -f $jar ]] || die "$jar is missing: run scripts/setup.sh (Debian's liblucene8-java)"
done
ensure_gnu_time
HAVE_SS=0
command -v ss > /dev/null && HAVE_SS=1
CLK_TCK=$(getconf CLK_TCK)

# MARK: tern, release build in its own scratch folder

build_tern
[[ -n $TERN_GIVEN ]] && TERN=$TERN_GIVEN
[[ -x $TERN ]] || die "$TERN does not exist: run without --no-build"

# MARK: the Lucene index and the repository, cached per generator/assembler version and size

GENERATOR="$FIXTURES/LuceneFixtureGenerator.java"
HASH=$(sha256sum < "$GENERATOR" | cut -c1-12)
CLASSES="$CACHE/classes-$HASH"
INDEX="$CACHE/index-$HASH-8.7-$DOCS-speed"
REPO_HASH=$(cat "$GENERATOR" "$ASSEMBLER" | sha256sum | cut -c1-12)
REPO="$CACHE/repository-$REPO_HASH-$DOCS"
MANIFEST="$REPO.json"
mkdir -p "$CACHE"
STAGING=""
SERVER_PID=""
cleanup() {
    [[ -n $STAGING ]] && rm -rf "$STAGING"
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2> /dev/null
    [[ -n ${WORK:-} ]] && rm -rf "$WORK"
    return 0
}
trap cleanup EXIT

if [[ ! -f $CLASSES/LuceneFixtureGenerator.class ]]; then
    say "compiling the Lucene generator into $CLASSES"
    STAGING="$CLASSES.tmp-$$"
    rm -rf "$STAGING"
    javac -nowarn -d "$STAGING" -cp "$JARS" "$GENERATOR" || die "javac failed"
    rm -rf "$CLASSES"
    mv "$STAGING" "$CLASSES"
    STAGING=""
fi

# Written into a staging folder and renamed when complete, so an existing $INDEX (or $REPO) is always complete.
if [[ ! -d $INDEX ]]; then
    say "writing a Lucene 8.7 index of $DOCS documents (BEST_SPEED) into $INDEX"
    STAGING="$INDEX.tmp-$$"
    rm -rf "$STAGING"
    t0=$SECONDS
    java -cp "$JARS:$CLASSES" LuceneFixtureGenerator bench "$STAGING" "$DOCS" speed || die "the generator failed"
    mv "$STAGING" "$INDEX"
    STAGING=""
    say "index written in $((SECONDS - t0)) s"
else
    say "reusing the index $INDEX"
fi

if [[ ! -d $REPO || ! -f $MANIFEST ]]; then
    say "assembling an Elasticsearch 7.10 snapshot repository around it into $REPO"
    rm -rf "$REPO" "$MANIFEST"
    STAGING="$REPO.tmp-$$"
    rm -rf "$STAGING" "$STAGING.json"
    python3 "$ASSEMBLER" "$INDEX" "$STAGING" --snapshot bench --index bench --manifest "$STAGING.json" > /dev/null ||
        die "assembling the repository failed"
    mv "$STAGING.json" "$MANIFEST"
    mv "$STAGING" "$REPO"
    STAGING=""
else
    say "reusing the repository $REPO"
fi

# From the manifest: sizes, and the stored-fields blobs (what the reader fetches, besides small metadata).
read -r REPO_BYTES LUCENE_BYTES STORED_BYTES FDT_BYTES < <(python3 - "$MANIFEST" << 'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
stored = [f for f in m["files"] if f["physical_name"].rsplit(".", 1)[-1] in ("fdt", "fdx", "fdm")]
fdt = max(f["length"] for f in stored)
print(m["repository_bytes"], m["lucene_bytes"], sum(f["length"] for f in stored), fdt)
EOF
)
mapfile -t CEILING_BLOBS < <(python3 - "$MANIFEST" "$PREFIX" << 'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
for f in m["files"]:
    if f["blob"] and f["physical_name"].rsplit(".", 1)[-1] in ("fdt", "fdx", "fdm"):
        print(f"--blob={sys.argv[2]}/{f['blob']}={f['length']}")
EOF
)
mapfile -t REPO_FILES < <(find "$REPO" -type f | sort)

say "checking the repository: tern snapshot docs $REPO bench --count"
count=$("$TERN" snapshot docs "$REPO" bench --count | awk -F'\t' '$1 == "bench" { print $2 }')
[[ $count == "$DOCS" ]] || die "tern counted '$count' documents in the assembled repository, not $DOCS"

if ((PREPARE_ONLY)); then
    say "prepared: tern $TERN, repository $REPO ($REPO_BYTES bytes, stored fields $STORED_BYTES)"
    exit 0
fi

# MARK: moto

WORK=$(mktemp -d)
mkdir -p "$WORK/spill"
say "starting moto and uploading the repository (s3://$BUCKET/$PREFIX)"
t0=$EPOCHREALTIME
python3 "$SERVER_SCRIPT" --kind s3 --bucket "$BUCKET" --upload "$REPO=$PREFIX" > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER_PID=$!
for ((i = 0; i < 1200; i++)); do
    grep -q '"port"' "$WORK/server.out" 2> /dev/null && break
    kill -0 "$SERVER_PID" 2> /dev/null || { cat "$WORK/server.err" >&2; die "object_store_server.py exited"; }
    sleep 0.5
done
PORT=$(grep -o '"port": *[0-9]*' "$WORK/server.out" | grep -o '[0-9]*$') || die "moto did not start in 10 minutes"
UPLOAD_SECONDS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
ENDPOINT="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_ENDPOINT_URL=$ENDPOINT AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION
say "moto at $ENDPOINT (upload took $UPLOAD_SECONDS s)"
MOTO_VERSION=$(python3 -c 'import moto; print(moto.__version__)')

say "checking the S3 read: tern snapshot docs s3://$BUCKET/$PREFIX bench --count"
count=$("$TERN" snapshot docs "s3://$BUCKET/$PREFIX" bench --count --spill-dir "$WORK/spill" | awk -F'\t' '$1 == "bench" { print $2 }')
[[ $count == "$DOCS" ]] || die "tern counted '$count' documents from s3://$BUCKET/$PREFIX, not $DOCS"
say "warm-up: tern snapshot docs FOLDER bench | wc -l"
lines=$("$TERN" snapshot docs "$REPO" bench | wc -l)
[[ $lines == "$DOCS" ]] || die "tern printed $lines ndjson lines from the folder, not $DOCS"

# MARK: measuring

# Compilers and test runs of the other engineers on the machine: swift-frontend (what compiles), swift-build,
# swift-test and test bundles. Zombies and the swiftc drivers are left out: a driver whose build was interrupted can
# linger idle for hours.
busy() { ps -eo stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^(swift-frontend|swift-build|swift-test|.*PackageTests?.*|.*\.xctest)$/' | wc -l; }

QUIET_WAITED=0
QUIET_GIVEN_UP=0
wait_quiet() {
    local t0=$SECONDS
    while (($(busy) > 0)); do
        if ((SECONDS - t0 >= QUIET_WAIT)); then
            QUIET_GIVEN_UP=1
            say "Swift compiles or tests still running after $QUIET_WAIT s: measuring anyway"
            break
        fi
        say "waiting for the Swift compiles/tests on this machine to end ($((SECONDS - t0)) s so far)"
        sleep 15
    done
    QUIET_WAITED=$((QUIET_WAITED + SECONDS - t0))
}

moto_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

# The most connections to moto open at once, sampled every 0.1 s into $1.
sample_connections() {
    local out=$1 max=0 n
    echo 0 > "$out"
    while :; do
        n=$(ss -tnH state established "( dport = :$PORT )" 2> /dev/null | wc -l)
        if ((n > max)); then
            max=$n
            echo "$max" > "$out"
        fi
        sleep 0.1
    done
}

warm() { cat "${REPO_FILES[@]}" > /dev/null; }

DISTURBED=0
# measure KEY STDOUT CMD...: one timed run; appends to $WORK/KEY.runs
#   wall_s rss_kib user_s sys_s moto_cpu_s max_connections fetched_bytes longest_fetch_s busy
measure() {
    local key=$1 stdout=$2
    shift 2
    local sampler="" before after
    before=$(moto_ticks)
    if ((HAVE_SS)); then
        sample_connections "$WORK/conns" &
        sampler=$!
    else
        echo - > "$WORK/conns"
    fi
    local t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$@" > "$stdout" 2> "$WORK/err"; then
        [[ -n $sampler ]] && kill "$sampler"
        tail -20 "$WORK/err" >&2
        die "$key failed: $*"
    fi
    local t1=$EPOCHREALTIME
    if [[ -n $sampler ]]; then
        kill "$sampler"
        wait "$sampler" 2> /dev/null || true
    fi
    after=$(moto_ticks)
    local b
    b=$(busy)
    ((b > 0)) && DISTURBED=$((DISTURBED + 1))
    # tern's --log-level debug names every blob it fetched in ranges: "fetched KEY: N bytes in S s over C connections".
    local fetched
    fetched=$(awk '/ fetched .*: [0-9]+ bytes in / { for (i = 1; i <= NF; i++) if ($i == "bytes") { n += $(i - 1); if ($(i + 2) > s) s = $(i + 2) } }
        END { printf "%d %s", n, (s == "" ? "-" : s) }' "$WORK/err")
    tail -1 "$WORK/time" | awk -v t0="$t0" -v t1="$t1" -v m=$((after - before)) -v hz="$CLK_TCK" -v c="$(cat "$WORK/conns")" \
        -v f="$fetched" -v busy="$b" '{ printf "%.3f %s %s %s %.2f %s %s %s\n", t1 - t0, $2, $3, $4, m / hz, c, f, busy }' >> "$WORK/$key.runs"
}

check_count() {
    local what=$1 file=$2 got
    got=$(awk -F'\t' '$1 == "bench" { print $2 }' "$file")
    [[ $got == "$DOCS" ]] || die "$what counted '$got' documents, not $DOCS"
}

# ceiling C: moto's ceiling for the stored-fields blobs with C connections; appends to $WORK/ceiling-C.runs
#   wall_s bytes requests client_cpu_s moto_cpu_s max_in_flight busy
ceiling() {
    local c=$1 before after b
    before=$(moto_ticks)
    python3 "$CEILING" --endpoint "$ENDPOINT" --bucket "$BUCKET" --connections "$c" --range-bytes "$RANGE_BYTES" \
        --threshold "$SPILL_THRESHOLD" "${CEILING_BLOBS[@]}" > "$WORK/ceiling.json" || die "s3_ceiling.py failed"
    after=$(moto_ticks)
    b=$(busy)
    ((b > 0)) && DISTURBED=$((DISTURBED + 1))
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("{:.3f} {} {} {:.2f} {:.2f} {} {}".format(r["seconds"], r["bytes"], r["requests"], r["user_s"] + r["sys_s"],
      int(sys.argv[2]) / int(sys.argv[3]), r["max_in_flight"], sys.argv[4]))
' "$WORK/ceiling.json" $((after - before)) "$CLK_TCK" "$b" >> "$WORK/ceiling-$c.runs"
}

wait_quiet
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# Round robin, so drift in the machine's load spreads over every reader.
for ((run = 1; run <= RUNS; run++)); do
    ((run > 1)) && wait_quiet
    say "run $run/$RUNS: local folder, --count"
    warm
    measure local-count "$WORK/out" "$TERN" snapshot docs "$REPO" bench --count
    check_count "the local read" "$WORK/out"
    if ((NDJSON)); then
        say "run $run/$RUNS: local folder, ndjson > /dev/null"
        warm
        measure local-ndjson /dev/null "$TERN" snapshot docs "$REPO" bench
    fi
    for c in "${CONNECTIONS[@]}"; do
        say "run $run/$RUNS: s3, --count --connections $c"
        measure "s3-count-$c" "$WORK/out" "$TERN" snapshot docs "s3://$BUCKET/$PREFIX" bench --count --connections "$c" \
            --spill-dir "$WORK/spill" --log-level debug
        check_count "the S3 read with $c connections" "$WORK/out"
    done
    if ((NDJSON)); then
        say "run $run/$RUNS: s3, ndjson > /dev/null --connections $MAX_CONNECTIONS"
        measure s3-ndjson /dev/null "$TERN" snapshot docs "s3://$BUCKET/$PREFIX" bench --connections "$MAX_CONNECTIONS" \
            --spill-dir "$WORK/spill" --log-level debug
    fi
    for c in "${CONNECTIONS[@]}"; do
        say "run $run/$RUNS: moto's ceiling, $c connections"
        ceiling "$c"
    done
done
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# MARK: the report

# median FILE COLUMN [SCALE]
median() {
    awk -v c="$2" -v k="${3:-1}" '{ print $c * k }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# runs FILE COLUMN: every run's value, in run order.
runs() { awk -v c="$2" '{ printf "%s%.2f", (NR > 1 ? " / " : ""), $c }' "$1"; }
# cpu FILE: median user+system seconds.
cpu() { awk '{ print $3 + $4 }' "$1" > "$1.cpu"; median "$1.cpu" 1; }
maxcol() { awk -v c="$2" '$c != "-" && $c > m { m = $c } END { print m + 0 }' "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

LOCAL_S=$(median "$WORK/local-count.runs" 1)
LOCAL_CPU=$(cpu "$WORK/local-count.runs")
if ((NDJSON)); then
    LOCAL_NDJSON_S=$(median "$WORK/local-ndjson.runs" 1)
    LOCAL_NDJSON_CPU=$(cpu "$WORK/local-ndjson.runs")
fi

# row NAME KEY BASE_S BASE_CPU CEILING_MBS: one tern row.
row() {
    local name=$1 file="$WORK/$2.runs" base_s=$3 base_cpu=$4 ceiling=$5
    awk -v name="$name" -v s="$(median "$file" 1)" -v runs="$(runs "$file" 1)" -v rss="$(median "$file" 2)" \
        -v maxrss="$(maxcol "$file" 2)" -v cpu="$(cpu "$file")" -v moto="$(median "$file" 5)" -v conns="$(maxcol "$file" 6)" \
        -v fetched="$(median "$file" 7)" -v longest="$(median "$file" 8)" -v stored="$STORED_BYTES" -v bs="$base_s" \
        -v bc="$base_cpu" -v ceil="$ceiling" -v local_row="${6:-0}" 'BEGIN {
        dash = "—"
        mbs = stored / 1e6 / s
        f = fetched > 0 ? sprintf("%.0f MB in %.2f s: %.0f MB/s", fetched / 1e6, longest, fetched / 1e6 / longest) : dash
        c = local_row ? dash : conns
        m = local_row ? dash : sprintf("%.2f", moto)
        vs = ceil > 0 ? sprintf("%.0f%%", 100 * mbs / ceil) : dash
        printf "| %s | %.2f | %s | %.1f | %s | %s | %s | %.0f (max %.0f) | %.2f | %.1f× | %.2f× | %s |\n",
            name, s, runs, mbs, vs, f, c, rss * 1024 / 1e6, maxrss * 1024 / 1e6, cpu, s / bs, cpu / bc, m
    }'
}

ceiling_mbs() { awk -v s="$(median "$WORK/ceiling-$1.runs" 1)" -v b="$(median "$WORK/ceiling-$1.runs" 2)" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

TOTAL=$((SECONDS - START_SECONDS))
DATE=$(date +%F)
COMMIT=$(git -C "$ROOT" --no-optional-locks rev-parse --short HEAD 2> /dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no -- Sources Package.swift 2> /dev/null | wc -l)
SHARES=$(awk -v n="$(nproc)" -v d="$DOCS" 'BEGIN { s = int(d / 10000); if (s > n) s = n; if (s < 1) s = 1; print s }')
MAX_RSS_KIB=0
for c in "${CONNECTIONS[@]}"; do
    m=$(maxcol "$WORK/s3-count-$c.runs" 2)
    ((m > MAX_RSS_KIB)) && MAX_RSS_KIB=$m
done
if ((NDJSON)); then
    m=$(maxcol "$WORK/s3-ndjson.runs" 2)
    ((m > MAX_RSS_KIB)) && MAX_RSS_KIB=$m
fi
MAX_RSS_MB=$(awk -v k="$MAX_RSS_KIB" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }')

report() {
    echo "## Snapshot repository read from S3 (moto), $(date '+%F %H:%M %Z')"
    echo
    echo "- Repository: an Elasticsearch 7.10-shaped \`fs\` repository (\`bench/assemble_repository.py\`: one snapshot, one"
    echo "  index, one shard, JSON metadata blobs) around a Lucene 8.7 index of $DOCS documents of ~1 KB written by the real"
    echo "  Lucene (\`LuceneFixtureGenerator bench N speed\`: BEST_SPEED, one segment, no deletes): $(mb "$REPO_BYTES") MB of blobs"
    echo "  ($(mb "$LUCENE_BYTES") MB of Lucene files); the stored fields (\`.fdt\` $(mb "$FDT_BYTES") MB, \`.fdx\`, \`.fdm\`), the only large"
    echo "  files the reader fetches, are $(mb "$STORED_BYTES") MB. **MB/s = stored-fields MB (10⁶ bytes) ÷ wall seconds of the whole process.**"
    if [[ -n $TERN_GIVEN ]]; then
        echo "- tern: \`$TERN_GIVEN\` (given with --tern; tree at $COMMIT)."
    else
        echo "- tern: release build of $COMMIT$( ((DIRTY)) && echo " with $DIRTY uncommitted change(s) under Sources/") ($(swift --version 2> /dev/null | head -1 | sed 's/ (.*//'))."
    fi
    echo "- Store: moto $MOTO_VERSION (\`object_store_server.py --kind s3\`, one Python process, werkzeug threads under the GIL,"
    echo "  \`Connection: close\` on every answer), on 127.0.0.1; upload of the repository $UPLOAD_SECONDS s. Tern reads"
    echo "  \`s3://$BUCKET/$PREFIX\` with \`AWS_ENDPOINT_URL\`, SigV4, ranges of $((RANGE_BYTES >> 20)) MiB into \`--spill-dir\`."
    echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), **$(nproc) cores** shared by tern, moto and"
    echo "  the ceiling's client, $(free -g | awk '/^Mem:/ { print $2 }') GiB, Linux $(uname -r); load average $START_LOAD at the start, $END_LOAD at the end."
    echo "  Measuring started once no Swift compiler or test process was running (waited ${QUIET_WAITED} s$( ((QUIET_GIVEN_UP)) && echo "; gave up waiting after $QUIET_WAIT s"));"
    echo "  $DISTURBED of the timed runs ended while one was running again."
    echo "- $RUNS timed runs per reader, round robin (local, S3 per connection count, ceiling per connection count), every"
    echo "  process alone; the repository's files re-read with \`cat\` before each local run; medians with every run beside them."
    echo "- Command: \`bench/object-store.sh --docs $DOCS --runs $RUNS --connections \"${CONNECTIONS[*]}\"$( ((NDJSON)) || echo " --no-ndjson")${TERN_GIVEN:+ --tern $TERN_GIVEN}\`; whole run $((TOTAL / 60)) min $((TOTAL % 60)) s."
    echo
    echo "### tern snapshot docs"
    echo
    echo "| reader | seconds (median) | runs (s) | MB/s | ÷ moto ceiling ¹ | blobs fetched in ranges ² | connections seen ³ | peak RSS MB | CPU s | time ÷ local | CPU ÷ local | moto CPU s |"
    echo "|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"
    row "local folder, \`--count\`" local-count "$LOCAL_S" "$LOCAL_CPU" 0 1
    ((NDJSON)) && row "local folder, ndjson > /dev/null" local-ndjson "$LOCAL_NDJSON_S" "$LOCAL_NDJSON_CPU" 0 1
    for c in "${CONNECTIONS[@]}"; do
        row "S3, \`--count --connections $c\`" "s3-count-$c" "$LOCAL_S" "$LOCAL_CPU" "$(ceiling_mbs "$c")"
    done
    ((NDJSON)) && row "S3, ndjson > /dev/null, \`--connections $MAX_CONNECTIONS\`" s3-ndjson "$LOCAL_NDJSON_S" "$LOCAL_NDJSON_CPU" "$(ceiling_mbs "$MAX_CONNECTIONS")"
    echo
    echo "¹ Tern's MB/s over moto's ceiling with as many connections (below). ² From tern's \`--log-level debug\` lines"
    echo "\`fetched KEY: N bytes in S s\` (blobs of at least $((SPILL_THRESHOLD >> 20)) MiB; smaller blobs are single GETs, not counted): the"
    echo "bytes summed over every fetch, the longest fetch's seconds, and the rate. ³ The most TCP connections to moto open at"
    echo "once, sampled every 0.1 s with \`ss\` (moto closes each after one answer). The S3 rows' time and CPU ratios are to"
    echo "the local row of the same output (\`--count\` or ndjson). Peak RSS: median (max) over the runs."
    echo
    echo "### moto's ceiling (\`bench/s3_ceiling.py\`)"
    echo
    echo "The same stored-fields blobs, fetched once each with SigV4-signed ranged GETs of $((RANGE_BYTES >> 20)) MiB, C in flight,"
    echo "the bodies thrown away: what moto can serve on this machine with nothing else to do."
    echo
    echo "| connections | seconds (median) | runs (s) | MB/s | requests | most in flight | client CPU s | moto CPU s |"
    echo "|---:|---:|---|---:|---:|---:|---:|---:|"
    for c in "${CONNECTIONS[@]}"; do
        f="$WORK/ceiling-$c.runs"
        echo "| $c | $(printf '%.2f' "$(median "$f" 1)") | $(runs "$f" 1) | $(ceiling_mbs "$c") | $(median "$f" 3) | $(maxcol "$f" 6) | $(printf '%.2f' "$(median "$f" 4)") | $(printf '%.2f' "$(median "$f" 5)") |"
    done
    echo
    awk -v mb="$(mb "$MAX_RSS_KIB")" -v rss="$MAX_RSS_MB" 'BEGIN {
        printf "Goal: tern peak RSS under 200 MB reading from S3: **%s MB** at most over the S3 runs: %s.\n", rss, (rss < 200 ? "met" : "not met")
    }'
    echo
    awk -v f="$(median "$WORK/s3-count-$MAX_CONNECTIONS.runs" 7)" -v fdt="$FDT_BYTES" -v shares="$SHARES" 'BEGIN {
        printf "Tern cut the one segment into %d share(s) (`LuceneIndexReader.shares`: one per core); each S3 `--count` run fetched\n", shares
        printf "%.0f MB in ranges, %.2f× the `.fdt` (%.1f MB).\n", f / 1e6, f / fdt, fdt / 1e6
    }'
}

mkdir -p "$RESULTS"
OUT="$RESULTS/object-store-$DATE.md"
[[ -e $OUT ]] && OUT="$RESULTS/object-store-$DATE-$(date +%H%M%S).md"
report > "$OUT"
# Every run's raw numbers, for the record.
{
    echo
    echo "<details><summary>Every run (wall s, peak RSS KiB, user s, sys s, moto CPU s, connections seen, bytes fetched, longest fetch s, busy processes)</summary>"
    echo
    echo '```'
    for f in "$WORK"/*.runs; do
        echo "$(basename "$f" .runs):"
        sed 's/^/  /' "$f"
    done
    echo '```'
    echo
    echo "</details>"
} >> "$OUT"
cat "$OUT"
say "written to ${OUT#"$ROOT"/}"
