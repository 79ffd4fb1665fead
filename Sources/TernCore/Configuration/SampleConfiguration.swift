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

        """
}
