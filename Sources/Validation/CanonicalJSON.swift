/// Rewrites JSON bytes into a canonical byte form in which equal JSON values have equal bytes: object members sorted by
/// key, strings unescaped, numbers normalised. Used only to digest documents, never sent anywhere.
///
/// The form is a compact tagged encoding, not JSON, so no escaping is needed: `n` `t` `f` literals; `S` + length + UTF-8
/// bytes for strings; `I` + sign + length + digits + exponent for numbers with an integer value (exact, whatever their size:
/// ids beyond 2^53 must not collapse); `D` + the 8 bytes of the IEEE double for numbers with a fraction (`1.10` and `1.1`
/// are the same double; the engines index them as doubles anyway); `[` elements `]`; `{` key value ... `}`.
///
/// The parser is iterative (an explicit stack), so deep nesting cannot exhaust the thread's stack.
struct CanonicalJSON {
    /// The canonical bytes of the last ``canonicalize(_:)``.
    private(set) var output: [UInt8] = []
    private var scratch: [UInt8] = []
    private var frames: [Frame] = []

    /// Where JSON is malformed: a byte offset and what was expected.
    struct Failure: Error, Equatable {
        var offset: Int
        var reason: String
    }

    private struct Member {
        /// The key's content bytes inside `output`.
        var key: Range<Int>
        /// Where the member (key header included) starts inside `output`.
        var start: Int
    }

    private struct Frame {
        var isObject: Bool
        /// Where the first member starts inside `output` (after the `{` tag).
        var base: Int
        var members: [Member] = []
    }

    private enum State { case value, key, afterValue }

    private enum Tag {
        static let null = UInt8(ascii: "n")
        static let `true` = UInt8(ascii: "t")
        static let `false` = UInt8(ascii: "f")
        static let integer = UInt8(ascii: "I")
        static let double = UInt8(ascii: "D")
        static let string = UInt8(ascii: "S")
        static let arrayStart = UInt8(ascii: "[")
        static let arrayEnd = UInt8(ascii: "]")
        static let objectStart = UInt8(ascii: "{")
        static let objectEnd = UInt8(ascii: "}")
    }

    /// Replaces ``output`` with the canonical form of `json` (one JSON value, whitespace around it allowed).
    mutating func canonicalize(_ json: UnsafeRawBufferPointer) throws(Failure) {
        output.removeAll(keepingCapacity: true)
        frames.removeAll(keepingCapacity: true)
        var cursor = Cursor(bytes: json)
        var state = State.value
        while true {
            switch state {
            case .value:
                let byte = try cursor.peek()
                switch byte {
                case UInt8(ascii: "{"):
                    cursor.position += 1
                    output.append(Tag.objectStart)
                    if try cursor.peek() == UInt8(ascii: "}") {
                        cursor.position += 1
                        output.append(Tag.objectEnd)
                        state = .afterValue
                    } else {
                        frames.append(Frame(isObject: true, base: output.count))
                        state = .key
                    }
                case UInt8(ascii: "["):
                    cursor.position += 1
                    output.append(Tag.arrayStart)
                    if try cursor.peek() == UInt8(ascii: "]") {
                        cursor.position += 1
                        output.append(Tag.arrayEnd)
                        state = .afterValue
                    } else {
                        frames.append(Frame(isObject: false, base: output.count))
                    }
                case UInt8(ascii: "\""):
                    _ = try string(&cursor)
                    state = .afterValue
                case UInt8(ascii: "t"):
                    try cursor.literal("true")
                    output.append(Tag.true)
                    state = .afterValue
                case UInt8(ascii: "f"):
                    try cursor.literal("false")
                    output.append(Tag.false)
                    state = .afterValue
                case UInt8(ascii: "n"):
                    try cursor.literal("null")
                    output.append(Tag.null)
                    state = .afterValue
                case UInt8(ascii: "-"), 0x30...0x39:
                    try number(&cursor)
                    state = .afterValue
                default:
                    throw cursor.failure("expected a JSON value")
                }
            case .key:
                guard try cursor.peek() == UInt8(ascii: "\"") else { throw cursor.failure("expected a member name") }
                let start = output.count
                let key = try string(&cursor)
                frames[frames.count - 1].members.append(Member(key: key, start: start))
                guard try cursor.peek() == UInt8(ascii: ":") else { throw cursor.failure("expected ':'") }
                cursor.position += 1
                state = .value
            case .afterValue:
                guard let frame = frames.last else {
                    cursor.skipWhitespace()
                    guard cursor.position == cursor.bytes.count else { throw cursor.failure("unexpected bytes after the value") }
                    return
                }
                let byte = try cursor.peek()
                cursor.position += 1
                if byte == UInt8(ascii: ",") {
                    state = frame.isObject ? .key : .value
                } else if frame.isObject, byte == UInt8(ascii: "}") {
                    closeObject()
                } else if !frame.isObject, byte == UInt8(ascii: "]") {
                    frames.removeLast()
                    output.append(Tag.arrayEnd)
                } else {
                    cursor.position -= 1
                    throw cursor.failure(frame.isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
        }
    }

    /// Ends the innermost object: its members, already canonical, are put in key order (by UTF-8 bytes; the original
    /// position breaks ties so duplicate keys stay deterministic).
    private mutating func closeObject() {
        let frame = frames.removeLast()
        if let order = Self.keyOrder(frame.members, in: output) {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: output[frame.base...])
            output.removeSubrange(frame.base...)
            for index in order {
                let start = frame.members[index].start - frame.base
                let end = index + 1 < frame.members.count ? frame.members[index + 1].start - frame.base : scratch.count
                output.append(contentsOf: scratch[start..<end])
            }
        }
        output.append(Tag.objectEnd)
    }

    /// The members' indices in key order, or nil when they already are in order.
    private static func keyOrder(_ members: [Member], in output: [UInt8]) -> [Int]? {
        func precedes(_ left: Int, _ right: Int) -> Bool {
            let a = output[members[left].key]
            let b = output[members[right].key]
            if a.elementsEqual(b) { return left < right }
            return a.lexicographicallyPrecedes(b)
        }
        if members.indices.dropFirst().allSatisfy({ precedes($0 - 1, $0) }) { return nil }
        return members.indices.sorted(by: precedes)
    }

    // MARK: Strings

    /// Writes the string at the cursor (escapes resolved) and returns where its content bytes are inside `output`.
    private mutating func string(_ cursor: inout Cursor) throws(Failure) -> Range<Int> {
        cursor.position += 1
        let start = cursor.position
        var hasEscapes = false
        while true {
            guard cursor.position < cursor.bytes.count else { throw cursor.failure("unterminated string") }
            let byte = cursor.bytes[cursor.position]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                cursor.position += 2
            } else {
                cursor.position += 1
            }
        }
        let raw = UnsafeRawBufferPointer(rebasing: cursor.bytes[start..<cursor.position])
        cursor.position += 1
        output.append(Tag.string)
        if !hasEscapes {
            appendLength(raw.count)
            let content = output.count
            output.append(contentsOf: raw)
            return content..<output.count
        }
        scratch.removeAll(keepingCapacity: true)
        try Self.unescape(raw, offset: start, into: &scratch)
        appendLength(scratch.count)
        let content = output.count
        output.append(contentsOf: scratch)
        return content..<output.count
    }

    /// Resolves escapes; `\u` surrogate pairs become one scalar, a lone surrogate its 3-byte generalised UTF-8 form
    /// (the engines keep such strings, and both sides must digest them the same way).
    private static func unescape(_ raw: UnsafeRawBufferPointer, offset: Int, into out: inout [UInt8]) throws(Failure) {
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.count else { throw Failure(offset: offset + index, reason: "unterminated escape") }
            let escaped = raw[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
            case UInt8(ascii: "u"):
                var scalar = try hex4(raw, at: index, offset: offset)
                index += 4
                if (0xD800...0xDBFF).contains(scalar), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                    raw[index + 1] == UInt8(ascii: "u"), case let low = try hex4(raw, at: index + 2, offset: offset),
                    (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                appendUTF8(scalar, to: &out)
            default:
                throw Failure(offset: offset + index - 1, reason: "invalid escape sequence")
            }
        }
    }

    private static func hex4(_ raw: UnsafeRawBufferPointer, at index: Int, offset: Int) throws(Failure) -> UInt32 {
        guard index + 4 <= raw.count else { throw Failure(offset: offset + index, reason: "short \\u escape") }
        var value: UInt32 = 0
        for position in index..<(index + 4) {
            let byte = raw[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw Failure(offset: offset + position, reason: "invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// UTF-8 of a code point, surrogates included (generalised UTF-8), so no escape is ever lost.
    private static func appendUTF8(_ value: UInt32, to out: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            out.append(UInt8(value))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | value >> 6))
            out.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | value >> 12))
            out.append(UInt8(0x80 | value >> 6 & 0x3F))
            out.append(UInt8(0x80 | value & 0x3F))
        default:
            out.append(UInt8(0xF0 | value >> 18))
            out.append(UInt8(0x80 | value >> 12 & 0x3F))
            out.append(UInt8(0x80 | value >> 6 & 0x3F))
            out.append(UInt8(0x80 | value & 0x3F))
        }
    }

    // MARK: Numbers

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, written as an exact decimal (sign, significant digits,
    /// exponent) when its value is an integer, else as the double it denotes.
    private mutating func number(_ cursor: inout Cursor) throws(Failure) {
        let start = cursor.position
        let bytes = cursor.bytes
        let negative = bytes[cursor.position] == UInt8(ascii: "-")
        if negative { cursor.position += 1 }
        let integerStart = cursor.position
        let integerDigits = cursor.skipDigits()
        guard integerDigits > 0 else { throw cursor.failure("malformed number") }
        if integerDigits > 1, bytes[integerStart] == 0x30 { throw Failure(offset: start, reason: "leading zero in a number") }
        var fraction = integerStart..<integerStart
        if cursor.position < bytes.count, bytes[cursor.position] == UInt8(ascii: ".") {
            cursor.position += 1
            let fractionStart = cursor.position
            guard cursor.skipDigits() > 0 else { throw cursor.failure("malformed number") }
            fraction = fractionStart..<cursor.position
        }
        var exponent = 0
        if cursor.position < bytes.count, bytes[cursor.position] | 0x20 == UInt8(ascii: "e") {
            cursor.position += 1
            var exponentNegative = false
            if cursor.position < bytes.count, bytes[cursor.position] == UInt8(ascii: "+") || bytes[cursor.position] == UInt8(ascii: "-") {
                exponentNegative = bytes[cursor.position] == UInt8(ascii: "-")
                cursor.position += 1
            }
            let exponentStart = cursor.position
            guard cursor.skipDigits() > 0 else { throw cursor.failure("malformed number") }
            for index in exponentStart..<cursor.position {
                // Saturates: exponents beyond a billion are out of every engine's range anyway.
                exponent = min(exponent * 10 + Int(bytes[index] - 0x30), 1_000_000_000)
            }
            if exponentNegative { exponent = -exponent }
        }
        // Significant digits: integer and fraction digits without leading zeros; trailing zeros move into the exponent.
        scratch.removeAll(keepingCapacity: true)
        for index in integerStart..<(integerStart + integerDigits) where !(scratch.isEmpty && bytes[index] == 0x30) {
            scratch.append(bytes[index])
        }
        for index in fraction where !(scratch.isEmpty && bytes[index] == 0x30) {
            scratch.append(bytes[index])
        }
        exponent -= fraction.count
        while scratch.last == 0x30 {
            scratch.removeLast()
            exponent += 1
        }
        if scratch.isEmpty {
            // Zero, -0 and 0.0e5 alike.
            output.append(Tag.integer)
            output.append(0)
            appendLength(0)
            appendLength(0)
            return
        }
        if exponent >= 0 {
            output.append(Tag.integer)
            output.append(negative ? 1 : 0)
            appendLength(scratch.count)
            output.append(contentsOf: scratch)
            appendLength(exponent)
            return
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<cursor.position]), as: UTF8.self)
        guard let value = Double(text) else { throw Failure(offset: start, reason: "number out of range") }
        output.append(Tag.double)
        withUnsafeBytes(of: (value == 0 ? 0 : value).bitPattern.littleEndian) { output.append(contentsOf: $0) }
    }

    /// LEB128, so lengths cannot run into the bytes after them.
    private mutating func appendLength(_ value: Int) {
        var rest = UInt64(value)
        while rest >= 0x80 {
            output.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        output.append(UInt8(rest))
    }

    // MARK: Cursor

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        /// The next byte that is not whitespace, without consuming it.
        mutating func peek() throws(Failure) -> UInt8 {
            skipWhitespace()
            guard position < bytes.count else { throw failure(bytes.isEmpty ? "empty source" : "source ends early") }
            return bytes[position]
        }

        mutating func skipDigits() -> Int {
            let start = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            return position - start
        }

        mutating func literal(_ literal: StaticString) throws(Failure) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count,
                UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
                    .elementsEqual(UnsafeRawBufferPointer(start: literal.utf8Start, count: count))
            else { throw failure("expected \(literal)") }
            position += count
        }

        func failure(_ reason: String) -> Failure {
            Failure(offset: position, reason: reason)
        }
    }
}
