import ArgumentParser
import SnapshotReader

/// How `tern snapshot docs` and `tern lucene docs` read and print documents.
struct DocumentReadOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the number of documents per index instead of the documents.")
    var count = false

    @Flag(name: .long, help: "Also verify the CRC32 of every Lucene file (an extra pass over the data).")
    var verify = false

    var readerOptions: SnapshotDocumentReader.Options {
        SnapshotDocumentReader.Options(verifyChecksums: verify, keepSource: !count)
    }
}
