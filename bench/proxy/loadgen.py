#!/usr/bin/env python3
"""Fixed-rate load for bench/proxy.sh: small index requests or small searches at a steady rate over keep-alive
connections, and the latency of each (standard library only).

    loadgen.py URL OP [--rate 200] [--seconds 5] [--connections 4] [--warmup 1]

OP is `index` (PUT /bench/_doc/<unique id>, a ~40-byte document) or `search` (POST /bench/_search, a match query,
size 1). The load is open-loop: each of the connections sends at its own fixed schedule (rate / connections per
second, the schedules interleaved), so a slow answer does not lower the offered rate; latency is measured from the moment a
request is written to the moment its whole answer has been read. The warm-up seconds are sent but not measured. Prints
one JSON object: {"op","rate","seconds","sent","ok","errors","achieved_rate","p50_ms","p90_ms","p99_ms","max_ms",
"late_ms","total_ok"}; total_ok counts 2xx answers warm-up included; late_ms is the worst lag of a send behind its schedule (large values mean the client, not the server, was
the limit).
"""

import argparse
import http.client
import json
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("op", choices=["index", "search"])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--prefix", default="d")
    args = parser.parse_args()

    target = urllib.parse.urlsplit(args.url)
    per_connection = args.rate / args.connections
    interval = 1.0 / per_connection
    start = time.perf_counter() + 0.2
    measure_from = start + args.warmup
    end = measure_from + args.seconds
    results = []  # (latency_s, ok) for measured requests
    total_ok = [0]  # 2xx answers, warm-up included
    late = [0.0]
    lock = threading.Lock()

    def worker(index):
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        connection.connect()
        connection.sock.setsockopt(6, 1, 1)  # TCP_NODELAY
        mine = []
        worst = 0.0
        ok_all = 0
        n = 0
        due = start + index * interval / args.connections
        while due < end:
            now = time.perf_counter()
            if due > now:
                time.sleep(due - now)
            worst = max(worst, time.perf_counter() - due) if due >= measure_from else worst
            n += 1
            if args.op == "index":
                method, path = "PUT", f"/bench/_doc/{args.prefix}-{index}-{n}"
                body = b'{"title":"bench","n":%d}' % n
            else:
                method, path = "POST", "/bench/_search"
                body = b'{"size":1,"query":{"match":{"title":"bench"}}}'
            sent = time.perf_counter()
            ok = False
            try:
                connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
                answer = connection.getresponse()
                answer.read()
                ok = 200 <= answer.status < 300
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            latency = time.perf_counter() - sent
            if due >= measure_from:
                mine.append((latency, ok))
            if ok:
                ok_all += 1
            due += interval
        connection.close()
        with lock:
            results.extend(mine)
            late[0] = max(late[0], worst)
            total_ok[0] += ok_all

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    latencies = sorted(latency for latency, ok in results if ok)

    def pct(p):
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 3)

    print(
        json.dumps(
            {
                "op": args.op,
                "rate": args.rate,
                "seconds": args.seconds,
                "sent": len(results),
                "ok": len(latencies),
                "errors": len(results) - len(latencies),
                "achieved_rate": round(len(results) / args.seconds, 1),
                "p50_ms": pct(50),
                "p90_ms": pct(90),
                "p99_ms": pct(99),
                "max_ms": round(latencies[-1] * 1000, 3) if latencies else None,
                "late_ms": round(late[0] * 1000, 3),
                "total_ok": total_ok[0],
            }
        )
    )


if __name__ == "__main__":
    main()
