import TernCore

/// The canonicaliser as it was before its fast paths (commit 5c02643's `CanonicalJSON`, unchanged but for its name): the
/// oracle the tests hold ``CanonicalJSON`` to, byte for byte, since digests are compared across versions and must never
/// drift. Kept simple on purpose; do not optimise it.
///
/// Rewrites JSON bytes into a canonical byte form in which equal JSON values have equal bytes: object members sorted by
/// key, strings unescaped, numbers normalised.
///
/// The form is a compact tagged encoding, not JSON, so no escaping is needed: `n` `t` `f` literals; `S` + length + UTF-8
/// bytes for strings; `I` + sign + length + digits + exponent for numbers with an integer value (exact, whatever their size:
/// ids beyond 2^53 must not collapse); `D` + the 8 bytes of the IEEE double for numbers with a fraction (`1.10` and `1.1`
/// are the same double; the engines index them as doubles anyway); `[` elements `]`; `{` key value ... `}`.
///
/// ``JSONCursor`` reads the JSON (iteratively, so deep nesting cannot exhaust the thread's stack) and tells this writer
/// what it finds. Strings are kept as the engines keep them: a lone surrogate escape becomes its 3-byte generalised
/// UTF-8 form and bytes that are not UTF-8 stay as they are, so both sides of a comparison digest them the same way.
struct ReferenceCanonicalJSON {
    /// The canonical bytes of the last ``canonicalize(_:)``.
    private(set) var output: [UInt8] = []
    private var scratch: [UInt8] = []
    /// The open objects, innermost last (arrays need no bookkeeping).
    private var frames: [Frame] = []

    typealias Failure = JSONCursorError

    static let options = JSONCursor.Options(loneSurrogates: .keep, invalidUTF8: .keep)

    private struct Member {
        /// The key's content bytes inside `output`.
        var key: Range<Int>
        /// Where the member (key header included) starts inside `output`.
        var start: Int
    }

    private struct Frame {
        /// Where the first member starts inside `output` (after the `{` tag).
        var base: Int
        var members: [Member] = []
    }

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
        var cursor = JSONCursor(json, options: Self.options)
        try cursor.walkValue(&self)
        try cursor.expectEnd()
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

    /// Writes a string (escapes resolved) and returns where its content bytes are inside `output`.
    private mutating func appendString(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(Failure) -> Range<Int> {
        output.append(Tag.string)
        if !string.hasEscapes {
            let raw = cursor.rawContent(string)
            appendLength(raw.count)
            let content = output.count
            output.append(contentsOf: raw)
            return content..<output.count
        }
        scratch.removeAll(keepingCapacity: true)
        try cursor.decodeString(string, into: &scratch)
        appendLength(scratch.count)
        let content = output.count
        output.append(contentsOf: scratch)
        return content..<output.count
    }

    // MARK: Numbers

    /// Writes a number as an exact decimal (sign, significant digits, exponent) when its value is an integer, else as the
    /// double it denotes.
    private mutating func appendNumber(_ number: JSONCursor.ScannedNumber, in bytes: UnsafeRawBufferPointer) throws(Failure) {
        var exponent = 0
        for index in number.exponent {
            // Saturates: exponents beyond a billion are out of every engine's range anyway.
            exponent = min(exponent * 10 + Int(bytes[index] - 0x30), 1_000_000_000)
        }
        if number.exponentIsNegative { exponent = -exponent }
        // Significant digits: integer and fraction digits without leading zeros; trailing zeros move into the exponent.
        scratch.removeAll(keepingCapacity: true)
        for index in number.integer where !(scratch.isEmpty && bytes[index] == 0x30) {
            scratch.append(bytes[index])
        }
        for index in number.fraction where !(scratch.isEmpty && bytes[index] == 0x30) {
            scratch.append(bytes[index])
        }
        exponent -= number.fraction.count
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
            output.append(number.isNegative ? 1 : 0)
            appendLength(scratch.count)
            output.append(contentsOf: scratch)
            appendLength(exponent)
            return
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[number.range]), as: UTF8.self)
        guard let value = Double(text) else { throw Failure(offset: number.range.lowerBound, reason: "number out of range") }
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
}

extension ReferenceCanonicalJSON: JSONVisitor {
    mutating func beginObject() throws(Failure) {
        output.append(Tag.objectStart)
        frames.append(Frame(base: output.count))
    }

    mutating func key(_ key: JSONCursor.ScannedString, in cursor: JSONCursor) throws(Failure) {
        let start = output.count
        let content = try appendString(key, in: cursor)
        frames[frames.count - 1].members.append(Member(key: content, start: start))
    }

    mutating func endObject() throws(Failure) {
        closeObject()
    }

    mutating func beginArray() throws(Failure) {
        output.append(Tag.arrayStart)
    }

    mutating func endArray() throws(Failure) {
        output.append(Tag.arrayEnd)
    }

    mutating func string(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(Failure) {
        _ = try appendString(string, in: cursor)
    }

    mutating func number(_ number: JSONCursor.ScannedNumber, in cursor: JSONCursor) throws(Failure) {
        try appendNumber(number, in: cursor.bytes)
    }

    mutating func literal(_ literal: JSONCursor.Literal) throws(Failure) {
        switch literal {
        case .null: output.append(Tag.null)
        case .true: output.append(Tag.true)
        case .false: output.append(Tag.false)
        }
    }
}
