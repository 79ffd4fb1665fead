#!/usr/bin/env python3
"""A fast bulk sink for bench/backfill.sh: looks enough like OpenSearch 2.19 for `tern backfill` and opensearch-py to
write into it, and throws the documents away.

    bulk_sink.py [--addr 127.0.0.1:0] [--log]

Prints one JSON line on start, {"url","pid"}, like osmem-server. Threaded HTTP/1.1 with keep-alive; every answer is
written with one send. What it answers:

- `GET /`: an OpenSearch 2.19.1 root document; `GET /_nodes[/...]`, `GET /_cluster/health`: one green node.
- `HEAD /<index>`: 404 until the index exists; `PUT /<index>` creates it (body ignored), 400 if it exists;
  `GET|PUT /<index>/_settings`: empty settings / acknowledged.
- `POST /_bulk`, `POST|PUT /<index>/_bulk`: gzip bodies accepted (`Content-Encoding: gzip`). Only the action lines are
  read (`index`, `create`, `update` carry a document line that is skipped, `delete` does not); each `_index`/`_id` pair
  is remembered, every item answered as a success (201 `created`, 200 for delete), `"errors":false`, whatever the
  `version_type`. Honours `filter_path` the way tern uses it (items reduced to their status). Writing to an index
  creates it, as OpenSearch's auto-create does.
- `POST /<index>/_refresh`: ok. `GET|POST /<index>/_count`: the number of distinct ids received for that index (the
  query, if any, is ignored), so a copy that lost documents shows it.
- `GET /_sink/stats`: {"requests","bulk_requests","items","bytes","indices":{name: distinct ids}}.
Anything else answers 400 and is logged on standard error (so a new call tern makes shows up). `--log` logs every
request line on standard error.
"""

import gzip
import json
import os
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

VERSION = "2.19.1"
ROOT = {
    "name": "bulk-sink",
    "cluster_name": "bulk-sink",
    "cluster_uuid": "c2lua3NpbmtzaW5rc2luaw",
    "version": {
        "distribution": "opensearch",
        "number": VERSION,
        "build_type": "tar",
        "build_hash": "0000000000000000000000000000000000000000",
        "build_date": "2025-02-27T01:16:47.726162386Z",
        "build_snapshot": False,
        "lucene_version": "9.12.1",
        "minimum_wire_compatibility_version": "7.10.0",
        "minimum_index_compatibility_version": "7.0.0",
    },
    "tagline": "The OpenSearch Project: https://opensearch.org/",
}
NODES = {
    "_nodes": {"total": 1, "successful": 1, "failed": 0},
    "cluster_name": "bulk-sink",
    "nodes": {
        "c2lua25vZGU": {
            "name": "bulk-sink",
            "transport_address": "127.0.0.1:9300",
            "host": "127.0.0.1",
            "ip": "127.0.0.1",
            "version": VERSION,
            "build_type": "tar",
            "roles": ["cluster_manager", "data", "ingest"],
            "attributes": {},
            "settings": {},
            "plugins": [],
            "modules": [],
        }
    },
}
HEALTH = {
    "cluster_name": "bulk-sink",
    "status": "green",
    "timed_out": False,
    "number_of_nodes": 1,
    "number_of_data_nodes": 1,
    "active_primary_shards": 0,
    "active_shards": 0,
    "relocating_shards": 0,
    "initializing_shards": 0,
    "unassigned_shards": 0,
    "delayed_unassigned_shards": 0,
    "number_of_pending_tasks": 0,
    "number_of_in_flight_fetch": 0,
    "task_max_waiting_in_queue_millis": 0,
    "active_shards_percent_as_number": 100.0,
}
SHARDS_OK = {"total": 1, "successful": 1, "failed": 0}
INDEX_ACTION = re.compile(rb'^\{"index":\{', re.M)
ID_FIELD = re.compile(rb'"_id":"([^"\\\n]*)"')
INDEX_FIELD = re.compile(rb'"_index":"([^"\\\n]*)"')

LOCK = threading.Lock()
INDICES = {}  # name -> set of ids
STATS = {"requests": 0, "bulk_requests": 0, "items": 0, "bytes": 0}
LOG = False


def dumps(value):
    return json.dumps(value, separators=(",", ":")).encode()


def error_body(status, kind, reason, index=None):
    err = {"type": kind, "reason": reason}
    if index is not None:
        err["index"] = index
    return dumps({"error": {"root_cause": [err], **err}, "status": status})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bulk-sink"
    sys_version = ""
    disable_nagle_algorithm = True

    def log_message(self, *args):  # quiet
        pass

    # MARK: plumbing

    def answer(self, status, body=b"", content_type="application/json; charset=UTF-8"):
        head = (
            f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        if self.command == "HEAD":
            self.wfile.write(head)
        else:
            self.wfile.write(head + body)
        self.wfile.flush()

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            data = b"".join(parts)
        else:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip" and data:
            data = gzip.decompress(data)
        return data

    def route(self):
        STATS["requests"] += 1
        if LOG:
            sys.stderr.write(f"bulk-sink: {self.command} {self.path}\n")
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.split("/") if p]
        query = parse_qs(url.query)
        data = self.body()
        method = self.command
        if method in ("POST", "PUT") and parts and parts[-1] == "_bulk":
            return self.bulk(data, parts[0] if len(parts) == 2 else None, query)
        if not parts:
            if method in ("GET", "HEAD"):
                return self.answer(200, dumps(ROOT))
        elif parts[0] == "_nodes":
            return self.answer(200, dumps(NODES))
        elif parts[0] == "_cluster" and len(parts) >= 2 and parts[1] == "health":
            return self.answer(200, dumps(HEALTH))
        elif parts[0] == "_sink" and parts[1:] == ["stats"]:
            with LOCK:
                stats = dict(STATS, indices={k: len(v) for k, v in INDICES.items()})
            return self.answer(200, dumps(stats))
        elif not parts[0].startswith("_"):
            return self.index_api(method, parts, data)
        self.unhandled()

    def unhandled(self):
        sys.stderr.write(f"bulk-sink: unhandled {self.command} {self.path}\n")
        self.answer(400, error_body(400, "illegal_argument_exception", f"bulk-sink does not serve {self.command} {self.path}"))

    def index_api(self, method, parts, data):
        name = parts[0]
        rest = parts[1:]
        with LOCK:
            exists = name in INDICES
        if not rest:
            if method == "HEAD":
                return self.answer(200 if exists else 404)
            if method == "PUT":
                if exists:
                    return self.answer(
                        400,
                        error_body(400, "resource_already_exists_exception", f"index [{name}/sink] already exists", name),
                    )
                with LOCK:
                    INDICES.setdefault(name, set())
                return self.answer(200, dumps({"acknowledged": True, "shards_acknowledged": True, "index": name}))
            if method == "DELETE" and exists:
                with LOCK:
                    INDICES.pop(name, None)
                return self.answer(200, dumps({"acknowledged": True}))
            if method == "GET" and exists:
                return self.answer(200, dumps({name: {"aliases": {}, "mappings": {}, "settings": {}}}))
        if not exists and method != "HEAD":
            return self.answer(
                404, error_body(404, "index_not_found_exception", f"no such index [{name}]", name)
            )
        if not exists:
            return self.answer(404)
        if rest == ["_refresh"] and method in ("POST", "GET"):
            return self.answer(200, dumps({"_shards": SHARDS_OK}))
        if rest == ["_count"] and method in ("POST", "GET"):
            with LOCK:
                count = len(INDICES[name])
            return self.answer(200, dumps({"count": count, "_shards": SHARDS_OK}))
        if rest[:1] == ["_settings"]:
            if method == "GET":
                return self.answer(200, dumps({name: {"settings": {"index": {"number_of_shards": "1", "number_of_replicas": "0"}}}}))
            if method == "PUT":
                return self.answer(200, dumps({"acknowledged": True}))
        if rest[:1] == ["_mapping"] and method == "GET":
            return self.answer(200, dumps({name: {"mappings": {}}}))
        self.unhandled()

    # MARK: _bulk

    def bulk(self, data, default_index, query):
        filtered = "filter_path" in query
        parsed = self.scan_fast(data, default_index)
        if parsed is None:
            parsed = self.scan_slow(data, default_index)
            if isinstance(parsed, bytes):
                return self.answer(400, parsed)
        ops, keys, indices, ids = parsed
        n = len(ids)
        with LOCK:
            STATS["bulk_requests"] += 1
            STATS["bytes"] += len(data)
            STATS["items"] += n
            if ops is None and len(set(keys)) == 1:
                INDICES.setdefault(keys[0], set()).update(ids)
            else:
                for k in range(n):
                    target = INDICES.setdefault(keys[k], set())
                    if ops is not None and ops[k] == b"delete":
                        target.discard(ids[k])
                    else:
                        target.add(ids[k])
        if ops is None and filtered:
            items = b",".join([b'{"index":{"status":201}}'] * n)
        else:
            items = b",".join(
                [
                    b'{"'
                    + (b"index" if ops is None else ops[k])
                    + (
                        b'":{"status":201}}'
                        if filtered and (ops is None or ops[k] != b"delete")
                        else b'":{"status":200}}'
                        if filtered
                        else b'":{"_index":"'
                        + indices[k]
                        + b'","_id":"'
                        + ids[k]
                        + (
                            b'","_version":1,"result":"deleted","_shards":{"total":1,"successful":1,"failed":0},'
                            b'"_seq_no":0,"_primary_term":1,"status":200}}'
                            if ops is not None and ops[k] == b"delete"
                            else b'","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},'
                            b'"_seq_no":0,"_primary_term":1,"status":201}}'
                        )
                    )
                    for k in range(n)
                ]
            )
        self.answer(200, b'{"took":1,"errors":false,"items":[' + items + b"]}")

    # The common case without a Python loop per document: only `index` actions, each followed by its document, each
    # naming _index (or the path does) and _id without escapes. Returns None when the body is anything else.
    def scan_fast(self, data, default_index):
        lines = data.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        if len(lines) % 2:
            return None
        actions = b"\n".join(lines[0::2])
        n = len(lines) // 2
        if len(INDEX_ACTION.findall(actions)) != n:
            return None
        ids = ID_FIELD.findall(actions)
        if len(ids) != n:
            return None
        indices = INDEX_FIELD.findall(actions)
        if len(indices) != n:
            if indices or default_index is None:
                return None
            indices = [default_index.encode()] * n
        names = {name: name.decode() for name in set(indices)}
        return None, [names[name] for name in indices], indices, ids

    # Any body: every action line decoded as JSON.
    def scan_slow(self, data, default_index):
        lines = data.split(b"\n")
        ops, keys, indices, ids = [], [], [], []
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if not line.strip():
                continue
            ((op, meta),) = json.loads(line).items()
            if op != "delete":
                i += 1  # the document (or update) line
            index = meta.get("_index", default_index)
            if index is None:
                return error_body(400, "action_request_validation_exception", "index is missing")
            doc_id = meta.get("_id") or f"auto-{os.urandom(8).hex()}"
            ops.append(op.encode())
            keys.append(index)
            indices.append(json.dumps(index, ensure_ascii=False).encode()[1:-1])
            ids.append(json.dumps(doc_id, ensure_ascii=False).encode()[1:-1])
        return ops, keys, indices, ids

    def do_GET(self):
        self.route()

    do_POST = do_PUT = do_HEAD = do_DELETE = do_GET


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    global LOG
    addr = "127.0.0.1:0"
    args = sys.argv[1:]
    while args:
        a = args.pop(0)
        if a == "--addr":
            addr = args.pop(0)
        elif a == "--log":
            LOG = True
        else:
            sys.exit(__doc__)
    host, port = addr.rsplit(":", 1)
    server = Server((host, int(port)), Handler)
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    print(json.dumps({"url": f"http://{host}:{server.server_address[1]}", "pid": os.getpid()}), flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
