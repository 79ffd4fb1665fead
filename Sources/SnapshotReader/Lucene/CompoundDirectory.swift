/// The files of a compound segment (`_N.cfs` with its table of contents `_N.cfe`), as a directory of its own.
public struct CompoundDirectory: LuceneDirectory {
    public let segment: String
    private let data: LuceneFile
    /// File name (with the segment prefix) to its byte range in `data`.
    private let entries: [String: (offset: Int, length: Int)]
    private let outerName: String

    /// Opens `<segment>.cfe` and `<segment>.cfs` in `directory`, checking headers, ids and the entries' checksum.
    ///
    /// - Parameters:
    ///   - verifyChecksum: also verify the CRC32 of the whole `.cfs` (one pass over it).
    public init(directory: some LuceneDirectory, segment: String, id: LuceneID, verifyChecksum: Bool = false) throws(SnapshotReaderError) {
        self.segment = segment
        outerName = directory.displayName
        let table = try directory.open(segment + ".cfe")
        var bigEndian = true
        var parsed: [String: (offset: Int, length: Int)] = [:]
        try CodecUtil.withVerifiedFile(table, verifyChecksum: true) { (reader) throws(SnapshotReaderError) in
            let header = try CodecUtil.readIndexHeader(
                &reader, codecs: ["Lucene50CompoundEntries", "Lucene90CompoundEntries"], versions: 0...0, id: id, suffix: "")
            bigEndian = header.codec == "Lucene50CompoundEntries"
            let count = try reader.readCount("entry count", perItem: 17)
            for _ in 0..<count {
                let entryOffset = reader.offset
                let name = segment + (try reader.readString())
                let offset = try reader.readInt64(bigEndian: bigEndian)
                let length = try reader.readInt64(bigEndian: bigEndian)
                guard offset >= 0, length >= 0, parsed[name] == nil else {
                    throw SnapshotReaderError.corrupt(table.name, at: entryOffset, "an invalid entry for \(name)")
                }
                parsed[name] = (Int(offset), Int(length))
            }
        }
        let data = try directory.open(segment + ".cfs")
        try data.withBytes { (bytes) throws(SnapshotReaderError) in
            var reader = ByteReader(bytes, name: data.name)
            _ = try CodecUtil.readIndexHeader(
                &reader, codecs: [bigEndian ? "Lucene50CompoundData" : "Lucene90CompoundData"], versions: 0...0, id: id, suffix: "")
            try CodecUtil.checkFooter(bytes, name: data.name, verifyChecksum: verifyChecksum)
            for (name, range) in parsed where range.offset > bytes.count - CodecUtil.footerLength - range.length {
                throw SnapshotReaderError.corrupt(table.name, at: 0, "the entry \(name) lies outside \(data.name)")
            }
        }
        self.data = data
        entries = parsed
    }

    public var displayName: String { "\(segment).cfs in \(outerName)" }

    public func fileNames() throws(SnapshotReaderError) -> [String] {
        entries.keys.sorted()
    }

    public func open(_ name: String) throws(SnapshotReaderError) -> LuceneFile {
        guard let entry = entries[name] else {
            throw SnapshotReaderError.missing("\(name) in \(data.name)", "the compound file has no such entry")
        }
        return try data.slice(offset: entry.offset, length: entry.length, name: "\(name) in \(data.name)")
    }
}
