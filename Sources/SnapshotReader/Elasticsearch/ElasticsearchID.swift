/// Elasticsearch's binary `_id` encoding (`Uid.encodeId`, indices created by 6.0+): the first byte picks the form.
///
/// - `0xFE`: a decimal id, two digits per byte, `0xF` padding the last one.
/// - `0xFF`: any other id, as UTF-8 after the marker.
/// - anything else: an id that was unpadded base64url, stored as its decoded bytes; `0xFD` escapes bytes that would
///   read as a marker (`0xFD`...`0xFF`).
public enum ElasticsearchID {
    private static let numeric: UInt8 = 0xFE
    private static let utf8: UInt8 = 0xFF
    private static let escape: UInt8 = 0xFD
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The id as the user gave it.
    ///
    /// - Parameters:
    ///   - bytes: the stored `_id` value.
    ///   - source: names the document's file in errors (built only for an error: this runs once per document).
    public static func decode(_ bytes: UnsafeRawBufferPointer, source: @autoclosure () -> String = "_id") throws(SnapshotReaderError)
        -> String
    {
        guard let first = bytes.first else { throw SnapshotReaderError.corrupt(source(), at: 0, "an empty _id") }
        switch first {
        case numeric:
            var text: [UInt8] = []
            text.reserveCapacity(bytes.count * 2)
            for index in 1..<bytes.count {
                let byte = bytes[index]
                let high = byte >> 4
                let low = byte & 0x0F
                guard high <= 9, low <= 9 || (low == 0x0F && index == bytes.count - 1) else {
                    throw SnapshotReaderError.corrupt(
                        source(), at: index, "a numeric _id with the non-digit nibble in 0x\(String(byte, radix: 16))")
                }
                text.append(0x30 + high)
                if low != 0x0F { text.append(0x30 + low) }
            }
            return String(decoding: text, as: UTF8.self)
        case utf8:
            guard let text = String(validating: bytes[1...], as: UTF8.self) else {
                throw SnapshotReaderError.corrupt(source(), at: 0, "a UTF-8 _id that is not valid UTF-8")
            }
            return text
        default:
            return base64URL(UnsafeRawBufferPointer(rebasing: bytes[(first == escape ? 1 : 0)...]))
        }
    }

    /// The stored form of `id`, as Elasticsearch writes it.
    public static func encode(_ id: String) -> [UInt8] {
        let utf8Bytes = Array(id.utf8)
        if !utf8Bytes.isEmpty, utf8Bytes.allSatisfy({ (0x30...0x39).contains($0) }) {
            var encoded: [UInt8] = [numeric]
            var index = 0
            while index < utf8Bytes.count {
                let high = utf8Bytes[index] - 0x30
                let low = index + 1 < utf8Bytes.count ? utf8Bytes[index + 1] - 0x30 : 0x0F
                encoded.append(high << 4 | low)
                index += 2
            }
            return encoded
        }
        if let decoded = decodeBase64URL(utf8Bytes), !decoded.isEmpty {
            return decoded[0] >= escape ? [escape] + decoded : decoded
        }
        return [utf8] + utf8Bytes
    }

    private static func base64URL(_ bytes: UnsafeRawBufferPointer) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { text.append(alphabet[Int(group >> UInt32(shift) & 63)]) }
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let group = UInt32(bytes[index]) << 16
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
        case 2:
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
            text.append(alphabet[Int(group >> 6 & 63)])
        default: break
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes unpadded base64url the way `Uid.isURLBase64WithoutPadding` accepts it: no length of 4n+1 and no stray
    /// bits in the last character, so that every accepted id re-encodes to itself.
    private static func decodeBase64URL(_ text: [UInt8]) -> [UInt8]? {
        if text.isEmpty || text.count % 4 == 1 { return nil }
        var values: [UInt32] = []
        values.reserveCapacity(text.count)
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            values.append(UInt32(value))
        }
        let unusedBits: UInt32 = text.count % 4 == 2 ? 4 : (text.count % 4 == 3 ? 2 : 0)
        if unusedBits > 0, values[values.count - 1] & ((1 << unusedBits) - 1) != 0 { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits: UInt32 = 0
        for value in values {
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> bits))
                accumulator &= (1 << bits) - 1
            }
        }
        return bytes
    }
}
