#!/usr/bin/env python3
"""An HTTP/1.1 proxy that makes a healthy object store (S3, GCS, Azure Blob) look overloaded and flaky, for Tern's
snapshot repository reader tests.

No real object store throttles, resets or cuts answers short on demand; this proxy does, in front of a real one
(object_store_server.py). For GETs of object content it can, with seeded randomness,
  - throttle: answer without forwarding, 503 with S3's SlowDown error (--throttle-status 429 for a 429; --flavor gcs
    for GCS's JSON error, --flavor azure for Azure's ServerBusy),
  - stall: sleep --stall-seconds before forwarding (for timeout tests),
  - reset: send the upstream's status line, headers and part of the body, then close with a TCP reset,
  - short: send the upstream's headers (with the true Content-Length) and part of the body, then close cleanly.
Listings and metadata requests (S3 `list-type=2` or any bucket-level GET, GCS /storage/v1/... without alt=media, Azure
comp=list/restype=container) and every other method pass through unharmed unless --faults-on-lists is given. Requests
are forwarded with the client's Host header unchanged (SigV4 signs it) and every other header but hop-by-hop ones; the
connection to the upstream is made to --upstream's address. GET /_proxy/stats returns the counters as JSON.

Usage: object_store_fault_proxy.py --upstream http://127.0.0.1:PORT [--flavor s3|gcs|azure] [--throttle P]
           [--throttle-status 503|429] [--reset P] [--short P] [--stall P] [--stall-seconds S] [--faults-on-lists]
           [--seed N]
Prints {"port": N} on one line when ready; exits when its parent process goes away.
"""
import argparse
import http.client
import json
import random
import socket
import socketserver
import struct
import threading
import time
import urllib.parse
import uuid

import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the Swift test sources
import loopback_server  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection",
              "proxy-authorization", "proxy-authenticate", "expect"}

parser = argparse.ArgumentParser()
parser.add_argument("--upstream", required=True)
parser.add_argument("--flavor", choices=["s3", "gcs", "azure"], default="s3", help="whose throttling error to send")
parser.add_argument("--throttle", type=float, default=0.0, help="probability that a GET is answered 503/429")
parser.add_argument("--throttle-status", type=int, choices=[503, 429], default=503)
parser.add_argument("--reset", type=float, default=0.0, help="probability that a GET's answer ends in a TCP reset")
parser.add_argument("--short", type=float, default=0.0, help="probability that a GET's body is cut short")
parser.add_argument("--stall", type=float, default=0.0, help="probability that a GET waits --stall-seconds first")
parser.add_argument("--stall-seconds", type=float, default=10.0)
parser.add_argument("--faults-on-lists", action="store_true", help="also fault listings and metadata GETs")
parser.add_argument("--seed", type=int, default=1)
options = parser.parse_args()
upstream = urllib.parse.urlsplit(options.upstream)
if upstream.scheme != "http" or not upstream.hostname or not upstream.port:
    parser.error("--upstream wants http://HOST:PORT")

lock = threading.Lock()
rng = random.Random(options.seed)
stats = {"requests": 0, "content_gets": 0, "throttled": 0, "resets": 0, "short": 0, "stalled": 0, "bytes": 0}


def count(key, amount=1):
    with lock:
        stats[key] += amount


def rolls(number):
    """`number` random values at once, so one request's faults come from consecutive values of the seeded sequence."""
    with lock:
        return [rng.random() for _ in range(number)]


def is_listing(path, query):
    """Whether a GET reads a listing or metadata rather than an object's bytes."""
    parameters = urllib.parse.parse_qs(query, keep_blank_values=True)
    if "list-type" in parameters or parameters.get("comp") == ["list"] or "restype" in parameters:
        return True  # S3 ListObjectsV2; Azure List Blobs, container properties
    if path.startswith("/storage/v1/"):
        return parameters.get("alt") != ["media"]  # GCS JSON API: listings and object metadata
    if path.startswith("/download/storage/v1/"):
        return False
    bucket, _, key = urllib.parse.unquote(path).lstrip("/").partition("/")
    return not key  # a bucket-level S3 request (ListObjects v1, ?location, ...)


def throttle_answer():
    status = options.throttle_status
    reason = "Slow Down" if status == 503 else "Too Many Requests"
    request_id = uuid.uuid4().hex.upper()[:16]
    if options.flavor == "gcs":
        if status == 429:
            error = {"code": 429, "message": "The rate of requests exceeds the rate limit. Please reduce your "
                     "request rate.", "errors": [{"message": "Please reduce your request rate.",
                                                  "domain": "usageLimits", "reason": "rateLimitExceeded"}]}
        else:
            error = {"code": 503, "message": "We encountered an internal error. Please try again.",
                     "errors": [{"message": "We encountered an internal error. Please try again.",
                                 "domain": "global", "reason": "backendError"}]}
        return status, "Service Unavailable" if status == 503 else reason, \
            [("Content-Type", "application/json; charset=UTF-8")], json.dumps({"error": error}).encode()
    if options.flavor == "azure":
        body = ('<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>The server is currently '
                f"unable to receive requests. Please retry your request.\nRequestId:{uuid.uuid4()}\n"
                f"Time:{time.strftime('%Y-%m-%dT%H:%M:%S.0000000Z', time.gmtime())}</Message></Error>")
        return status, "Server Busy" if status == 503 else reason, \
            [("Content-Type", "application/xml"), ("x-ms-error-code", "ServerBusy"),
             ("x-ms-request-id", str(uuid.uuid4())), ("x-ms-version", "2021-08-06")], body.encode()
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request '
            f"rate.</Message><RequestId>{request_id}</RequestId><HostId>fault-proxy</HostId></Error>")
    return status, reason, [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)], body.encode()


def head_bytes(status, reason, headers):
    head = f"HTTP/1.1 {status} {reason}\r\n"
    for name, value in headers:
        head += f"{name}: {value}\r\n"
    return (head + "\r\n").encode("latin-1")


def complete(status, reason, headers, body, method="GET"):
    """Headers for the client: upstream's, without hop-by-hop ones, with a Content-Length for the body (kept from
    upstream for HEAD and bodiless statuses)."""
    kept = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]
    if method != "HEAD" and status not in (204, 304) and not 100 <= status < 200:
        kept = [(name, value) for name, value in kept if name.lower() != "content-length"]
        kept.append(("Content-Length", str(len(body))))
    return kept


def reset(conn):
    """Closes with a TCP reset, as a crashed server's kernel would."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class Closed(Exception):
    """The client connection was ended on purpose (a fault)."""


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        conn.settimeout(300)
        self.upstream = loopback_server.Upstream(upstream)
        self.reader = loopback_server.RequestReader(conn)
        try:
            while True:
                request = self.reader.read()
                if request is None:
                    return
                method, target, headers, body = request
                keep_alive = not any(name.lower() == "connection" and "close" in value.lower()
                                     for name, value in headers)
                self.answer(conn, method, target, headers, body)
                if not keep_alive:
                    return
        except Closed:
            return
        except (socket.timeout, ConnectionError, OSError):
            return
        finally:
            self.upstream.close()
            try:
                conn.close()
            except OSError:
                pass

    def answer(self, conn, method, target, headers, body):
        path, _, query = target.partition("?")
        if path == "/_proxy/stats":
            with lock:
                data = json.dumps(stats, separators=(",", ":")).encode()
            conn.sendall(head_bytes(200, "OK", [("Content-Type", "application/json"),
                                                ("Content-Length", str(len(data)))]) + data)
            return
        count("requests")
        faultable = method == "GET" and (options.faults_on_lists or not is_listing(path, query))
        throttle = stall = cut_reset = cut_short = False
        cut_at = 0.0
        if faultable:
            count("content_gets")
            throttle_roll, stall_roll, reset_roll, short_roll, cut_at = rolls(5)
            throttle = throttle_roll < options.throttle
            stall = stall_roll < options.stall
            cut_reset = reset_roll < options.reset
            cut_short = short_roll < options.short
        if throttle:
            count("throttled")
            status, reason, answer_headers, data = throttle_answer()
            self.send(conn, status, reason, answer_headers, data, method)
            return
        if stall:
            count("stalled")
            time.sleep(options.stall_seconds)

        sent = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]
        try:
            status, reason, answer_headers, data = self.upstream.request(method, target, sent, body)
        except (http.client.HTTPException, OSError) as error:
            data = json.dumps({"error": {"type": "proxy_exception", "reason": str(error)}}).encode()
            self.send(conn, 502, "Bad Gateway", [("Content-Type", "application/json")], data, method)
            return
        if (cut_reset or cut_short) and data and method == "GET":
            kept = complete(status, reason, answer_headers, data, method)
            part = data[:int(cut_at * len(data))]
            conn.sendall(head_bytes(status, reason, kept) + part)
            count("bytes", len(part))
            if cut_reset:
                count("resets")
                time.sleep(0.1)  # let the client read what was sent: a reset discards unread data
                reset(conn)
            else:
                count("short")
                conn.shutdown(socket.SHUT_RDWR)
            raise Closed()
        self.send(conn, status, reason, answer_headers, data, method)

    def send(self, conn, status, reason, headers, data, method):
        body = b"" if method == "HEAD" else data
        conn.sendall(head_bytes(status, reason, complete(status, reason, headers, data, method)) + body)
        count("bytes", len(body))


if __name__ == "__main__":
    loopback_server.serve(Handler, http=False)
