#!/usr/bin/env python3
"""Checks and summarises the runs of bench/scale-out.sh, and prints its Markdown tables.

    scale_out.py record --key K --workers W --run R --t0 T --t1 T --docs N --expected JSON --sink-stats JSON
                        --source-cpu S --sink-cpu S --coord-cpu S --load L [--run-name NAME --trace FILE --clock-offset S]
                        DIR...
        Each DIR is one tern process's folder: out.json (its --json summary), time (GNU time: %e %M %U %S), rc. T0 and
        T1 are the wall clock when the first process started and the last one exited; FILE is the workers' shared
        TERN_COORDINATION_TRACE, whose monotonic times plus the clock offset are wall-clock times.
        Fails (exit 1, the reason on stderr) unless every process exited 0, printed a complete summary of exactly N
        documents, and the sink holds exactly the expected distinct ids per index; for --coordinate runs also unless the
        workers finished every item of the plan exactly once between them. Prints one JSON line: the run's record.

    scale_out.py report RECORDS.jsonl --docs N --cores C [--lease D]
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
        {"--key", "--workers", "--run", "--t0", "--t1", "--docs", "--expected", "--sink-stats", "--source-cpu", "--sink-cpu",
         "--coord-cpu", "--load", "--run-name", "--trace", "--clock-offset"},
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
        "wall": float(o["t1"]) - float(o["t0"]),
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
        # The trace: when the first item was held and the last one marked done, against the run's start and end.
        offset, t0, t1 = float(o["clock_offset"]), float(o["t0"]), float(o["t1"])
        events = [json.loads(line) for line in open(o["trace"]) if line.strip()]
        holds = [e["t"] / 1e9 + offset for e in events if e["event"] == "hold"]
        dones = [e for e in events if e["event"] == "done"]
        if len(dones) != items or len({e["item"] for e in dones}) != items:
            fail(f"{what}: the trace records {len(dones)} items done ({len({e['item'] for e in dones})} distinct), the plan has {items}")
        rec.update(
            {
                "to_first_hold": min(holds) - t0,
                "last_done_to_exit": t1 - max(e["t"] / 1e9 + offset for e in dones),
                "holds": len(holds),
                "lost": sum(1 for e in events if e["event"] == "lost"),
            }
        )
        if sum(rec["read_by_worker"]) != n:
            # Not a failure (an item taken over is read again), but the report says so.
            print(f"scale-out-bench: note: {what}: the workers read {sum(rec['read_by_worker'])} documents between them for {n}",
                  file=sys.stderr)
    print(json.dumps(rec))
    extra = f", overhead {100 * rec['overhead']:.2f}%, items done {rec['items_done']}" if coordinated else ""
    print(f"    wall {rec['wall']:.2f} s, tern CPU {rec['cpu']:.2f} s, peak RSS {rec['rss_kib'] / 1024:.0f} MiB{extra}", file=sys.stderr)


# MARK: report


def lease_seconds(text):
    """tern's --lease syntax: 90s, 3m, 1h, 500ms, or a bare number of seconds."""
    text = text.strip().lower()
    for suffix, scale in (("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)):
        if text.endswith(suffix):
            try:
                return float(text[: -len(suffix)]) * scale
            except ValueError:
                continue
    return float(text)


def med(values):
    return statistics.median(values)


def report(args):
    o, rest = options(args, {"--docs", "--cores", "--lease"})
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
                    "first": med([r["to_first_hold"] for r in rs]),
                    "tail": med([r["last_done_to_exit"] for r in rs]),
                    "span": med([r["wall"] - r["to_first_hold"] - r["last_done_to_exit"] for r in rs]),
                    "spans": " / ".join(f"{r['wall'] - r['to_first_hold'] - r['last_done_to_exit']:.2f}" for r in rs),
                    "tails": " / ".join(f"{r['last_done_to_exit']:.2f}" for r in rs),
                    "holds": max(r["holds"] for r in rs),
                    "lost": sum(r["lost"] for r in rs),
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
      "overhead (median) | runs (%) | highest worker overhead | start → first item held s | first item held → last done s (runs) | "
      "last item done → last exit s (runs) | claims / items (most; lost) |")
    p("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|---|")
    for k in keys:
        if k == "baseline":
            continue
        r = rows[k]
        p(f"| {label(k)} | {r['req_item']:.1f} | {r['req_s']:.2f} | {r['claim_ms']:.1f} | {r['finish_ms']:.1f} | {r['copy_s']:.2f} | "
          f"{100 * r['overhead']:.2f}% | {r['overheads']} | {100 * r['worst_worker']:.2f}% | {r['first']:.2f} | "
          f"{r['span']:.2f} ({r['spans']}) | {r['tail']:.2f} ({r['tails']}) | {r['holds']} / {r['items']}; {r['lost']} |")
    p("")
    p("### Every run")
    p("")
    p("| configuration | run | wall s | each process: wall s, CPU s | items done by each worker | documents read by each worker | "
      "sink received | source / sink / coordination CPU s | load (1 min) |")
    p("|---|---:|---:|---|---|---|---:|---|---:|")
    for r in recs:
        procs = ", ".join(f"{w:.2f} s / {c:.2f} s" for w, c in zip(r["process_walls"], r["process_cpus"]))
        done = " + ".join(str(x) for x in r.get("items_done", [])) or "—"
        read = " + ".join(f"{x:,}" for x in r.get("read_by_worker", [])) or "—"
        p(f"| {label(r['key'])} | {r['run']} | {r['wall']:.2f} | {procs} | {done} | {read} | {r['sink_received']:,} | "
          f"{r['source_cpu']:.2f} / {r['sink_cpu']:.2f} / {'—' if r['key'] == 'baseline' else format(r['coord_cpu'], '.2f')} | {r['load']} |")
    p("")

    # MARK: what the numbers show
    base = rows.get("baseline")
    coord = [k for k in keys if k != "baseline"]
    poll = min(5.0, lease_seconds(o.get("lease") or "3m") / 6)

    def workers_of(k):
        w = by[k][0]["workers"]
        return f"{w} worker{'s' if w > 1 else ''}"

    text = []
    if base and coord:
        text.append(
            f"The plain backfill took {base['wall']:.2f} s (median) and kept the machine's {cores} cores {100 * base['busy']:.0f}% busy "
            "(the CPU seconds of tern and of the servers over the wall time); the shared backfill took "
            + ", ".join(f"{rows[k]['wall']:.2f} s with {workers_of(k)} ({rows[k]['wall'] / base['wall']:.2f}×, {100 * rows[k]['busy']:.0f}% busy)" for k in coord)
            + "."
        )
        text.append(
            "In the shared runs the first item was held "
            + ", ".join(f"{rows[k]['first']:.2f}" for k in coord)
            + " s after the start, the items were copied in "
            + ", ".join(f"{rows[k]['span']:.2f}" for k in coord)
            + " s from then to the last one marked done, and the last worker exited "
            + ", ".join(f"{rows[k]['tail']:.2f}" for k in coord)
            + f" s later: a slot with nothing left to claim while other slots still copy looks again only every {poll:g} s "
            "(min(5 s, lease / 6)), and a worker returns when all its slots have seen the backfill finished, then reads the "
            "items and counts the target and the source."
        )
        alone = [k for k in coord if by[k][0]["workers"] > 1 and all(sum(1 for d in r["items_done"] if d) == 1 for r in by[k])]
        if alone:
            idle = [w for k in alone for r in by[k] for w, d in zip(r["process_walls"], r["items_done"]) if d == 0]
            text.append(
                "With " + " and ".join(workers_of(k) for k in alone)
                + ", one worker copied every item in every run and the others none: they exited after "
                + (f"{min(idle):.2f}" if f"{min(idle):.2f}" == f"{max(idle):.2f}" else f"{min(idle):.2f}-{max(idle):.2f}")
                + " s. A worker that finds the plan still being written by another looks again only after the same "
                f"{poll:g} s, and by the time it looked the worker that planned had claimed every item with its own slots: the extra workers "
                "copied nothing and cost only their own start-up, polls and final check."
            )
        text.append(
            "The workers, the source osmem, the sink and the coordination osmem all share the same cores, and the plain "
            f"backfill alone already keeps them {100 * base['busy']:.0f}% busy: more workers cannot make the copy faster here. "
            "The meaningful numbers are the CPU per document and the coordination's cost."
        )
        text.append(
            f"tern's CPU per document was {base['cpu'] * 1e6 / n:.1f} µs for the plain backfill and "
            + ", ".join(f"{rows[k]['cpu'] * 1e6 / n:.1f} µs with {workers_of(k)}" for k in coord)
            + " (all the run's tern processes together); the source osmem used "
            f"{base['source']:.1f} CPU s for the plain backfill's {base['items']} units and "
            + ", ".join(f"{rows[k]['source']:.1f}" for k in coord)
            + f" s for the {rows[coord[0]]['items']} items."
        )
        ovs = [rows[k]["overhead"] for k in coord]
        text.append(
            f"Coordinating cost {100 * min(ovs):.2f}-{100 * max(ovs):.2f}% of the slots' time on items (median runs; the "
            f"highest single worker {100 * max(rows[k]['worst_worker'] for k in coord):.2f}%): per item "
            + ", ".join(
                f"{rows[k]['claim_ms']:.0f} ms claiming and {rows[k]['finish_ms']:.0f} ms marking done against "
                f"{rows[k]['copy_s']:.2f} s copying with {workers_of(k)}"
                for k in coord
            )
            + "; "
            + ", ".join(f"{rows[k]['req_item']:.1f}" for k in coord)
            + " requests to the coordination cluster per item (renewals, polls and every worker's joining and final "
            "check included), for which the coordination osmem used "
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
