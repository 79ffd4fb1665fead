/// Reads a segment's stored fields (`.fdt`) sequentially, chunk by chunk, decompressing each chunk once.
///
/// Formats: Lucene50StoredFields{Fast,High}Data versions 1-4 (Lucene 5 to 8.6; LZ4 or DEFLATE),
/// Lucene87StoredFields{Fast,High}Data (Lucene 8.7+; LZ4 or DEFLATE with a preset dictionary), and the Lucene 9/10
/// layout (`Lucene90CompressingStoredFieldsFormat`: little-endian numbers, chunk headers as `StoredFieldsInts`) under
/// Lucene's own names and under those of the zstd modes other writers plug into it: Elasticsearch 8.14+'s
/// `ZstdStoredFields814` and OpenSearch's `CustomStoredFieldsZstd[NoDict]`. No `.fdx` is needed: chunks follow each
/// other until the segment's last document.
struct StoredFieldsReader: Sendable {
    enum Compression: Sendable {
        /// LZ4 over the whole chunk (Lucene50 FAST).
        case lz4
        /// A vInt length, then raw DEFLATE (Lucene50 HIGH).
        case deflate
        /// A dictionary and ~10 blocks, each LZ4 with the dictionary as history (Lucene87 BEST_SPEED).
        case lz4WithDictionary
        /// The same with DEFLATE and zlib's preset dictionary (Lucene87 BEST_COMPRESSION).
        case deflateWithDictionary
        /// A vInt length, then one zstd frame (Elasticsearch 8.14+; nothing at all for an empty piece).
        case zstd
        /// A dictionary and ~10 blocks, each a vInt length and a zstd frame with the dictionary as raw-content history
        /// (OpenSearch's `zstd` codec).
        case zstdWithDictionary
        /// A block length, then ~10 blocks, each a vInt length and a zstd frame (OpenSearch's `zstd_no_dict` codec).
        case zstdBlocks
    }

    /// The chunk layouts: Lucene 5 to 8, and the Lucene 9/10 one.
    enum Layout: Sendable {
        /// Packed-ints chunk headers, big-endian numbers, parameters in `.fdt` (versions 1-2) or `.fdm` (3-4).
        case lucene50
        /// `StoredFieldsInts` chunk headers, little-endian numbers, chunk size in `.fdm` (`Lucene90FieldsIndexMeta`).
        case lucene90
    }

    let file: LuceneFile
    let codec: String
    let version: Int
    let compression: Compression
    let layout: Layout
    let chunkSize: Int
    let packedIntsVersion: Int
    /// Offset of the first chunk.
    let dataStart: Int
    let maxDoc: Int

    private static let codecs: [String: (Compression, Layout)] = [
        "Lucene50StoredFieldsFastData": (.lz4, .lucene50), "Lucene50StoredFieldsHighData": (.deflate, .lucene50),
        "Lucene87StoredFieldsFastData": (.lz4WithDictionary, .lucene50),
        "Lucene87StoredFieldsHighData": (.deflateWithDictionary, .lucene50),
        "Lucene90StoredFieldsFastData": (.lz4WithDictionary, .lucene90),
        "Lucene90StoredFieldsHighData": (.deflateWithDictionary, .lucene90),
        "ZstdStoredFields814": (.zstd, .lucene90),
        "CustomStoredFieldsZstd": (.zstdWithDictionary, .lucene90),
        "CustomStoredFieldsZstdNoDict": (.zstdBlocks, .lucene90),
    ]

    /// Opens `<segment>.fdt` (and `.fdm` from version 3 and in Lucene 9+), checking headers, ids and the footer's
    /// structure.
    ///
    /// - Parameters:
    ///   - verifyChecksum: also verify the CRC32 of the whole `.fdt` (a full pass over it).
    static func open(in directory: some LuceneDirectory, info: SegmentInfo, verifyChecksum: Bool) throws(SnapshotReaderError)
        -> StoredFieldsReader
    {
        let file = try directory.open(info.name + ".fdt")
        let (header, chunkStart, inlineParameters) = try file.withBytes {
            (bytes) throws(SnapshotReaderError) -> (CodecUtil.Header, Int, (Int, Int)?) in
            var reader = ByteReader(bytes, name: file.name)
            let header = try CodecUtil.readIndexHeader(
                &reader, codecs: Array(codecs.keys).sorted(), versions: 1...4, id: info.id, suffix: "")
            if codecs[header.codec]!.1 == .lucene90 && header.version != 1 {
                throw SnapshotReaderError.unsupported(file.name, "\(header.codec) format version \(header.version) (known: 1)")
            }
            try CodecUtil.checkFooter(bytes, name: file.name, verifyChecksum: verifyChecksum)
            if header.version >= 3 || codecs[header.codec]!.1 == .lucene90 { return (header, reader.offset, nil) }
            let chunkSize = Int(try reader.readVInt())
            let packedIntsVersion = Int(try reader.readVInt())
            return (header, reader.offset, (chunkSize, packedIntsVersion))
        }
        let (compression, layout) = codecs[header.codec]!
        var parameters = inlineParameters
        if parameters == nil {
            let meta = try directory.open(info.name + ".fdm")
            parameters = try CodecUtil.withVerifiedFile(meta, verifyChecksum: true) { (reader) throws(SnapshotReaderError) -> (Int, Int) in
                switch layout {
                case .lucene50:
                    _ = try CodecUtil.readIndexHeader(
                        &reader, codecs: ["Lucene85FieldsIndexMeta"], versions: header.version...header.version, id: info.id,
                        suffix: "")
                    return (Int(try reader.readVInt()), Int(try reader.readVInt()))
                case .lucene90:
                    // Lucene 9 has no packed-ints version: 2 stands for "not used".
                    _ = try CodecUtil.readIndexHeader(
                        &reader, codecs: ["Lucene90FieldsIndexMeta"], versions: 0...header.version, id: info.id, suffix: "")
                    return (Int(try reader.readVInt()), 2)
                }
            }
        }
        let (chunkSize, packedIntsVersion) = parameters!
        guard chunkSize > 0, (0...2).contains(packedIntsVersion) else {
            throw SnapshotReaderError.corrupt(
                file.name, at: chunkStart, "invalid chunk parameters (chunk size \(chunkSize), packed ints version \(packedIntsVersion))")
        }
        return StoredFieldsReader(
            file: file, codec: header.codec, version: header.version, compression: compression, layout: layout, chunkSize: chunkSize,
            packedIntsVersion: packedIntsVersion, dataStart: chunkStart, maxDoc: info.maxDoc)
    }

    /// Calls `visitor` for every document `live` keeps, in doc-id order.
    ///
    /// - Parameter chunks: read only the chunks whose first document is in this range (all when nil), so that threads
    ///   can share a large segment: the chunks before it are skipped by their compressed lengths, not decompressed.
    func visit<V: StoredFieldVisitor>(
        live: LiveDocs?, segment: Int, fieldInfos: FieldInfos, chunks: Range<Int>? = nil, visitor: inout V
    ) throws {
        let scratch = ChunkScratch()
        let share = chunks ?? 0..<maxDoc
        try file.withBytes { (bytes) throws in
            var reader = ByteReader(
                UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - CodecUtil.footerLength)]), name: file.name, offset: dataStart)
            var nextDoc = 0
            // Pages behind the read go back, skipped ones too (the kernel maps pages around each one a skip touches). Another
            // share of a compound file reads the same mapping, and faults a released page in again from the page cache.
            var released = 0
            while nextDoc < maxDoc && nextDoc < share.upperBound {
                if file.isMemoryMapped, reader.offset - released >= PageReclaimer.batch, let base = bytes.baseAddress {
                    PageReclaimer.release(base, from: released, to: reader.offset)
                    released = reader.offset
                }
                let chunkOffset = reader.offset
                let docBase = Int(try reader.readVInt())
                let token = Int(UInt32(bitPattern: try reader.readVInt()))
                let chunkDocs = layout == .lucene90 || version >= 4 ? token >> 2 : token >> 1
                let sliced = token & 1 != 0
                // Writers cap chunks at a few thousand documents; the cap keeps corrupt headers from huge allocations.
                guard docBase == nextDoc, chunkDocs > 0, chunkDocs <= maxDoc - docBase, chunkDocs <= 1 << 20 else {
                    throw SnapshotReaderError.corrupt(
                        file.name, at: chunkOffset,
                        "a chunk of \(chunkDocs) documents from document \(docBase) where document \(nextDoc) of \(maxDoc) was expected")
                }
                let totalLength = try readChunkHeader(&reader, chunkDocs: chunkDocs, scratch: scratch, chunkOffset: chunkOffset)
                let documents = docBase..<(docBase + chunkDocs)
                if docBase < share.lowerBound || (live.map { !$0.anyLive(in: documents) } ?? false) {
                    reader.offset = try skipChunk(reader.bytes, at: reader.offset, totalLength: totalLength, sliced: sliced)
                } else {
                    scratch.reserve(totalLength)
                    reader.offset = try decompressChunk(
                        reader.bytes, at: reader.offset, totalLength: totalLength, sliced: sliced, scratch: scratch)
                    try visitDocuments(
                        documents, live: live, segment: segment, fieldInfos: fieldInfos, scratch: scratch, chunkOffset: chunkOffset,
                        visitor: &visitor)
                }
                nextDoc += chunkDocs
            }
        }
    }

    /// Reads the per-document field counts and lengths into `scratch`; returns the chunk's uncompressed length.
    private func readChunkHeader(_ reader: inout ByteReader, chunkDocs: Int, scratch: ChunkScratch, chunkOffset: Int)
        throws(SnapshotReaderError) -> Int
    {
        scratch.reserveDocuments(chunkDocs)
        let counts = scratch.fieldCounts
        let offsets = scratch.offsets
        offsets[0] = 0
        if chunkDocs == 1 {
            counts[0] = Int(UInt32(bitPattern: try reader.readVInt()))
            offsets[1] = Int(UInt32(bitPattern: try reader.readVInt()))
        } else if layout == .lucene90 {
            try StoredFieldsInts.read(&reader, count: chunkDocs, into: counts)
            try StoredFieldsInts.read(&reader, count: chunkDocs, into: offsets + 1)
            for index in 0..<chunkDocs { offsets[index + 1] += offsets[index] }
            for index in 0..<chunkDocs where (offsets[index + 1] == offsets[index]) != (counts[index] == 0) {
                throw SnapshotReaderError.corrupt(
                    file.name, at: chunkOffset,
                    "document \(index) of the chunk has \(counts[index]) fields in \(offsets[index + 1] - offsets[index]) bytes")
            }
        } else {
            let countBits = Int(try reader.readVInt())
            if countBits == 0 {
                let shared = Int(UInt32(bitPattern: try reader.readVInt()))
                for index in 0..<chunkDocs { counts[index] = shared }
            } else {
                guard (1...32).contains(countBits) else {
                    throw SnapshotReaderError.corrupt(file.name, at: reader.offset, "\(countBits) bits per field count")
                }
                try PackedInts.read(&reader, count: chunkDocs, bitsPerValue: countBits, packedIntsVersion: packedIntsVersion, into: counts)
            }
            let lengthBits = Int(try reader.readVInt())
            if lengthBits == 0 {
                let shared = Int(UInt32(bitPattern: try reader.readVInt()))
                for index in 0..<chunkDocs { offsets[index + 1] = offsets[index] + shared }
            } else {
                guard (1...32).contains(lengthBits) else {
                    throw SnapshotReaderError.corrupt(file.name, at: reader.offset, "\(lengthBits) bits per document length")
                }
                try PackedInts.read(
                    &reader, count: chunkDocs, bitsPerValue: lengthBits, packedIntsVersion: packedIntsVersion, into: offsets + 1)
                for index in 0..<chunkDocs { offsets[index + 1] += offsets[index] }
            }
            for index in 0..<chunkDocs where (offsets[index + 1] == offsets[index]) != (counts[index] == 0) {
                throw SnapshotReaderError.corrupt(
                    file.name, at: chunkOffset,
                    "document \(index) of the chunk has \(counts[index]) fields in \(offsets[index + 1] - offsets[index]) bytes")
            }
        }
        let total = offsets[chunkDocs]
        // LZ4 turns one byte into at most ~255, DEFLATE into ~1032: a larger claim is corrupt input, not a reason to allocate.
        // zstd has no such bound worth checking (a run of one byte compresses without limit).
        let ratio: Int
        switch compression {
        case .lz4, .lz4WithDictionary: ratio = 260
        case .deflate, .deflateWithDictionary: ratio = 1100
        case .zstd, .zstdWithDictionary, .zstdBlocks: ratio = Int(Int32.max)
        }
        let plausible = ratio >= Int(Int32.max) ? ratio : min(Int(Int32.max), (reader.remaining + 64) * ratio)
        guard total <= plausible else {
            throw SnapshotReaderError.corrupt(
                file.name, at: chunkOffset, "a chunk claims \(total) bytes of documents, more than its data can hold")
        }
        return total
    }

    /// Decompresses the chunk at `start` into `scratch.buffer[0..<totalLength]`; returns the offset after it.
    private func decompressChunk(
        _ bytes: UnsafeRawBufferPointer, at start: Int, totalLength: Int, sliced: Bool, scratch: ChunkScratch
    ) throws(SnapshotReaderError) -> Int {
        var offset = start
        if sliced {
            var done = 0
            repeat {
                let piece = min(chunkSize, totalLength - done)
                offset = try decompressPiece(bytes, at: offset, into: scratch, at: done, length: piece)
                done += piece
            } while done < totalLength
            return offset
        }
        return try decompressPiece(bytes, at: offset, into: scratch, at: 0, length: totalLength)
    }

    /// One compressor call's output: `length` bytes written at `scratch.buffer + destOffset`.
    private func decompressPiece(
        _ bytes: UnsafeRawBufferPointer, at start: Int, into scratch: ChunkScratch, at destOffset: Int, length: Int
    ) throws(SnapshotReaderError) -> Int {
        let dest = scratch.buffer
        let capacity = scratch.capacity
        switch compression {
        case .lz4:
            return try LZ4.decompress(
                bytes, at: start, into: dest, destOffset: destOffset, length: length, capacity: capacity, windowStart: destOffset,
                name: file.name)
        case .deflate:
            var reader = ByteReader(bytes, name: file.name, offset: start)
            let compressed = try reader.readCount("compressed length", perItem: 1)
            let input = try reader.readBytes(compressed)
            if compressed == 0 && length == 0 { return reader.offset }
            try scratch.inflater.inflate(
                input, into: UnsafeMutableRawBufferPointer(start: dest + destOffset, count: length), dictionary: nil, name: file.name,
                at: start)
            return reader.offset
        case .lz4WithDictionary:
            var reader = ByteReader(bytes, name: file.name, offset: start)
            let (dictionaryLength, blockLength, blocks) = try readDictionaryLayout(&reader, length: length, start: start)
            _ = try reader.readVInt()  // compressed dictionary length, not needed
            let lengths = scratch.blockLengths(blocks)
            for index in 0..<blocks { lengths[index] = try reader.readCount("compressed block length", perItem: 1) }
            var offset = try LZ4.decompress(
                bytes, at: reader.offset, into: dest, destOffset: destOffset, length: dictionaryLength, capacity: capacity,
                windowStart: destOffset, name: file.name)
            let dictionary = UnsafeRawBufferPointer(start: dest + destOffset, count: dictionaryLength)
            var produced = dictionaryLength
            for index in 0..<blocks {
                let blockStart = offset
                let blockOutput = min(blockLength, length - produced)
                offset = try LZ4.decompress(
                    bytes, at: offset, into: dest, destOffset: destOffset + produced, length: blockOutput, capacity: capacity,
                    windowStart: destOffset + produced, dictionary: dictionary, name: file.name)
                guard offset - blockStart == lengths[index] else {
                    throw SnapshotReaderError.corrupt(
                        file.name, at: blockStart, "an LZ4 block of \(offset - blockStart) bytes where \(lengths[index]) were announced")
                }
                produced += blockOutput
            }
            return offset
        case .deflateWithDictionary:
            var reader = ByteReader(bytes, name: file.name, offset: start)
            let (dictionaryLength, blockLength, blocks) = try readDictionaryLayout(&reader, length: length, start: start)
            let dictionaryInput = try reader.readBytes(try reader.readCount("compressed dictionary length", perItem: 1))
            if dictionaryLength > 0 || dictionaryInput.count > 0 {
                try scratch.inflater.inflate(
                    dictionaryInput, into: UnsafeMutableRawBufferPointer(start: dest + destOffset, count: dictionaryLength),
                    dictionary: nil,
                    name: file.name, at: start)
            }
            let dictionary = UnsafeRawBufferPointer(start: dest + destOffset, count: dictionaryLength)
            var produced = dictionaryLength
            for _ in 0..<blocks {
                let blockStart = reader.offset
                let input = try reader.readBytes(try reader.readCount("compressed block length", perItem: 1))
                let blockOutput = min(blockLength, length - produced)
                try scratch.inflater.inflate(
                    input, into: UnsafeMutableRawBufferPointer(start: dest + destOffset + produced, count: blockOutput),
                    dictionary: dictionary,
                    name: file.name, at: blockStart)
                produced += blockOutput
            }
            return reader.offset
        case .zstd:
            if length == 0 { return start }
            var reader = ByteReader(bytes, name: file.name, offset: start)
            let input = try reader.readBytes(try reader.readCount("compressed length", perItem: 1))
            try scratch.zstdDecoder(name: file.name).decompress(
                input, into: UnsafeMutableRawBufferPointer(start: dest + destOffset, count: length), dictionary: nil, name: file.name,
                at: start)
            return reader.offset
        case .zstdWithDictionary:
            var reader = ByteReader(bytes, name: file.name, offset: start)
            let (dictionaryLength, blockLength, blocks) = try readDictionaryLayout(&reader, length: length, start: start)
            let decoder = try scratch.zstdDecoder(name: file.name)
            let dictionaryStart = reader.offset
            let dictionaryInput = try reader.readBytes(try reader.readCount("compressed dictionary length", perItem: 1))
            if dictionaryInput.count > 0 {
                try decoder.decompress(
                    dictionaryInput, into: UnsafeMutableRawBufferPointer(start: dest + destOffset, count: dictionaryLength),
                    dictionary: nil, name: file.name, at: dictionaryStart)
            } else if dictionaryLength > 0 {
                throw SnapshotReaderError.corrupt(file.name, at: dictionaryStart, "an empty zstd dictionary of \(dictionaryLength) bytes")
            }
            let dictionary = UnsafeRawBufferPointer(start: dest + destOffset, count: dictionaryLength)
            var produced = dictionaryLength
            for _ in 0..<blocks {
                let blockStart = reader.offset
                let input = try reader.readBytes(try reader.readCount("compressed block length", perItem: 1))
                let blockOutput = min(blockLength, length - produced)
                try decoder.decompress(
                    input, into: UnsafeMutableRawBufferPointer(start: dest + destOffset + produced, count: blockOutput),
                    dictionary: dictionaryLength > 0 ? dictionary : nil, name: file.name, at: blockStart)
                produced += blockOutput
            }
            return reader.offset
        case .zstdBlocks:
            if length == 0 { return start }
            var reader = ByteReader(bytes, name: file.name, offset: start)
            let blockLength = try reader.readCount("block length", perItem: 0)
            guard blockLength > 0 else {
                throw SnapshotReaderError.corrupt(file.name, at: start, "zstd blocks of 0 bytes for \(length) bytes")
            }
            let decoder = try scratch.zstdDecoder(name: file.name)
            var produced = 0
            while produced < length {
                let blockStart = reader.offset
                let input = try reader.readBytes(try reader.readCount("compressed block length", perItem: 1))
                let blockOutput = min(blockLength, length - produced)
                try decoder.decompress(
                    input, into: UnsafeMutableRawBufferPointer(start: dest + destOffset + produced, count: blockOutput),
                    dictionary: nil, name: file.name, at: blockStart)
                produced += blockOutput
            }
            return reader.offset
        }
    }

    /// Reads a preset-dictionary piece's dictionary and block lengths; returns them with the number of blocks.
    private func readDictionaryLayout(_ reader: inout ByteReader, length: Int, start: Int) throws(SnapshotReaderError) -> (Int, Int, Int) {
        let dictionaryLength = Int(try reader.readVInt())
        let blockLength = Int(try reader.readVInt())
        guard dictionaryLength >= 0, dictionaryLength <= length, blockLength >= 0, blockLength > 0 || dictionaryLength == length else {
            throw SnapshotReaderError.corrupt(
                file.name, at: start, "a dictionary of \(dictionaryLength) bytes and blocks of \(blockLength) for \(length) bytes")
        }
        let blocks = blockLength == 0 ? 0 : (length - dictionaryLength + blockLength - 1) / blockLength
        return (dictionaryLength, blockLength, blocks)
    }

    /// Finds the end of a chunk without decompressing it (no live document needs it).
    private func skipChunk(_ bytes: UnsafeRawBufferPointer, at start: Int, totalLength: Int, sliced: Bool) throws(SnapshotReaderError)
        -> Int
    {
        var offset = start
        var done = 0
        repeat {
            let piece = sliced ? min(chunkSize, totalLength - done) : totalLength
            var reader = ByteReader(bytes, name: file.name, offset: offset)
            switch compression {
            case .lz4:
                reader.offset = try LZ4.skip(bytes, at: offset, length: piece, name: file.name)
            case .deflate:
                try reader.skip(try reader.readCount("compressed length", perItem: 1))
            case .lz4WithDictionary:
                let (_, _, blocks) = try readDictionaryLayout(&reader, length: piece, start: offset)
                var compressed = Int(try reader.readVInt())
                for _ in 0..<blocks { compressed += try reader.readCount("compressed block length", perItem: 1) }
                guard compressed >= 0 else { throw SnapshotReaderError.corrupt(file.name, at: offset, "a negative compressed length") }
                try reader.skip(compressed)
            case .deflateWithDictionary, .zstdWithDictionary:
                let (_, _, blocks) = try readDictionaryLayout(&reader, length: piece, start: offset)
                for _ in 0...blocks { try reader.skip(try reader.readCount("compressed block length", perItem: 1)) }
            case .zstd:
                if piece > 0 { try reader.skip(try reader.readCount("compressed length", perItem: 1)) }
            case .zstdBlocks:
                if piece > 0 {
                    let blockLength = try reader.readCount("block length", perItem: 0)
                    guard blockLength > 0 else {
                        throw SnapshotReaderError.corrupt(file.name, at: offset, "zstd blocks of 0 bytes for \(piece) bytes")
                    }
                    for _ in 0..<((piece + blockLength - 1) / blockLength) {
                        try reader.skip(try reader.readCount("compressed block length", perItem: 1))
                    }
                }
            }
            offset = reader.offset
            done += piece
        } while done < totalLength
        return offset
    }

    /// Parses the decompressed documents of one chunk and hands the live ones' fields to `visitor`.
    private func visitDocuments<V: StoredFieldVisitor>(
        _ documents: Range<Int>, live: LiveDocs?, segment: Int, fieldInfos: FieldInfos, scratch: ChunkScratch, chunkOffset: Int,
        visitor: inout V
    ) throws {
        let buffer = UnsafeRawPointer(scratch.buffer)
        let offsets = scratch.offsets
        let counts = scratch.fieldCounts
        // Lucene 8 and older write the fixed-width parts of floats and doubles big-endian, Lucene 9+ little-endian.
        let bigEndian = layout == .lucene50
        for (index, doc) in documents.enumerated() {
            if let live, !live.isLive(doc) { continue }
            var cursor = FieldCursor(
                base: buffer, position: offsets[index], end: offsets[index + 1], name: file.name, chunkOffset: chunkOffset)
            try visitor.beginDocument(segment: segment, docID: Int32(doc))
            for _ in 0..<counts[index] {
                let infoAndType = try cursor.readVLong()
                let number = Int(truncatingIfNeeded: infoAndType >> 3)
                guard let field = fieldInfos.field(number: number) else {
                    throw SnapshotReaderError.corrupt(
                        file.name, at: chunkOffset, "document \(doc) has a value for unknown field number \(number)")
                }
                let wanted = visitor.wantsField(field)
                switch infoAndType & 7 {
                case 0:
                    let value = try cursor.readLengthPrefixed()
                    if wanted { try visitor.visitField(field, value: .string(value)) }
                case 1:
                    let value = try cursor.readLengthPrefixed()
                    if wanted { try visitor.visitField(field, value: .bytes(value)) }
                case 2:
                    let value = try cursor.readZInt()
                    if wanted { try visitor.visitField(field, value: .int(value)) }
                case 3:
                    let value = try cursor.readZFloat(bigEndian: bigEndian)
                    if wanted { try visitor.visitField(field, value: .float(value)) }
                case 4:
                    let value = try cursor.readTLong()
                    if wanted { try visitor.visitField(field, value: .long(value)) }
                case 5:
                    let value = try cursor.readZDouble(bigEndian: bigEndian)
                    if wanted { try visitor.visitField(field, value: .double(value)) }
                default:
                    throw SnapshotReaderError.corrupt(
                        file.name, at: chunkOffset, "document \(doc) has a value of unknown type \(infoAndType & 7) for field \(field.name)"
                    )
                }
            }
            try visitor.endDocument()
        }
    }
}

/// Reads one document's values from the decompressed chunk, never past the document's end.
private struct FieldCursor {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int
    let name: String
    let chunkOffset: Int

    private func overrun(_ needed: Int) -> SnapshotReaderError {
        SnapshotReaderError.corrupt(name, at: chunkOffset, "a stored value runs \(needed) bytes past its document in the chunk")
    }

    @inline(__always)
    mutating func readByte() throws(SnapshotReaderError) -> UInt8 {
        guard position < end else { throw overrun(1) }
        let byte = base.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return byte
    }

    @inline(__always)
    mutating func readVInt() throws(SnapshotReaderError) -> UInt32 {
        var byte = try readByte()
        if byte < 0x80 { return UInt32(byte) }
        var result = UInt32(byte & 0x7F)
        var shift: UInt32 = 7
        while shift <= 28 {
            byte = try readByte()
            result |= UInt32(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw SnapshotReaderError.corrupt(name, at: chunkOffset, "a vInt longer than 5 bytes in a stored document")
    }

    @inline(__always)
    mutating func readVLong() throws(SnapshotReaderError) -> UInt64 {
        var byte = try readByte()
        if byte < 0x80 { return UInt64(byte) }
        var result = UInt64(byte & 0x7F)
        var shift: UInt64 = 7
        while shift <= 63 {
            byte = try readByte()
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw SnapshotReaderError.corrupt(name, at: chunkOffset, "a vLong longer than 10 bytes in a stored document")
    }

    @inline(__always)
    mutating func readLengthPrefixed() throws(SnapshotReaderError) -> UnsafeRawBufferPointer {
        let length = Int(try readVInt())
        guard length <= end - position else { throw overrun(length - (end - position)) }
        let value = UnsafeRawBufferPointer(start: base + position, count: length)
        position += length
        return value
    }

    mutating func readFixed(_ count: Int, bigEndian: Bool) throws(SnapshotReaderError) -> UInt64 {
        guard count <= end - position else { throw overrun(count - (end - position)) }
        var value: UInt64 = 0
        if bigEndian {
            for index in 0..<count { value = value << 8 | UInt64(base.load(fromByteOffset: position + index, as: UInt8.self)) }
        } else {
            for index in (0..<count).reversed() { value = value << 8 | UInt64(base.load(fromByteOffset: position + index, as: UInt8.self)) }
        }
        position += count
        return value
    }

    mutating func readZInt() throws(SnapshotReaderError) -> Int32 {
        let raw = try readVInt()
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Lucene's variable-length float: small integers in one byte, positive floats in 4, negative in 5.
    mutating func readZFloat(bigEndian: Bool) throws(SnapshotReaderError) -> Float {
        let header = try readByte()
        if header == 0xFF { return Float(bitPattern: UInt32(try readFixed(4, bigEndian: bigEndian))) }
        if header & 0x80 != 0 { return Float(Int(header & 0x7F) - 1) }
        let short = try readFixed(2, bigEndian: bigEndian)
        let low = try readByte()
        return Float(bitPattern: UInt32(header) << 24 | UInt32(short) << 8 | UInt32(low))
    }

    /// Lucene's variable-length double: small integers in one byte, floats in 5, positive doubles in 8, negative in 9.
    mutating func readZDouble(bigEndian: Bool) throws(SnapshotReaderError) -> Double {
        let header = try readByte()
        if header == 0xFF { return Double(bitPattern: try readFixed(8, bigEndian: bigEndian)) }
        if header == 0xFE { return Double(Float(bitPattern: UInt32(try readFixed(4, bigEndian: bigEndian)))) }
        if header & 0x80 != 0 { return Double(Int(header & 0x7F) - 1) }
        let int = try readFixed(4, bigEndian: bigEndian)
        let short = try readFixed(2, bigEndian: bigEndian)
        let low = try readByte()
        return Double(bitPattern: UInt64(header) << 56 | int << 24 | short << 8 | UInt64(low))
    }

    /// Lucene's timestamp-friendly long: zig-zag, with a multiplier (second, hour, day) in the header's top bits.
    mutating func readTLong() throws(SnapshotReaderError) -> Int64 {
        let header = try readByte()
        var bits = UInt64(header & 0x1F)
        if header & 0x20 != 0 { bits |= try readVLong() << 5 }
        let value = Int64(bitPattern: (bits >> 1) ^ (0 &- (bits & 1)))
        switch header & 0xC0 {
        case 0x40: return value &* 1000
        case 0x80: return value &* 3_600_000
        case 0xC0: return value &* 86_400_000
        default: return value
        }
    }
}
