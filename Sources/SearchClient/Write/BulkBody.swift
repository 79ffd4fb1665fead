import TernCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `_bulk` request body: one `index` action line and the document's raw `_source` bytes per document.
///
/// Sources are copied, never decoded: that is where the writer's speed comes from (DESIGN.md, "Bytes pass through").
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
    public private(set) var bytes: [UInt8] = []
    public private(set) var documentCount = 0

    public init(options: Options = Options(), reservingCapacity capacity: Int = 0) {
        self.options = options
        bytes.reserveCapacity(capacity)
    }

    /// Appends the action line and, for an `index` operation, the source line of `document`.
    public mutating func append(_ document: Document) {
        Self.appendActionLine(for: document, options: options, to: &bytes)
        if document.operation == .index {
            NDJSONLine.appendSingleLine(document.source, to: &bytes)
            bytes.append(0x0A)
        }
        documentCount += 1
    }

    /// The version an external write carries: `_seq_no` where the source exposes it, else `_version`.
    public static func externalVersion(of document: Document) -> Int64? {
        document.seqNo ?? document.version
    }

    /// How many bytes `document` adds to a body, for cutting batches without building them first (an upper bound
    /// unless its names need escaping).
    public static func estimatedSize(of document: Document) -> Int {
        document.source.count + document.index.utf8.count + document.id.utf8.count + (document.routing?.utf8.count ?? 0)
            + (document.type?.utf8.count ?? 0) + 140
    }

    /// `{"index":{"_index":"i","_id":"1","routing":"r","version":7,"version_type":"external"}}` and a newline
    /// (`delete` for a deletion).
    public static func appendActionLine(for document: Document, options: Options, to output: inout [UInt8]) {
        output.append(contentsOf: document.operation == .delete ? #"{"delete":{"_index":"#.utf8 : #"{"index":{"_index":"#.utf8)
        NDJSONLine.appendJSONString(document.index, to: &output)
        if options.includeType {
            output.append(contentsOf: #","_type":"#.utf8)
            NDJSONLine.appendJSONString(document.type ?? "_doc", to: &output)
        }
        output.append(contentsOf: #","_id":"#.utf8)
        NDJSONLine.appendJSONString(document.id, to: &output)
        if let routing = document.routing {
            // `routing`, not `_routing`: Elasticsearch 7+ refuses the underscored form and 6.x accepts both.
            output.append(contentsOf: #","routing":"#.utf8)
            NDJSONLine.appendJSONString(routing, to: &output)
        }
        if options.versioning != .none, let version = externalVersion(of: document) {
            output.append(contentsOf: #","version":"#.utf8)
            output.append(contentsOf: String(version).utf8)
            output.append(
                contentsOf: options.versioning == .external ? #","version_type":"external""#.utf8 : #","version_type":"external_gte""#.utf8)
        }
        output.append(contentsOf: "}}\n".utf8)
    }
}
