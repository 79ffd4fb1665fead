#!/usr/bin/env bash
# Installs what Tern's tests and demo need on a fresh machine: openssl (test certificates), curl, a JDK with Lucene 8.7
# and Jackson SMILE (test data written by the real libraries), and the pinned osmem-server (an in-memory
# OpenSearch-compatible server from PyPI). Safe to run again.
set -euo pipefail

OSMEM_VERSION="0.1.6"

missing=()
for tool in openssl curl python3 zstd; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
python3 -m pip --version >/dev/null 2>&1 || missing+=("python3-pip")
command -v javac >/dev/null 2>&1 || missing+=("openjdk-17-jdk-headless")
# Real Lucene 8.7 writes the test indexes; Jackson's SMILE module writes the SMILE test documents.
[ -f /usr/share/java/lucene-core-8.7.0.jar ] || missing+=("liblucene8-java")
[ -f /usr/share/java/jackson-dataformat-smile.jar ] || missing+=("libjackson2-dataformat-smile")
# GRDB (the state store) links the system SQLite.
[ -f /usr/include/sqlite3.h ] || missing+=("libsqlite3-dev")
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

installed=$(python3 -c 'import osmem_server; print(osmem_server.__version__)' 2>/dev/null || true)
if [ "$installed" != "$OSMEM_VERSION" ]; then
  echo "setup: installing osmem-server==$OSMEM_VERSION with pip"
  python3 -m pip install --quiet --disable-pip-version-check "osmem-server==$OSMEM_VERSION"
fi
python3 -c 'import osmem_server; osmem_server.resolve_binary()' \
  || { echo "setup: osmem-server has no binary for this platform" >&2; exit 1; }
