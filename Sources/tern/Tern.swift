import ArgumentParser
import TernCore

/// The root command.
struct Tern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Move search data between clusters: Elasticsearch to OpenSearch, OpenSearch to a newer OpenSearch.",
        discussion: """
            Tern runs a blue-green upgrade end to end: check both clusters, copy metadata, copy every document, keep the \
            target in sync, validate, cut over, roll back, decommission; and it plans and runs in-place upgrades (rolling, \
            restart, Docker Compose). It also reads snapshots and Lucene folders without a cluster.

            Start with:
              tern init                                   write a commented tern.yml
              tern check                                  check the clusters in tern.yml
              tern metadata evaluate                      preview the metadata migration
              tern metadata migrate                       copy templates, indices, aliases
              tern backfill                               copy every document, resumably
              tern proxy --listen 0.0.0.0:9300            point clients here: every write is logged
              tern replay                                 apply the logged writes to the target
              tern ccr plan                               or, OpenSearch to OpenSearch: cross-cluster replication
              tern validate                               compare every document, counts and queries
              tern compare-reads --read-log .tern/reads   repeat the reads the proxy logged on the target
              tern migrate                                all of the above in one resumable command, from tern.yml
              tern cutover --dry-run                      the switch plan and each gate's answer; then tern cutover
              tern rollback                               clients back on the source, with the target's writes
              tern status                                 phase, steps, backfill, replay lag, validations, proxy
              tern upgrade plan --to opensearch:2.19.1    or upgrade in place: rolling, restart, docker
              tern check --source-version es-oss:7.10.2 --target-version os:2.19.1

            Exit codes: 0 ok, 1 failed checks or differences, 2 usage or configuration error, 3 cluster unreachable or \
            credentials refused.
            """,
        version: TernVersion.current,
        subcommands: [
            CheckCommand.self, InitCommand.self, MetadataCommand.self, BackfillCommand.self, ProxyCommand.self, ReplayCommand.self,
            ValidateCommand.self, CompareReadsCommand.self, MigrateCommand.self, CutoverCommand.self, RollbackCommand.self,
            DecommissionCommand.self,
            CCRCommand.self, StatusCommand.self, UpgradeCommand.self, SnapshotCommand.self, LuceneCommand.self,
        ]
    )
}
