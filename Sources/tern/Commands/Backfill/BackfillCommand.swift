import ArgumentParser

/// `tern backfill`: copy every document to the target.
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Copy every document from a cluster, snapshot, Lucene folder or file into the target — resumable, lossless.",
        discussion: """
            The work is cut into units (index slices of a live source, shards of a snapshot); each unit is recorded in the \
            state folder (.tern/) only after the target acknowledged all of its documents. Kill it at any moment and run \
            the same command again: it finishes the job. Writes keep _id and routing and, from live sources, carry the \
            source's _seq_no as an external version, so an older copy never overwrites a newer one.
            """,
        subcommands: [BackfillRunCommand.self, BackfillStatusCommand.self],
        defaultSubcommand: BackfillRunCommand.self
    )
}
