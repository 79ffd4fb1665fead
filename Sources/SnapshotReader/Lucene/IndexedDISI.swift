/// Walks the document set Lucene 7+ doc values keep for sparse fields ("IndexedDISI"): blocks of 65536 document ids,
/// each a list of 16-bit ids (sparse), a bitmap (dense) or nothing (all).
enum IndexedDISI {
    /// Calls `body` with every document id in the set that is below `maxDoc`, in order.
    ///
    /// - Parameters:
    ///   - rankBytes: bytes of rank table before each dense bitmap (Lucene 8+ writes `1024 >> (power - 7)`), 0 for Lucene 7.
    static func forEachDocument(
        _ bytes: UnsafeRawBufferPointer, name: String, offset: Int, length: Int, bigEndian: Bool, rankBytes: Int, maxDoc: Int,
        _ body: (Int) -> Void
    ) throws(SnapshotReaderError) {
        guard offset >= 0, length >= 0, offset <= bytes.count - length else {
            throw SnapshotReaderError.corrupt(name, at: offset, "a document set of \(length) bytes lies outside the file")
        }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), name: name)
        var previousBlock = -1
        while true {
            let blockOffset = offset + reader.offset
            let block = Int(UInt16(bitPattern: try reader.readInt16(bigEndian: bigEndian)))
            let count = Int(UInt16(bitPattern: try reader.readInt16(bigEndian: bigEndian))) + 1
            guard block > previousBlock else {
                throw SnapshotReaderError.corrupt(name, at: blockOffset, "document set blocks out of order")
            }
            previousBlock = block
            let base = block << 16
            // Lucene ends the set with a block holding only NO_MORE_DOCS; a reader may stop at maxDoc.
            if base >= maxDoc { return }
            if count <= 4095 {
                for _ in 0..<count {
                    let doc = base | Int(UInt16(bitPattern: try reader.readInt16(bigEndian: bigEndian)))
                    if doc < maxDoc { body(doc) }
                }
            } else if count == 65536 {
                for doc in base..<min(base + 65536, maxDoc) { body(doc) }
            } else {
                try reader.skip(rankBytes)
                for word in 0..<1024 {
                    var bits = UInt64(bitPattern: try reader.readInt64(bigEndian: bigEndian))
                    while bits != 0 {
                        let doc = base + word * 64 + bits.trailingZeroBitCount
                        if doc < maxDoc { body(doc) }
                        bits &= bits - 1
                    }
                }
            }
        }
    }
}
