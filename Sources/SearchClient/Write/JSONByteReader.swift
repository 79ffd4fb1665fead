/// A forward-only cursor over JSON bytes, for answers read at volume (bulk responses) where building a tree of
/// ``JSONValue``s for thousands of items would cost more than the request.
///
/// It reads only what the caller asks for and skips the rest, checking the syntax of what it skips so a corrupt
/// answer fails instead of being half-read. Valid only inside the `withUnsafeBytes` call that produced `bytes`.
struct JSONByteReader {
    /// Where and why the bytes stopped being JSON.
    struct SyntaxError: Error, CustomStringConvertible {
        var offset: Int
        var detail: String
        var description: String { "\(detail) at byte \(offset)" }
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0
    /// Deeper nesting is refused rather than risking the stack on hostile input.
    static let maxDepth = 512

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset >= bytes.count }

    /// The next byte that is not whitespace, without consuming it.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return offset < bytes.count ? bytes[offset] : nil
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
        offset += 1
    }

    /// Consumes `byte` if it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        offset += 1
        return true
    }

    /// After a member or element: true when a `,` follows, false when `close` ends the container.
    mutating func nextMember(closing close: UInt8) throws -> Bool {
        switch peek() {
        case UInt8(ascii: ","):
            offset += 1
            return true
        case close:
            offset += 1
            return false
        default: throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
        }
    }

    /// Reads `"key":` and returns the key.
    mutating func readKey() throws -> String {
        let key = try readString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    mutating func readString() throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        offset += 1
        let start = offset
        // Fast path: no escapes, the bytes are the string.
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in a string") }
            offset += 1
        }
        var decoded = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case 0..<0x20:
                offset -= 1
                throw error("control character in a string")
            default:
                decoded.append(byte)
            }
        }
        throw error("unterminated string")
    }

    /// A string, or nil for `null` (some exceptions carry `"reason": null`).
    mutating func readOptionalString() throws -> String? {
        if peek() == UInt8(ascii: "n") {
            try readLiteral("null")
            return nil
        }
        return try readString()
    }

    mutating func readBool() throws -> Bool {
        switch peek() {
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return true
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return false
        default: throw error("expected true or false")
        }
    }

    /// An integer; a number with a fraction or exponent is refused.
    mutating func readInteger() throws -> Int64 {
        skipWhitespace()
        let start = offset
        try skipNumber()
        var value: Int64 = 0
        var negative = false
        for index in start..<offset {
            let byte = bytes[index]
            if byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                throw SyntaxError(offset: start, detail: "expected an integer")
            }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw SyntaxError(offset: start, detail: "integer out of range") }
            value = sum
        }
        return negative ? -value : value
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        guard let next = peek() else { throw error("unexpected end of input") }
        switch next {
        case UInt8(ascii: "{"):
            offset += 1
            if consume(UInt8(ascii: "}")) { return }
            repeat {
                try skipString()
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
            } while try nextMember(closing: UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            offset += 1
            if consume(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while try nextMember(closing: UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "t"): try readLiteral("true")
        case UInt8(ascii: "f"): try readLiteral("false")
        case UInt8(ascii: "n"): try readLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            throw error("unexpected character")
        }
    }

    /// Whether `bytes` hold exactly one JSON value (surrounded by whitespace at most).
    static func isSingleValue(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var reader = JSONByteReader(bytes)
        do {
            try reader.skipValue()
            return reader.peek() == nil
        } catch {
            return false
        }
    }

    func error(_ detail: String) -> SyntaxError {
        SyntaxError(offset: offset, detail: offset >= bytes.count ? "\(detail) (input ended)" : detail)
    }

    private mutating func skipString() throws {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        offset += 1
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { break }
                if bytes[offset] == UInt8(ascii: "u") {
                    guard offset + 4 < bytes.count, (1...4).allSatisfy({ Self.hexValue(bytes[offset + $0]) != nil }) else {
                        throw error("bad \\u escape")
                    }
                    offset += 5
                } else {
                    guard Self.simpleEscapes.contains(bytes[offset]) else { throw error("bad escape") }
                    offset += 1
                }
            case 0..<0x20:
                offset -= 1
                throw error("control character in a string")
            default: continue
            }
        }
        throw error("unterminated string")
    }

    private mutating func skipNumber() throws {
        let start = offset
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerDigits = skipDigits()
        guard integerDigits > 0 else { throw SyntaxError(offset: start, detail: "expected a number") }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard skipDigits() > 0 else { throw error("expected digits after '.'") }
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard skipDigits() > 0 else { throw error("expected an exponent") }
        }
    }

    private mutating func skipDigits() -> Int {
        let start = offset
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
        return offset - start
    }

    private mutating func readLiteral(_ literal: StaticString) throws {
        skipWhitespace()
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw error("expected \(literal)") }
        for index in 0..<count where bytes[offset + index] != literal.utf8Start[index] {
            throw error("expected \(literal)")
        }
        offset += count
    }

    private static let simpleEscapes: Set<UInt8> = Set("\"\\/bfnrt".utf8)

    /// Decodes the escape after a backslash (already consumed) as UTF-8.
    private mutating func readEscape(into output: inout [UInt8]) throws {
        guard offset < bytes.count else { throw error("unterminated string") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by `\uDC00`-`\uDFFF`; together they are one scalar.
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw error("lone surrogate")
                }
                offset += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("lone surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("bad \\u escape") }
            output.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw error("bad escape")
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("bad \\u escape") }
        var value: UInt32 = 0
        for index in 0..<4 {
            guard let digit = Self.hexValue(bytes[offset + index]) else { throw error("bad \\u escape") }
            value = value << 4 | UInt32(digit)
        }
        offset += 4
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
