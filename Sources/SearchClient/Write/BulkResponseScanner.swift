import NIOCore

/// Reads a `_bulk` answer item by item without building a JSON tree: position, status, error type and reason.
///
/// Works on the full answer of Elasticsearch 6-8 and OpenSearch and on the smaller one that ``filterPath`` asks for.
/// When the answer says `"errors": false` before its items (every version does), the items are only counted.
public enum BulkResponseScanner {
    /// Asks the cluster to leave out everything but what the writer reads; Elasticsearch (1.6+) and OpenSearch
    /// accept it on `_bulk`, and it cuts a 5,000-item answer from ~1 MB to ~100 KB.
    public static let filterPath = "errors,items.*.status,items.*.error.type,items.*.error.reason"

    /// One item of the answer.
    public struct Item: Sendable, Equatable {
        /// 0-based position in the request, which is also the position in the answer.
        public var position: Int
        /// `index`, `create`, `update` or `delete`.
        public var action: String
        public var status: Int
        /// `error.type` (`es_rejected_execution_exception`...), nil without an error.
        public var errorType: String?
        public var errorReason: String?
        /// Only in full answers.
        public var seqNo: Int64?
        /// `created`, `updated`, `noop`...; only in full answers.
        public var result: String?

        public init(
            position: Int, action: String, status: Int, errorType: String? = nil, errorReason: String? = nil, seqNo: Int64? = nil,
            result: String? = nil
        ) {
            self.position = position
            self.action = action
            self.status = status
            self.errorType = errorType
            self.errorReason = errorReason
            self.seqNo = seqNo
            self.result = result
        }

        /// A 2xx status and no error.
        public var succeeded: Bool { (200..<300).contains(status) && errorType == nil }
    }

    /// What the whole answer says.
    public struct Summary: Sendable, Equatable {
        /// The answer's `errors` flag (true when it had none but an item failed).
        public var errors: Bool
        public var itemCount: Int
        /// The items that did not succeed, in order.
        public var failures: [Item]
    }

    /// An answer that is not a well-formed `_bulk` answer.
    public struct MalformedResponse: Error, CustomStringConvertible, Sendable {
        public var offset: Int
        public var detail: String
        public var description: String { "not a _bulk answer: \(detail) at byte \(offset)" }
    }

    /// Scans an answer; `visit` (when given) sees every item in order, which turns off the `errors: false` shortcut.
    public static func scan(_ body: ByteBuffer, visit: ((Item) throws -> Void)? = nil) throws -> Summary {
        try body.withUnsafeReadableBytes { try scan(raw: $0, visit: visit) }
    }

    public static func scan(_ bytes: [UInt8], visit: ((Item) throws -> Void)? = nil) throws -> Summary {
        try bytes.withUnsafeBytes { try scan(raw: $0, visit: visit) }
    }

    static func scan(raw: UnsafeRawBufferPointer, visit: ((Item) throws -> Void)?) throws -> Summary {
        var reader = JSONByteReader(raw)
        do {
            return try scanTopLevel(&reader, visit: visit)
        } catch let error as JSONByteReader.SyntaxError {
            throw MalformedResponse(offset: error.offset, detail: error.detail)
        }
    }

    private static func scanTopLevel(_ reader: inout JSONByteReader, visit: ((Item) throws -> Void)?) throws -> Summary {
        try reader.expect(UInt8(ascii: "{"))
        var errors: Bool?
        var itemCount: Int?
        var failures: [Item] = []
        if !reader.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try reader.readKey()
                switch key {
                case "errors":
                    errors = try reader.readBool()
                case "items":
                    guard itemCount == nil else { throw reader.error("two item lists") }
                    // Nothing to learn from the items of an answer that says none failed: count them only.
                    itemCount =
                        errors == false && visit == nil
                        ? try countItems(&reader) : try readItems(&reader, failures: &failures, visit: visit)
                default:
                    try reader.skipValue()
                }
            } while try reader.nextMember(closing: UInt8(ascii: "}"))
        }
        guard reader.peek() == nil else { throw reader.error("data after the answer") }
        guard let itemCount else {
            throw MalformedResponse(offset: reader.offset, detail: errors == nil ? "no items and no errors flag" : "no items")
        }
        return Summary(errors: (errors ?? false) || !failures.isEmpty, itemCount: itemCount, failures: failures)
    }

    private static func countItems(_ reader: inout JSONByteReader) throws -> Int {
        try reader.expect(UInt8(ascii: "["))
        if reader.consume(UInt8(ascii: "]")) { return 0 }
        var count = 0
        repeat {
            guard reader.peek() == UInt8(ascii: "{") else { throw reader.error("an item is not an object") }
            try reader.skipValue()
            count += 1
        } while try reader.nextMember(closing: UInt8(ascii: "]"))
        return count
    }

    private static func readItems(_ reader: inout JSONByteReader, failures: inout [Item], visit: ((Item) throws -> Void)?) throws -> Int {
        try reader.expect(UInt8(ascii: "["))
        if reader.consume(UInt8(ascii: "]")) { return 0 }
        var position = 0
        repeat {
            let item = try readItem(&reader, position: position)
            if !item.succeeded { failures.append(item) }
            try visit?(item)
            position += 1
        } while try reader.nextMember(closing: UInt8(ascii: "]"))
        return position
    }

    /// `{"index":{"_index":...,"status":201,...}}`
    private static func readItem(_ reader: inout JSONByteReader, position: Int) throws -> Item {
        let start = reader.offset
        try reader.expect(UInt8(ascii: "{"))
        guard !reader.consume(UInt8(ascii: "}")) else { throw reader.error("an empty item") }
        let action = try reader.readKey()
        var item = Item(position: position, action: action, status: -1)
        try reader.expect(UInt8(ascii: "{"))
        if !reader.consume(UInt8(ascii: "}")) {
            repeat {
                switch try reader.readKey() {
                case "status": item.status = Int(clamping: try reader.readInteger())
                case "error": try readError(&reader, into: &item)
                case "_seq_no": item.seqNo = try reader.readInteger()
                case "result": item.result = try reader.readOptionalString()
                default: try reader.skipValue()
                }
            } while try reader.nextMember(closing: UInt8(ascii: "}"))
        }
        guard try !reader.nextMember(closing: UInt8(ascii: "}")) else { throw reader.error("an item with two actions") }
        guard item.status >= 0 else {
            throw MalformedResponse(offset: start, detail: "item \(position) has no status")
        }
        return item
    }

    /// `"error": {"type": ..., "reason": ..., "caused_by": {...}}`, or a bare string from very old versions.
    private static func readError(_ reader: inout JSONByteReader, into item: inout Item) throws {
        switch reader.peek() {
        case UInt8(ascii: "\""):
            item.errorType = ""
            item.errorReason = try reader.readString()
        case UInt8(ascii: "{"):
            try reader.expect(UInt8(ascii: "{"))
            item.errorType = ""
            if reader.consume(UInt8(ascii: "}")) { return }
            repeat {
                switch try reader.readKey() {
                case "type": item.errorType = try reader.readOptionalString() ?? ""
                case "reason": item.errorReason = try reader.readOptionalString()
                default: try reader.skipValue()
                }
            } while try reader.nextMember(closing: UInt8(ascii: "}"))
        default:
            try reader.skipValue()
        }
    }
}
