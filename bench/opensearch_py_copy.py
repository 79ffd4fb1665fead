#!/usr/bin/env python3
"""The copy a Python user would write with opensearch-py: `helpers.scan` (scroll) feeding a bulk helper.

    opensearch_py_copy.py SOURCE_URL TARGET_URL [--mode streaming|parallel] [--page-size 1000] [--chunk-size 1000]
                          [--threads 4] [--index NAME ...]

One scroll over every index of the source not starting with '.' (or the --index ones), `size` = --page-size, sorted by
`_doc` (scan's default); each hit becomes an `index` action with the same `_index`, `_id` and `_source`
(and `routing` when the hit has one), sent with
- `--mode streaming`: `helpers.streaming_bulk(chunk_size=...)`, one bulk request at a time;
- `--mode parallel`: `helpers.parallel_bulk(thread_count=..., chunk_size=...)`, bulk requests from a thread pool.
Page and chunk sizes default to tern's (1,000 documents); everything else is the helpers' defaults. Stops at the first
document that fails. Prints one JSON line: {"docs","seconds","mode"}; seconds run from the first request to the last
answer (interpreter start-up and imports left out).
"""

import json
import sys
import time

from opensearchpy import OpenSearch, helpers


def parse_args(argv):
    opts = {"mode": "streaming", "page_size": 1000, "chunk_size": 1000, "threads": 4, "indices": []}
    pos = []
    while argv:
        a = argv.pop(0)
        if a == "--mode":
            opts["mode"] = argv.pop(0)
        elif a == "--page-size":
            opts["page_size"] = int(argv.pop(0))
        elif a == "--chunk-size":
            opts["chunk_size"] = int(argv.pop(0))
        elif a == "--threads":
            opts["threads"] = int(argv.pop(0))
        elif a == "--index":
            opts["indices"].append(argv.pop(0))
        elif a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        else:
            pos.append(a)
    if len(pos) != 2 or opts["mode"] not in ("streaming", "parallel"):
        sys.exit(__doc__)
    return pos[0], pos[1], opts


def main():
    source_url, target_url, opts = parse_args(sys.argv[1:])
    source = OpenSearch(hosts=[source_url], timeout=300)
    target = OpenSearch(hosts=[target_url], timeout=300)
    t0 = time.monotonic()
    indices = opts["indices"] or sorted(
        row["index"] for row in source.cat.indices(format="json") if not row["index"].startswith(".")
    )

    def actions():
        for hit in helpers.scan(source, index=",".join(indices), size=opts["page_size"], scroll="5m"):
            action = {"_op_type": "index", "_index": hit["_index"], "_id": hit["_id"], "_source": hit["_source"]}
            if "_routing" in hit:
                action["routing"] = hit["_routing"]
            yield action

    copied = 0
    if opts["mode"] == "streaming":
        results = helpers.streaming_bulk(target, actions(), chunk_size=opts["chunk_size"])
    else:
        results = helpers.parallel_bulk(target, actions(), thread_count=opts["threads"], chunk_size=opts["chunk_size"])
    for ok, item in results:
        if not ok:
            sys.exit(f"opensearch_py_copy: a document failed: {item}")
        copied += 1
    seconds = time.monotonic() - t0
    print(json.dumps({"docs": copied, "seconds": round(seconds, 3), "mode": opts["mode"]}))


if __name__ == "__main__":
    main()
