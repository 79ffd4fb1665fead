"""What Tern's test servers share: a threaded server on a free 127.0.0.1 port, one JSON line on standard output that
announces it (the Swift side waits for that line), and an exit as soon as the test process that started it is gone, so
no server outlives its test, whatever killed the test."""
import http.client
import http.server
import json
import os
import socketserver
import threading
import time


class TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def exit_with_parent():
    """Ends this process (and its threads) once the process that started it is gone."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def serve(handler, http=True, announce=None, on_bind=None):
    """Serves `handler` (an http.server or a socketserver handler, as `http` says) until the parent goes away.

    `on_bind(port)` runs once the port is known and before the announcement; `announce(port)` adds keys to it."""
    server = (HTTPServer if http else TCPServer)(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    if on_bind:
        on_bind(port)
    exit_with_parent()
    print(json.dumps({"port": port, **(announce(port) if announce else {})}), flush=True)
    server.serve_forever()


class Upstream:
    """One connection to an upstream server (`urllib.parse.urlsplit` of its URL) per client connection, kept alive while
    the upstream allows; a request on a connection the upstream closed is sent again once on a new one. Headers are sent
    as given (Host included: a SigV4 signature covers it)."""

    def __init__(self, target):
        self.target = target
        self.connection = None

    def request(self, method, path, headers, body):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=120)
            try:
                self.connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    self.connection.putheader(name, value)
                if body or method in ("PUT", "POST", "PATCH"):
                    if not any(name.lower() == "content-length" for name, _ in headers):
                        self.connection.putheader("Content-Length", str(len(body)))
                self.connection.endheaders(body if body else None)
                answer = self.connection.getresponse()
                data = answer.read()
                if answer.will_close:
                    self.close()
                return answer.status, answer.reason, answer.getheaders(), data
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 1:
                    raise

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class RequestReader:
    """Reads HTTP/1.1 requests off a raw client socket, one after the other (keep-alive): for proxies that must decide
    at the byte level what to send back (a reset, a body cut short). Answers `Expect: 100-continue`, decodes a chunked
    body (dropping its Content-Length), and returns (method, target, headers, body), or None when the client is gone."""

    def __init__(self, conn):
        self.conn = conn
        self.buffer = b""

    def read(self):
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.conn.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        method, target = parts[0], parts[1]
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        names = {name.lower(): value for name, value in headers}
        if names.get("expect", "").lower() == "100-continue":
            self.conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if names.get("transfer-encoding", "").lower() == "chunked":
            body = self.read_chunked()
            headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        else:
            length = int(names.get("content-length", "0"))
            while len(self.buffer) < length:
                chunk = self.conn.recv(1 << 20)
                if not chunk:
                    return None
                self.buffer += chunk
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        return method, target, headers, body

    def read_chunked(self):
        body = b""
        while True:
            while b"\r\n" not in self.buffer:
                self.buffer += self.conn.recv(65536)
            size_line, _, self.buffer = self.buffer.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                while b"\r\n" not in self.buffer:  # trailers end with an empty line
                    self.buffer += self.conn.recv(65536)
                while not self.buffer.startswith(b"\r\n"):
                    _, _, self.buffer = self.buffer.partition(b"\r\n")
                    while b"\r\n" not in self.buffer:
                        self.buffer += self.conn.recv(65536)
                self.buffer = self.buffer[2:]
                return body
            while len(self.buffer) < size + 2:
                self.buffer += self.conn.recv(65536)
            body += self.buffer[:size]
            self.buffer = self.buffer[size + 2:]
