#!/usr/bin/env python3
"""Checks and summarises the runs of bench/scale-out.sh, and prints its Markdown tables.

    scale_out.py record --key K --workers W --run R --wall S --docs N --expected JSON --sink-stats JSON
                        --source-cpu S --sink-cpu S --coord-cpu S --load L [--run-name NAME] DIR...
        Each DIR is one tern process's folder: out.json (its --json summary), time (GNU time: %e %M %U %S), rc.
        Fails (exit 1, the reason on stderr) unless every process exited 0, printed a complete summary of exactly N
        documents, and the sink holds exactly the expected distinct ids per index; for --coordinate runs also unless the
        workers finished every item of the plan exactly once between them. Prints one JSON line: the run's record.

    scale_out.py report RECORDS.jsonl --docs N --cores C
        Prints the tables and the "what this shows" paragraph from the records.
"""

import json
import statistics
import sys


def fail(message):
    sys.exit(f"scale-out-bench: {message}")


def options(args, flags):
    values, rest = {}, []
    while args:
        a = args.pop(0)
        if a in flags:
            values[a[2:].replace("-", "_")] = args.pop(0)
        else:
            rest.append(a)
    return values, rest


# MARK: record


def record(args):
    o, dirs = options(
        args,
        {"--key", "--workers", "--run", "--wall", "--docs", "--expected", "--sink-stats", "--source-cpu", "--sink-cpu",
         "--coord-cpu", "--load", "--run-name"},
    )
    key, workers, run, n = o["key"], int(o["workers"]), int(o["run"]), int(o["docs"])
    what = f"{key}, run {run}"
    if len(dirs) != workers:
        fail(f"{what}: {len(dirs)} worker folders for {workers} workers")
    procs = []
    for d in dirs:
        rc = open(f"{d}/rc").read().strip()
        if rc != "0":
            fail(f"{what}: the tern process in {d} exited with {rc}")
        try:
            summary = json.loads(open(f"{d}/out.json").read())
        except (OSError, ValueError) as e:
            fail(f"{what}: no --json summary from the process in {d} ({e})")
        # GNU time's last line (a "Command exited with non-zero status" line may come first).
        wall, rss_kib, user, system = open(f"{d}/time").read().strip().splitlines()[-1].split()
        procs.append({"summary": summary, "wall": float(wall), "rss_kib": int(rss_kib), "cpu": float(user) + float(system)})

    for i, p in enumerate(procs, 1):
        s = p["summary"]
        bad = [k for k, want in (("complete", True), ("missing", 0), ("failed", 0), ("read", n), ("written", n)) if s.get(k) != want]
        if bad:
            fail(f"{what}: worker {i}: summary has {', '.join(f'{k}={s.get(k)!r}' for k in bad)} (expected {n} documents, complete)")

    stats = json.loads(o["sink_stats"])
    expected = json.loads(o["expected"])
    if stats.get("indices") != expected:
        fail(f"{what}: the sink holds {stats.get('indices')} distinct ids per index, expected {expected}")
    if sum(stats["indices"].values()) != n:
        fail(f"{what}: the sink holds {sum(stats['indices'].values())} distinct ids, expected {n}")

    items = procs[0]["summary"].get("units_total")
    coordinated = key != "baseline"
    rec = {
        "key": key,
        "workers": workers,
        "run": run,
        "wall": float(o["wall"]),
        "cpu": sum(p["cpu"] for p in procs),
        "rss_kib": max(p["rss_kib"] for p in procs),
        "rss_sum_kib": sum(p["rss_kib"] for p in procs),
        "process_walls": [p["wall"] for p in procs],
        "process_cpus": [p["cpu"] for p in procs],
        "items": items,
        "source_cpu": float(o["source_cpu"]),
        "sink_cpu": float(o["sink_cpu"]),
        "coord_cpu": float(o["coord_cpu"]),
        "load": o["load"],
        "sink_received": stats.get("items"),
        "sink_bulk_requests": stats.get("bulk_requests"),
    }
    if coordinated:
        costs = []
        for i, p in enumerate(procs, 1):
            s = p["summary"]
            c = s.get("coordination")
            if not isinstance(c, dict):
                fail(f"{what}: worker {i}'s summary has no coordination object")
            if o.get("run_name") and not str(s.get("coordination_index", "")).endswith(o["run_name"]):
                fail(f"{what}: worker {i} used the coordination index {s.get('coordination_index')!r}, not the run's")
            if s.get("units_total") != items:
                fail(f"{what}: worker {i} counts {s.get('units_total')} items, worker 1 {items}")
            costs.append(c)
        done = sum(c["items_done"] for c in costs)
        if done != items:
            fail(f"{what}: the workers finished {done} items between them, the plan has {items}")
        claim = sum(c["claim_seconds"] for c in costs)
        copy = sum(c["copy_seconds"] for c in costs)
        finish = sum(c["finish_seconds"] for c in costs)
        rec.update(
            {
                "requests": sum(c["requests"] for c in costs),
                "request_seconds": sum(c["seconds"] for c in costs),
                "items_done": [c["items_done"] for c in costs],
                "claim_s": claim,
                "copy_s": copy,
                "finish_s": finish,
                "overhead": (claim + finish) / (claim + copy + finish) if claim + copy + finish > 0 else 0.0,
                "worker_overheads": [c["overhead"] for c in costs],
                "read_by_worker": [p["summary"].get("read_by_this_worker") for p in procs],
                "worker_names": [p["summary"].get("worker") for p in procs],
            }
        )
        if sum(rec["read_by_worker"]) != n:
            # Not a failure (an item taken over is read again), but the report says so.
            print(f"scale-out-bench: note: {what}: the workers read {sum(rec['read_by_worker'])} documents between them for {n}",
                  file=sys.stderr)
    print(json.dumps(rec))


# MARK: report


def med(values):
    return statistics.median(values)


def report(args):
    o, rest = options(args, {"--docs", "--cores"})
    n, cores = int(o["docs"]), int(o["cores"])
    recs = [json.loads(line) for line in open(rest[0]) if line.strip()]
    keys = []
    for r in recs:
        if r["key"] not in keys:
            keys.append(r["key"])
    by = {k: [r for r in recs if r["key"] == k] for k in keys}

    def label(k):
        rs = by[k]
        if k == "baseline":
            return "baseline: plain `tern backfill`"
        w = rs[0]["workers"]
        return f"`--coordinate`, {w} worker{'s' if w > 1 else ''}"

    def busy(r):
        return (r["cpu"] + r["source_cpu"] + r["sink_cpu"] + r["coord_cpu"]) / (r["wall"] * cores)

    rows = {}
    for k, rs in by.items():
        row = {
            "wall": med([r["wall"] for r in rs]),
            "walls": " / ".join(f"{r['wall']:.2f}" for r in rs),
            "cpu": med([r["cpu"] for r in rs]),
            "rss": max(r["rss_kib"] for r in rs) * 1024 / 1e6,
            "rss_sum": max(r["rss_sum_kib"] for r in rs) * 1024 / 1e6,
            "source": med([r["source_cpu"] for r in rs]),
            "sink": med([r["sink_cpu"] for r in rs]),
            "coord": med([r["coord_cpu"] for r in rs]),
            "busy": med([busy(r) for r in rs]),
            "items": rs[0]["items"],
            "received": max(r["sink_received"] for r in rs),
            "slots": rs[0]["workers"] * 4,
        }
        if k != "baseline":
            row.update(
                {
                    "req_item": med([r["requests"] / r["items"] for r in rs]),
                    "claim_ms": med([1000 * r["claim_s"] / r["items"] for r in rs]),
                    "finish_ms": med([1000 * r["finish_s"] / r["items"] for r in rs]),
                    "copy_s": med([r["copy_s"] / r["items"] for r in rs]),
                    "overhead": med([r["overhead"] for r in rs]),
                    "overheads": " / ".join(f"{100 * r['overhead']:.2f}" for r in rs),
                    "worst_worker": max(max(r["worker_overheads"]) for r in rs),
                    "req_s": med([r["request_seconds"] for r in rs]),
                }
            )
        rows[k] = row

    out = []
    p = out.append
    p("### Wall time and cost")
    p("")
    p("| configuration | items (slots) | wall s (median) | runs (s) | docs/s | tern CPU s (all processes) | CPU µs/doc | "
      "peak RSS MB (largest worker) | RSS MB (all workers) | source CPU s | sink CPU s | coordination osmem CPU s | machine busy |")
    p("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in keys:
        r = rows[k]
        p(f"| {label(k)} | {r['items']} ({r['slots']}) | {r['wall']:.2f} | {r['walls']} | {n / r['wall']:,.0f} | {r['cpu']:.2f} | "
          f"{r['cpu'] * 1e6 / n:.1f} | {r['rss']:.0f} | {r['rss_sum']:.0f} | {r['source']:.2f} | {r['sink']:.2f} | "
          f"{'—' if k == 'baseline' else format(r['coord'], '.2f')} | {100 * r['busy']:.0f}% |")
    p("")
    p("### Coordination")
    p("")
    p("| configuration | requests / item | request wait s (all workers) | claim ms / item | finish ms / item | copy s / item | "
      "overhead (median) | runs (%) | highest worker overhead |")
    p("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for k in keys:
        if k == "baseline":
            continue
        r = rows[k]
        p(f"| {label(k)} | {r['req_item']:.1f} | {r['req_s']:.2f} | {r['claim_ms']:.1f} | {r['finish_ms']:.1f} | {r['copy_s']:.2f} | "
          f"{100 * r['overhead']:.2f}% | {r['overheads']} | {100 * r['worst_worker']:.2f}% |")
    p("")
    p("### Every run")
    p("")
    p("| configuration | run | wall s | each process: wall s, CPU s | items done by each worker | documents read by each worker | "
      "sink received | load (1 min) |")
    p("|---|---:|---:|---|---|---|---:|---:|")
    for r in recs:
        procs = ", ".join(f"{w:.2f} s / {c:.2f} s" for w, c in zip(r["process_walls"], r["process_cpus"]))
        done = " + ".join(str(x) for x in r.get("items_done", [])) or "—"
        read = " + ".join(f"{x:,}" for x in r.get("read_by_worker", [])) or "—"
        p(f"| {label(r['key'])} | {r['run']} | {r['wall']:.2f} | {procs} | {done} | {read} | {r['sink_received']:,} | {r['load']} |")
    p("")

    # MARK: what the numbers show
    base = rows.get("baseline")
    coord = [k for k in keys if k != "baseline"]
    text = []
    if base and coord:
        walls = ", ".join(
            f"{by[k][0]['workers']} worker{'s' if by[k][0]['workers'] > 1 else ''} {rows[k]['wall']:.2f} s ({rows[k]['wall'] / base['wall']:.2f}×)"
            for k in coord
        )
        text.append(
            f"Against the plain backfill's {base['wall']:.2f} s (median), the shared backfill took {walls}."
        )
        busiest = min(rows[k]["busy"] for k in keys)
        text.append(
            f"Every configuration kept the machine's {cores} cores at least {100 * busiest:.0f}% busy (median run; the CPU "
            "seconds of the tern processes, the source osmem, the sink and the coordination osmem over the wall time × "
            f"{cores}): the processes share the same cores, so a second or fourth worker can only take CPU time from the "
            "others, and the wall time cannot fall with more workers on this machine."
        )
        cpus = ", ".join(f"{by[k][0]['workers']}: {rows[k]['cpu'] * 1e6 / n:.1f}" for k in coord)
        text.append(
            f"tern's own CPU per document was {base['cpu'] * 1e6 / n:.1f} µs for the plain backfill and, by workers, {cpus} µs "
            "(all worker processes together: each worker pays its own start-up, planning or joining, and final check)."
        )
        srcs = ", ".join(f"{by[k][0]['workers']}: {rows[k]['source']:.1f}" for k in coord)
        text.append(
            f"The source osmem used {base['source']:.1f} CPU s for the plain backfill ({base['items']} units) and {srcs} CPU s "
            f"for the shared ones ({rows[coord[0]]['items']} items)."
        )
        ovs = [rows[k]["overhead"] for k in coord]
        text.append(
            f"Coordinating cost {100 * min(ovs):.2f}-{100 * max(ovs):.2f}% of the slots' time on items (median runs; the "
            f"highest single worker {100 * max(rows[k]['worst_worker'] for k in coord):.2f}%): "
            + ", ".join(
                f"{rows[k]['claim_ms']:.0f} ms claiming and {rows[k]['finish_ms']:.0f} ms marking done per item of "
                f"{rows[k]['copy_s']:.1f} s copying with {by[k][0]['workers']} worker{'s' if by[k][0]['workers'] > 1 else ''}"
                for k in coord
            )
            + "; "
            + ", ".join(f"{rows[k]['req_item']:.1f}" for k in coord)
            + " coordination requests per item (renewals and the waiting workers' polls included)."
        )
        text.append(
            "The coordination osmem used "
            + ", ".join(f"{rows[k]['coord']:.2f}" for k in coord)
            + " CPU s per run."
        )
    p("### What this shows")
    p("")
    p(" ".join(text))
    print("\n".join(out))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("record", "report"):
        sys.exit(__doc__)
    (record if sys.argv[1] == "record" else report)(sys.argv[2:])


if __name__ == "__main__":
    main()
