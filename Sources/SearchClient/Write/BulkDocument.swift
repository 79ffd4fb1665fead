import NIOCore
import TernCore

/// One document on its way to `_bulk`: what its action line says, and its `_source` as the bytes that arrived.
///
/// The source is a `ByteBuffer`: for a live read, a slice of the search answer it came in (slices share the answer's
/// storage, nothing is copied); it is copied once, into the body that sends it, and a body that is sent again is the
/// same buffer (DESIGN.md, "Bytes pass through").
public struct BulkDocument: Sendable, Equatable {
    /// The index the document is written to.
    public var index: String
    public var id: String
    /// The mapping type of Elasticsearch 5.x/6.x indices (`_doc`, or a custom name); nil for typeless indices.
    public var type: String?
    public var routing: String?
    /// `_seq_no` where the source exposes it (Elasticsearch 6+), for external versioning.
    public var seqNo: Int64?
    public var primaryTerm: Int64?
    public var version: Int64?
    /// `_source` as JSON bytes, exactly as read.
    public var source: ByteBuffer
    public var operation: Document.Operation

    public init(
        index: String, id: String, type: String? = nil, routing: String? = nil, seqNo: Int64? = nil, primaryTerm: Int64? = nil,
        version: Int64? = nil, source: ByteBuffer, operation: Document.Operation = .index
    ) {
        self.index = index
        self.id = id
        self.type = type
        self.routing = routing
        self.seqNo = seqNo
        self.primaryTerm = primaryTerm
        self.version = version
        self.source = source
        self.operation = operation
    }

    /// `document` with its source copied into a buffer of its own.
    public init(_ document: Document) {
        self.init(
            index: document.index, id: document.id, type: document.type, routing: document.routing, seqNo: document.seqNo,
            primaryTerm: document.primaryTerm, version: document.version, source: ByteBuffer(bytes: document.source),
            operation: document.operation)
    }

    /// The same document with its source copied into an array, for code that works on ``Document``s.
    public var document: Document {
        Document(
            index: index, id: id, type: type, routing: routing, seqNo: seqNo, primaryTerm: primaryTerm, version: version,
            source: Array(source.readableBytesView), operation: operation)
    }

    /// `documents`, their sources copied once into one buffer that each document holds a slice of: one allocation for
    /// the page instead of one per document.
    public static func page(_ documents: [Document]) -> [BulkDocument] {
        var storage = ByteBufferAllocator().buffer(capacity: documents.reduce(0) { $0 + $1.source.count })
        // All bytes first: writing into a buffer that slices already share would copy it.
        for document in documents { storage.writeBytes(document.source) }
        var page: [BulkDocument] = []
        page.reserveCapacity(documents.count)
        var start = storage.readerIndex
        for document in documents {
            page.append(
                BulkDocument(
                    index: document.index, id: document.id, type: document.type, routing: document.routing, seqNo: document.seqNo,
                    primaryTerm: document.primaryTerm, version: document.version,
                    source: storage.getSlice(at: start, length: document.source.count)!, operation: document.operation))
            start += document.source.count
        }
        return page
    }
}
