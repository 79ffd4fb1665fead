#!/usr/bin/env python3
"""Writes an osmem seed folder of N generated documents of about 1 KB for bench/backfill.sh.

    gen_docs.py DIR N [--indices K] [--shards S]

The documents are spread round robin over K indices (bench-0 .. bench-K-1, default 2), each created with S primary
shards (default 4, so tern reads each index in 4 slices). The folder holds `<index>.index.json` for each index (settings
and an explicit mapping with text, keyword, numeric, date, boolean, object and geo_point fields) and _bulk bodies of
CHUNK documents each, `<index>~<part>.ndjson`, whose action lines name their `_index`: `osmem-server --seed DIR` loads
them in-process, without HTTP (see osmem's LoadSeed). The output is deterministic (seeded random), mixes ASCII with
Latin-1 accents, Greek, Cyrillic, CJK and emoji, and prints one JSON line with counts and sizes.

Loading speed (osmem 0.1.6, measured on 2 cores): osmem indexes with bleve, where doc values and indexed numeric terms
are what cost (a full mapping loads ~360 docs/s); so the numeric, date, boolean and geo_point fields are mapped with
`"index": false, "doc_values": false` (kept in `_source` only), text and keyword fields are indexed: ~2,000 docs/s.
Chunks of 5,000 documents keep osmem's peak memory at a third of one bulk body per index. Reading speed does not
depend on the mapping: every reader asks for `_source` only.
"""

import json
import os
import random
import sys

WORDS = (
    "backfill cluster shard replica segment mapping analyzer token index search query filter bucket aggregation "
    "snapshot restore cutover rollback version document field keyword vector latency throughput memory disk "
    "north south east west alpha beta gamma delta river mountain forest ocean desert island valley harbor "
    "café naïve façade jalapeño crème brûlée über straße smörgåsbord "
    "αλφα βήτα γάμμα δέλτα москва данные поиск индекс 東京 検索 データ 日本語 中文 数据 한국어 검색 "
    "🚀 ✓ ∑ € £ ¥"
).split()
COUNTRIES = ["FR", "DE", "JP", "US", "BR", "IN", "GR", "RU", "KR", "CN", "ES", "IT", "NL", "SE"]
TAGS = ["red", "green", "blue", "sale", "new", "clearance", "eco", "premium", "bundle", "limited", "gift", "bulk"]

CHUNK = 5000
STORED_ONLY = {"index": False, "doc_values": False}

MAPPING = {
    "properties": {
        "sku": {"type": "keyword"},
        "title": {"type": "text", "fields": {"raw": {"type": "keyword", "ignore_above": 256}}},
        "body": {"type": "text"},
        "tags": {"type": "keyword"},
        "price": {"type": "scaled_float", "scaling_factor": 100, **STORED_ONLY},
        "quantity": {"type": "integer", **STORED_ONLY},
        "rating": {"type": "float", **STORED_ONLY},
        "in_stock": {"type": "boolean", **STORED_ONLY},
        "created_at": {"type": "date", **STORED_ONLY},
        "location": {"type": "geo_point", **STORED_ONLY},
        "seller": {
            "properties": {
                "name": {"type": "keyword"},
                "email": {"type": "keyword"},
                "country": {"type": "keyword"},
                "since": {"type": "date", "format": "yyyy-MM-dd", **STORED_ONLY},
            }
        },
        "dimensions": {
            "properties": {
                "w": {"type": "float", **STORED_ONLY},
                "h": {"type": "float", **STORED_ONLY},
                "d": {"type": "float", **STORED_ONLY},
            }
        },
        "history": {"type": "long", **STORED_ONLY},
    }
}


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def document(rng, i):
    doc = {
        "sku": f"SKU-{i:09d}",
        "title": words(rng, rng.randint(4, 9)),
        "body": words(rng, 1),
        "tags": rng.sample(TAGS, rng.randint(1, 4)),
        "price": round(rng.uniform(0.5, 5000), 2),
        "quantity": rng.randint(0, 100000),
        "rating": round(rng.uniform(0, 5), 3),
        "in_stock": rng.random() < 0.7,
        "created_at": f"20{rng.randint(10, 26):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z",
        "location": {"lat": round(rng.uniform(-90, 90), 6), "lon": round(rng.uniform(-180, 180), 6)},
        "seller": {
            "name": words(rng, 2),
            "email": f"seller{rng.randint(1, 99999)}@example.com",
            "country": rng.choice(COUNTRIES),
            "since": f"20{rng.randint(0, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        },
        "dimensions": {"w": round(rng.uniform(1, 200), 1), "h": round(rng.uniform(1, 200), 1), "d": round(rng.uniform(1, 200), 1)},
        "history": [rng.randint(0, 1 << 40) for _ in range(rng.randint(2, 6))],
    }
    # Grow the body to about 1 KB of _source in all (UTF-8 bytes, as stored).
    size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
    target = rng.randint(900, 1150)
    body = [doc["body"]]
    while size < target:
        w = rng.choice(WORDS)
        body.append(w)
        size += len(w.encode()) + 1
    doc["body"] = " ".join(body)
    return doc


def main():
    args = sys.argv[1:]
    indices, shards = 2, 4
    pos = []
    while args:
        a = args.pop(0)
        if a == "--indices":
            indices = int(args.pop(0))
        elif a == "--shards":
            shards = int(args.pop(0))
        else:
            pos.append(a)
    if len(pos) != 2:
        sys.exit(__doc__)
    folder, total = pos[0], int(pos[1])
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(20261121)
    names = [f"bench-{k}" for k in range(indices)]
    for name in names:
        with open(os.path.join(folder, f"{name}.index.json"), "w") as f:
            json.dump({"settings": {"number_of_shards": shards, "number_of_replicas": 0}, "mappings": MAPPING}, f)
    files = {name: None for name in names}
    written = {name: 0 for name in names}
    source_bytes = 0
    for i in range(total):
        name = names[i % indices]
        if written[name] % CHUNK == 0:
            if files[name]:
                files[name].close()
            part = written[name] // CHUNK
            files[name] = open(os.path.join(folder, f"{name}~{part:05d}.ndjson"), "w", encoding="utf-8")
        src = json.dumps(document(rng, i), ensure_ascii=False, separators=(",", ":"))
        source_bytes += len(src.encode())
        files[name].write('{"index":{"_index":"%s","_id":"d%d"}}\n%s\n' % (name, i, src))
        written[name] += 1
    for f in files.values():
        if f:
            f.close()
    print(json.dumps({"docs": total, "indices": names, "shards": shards, "source_bytes": source_bytes}))


if __name__ == "__main__":
    main()
