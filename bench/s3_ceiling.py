#!/usr/bin/env python3
"""The object store's own ceiling for bench/object-store.sh: fetches blobs with ranged GETs the way Tern's
ObjectStoreStorage does (ranges of --range-bytes, --connections requests in flight, one blob after the other; a blob
under --threshold bytes in one plain GET), and throws the bytes away. Nothing is parsed, written or checked but each
answer's status and length, so what limits it is the server (and the loopback), not the client.

Requests are path-style (ENDPOINT/BUCKET/KEY), signed with SigV4 by botocore (credentials from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, region AWS_REGION or us-east-1), as Tern signs them. A connection is reused when the server keeps it open;
moto's answers say `Connection: close`, so there each request opens a new one, as for Tern.

Usage: s3_ceiling.py --endpoint URL --bucket B --blob KEY=LENGTH [--blob ...] [--connections N] [--range-bytes N]
                     [--threshold N]
Prints one JSON line: {"bytes", "requests", "seconds", "user_s", "sys_s", "max_in_flight"}.
"""
import argparse
import http.client
import json
import os
import queue
import resource
import threading
import time
import urllib.parse

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

parser = argparse.ArgumentParser()
parser.add_argument("--endpoint", required=True)
parser.add_argument("--bucket", required=True)
parser.add_argument("--blob", action="append", required=True, metavar="KEY=LENGTH")
parser.add_argument("--connections", type=int, default=16)
parser.add_argument("--range-bytes", type=int, default=8 << 20)
parser.add_argument("--threshold", type=int, default=1 << 20)
options = parser.parse_args()

endpoint = urllib.parse.urlsplit(options.endpoint)
host, port = endpoint.hostname, endpoint.port or 80
signer = S3SigV4Auth(Credentials(os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
                                 os.environ.get("AWS_SECRET_ACCESS_KEY", "testing")),
                     "s3", os.environ.get("AWS_REGION", "us-east-1"))
lock = threading.Lock()
state = {"bytes": 0, "requests": 0, "in_flight": 0, "max_in_flight": 0}
errors = []


class Client:
    """One thread's connection, opened again whenever the server closed it."""

    def __init__(self):
        self.connection = None
        self.buffer = bytearray(1 << 20)

    def get(self, key, first=None, last=None):
        path = "/" + urllib.parse.quote(f"{options.bucket}/{key}")
        headers = {} if first is None else {"Range": f"bytes={first}-{last}"}
        request = AWSRequest(method="GET", url=f"{options.endpoint.rstrip('/')}{path}", headers=dict(headers))
        signer.add_auth(request)
        headers = dict(request.headers.items())
        if self.connection is None:
            self.connection = http.client.HTTPConnection(host, port, timeout=120)
        with lock:
            state["in_flight"] += 1
            state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
        try:
            self.connection.request("GET", path, headers=headers)
            answer = self.connection.getresponse()
            view = memoryview(self.buffer)
            received = 0
            while True:
                count = answer.readinto(view)
                if not count:
                    break
                received += count
            if answer.status not in (200, 206):
                raise RuntimeError(f"GET {path} {headers}: HTTP {answer.status}")
            expected = (last - first + 1) if first is not None else None
            if expected is not None and received != expected:
                raise RuntimeError(f"GET {path} {headers}: {received} bytes where {expected} were asked for")
            if answer.will_close:
                self.connection.close()
                self.connection = None
        finally:
            with lock:
                state["in_flight"] -= 1
        with lock:
            state["bytes"] += received
            state["requests"] += 1


def fetch_ranges(key, length):
    ranges = queue.SimpleQueue()
    for first in range(0, length, options.range_bytes):
        ranges.put((first, min(length, first + options.range_bytes) - 1))
    count = (length + options.range_bytes - 1) // options.range_bytes

    def worker():
        client = Client()
        while not errors:
            try:
                first, last = ranges.get_nowait()
            except queue.Empty:
                return
            try:
                client.get(key, first, last)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(str(error))

    threads = [threading.Thread(target=worker) for _ in range(min(count, options.connections))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main():
    blobs = []
    for spec in options.blob:
        key, _, length = spec.rpartition("=")
        blobs.append((key, int(length)))
    started = time.monotonic()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    small = Client()
    for key, length in blobs:
        if length >= options.threshold:
            fetch_ranges(key, length)
        else:
            small.get(key)
        if errors:
            raise SystemExit(f"s3_ceiling: {errors[0]}")
    seconds = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"bytes": state["bytes"], "requests": state["requests"], "seconds": round(seconds, 3),
                      "user_s": round(usage.ru_utime - usage_before.ru_utime, 3),
                      "sys_s": round(usage.ru_stime - usage_before.ru_stime, 3),
                      "max_in_flight": state["max_in_flight"]}))


if __name__ == "__main__":
    main()
