"""What Tern's test servers share: a threaded server on a free 127.0.0.1 port, one JSON line on standard output that
announces it (the Swift side waits for that line), and an exit as soon as the test process that started it is gone, so
no server outlives its test, whatever killed the test."""
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
