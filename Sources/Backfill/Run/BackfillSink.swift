import SearchClient
import TernCore

/// Where the documents of a unit go: a cluster's `_bulk`, or an ndjson file.
enum BackfillSink: Sendable {
    case cluster(BulkWriter)
    case file(FileSink)

    struct Outcome {
        var written: Int
        var alreadyNewer: Int
        var failed: Int
        /// The target index of each refused document.
        var failedIndices: [String] = []
    }

    func write(_ documents: [Document]) async throws -> Outcome {
        switch self {
        case .cluster(let writer):
            let outcome = try await writer.write(documents)
            return Outcome(
                written: outcome.written, alreadyNewer: outcome.alreadyNewer, failed: outcome.failed.count,
                failedIndices: outcome.failed.map(\.document.index))
        case .file(let sink):
            try await sink.write(documents)
            return Outcome(written: documents.count, alreadyNewer: 0, failed: 0)
        }
    }
}

/// An ndjson export file shared by the unit tasks.
actor FileSink {
    private let writer: LineFileWriter

    init(path: String) throws {
        writer = try LineFileWriter(path: path)
    }

    func write(_ documents: [Document]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(documents.reduce(0) { $0 + $1.source.count + 128 })
        for document in documents { NDJSONLine.append(document, to: &bytes) }
        try writer.write(bytes)
    }

    func close() throws {
        try writer.close()
    }
}
