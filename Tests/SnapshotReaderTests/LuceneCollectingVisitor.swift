@testable import SnapshotReader

/// Collects what the reader returns in the shape of the generator's expectations.
struct LuceneCollectingVisitor: StoredFieldVisitor {
    /// A live document as the Swift reader returns it; `source` stays bytes for a byte-exact comparison.
    struct Document: Equatable {
        var seg: String
        var doc: Int
        var id: String
        var routing: String?
        var source: [UInt8]
        var stored: [String: String]
    }

    var segmentNames: [String]
    var documents: [Document] = []
    private var current: Document?

    init(segmentNames: [String]) {
        self.segmentNames = segmentNames
    }

    mutating func beginDocument(segment: Int, docID: Int32) throws {
        current = Document(seg: segmentNames[segment], doc: Int(docID), id: "", routing: nil, source: [], stored: [:])
    }

    mutating func visitField(_ field: FieldInfo, value: StoredFieldValue) throws {
        switch (field.name, value) {
        case ("_id", .bytes(let bytes)): current?.id = try ElasticsearchID.decode(bytes)
        case ("_source", .bytes(let bytes)): current?.source = Array(bytes)
        case ("_routing", .string(let text)): current?.routing = String(decoding: text, as: UTF8.self)
        case (let name, .string(let text)): current?.stored[name] = "string:" + String(decoding: text, as: UTF8.self)
        case (let name, .bytes(let bytes)): current?.stored[name] = "bytes:\(bytes.count)"
        case (let name, .int(let number)): current?.stored[name] = "int:\(number)"
        case (let name, .long(let number)): current?.stored[name] = "long:\(number)"
        case (let name, .float(let number)): current?.stored[name] = "float:\(number.bitPattern)"
        case (let name, .double(let number)): current?.stored[name] = "double:\(number.bitPattern)"
        }
    }

    mutating func endDocument() throws {
        if let current { documents.append(current) }
        current = nil
    }
}

/// Reads every live document of an index with the Swift reader.
func readAllLuceneDocuments(_ reader: LuceneIndexReader) throws -> [LuceneCollectingVisitor.Document] {
    var visitor = LuceneCollectingVisitor(segmentNames: reader.segments.map(\.name))
    for segment in reader.segments.indices {
        try reader.visitLiveDocuments(segment: segment, visitor: &visitor)
    }
    return visitor.documents
}
