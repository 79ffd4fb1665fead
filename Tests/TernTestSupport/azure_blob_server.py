#!/usr/bin/env python3
"""Tern's own Azure Blob Storage server for tests: one account, one container, the blobs read from local folders.

No Azure emulator can be installed here (Azurite is npm-only), so this server answers the exchanges a snapshot reader
makes in the shapes Microsoft's Blob service REST reference documents, and checks every request independently of Tern:

  List Blobs           GET  /ACCOUNT/CONTAINER?restype=container&comp=list[&prefix=][&delimiter=][&marker=][&maxresults=]
                       (https://learn.microsoft.com/en-us/rest/api/storageservices/list-blobs): an EnumerationResults
                       document with Blobs/Blob (Name, Properties/Content-Length, ...), Blobs/BlobPrefix/Name when a
                       delimiter folds names, and NextMarker (empty on the last page). maxresults <= 0 is answered 400
                       OutOfRangeQueryParameterValue; a page holds at most min(maxresults, --page-size, 5000) entries
                       (blobs and prefixes both count), so --page-size 3 makes every listing of more than 3 paginate.
                       Markers are opaque, Azure-like ("2!NN!base64"), and carry '+', '/' and '=' when base64 does.
  Get Container Props  GET/HEAD /ACCOUNT/CONTAINER?restype=container.
  Get Blob             GET  /ACCOUNT/CONTAINER/BLOB: 200 with the whole blob, or 206 with Content-Range for x-ms-range
                       (which wins) or Range, `bytes=A-B` or `bytes=A-`; a range starting past the end is 416 InvalidRange.
  Get Blob Properties  HEAD /ACCOUNT/CONTAINER/BLOB: 200 with Content-Length and no body.

Errors are Azure's XML (<Error><Code>..</Code><Message>..RequestId:..Time:..</Message>..</Error>) with the code also in
the x-ms-error-code header (a HEAD answer has the header and no body): BlobNotFound, ContainerNotFound, InvalidUri,
AuthenticationFailed (with <AuthenticationErrorDetail>; for a Shared Key mismatch it quotes the string this server
signed, as the service does), AuthorizationPermissionMismatch, MissingRequiredHeader, InvalidHeaderValue,
InvalidQueryParameterValue, InvalidRange. The blobs are read-only: any other method is 403
AuthorizationPermissionMismatch once authenticated.

Every request is checked before it is answered:
  - x-ms-version is present and a service version of 2009-09-19 or later (else 400 MissingRequiredHeader /
    InvalidHeaderValue);
  - x-ms-date (or Date) is an RFC 1123 date within 15 minutes of this server's clock (else 403 AuthenticationFailed);
    the service requires this of Shared Key requests only, this server of every request, since Tern always sends it;
  - with an Authorization header: `SharedKey ACCOUNT:SIGNATURE` where SIGNATURE is Base64(HMAC-SHA256(key,
    StringToSign)) and StringToSign is built here from "Authorize with Shared Key"
    (https://learn.microsoft.com/en-us/rest/api/storageservices/authorize-with-shared-key), version 2009-09-19 and
    later: VERB, then Content-Encoding, Content-Language, Content-Length (empty when 0), Content-MD5, Content-Type, Date
    (empty when x-ms-date is sent), If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range, each on its
    own line; then CanonicalizedHeaders (every x-ms- header, names lowercased and sorted, runs of whitespace in values
    made one space, `name:value\\n`); then CanonicalizedResource (`/ACCOUNT` + the path exactly as sent, so the
    account appears twice with this path-style endpoint, as with the storage emulator; then for every query
    parameter, names lowercased and sorted, `\\nname:value` with the values URL-decoded, sorted and comma-joined);
  - without one, and with --sas TOKEN: the query must carry every parameter of TOKEN with the same value and no other
    SAS parameter (sv, ss, srt, sp, se, st, spr, sip, sr, sig, ...); when the token has them, `sp` must allow the
    operation (l to list, r to read), `ss` must include b, `srt` must include c to list and o to read, and `se` / `st`
    must hold the current time. The signature inside the token is not recomputed: Tern passes the token on unchanged;
  - otherwise 403 AuthenticationFailed.

Every request is recorded (method, path, raw query with a SAS `sig` value withheld, headers with lowercased names and no
Authorization value, how it authenticated, and the answer's status and error code); GET /_recorded answers the record
as a JSON list without authentication.

Usage: azure_blob_server.py --account NAME --key BASE64 --container NAME [--sas TOKEN] [--page-size N]
                            [--upload LOCAL_DIR=PREFIX ...]
Each --upload puts every file under LOCAL_DIR at the blob name PREFIX/<path relative to LOCAL_DIR> (an empty PREFIX
puts them at the container's root). Prints one JSON line when ready: {"port": N, "endpoint":
"http://127.0.0.1:N/ACCOUNT", "account": .., "container": ..}; exits when its parent process goes away.
"""
import argparse
import base64
import binascii
import datetime
import email.utils
import hashlib
import hmac
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse
import uuid
from xml.sax.saxutils import escape, quoteattr


sys.dont_write_bytecode = True  # no __pycache__ beside the Swift test sources
import loopback_server  # noqa: E402

SERVICE_MAXIMUM_RESULTS = 5000
CLOCK_SKEW = datetime.timedelta(minutes=15)
# Query parameters that belong to a shared access signature (service, account and user delegation SAS).
SAS_PARAMETERS = {"sv", "ss", "srt", "sp", "se", "st", "spr", "sip", "sr", "sig", "si", "sdd", "ses", "skoid", "sktid",
                  "skt", "ske", "sks", "skv", "saoid", "suoid", "scid", "rscc", "rscd", "rsce", "rscl", "rsct"}
STANDARD_HEADERS = ["content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
                    "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"]

parser = argparse.ArgumentParser()
parser.add_argument("--account", required=True)
parser.add_argument("--key", required=True, help="the account key, base64")
parser.add_argument("--container", required=True)
parser.add_argument("--sas", help="a SAS token's query (with or without '?') that requests may carry instead of a key")
parser.add_argument("--page-size", type=int, default=SERVICE_MAXIMUM_RESULTS,
                    help="the most entries one List Blobs page holds, whatever maxresults says")
parser.add_argument("--upload", action="append", default=[], metavar="LOCAL_DIR=PREFIX")
options = parser.parse_args()
try:
    KEY = base64.b64decode(options.key, validate=True)
except binascii.Error:
    parser.error("--key is not base64")
if options.page_size < 1:
    parser.error("--page-size must be at least 1")
SAS = urllib.parse.parse_qsl(options.sas.lstrip("?"), keep_blank_values=True) if options.sas else None

STARTED = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


class Blob:
    def __init__(self, data, serial):
        self.data = data
        self.md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
        self.etag = f'"0x8DC{serial:013X}"'
        self.created = email.utils.format_datetime(STARTED, usegmt=True)
        self.modified = self.created


def load_blobs():
    blobs = {}
    for spec in options.upload:
        directory, separator, prefix = spec.rpartition("=")
        if not separator or not os.path.isdir(directory):
            parser.error(f"--upload wants LOCAL_DIR=PREFIX with an existing LOCAL_DIR, not {spec!r}")
        prefix = prefix.strip("/")
        for root, dirs, names in os.walk(directory):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                relative = os.path.relpath(path, directory).replace(os.sep, "/")
                with open(path, "rb") as handle:
                    blobs[f"{prefix}/{relative}" if prefix else relative] = Blob(handle.read(), len(blobs) + 1)
    return blobs


BLOBS = load_blobs()
NAMES = sorted(BLOBS)
recorded = []
recorded_lock = threading.Lock()


class Refusal(Exception):
    """An error answer in Azure's shape."""

    def __init__(self, status, code, message, extra="", headers=()):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra
        self.headers = list(headers)


def authentication_failed(detail):
    return Refusal(403, "AuthenticationFailed", "Server failed to authenticate the request. Make sure the value of "
                   "Authorization header is formed correctly including the signature.",
                   f"<AuthenticationErrorDetail>{escape(detail)}</AuthenticationErrorDetail>")


def permission_mismatch():
    return Refusal(403, "AuthorizationPermissionMismatch",
                   "This request is not authorized to perform this operation using this permission.")


# --- Shared Key: "Authorize with Shared Key", version 2009-09-19 and later -------------------------------------------

def canonicalized_headers(headers):
    values = {}
    for name, value in headers:
        lowered = name.strip().lower()
        if lowered.startswith("x-ms-"):
            value = re.sub(r"\s+", " ", value.strip())
            values[lowered] = f"{values[lowered]},{value}" if lowered in values else value
    return "".join(f"{name}:{values[name]}\n" for name in sorted(values))


def canonicalized_resource(raw_path, raw_query):
    resource = f"/{options.account}{raw_path or '/'}"
    parameters = {}
    for name, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
        parameters.setdefault(name.lower(), []).append(value)
    for name in sorted(parameters):
        resource += f"\n{name}:{','.join(sorted(parameters[name]))}"
    return resource


def string_to_sign(method, raw_path, raw_query, headers):
    standard = {}
    for name, value in headers:
        lowered = name.strip().lower()
        if lowered in STANDARD_HEADERS:
            standard[lowered] = f"{standard[lowered]},{value.strip()}" if lowered in standard else value.strip()
    if standard.get("content-length") == "0":
        standard["content-length"] = ""
    if any(name.strip().lower() == "x-ms-date" for name, _ in headers):
        standard["date"] = ""
    lines = [method.upper()] + [standard.get(name, "") for name in STANDARD_HEADERS]
    return "\n".join(lines) + "\n" + canonicalized_headers(headers) + canonicalized_resource(raw_path, raw_query)


def check_shared_key(authorization, method, raw_path, raw_query, headers):
    scheme, _, credential = authorization.partition(" ")
    account, _, signature = credential.strip().rpartition(":")
    if scheme != "SharedKey" or not account or not signature:
        raise authentication_failed(f"The authorization header {scheme} is not a Shared Key header "
                                    "('SharedKey account:signature').")
    if account != options.account:
        raise authentication_failed(f"Issuer validation failed: the account {account} is not {options.account}.")
    signed = string_to_sign(method, raw_path, raw_query, headers)
    expected = base64.b64encode(hmac.new(KEY, signed.encode("utf-8"), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, signature):
        raise authentication_failed(f"The MAC signature found in the HTTP request '{signature}' is not the same as any "
                                    f"computed signature. Server used following string to sign: '{signed}'.")


# --- SAS --------------------------------------------------------------------------------------------------------------

def parse_sas_time(text):
    for layout in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return datetime.datetime.strptime(text, layout).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            continue
    raise authentication_failed(f"Signature fields not well formed: the time {text} is not ISO 8601.")


def check_sas(raw_query, operation):
    sent = {}
    for name, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
        sent.setdefault(name, []).append(value)
    token = dict(SAS)
    for name, value in SAS:
        if sent.get(name) != [value]:
            raise authentication_failed(f"Signature fields not well formed: {name} is "
                                        f"{'missing' if name not in sent else 'not the value the token holds'}.")
    for name in sent:
        if name.lower() in SAS_PARAMETERS and name not in token:
            raise authentication_failed(f"Signature fields not well formed: {name} is not part of the token.")
    if "ss" in token and "b" not in token["ss"]:
        raise permission_mismatch()
    if "srt" in token and ("c" if operation == "list" else "o") not in token["srt"]:
        raise Refusal(403, "AuthorizationResourceTypeMismatch",
                      "This request is not authorized to perform this operation using this resource type.")
    if "sp" in token and ("l" if operation == "list" else "r") not in token["sp"]:
        raise permission_mismatch()
    now = datetime.datetime.now(datetime.timezone.utc)
    start = parse_sas_time(token["st"]) if "st" in token else None
    expiry = parse_sas_time(token["se"]) if "se" in token else None
    if (start and now < start) or (expiry and now > expiry):
        raise authentication_failed(f"Signature not valid in the specified time frame: Start [{token.get('st', '')}] "
                                    f"- Expiry [{token.get('se', '')}] - Current [{now:%a, %d %b %Y %H:%M:%S GMT}]")


# --- the exchanges ----------------------------------------------------------------------------------------------------

def check_headers(headers):
    names = {name.lower(): value for name, value in headers}
    version = names.get("x-ms-version")
    if version is None:
        raise Refusal(400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified.",
                      "<HeaderName>x-ms-version</HeaderName>")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version) or version < "2009-09-19":
        raise Refusal(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format.",
                      f"<HeaderName>x-ms-version</HeaderName><HeaderValue>{escape(version)}</HeaderValue>")
    date = names.get("x-ms-date", names.get("date"))
    if date is None:
        raise authentication_failed("Request date header not specified")
    try:
        sent = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError):
        sent = None
    if sent is None or sent.tzinfo is None or not date.endswith(" GMT"):
        raise authentication_failed(f"The date header '{date}' is not an RFC 1123 date in GMT.")
    skew = datetime.datetime.now(datetime.timezone.utc) - sent
    if skew > CLOCK_SKEW:
        raise authentication_failed(f"Request date header too old: '{date}'")
    if -skew > CLOCK_SKEW:
        raise authentication_failed(f"Request date header too far in the future: '{date}'")


def make_marker(name):
    inner = base64.b64encode(f"{len(name.encode()):06d}!{name}!000028!9999-12-31T23:59:59.9999999Z!".encode()).decode()
    return f"2!{len(inner)}!{inner}"


def read_marker(marker):
    match = re.fullmatch(r"2!(\d+)!(.+)", marker)
    try:
        if not match or int(match.group(1)) != len(match.group(2)):
            raise ValueError
        inner = base64.b64decode(match.group(2), validate=True).decode()
        length, _, rest = inner.partition("!")
        name = rest.encode()[:int(length)].decode()
        if not rest.startswith(name + "!"):
            raise ValueError
        return name
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Refusal(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the "
                      "request URI is invalid.", f"<QueryParameterName>marker</QueryParameterName>"
                      f"<QueryParameterValue>{escape(marker)}</QueryParameterValue><Reason />")


def blob_properties_xml(blob):
    return ("<Properties>"
            f"<Creation-Time>{blob.created}</Creation-Time><Last-Modified>{blob.modified}</Last-Modified>"
            f"<Etag>{blob.etag.strip(chr(34))}</Etag><Content-Length>{len(blob.data)}</Content-Length>"
            "<Content-Type>application/octet-stream</Content-Type><Content-Encoding /><Content-Language />"
            f"<Content-CRC64 /><Content-MD5>{blob.md5}</Content-MD5><Cache-Control /><Content-Disposition />"
            "<BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred>"
            "<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>"
            "<ServerEncrypted>true</ServerEncrypted></Properties>")


def list_blobs(query, endpoint):
    """List Blobs: (status, headers, body)."""
    prefix = query.get("prefix", [""])[0]
    delimiter = query.get("delimiter", [""])[0]
    limit = min(options.page_size, SERVICE_MAXIMUM_RESULTS)
    if "maxresults" in query:
        text = query["maxresults"][0]
        if not re.fullmatch(r"-?\d+", text):
            raise Refusal(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the "
                          "request URI is invalid.", "<QueryParameterName>maxresults</QueryParameterName>"
                          f"<QueryParameterValue>{escape(text)}</QueryParameterValue><Reason />")
        if int(text) <= 0:
            raise Refusal(400, "OutOfRangeQueryParameterValue", "One of the query parameters specified in the request "
                          "URI is outside the permissible range.", "<QueryParameterName>maxresults"
                          f"</QueryParameterName><QueryParameterValue>{escape(text)}</QueryParameterValue>"
                          f"<MinimumAllowed>1</MinimumAllowed><MaximumAllowed>{2**31 - 1}</MaximumAllowed>")
        limit = min(limit, int(text))
    start = read_marker(query["marker"][0]) if query.get("marker", [""])[0] else None

    entries = []  # (name, Blob or None for a BlobPrefix), by name
    for name in NAMES:
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        if delimiter and delimiter in rest:
            folded = prefix + rest[:rest.index(delimiter) + len(delimiter)]
            if not entries or entries[-1][0] != folded:
                entries.append((folded, None))
        else:
            entries.append((name, BLOBS[name]))
    if start is not None:
        entries = [entry for entry in entries if entry[0] >= start]
    page, rest = entries[:limit], entries[limit:]

    body = ('<?xml version="1.0" encoding="utf-8"?>'
            f"<EnumerationResults ServiceEndpoint={quoteattr(endpoint + '/')} "
            f"ContainerName={quoteattr(options.container)}>")
    for parameter, element in (("prefix", "Prefix"), ("marker", "Marker"), ("maxresults", "MaxResults"),
                               ("delimiter", "Delimiter")):
        if parameter in query:
            body += f"<{element}>{escape(query[parameter][0])}</{element}>"
    body += "<Blobs>"
    for name, blob in page:
        if blob is None:
            body += f"<BlobPrefix><Name>{escape(name)}</Name></BlobPrefix>"
        else:
            body += f"<Blob><Name>{escape(name)}</Name>{blob_properties_xml(blob)}<OrMetadata /></Blob>"
    body += "</Blobs>"
    body += f"<NextMarker>{escape(make_marker(rest[0][0]))}</NextMarker>" if rest else "<NextMarker />"
    body += "</EnumerationResults>"
    return 200, [("Content-Type", "application/xml")], body.encode()


def blob_headers(blob):
    return [("Last-Modified", blob.modified), ("ETag", blob.etag), ("Accept-Ranges", "bytes"),
            ("Content-Type", "application/octet-stream"), ("x-ms-creation-time", blob.created),
            ("x-ms-blob-type", "BlockBlob"), ("x-ms-lease-status", "unlocked"), ("x-ms-lease-state", "available"),
            ("x-ms-server-encrypted", "true")]


def get_blob(blob, names, method):
    """Get Blob (GET) and Get Blob Properties (HEAD): (status, headers, body)."""
    size = len(blob.data)
    header, value = ("x-ms-range", names["x-ms-range"]) if "x-ms-range" in names else ("range", names.get("range"))
    if method == "HEAD" or value is None:
        return 200, blob_headers(blob) + [("Content-MD5", blob.md5)], blob.data
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", value.strip())
    if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
        if header == "range":  # a malformed standard Range header is ignored, as HTTP asks
            return 200, blob_headers(blob) + [("Content-MD5", blob.md5)], blob.data
        raise Refusal(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format.",
                      f"<HeaderName>x-ms-range</HeaderName><HeaderValue>{escape(value)}</HeaderValue>")
    first = int(match.group(1))
    last = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
    if first >= size:
        raise Refusal(416, "InvalidRange", "The range specified is invalid for the current size of the resource.",
                      headers=[("Content-Range", f"bytes */{size}")])
    return 206, blob_headers(blob) + [("Content-Range", f"bytes {first}-{last}/{size}"),
                                      ("x-ms-blob-content-md5", blob.md5)], blob.data[first:last + 1]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Windows-Azure-Blob/1.0"
    sys_version = "Microsoft-HTTPAPI/2.0"

    def log_message(self, *arguments):
        pass

    def do_GET(self):
        self.exchange()

    def do_HEAD(self):
        self.exchange()

    def do_PUT(self):
        self.exchange()

    def do_POST(self):
        self.exchange()

    def do_DELETE(self):
        self.exchange()

    def exchange(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        raw_path, _, raw_query = self.path.partition("?")
        if raw_path == "/_recorded" and self.command == "GET":
            with recorded_lock:
                data = json.dumps(recorded).encode()
            self.answer(200, [("Content-Type", "application/json")], data)
            return
        headers = list(self.headers.items())
        names = {}
        for name, value in headers:
            names[name.lower()] = f"{names[name.lower()]},{value}" if name.lower() in names else value
        record = {
            "method": self.command, "path": raw_path, "query": re.sub(r"(^|&)sig=[^&]*", r"\1sig=<withheld>", raw_query),
            "headers": {name: value for name, value in names.items() if name != "authorization"},
            "authorization": names["authorization"].partition(" ")[0] if "authorization" in names else None,
        }
        request_id = str(uuid.uuid4())
        try:
            status, answer_headers, body = self.route(raw_path, raw_query, headers, names)
            error_code = None
        except Refusal as refusal:
            status, error_code = refusal.status, refusal.code
            now = datetime.datetime.now(datetime.timezone.utc)
            body = ('<?xml version="1.0" encoding="utf-8"?>'
                    f"<Error><Code>{refusal.code}</Code><Message>{escape(refusal.message)}\nRequestId:{request_id}\n"
                    f"Time:{now:%Y-%m-%dT%H:%M:%S.%f}0Z</Message>{refusal.extra}</Error>").encode()
            answer_headers = [("Content-Type", "application/xml"), ("x-ms-error-code", refusal.code)]
            answer_headers += refusal.headers
        record["status"] = status
        record["errorCode"] = error_code
        with recorded_lock:
            recorded.append(record)
        common = [("x-ms-request-id", request_id), ("x-ms-version", names.get("x-ms-version", "2021-08-06"))]
        if "x-ms-client-request-id" in names:
            common.append(("x-ms-client-request-id", names["x-ms-client-request-id"]))
        self.answer(status, answer_headers + common, body)

    def route(self, raw_path, raw_query, headers, names):
        segments = raw_path.lstrip("/").split("/", 2)
        account = segments[0]
        container = urllib.parse.unquote(segments[1]) if len(segments) > 1 else ""
        blob_name = urllib.parse.unquote(segments[2]) if len(segments) > 2 else ""
        query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        if account != options.account or not container:
            raise Refusal(400, "InvalidUri", "The requested URI does not represent any resource on the server.")
        check_headers(headers)
        if blob_name:
            operation = "read"
        elif query.get("restype") == ["container"] and query.get("comp") == ["list"]:
            operation = "list"
        elif query.get("restype") == ["container"] and "comp" not in query:
            operation = "container"
        else:
            raise Refusal(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the "
                          "request URI is invalid.", "<QueryParameterName>comp</QueryParameterName>"
                          f"<QueryParameterValue>{escape(','.join(query.get('comp', [])))}</QueryParameterValue>"
                          "<Reason />")
        if "authorization" in names:
            check_shared_key(names["authorization"], self.command, raw_path, raw_query, headers)
        elif SAS is not None:
            check_sas(raw_query, "list" if operation == "list" else "read")
        else:
            raise authentication_failed("No Authorization header and no shared access signature in the query.")
        if self.command not in ("GET", "HEAD") or (operation == "list" and self.command != "GET"):
            raise permission_mismatch()
        if container != options.container:
            raise Refusal(404, "ContainerNotFound", "The specified container does not exist.")
        if operation == "list":
            return list_blobs(query, f"http://{self.headers.get('Host', '127.0.0.1')}/{options.account}")
        if operation == "container":
            return 200, [("Last-Modified", email.utils.format_datetime(STARTED, usegmt=True)),
                         ("ETag", '"0x8DC0000000000000"'), ("x-ms-lease-status", "unlocked"),
                         ("x-ms-lease-state", "available"), ("x-ms-has-immutability-policy", "false"),
                         ("x-ms-has-legal-hold", "false")], b""
        blob = BLOBS.get(blob_name)
        if blob is None:
            raise Refusal(404, "BlobNotFound", "The specified blob does not exist.")
        return get_blob(blob, names, self.command)

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


if __name__ == "__main__":
    try:
        loopback_server.serve(
            Handler, announce=lambda port: {"endpoint": f"http://127.0.0.1:{port}/{options.account}", "account": options.account,
                                            "container": options.container})
    except KeyboardInterrupt:
        sys.exit(0)
