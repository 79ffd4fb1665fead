#!/usr/bin/env python3
"""The source's raw read rate: every document of every index, read the way `tern backfill` reads, then thrown away.

    raw_read.py SOURCE_URL [--slices N] [--concurrency N] [--page-size N] [--keep-alive 5m] [--index NAME ...]
                [--start-at EPOCH_SECONDS]

Same requests as tern's scroll reader (Sources/SearchClient/Read/ReadDialect.swift): per index, slices = its primary
shards (at most 8) unless --slices is given; each slice is one sliced scroll
(`POST /<index>/_search?scroll=5m` with `{"size":1000,"sort":["_doc"],"slice":{...},"version":true,
"seq_no_primary_term":true,"_source":true}`, then `POST /_search/scroll`), `--concurrency` slices at a time (tern's
default 4), each on its own keep-alive connection, the next page asked for as soon as the previous one has arrived.
The work per page is the least that keeps the loop honest: find `_scroll_id` and count the hits (occurrences of
`{"_id":"` after `"hits":[`, which is how osmem and OpenSearch start each hit); bodies are not parsed. Every scroll is
cleared at the end. Prints one JSON line: {"docs","seconds","pages","bytes","slices","concurrency"}; the time runs
from the first request to the last answer (process start-up and listing the indices are left out).

--start-at T (Unix time in seconds, fractions allowed) waits, after listing the indices, until the wall clock reaches T
before the first request, so several readers started together (bench/validate.sh reads two clusters side by side) send
their first requests at the same moment; the JSON line then also has "started" and "ended", the Unix times of the first
request and the last answer.
"""

import http.client
import json
import queue
import sys
import threading
import time
import urllib.parse

HITS = b'"hits":['
HIT = b'{"_id":"'
SCROLL = b'"_scroll_id":"'


def parse_args(argv):
    opts = {"slices": None, "concurrency": 4, "page_size": 1000, "keep_alive": "5m", "indices": [], "start_at": None}
    pos = []
    while argv:
        a = argv.pop(0)
        if a == "--slices":
            opts["slices"] = int(argv.pop(0))
        elif a == "--concurrency":
            opts["concurrency"] = int(argv.pop(0))
        elif a == "--page-size":
            opts["page_size"] = int(argv.pop(0))
        elif a == "--keep-alive":
            opts["keep_alive"] = argv.pop(0)
        elif a == "--index":
            opts["indices"].append(argv.pop(0))
        elif a == "--start-at":
            opts["start_at"] = float(argv.pop(0))
        elif a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        else:
            pos.append(a)
    if len(pos) != 1:
        sys.exit(__doc__)
    return pos[0], opts


class Reader:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 9200
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)

    def post(self, path, body, method="POST"):
        self.conn.request(method, path, body=body, headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status}: {data[:300]!r}")
        if resp.getheader("Content-Encoding") == "gzip":
            import gzip

            data = gzip.decompress(data)
        return data


def scroll_id(page):
    start = page.find(SCROLL)
    if start < 0:
        raise RuntimeError(f"a page without _scroll_id: {page[:200]!r}")
    start += len(SCROLL)
    return page[start : page.index(b'"', start)].decode()


def count_hits(page):
    start = page.find(HITS)
    if start < 0:
        raise RuntimeError(f"a page without hits: {page[:200]!r}")
    return page.count(HIT, start)


def read_slice(reader, index, slice_id, slices, opts, totals, lock):
    body = {"size": opts["page_size"], "sort": ["_doc"]}
    if slices > 1:
        body["slice"] = {"id": slice_id, "max": slices}
    body.update({"version": True, "seq_no_primary_term": True, "_source": True})
    path = f"/{urllib.parse.quote(index, safe='')}/_search?scroll={opts['keep_alive']}"
    page = reader.post(path, json.dumps(body, separators=(",", ":")).encode())
    docs = pages = nbytes = 0
    sid = scroll_id(page)
    while True:
        n = count_hits(page)
        pages += 1
        nbytes += len(page)
        if n == 0:
            break
        docs += n
        request = json.dumps({"scroll": opts["keep_alive"], "scroll_id": sid}, separators=(",", ":")).encode()
        page = reader.post("/_search/scroll", request)
        sid = scroll_id(page) or sid
    reader.post("/_search/scroll", json.dumps({"scroll_id": [sid]}).encode(), method="DELETE")
    with lock:
        totals["docs"] += docs
        totals["pages"] += pages
        totals["bytes"] += nbytes


def main():
    url, opts = parse_args(sys.argv[1:])
    admin = Reader(url)
    admin.conn.request("GET", "/_cat/indices?format=json&expand_wildcards=all")
    resp = admin.conn.getresponse()
    listing = json.loads(resp.read())
    units = []
    for row in sorted(listing, key=lambda r: r["index"]):
        name = row["index"]
        if name.startswith(".") or (opts["indices"] and name not in opts["indices"]):
            continue
        slices = opts["slices"] or min(8, max(1, int(row.get("pri") or 1)))
        units += [(name, s, slices) for s in range(slices)]
    work = queue.Queue()
    for u in units:
        work.put(u)
    totals = {"docs": 0, "pages": 0, "bytes": 0}
    lock = threading.Lock()
    errors = []

    def worker():
        reader = Reader(url)
        while not errors:
            try:
                index, s, n = work.get_nowait()
            except queue.Empty:
                return
            try:
                read_slice(reader, index, s, n, opts, totals, lock)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(f"{index} slice {s}/{n}: {e}")

    if opts["start_at"] is not None:
        # Connections are opened by the first requests, after this, as without --start-at.
        while (wait := opts["start_at"] - time.time()) > 0:
            time.sleep(min(wait, 0.05))
    started = time.time()
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(min(opts["concurrency"], len(units)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - t0
    ended = time.time()
    if errors:
        sys.exit("raw_read: " + "; ".join(errors))
    result = {
        "docs": totals["docs"],
        "seconds": round(seconds, 3),
        "pages": totals["pages"],
        "bytes": totals["bytes"],
        "slices": len(units),
        "concurrency": opts["concurrency"],
    }
    if opts["start_at"] is not None:
        result.update({"started": round(started, 6), "ended": round(ended, 6)})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
