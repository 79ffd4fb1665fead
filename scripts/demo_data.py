#!/usr/bin/env python3
"""Seeds a demo cluster with sample indices: a product catalogue, orders with routing, and web logs.

Usage: demo_data.py URL [SCALE]   (SCALE multiplies the document counts; default 1 = 3,000 documents)
Only the Python standard library is used.
"""
import json
import random
import sys
import urllib.request

url = sys.argv[1].rstrip("/")
scale = int(sys.argv[2]) if len(sys.argv) > 2 else 1
rng = random.Random(42)


def call(method, path, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def bulk(index, documents, routing=None):
    for start in range(0, len(documents), 500):
        lines = []
        for doc_id, source in documents[start:start + 500]:
            action = {"_index": index, "_id": doc_id}
            if routing:
                action["routing"] = routing(source)
            lines.append(json.dumps({"index": action}))
            lines.append(json.dumps(source))
        result = call("POST", "/_bulk", ("\n".join(lines) + "\n").encode(), "application/x-ndjson")
        if result.get("errors"):
            raise SystemExit(f"bulk into {index} reported errors")


words = ["tern", "gull", "heron", "plover", "avocet", "curlew", "dunlin", "godwit", "knot", "sanderling"]
call("PUT", "/products", {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
                          "mappings": {"properties": {"name": {"type": "text"}, "price": {"type": "double"},
                                                      "tags": {"type": "keyword"}}}})
bulk("products", [(f"p{i}", {"name": f"{rng.choice(words)} {rng.choice(words)} field guide",
                             "price": round(rng.uniform(5, 80), 2), "tags": rng.sample(words, 2)})
                  for i in range(1000 * scale)])

call("PUT", "/orders", {"settings": {"number_of_shards": 3, "number_of_replicas": 0}})
bulk("orders", [(f"o{i}", {"customer": f"c{rng.randrange(50)}", "total": rng.randrange(100, 10000) / 100,
                           "items": [{"sku": f"p{rng.randrange(1000)}", "qty": rng.randrange(1, 4)}
                                     for _ in range(rng.randrange(1, 4))]})
                for i in range(1000 * scale)], routing=lambda source: source["customer"])

call("PUT", "/logs-2026.11", {"settings": {"number_of_shards": 1, "number_of_replicas": 0}})
bulk("logs-2026.11", [(f"l{i}", {"@timestamp": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                                 "status": rng.choice([200, 200, 200, 301, 404, 500]),
                                 "path": f"/{rng.choice(words)}"}) for i in range(1000 * scale)])

call("POST", "/_refresh")
print(f"seeded {url}: products, orders, logs-2026.11 ({3000 * scale} documents)")
