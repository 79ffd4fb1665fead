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
                Elasticsearch 5.x-9.x or OpenSearch 1.x-3.x node (Lucene 6 to 10). Never point it at the folder of a running \
                node. Segments, and parts of large ones, are read by one thread per core, so documents come out in no fixed order.
                """)

        @Argument(help: ArgumentHelp("The Lucene index folder.", valueName: "dir"))
        var directory: String

        @Option(name: .long, help: ArgumentHelp("The index name to put in \"_index\" (default: the folder's name).", valueName: "name"))
        var indexName: String?

        @OptionGroup var reading: DocumentReadOptions

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            _ = global.makeLogger()
            let name = indexName ?? URL(fileURLWithPath: directory).lastPathComponent
            let options = reading.readerOptions
            let batches = try SnapshotErrors.translate { () throws(SnapshotReaderError) in
                try SnapshotDocumentReader.batches(luceneFolder: directory, index: name, options: options)
            }
            try await DocumentPrinter(count: reading.count, indexOrder: [name]).print(batches)
        }
    }
}
