import NIOCore
import TernCore

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

    /// Cluster answers are UTF-8; a stray bad byte in an error reason is replaced rather than failing the whole answer.
    /// A lone surrogate escape is refused, as it always was.
    static let options = JSONCursor.Options(loneSurrogates: .reject, invalidUTF8: .replace)

    static func scan(raw: UnsafeRawBufferPointer, visit: ((Item) throws -> Void)?) throws -> Summary {
        var cursor = JSONCursor(raw, options: options)
        do {
            return try scanTopLevel(&cursor, visit: visit)
        } catch let error as JSONCursorError {
            throw MalformedResponse(offset: error.offset, detail: error.reason)
        }
    }

    private static func scanTopLevel(_ cursor: inout JSONCursor, visit: ((Item) throws -> Void)?) throws -> Summary {
        var errors: Bool?
        var itemCount: Int?
        var failures: [Item] = []
        if try cursor.enterObject() {
            repeat {
                let key = try cursor.readKey()
                if cursor.string(key, equals: "errors") {
                    errors = try cursor.readBool()
                } else if cursor.string(key, equals: "items") {
                    guard itemCount == nil else { throw cursor.failure("two item lists") }
                    // Nothing to learn from the items of an answer that says none failed: count them only.
                    itemCount =
                        errors == false && visit == nil
                        ? try countItems(&cursor) : try readItems(&cursor, failures: &failures, visit: visit)
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.nextMember()
        }
        try cursor.expectEnd()
        guard let itemCount else {
            throw MalformedResponse(offset: cursor.position, detail: errors == nil ? "no items and no errors flag" : "no items")
        }
        return Summary(errors: (errors ?? false) || !failures.isEmpty, itemCount: itemCount, failures: failures)
    }

    private static func countItems(_ cursor: inout JSONCursor) throws -> Int {
        guard try cursor.enterArray() else { return 0 }
        var count = 0
        repeat {
            guard try cursor.peek() == UInt8(ascii: "{") else { throw cursor.failure("an item is not an object") }
            try cursor.skipValue()
            count += 1
        } while try cursor.nextElement()
        return count
    }

    private static func readItems(_ cursor: inout JSONCursor, failures: inout [Item], visit: ((Item) throws -> Void)?) throws -> Int {
        guard try cursor.enterArray() else { return 0 }
        var position = 0
        repeat {
            let item = try readItem(&cursor, position: position)
            if !item.succeeded { failures.append(item) }
            try visit?(item)
            position += 1
        } while try cursor.nextElement()
        return position
    }

    /// `{"index":{"_index":...,"status":201,...}}`
    private static func readItem(_ cursor: inout JSONCursor, position: Int) throws -> Item {
        cursor.skipWhitespace()
        let start = cursor.position
        guard try cursor.enterObject() else { throw cursor.failure("an empty item") }
        let action = try cursor.decodeString(try cursor.readKey())
        var item = Item(position: position, action: action, status: -1)
        if try cursor.enterObject() {
            repeat {
                let key = try cursor.readKey()
                if cursor.string(key, equals: "status") {
                    item.status = Int(clamping: try cursor.readInt64())
                } else if cursor.string(key, equals: "error") {
                    try readError(&cursor, into: &item)
                } else if cursor.string(key, equals: "_seq_no") {
                    item.seqNo = try cursor.readInt64()
                } else if cursor.string(key, equals: "result") {
                    item.result = try cursor.readOptionalString()
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.nextMember()
        }
        guard try !cursor.nextMember() else { throw cursor.failure("an item with two actions") }
        guard item.status >= 0 else {
            throw MalformedResponse(offset: start, detail: "item \(position) has no status")
        }
        return item
    }

    /// `"error": {"type": ..., "reason": ..., "caused_by": {...}}`, or a bare string from very old versions.
    private static func readError(_ cursor: inout JSONCursor, into item: inout Item) throws {
        switch cursor.peekIfAny() {
        case UInt8(ascii: "\""):
            item.errorType = ""
            item.errorReason = try cursor.readString()
        case UInt8(ascii: "{"):
            item.errorType = ""
            guard try cursor.enterObject() else { return }
            repeat {
                let key = try cursor.readKey()
                if cursor.string(key, equals: "type") {
                    item.errorType = try cursor.readOptionalString() ?? ""
                } else if cursor.string(key, equals: "reason") {
                    item.errorReason = try cursor.readOptionalString()
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.nextMember()
        default:
            try cursor.skipValue()
        }
    }
}
