import Foundation
import TernCore

/// Converts SMILE, the binary JSON of Jackson that Elasticsearch writes its snapshot metadata in (and sometimes
/// `_source`), to JSON text.
///
/// The conversion is a single pass that appends to one byte array: strings are validated and escaped straight from
/// the input, and back-references to shared names and values copy the JSON already written for them.
///
/// Values without a JSON form: binary data becomes a base64 string (as Jackson writes it to JSON); floats and doubles
/// that are NaN or infinite become the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
public enum SmileDecoder {
    /// Deeper nesting is refused rather than risking the stack of whoever walks the JSON next.
    static let maxDepth = 1000
    /// BigInteger and BigDecimal magnitudes above this are refused: the decimal conversion is quadratic.
    static let maxBigNumberBytes = 16384

    /// Whether the bytes start with the SMILE header `:)\n`.
    public static func isSmile(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && bytes[0] == 0x3A && bytes[1] == 0x29 && bytes[2] == 0x0A
    }

    /// Converts one SMILE document to compact JSON (UTF-8 bytes), keeping key order.
    ///
    /// Decoding stops after the root value: an end marker (`0xFF`) or anything else after it is ignored.
    /// - Parameter name: names the input in errors (a file name).
    public static func json(from bytes: UnsafeRawBufferPointer, name: String) throws(SnapshotReaderError) -> [UInt8] {
        var converter = Converter(bytes: bytes, name: name)
        try converter.readHeader()
        try converter.readDocument()
        return converter.out
    }

    /// The state of one conversion.
    private struct Converter {
        let bytes: UnsafeRawBufferPointer
        let name: String
        var pos = 0
        var out: [UInt8] = []
        var sharesNames = false
        var sharesValues = false
        /// Where the quoted JSON of each shareable name and value was written in `out`; a back-reference copies it.
        var names: [Range<Int>] = []
        var values: [Range<Int>] = []
        /// Reused for 7-bit binary and big numbers.
        var scratch: [UInt8] = []

        init(bytes: UnsafeRawBufferPointer, name: String) {
            self.bytes = bytes
            self.name = name
            // JSON is usually somewhat larger than its SMILE; growing past this is still amortised.
            out.reserveCapacity(bytes.count + bytes.count / 2 + 64)
        }

        // MARK: Structure

        mutating func readHeader() throws(SnapshotReaderError) {
            guard SmileDecoder.isSmile(bytes) else {
                throw .corrupt(name, at: 0, "not SMILE: the header `:)\\n` is missing")
            }
            pos = 3
            let flags = try readByte()
            guard flags >> 4 == 0 else {
                throw .unsupported(name, "SMILE format version \(flags >> 4)")
            }
            sharesNames = flags & 0x01 != 0
            sharesValues = flags & 0x02 != 0
            if sharesNames { names.reserveCapacity(1024) }
            if sharesValues { values.reserveCapacity(1024) }
        }

        mutating func readDocument() throws(SnapshotReaderError) {
            guard pos < bytes.count, bytes[pos] != 0xFF else {
                throw .corrupt(name, at: pos, "the SMILE document holds no value")
            }
            // One entry per open container, true for objects; an explicit stack so depth costs no recursion.
            var stack: [Bool] = []
            var first = true
            while true {
                if let inObject = stack.last {
                    if inObject {
                        let start = pos
                        let token = try readByte()
                        if token == 0xFB {
                            out.append(0x7D)
                            stack.removeLast()
                            if stack.isEmpty { return }
                            first = false
                            continue
                        }
                        if !first { out.append(0x2C) }
                        try readKey(token, at: start)
                        out.append(0x3A)
                    } else {
                        try need(1)
                        if bytes[pos] == 0xF9 {
                            pos += 1
                            out.append(0x5D)
                            stack.removeLast()
                            if stack.isEmpty { return }
                            first = false
                            continue
                        }
                        if !first { out.append(0x2C) }
                    }
                }
                let start = pos
                let token = try readByte()
                if token == 0xF8 || token == 0xFA {
                    guard stack.count < SmileDecoder.maxDepth else {
                        throw .unsupported(name, "objects and arrays nested more than \(SmileDecoder.maxDepth) levels deep")
                    }
                    stack.append(token == 0xFA)
                    out.append(token == 0xFA ? 0x7B : 0x5B)
                    first = true
                    continue
                }
                try readScalar(token, at: start)
                if stack.isEmpty { return }
                first = false
            }
        }

        mutating func readKey(_ token: UInt8, at start: Int) throws(SnapshotReaderError) {
            switch token {
            case 0x20:
                out.append(0x22)
                out.append(0x22)
            case 0x30...0x33:
                let index = Int(token & 0x03) << 8 | Int(try readByte())
                try copyShared(names, index, what: "name", at: start)
            case 0x34:
                let length = try lengthBeforeEndMarker()
                let written = try appendString(length)
                pos += 1
                addName(written)
            case 0x40...0x7F:
                try copyShared(names, Int(token & 0x3F), what: "name", at: start)
            case 0x80...0xBF:
                addName(try appendString(Int(token & 0x3F) + 1))
            case 0xC0...0xF7:
                addName(try appendString(Int(token & 0x3F) + 2))
            default:
                throw .corrupt(name, at: start, "byte \(hex(token)) where a property name or the end of an object was expected")
            }
        }

        mutating func readScalar(_ token: UInt8, at start: Int) throws(SnapshotReaderError) {
            switch token {
            case 0x01...0x1F:
                try copyShared(values, Int(token) - 1, what: "string value", at: start)
            case 0x20:
                out.append(0x22)
                out.append(0x22)
            case 0x21: appendLiteral("null")
            case 0x22: appendLiteral("false")
            case 0x23: appendLiteral("true")
            case 0x24:
                let raw = try readVInt(maxBytes: 5, at: start)
                guard raw <= UInt64(UInt32.max) else { throw .corrupt(name, at: start, "a 32-bit integer wider than 32 bits") }
                appendInteger(zigzag(raw))
            case 0x25:
                appendInteger(zigzag(try readVInt(maxBytes: 10, at: start)))
            case 0x26:
                try readBigInteger(at: start)
            case 0x28:
                var bits: UInt32 = 0
                try need(5)
                for index in 0..<5 { bits = bits << 7 | UInt32(bytes[pos + index] & 0x7F) }
                pos += 5
                appendFloatingPoint(Float(bitPattern: bits))
            case 0x29:
                var bits: UInt64 = 0
                try need(10)
                for index in 0..<10 { bits = bits << 7 | UInt64(bytes[pos + index] & 0x7F) }
                pos += 10
                appendFloatingPoint(Double(bitPattern: bits))
            case 0x2A:
                try readBigDecimal(at: start)
            case 0x40...0x5F:
                addValue(try appendString(Int(token & 0x1F) + 1))
            case 0x60...0x7F:
                addValue(try appendString(Int(token & 0x1F) + 33))
            case 0x80...0x9F:
                addValue(try appendString(Int(token & 0x1F) + 2))
            case 0xA0...0xBF:
                addValue(try appendString(Int(token & 0x1F) + 34))
            case 0xC0...0xDF:
                appendInteger(zigzag(UInt64(token & 0x1F)))
            case 0xE0, 0xE4:
                // Long strings are never shared.
                _ = try appendString(try lengthBeforeEndMarker())
                pos += 1
            case 0xE8:
                let count = try readLength(at: start)
                try read7BitBinary(count, at: start)
                appendBase64(scratch)
            case 0xEC...0xEF:
                let index = Int(token & 0x03) << 8 | Int(try readByte())
                try copyShared(values, index, what: "string value", at: start)
            case 0xFD:
                let count = try readLength(at: start)
                try need(count)
                appendBase64(UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + count)]))
                pos += count
            case 0xFF:
                throw .corrupt(name, at: start, "the document ends (0xFF) inside an object or array")
            default:
                throw .corrupt(name, at: start, "byte \(hex(token)) where a value was expected")
            }
        }

        // MARK: Shared names and values

        mutating func copyShared(_ table: [Range<Int>], _ index: Int, what: String, at start: Int) throws(SnapshotReaderError) {
            guard index < table.count else {
                throw .corrupt(name, at: start, "a reference to shared \(what) \(index) of only \(table.count) seen")
            }
            // Element by element: `out` cannot lend a slice of itself while it grows.
            for offset in table[index] { out.append(out[offset]) }
        }

        /// Jackson's parser and generator both start the table over when it is full and one more entry comes.
        mutating func addName(_ written: Range<Int>) {
            guard sharesNames else { return }
            if names.count == 1024 { names.removeAll(keepingCapacity: true) }
            names.append(written)
        }

        /// Every length-prefixed string value is shareable (the spec says at most 64 bytes; only `0xBF`, 65 bytes,
        /// differs, and Jackson's parser shares it too).
        mutating func addValue(_ written: Range<Int>) {
            guard sharesValues else { return }
            if values.count == 1024 { values.removeAll(keepingCapacity: true) }
            values.append(written)
        }

        // MARK: Strings

        /// The byte count of a long string or name, up to its `0xFC` end marker (which the caller skips).
        func lengthBeforeEndMarker() throws(SnapshotReaderError) -> Int {
            let remaining = bytes.count - pos
            guard remaining > 0, let base = bytes.baseAddress,
                let marker = memchr(base + pos, 0xFC, remaining)
            else {
                throw .truncated(name, at: bytes.count, needed: 1)
            }
            return UnsafeRawPointer(marker) - (base + pos)
        }

        /// Writes `count` UTF-8 bytes at the read position as a quoted, escaped JSON string; returns where it went.
        mutating func appendString(_ count: Int) throws(SnapshotReaderError) -> Range<Int> {
            try need(count)
            let written = out.count
            out.append(0x22)
            let end = pos + count
            var index = pos
            var run = pos
            while index < end {
                let byte = bytes[index]
                if byte >= 0x80 {
                    index += try utf8SequenceLength(at: index, end: end)
                    continue
                }
                if !JSONStringEscaper.needsEscape(byte) {
                    index += 1
                    continue
                }
                if run < index { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<index])) }
                JSONStringEscaper.appendEscape(byte, to: &out)
                index += 1
                run = index
            }
            if run < end { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<end])) }
            out.append(0x22)
            pos = end
            return written..<out.count
        }

        /// The length of the well-formed UTF-8 sequence starting at `index`, which must end by `end`.
        func utf8SequenceLength(at index: Int, end: Int) throws(SnapshotReaderError) -> Int {
            let lead = bytes[index]
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
                high = 0x9F  // no UTF-16 surrogates
            case 0xE1...0xEF: length = 3
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF4:
                length = 4
                high = 0x8F  // nothing above U+10FFFF
            case 0xF1...0xF3: length = 4
            default: throw .corrupt(name, at: index, "invalid UTF-8 byte \(hex(lead)) in a string")
            }
            guard end - index >= length else {
                throw .corrupt(name, at: index, "a UTF-8 sequence cut short at the end of a string")
            }
            let second = bytes[index + 1]
            guard second >= low && second <= high else {
                throw .corrupt(name, at: index + 1, "invalid UTF-8 byte \(hex(second)) in a string")
            }
            for next in (index + 2)..<(index + length) where bytes[next] & 0xC0 != 0x80 {
                throw .corrupt(name, at: next, "invalid UTF-8 byte \(hex(bytes[next])) in a string")
            }
            return length
        }

        // MARK: Numbers

        /// SMILE's VInt: big-endian 7-bit groups, the last byte flagged by its high bit and carrying 6 bits.
        mutating func readVInt(maxBytes: Int, at start: Int) throws(SnapshotReaderError) -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<maxBytes {
                let byte = try readByte()
                if byte & 0x80 != 0 {
                    guard value >> 58 == 0 else { break }
                    return value << 6 | UInt64(byte & 0x3F)
                }
                guard value >> 57 == 0 else { break }
                value = value << 7 | UInt64(byte)
            }
            throw .corrupt(name, at: start, "a variable-length integer longer than \(maxBytes) bytes or wider than 64 bits")
        }

        /// A byte count (binary data, big numbers): an unsigned 32-bit VInt.
        mutating func readLength(at start: Int) throws(SnapshotReaderError) -> Int {
            let value = try readVInt(maxBytes: 5, at: start)
            guard value <= UInt64(Int32.max) else { throw .corrupt(name, at: start, "an impossible length \(value)") }
            return Int(value)
        }

        func zigzag(_ raw: UInt64) -> Int64 {
            Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        }

        mutating func readBigInteger(at start: Int) throws(SnapshotReaderError) {
            let count = try readLength(at: start)
            try read7BitBinary(count, at: start, limit: SmileDecoder.maxBigNumberBytes)
            if count == 0 {
                out.append(0x30)
                return
            }
            let (negative, digits) = decimalDigits(ofTwosComplement: scratch)
            if negative { out.append(0x2D) }
            out.append(contentsOf: digits)
        }

        /// Written the way Java's `BigDecimal.toString` writes it (what Jackson puts in JSON): plain unless the
        /// exponent is positive or the number is below 1e-6.
        mutating func readBigDecimal(at start: Int) throws(SnapshotReaderError) {
            let rawScale = try readVInt(maxBytes: 5, at: start)
            guard rawScale <= UInt64(UInt32.max) else { throw .corrupt(name, at: start, "a BigDecimal scale wider than 32 bits") }
            let scale = Int(zigzag(rawScale))
            let count = try readLength(at: start)
            try read7BitBinary(count, at: start, limit: SmileDecoder.maxBigNumberBytes)
            if count == 0 {
                out.append(0x30)
                return
            }
            let (negative, digits) = decimalDigits(ofTwosComplement: scratch)
            if negative { out.append(0x2D) }
            let adjusted = digits.count - 1 - scale
            if scale >= 0 && adjusted >= -6 {
                if scale == 0 {
                    out.append(contentsOf: digits)
                } else if digits.count > scale {
                    out.append(contentsOf: digits[..<(digits.count - scale)])
                    out.append(0x2E)
                    out.append(contentsOf: digits[(digits.count - scale)...])
                } else {
                    out.append(0x30)
                    out.append(0x2E)
                    out.append(contentsOf: repeatElement(0x30, count: scale - digits.count))
                    out.append(contentsOf: digits)
                }
            } else {
                out.append(digits[0])
                if digits.count > 1 {
                    out.append(0x2E)
                    out.append(contentsOf: digits[1...])
                }
                out.append(0x45)
                out.append(adjusted < 0 ? 0x2D : 0x2B)
                appendUnsigned(UInt64(adjusted.magnitude))
            }
        }

        /// The sign and decimal digits of a big-endian two's-complement integer (Java's `BigInteger.toByteArray`).
        func decimalDigits(ofTwosComplement bytes: [UInt8]) -> (negative: Bool, digits: [UInt8]) {
            let negative = bytes[0] & 0x80 != 0
            // Little-endian 32-bit limbs of the magnitude.
            var limbs = [UInt32](repeating: 0, count: (bytes.count + 3) / 4)
            var carry: UInt32 = 1
            for (position, byte) in bytes.reversed().enumerated() {
                var value = UInt32(byte)
                if negative {
                    value = UInt32(~byte) + carry
                    carry = value >> 8
                    value &= 0xFF
                }
                limbs[position / 4] |= value << (8 * UInt32(position % 4))
            }
            while limbs.last == 0 { limbs.removeLast() }
            // Repeated division by 10^9, least significant group first.
            var groups: [UInt32] = []
            groups.reserveCapacity(limbs.count * 10 / 9 + 1)
            while !limbs.isEmpty {
                var remainder: UInt64 = 0
                for index in stride(from: limbs.count - 1, through: 0, by: -1) {
                    let current = remainder << 32 | UInt64(limbs[index])
                    limbs[index] = UInt32(current / 1_000_000_000)
                    remainder = current % 1_000_000_000
                }
                groups.append(UInt32(remainder))
                while limbs.last == 0 { limbs.removeLast() }
            }
            guard let top = groups.last else { return (false, [0x30]) }
            var digits: [UInt8] = []
            digits.reserveCapacity(groups.count * 9)
            digits.append(contentsOf: String(top).utf8)
            for group in groups.dropLast().reversed() {
                var chunk = [UInt8](repeating: 0x30, count: 9)
                var rest = group
                for index in stride(from: 8, through: 0, by: -1) {
                    chunk[index] = 0x30 + UInt8(rest % 10)
                    rest /= 10
                }
                digits.append(contentsOf: chunk)
            }
            return (negative, digits)
        }

        mutating func appendInteger(_ value: Int64) {
            if value < 0 { out.append(0x2D) }
            appendUnsigned(value.magnitude)
        }

        mutating func appendUnsigned(_ value: UInt64) {
            var digitCount = 1
            var rest = value
            while rest >= 10 {
                rest /= 10
                digitCount += 1
            }
            let start = out.count
            out.append(contentsOf: repeatElement(0x30, count: digitCount))
            rest = value
            var index = start + digitCount - 1
            while rest > 0 {
                out[index] = 0x30 + UInt8(rest % 10)
                rest /= 10
                index -= 1
            }
        }

        /// Shortest round-trip form; NaN and infinities have no JSON number, so they become strings.
        mutating func appendFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) {
            if value.isNaN {
                appendLiteral("\"NaN\"")
            } else if value.isInfinite {
                appendLiteral(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
            } else {
                out.append(contentsOf: value.description.utf8)
            }
        }

        // MARK: Binary

        /// Decodes `count` bytes of 7-bit binary (8 input bytes per 7 output bytes, the last group's final byte
        /// holding the remaining bits right-aligned) into `scratch`.
        mutating func read7BitBinary(_ count: Int, at start: Int, limit: Int = .max) throws(SnapshotReaderError) {
            guard count <= limit else {
                throw .unsupported(name, "a big number of \(count) bytes (at byte \(start); at most \(limit) are read)")
            }
            let tail = count % 7
            let encoded = count / 7 * 8 + (tail == 0 ? 0 : tail + 1)
            try need(encoded)
            scratch.removeAll(keepingCapacity: true)
            scratch.reserveCapacity(count)
            var index = pos
            for _ in 0..<(count / 7) {
                var group: UInt64 = 0
                for offset in 0..<8 { group = group << 7 | UInt64(bytes[index + offset] & 0x7F) }
                for shift in stride(from: 48, through: 0, by: -8) { scratch.append(UInt8(truncatingIfNeeded: group >> UInt64(shift))) }
                index += 8
            }
            if tail > 0 {
                var group: UInt64 = 0
                for offset in 0..<tail { group = group << 7 | UInt64(bytes[index + offset] & 0x7F) }
                group = group << UInt64(tail) | UInt64(bytes[index + tail] & ((1 << UInt8(tail)) - 1))
                for shift in stride(from: 8 * (tail - 1), through: 0, by: -8) {
                    scratch.append(UInt8(truncatingIfNeeded: group >> UInt64(shift)))
                }
            }
            pos += encoded
        }

        /// Standard base64 with padding, as Jackson writes binary to JSON.
        mutating func appendBase64<Bytes: RandomAccessCollection>(_ data: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
            out.append(0x22)
            var index = data.startIndex
            while data.endIndex - index >= 3 {
                let value = UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2])
                out.append(base64Digit(value >> 18))
                out.append(base64Digit(value >> 12))
                out.append(base64Digit(value >> 6))
                out.append(base64Digit(value))
                index += 3
            }
            let left = data.endIndex - index
            if left > 0 {
                let value = UInt32(data[index]) << 16 | (left == 2 ? UInt32(data[index + 1]) << 8 : 0)
                out.append(base64Digit(value >> 18))
                out.append(base64Digit(value >> 12))
                out.append(left == 2 ? base64Digit(value >> 6) : 0x3D)
                out.append(0x3D)
            }
            out.append(0x22)
        }

        // MARK: Reading

        @inline(__always)
        func need(_ count: Int) throws(SnapshotReaderError) {
            let available = bytes.count - pos
            guard count <= available else { throw .truncated(name, at: bytes.count, needed: count - available) }
        }

        @inline(__always)
        mutating func readByte() throws(SnapshotReaderError) -> UInt8 {
            try need(1)
            defer { pos += 1 }
            return bytes[pos]
        }

        mutating func appendLiteral(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }
    }
}

private func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10
}

private func base64Digit(_ sextet: UInt32) -> UInt8 {
    let value = UInt8(truncatingIfNeeded: sextet & 0x3F)
    switch value {
    case 0..<26: return 0x41 + value
    case 26..<52: return 0x61 + value - 26
    case 52..<62: return 0x30 + value - 52
    case 62: return 0x2B
    default: return 0x2F
    }
}

private func hex(_ byte: UInt8) -> String {
    "0x" + String(UnicodeScalar(hexDigit(byte >> 4))) + String(UnicodeScalar(hexDigit(byte & 0x0F)))
}
