/// Which documents of a segment are live: a bit per document, set = live.
public struct LiveDocs: Sendable {
    public let maxDoc: Int
    /// 64 documents per word, document `d` at bit `d & 63` of word `d >> 6`.
    private(set) var words: [UInt64]

    /// Every document live.
    init(allLive maxDoc: Int) {
        self.maxDoc = maxDoc
        words = [UInt64](repeating: ~0, count: (maxDoc + 63) >> 6)
        clearTail()
    }

    private init(maxDoc: Int, words: [UInt64]) {
        self.maxDoc = maxDoc
        self.words = words
        clearTail()
    }

    private mutating func clearTail() {
        if maxDoc & 63 != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(maxDoc & 63)) - 1 }
    }

    @inline(__always)
    public func isLive(_ doc: Int) -> Bool {
        words[doc >> 6] & (1 << UInt64(doc & 63)) != 0
    }

    public var liveCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    mutating func delete(_ doc: Int) {
        words[doc >> 6] &= ~(1 << UInt64(doc & 63))
    }

    /// Whether any document in `range` is live.
    func anyLive(in range: Range<Int>) -> Bool {
        var doc = range.lowerBound
        while doc < range.upperBound {
            if doc & 63 == 0 && doc + 64 <= range.upperBound {
                if words[doc >> 6] != 0 { return true }
                doc += 64
            } else {
                if isLive(doc) { return true }
                doc += 1
            }
        }
        return false
    }

    static let codecs = ["Lucene50LiveDocs", "Lucene90LiveDocs"]

    /// Reads and checksums `<segment>_<gen>.liv`, checking it deletes `deleteCount` documents.
    static func read(in directory: some LuceneDirectory, segment: String, id: LuceneID, generation: Int64, maxDoc: Int, deleteCount: Int)
        throws(SnapshotReaderError) -> LiveDocs
    {
        let suffix = CodecUtil.base36(generation)
        let file = try directory.open("\(segment)_\(suffix).liv")
        return try CodecUtil.withVerifiedFile(file, verifyChecksum: true) { (reader) throws(SnapshotReaderError) -> LiveDocs in
            let header = try CodecUtil.readIndexHeader(&reader, codecs: codecs, versions: 0...0, id: id, suffix: suffix)
            let bigEndian = header.codec == "Lucene50LiveDocs"
            let count = (maxDoc + 63) >> 6
            try reader.need(count * 8)
            var words = [UInt64](repeating: 0, count: count)
            for index in 0..<count { words[index] = UInt64(bitPattern: try reader.readInt64(bigEndian: bigEndian)) }
            let live = LiveDocs(maxDoc: maxDoc, words: words)
            guard live.liveCount == maxDoc - deleteCount else {
                throw SnapshotReaderError.corrupt(
                    file.name, at: 0, "it marks \(maxDoc - live.liveCount) documents deleted where the commit says \(deleteCount)")
            }
            return live
        }
    }
}
