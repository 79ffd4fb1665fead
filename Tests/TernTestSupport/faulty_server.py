#!/usr/bin/env python3
"""A misbehaving HTTP server for Tern's error-path tests.

No real search server can be told to send garbage, cut a response short or refuse credentials on demand, so the
tests that need those answers talk to this one (their names say so). It listens on 127.0.0.1 on a free port,
prints {"port": N} on one line, and exits when its parent process goes away.

Modes: unauthorized (for the command line's exit code), garbage, truncated, silent, tls, chunked (well-formed answers
in three chunks, gzip-compressed when the request accepts gzip: what a proxy must pass through), and blackhole (a listener whose
accept queue is full, so new connections hang like packets to an unreachable host). Well-formed answers that are not
what Tern needs (403, HTML, 503, busy answers) are tested in memory instead (`InMemoryTransport`).
"""
import gzip
import json
import os
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

ROOT = {
    "name": "faulty-node",
    "cluster_name": "faulty",
    "cluster_uuid": "faulty-uuid",
    "version": {"distribution": "opensearch", "number": "2.19.1", "build_type": "tar", "lucene_version": "9.12.1",
                "minimum_wire_compatibility_version": "7.10.0", "minimum_index_compatibility_version": "7.0.0"},
    "tagline": "The OpenSearch Project: https://opensearch.org/",
}
HEALTH = {"cluster_name": "faulty", "status": "green", "number_of_nodes": 1, "number_of_data_nodes": 1,
          "active_primary_shards": 0, "active_shards": 0, "relocating_shards": 0, "initializing_shards": 0,
          "unassigned_shards": 0}

mode = sys.argv[1]


def response(status, reason, body, content_type="application/json; charset=UTF-8", extra=""):
    data = body.encode() if isinstance(body, str) else body
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(data)}\r\n{extra}\r\n")
    return head.encode() + data


def search_answer(path):
    if path.startswith("/_cluster/health"):
        return response(200, "OK", json.dumps(HEALTH))
    if path == "/" or path.startswith("/?"):
        return response(200, "OK", json.dumps(ROOT))
    return response(200, "OK", "{}")


def es_error(status, kind, reason):
    return json.dumps({"error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
                       "status": status})


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        conn.settimeout(30)
        buffer = b""
        while True:
            try:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
            except (socket.timeout, ConnectionError, ssl.SSLError, OSError):
                return
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            self.accepts_gzip = b"gzip" in head.lower()
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
            length = 0
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1].strip())
            while len(buffer) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            buffer = buffer[length:]
            if not self.answer(conn, path):
                return

    def answer(self, conn, path):
        if mode == "unauthorized":
            conn.sendall(response(401, "Unauthorized",
                                  es_error(401, "security_exception", "missing authentication credentials for REST request [/]"),
                                  extra='WWW-Authenticate: Basic realm="security" charset="UTF-8"\r\n'))
        elif mode == "garbage":
            conn.sendall(b"\x16\x03\x01 this is not HTTP at all \x00\xff\r\n\r\n")
            return False
        elif mode == "truncated":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"name\":\"cut")
            time.sleep(0.05)
            conn.shutdown(socket.SHUT_RDWR)
            return False
        elif mode == "silent":
            time.sleep(60)
            return False
        elif mode == "tls":
            conn.sendall(search_answer(path))
        elif mode == "chunked":
            if "/_doc/" in path:
                status, body = "201 Created", json.dumps({"_index": "chunky", "_id": path.rsplit("/", 1)[1], "result": "created",
                                                          "_version": 1, "_seq_no": 0, "_primary_term": 1})
            else:
                status, body = "200 OK", json.dumps({"hits": {"total": {"value": 1, "relation": "eq"},
                                                              "hits": [{"_id": "1", "_source": {"text": "x" * 3000}}]}})
            data = body.encode()
            extra = ""
            if self.accepts_gzip:
                data, extra = gzip.compress(data), "Content-Encoding: gzip\r\n"
            third = len(data) // 3 + 1
            chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece)
                              for piece in (data[:third], data[third:2 * third], data[2 * third:]) if piece)
            conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}Transfer-Encoding: chunked\r\n\r\n"
                         .encode() + chunks + b"0\r\n\r\n")
        else:
            conn.sendall(response(500, "Internal Server Error", "unknown mode"))
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_tls_context():
    folder = tempfile.mkdtemp(prefix="tern-faulty-")
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


def watch_parent(parent):
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def blackhole():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.2)
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    print(json.dumps({"port": port}), flush=True)
    while True:
        time.sleep(60)


def main():
    if mode == "blackhole":
        blackhole()
    server = Server(("127.0.0.1", 0), Handler)
    info = {"port": server.server_address[1]}
    if mode == "tls":
        context, cert = make_tls_context()
        server.socket = context.wrap_socket(server.socket, server_side=True)
        info["ca_file"] = cert
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    print(json.dumps(info), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
