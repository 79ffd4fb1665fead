import Foundation
import NIOCore
import SearchClient
import TernCore

/// Where the documents of a unit go: a cluster's `_bulk`, or an ndjson file.
enum BackfillSink: Sendable {
    case cluster(BulkWriter)
    case file(FileSink)

    func write(_ documents: [BulkDocument]) async throws -> BulkOutcome {
        switch self {
        case .cluster(let writer):
            return try await writer.write(documents)
        case .file(let sink):
            try await sink.write(documents)
            return BulkOutcome(written: documents.count)
        }
    }
}

/// An ndjson export file shared by the unit tasks.
actor FileSink {
    private let writer: LineFileWriter

    init(path: String) throws {
        writer = try LineFileWriter(path: path)
    }

    func write(_ documents: [BulkDocument]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(documents.reduce(0) { $0 + $1.source.readableBytes + 128 })
        for document in documents { Self.appendLine(document, to: &bytes) }
        try writer.write(bytes)
    }

    func close() throws {
        try writer.close()
    }

    /// `{"_index":...,"_type"?:...,"_id":...,"_routing"?:...,"_source":{...}}` and a newline, the source spliced in as
    /// it came, on one line (what ``NDJSONLine`` writes for a ``Document``).
    static func appendLine(_ document: BulkDocument, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"_index":"#.utf8)
        NDJSONLine.appendJSONString(document.index, to: &output)
        if let type = document.type {
            output.append(contentsOf: #","_type":"#.utf8)
            NDJSONLine.appendJSONString(type, to: &output)
        }
        output.append(contentsOf: #","_id":"#.utf8)
        NDJSONLine.appendJSONString(document.id, to: &output)
        if let routing = document.routing {
            output.append(contentsOf: #","_routing":"#.utf8)
            NDJSONLine.appendJSONString(routing, to: &output)
        }
        output.append(contentsOf: #","_source":"#.utf8)
        document.source.withUnsafeReadableBytes { source in
            let hasBreak =
                source.baseAddress.map { memchr($0, 0x0A, source.count) != nil || memchr($0, 0x0D, source.count) != nil } ?? false
            if hasBreak {
                output.append(contentsOf: source.lazy.filter { $0 != 0x0A && $0 != 0x0D })
            } else {
                output.append(contentsOf: source)
            }
        }
        output.append(contentsOf: "}\n".utf8)
    }
}
