#!/usr/bin/env python3
"""A fast, trivial HTTP/1.1 upstream for bench/proxy.sh: answers every request at once with a canned body, so what is
measured is the capture proxy, not the cluster behind it.

    sink.py [--addr 127.0.0.1:0]

Prints one JSON line on start, {"url","pid"}, like osmem-server. One asyncio event loop, keep-alive, pipelining-safe.
Answers: `PUT|POST /<index>/_doc[/<id>]` and `PUT|POST /<index>/_create/<id>` 201 with a small index result;
`DELETE /<index>/_doc/<id>` 200; `GET|POST /<index>/_search` 200 with one hit; anything else 200 `{}`.
"""

import asyncio
import json
import os
import sys

INDEX_RESULT = (
    b'{"_index":"bench","_id":"1","_version":1,"result":"created",'
    b'"_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}'
)
SEARCH_RESULT = (
    b'{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},'
    b'"hits":{"total":{"value":1,"relation":"eq"},"max_score":1.0,'
    b'"hits":[{"_index":"bench","_id":"1","_score":1.0,"_source":{"title":"bench","n":1}}]}}'
)


def response(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json; charset=UTF-8\r\ncontent-length: "
        + str(len(body)).encode() + b"\r\n\r\n" + body
    )


CREATED = response(b"201 Created", INDEX_RESULT)
SEARCHED = response(b"200 OK", SEARCH_RESULT)
DELETED = response(b"200 OK", INDEX_RESULT.replace(b'"created"', b'"deleted"'))
EMPTY = response(b"200 OK", b"{}")


def answer(request_line: bytes) -> bytes:
    parts = request_line.split(b" ")
    method, target = parts[0], parts[1] if len(parts) > 1 else b"/"
    path = target.split(b"?", 1)[0]
    if b"/_search" in path:
        return SEARCHED
    if b"/_doc" in path or b"/_create/" in path:
        return DELETED if method == b"DELETE" else CREATED
    return EMPTY


class Connection(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        out = []
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                break
            self.buffer = self.buffer[end + 4 + length :]
            out.append(answer(head.split(b"\r\n", 1)[0]))
        if out:
            self.transport.write(b"".join(out))


async def main():
    addr = "127.0.0.1:0"
    if len(sys.argv) == 3 and sys.argv[1] == "--addr":
        addr = sys.argv[2]
    host, _, port = addr.rpartition(":")
    server = await asyncio.get_running_loop().create_server(Connection, host, int(port), backlog=1024)
    bound = server.sockets[0].getsockname()[1]
    print(json.dumps({"url": f"http://{host}:{bound}", "pid": os.getpid()}), flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
