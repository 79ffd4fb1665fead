/// The commented `tern.yml` that `tern init` writes.
public enum SampleConfiguration {
    public static let text = """
        # tern.yml: the two clusters of a migration.
        # Flags override this file: --source URL and --target URL replace the endpoints below.
        # Secrets never belong in this file: use ${ENV_VAR} (or ${ENV_VAR:-default}) or a *_file key.

        source:
          # One URL, or a list under endpoints: (the others take over when the first fails).
          endpoint: http://localhost:9200
          # auth:
          #   type: basic                  # none | basic | api_key | bearer | aws_sigv4
          #   username: elastic
          #   password: ${SOURCE_PASSWORD}  # or password_file: /run/secrets/source-password
          # tls:
          #   ca_file: /etc/tern/source-ca.pem   # trust this CA (self-signed clusters)
          #   client_cert: /etc/tern/client.pem  # mutual TLS, with client_key
          #   client_key: /etc/tern/client-key.pem
          #   insecure: false                    # true skips certificate checks: test clusters only
          # timeouts:
          #   connect: 5s
          #   request: 60s
          # retries:                     # on 429/502/503/504 and broken connections
          #   max_attempts: 6
          #   initial_backoff: 200ms
          #   max_backoff: 10s

        target:
          endpoint: http://localhost:9201
          # auth:
          #   type: api_key
          #   api_key: ${TARGET_API_KEY}     # base64 of id:key, as the cluster returned it
          # Amazon OpenSearch Service or Serverless:
          # auth:
          #   type: aws_sigv4
          #   region: us-east-1
          #   service: es                    # es (managed domains) or aoss (Serverless)
          #   # credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN from the environment

        # The blue-green run (tern migrate, cutover, rollback, decommission).
        # migration:
        #   indices: [orders, logs-*, -logs-debug]   # default: every index not starting with '.'
        #   proxy: http://127.0.0.1:9400             # the tern proxy clients write through
        #   proxy_token_file: .tern/proxy.token      # or $TERN_PROXY_TOKEN
        #   sync: proxy                  # or ccr: OpenSearch's cross-cluster replication keeps the target in sync (tern ccr)
        #   state_dir: .tern
        #   capture_dir: .tern/capture
        # cutover:
        #   max_lag: 10000               # logged writes the replay may be behind when the cutover starts
        #   max_validation_age: 1h       # a passed validation this recent lets the gate compare a sample only
        #   gate_sample: 0.1             # share of documents the gate compares (1 = all)
        #   drain_timeout: 5m
        #   hooks:                       # for clients that do not go through the proxy; $TERN_SOURCE, $TERN_TARGET set
        #     switch: ["./point-dns.sh search.internal new"]
        #     rollback: ["./point-dns.sh search.internal old"]

        # In-place upgrades (tern upgrade rolling|restart|docker) act on the source cluster above.
        # upgrade:
        #   hooks:
        #     restart_node: ssh {host} 'sudo systemctl restart opensearch'   # {node} = node name, {host} = its host
        #     stop_cluster: ansible search -b -m systemd -a 'name=opensearch state=stopped'
        #     start_cluster: ansible search -b -m systemd -a 'name=opensearch state=started'
        #   compose_command: docker compose  # tern upgrade docker --apply runs "<compose_command> -f FILE down / up -d"
        #   snapshot_repository: backups     # pre-upgrade snapshot; default: the first registered repository
        #   node_timeout: 10m                # a restarted node must rejoin on the new version within this
        #   health_timeout: 30m              # back to green (yellow for one node) within this

        # Snapshot repositories in object stores, by name (--snapshot-repo NAME, tern snapshot list NAME). Without an
        # entry, s3://, gs:// and azure:// URLs use AWS_*, GOOGLE_APPLICATION_CREDENTIALS and AZURE_STORAGE_* as the
        # clouds' own tools do.
        # repositories:
        #   backups:
        #     url: s3://acme-backups/elasticsearch/prod   # BUCKET/BASE_PATH (gs://BUCKET/…, azure://CONTAINER/…)
        #     endpoint: https://minio.internal:9000       # S3-compatible stores; path_style: true when needed
        #     region: eu-west-1
        #     profile: backups                            # or access_key_id / secret_access_key: ${ENV}
        #     connections: 16

        # Many machines share one backfill with tern backfill --coordinate (docs/scale-out.md). The workers coordinate
        # through an index on the target unless this names another cluster (same keys as target:).
        # coordination:
        #   endpoint: https://ops-search:9200
        #   auth:
        #     type: basic
        #     username: tern
        #     password: ${COORDINATION_PASSWORD}

        """
}
