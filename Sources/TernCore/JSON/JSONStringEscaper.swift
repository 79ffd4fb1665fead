/// Writes JSON string literals: the one escaper for every string Tern writes into JSON text itself (ndjson lines, `_bulk`
/// action lines, request bodies, dead letters, SMILE converted to JSON).
///
/// It escapes what JSON requires and nothing more, the way Jackson (and so Elasticsearch) does: `\"`, `\\`, the short
/// forms `\b` `\f` `\n` `\r` `\t`, and `\u00XX` (upper-case hex) for the other control characters. `/`, DEL and all
/// non-ASCII text are written as they are.
public enum JSONStringEscaper {
    /// Appends `text` as a quoted JSON string.
    public static func append(_ text: String, to output: inout [UInt8]) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            append(utf8: UnsafeRawBufferPointer(utf8), to: &output)
        }
        if done == nil {
            Array(text.utf8).withUnsafeBytes { append(utf8: $0, to: &output) }
        }
    }

    /// `text` as a quoted JSON string.
    public static func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 2)
        append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends UTF-8 bytes as a quoted JSON string. The bytes are not checked: they must be UTF-8.
    public static func append(utf8 bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let count = bytes.count
        var index = 0
        var run = 0
        while index < count {
            // Eight bytes at a time while none needs an escape.
            while index &+ 8 <= count, !JSONCursor.hasSpecialByte(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index &+= 8
            }
            guard index < count else { break }
            let byte = bytes[index]
            if needsEscape(byte) {
                if run < index { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<index])) }
                appendEscape(byte, to: &output)
                run = index &+ 1
            }
            index &+= 1
        }
        if run < count { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<count])) }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether `byte` cannot stand for itself inside a JSON string: `"`, `\` and the control characters.
    @inlinable
    public static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends the escape sequence of one byte that ``needsEscape(_:)``.
    @inlinable
    public static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        default:
            let high = byte >> 4
            let low = byte & 0x0F
            output.append(UInt8(ascii: "u"))
            output.append(UInt8(ascii: "0"))
            output.append(UInt8(ascii: "0"))
            output.append(high < 10 ? 0x30 &+ high : 0x41 &+ high &- 10)
            output.append(low < 10 ? 0x30 &+ low : 0x41 &+ low &- 10)
        }
    }
}
