import ArgumentParser
import TernCore

/// The root command.
struct Tern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Move search data between clusters: Elasticsearch to OpenSearch, OpenSearch to a newer OpenSearch.",
        discussion: """
            Tern runs a blue-green upgrade end to end: check both clusters, copy metadata, copy every document, keep the \
            target in sync, validate, cut over. Today: check, metadata, backfill, validate, and reading snapshots and Lucene folders.

            Start with:
              tern init                                   write a commented tern.yml
              tern check                                  check the clusters in tern.yml
              tern metadata evaluate                      preview the metadata migration
              tern metadata migrate                       copy templates, indices, aliases
              tern backfill                               copy every document, resumably
              tern validate                               compare every document, counts and queries
              tern check --source-version es-oss:7.10.2 --target-version os:2.19.1

            Exit codes: 0 ok, 1 failed checks or differences, 2 usage or configuration error, 3 cluster unreachable or \
            credentials refused.
            """,
        version: TernVersion.current,
        subcommands: [
            CheckCommand.self, InitCommand.self, MetadataCommand.self, BackfillCommand.self, ValidateCommand.self, SnapshotCommand.self,
            LuceneCommand.self,
        ]
    )
}
