#!/usr/bin/env python3
"""A fake Google token endpoint and metadata server, and a gate that lets only its tokens through to a Cloud Storage
emulator (fake-gcs-server, which checks no credentials), for Tern's Google credential tests.

  - POST /token: the service-account JWT bearer grant (RFC 7523) as Google's token endpoint takes it. The form body must
    have grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and an assertion that is an RS256 JWT whose signature
    verifies with --public-key (a PEM file), whose "aud" is this endpoint's own URL (http://127.0.0.1:N/token), whose
    "iss" is --client-email, whose "scope" includes devstorage.read_only, and whose "exp" is in the future (and "iat"
    not after it). Answers {"access_token": <random>, "expires_in": 3600, "token_type": "Bearer"}, or 400 with
    {"error": "invalid_grant", "error_description": <why>} as Google does.
  - GET /computeMetadata/v1/instance/service-accounts/default/token: the metadata server's token (GCE_METADATA_HOST),
    only with `Metadata-Flavor: Google` (else 403), same answer.
  - GET /_stats: the counters as JSON (token_requests, grants_refused, metadata_requests, metadata_refused,
    tokens_issued, forwarded, unauthorized).
  - Anything else must carry `Authorization: Bearer <a token issued here>`, else it is answered 401 with Google's JSON
    error; it is then forwarded to --upstream (Host header unchanged, hop-by-hop headers dropped) and the upstream's
    answer sent back.

Signatures are checked with the `cryptography` package when it is installed (moto depends on it), else with
`openssl dgst -sha256 -verify`.

Usage: google_token_server.py --upstream http://127.0.0.1:PORT --client-email EMAIL --public-key FILE
Prints {"port": N} on one line when ready; exits when its parent process goes away.
"""
import argparse
import base64
import http.client
import http.server
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
import urllib.parse

import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the Swift test sources
import loopback_server  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection",
              "proxy-authorization", "proxy-authenticate", "expect"}
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
READ_ONLY_SCOPE = "https://www.googleapis.com/auth/devstorage.read_only"
METADATA_TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"

parser = argparse.ArgumentParser()
parser.add_argument("--upstream", required=True)
parser.add_argument("--client-email", required=True)
parser.add_argument("--public-key", required=True, help="a PEM file with the service account's public key")
options = parser.parse_args()
upstream = urllib.parse.urlsplit(options.upstream)
if upstream.scheme != "http" or not upstream.hostname or not upstream.port:
    parser.error("--upstream wants http://HOST:PORT")
with open(options.public_key, "rb") as handle:
    PUBLIC_KEY_PEM = handle.read()

lock = threading.Lock()
stats = {"token_requests": 0, "grants_refused": 0, "metadata_requests": 0, "metadata_refused": 0, "tokens_issued": 0,
         "forwarded": 0, "unauthorized": 0}
issued = set()
token_url = None  # http://127.0.0.1:N/token, set once the port is known


def count(key):
    with lock:
        stats[key] += 1


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature_verifies(signing_input, signature):
    """RSASSA-PKCS1-v1_5 with SHA-256 over `signing_input`, checked with the public key."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
    except ImportError:
        return openssl_verifies(signing_input, signature)
    key = serialization.load_pem_public_key(PUBLIC_KEY_PEM)
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        return True
    except InvalidSignature:
        return False


def openssl_verifies(signing_input, signature):
    with tempfile.TemporaryDirectory() as folder:
        signature_path = os.path.join(folder, "signature")
        with open(signature_path, "wb") as handle:
            handle.write(signature)
        result = subprocess.run(["openssl", "dgst", "-sha256", "-verify", options.public_key, "-signature",
                                 signature_path], input=signing_input, capture_output=True)
        return result.returncode == 0


def refusal_of(assertion):
    """Why the assertion is refused, or None when it is good."""
    parts = assertion.split(".")
    if len(parts) != 3:
        return "the assertion is not a JWT of three parts"
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        return "the assertion's parts are not base64url JSON"
    if header.get("alg") != "RS256":
        return f"the JWT's alg is {header.get('alg')!r}, not RS256"
    if not signature_verifies((parts[0] + "." + parts[1]).encode(), signature):
        return "Invalid JWT Signature."
    if claims.get("aud") != token_url:
        return f"Invalid JWT: the audience {claims.get('aud')!r} is not {token_url}"
    if claims.get("iss") != options.client_email:
        return f"Invalid JWT: the issuer {claims.get('iss')!r} is not {options.client_email}"
    scopes = str(claims.get("scope", "")).split()
    if READ_ONLY_SCOPE not in scopes:
        return f"Invalid JWT: the scope {claims.get('scope')!r} lacks {READ_ONLY_SCOPE}"
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int) or exp <= now:
        return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe"
    if not isinstance(iat, int) or iat > now + 60 or iat >= exp:
        return "Invalid JWT: the iat is in the future or not before exp"
    return None


def issue():
    token = "ya29.test-" + secrets.token_urlsafe(32)
    with lock:
        issued.add(token)
        stats["tokens_issued"] += 1
    return {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def setup(self):
        super().setup()
        self.upstream = loopback_server.Upstream(upstream)

    def finish(self):
        self.upstream.close()
        super().finish()

    def send(self, status, document, headers=()):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self):
        self.handle_any()

    def do_GET(self):
        self.handle_any()

    def do_HEAD(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def handle_any(self):
        body = self.read_body()
        path = self.path.partition("?")[0]
        if path == "/_stats" and self.command == "GET":
            with lock:
                snapshot = dict(stats)
            return self.send(200, snapshot)
        if path == "/token" and self.command == "POST":
            return self.token(body)
        if path == METADATA_TOKEN_PATH and self.command == "GET":
            count("metadata_requests")
            if self.headers.get("Metadata-Flavor") != "Google":
                count("metadata_refused")
                return self.send(403, {"error": "Missing Metadata-Flavor:Google header."})
            return self.send(200, issue())
        self.forward(body)

    def token(self, body):
        count("token_requests")
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        grant = form.get("grant_type", [""])[0]
        if grant != GRANT_TYPE:
            count("grants_refused")
            return self.send(400, {"error": "unsupported_grant_type",
                                   "error_description": f"Invalid grant_type: {grant}"})
        why = refusal_of(form.get("assertion", [""])[0])
        if why is not None:
            count("grants_refused")
            return self.send(400, {"error": "invalid_grant", "error_description": why})
        self.send(200, issue())

    def forward(self, body):
        authorization = self.headers.get("Authorization", "")
        scheme, _, token = authorization.partition(" ")
        with lock:
            known = scheme.lower() == "bearer" and token in issued
        if not known:
            count("unauthorized")
            message = "Anonymous caller does not have storage.objects.list access to the Google Cloud Storage bucket." \
                if not authorization else "Invalid Credentials"
            error = {"error": {"code": 401, "message": message,
                               "errors": [{"message": message, "domain": "global", "reason": "required"
                                           if not authorization else "authError"}]}}
            return self.send(401, error, [("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"')])
        count("forwarded")
        sent = [(name, value) for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP]
        try:
            status, reason, headers, data = self.upstream.request(self.command, self.path, sent, body)
        except (http.client.HTTPException, OSError) as error:
            return self.send(502, {"error": {"code": 502, "message": f"the upstream failed: {error}"}})
        self.send_response(status, reason)
        for name, value in headers:
            # Content-Length is set below; Date and Server come from send_response.
            if name.lower() not in HOP_BY_HOP and name.lower() not in ("content-length", "date", "server"):
                self.send_header(name, value)
        if self.command != "HEAD" and status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        else:
            self.send_header("Content-Length", dict((k.lower(), v) for k, v in headers).get("content-length", "0"))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def bound(port):
    global token_url
    token_url = f"http://127.0.0.1:{port}/token"


if __name__ == "__main__":
    loopback_server.serve(Handler, on_bind=bound)
