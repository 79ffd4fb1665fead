#!/usr/bin/env python3
"""The two AWS credential endpoints of a machine, serving given credentials, for Tern's credential chain tests.

  - The ECS / EKS Pod Identity container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:N/creds):
    GET /creds answers {"AccessKeyId", "SecretAccessKey", "Token" (when given), "Expiration"}. With --auth-token the
    request must carry exactly `Authorization: <token>` (AWS_CONTAINER_AUTHORIZATION_TOKEN), else 401 with
    {"code": "AccessDenied", "message": ...}.
  - The EC2 instance metadata service, IMDSv2 only (AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:N):
    PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds (1 to 21600) answers a session token (400 without
    the header); GET /latest/meta-data/iam/security-credentials/ answers the role name and
    GET /latest/meta-data/iam/security-credentials/<role> the credentials document with "Code": "Success", both only
    with `X-aws-ec2-metadata-token: <a token it issued>`. Without one they are refused 401, as on an instance whose
    metadata options require IMDSv2 (IMDSv1 is off); an unknown role is 404.

GET /_stats answers the counters as JSON: requests, container, container_refused, imds_tokens, imds_roles,
imds_credentials, imds_refused.

Usage: aws_metadata_server.py --access-key-id ID --secret-access-key SECRET [--session-token TOKEN]
           [--auth-token TOKEN] [--role NAME] [--expires-in SECONDS]
Prints {"port": N} on one line when ready; exits when its parent process goes away.
"""
import argparse
import datetime
import http.server
import json
import secrets
import threading

import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the Swift test sources
import loopback_server  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--access-key-id", required=True)
parser.add_argument("--secret-access-key", required=True)
parser.add_argument("--session-token")
parser.add_argument("--auth-token", help="the Authorization header the container endpoint requires")
parser.add_argument("--role", default="tern-instance-role", help="the instance profile's role name")
parser.add_argument("--expires-in", type=int, default=6 * 3600, help="seconds until the served credentials expire")
options = parser.parse_args()

CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"

lock = threading.Lock()
stats = {"requests": 0, "container": 0, "container_refused": 0, "imds_tokens": 0, "imds_roles": 0,
         "imds_credentials": 0, "imds_refused": 0}
issued = set()


def count(key):
    with lock:
        stats[key] += 1


def timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def credentials_document(imds):
    now = datetime.datetime.now(datetime.timezone.utc)
    document = {}
    if imds:
        document.update({"Code": "Success", "LastUpdated": timestamp(now), "Type": "AWS-HMAC"})
    document.update({"AccessKeyId": options.access_key_id, "SecretAccessKey": options.secret_access_key})
    if options.session_token:
        document["Token"] = options.session_token
    document["Expiration"] = timestamp(now + datetime.timedelta(seconds=options.expires_in))
    if not imds:
        document["AccountId"] = "123456789012"
    return document


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_PUT(self):
        self.read_body()
        count("requests")
        if self.path != "/latest/api/token":
            return self.send(404, "Not Found", "text/plain")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.send(400, "Bad Request", "text/plain")
        token = "imds-" + secrets.token_urlsafe(32)
        with lock:
            issued.add(token)
        count("imds_tokens")
        self.send(200, token, "text/plain")

    def do_GET(self):
        self.read_body()
        path = self.path.partition("?")[0]
        if path == "/_stats":
            with lock:
                snapshot = dict(stats)
            return self.send(200, snapshot)
        count("requests")
        if path == "/creds":
            if options.auth_token is not None and self.headers.get("Authorization") != options.auth_token:
                count("container_refused")
                return self.send(401, {"code": "AccessDenied", "message": "Authorization header is missing or wrong"})
            count("container")
            return self.send(200, credentials_document(imds=False))
        if path.startswith("/latest/"):
            token = self.headers.get("X-aws-ec2-metadata-token")
            with lock:
                known = token in issued
            if not known:
                count("imds_refused")
                return self.send(401, "Unauthorized", "text/plain")
            if path == CREDENTIALS_PATH:
                count("imds_roles")
                return self.send(200, options.role, "text/plain")
            if path == CREDENTIALS_PATH + options.role:
                count("imds_credentials")
                return self.send(200, credentials_document(imds=True))
        self.send(404, "Not Found", "text/plain")


if __name__ == "__main__":
    loopback_server.serve(Handler, http=True)
