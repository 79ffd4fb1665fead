import NIOCore
import TernCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `_bulk` request body: one action line and, for an `index`, the document's raw `_source` bytes per document.
///
/// Built once into one `ByteBuffer`, which is what is sent, and sent again as it is when a connection drops: sources
/// are copied into it once, never decoded (DESIGN.md, "Bytes pass through").
public struct BulkBody: Sendable {
    /// How writes are ordered against what the target already holds.
    public enum Versioning: Sendable, Hashable {
        /// Plain `index`: the last write wins.
        case none
        /// `version_type: external` with the document's `_seq_no` (else its `_version`): an older copy never
        /// overwrites a newer one, so backfill and replay may run in any order.
        case external
        /// `version_type: external_gte`: like `external`, but the same version may overwrite. Repair uses it to put
        /// the source's content over a different copy that carries the same version.
        case externalGTE
    }

    /// What the target needs in each action line.
    public struct Options: Sendable, Hashable {
        public var versioning: Versioning
        /// Elasticsearch 5.x/6.x targets want `_type`: the document's own type, else `_doc`.
        public var includeType: Bool

        public init(versioning: Versioning = .none, includeType: Bool = false) {
            self.versioning = versioning
            self.includeType = includeType
        }
    }

    public let options: Options
    /// The body so far: ndjson, ending with a newline after each document.
    public private(set) var buffer: ByteBuffer
    public private(set) var documentCount = 0

    public init(options: Options = Options(), reservingCapacity capacity: Int = 0) {
        self.options = options
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// The body, of `documents` at `positions`, in that order.
    public init(options: Options, documents: [BulkDocument], positions: [Int]) {
        let size = positions.reduce(0) { $0 + Self.estimatedSize(of: documents[$1]) }
        self.init(options: options, reservingCapacity: size)
        for position in positions { append(documents[position]) }
    }

    /// The body as an array (tests, and callers that want one).
    public var bytes: [UInt8] { Array(buffer.readableBytesView) }

    /// Appends the action line and, unless it deletes, the source line of `document`.
    public mutating func append(_ document: BulkDocument) {
        Self.writeActionLine(for: document, options: options, to: &buffer)
        if document.operation != .delete {
            Self.writeSingleLine(document.source, to: &buffer)
            buffer.writeInteger(UInt8(0x0A))
        }
        documentCount += 1
    }

    /// The version an external write carries: `_seq_no` where the source exposes it, else `_version`.
    public static func externalVersion(of document: Document) -> Int64? {
        document.seqNo ?? document.version
    }

    public static func externalVersion(of document: BulkDocument) -> Int64? {
        document.seqNo ?? document.version
    }

    /// How many bytes `document` adds to a body, for cutting batches without building them first (an upper bound
    /// unless its names need escaping).
    public static func estimatedSize(of document: BulkDocument) -> Int {
        document.source.readableBytes + document.index.utf8.count + document.id.utf8.count + (document.routing?.utf8.count ?? 0)
            + (document.type?.utf8.count ?? 0) + 140
    }

    /// `{"index":{"_index":"i","_id":"1","routing":"r","version":7,"version_type":"external"}}` and a newline
    /// (`delete` for a deletion, `create` without a version for a data stream's write).
    public static func writeActionLine(for document: BulkDocument, options: Options, to output: inout ByteBuffer) {
        switch document.operation {
        case .index: output.writeStaticString(#"{"index":{"_index":"#)
        case .delete: output.writeStaticString(#"{"delete":{"_index":"#)
        case .create: output.writeStaticString(#"{"create":{"_index":"#)
        }
        writeJSONString(document.index, to: &output)
        if options.includeType {
            output.writeStaticString(#","_type":"#)
            writeJSONString(document.type ?? "_doc", to: &output)
        }
        output.writeStaticString(#","_id":"#)
        writeJSONString(document.id, to: &output)
        if let routing = document.routing {
            // `routing`, not `_routing`: Elasticsearch 7+ refuses the underscored form and 6.x accepts both.
            output.writeStaticString(#","routing":"#)
            writeJSONString(routing, to: &output)
        }
        // A data stream takes only `create`, which only internal versioning allows.
        if options.versioning != .none, document.operation != .create, let version = externalVersion(of: document) {
            output.writeStaticString(#","version":"#)
            writeDecimal(version, to: &output)
            output.writeStaticString(
                options.versioning == .external ? #","version_type":"external""# : #","version_type":"external_gte""#)
        }
        output.writeStaticString("}}\n")
    }

    /// Writes `value` in decimal digits, without making a string of it first.
    static func writeDecimal(_ value: Int64, to output: inout ByteBuffer) {
        if value < 0 { output.writeInteger(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[buffer.count - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.writeBytes(UnsafeRawBufferPointer(rebasing: buffer[(buffer.count - count)...]))
        }
    }

    /// Writes a JSON source without its line breaks: `_bulk` reads one document per line. JSON cannot hold a raw line
    /// break inside a string, so any line break in valid JSON sits between tokens, where dropping it changes nothing.
    public static func writeSingleLine(_ source: ByteBuffer, to output: inout ByteBuffer) {
        let hasBreak = source.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return false }
            return memchr(base, 0x0A, raw.count) != nil || memchr(base, 0x0D, raw.count) != nil
        }
        if hasBreak {
            output.reserveCapacity(minimumWritableBytes: source.readableBytes)
            source.withUnsafeReadableBytes { raw in
                for byte in raw where byte != 0x0A && byte != 0x0D { output.writeInteger(byte) }
            }
        } else {
            output.writeImmutableBuffer(source)
        }
    }

    /// Writes a JSON string literal with the escapes JSON requires; names without any are written as they are.
    public static func writeJSONString(_ text: String, to output: inout ByteBuffer) {
        output.writeInteger(UInt8(ascii: "\""))
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            output.writeString(text)
        } else {
            var escaped: [UInt8] = []
            NDJSONLine.appendJSONString(text, to: &escaped)
            output.writeBytes(escaped[1..<(escaped.count - 1)])
        }
        output.writeInteger(UInt8(ascii: "\""))
    }
}
