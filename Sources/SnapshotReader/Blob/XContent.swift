/// Elasticsearch's "x-content": the same document as JSON, SMILE, CBOR or YAML. Tern speaks JSON; SMILE is converted,
/// the others are named in a clear error.
public enum XContent {
    /// The document as JSON text.
    /// - Parameter name: names the document in errors; built only when needed, as this runs once per document.
    public static func json(from bytes: UnsafeRawBufferPointer, name: @autoclosure () -> String) throws(SnapshotReaderError) -> [UInt8] {
        if SmileDecoder.isSmile(bytes) {
            return try SmileDecoder.json(from: bytes, name: name())
        }
        var start = 0
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        if start < bytes.count, bytes[start] == UInt8(ascii: "{") || bytes[start] == UInt8(ascii: "[") {
            return Array(bytes)
        }
        if bytes.starts(with: [0xD9, 0xD9, 0xF7]) || (bytes.first.map { $0 & 0xE0 == 0xA0 } ?? false) {
            throw SnapshotReaderError.unsupported(name(), "a CBOR document (convert the index's source format to JSON first)")
        }
        if bytes.starts(with: Array("---".utf8)) {
            throw SnapshotReaderError.unsupported(name(), "a YAML document")
        }
        throw SnapshotReaderError.corrupt(name(), at: 0, "neither JSON nor SMILE")
    }
}
