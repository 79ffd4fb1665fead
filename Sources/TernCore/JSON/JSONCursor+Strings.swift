extension JSONCursor {
    /// Where a string is: the bytes between its quotes, escapes not resolved.
    public struct ScannedString: Sendable, Equatable {
        public var content: Range<Int>
        /// Whether a backslash occurs in `content`; without one the bytes are the text.
        public var hasEscapes: Bool

        @inlinable
        public init(content: Range<Int>, hasEscapes: Bool) {
            self.content = content
            self.hasEscapes = hasEscapes
        }
    }

    // MARK: Scanning

    /// Moves past the string at the cursor (after whitespace), checking its escapes and that it holds no raw control
    /// character, and tells where its content is.
    @inlinable
    public mutating func scanString() throws(JSONCursorError) -> ScannedString {
        guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        return try scanStringAtQuote()
    }

    /// ``scanString()`` when the cursor is known to be at the opening quote.
    @inlinable
    mutating func scanStringAtQuote() throws(JSONCursorError) -> ScannedString {
        position &+= 1
        let start = position
        var hasEscapes = false
        let count = bytes.count
        while true {
            // Text is mostly long runs of plain bytes: step over 8 at a time while none of them is a quote, a backslash
            // or a control character, and look at single bytes only around those.
            while position &+ 8 <= count, !Self.hasSpecialByte(bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
                position &+= 8
            }
            guard position < count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position &+= 1
                return ScannedString(content: start..<(position &- 1), hasEscapes: hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
            } else if byte < 0x20 {
                throw failure("control character inside a string")
            } else {
                position &+= 1
            }
        }
        throw failure("unterminated string")
    }

    /// Whether any of the 8 bytes of `word` is `"`, `\` or below 0x20 (exact as a yes or no; which byte is not told).
    @inlinable @inline(__always)
    public static func hasSpecialByte(_ word: UInt64) -> Bool {
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
    @inlinable
    mutating func skipEscape() throws(JSONCursorError) {
        guard position &+ 1 < bytes.count else { throw JSONCursorError(offset: bytes.count, reason: "unterminated string") }
        switch bytes[position &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position &+= 2
        case UInt8(ascii: "u"):
            _ = try Self.hex4(bytes, at: position &+ 2, base: 0)
            position &+= 6
        default:
            throw JSONCursorError(offset: position, reason: "invalid escape sequence")
        }
    }

    /// The four hex digits at `index` of `raw`; errors name `base + index`.
    @inlinable
    static func hex4(_ raw: UnsafeRawBufferPointer, at index: Int, base: Int) throws(JSONCursorError) -> UInt32 {
        var value: UInt32 = 0
        for position in index..<(index &+ 4) {
            guard position < raw.count else { throw JSONCursorError(offset: base &+ raw.count, reason: "unterminated \\u escape") }
            let byte = raw[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte &- 0x30
            case 0x41...0x46: digit = byte &- 0x41 &+ 10
            case 0x61...0x66: digit = byte &- 0x61 &+ 10
            default: throw JSONCursorError(offset: base &+ position, reason: "invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Decoding

    /// The string's bytes between the quotes, escapes not resolved.
    @inlinable
    public func rawContent(_ string: ScannedString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[string.content])
    }

    /// Whether the string's text (escapes resolved) is `literal`.
    @inlinable
    public func string(_ string: ScannedString, equals literal: StaticString) -> Bool {
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard string.hasEscapes else { return rawContent(string).elementsEqual(expected) }
        var decoded: [UInt8] = []
        guard (try? decodeString(string, into: &decoded)) != nil else { return false }
        return decoded.elementsEqual(expected)
    }

    /// The string at the cursor, decoded.
    @inlinable
    public mutating func readString() throws(JSONCursorError) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        return try decodeString(try scanStringAtQuote())
    }

    /// The string at the cursor decoded, or nil for `null`.
    @inlinable
    public mutating func readOptionalString() throws(JSONCursorError) -> String? {
        if try consumeNull() { return nil }
        return try readString()
    }

    /// The text of a scanned string: escapes resolved, surrogate pairs joined, lone surrogates and bytes that are not UTF-8
    /// treated as ``Options`` say (kept ones are replaced: a `String` cannot hold them).
    @inlinable
    public func decodeString(_ string: ScannedString) throws(JSONCursorError) -> String {
        if !string.hasEscapes {
            let raw = rawContent(string)
            if options.invalidUTF8 == .reject {
                guard let text = String(validating: raw, as: UTF8.self) else { throw invalidUTF8(in: string) }
                return text
            }
            return String(decoding: raw, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(string.content.count)
        try appendDecoded(string, to: &decoded, forString: true)
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Appends the scanned string's decoded bytes to `output`: escapes resolved, surrogate pairs joined, lone surrogates
    /// and bytes that are not UTF-8 treated as ``Options`` say.
    public func decodeString(_ string: ScannedString, into output: inout [UInt8]) throws(JSONCursorError) {
        try appendDecoded(string, to: &output, forString: false)
    }

    @usableFromInline
    func appendDecoded(_ string: ScannedString, to output: inout [UInt8], forString: Bool) throws(JSONCursorError) {
        let raw = rawContent(string)
        // Escapes are ASCII, so checking the raw content checks exactly the text that is not escaped.
        var repaired: [UInt8]?
        if options.invalidUTF8 != .keep || forString, let bad = Self.firstInvalidUTF8(raw) {
            if options.invalidUTF8 == .reject {
                throw JSONCursorError(offset: string.content.lowerBound + bad, reason: "string is not valid UTF-8")
            }
            repaired = Array(String(decoding: raw, as: UTF8.self).utf8)
        }
        var surrogates = options.loneSurrogates
        if forString, surrogates == .keep { surrogates = .replace }
        if let repaired {
            // Offsets inside the repaired copy are only close to those in the input: keep them inside the string.
            var failure: JSONCursorError?
            repaired.withUnsafeBytes { text in
                do {
                    try Self.unescape(text, base: string.content.lowerBound, surrogates: surrogates, into: &output)
                } catch let error as JSONCursorError {
                    failure = JSONCursorError(offset: min(error.offset, string.content.upperBound), reason: error.reason)
                } catch {
                    failure = JSONCursorError(offset: string.content.lowerBound, reason: "\(error)")
                }
            }
            if let failure { throw failure }
        } else if string.hasEscapes {
            try Self.unescape(raw, base: string.content.lowerBound, surrogates: surrogates, into: &output)
        } else {
            output.append(contentsOf: raw)
        }
    }

    @usableFromInline
    func invalidUTF8(in string: ScannedString) -> JSONCursorError {
        let bad = Self.firstInvalidUTF8(rawContent(string)) ?? 0
        return JSONCursorError(offset: string.content.lowerBound + bad, reason: "string is not valid UTF-8")
    }

    /// Resolves the escapes of a string's content; errors name `base` + their index in `raw`.
    static func unescape(
        _ raw: UnsafeRawBufferPointer, base: Int, surrogates: Options.LoneSurrogates, into output: inout [UInt8]
    ) throws(JSONCursorError) {
        var index = 0
        var run = 0
        while index < raw.count {
            guard raw[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if run < index { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[run..<index])) }
            guard index + 1 < raw.count else { throw JSONCursorError(offset: base + index, reason: "unterminated escape") }
            let escaped = raw[index + 1]
            let escapeStart = index
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(raw, at: index, base: base)
                index += 4
                if (0xD800...0xDBFF).contains(scalar), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                    raw[index + 1] == UInt8(ascii: "u"), case let low = try hex4(raw, at: index + 2, base: base),
                    (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xD800...0xDFFF).contains(scalar) {
                    switch surrogates {
                    case .reject: throw JSONCursorError(offset: base + escapeStart, reason: "lone surrogate in a \\u escape")
                    case .replace: scalar = 0xFFFD
                    case .keep: break
                    }
                }
                appendUTF8(scalar, to: &output)
            default:
                throw JSONCursorError(offset: base + escapeStart, reason: "invalid escape sequence")
            }
            run = index
        }
        if run < raw.count { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[run...])) }
    }

    /// UTF-8 of a code point, surrogates included (generalised UTF-8).
    static func appendUTF8(_ value: UInt32, to output: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            output.append(UInt8(value))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        default:
            output.append(UInt8(0xF0 | value >> 18))
            output.append(UInt8(0x80 | value >> 12 & 0x3F))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// The index of the first byte of `raw` that does not belong to well-formed UTF-8 (no overlong forms, no surrogates,
    /// nothing above U+10FFFF), or nil when all of it is.
    @usableFromInline
    static func firstInvalidUTF8(_ raw: UnsafeRawBufferPointer) -> Int? {
        let count = raw.count
        var index = 0
        while index < count {
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { return nil }
            let lead = raw[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xED:
                length = 3
                high = 0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF4:
                length = 4
                high = 0x8F
            case 0xF1...0xF3: length = 4
            default: return index
            }
            guard index + 1 < count, (low...high).contains(raw[index + 1]) else { return index }
            for next in (index + 2)..<(index + length) where next >= count || raw[next] & 0xC0 != 0x80 {
                return index
            }
            index += length
        }
        return nil
    }
}
