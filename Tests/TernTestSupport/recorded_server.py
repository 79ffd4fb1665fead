#!/usr/bin/env python3
"""A server that answers from recorded request/response exchanges, for APIs no test server here offers.

osmem-server has no _snapshot and no _tasks, so the tests of snapshot/restore orchestration and of remote reindex tasks
talk to this one instead (their names say so). The answers are written from the documented Elasticsearch/OpenSearch
response shapes.

Usage: recorded_server.py SCRIPT RECORD

SCRIPT is a JSON file: {"exchanges": [{"method": "GET", "path": "/_tasks/n1:7", "status": 200, "body_text": "{...}",
"times": 1, "expect_text": "{...}"}, ...]}. A request takes the first exchange with the same method and path (query
parameters compared as a sorted list, percent-decoded) that has answers left (`times`, 0 = unlimited) and whose
`expect_text` (a JSON value) is contained in the request's JSON body (objects: every expected key, recursively; other
values: equal). Repeated polling is a list of exchanges with the same method and path, taken in order.

Every request is appended to RECORD as one JSON line: method, path, headers, body, and `problem` when no exchange
matched; such requests are answered 500 with an error body that says why.

It listens on 127.0.0.1 on a free port, prints {"port": N, "url": "http://127.0.0.1:N"} and exits when its parent goes away.
"""
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

script_path, record_path = sys.argv[1], sys.argv[2]
with open(script_path) as f:
    exchanges = json.load(f)["exchanges"]
for exchange in exchanges:
    # Answers left; -1 = unlimited (times 0).
    exchange["left"] = exchange.get("times", 1) or -1
lock = threading.Lock()


def normalise(raw):
    parts = urllib.parse.urlsplit(raw)
    query = sorted(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    return urllib.parse.unquote(parts.path), query


def contains(actual, expected):
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            contains(a, e) for a, e in zip(actual, expected))
    return actual == expected


def choose(method, path, body_text):
    """The exchange for a request, or (None, why)."""
    wanted = normalise(path)
    candidates = [e for e in exchanges if e["method"] == method and normalise(e["path"]) == wanted and e["left"] != 0]
    if not candidates:
        return None, f"no recorded exchange (left) for {method} {path}"
    try:
        body = json.loads(body_text) if body_text.strip() else None
    except ValueError:
        body = None
    for exchange in candidates:
        if "expect_text" not in exchange or contains(body, json.loads(exchange["expect_text"])):
            return exchange, None
    return None, f"the body of {method} {path} does not contain what the recording expects: {candidates[0]['expect_text']}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body_text = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        with lock:
            exchange, problem = choose(self.command, self.path, body_text)
            if exchange is not None and exchange["left"] > 0:
                exchange["left"] -= 1
            record = {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": body_text, "problem": problem}
            with open(record_path, "a") as out:
                out.write(json.dumps(record) + "\n")
        if exchange is None:
            status = 500
            data = json.dumps({"error": {"type": "unexpected_request", "reason": "recorded_server: " + problem},
                               "status": 500}).encode()
        else:
            status = exchange.get("status", 200)
            data = exchange.get("body_text", "{}").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def watch_parent(parent):
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    print(json.dumps({"port": port, "url": f"http://127.0.0.1:{port}"}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
