#!/usr/bin/env python3
"""Writes N documents of about 1 KB through a URL (the capture proxy) with _bulk, 1,000 per request, ids bench-0...

    load.py URL N [--index NAME]

Prints {"documents": N, "seconds": S} and fails if any item was refused.
"""

import http.client
import json
import sys
import time
from urllib.parse import urlsplit


def main():
    url, count = sys.argv[1], int(sys.argv[2])
    index = sys.argv[sys.argv.index("--index") + 1] if "--index" in sys.argv else "bench"
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    filler = "lorem ipsum dolor sit amet " * 32
    start = time.monotonic()
    for first in range(0, count, 1000):
        lines = []
        for n in range(first, min(first + 1000, count)):
            lines.append(json.dumps({"index": {"_index": index, "_id": f"bench-{n}"}}))
            lines.append(json.dumps({"n": n, "title": f"document {n}", "price": n * 0.25, "text": filler}))
        body = ("\n".join(lines) + "\n").encode()
        connection.request("POST", "/_bulk", body, {"Content-Type": "application/x-ndjson"})
        response = connection.getresponse()
        answer = json.loads(response.read())
        if response.status != 200 or answer.get("errors"):
            sys.exit(f"load.py: bulk answered {response.status} with errors")
    print(json.dumps({"documents": count, "seconds": round(time.monotonic() - start, 2)}))


if __name__ == "__main__":
    main()
