import TernCore

/// The binary form of a record, versioned so that a later Tern can add fields.
///
/// Layout (version 1): encoding version (UInt8), kind (UInt8), exchange (UInt64), timestamp (Int64), then for a request the
/// method and target, for a response the status; then the headers and the body. Integers are little-endian; strings
/// (UTF-8), header counts, statuses and byte strings use unsigned LEB128 lengths.
extension CaptureRecord {
    static let encodingVersion: UInt8 = 1

    /// The record in its binary form.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return bytes
    }

    /// Appends the binary form to `bytes`, so that the log can frame a record without copying its body once more.
    func encode(into bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + 32 + method.utf8.count + target.utf8.count + body.count + headers.count * 32)
        bytes.append(Self.encodingVersion)
        bytes.append(kind.rawValue)
        bytes.appendLittleEndian(exchange)
        bytes.appendLittleEndian(timestampMillis)
        switch kind {
        case .request:
            bytes.appendString(method)
            bytes.appendString(target)
        case .response:
            bytes.appendVarint(UInt64(max(0, status)))
        }
        let kept = headers.filter(\.isAllowed)
        bytes.appendVarint(UInt64(kept.count))
        for header in kept {
            bytes.appendString(header.name)
            bytes.appendString(header.value)
        }
        bytes.appendVarint(UInt64(body.count))
        bytes.append(contentsOf: body)
    }

    /// Decodes a record written by ``encoded()``.
    /// - Throws: `TernError` (`.captureLog`) saying why the bytes are not a record.
    public init(encoded bytes: [UInt8]) throws {
        var reader = ByteReader(bytes: bytes)
        let version = try reader.byte()
        guard version == Self.encodingVersion else {
            throw TernError(.captureLog, "The record has encoding version \(version), which this Tern does not read.")
        }
        guard let kind = Kind(rawValue: try reader.byte()) else {
            throw TernError(.captureLog, "The record is neither a request nor a response.")
        }
        let exchange = try reader.fixed(UInt64.self)
        let timestamp = try reader.fixed(Int64.self)
        var method = ""
        var target = ""
        var status = 0
        switch kind {
        case .request:
            method = try reader.string()
            target = try reader.string()
        case .response:
            status = Int(try reader.varint())
        }
        var headers: [CaptureHeader] = []
        let headerCount = try reader.varint()
        for _ in 0..<headerCount {
            headers.append(CaptureHeader(name: try reader.string(), value: try reader.string()))
        }
        let body = try reader.bytes(count: try reader.varint())
        self.init(
            kind: kind, exchange: exchange, timestampMillis: timestamp, method: method, target: target, headers: headers,
            status: status, body: body)
    }

    /// The exchange id of an encoded record, without decoding the rest.
    static func exchange(ofEncoded bytes: [UInt8]) -> UInt64? {
        guard bytes.count >= 10, bytes[0] == encodingVersion else { return nil }
        return bytes.littleEndian(UInt64.self, at: 2)
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    fileprivate mutating func appendString(_ text: String) {
        appendVarint(UInt64(text.utf8.count))
        append(contentsOf: text.utf8)
    }
}

/// Reads the fields of an encoded record, failing on a short or malformed buffer.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    private static let truncated = TernError(.captureLog, "The record ends before its last field.")

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Self.truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func fixed<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard bytes.count - offset >= MemoryLayout<T>.size else { throw Self.truncated }
        defer { offset += MemoryLayout<T>.size }
        return bytes.littleEndian(type, at: offset)
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw TernError(.captureLog, "The record holds a malformed length.") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    mutating func bytes(count: UInt64) throws -> [UInt8] {
        guard UInt64(bytes.count - offset) >= count else { throw Self.truncated }
        let end = offset + Int(count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    mutating func string() throws -> String {
        let raw = try bytes(count: try varint())
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw TernError(.captureLog, "The record holds text that is not UTF-8.")
        }
        return text
    }
}
