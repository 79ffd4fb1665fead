#!/usr/bin/env python3
"""Assembles an Elasticsearch 7.10-shaped `fs` snapshot repository around one real Lucene index folder, for
bench/object-store.sh: one snapshot of one index with one shard, classic paths (indices/<id>/<shard>/).

The essentials of Tests/TernTestSupport/AssembledRepository.swift, for this one shape, checked against the repository
Elasticsearch 7.10.2 itself wrote (../shared/fixtures/snapshots/ES_7_10_Single):

  index-1, index.latest                the catalogue (plain JSON) and its generation (8 bytes, big-endian)
  snap-<uuid>.dat                      codec `snapshot`, {"snapshot":{...}}
  meta-<uuid>.dat                      codec `metadata`, {"meta-data":{...}}
  indices/<id>/meta-<blob>.dat         codec `index-metadata`, found through index_metadata_lookup and
                                       index_metadata_identifiers (7.9+)
  indices/<id>/0/snap-<uuid>.dat       codec `snapshot`: the shard's file list (checksums read from the Lucene footers)
  indices/<id>/0/index-<generation>    codec `snapshots`: the shard's generation, UUID-named (7.6+)
  indices/<id>/0/__<uuid>              one data blob per Lucene file (no chunk_size: part_size is Long.MAX_VALUE)

segments_N and .si are virtual (`v__<uuid>`, their bytes in `meta_hash`, no blob), as Elasticsearch does. Metadata
blobs carry ChecksumBlobStoreFormat's framing (Lucene codec header, version 1; footer with CRC32). Payloads are JSON
(Elasticsearch writes SMILE; the reader is tested on SMILE elsewhere) and not compressed (`compress: false`, as in the
7.10 fixture). Data blobs are hard links to the Lucene files when the two folders share a file system (copies
otherwise), so a large repository costs no extra space.

Usage: assemble_repository.py LUCENE_DIR OUT_DIR [--snapshot NAME] [--index NAME] [--manifest FILE]
OUT_DIR must not exist. The manifest (JSON) names the snapshot, the index, the shard folder and every file with its
blob (key relative to the repository root, or null for a virtual file) and length.
"""
import argparse
import base64
import json
import os
import shutil
import struct
import sys
import zlib

VERSION = "7.10.2"
VERSION_ID = 7_10_02_99
LUCENE = "8.7.0"
LONG_MAX = (1 << 63) - 1
TIME = 1_735_689_600_000

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("lucene_dir")
parser.add_argument("out_dir")
parser.add_argument("--snapshot", default="bench")
parser.add_argument("--index", default="bench")
parser.add_argument("--manifest")
options = parser.parse_args()


def uuid():
    """A base64url UUID without padding (22 characters), as Elasticsearch names blobs."""
    return base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")


def framed(codec, payload):
    """A blob as ChecksumBlobStoreFormat writes it: CodecUtil header (magic, codec name, version 1), the payload, and
    CodecUtil footer (magic, algorithm 0, CRC32 of everything before it)."""
    name = codec.encode()
    assert len(name) < 128
    body = struct.pack(">I", 0x3FD76C17) + bytes([len(name)]) + name + struct.pack(">I", 1) + payload
    body += struct.pack(">II", 0xC02893E8, 0)
    return body + struct.pack(">Q", zlib.crc32(body))


def json_bytes(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def write(relative, data):
    path = os.path.join(options.out_dir, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def blob(relative, codec, value):
    write(relative, framed(codec, json_bytes(value)))


def footer_checksum(path, length):
    """The CRC32 a Lucene file records in its last 8 bytes, base 36 as the file list writes it."""
    if length < 8:
        return "0"
    with open(path, "rb") as handle:
        handle.seek(length - 8)
        value = struct.unpack(">Q", handle.read(8))[0]
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        value, digit = divmod(value, 36)
        text = digits[digit] + text
        if value == 0:
            return text


def link_or_copy(source, relative):
    target = os.path.join(options.out_dir, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def main():
    if os.path.exists(options.out_dir):
        sys.exit(f"assemble_repository: {options.out_dir} exists")
    names = sorted(name for name in os.listdir(options.lucene_dir)
                   if name != "write.lock" and os.path.isfile(os.path.join(options.lucene_dir, name)))
    if not any(name.startswith("segments_") for name in names):
        sys.exit(f"assemble_repository: {options.lucene_dir} has no segments_N: not a Lucene index")
    os.makedirs(options.out_dir)

    snapshot_uuid = uuid()
    index_id = uuid()
    index_uuid = uuid()
    meta_blob = uuid()
    generation_blob = uuid()
    folder = f"indices/{index_id}/0"

    entries = []
    manifest_files = []
    total = 0
    for name in names:
        path = os.path.join(options.lucene_dir, name)
        length = os.path.getsize(path)
        total += length
        virtual = name.startswith("segments_") or name.endswith(".si")
        blob_name = ("v__" if virtual else "__") + uuid()
        entry = {"name": blob_name, "physical_name": name, "length": length,
                 "checksum": footer_checksum(path, length), "part_size": LONG_MAX, "written_by": LUCENE}
        if virtual:
            with open(path, "rb") as handle:
                entry["meta_hash"] = base64.b64encode(handle.read()).decode()
            key = None
        else:
            key = f"{folder}/{blob_name}"
            link_or_copy(path, key)
        entries.append(entry)
        manifest_files.append({"physical_name": name, "blob": key, "length": length})

    blob(f"{folder}/snap-{snapshot_uuid}.dat", "snapshot", {
        "name": options.snapshot, "index_version": 0, "start_time": TIME, "time": 5,
        "number_of_files": len(names), "total_size": total, "files": entries})
    blob(f"{folder}/index-{generation_blob}", "snapshots", {
        "files": entries,
        "snapshots": {options.snapshot: {"files": [entry["name"] for entry in entries], "shard_state_id": uuid()}}})

    settings = {
        "index.creation_date": str(TIME), "index.number_of_replicas": "1", "index.number_of_shards": "1",
        "index.provided_name": options.index, "index.uuid": index_uuid, "index.version.created": str(VERSION_ID),
    }
    blob(f"indices/{index_id}/meta-{meta_blob}.dat", "index-metadata", {options.index: {
        "version": 4, "mapping_version": 1, "settings_version": 1, "aliases_version": 1, "routing_num_shards": 1024,
        "state": "open", "settings": settings, "mappings": [{"_doc": {}}], "aliases": {},
        "primary_terms": {"0": 1}, "in_sync_allocations": {"0": [uuid()]}, "rollover_info": {}, "system": False}})

    blob(f"snap-{snapshot_uuid}.dat", "snapshot", {"snapshot": {
        "name": options.snapshot, "uuid": snapshot_uuid, "version_id": VERSION_ID, "indices": [options.index],
        "data_streams": [], "state": "SUCCESS", "include_global_state": True, "metadata": {}, "start_time": TIME,
        "end_time": TIME + 1000, "total_shards": 1, "successful_shards": 1, "failures": []}})
    blob(f"meta-{snapshot_uuid}.dat", "metadata", {"meta-data": {
        "version": 7, "cluster_uuid": uuid(), "cluster_uuid_committed": True, "templates": {}}})

    identifier = f"{index_uuid}-_na_-1-1-1"
    generation = 1
    write(f"index-{generation}", json_bytes({
        "snapshots": [{"name": options.snapshot, "uuid": snapshot_uuid, "state": 1,
                       "index_metadata_lookup": {index_id: identifier}, "version": VERSION}],
        "indices": {options.index: {"id": index_id, "snapshots": [snapshot_uuid],
                                    "shard_generations": [generation_blob]}},
        "min_version": "7.9.0",
        "index_metadata_identifiers": {identifier: meta_blob}}) + b"\n")
    write("index.latest", struct.pack(">Q", generation))

    repository_bytes = 0
    for root, _, files in os.walk(options.out_dir):
        repository_bytes += sum(os.path.getsize(os.path.join(root, name)) for name in files)
    manifest = {"snapshot": options.snapshot, "index": options.index, "shard_folder": folder,
                "lucene_bytes": total, "repository_bytes": repository_bytes, "files": manifest_files}
    if options.manifest:
        with open(options.manifest, "w") as handle:
            json.dump(manifest, handle, indent=1)
    print(json.dumps({key: manifest[key] for key in ("snapshot", "index", "shard_folder", "lucene_bytes",
                                                     "repository_bytes")}))


if __name__ == "__main__":
    main()
