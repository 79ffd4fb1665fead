# Shared by the bench/*.sh scripts (sourced, not run). The script sets BENCH_NAME (for messages), SCRATCH (the release
# build folder) and BUILD (1 to build) before calling these.

die() { echo "$BENCH_NAME: error: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }
posint() { [[ ${1:-} =~ ^[1-9][0-9]*$ ]]; }

# A field of a one-line JSON object (numbers and strings), via Python's json ($PYTHON).
json_field() { "$PYTHON" -c 'import json,sys; v=json.loads(sys.argv[1]); print(v.get(sys.argv[2], ""))' "$2" "$1"; }

# CPU seconds (user + system) a process has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat" 2> /dev/null || echo 0; }

# start_server OUT TIMEOUT CMD...: starts CMD in the background with stdout to OUT, waits for its {"url":...} line;
# sets STARTED_PID and STARTED_URL.
start_server() {
    local out=$1 timeout=$2
    shift 2
    # Emptied here, not only by the redirection below: that happens in the child, which a busy machine may start after
    # the loop has already read the previous server's URL from the same file.
    : > "$out"
    "$@" > "$out" 2> "$out.err" &
    STARTED_PID=$!
    local deadline=$((SECONDS + timeout))
    until grep -q '"url"' "$out" 2> /dev/null; do
        kill -0 "$STARTED_PID" 2> /dev/null || { cat "$out.err" >&2; die "$1 exited during start-up"; }
        ((SECONDS < deadline)) || { kill "$STARTED_PID"; die "$1 did not start within $timeout s"; }
        sleep 0.2
    done
    STARTED_URL=$(grep -o '"url": *"[^"]*"' "$out" | head -1 | sed 's/.*"\(http[^"]*\)"/\1/')
}

# ensure_gnu_time: GNU time (for peak RSS), installed from Debian when missing.
ensure_gnu_time() {
    [[ -x /usr/bin/time ]] && return
    say "GNU time is missing: installing Debian's 'time' package"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get install -y time > /dev/null || die "could not install GNU time (apt-get install time)"
}

# build_tern: the release build in $SCRATCH (when $BUILD is 1); sets TERN.
build_tern() {
    if ((BUILD)); then
        say "building tern (release, $SCRATCH); a first build takes 10-15 minutes"
        local build_log
        build_log=$(mktemp)
        for attempt in 1 2 3; do
            if swift build -c release --product tern --scratch-path "$SCRATCH" > "$build_log" 2>&1; then break; fi
            # Someone editing the sources while we build: try again with the saved files.
            if ((attempt < 3)) && grep -q "was modified during the build" "$build_log"; then
                say "a source file changed during the build; building again"
                sleep 5
                continue
            fi
            tail -40 "$build_log" >&2
            die "swift build failed (full log: $build_log)"
        done
        rm -f "$build_log"
    fi
    TERN="$SCRATCH/release/tern"
}
