#!/usr/bin/env python3
"""An HTTP/1.1 proxy that makes a healthy search server look overloaded and flaky, for Tern's bulk writer tests.

No real server rejects bulk items, drops connections or applies writes without answering on demand; this proxy does,
in front of a real osmem-server. For POST/PUT .../_bulk requests it can
  - reject single items with 429 es_rejected_execution_exception without forwarding them (the other items are
    forwarded, and the answers merged back into the original order; when every item is rejected nothing is forwarded),
  - drop the connection without answering, either BEFORE forwarding (nothing applied) or AFTER forwarding (the writes
    were applied but the client never hears about it),
  - answer the whole request with 429.
Every other request passes through unchanged. Randomness is seeded; GET /_proxy/stats returns the counters, so tests
can check that the faults really happened. SIGUSR1 makes it reset every connection (the upstream looks down, and the
port stays taken); SIGUSR2 ends that. POST /_proxy/busy?on=true makes it answer every other request 429 and 503 in turn
without forwarding (a cluster pushing back), ?on=false ends that. With --data-streams FILE it answers GET /_data_stream
(and GET /_data_stream/NAME) from that recorded answer, standing in for a cluster that has data streams (osmem has
none); the backing indices it names are plain indices of the upstream.

Usage: fault_proxy.py --upstream http://127.0.0.1:PORT [--reject P] [--drop P] [--whole P] [--seed N]
Prints {"port": N} on one line when ready; exits when its parent process goes away.
"""
import argparse
import http.client
import json
import random
import signal
import socket
import struct
import socketserver
import threading
import urllib.parse

import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the Swift test sources
import loopback_server  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "trailer", "upgrade",
              "proxy-connection"}

parser = argparse.ArgumentParser()
parser.add_argument("--upstream", required=True)
parser.add_argument("--reject", type=float, default=0.0, help="probability that one bulk item is rejected with 429")
parser.add_argument("--drop", type=float, default=0.0, help="probability that a bulk request's connection is dropped")
parser.add_argument("--whole", type=float, default=0.0, help="probability that a whole bulk request is answered 429")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--data-streams", help="a recorded GET _data_stream answer to serve")
parser.add_argument("--replication", help="followers ({\"followers\": {index: {\"behind\": [5, 0], \"paused\": false}}}) "
                                          "to answer for as the cross-cluster replication plugin would; its requests are "
                                          "appended to FILE.requests.ndjson")
parser.add_argument("--monitors", help="alerting monitors ({id: monitor}) to hold and serve as the Alerting plugin does; "
                                       "every alerting request is appended to FILE.requests.ndjson")
options = parser.parse_args()
upstream = urllib.parse.urlsplit(options.upstream)

lock = threading.Lock()
# SIGUSR1 takes the "server" down: every connection is reset, without giving up the port (another test's server could
# take a freed port, and a client retrying would then talk to it). SIGUSR2 brings it back.
down = threading.Event()
signal.signal(signal.SIGUSR1, lambda *_: down.set())
signal.signal(signal.SIGUSR2, lambda *_: down.clear())
# A parent may have these blocked, and the mask is inherited.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1, signal.SIGUSR2})
rng = random.Random(options.seed)
followers = {}
if options.replication:
    with open(options.replication) as held:
        followers = json.load(held).get("followers", {})
    for state in followers.values():
        state.setdefault("behind", [0])
        state["state"] = "PAUSED" if state.get("paused") else "SYNCING"
monitors = {}
if options.monitors:
    with open(options.monitors) as held:
        monitors = json.load(held)
busy = threading.Event()
stats = {"busy_answers": 0, "requests": 0, "passthrough": 0, "bulk_requests": 0, "items": 0, "items_rejected": 0, "items_forwarded": 0,
         "drops_before": 0, "drops_after": 0, "items_applied_unanswered": 0, "whole_rejections": 0,
         "all_rejected_unforwarded": 0}

REJECTION_REASON = ("rejected execution of coordinating operation [fault proxy]: EsThreadPoolExecutor[name = proxy/write, "
                    "queue capacity = 0]")


def count(key, amount=1):
    with lock:
        stats[key] += amount


def roll():
    with lock:
        return rng.random()


class Dropped(Exception):
    """The connection is to be closed without an answer."""


def response(status, reason, body, headers=()):
    data = body if isinstance(body, bytes) else body.encode()
    head = f"HTTP/1.1 {status} {reason}\r\n"
    for name, value in headers:
        head += f"{name}: {value}\r\n"
    head += f"Content-Length: {len(data)}\r\n\r\n"
    return head.encode("latin-1") + data


def log_request(stand_in, method, target, body):
    """Appends a request a plugin stand-in answered to STAND_IN.requests.ndjson, for the test to check against the
    OpenSearch API specification."""
    with lock:
        with open(stand_in + ".requests.ndjson", "a") as log:
            log.write(json.dumps({"method": method, "target": target, "body": body.decode("utf-8") if body else None}) + "\n")


def json_response(status, reason, value):
    return response(status, reason, json.dumps(value, separators=(",", ":")),
                    [("Content-Type", "application/json; charset=UTF-8")])


class Upstream:
    """One keep-alive connection to the upstream server per client connection."""

    def __init__(self):
        self.connection = None

    def request(self, method, target, headers, body):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
            try:
                self.connection.request(method, target, body=body, headers=headers)
                answer = self.connection.getresponse()
                data = answer.read()
                return answer.status, answer.reason, answer.getheaders(), data
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 1:
                    raise

    def close(self):
        if self.connection is not None:
            self.connection.close()


def reset(conn):
    """Closes with a TCP reset, as a crashed server's kernel would."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        conn.settimeout(120)
        self.upstream = Upstream()
        self.reader = loopback_server.RequestReader(conn)
        try:
            while True:
                if down.is_set():
                    reset(conn)
                    return
                request = self.reader.read()
                if request is None:
                    return
                if down.is_set():
                    reset(conn)
                    return
                count("requests")
                try:
                    answer = finish(self.route(*request))
                except Dropped:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                conn.sendall(answer)
        except (socket.timeout, ConnectionError, OSError):
            return
        finally:
            self.upstream.close()
            conn.close()

    def route(self, method, target, headers, body):
        """The answer to one request: bytes, or (status, reason, headers, body) from upstream."""
        path, _, query = target.partition("?")
        if path == "/_proxy/stats":
            with lock:
                return json_response(200, "OK", dict(stats))
        if options.data_streams and method == "GET" and (path == "/_data_stream" or path.startswith("/_data_stream/")):
            with open(options.data_streams) as recorded:
                streams = json.load(recorded)
            name = urllib.parse.unquote(path[len("/_data_stream/"):]) if path.startswith("/_data_stream/") else None
            if name is not None:
                streams = {"data_streams": [s for s in streams["data_streams"] if s["name"] == name]}
                if not streams["data_streams"]:
                    return json_response(404, "Not Found", {"error": {"type": "index_not_found_exception",
                                                                       "reason": "no such index [%s]" % name}, "status": 404})
            return json_response(200, "OK", streams)
        if options.replication and (path.startswith("/_plugins/_replication/") or path in ("/_nodes/plugins", "/_nodes/transport")
                                    or (path == "/_cluster/settings" and method == "PUT")):
            return self.replication(method, target, path, headers, body)
        if options.monitors and path.startswith("/_plugins/_alerting/monitors"):
            return self.alerting(method, target, path, body)
        if path == "/_proxy/busy":
            (busy.set if "on=true" in query else busy.clear)()
            return json_response(200, "OK", {"busy": busy.is_set()})
        if busy.is_set():
            count("busy_answers")
            with lock:
                status = 429 if stats["busy_answers"] % 2 else 503
            kind = "es_rejected_execution_exception" if status == 429 else "cluster_block_exception"
            return json_response(status, "Too Many Requests" if status == 429 else "Service Unavailable",
                                 {"error": {"type": kind, "reason": "the fault proxy is pushing back"}, "status": status})
        if method in ("POST", "PUT") and path.rstrip("/").endswith("/_bulk"):
            return self.bulk(method, target, query, headers, body)
        count("passthrough")
        return self.forward(method, target, headers, body)

    def replication(self, method, target, path, headers, body):
        """The cross-cluster replication plugin's answers for the followers held in memory, in front of a cluster
        without it: every node lists the plugin, followers report their lag as given (one value per status call, the
        last one repeated), and _stop ends a follower. Each request is logged for the test to check against the spec."""
        log_request(options.replication, method, target, body)
        if path == "/_nodes/plugins":
            status, reason, answer_headers, data = self.forward(method, target, headers, body, identity=True)
            nodes = json.loads(data)
            for node in nodes.get("nodes", {}).values():
                node.setdefault("plugins", []).append({"name": "opensearch-cross-cluster-replication", "version": "test"})
            return json_response(status, reason, nodes)
        if path == "/_nodes/transport":
            return json_response(200, "OK", {"_nodes": {"total": 1, "successful": 1, "failed": 0}, "cluster_name": "source",
                                             "nodes": {"n1": {"name": "node-1", "transport": {
                                                 "bound_address": ["127.0.0.1:9300"], "publish_address": "127.0.0.1:9300"}}}})
        if path == "/_cluster/settings":
            return json_response(200, "OK", {"acknowledged": True, "persistent": {}, "transient": {}})
        index = urllib.parse.unquote(path.split("/")[3])
        action = path.split("/")[4] if len(path.split("/")) > 4 else ""
        with lock:
            state = followers.get(index)
            if action == "_start" and method == "PUT":
                followers[index] = {"behind": [0], "state": "SYNCING"}
                return json_response(200, "OK", {"acknowledged": True})
            if state is None or state["state"] == "STOPPED":
                return json_response(404, "Not Found", {"error": {"type": "resource_not_found_exception",
                                                                  "reason": "No replication in progress for index:" + index},
                                                        "status": 404})
            if action == "_stop" and method == "POST":
                state["state"] = "STOPPED"
                return json_response(200, "OK", {"acknowledged": True})
            if action == "_status" and method == "GET":
                behind = state["behind"][0] if len(state["behind"]) == 1 else state["behind"].pop(0)
                return json_response(200, "OK", {
                    "status": state["state"], "reason": "User initiated", "leader_alias": "tern-source",
                    "leader_index": index, "follower_index": index,
                    "syncing_details": {"leader_checkpoint": 100, "follower_checkpoint": 100 - behind, "seq_no": 100 - behind}})
        return json_response(405, "Method Not Allowed", {"error": "no handler", "status": 405})

    def alerting(self, method, target, path, body):
        """The Alerting plugin's monitor search, get and update, over the monitors held in memory (their schedules
        switch as a real cluster's would); each request is logged for the test to check against the API spec."""
        log_request(options.monitors, method, target, body)
        with lock:
            if path == "/_plugins/_alerting/monitors/_search" and method in ("GET", "POST"):
                hits = [{"_index": ".opendistro-alerting-config", "_id": id, "_version": 1, "_seq_no": 0,
                         "_primary_term": 1, "_score": 1.0, "_source": monitor} for id, monitor in monitors.items()]
                return json_response(200, "OK", {"took": 1, "timed_out": False, "hits": {
                    "total": {"value": len(hits), "relation": "eq"}, "max_score": 1.0, "hits": hits}})
            id = urllib.parse.unquote(path[len("/_plugins/_alerting/monitors/"):])
            if id not in monitors:
                return json_response(404, "Not Found", {"error": {"type": "status_exception",
                                                                  "reason": "Monitor not found."}, "status": 404})
            if method == "PUT":
                monitor = json.loads(body)
                monitor["last_update_time"] = 1733600000000
                monitor["enabled_time"] = 1733600000000 if monitor.get("enabled") else None
                monitors[id] = monitor
            elif method != "GET":
                return json_response(405, "Method Not Allowed", {"error": "no handler", "status": 405})
            return json_response(200, "OK", {"_id": id, "_version": 1, "_seq_no": 0, "_primary_term": 1,
                                             "monitor": monitors[id]})

    def forward(self, method, target, headers, body, identity=False):
        sent = {name: value for name, value in headers if name.lower() not in HOP_BY_HOP}
        if identity:
            sent = {name: value for name, value in sent.items() if name.lower() != "accept-encoding"}
            sent["Accept-Encoding"] = "identity"
        sent["Host"] = f"{upstream.hostname}:{upstream.port}"
        try:
            status, reason, answer_headers, data = self.upstream.request(method, target, sent, body)
        except (http.client.HTTPException, OSError) as error:
            return json_response(502, "Bad Gateway", {"error": {"type": "proxy_exception", "reason": str(error)},
                                                      "status": 502})
        kept = [(name, value) for name, value in answer_headers if name.lower() not in HOP_BY_HOP]
        return status, reason, kept, data

    def bulk(self, method, target, query, headers, body):
        count("bulk_requests")
        if roll() < options.whole:
            count("whole_rejections")
            return json_response(429, "Too Many Requests", {
                "error": {"root_cause": [{"type": "es_rejected_execution_exception", "reason": REJECTION_REASON}],
                          "type": "es_rejected_execution_exception", "reason": REJECTION_REASON},
                "status": 429})
        drop = roll() < options.drop
        drop_before = drop and roll() < 0.5
        if drop_before:
            count("drops_before")
            raise Dropped()

        items = parse_items(body)
        count("items", len(items))
        rejected = [roll() < options.reject for _ in items]
        forwarded = [item for item, refused in zip(items, rejected) if not refused]
        count("items_rejected", len(items) - len(forwarded))
        filtered = "filter_path" in urllib.parse.parse_qs(query)

        upstream_items, took = [], 0
        if forwarded:
            count("items_forwarded", len(forwarded))
            forwarded_body = b"".join(b"\n".join(item["lines"]) + b"\n" for item in forwarded)
            sent = [(name, value) for name, value in headers]
            answer = self.forward(method, target, sent, forwarded_body, identity=True)
            if drop:
                # The nastiest case: the target applied the writes, the client never hears about it.
                count("drops_after")
                count("items_applied_unanswered", len(forwarded))
                raise Dropped()
            if isinstance(answer, bytes):
                return answer
            status, reason, answer_headers, data = answer
            if status != 200:
                return response(status, reason, data, answer_headers)
            parsed = json.loads(data)
            upstream_items, took = parsed["items"], parsed.get("took")
            if len(upstream_items) != len(forwarded):
                return json_response(502, "Bad Gateway", {"error": {"type": "proxy_exception",
                                                                    "reason": "upstream item count mismatch"}})
            errors = parsed.get("errors", False)
        else:
            count("all_rejected_unforwarded")
            if drop:
                count("drops_before")
                raise Dropped()
            errors = False

        merged, answers = [], iter(upstream_items)
        for item, refused in zip(items, rejected):
            if not refused:
                merged.append(next(answers))
                continue
            detail = {"status": 429, "error": {"type": "es_rejected_execution_exception", "reason": REJECTION_REASON}}
            if not filtered:
                detail = {"_index": item["meta"].get("_index"), "_id": item["meta"].get("_id"), **detail}
            merged.append({item["action"]: detail})
        result = {"errors": errors or any(rejected), "items": merged}
        if not filtered:
            result = {"took": took or 0, **result}
        return json_response(200, "OK", result)


def parse_items(body):
    """The actions of a bulk body with their lines (a `delete` has no source line)."""
    lines = [line for line in body.split(b"\n") if line.strip()]
    items, index = [], 0
    while index < len(lines):
        action_line = json.loads(lines[index])
        action = next(iter(action_line))
        item = {"action": action, "meta": action_line[action] or {}, "lines": [lines[index]]}
        index += 1
        if action != "delete":
            item["lines"].append(lines[index])
            index += 1
        items.append(item)
    return items


def finish(answer):
    """Bytes to send for what `route` returned."""
    if isinstance(answer, bytes):
        return answer
    status, reason, headers, data = answer
    return response(status, reason, data, headers)


if __name__ == "__main__":
    loopback_server.serve(Handler, http=False)
