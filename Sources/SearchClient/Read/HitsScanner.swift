import NIOCore

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
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Scans an answer held in `bytes`.
    public static func scan(_ bytes: UnsafeRawBufferPointer) throws -> Page {
        var cursor = Cursor(bytes)
        let page = try cursor.readPage()
        return page
    }

    public static func scan(_ bytes: [UInt8]) throws -> Page {
        try bytes.withUnsafeBytes { try scan($0) }
    }

    public static func scan(_ buffer: ByteBuffer) throws -> Page {
        try buffer.withUnsafeReadableBytes { try scan($0) }
    }

    /// Whether `bytes` hold exactly one JSON object (whitespace around it allowed).
    public static func isSingleObject(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var cursor = Cursor(raw)
            guard (try? cursor.peek()) == UInt8(ascii: "{"), (try? cursor.skipValue()) != nil else { return false }
            cursor.skipWhitespace()
            return cursor.position == raw.count
        }
    }
}

extension HitsScanner {
    /// A forward-only position in the bytes. Every read is bounds-checked; running off the end throws.
    struct Cursor {
        private let bytes: UnsafeRawBufferPointer
        private(set) var position = 0
        /// Open containers while skipping a value: reused so skipping allocates nothing per hit.
        private var openContainers: [UInt8] = []

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            openContainers.reserveCapacity(32)
        }

        // MARK: The answer's structure

        mutating func readPage() throws -> Page {
            var page = Page()
            try expect(UInt8(ascii: "{"))
            try readMembers { cursor, key in
                switch key {
                case .scrollID: page.scrollID = try cursor.readOptionalString()
                case .pitID: page.pitID = try cursor.readOptionalString()
                case .id: page.id = try cursor.readOptionalString()
                case .timedOut: page.timedOut = try cursor.readBool()
                case .shards: try cursor.readShards(into: &page)
                case .hits: try cursor.readHits(into: &page)
                case .docs: try cursor.readHitArray(into: &page)
                default: try cursor.skipValue()
                }
            }
            skipWhitespace()
            guard position == bytes.count else { throw failure("unexpected bytes after the answer") }
            return page
        }

        private mutating func readShards(into page: inout Page) throws {
            guard try consumeNull() == false else { return }
            try expect(UInt8(ascii: "{"))
            try readMembers { cursor, key in
                switch key {
                case .failed: page.failedShards = try cursor.readInteger()
                case .failures:
                    cursor.skipWhitespace()
                    let start = cursor.position
                    try cursor.skipValue()
                    page.shardFailures = start..<cursor.position
                default: try cursor.skipValue()
                }
            }
        }

        private mutating func readHits(into page: inout Page) throws {
            try expect(UInt8(ascii: "{"))
            try readMembers { cursor, key in
                switch key {
                case .total: page.total = try cursor.readTotal()
                case .hits: try cursor.readHitArray(into: &page)
                default: try cursor.skipValue()
                }
            }
        }

        /// `hits.hits` of a search, or `docs` of an `_mget` answer: an array of hit objects, or null.
        private mutating func readHitArray(into page: inout Page) throws {
            guard try consumeNull() == false else { return }
            try expect(UInt8(ascii: "["))
            if try consume(UInt8(ascii: "]")) { return }
            repeat {
                page.hits.append(try readHit())
            } while try nextElement(closing: UInt8(ascii: "]"))
        }

        private mutating func readTotal() throws -> Int64? {
            switch try peek() {
            case UInt8(ascii: "{"):
                position += 1
                var value: Int64?
                try readMembers { cursor, key in
                    if key == .value { value = try cursor.readInteger() } else { try cursor.skipValue() }
                }
                return value
            case UInt8(ascii: "n"):
                try readLiteral("null")
                return nil
            default:
                return try readInteger()
            }
        }

        private mutating func readHit() throws -> Hit {
            var hit = Hit()
            try expect(UInt8(ascii: "{"))
            try readMembers { cursor, key in
                switch key {
                case .index: hit.index = try cursor.readOptionalString()
                case .type: hit.type = try cursor.readOptionalString()
                case .documentID: hit.id = try cursor.readOptionalString()
                case .routing: hit.routing = try cursor.readOptionalString()
                case .seqNo: hit.seqNo = try cursor.readOptionalInteger()
                case .primaryTerm: hit.primaryTerm = try cursor.readOptionalInteger()
                case .version: hit.version = try cursor.readOptionalInteger()
                case .source: hit.source = try cursor.readRawValue()
                case .sort: hit.sort = try cursor.readRawValue()
                case .found: hit.found = try cursor.readBool()
                case .error: hit.error = try cursor.readRawValue()
                case .fields:
                    let routing = try cursor.readRoutingField()
                    if hit.routing == nil { hit.routing = routing }
                default: try cursor.skipValue()
                }
            }
            return hit
        }

        /// `fields: {"_routing": "r"}` or `{"_routing": ["r"]}`, as Elasticsearch 5.x and older report routing.
        private mutating func readRoutingField() throws -> String? {
            guard try consumeNull() == false else { return nil }
            try expect(UInt8(ascii: "{"))
            var routing: String?
            try readMembers { cursor, key in
                guard key == .routing else { return try cursor.skipValue() }
                if try cursor.consume(UInt8(ascii: "[")) {
                    if try cursor.consume(UInt8(ascii: "]")) { return }
                    routing = try cursor.readOptionalString()
                    while try cursor.nextElement(closing: UInt8(ascii: "]")) { try cursor.skipValue() }
                } else {
                    routing = try cursor.readOptionalString()
                }
            }
            return routing
        }

        /// The byte range of the next value, or nil for `null`.
        private mutating func readRawValue() throws -> Range<Int>? {
            if try consumeNull() { return nil }
            let start = position
            try skipValue()
            return start..<position
        }

        /// Reads `"key": value, ...}` after the opening brace, calling `member` positioned at each value.
        private mutating func readMembers(_ member: (inout Cursor, Key) throws -> Void) throws {
            if try consume(UInt8(ascii: "}")) { return }
            repeat {
                let key = try readKey()
                try expect(UInt8(ascii: ":"))
                try member(&self, key)
            } while try nextElement(closing: UInt8(ascii: "}"))
        }

        /// After a member or element: true when `,` follows, false when `close` ends the container.
        private mutating func nextElement(closing close: UInt8) throws -> Bool {
            let byte = try peek()
            position += 1
            if byte == UInt8(ascii: ",") { return true }
            if byte == close { return false }
            position -= 1
            throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))'")
        }

        // MARK: Keys

        /// The keys this scanner acts on; everything else is skipped.
        enum Key {
            case scrollID, pitID, id, documentID, timedOut, shards, failed, failures, hits, total, value
            case index, type, routing, seqNo, primaryTerm, version, source, sort, fields, docs, found, error, other
        }

        private mutating func readKey() throws -> Key {
            let string = try scanString()
            if string.hasEscapes {
                // No cluster escapes these names, but JSON allows it.
                let text = try decode(string)
                return text.utf8.withContiguousStorageIfAvailable { Self.key(UnsafeRawBufferPointer($0)) } ?? .other
            }
            return Self.key(UnsafeRawBufferPointer(rebasing: bytes[string.content]))
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

        // MARK: Values

        private mutating func readOptionalString() throws -> String? {
            if try consumeNull() { return nil }
            guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
            return try decode(try scanString())
        }

        private mutating func readOptionalInteger() throws -> Int64? {
            if try consumeNull() { return nil }
            return try readInteger()
        }

        mutating func readInteger() throws -> Int64 {
            skipWhitespace()
            let start = position
            let negative = try consume(UInt8(ascii: "-"), skippingWhitespace: false)
            var value: Int64 = 0
            var digits = 0
            while position < bytes.count, case let byte = bytes[position], byte >= 0x30, byte <= 0x39 {
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = shifted.addingReportingOverflow(Int64(byte - 0x30))
                guard !overflow1, !overflow2 else {
                    position = start
                    throw failure("integer out of range")
                }
                value = sum
                digits += 1
                position += 1
            }
            guard digits > 0 else {
                position = start
                throw failure("expected an integer")
            }
            if digits > 1 && bytes[start + (negative ? 1 : 0)] == 0x30 {
                position = start
                throw failure("leading zero in a number")
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") || bytes[position] | 0x20 == UInt8(ascii: "e") {
                position = start
                throw failure("expected an integer")
            }
            return negative ? -value : value
        }

        private mutating func readBool() throws -> Bool {
            switch try peek() {
            case UInt8(ascii: "t"):
                try readLiteral("true")
                return true
            case UInt8(ascii: "f"):
                try readLiteral("false")
                return false
            default: throw failure("expected true or false")
            }
        }

        // MARK: Strings

        /// The bytes between the quotes of a string starting at the cursor; leaves the cursor after the closing quote.
        struct ScannedString {
            var content: Range<Int>
            var hasEscapes: Bool
        }

        private mutating func scanString() throws -> ScannedString {
            try expect(UInt8(ascii: "\""))
            let start = position
            var hasEscapes = false
            let count = bytes.count
            while true {
                // Sources are mostly long runs of plain text: step over 8 bytes at a time while none of them is a quote,
                // a backslash or a control character, and look at single bytes only around those.
                while position &+ 8 <= count, !Self.hasSpecialByte(bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
                    position &+= 8
                }
                guard position < count else { break }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return ScannedString(content: start..<(position - 1), hasEscapes: hasEscapes)
                }
                if byte == UInt8(ascii: "\\") {
                    hasEscapes = true
                    try skipEscape()
                } else if byte < 0x20 {
                    throw failure("control character inside a string")
                } else {
                    position += 1
                }
            }
            throw failure("unterminated string")
        }

        /// Whether any of the 8 bytes of `word` is `"`, `\\` or below 0x20 (exact as a yes/no; which byte is not told).
        @inline(__always)
        static func hasSpecialByte(_ word: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let zeroInQuote = (quote &- ones) & ~quote & highs
            let zeroInBackslash = (backslash &- ones) & ~backslash & highs
            let below0x20 = (word &- ones &* 0x20) & ~word & highs
            return (zeroInQuote | zeroInBackslash | below0x20) != 0
        }

        /// Checks one escape sequence at the cursor (a backslash) and moves past it.
        private mutating func skipEscape() throws {
            guard position + 1 < bytes.count else { throw failure("unterminated string") }
            switch bytes[position + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                position += 2
            case UInt8(ascii: "u"):
                _ = try hex4(at: position + 2)
                position += 6
            default:
                position += 1
                throw failure("invalid escape sequence")
            }
        }

        private func hex4(at offset: Int) throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw failure("unterminated string") }
            var value: UInt32 = 0
            for index in offset..<(offset + 4) {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw Failure(offset: index, reason: "invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// The text of a scanned string: escapes resolved (surrogate pairs joined), UTF-8 checked.
        private func decode(_ string: ScannedString) throws -> String {
            let raw = UnsafeRawBufferPointer(rebasing: bytes[string.content])
            guard string.hasEscapes else {
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw Failure(offset: string.content.lowerBound, reason: "string is not valid UTF-8")
                }
                return text
            }
            var output: [UInt8] = []
            output.reserveCapacity(raw.count)
            var index = string.content.lowerBound
            let end = string.content.upperBound
            while index < end {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\\") else {
                    output.append(byte)
                    index += 1
                    continue
                }
                let escaped = bytes[index + 1]
                index += 2
                switch escaped {
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(at: index)
                    index += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        let paired = index + 6 <= end && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u")
                        let low = try paired ? hex4(at: index + 2) : 0
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw Failure(offset: index, reason: "unpaired surrogate in a \\u escape")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw Failure(offset: index - 6, reason: "unpaired surrogate in a \\u escape")
                    }
                    output.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
                default: output.append(escaped)
                }
            }
            guard let text = String(validating: output, as: UTF8.self) else {
                throw Failure(offset: string.content.lowerBound, reason: "string is not valid UTF-8")
            }
            return text
        }

        // MARK: Skipping

        private enum SkipState { case value, key, afterValue }

        /// Moves past one JSON value of any shape, checking its syntax. Iterative, so deep nesting cannot exhaust the stack.
        mutating func skipValue() throws {
            openContainers.removeAll(keepingCapacity: true)
            var state = SkipState.value
            while true {
                switch state {
                case .value:
                    let byte = try peek()
                    switch byte {
                    case UInt8(ascii: "\""):
                        _ = try scanString()
                        state = .afterValue
                    case UInt8(ascii: "{"):
                        position += 1
                        if try consume(UInt8(ascii: "}")) {
                            state = .afterValue
                        } else {
                            openContainers.append(byte)
                            state = .key
                        }
                    case UInt8(ascii: "["):
                        position += 1
                        if try consume(UInt8(ascii: "]")) {
                            state = .afterValue
                        } else {
                            openContainers.append(byte)
                        }
                    case UInt8(ascii: "t"):
                        try readLiteral("true")
                        state = .afterValue
                    case UInt8(ascii: "f"):
                        try readLiteral("false")
                        state = .afterValue
                    case UInt8(ascii: "n"):
                        try readLiteral("null")
                        state = .afterValue
                    case UInt8(ascii: "-"), 0x30...0x39:
                        try skipNumber()
                        state = .afterValue
                    default: throw failure("expected a JSON value")
                    }
                case .key:
                    guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a member name") }
                    _ = try scanString()
                    try expect(UInt8(ascii: ":"))
                    state = .value
                case .afterValue:
                    guard let open = openContainers.last else { return }
                    let close = open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if try nextElement(closing: close) {
                        state = open == UInt8(ascii: "{") ? .key : .value
                    } else {
                        openContainers.removeLast()
                    }
                }
            }
        }

        /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`
        private mutating func skipNumber() throws {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            let integerDigits = skipDigits()
            guard integerDigits > 0 else { throw failure("malformed number") }
            if integerDigits > 1 && bytes[position - integerDigits] == 0x30 {
                position = start
                throw failure("leading zero in a number")
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard skipDigits() > 0 else { throw failure("malformed number") }
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard skipDigits() > 0 else { throw failure("malformed number") }
            }
        }

        private mutating func skipDigits() -> Int {
            let start = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            return position - start
        }

        private mutating func readLiteral(_ literal: StaticString) throws {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count,
                UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
                    .elementsEqual(UnsafeRawBufferPointer(start: literal.utf8Start, count: count))
            else { throw failure("expected \(literal)") }
            position += count
        }

        // MARK: Bytes

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        /// The next byte that is not whitespace, without consuming it.
        mutating func peek() throws -> UInt8 {
            skipWhitespace()
            guard position < bytes.count else { throw failure(bytes.isEmpty ? "empty answer" : "answer ends early") }
            return bytes[position]
        }

        private mutating func expect(_ byte: UInt8) throws {
            guard try peek() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
            position += 1
        }

        /// Consumes `byte` if it comes next.
        private mutating func consume(_ byte: UInt8, skippingWhitespace: Bool = true) throws -> Bool {
            if skippingWhitespace {
                guard try peek() == byte else { return false }
            } else {
                guard position < bytes.count, bytes[position] == byte else { return false }
            }
            position += 1
            return true
        }

        private mutating func consumeNull() throws -> Bool {
            guard try peek() == UInt8(ascii: "n") else { return false }
            try readLiteral("null")
            return true
        }

        private func failure(_ reason: String) -> Failure {
            Failure(offset: position, reason: reason)
        }
    }
}
