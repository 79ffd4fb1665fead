import ArgumentParser
import Foundation
import SnapshotReader
import TernCore

/// `tern lucene docs DIR`: rescue documents from a Lucene index folder.
struct LuceneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lucene",
        abstract: "Read a Lucene index folder directly, for example a shard of a node that will not start.",
        subcommands: [Docs.self])

    struct Docs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "docs",
            abstract: "Print every live document of a Lucene index folder as ndjson.",
            discussion: """
                DIR is the folder holding segments_N, such as <data>/nodes/0/indices/<index-uuid>/<shard>/index of a stopped \
                Elasticsearch 5.x-7.x or OpenSearch 1.x node. Never point it at the folder of a running node.
                """)

        @Argument(help: ArgumentHelp("The Lucene index folder.", valueName: "dir"))
        var directory: String

        @Option(name: .long, help: ArgumentHelp("The index name to put in \"_index\" (default: the folder's name).", valueName: "name"))
        var indexName: String?

        @Flag(name: .long, help: "Print the number of documents instead of the documents.")
        var count = false

        @Flag(name: .long, help: "Also verify the CRC32 of every file (an extra pass over the data).")
        var verify = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            _ = global.makeLogger()
            let name = indexName ?? URL(fileURLWithPath: directory).lastPathComponent
            let options = SnapshotDocumentReader.Options(verifyChecksums: verify, keepSource: !count)
            let batches = SnapshotDocumentReader.batches(luceneFolder: directory, index: name, options: options)
            try await DocumentPrinter(count: count, indexOrder: [name]).print(batches)
        }
    }
}
