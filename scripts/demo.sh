#!/usr/bin/env bash
# The local demo: two OpenSearch-compatible clusters on this machine, sample data in the source, and every Tern
# step that exists today run against them. Everything it starts stops when it ends.
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
  "$osmem" --addr 127.0.0.1:0 --no-stdin-watch --parent-pid $$ > "$work/$1.json" 2>/dev/null &
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

cat > "$work/tern.yml" <<YAML
source:
  endpoint: $source_url
target:
  endpoint: $target_url
YAML

step() { echo; echo "==> $*"; }
step "tern check (both clusters from tern.yml)"
(cd "$work" && "$tern" check)
step "tern check --json (what scripts read)"
(cd "$work" && "$tern" check --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"source": {k: r["source"][k] for k in ("distribution","version","document_count")}, "recommended": r["recommended"]}, indent=2))')
step "tern metadata evaluate: what the metadata migration would create and change (the target is not touched)"
(cd "$work" && "$tern" metadata evaluate)
step "tern metadata migrate: create the indices (settings, mappings, aliases) and templates, then read them back"
(cd "$work" && "$tern" metadata migrate | tail -1)
step "tern backfill: copy every document into the target (resumable; kill it and rerun to see it finish)"
(cd "$work" && "$tern" backfill)
step "tern backfill status"
(cd "$work" && "$tern" backfill status)
step "tern backfill again: external versions make the target keep what it has"
(cd "$work" && "$tern" backfill | tail -2)
step "tern validate: counts and every document compared on both sides, plus a report to attach to a change ticket"
(cd "$work" && "$tern" validate --report validation.md && echo "(report: $work/validation.md)")
step "tern proxy: clients write through it; every write is logged durably before the client gets its answer"
TERN_PROXY_TOKEN=demo-token "$tern" proxy --listen 127.0.0.1:0 --capture-dir "$work/.tern/capture" --json \
  --source "$source_url" > "$work/proxy.json" 2> "$work/proxy.log" &
proxy_pid=$!
pids+=("$proxy_pid")
for _ in $(seq 100); do
  grep -q '"listen"' "$work/proxy.json" 2>/dev/null && break
  sleep 0.1
done
proxy_url="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listen"])' "$work/proxy.json")"
echo "proxy listening on $proxy_url"
curl -sf -XPUT "$proxy_url/orders/_doc/o-live-1" -H 'Content-Type: application/json' -d '{"customer":"c7","total":12.5}' > /dev/null
curl -sf -XPOST "$proxy_url/orders/_update/o1" -H 'Content-Type: application/json' -d '{"doc":{"status":"shipped"}}' > /dev/null
curl -sf -XDELETE "$proxy_url/orders/_doc/o2" > /dev/null
curl -sf -XPOST "$proxy_url/_bulk" -H 'Content-Type: application/x-ndjson' --data-binary $'{"index":{"_index":"orders"}}\n{"customer":"c9","total":3}\n' > /dev/null
(cd "$work" && TERN_PROXY_TOKEN=demo-token "$tern" proxy status --proxy "$proxy_url")
kill "$proxy_pid"
wait "$proxy_pid" 2>/dev/null || true
step "tern replay --until-drained: apply the logged writes to the target (updates re-read from the source)"
(cd "$work" && "$tern" replay --until-drained)
step "tern validate --repair: a document deleted behind Tern's back on the target is found, copied back, and validated again"
curl -sf -XDELETE "$target_url/products/_doc/p3?refresh=true" > /dev/null
(cd "$work" && "$tern" validate --repair --index products | tail -4)
step "tern status: backfill, replay and its lag, validations"
(cd "$work" && "$tern" status)
step "tern check offline: Elasticsearch 7.10.2 (default distribution) -> OpenSearch 1.3.20"
"$tern" check --source-version elasticsearch:7.10.2 --target-version opensearch:1.3.20

fixtures="$(cd .. && pwd)/shared/fixtures/snapshots/ES_7_10_Single"
if [ -d "$fixtures" ]; then
  step "tern snapshot list / docs: a real Elasticsearch 7.10 repository, read without a cluster"
  "$tern" snapshot list "$fixtures"
  "$tern" snapshot docs "$fixtures" global_state_snapshot --count
  "$tern" snapshot docs "$fixtures" global_state_snapshot --index posts_2023_02_25
fi
echo
echo "demo: done"
