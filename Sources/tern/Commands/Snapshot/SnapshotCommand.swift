import ArgumentParser

/// `tern snapshot`: read a snapshot repository directly, without a cluster.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Read an fs snapshot repository directly: no cluster, no JVM.",
        discussion: """
            REPO is the repository's root folder (the location registered with the cluster, or a copy of an S3, GCS or \
            Azure bucket's contents). Repositories written by Elasticsearch 5.x-9.x and OpenSearch 1.x-3.x are read (OpenSearch shallow copies hold no segments and are refused); \
            documents come from the Lucene files of each shard, live documents only.
            """,
        subcommands: [SnapshotListCommand.self, SnapshotShowCommand.self, SnapshotDocsCommand.self]
    )
}
