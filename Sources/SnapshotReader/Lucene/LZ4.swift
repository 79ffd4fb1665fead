/// Lucene's LZ4 block decoding: sequences of (token, literals, 2-byte little-endian match offset, match length) with
/// no frame and no length prefix; the caller knows how many bytes come out. With a preset dictionary, matches may
/// reach back into a dictionary kept elsewhere.
enum LZ4 {
    /// Decodes exactly `length` bytes from `source[at...]` into `dest + destOffset`.
    ///
    /// - Parameters:
    ///   - dest: the output buffer; matches may refer back to any byte of it from `windowStart` on.
    ///   - dictionary: bytes logically placed just before `dest + windowStart` (Lucene 8.7+'s preset dictionary).
    ///   - capacity: bytes writable at `dest`; the decoder copies 8 bytes at a time where that fits.
    /// - Returns: the source offset after the last sequence used.
    static func decompress(
        _ source: UnsafeRawBufferPointer, at start: Int, into dest: UnsafeMutableRawPointer, destOffset: Int, length: Int, capacity: Int,
        windowStart: Int = 0, dictionary: UnsafeRawBufferPointer? = nil, name: String
    ) throws(SnapshotReaderError) -> Int {
        guard let src = source.baseAddress, start >= 0, start <= source.count else {
            throw SnapshotReaderError.truncated(name, at: start, needed: 1)
        }
        let sourceEnd = source.count
        var s = start
        var d = destOffset
        let destEnd = destOffset + length
        let dictionaryCount = dictionary?.count ?? 0
        while true {
            guard s < sourceEnd else { throw SnapshotReaderError.truncated(name, at: s, needed: 1) }
            let token = Int(src.load(fromByteOffset: s, as: UInt8.self))
            s += 1
            var literals = token >> 4
            if literals == 15 {
                while true {
                    guard s < sourceEnd else { throw SnapshotReaderError.truncated(name, at: s, needed: 1) }
                    let extra = Int(src.load(fromByteOffset: s, as: UInt8.self))
                    s += 1
                    literals += extra
                    if extra != 255 { break }
                }
            }
            if literals > 0 {
                guard literals <= sourceEnd - s else { throw SnapshotReaderError.truncated(name, at: s, needed: literals) }
                guard literals <= destEnd - d else {
                    throw SnapshotReaderError.corrupt(name, at: s, "LZ4 literals run past the expected \(length) bytes")
                }
                if literals <= 16 && d + 16 <= capacity && sourceEnd - s >= 16 {
                    // Short runs dominate: one unaligned 16-byte move beats a memcpy call; the excess is overwritten later.
                    copy16(from: src + s, to: dest + d)
                } else if literals <= 32 && d + 32 <= capacity && sourceEnd - s >= 32 {
                    copy16(from: src + s, to: dest + d)
                    copy16(from: src + s + 16, to: dest + d + 16)
                } else {
                    (dest + d).copyMemory(from: src + s, byteCount: literals)
                }
                s += literals
                d += literals
            }
            if d >= destEnd { return s }

            guard sourceEnd - s >= 2 else { throw SnapshotReaderError.truncated(name, at: s, needed: 2) }
            let distance = Int(src.load(fromByteOffset: s, as: UInt8.self)) | Int(src.load(fromByteOffset: s + 1, as: UInt8.self)) << 8
            s += 2
            var matchLength = token & 0x0F
            if matchLength == 15 {
                while true {
                    guard s < sourceEnd else { throw SnapshotReaderError.truncated(name, at: s, needed: 1) }
                    let extra = Int(src.load(fromByteOffset: s, as: UInt8.self))
                    s += 1
                    matchLength += extra
                    if extra != 255 { break }
                }
            }
            matchLength += 4
            guard matchLength <= destEnd - d else {
                throw SnapshotReaderError.corrupt(name, at: s, "an LZ4 match runs past the expected \(length) bytes")
            }
            let available = d - windowStart
            if distance == 0 || distance > available + dictionaryCount {
                throw SnapshotReaderError.corrupt(name, at: s - 2, "an LZ4 match offset \(distance) points before the start of the data")
            }
            if distance > available {
                // Starts in the preset dictionary, may continue into the block.
                let dict = dictionary!.baseAddress!
                let dictStart = dictionaryCount - (distance - available)
                let fromDictionary = min(matchLength, dictionaryCount - dictStart)
                if fromDictionary <= 16 && dictStart + 16 <= dictionaryCount && d + 16 <= capacity {
                    // Dictionary matches are mostly short: one wide move, reading only dictionary bytes.
                    copy16(from: dict + dictStart, to: dest + d)
                } else {
                    (dest + d).copyMemory(from: dict + dictStart, byteCount: fromDictionary)
                }
                d += fromDictionary
                var rest = matchLength - fromDictionary
                var from = windowStart
                while rest > 0 {
                    dest.storeBytes(of: dest.load(fromByteOffset: from, as: UInt8.self), toByteOffset: d, as: UInt8.self)
                    d += 1
                    from += 1
                    rest -= 1
                }
                continue
            }
            var from = d - distance
            if distance >= 16 && d + matchLength + 16 <= capacity {
                // Each 16-byte load reads bytes already written: the source is at least 16 bytes behind.
                let end = d + matchLength
                repeat {
                    copy16(from: dest + from, to: dest + d)
                    d += 16
                    from += 16
                } while d < end
                d = end
            } else if distance >= 8 && d + matchLength + 8 <= capacity {
                // Each 8-byte load reads bytes already written: the source is at least 8 bytes behind.
                let end = d + matchLength
                while d < end {
                    dest.storeBytes(of: dest.loadUnaligned(fromByteOffset: from, as: UInt64.self), toByteOffset: d, as: UInt64.self)
                    d += 8
                    from += 8
                }
                d = end
            } else {
                let end = d + matchLength
                while d < end {
                    dest.storeBytes(of: dest.load(fromByteOffset: from, as: UInt8.self), toByteOffset: d, as: UInt8.self)
                    d += 1
                    from += 1
                }
            }
        }
    }

    @inline(__always)
    private static func copy16(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer) {
        target.storeBytes(of: source.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
    }

    /// Walks `length` bytes' worth of sequences without writing them, for chunks no live document needs.
    /// - Returns: the source offset after the last sequence.
    static func skip(_ source: UnsafeRawBufferPointer, at start: Int, length: Int, name: String) throws(SnapshotReaderError) -> Int {
        var reader = ByteReader(source, name: name, offset: start)
        var produced = 0
        while true {
            let token = Int(try reader.readByte())
            var literals = token >> 4
            if literals == 15 {
                var extra: UInt8
                repeat {
                    extra = try reader.readByte()
                    literals += Int(extra)
                } while extra == 255
            }
            try reader.skip(literals)
            produced += literals
            if produced >= length { return reader.offset }
            _ = try reader.readLEInt16()
            var matchLength = token & 0x0F
            if matchLength == 15 {
                var extra: UInt8
                repeat {
                    extra = try reader.readByte()
                    matchLength += Int(extra)
                } while extra == 255
            }
            produced += matchLength + 4
        }
    }
}
