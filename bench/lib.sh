# Shared by the bench/*.sh scripts (sourced, not run). The script sets BENCH_NAME (for messages), SCRATCH (the release
# build folder) and BUILD (1 to build) before calling these.

die() { echo "$BENCH_NAME: error: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }
posint() { [[ ${1:-} =~ ^[1-9][0-9]*$ ]]; }

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
