import TernCore

/// Turns Lucene stored fields into Elasticsearch documents: `_id` (6.x+) or `_uid` (5.x, `type#id`), `_routing` and
/// `_source` (converted to JSON when it is SMILE). Lucene documents without a source (nested children, delete
/// tombstones) are not Elasticsearch documents and are skipped.
struct ElasticsearchDocumentVisitor: StoredFieldVisitor {
    let index: String
    /// The mapping type of a 6.x index (5.x documents carry theirs in `_uid`).
    let type: String?
    /// Where the documents come from, for errors (`shard 0 of index logs in snapshot s1`).
    let location: String
    /// When false, sources are not kept (counting only).
    let keepSource: Bool
    let batchSize: Int
    let emit: ([Document]) -> Bool

    private(set) var batch: [Document] = []
    private(set) var count = 0
    private(set) var skippedWithoutSource = 0
    private var id: String?
    private var uidType: String?
    private var routing: String?
    private var source: [UInt8]?
    private var hasSource = false

    init(index: String, type: String?, location: String, keepSource: Bool, batchSize: Int, emit: @escaping ([Document]) -> Bool) {
        self.index = index
        self.type = type
        self.location = location
        self.keepSource = keepSource
        self.batchSize = batchSize
        self.emit = emit
        batch.reserveCapacity(batchSize)
    }

    /// Thrown to stop reading when the consumer has gone away.
    struct Stopped: Error {}

    func wantsField(_ field: FieldInfo) -> Bool {
        switch field.name {
        case "_id", "_uid", "_routing": true
        case "_source": true
        default: false
        }
    }

    mutating func beginDocument(segment: Int, docID: Int32) throws {
        id = nil
        uidType = nil
        routing = nil
        source = nil
        hasSource = false
    }

    mutating func visitField(_ field: FieldInfo, value: StoredFieldValue) throws {
        switch (field.name, value) {
        case ("_id", .bytes(let bytes)):
            id = try ElasticsearchID.decode(bytes, source: "\(location): _id")
        case ("_id", .string(let text)):
            id = String(decoding: text, as: UTF8.self)
        case ("_uid", .string(let text)), ("_uid", .bytes(let text)):
            let uid = String(decoding: text, as: UTF8.self)
            guard let hash = uid.firstIndex(of: "#") else {
                throw SnapshotReaderError.corrupt(location, at: 0, "a _uid without a type separator: \(uid)")
            }
            uidType = String(uid[..<hash])
            id = String(uid[uid.index(after: hash)...])
        case ("_routing", .string(let text)), ("_routing", .bytes(let text)):
            routing = String(decoding: text, as: UTF8.self)
        case ("_source", .bytes(let bytes)):
            hasSource = true
            if keepSource {
                source = try XContent.json(from: bytes, name: "\(location): _source of \(id ?? "a document")")
            }
        default:
            return
        }
    }

    mutating func endDocument() throws {
        guard hasSource, let id else {
            skippedWithoutSource += 1
            return
        }
        batch.append(Document(index: index, id: id, type: uidType ?? type, routing: routing, source: source ?? []))
        count += 1
        if batch.count >= batchSize { try flush() }
    }

    /// Hands over what is collected.
    mutating func flush() throws {
        guard !batch.isEmpty else { return }
        let full = batch
        batch.removeAll(keepingCapacity: true)
        guard emit(full) else { throw Stopped() }
    }
}
