import NIOCore
import TernCore

/// Finds what a reader needs in a `_search`, scroll or point-in-time answer in one pass over its bytes, without building
/// a JSON tree: the cursor ids, `hits.total`, shard failures, and per hit the small fields plus the byte ranges of
/// `_source` and `sort`, so a source can be copied out exactly as the cluster sent it.
///
/// Everything it skips is still checked for JSON syntax (strings with escapes, brackets inside strings, nesting,
/// numbers, literals), so a truncated or corrupt answer throws ``Failure`` instead of yielding half a page.
public enum HitsScanner {
    /// One element of `hits.hits`. Ranges are byte offsets into the scanned buffer.
    public struct Hit: Sendable, Equatable {
        public var index: String?
        /// `_type` as sent (Elasticsearch 5.x-7.x send it; 7.x always says `_doc`).
        public var type: String?
        public var id: String?
        /// `_routing`, or `fields._routing` where older versions put it.
        public var routing: String?
        public var seqNo: Int64?
        public var primaryTerm: Int64?
        public var version: Int64?
        /// The exact bytes of the `_source` value; nil when the hit has no `_source` (or `_source: null`).
        public var source: Range<Int>?
        /// The exact bytes of the `sort` array, to send back as `search_after`.
        public var sort: Range<Int>?
        /// `found` of an `_mget` answer's document: false when the index has no such document.
        public var found: Bool?
        /// The exact bytes of an `_mget` document's `error` (its index is missing or closed, for example).
        public var error: Range<Int>?

        public init() {}
    }

    /// What one answer says.
    public struct Page: Sendable, Equatable {
        /// `_scroll_id`: the cursor for the next scroll page.
        public var scrollID: String?
        /// `pit_id`: the (possibly renewed) point-in-time id of a search, or of an OpenSearch PIT creation.
        public var pitID: String?
        /// Top-level `id`: the point-in-time id of an Elasticsearch `_pit` answer.
        public var id: String?
        /// `hits.total`, a number (6.x and older) or `{"value": n}` (7.x and later); nil when not tracked.
        public var total: Int64?
        public var timedOut = false
        /// `_shards.failed`.
        public var failedShards: Int64 = 0
        /// The bytes of `_shards.failures`, decoded only when something failed.
        public var shardFailures: Range<Int>?
        /// The elements of `hits.hits`, or of `docs` in an `_mget` answer.
        public var hits: [Hit] = []

        public init() {}

        /// Hits that carry no `_source`: their index stores none (`_source.enabled: false`), so they cannot be copied.
        public var hitsWithoutSource: Int { hits.count(where: { $0.source == nil }) }
    }

    /// Where and why the bytes stopped being a search answer.
    public typealias Failure = JSONCursorError

    /// Scans an answer held in `bytes`.
    public static func scan(_ bytes: UnsafeRawBufferPointer) throws -> Page {
        var cursor = JSONCursor(bytes)
        let page = try readPage(&cursor)
        try cursor.expectEnd()
        return page
    }

    public static func scan(_ bytes: [UInt8]) throws -> Page {
        try bytes.withUnsafeBytes { try scan($0) }
    }

    public static func scan(_ buffer: ByteBuffer) throws -> Page {
        try buffer.withUnsafeReadableBytes { try scan($0) }
    }

    /// Reads one hit object on its own, whitespace around it allowed: a line of an ndjson export has the shape of a hit.
    package static func scanHit(_ bytes: UnsafeRawBufferPointer) throws -> Hit {
        var cursor = JSONCursor(bytes)
        let hit = try readHit(&cursor)
        try cursor.expectEnd()
        return hit
    }

    /// Whether `bytes` hold exactly one JSON object (whitespace around it allowed).
    public static func isSingleObject(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var cursor = JSONCursor(raw)
            return cursor.peekIfAny() == UInt8(ascii: "{") && JSONCursor.isSingleValue(raw)
        }
    }
}

extension HitsScanner {
    // MARK: The answer's structure

    private static func readPage(_ cursor: inout JSONCursor) throws -> Page {
        var page = Page()
        try cursor.forEachMember { cursor, name in
            switch try key(name, in: cursor) {
            case .scrollID: page.scrollID = try cursor.readOptionalString()
            case .pitID: page.pitID = try cursor.readOptionalString()
            case .id: page.id = try cursor.readOptionalString()
            case .timedOut: page.timedOut = try cursor.readBool()
            case .shards: try readShards(&cursor, into: &page)
            case .hits: try readHits(&cursor, into: &page)
            case .docs: try readHitArray(&cursor, into: &page)
            default: try cursor.skipValue()
            }
        }
        return page
    }

    private static func readShards(_ cursor: inout JSONCursor, into page: inout Page) throws {
        guard try !cursor.consumeNull() else { return }
        try cursor.forEachMember { cursor, name in
            switch try key(name, in: cursor) {
            case .failed: page.failedShards = try cursor.readInt64()
            case .failures: page.shardFailures = try cursor.readRawValue()
            default: try cursor.skipValue()
            }
        }
    }

    private static func readHits(_ cursor: inout JSONCursor, into page: inout Page) throws {
        try cursor.forEachMember { cursor, name in
            switch try key(name, in: cursor) {
            case .total: page.total = try readTotal(&cursor)
            case .hits: try readHitArray(&cursor, into: &page)
            default: try cursor.skipValue()
            }
        }
    }

    /// `hits.hits` of a search, or `docs` of an `_mget` answer: an array of hit objects, or null.
    private static func readHitArray(_ cursor: inout JSONCursor, into page: inout Page) throws {
        guard try !cursor.consumeNull() else { return }
        try cursor.forEachElement { cursor in page.hits.append(try readHit(&cursor)) }
    }

    /// A number (6.x and older), `{"value": n, ...}` (7.x and later) or null.
    private static func readTotal(_ cursor: inout JSONCursor) throws -> Int64? {
        switch try cursor.peek() {
        case UInt8(ascii: "{"):
            var value: Int64?
            try cursor.forEachMember { cursor, name in
                if try key(name, in: cursor) == .value { value = try cursor.readInt64() } else { try cursor.skipValue() }
            }
            return value
        default:
            return try cursor.readOptionalInt64()
        }
    }

    private static func readHit(_ cursor: inout JSONCursor) throws -> Hit {
        var hit = Hit()
        try cursor.forEachMember { cursor, name in
            switch try key(name, in: cursor) {
            case .index: hit.index = try cursor.readOptionalString()
            case .type: hit.type = try cursor.readOptionalString()
            case .documentID: hit.id = try cursor.readOptionalString()
            case .routing: hit.routing = try cursor.readOptionalString()
            case .seqNo: hit.seqNo = try cursor.readOptionalInt64()
            case .primaryTerm: hit.primaryTerm = try cursor.readOptionalInt64()
            case .version: hit.version = try cursor.readOptionalInt64()
            case .source: hit.source = try readRawValue(&cursor)
            case .sort: hit.sort = try readRawValue(&cursor)
            case .found: hit.found = try cursor.readBool()
            case .error: hit.error = try readRawValue(&cursor)
            case .fields:
                let routing = try readRoutingField(&cursor)
                if hit.routing == nil { hit.routing = routing }
            default: try cursor.skipValue()
            }
        }
        return hit
    }

    /// `fields: {"_routing": "r"}` or `{"_routing": ["r"]}`, as Elasticsearch 5.x and older report routing.
    private static func readRoutingField(_ cursor: inout JSONCursor) throws -> String? {
        guard try !cursor.consumeNull() else { return nil }
        var routing: String?
        try cursor.forEachMember { cursor, name in
            guard try key(name, in: cursor) == .routing else { return try cursor.skipValue() }
            if try cursor.peek() == UInt8(ascii: "[") {
                var first = true
                try cursor.forEachElement { cursor in
                    if first {
                        routing = try cursor.readOptionalString()
                        first = false
                    } else {
                        try cursor.skipValue()
                    }
                }
            } else {
                routing = try cursor.readOptionalString()
            }
        }
        return routing
    }

    /// The byte range of the next value, or nil for `null`.
    private static func readRawValue(_ cursor: inout JSONCursor) throws -> Range<Int>? {
        if try cursor.consumeNull() { return nil }
        return try cursor.readRawValue()
    }

    // MARK: Keys

    /// The keys this scanner acts on; everything else is skipped.
    private enum Key {
        case scrollID, pitID, id, documentID, timedOut, shards, failed, failures, hits, total, value
        case index, type, routing, seqNo, primaryTerm, version, source, sort, fields, docs, found, error, other
    }

    private static func key(_ name: JSONCursor.ScannedString, in cursor: JSONCursor) throws -> Key {
        if name.hasEscapes {
            // No cluster escapes these names, but JSON allows it.
            let text = try cursor.decodeString(name)
            return text.utf8.withContiguousStorageIfAvailable { key(UnsafeRawBufferPointer($0)) } ?? .other
        }
        return key(cursor.rawContent(name))
    }

    private static func key(_ name: UnsafeRawBufferPointer) -> Key {
        func equals(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == name.count
                && name.elementsEqual(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }
        switch name.count {
        case 2: return equals("id") ? .id : .other
        case 3: return equals("_id") ? .documentID : .other
        case 4:
            if equals("hits") { return .hits }
            if equals("sort") { return .sort }
            if equals("docs") { return .docs }
            return .other
        case 5:
            if equals("_type") { return .type }
            if equals("total") { return .total }
            if equals("value") { return .value }
            if equals("found") { return .found }
            if equals("error") { return .error }
            return .other
        case 6:
            if equals("_index") { return .index }
            if equals("failed") { return .failed }
            if equals("fields") { return .fields }
            if equals("pit_id") { return .pitID }
            return .other
        case 7:
            if equals("_shards") { return .shards }
            if equals("_source") { return .source }
            if equals("_seq_no") { return .seqNo }
            return .other
        case 8:
            if equals("_routing") { return .routing }
            if equals("_version") { return .version }
            if equals("failures") { return .failures }
            return .other
        case 9: return equals("timed_out") ? .timedOut : .other
        case 10: return equals("_scroll_id") ? .scrollID : .other
        case 13: return equals("_primary_term") ? .primaryTerm : .other
        default: return .other
        }
    }
}
