/// One commit point of an index: the `segments_N` file listing the segments and their deletion generations.
struct SegmentInfos: Sendable {
    /// One segment as the commit sees it.
    struct Entry: Sendable {
        var name: String
        var id: LuceneID
        var codec: String
        /// Generation of the `.liv` file, -1 without hard deletes.
        var deletesGeneration: Int64
        var deleteCount: Int
        /// Generation of an updated `.fnm`, -1 when the segment's own is current.
        var fieldInfosGeneration: Int64
        var docValuesGeneration: Int64
        var softDeleteCount: Int
        var fieldInfosFiles: [String]
        var docValuesUpdateFiles: [Int: [String]]
    }

    var fileName: String
    var generation: Int64
    /// The commit format: 6 (Lucene 5.3/6.x), 7 (7.0), 8 (7.2), 9 (7.4, 8.x), 10 (8.6+, 9.x).
    var format: Int
    var luceneVersion: LuceneVersion?
    var indexCreatedMajor: Int
    var segments: [Entry]
    var userData: [String: String]

    static let formats = 6...10

    /// Finds the newest `segments_N` (or `segments`) among `fileNames`.
    static func newestCommitFile(in fileNames: [String]) -> (name: String, generation: Int64)? {
        var best: (name: String, generation: Int64)?
        for name in fileNames {
            guard let generation = generation(ofCommitFile: name) else { continue }
            if best == nil || generation > best!.generation { best = (name, generation) }
        }
        return best
    }

    /// The generation of a commit file name: `segments` is 0, `segments_a` is 10; nil for other names.
    static func generation(ofCommitFile name: String) -> Int64? {
        if name == "segments" { return 0 }
        guard name.hasPrefix("segments_") else { return nil }
        return Int64(name.dropFirst("segments_".count), radix: 36)
    }

    /// Reads the newest commit of `directory`.
    static func readNewest(in directory: some LuceneDirectory) throws(SnapshotReaderError) -> SegmentInfos {
        guard let newest = newestCommitFile(in: try directory.fileNames()) else {
            throw SnapshotReaderError.invalidInput(
                "\(directory.displayName) holds no Lucene commit (no segments_N file); give the folder of a Lucene index, such as <data>/nodes/0/indices/<index-uuid>/0/index."
            )
        }
        return try read(try directory.open(newest.name), generation: newest.generation)
    }

    /// Parses a commit file, verifying its checksum.
    static func read(_ file: LuceneFile, generation: Int64) throws(SnapshotReaderError) -> SegmentInfos {
        try CodecUtil.withVerifiedFile(file, verifyChecksum: true) { (reader) throws(SnapshotReaderError) -> SegmentInfos in
            try parse(&reader, fileName: file.name, generation: generation)
        }
    }

    private static func parse(_ reader: inout ByteReader, fileName: String, generation: Int64) throws(SnapshotReaderError) -> SegmentInfos {
        let start = reader.offset
        let magic = UInt32(bitPattern: try reader.readBEInt32())
        guard magic == CodecUtil.headerMagic else {
            throw SnapshotReaderError.unsupported(fileName, "a commit format older than Lucene 5 (no codec header)")
        }
        reader.offset = start
        let header = try CodecUtil.readHeader(&reader, codecs: ["segments"], versions: formats)
        let format = header.version
        try CodecUtil.checkIDAndSuffix(&reader, id: nil, suffix: CodecUtil.base36(generation))

        let luceneVersion = LuceneVersion(Int(try reader.readVInt()), Int(try reader.readVInt()), Int(try reader.readVInt()))
        let indexCreatedMajor = format >= 7 ? Int(try reader.readVInt()) : 6
        _ = try reader.readBEInt64()  // version: counts changes
        if format >= 8 { _ = try reader.readVLong() } else { _ = try reader.readBEInt32() }  // name counter
        let countOffset = reader.offset
        let count = Int(try reader.readBEInt32())
        guard count >= 0, count <= reader.remaining / 20 else {
            throw SnapshotReaderError.corrupt(fileName, at: countOffset, "an impossible segment count \(count)")
        }
        if count > 0 { for _ in 0..<3 { _ = try reader.readVInt() } }  // oldest segment's version

        var segments: [Entry] = []
        segments.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.readString()
            if format < 7 {
                let markerOffset = reader.offset
                let hasID = try reader.readByte()
                guard hasID == 1 else {
                    if hasID == 0 { throw SnapshotReaderError.unsupported(fileName, "segment \(name) written by Lucene 4 (no segment id)") }
                    throw SnapshotReaderError.corrupt(fileName, at: markerOffset, "an invalid id marker \(hasID)")
                }
            }
            let id = try reader.readID()
            let codec = try reader.readString()
            let deletesGeneration = try reader.readBEInt64()
            let countsOffset = reader.offset
            let deleteCount = Int(try reader.readBEInt32())
            let fieldInfosGeneration = try reader.readBEInt64()
            let docValuesGeneration = try reader.readBEInt64()
            let softDeleteCount = format >= 9 ? Int(try reader.readBEInt32()) : 0
            guard deleteCount >= 0, softDeleteCount >= 0 else {
                throw SnapshotReaderError.corrupt(fileName, at: countsOffset, "a negative deletion count for segment \(name)")
            }
            if format >= 10 {
                let markerOffset = reader.offset
                switch try reader.readByte() {
                case 0: break
                case 1: _ = try reader.readID()
                case let marker: throw SnapshotReaderError.corrupt(fileName, at: markerOffset, "an invalid commit id marker \(marker)")
                }
            }
            let fieldInfosFiles = try reader.readSetOfStrings()
            let updatesOffset = reader.offset
            let updatedFields = Int(try reader.readBEInt32())
            guard updatedFields >= 0, updatedFields <= reader.remaining / 5 else {
                throw SnapshotReaderError.corrupt(
                    fileName, at: updatesOffset, "an impossible count of updated doc-values fields \(updatedFields)")
            }
            var updates: [Int: [String]] = [:]
            for _ in 0..<updatedFields {
                let field = Int(try reader.readBEInt32())
                updates[field] = try reader.readSetOfStrings()
            }
            segments.append(
                Entry(
                    name: name, id: id, codec: codec, deletesGeneration: deletesGeneration, deleteCount: deleteCount,
                    fieldInfosGeneration: fieldInfosGeneration, docValuesGeneration: docValuesGeneration,
                    softDeleteCount: softDeleteCount, fieldInfosFiles: fieldInfosFiles, docValuesUpdateFiles: updates))
        }
        let userData = try reader.readMapOfStrings()
        return SegmentInfos(
            fileName: fileName, generation: generation, format: format, luceneVersion: luceneVersion,
            indexCreatedMajor: indexCreatedMajor, segments: segments, userData: userData)
    }
}
