/// A forward-only position in JSON text: the one reader of JSON bytes that every scanner in Tern walks with (search
/// answers, `_bulk` answers, ndjson lines, canonical digests), so they all accept and refuse the same bytes.
///
/// It builds nothing: a reader asks for the next token (a string's byte range, a number's parts, a literal, a bracket) or
/// skips a whole value, and only what it asks for is decoded. Everything it steps over is still checked against
/// RFC 8259 (strings and their escapes, numbers, literals, nesting), so damaged bytes throw a ``JSONCursorError`` with
/// the byte offset, never a half-read value. Skipping keeps one bit per open container, so nesting is limited by memory,
/// not by the thread's stack. Only decoding a string looks at Unicode, as ``Options`` say.
///
/// Valid only while the buffer `bytes` points into is. Public (not `package`) with `@inlinable` members because the
/// optimiser inlines only public code across modules, and the hits scanner calls these per byte of a search answer.
public struct JSONCursor {
    /// The whole input.
    public let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public var position = 0
    public let options: Options

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, options: Options = .strict) {
        self.bytes = bytes
        self.options = options
    }

    // MARK: Bytes

    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        // Compact JSON has none: one comparison settles most calls.
        guard position < bytes.count, bytes[position] <= 0x20 else { return }
        skipWhitespaceRun()
    }

    @usableFromInline
    mutating func skipWhitespaceRun() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position &+= 1
            default: return
            }
        }
    }

    /// The next byte that is not whitespace, without consuming it; throws at the end of the input.
    @inlinable @inline(__always)
    public mutating func peek() throws(JSONCursorError) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput() }
        return bytes[position]
    }

    /// The next byte that is not whitespace, without consuming it; nil at the end of the input.
    @inlinable @inline(__always)
    public mutating func peekIfAny() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` (after whitespace) or throws.
    @inlinable @inline(__always)
    public mutating func expect(_ byte: UInt8) throws(JSONCursorError) {
        if position < bytes.count, bytes[position] == byte {
            position &+= 1
            return
        }
        guard try peek() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        position &+= 1
    }

    /// Consumes `byte` if it comes next (after whitespace).
    @inlinable @inline(__always)
    public mutating func consume(_ byte: UInt8) -> Bool {
        guard peekIfAny() == byte else { return false }
        position &+= 1
        return true
    }

    /// Throws unless only whitespace is left.
    @inlinable
    public mutating func expectEnd() throws(JSONCursorError) {
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected bytes after the value") }
    }

    // MARK: Literals

    /// Consumes `null` if it comes next; throws on a damaged literal (`nul`).
    @inlinable
    public mutating func consumeNull() throws(JSONCursorError) -> Bool {
        guard peekIfAny() == UInt8(ascii: "n") else { return false }
        try readLiteral("null")
        return true
    }

    @inlinable
    public mutating func readBool() throws(JSONCursorError) -> Bool {
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

    /// Consumes `literal` (`true`, `false` or `null`) at the cursor.
    @inlinable
    public mutating func readLiteral(_ literal: StaticString) throws(JSONCursorError) {
        let count = literal.utf8CodeUnitCount
        guard position &+ count <= bytes.count else { throw failure("expected \(literal)") }
        let expected = literal.utf8Start
        for index in 0..<count where bytes[position &+ index] != expected[index] {
            throw failure("expected \(literal)")
        }
        position &+= count
    }

    // MARK: Containers

    /// Consumes `{` and tells whether a member follows; the `}` of an empty object is consumed too.
    @inlinable
    public mutating func enterObject() throws(JSONCursorError) -> Bool {
        try expect(UInt8(ascii: "{"))
        return !consume(UInt8(ascii: "}"))
    }

    /// Consumes `[` and tells whether an element follows; the `]` of an empty array is consumed too.
    @inlinable
    public mutating func enterArray() throws(JSONCursorError) -> Bool {
        try expect(UInt8(ascii: "["))
        return !consume(UInt8(ascii: "]"))
    }

    /// Reads `"name":` and leaves the cursor at the member's value.
    @inlinable
    public mutating func readKey() throws(JSONCursorError) -> ScannedString {
        guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a member name") }
        let key = try scanStringAtQuote()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// After a member's value: true when `,` follows (another member), false when `}` closes the object.
    @inlinable
    public mutating func nextMember() throws(JSONCursorError) -> Bool {
        try next(closing: UInt8(ascii: "}"))
    }

    /// After an element: true when `,` follows (another element), false when `]` closes the array.
    @inlinable
    public mutating func nextElement() throws(JSONCursorError) -> Bool {
        try next(closing: UInt8(ascii: "]"))
    }

    @inlinable @inline(__always)
    mutating func next(closing close: UInt8) throws(JSONCursorError) -> Bool {
        let byte = try peek()
        if byte == UInt8(ascii: ",") {
            position &+= 1
            return true
        }
        if byte == close {
            position &+= 1
            return false
        }
        throw failure(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
    }

    /// Reads an object: `body` is called positioned at each member's value, which it must read or skip.
    @inlinable
    public mutating func forEachMember(_ body: (inout JSONCursor, ScannedString) throws -> Void) throws {
        guard try enterObject() else { return }
        repeat {
            let key = try readKey()
            try body(&self, key)
        } while try nextMember()
    }

    /// Reads an array: `body` is called positioned at each element, which it must read or skip.
    @inlinable
    public mutating func forEachElement(_ body: (inout JSONCursor) throws -> Void) throws {
        guard try enterArray() else { return }
        repeat {
            try body(&self)
        } while try nextElement()
    }

    /// Skips one value and returns where its bytes are (from its first byte to its last).
    @inlinable
    public mutating func readRawValue() throws(JSONCursorError) -> Range<Int> {
        skipWhitespace()
        let start = position
        try skipValue()
        return start..<position
    }

    /// Whether `bytes` hold exactly one JSON value, whitespace around it allowed.
    public static func isSingleValue(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var cursor = JSONCursor(bytes)
        do {
            try cursor.skipValue()
            try cursor.expectEnd()
            return true
        } catch {
            return false
        }
    }

    // MARK: Errors

    /// An error at the cursor.
    @inlinable
    public func failure(_ reason: String) -> JSONCursorError {
        JSONCursorError(offset: position, reason: reason)
    }

    @inlinable
    func endOfInput() -> JSONCursorError {
        failure(bytes.isEmpty ? "empty input" : "input ends early")
    }
}
