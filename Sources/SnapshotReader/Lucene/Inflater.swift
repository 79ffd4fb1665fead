import CZlib

/// Raw DEFLATE decoding through zlib, reused across chunks (one per read of a segment).
///
/// A class because zlib's stream keeps a pointer to itself: it must not move.
final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var ready = false

    init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if ready { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates `input` into `output`, which must be filled exactly.
    ///
    /// - Parameters:
    ///   - dictionary: Lucene 8.7+'s preset dictionary for this block, or nil.
    ///   - name, at: name the file and offset in errors.
    func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, dictionary: UnsafeRawBufferPointer?, name: String,
        at offset: Int
    ) throws(SnapshotReaderError) {
        if ready {
            guard inflateReset(stream) == Z_OK else { throw SnapshotReaderError.corrupt(name, at: offset, "zlib could not reset") }
        } else {
            guard tern_inflateInit2(stream, -15) == Z_OK else {
                throw SnapshotReaderError.corrupt(name, at: offset, "zlib could not start")
            }
            ready = true
        }
        if let dictionary, dictionary.count > 0 {
            let status = inflateSetDictionary(stream, dictionary.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(dictionary.count))
            guard status == Z_OK else {
                throw SnapshotReaderError.corrupt(name, at: offset, "zlib refused the preset dictionary (\(status))")
            }
        }
        guard input.count < Int(UInt32.max), output.count < Int(UInt32.max) else {
            throw SnapshotReaderError.corrupt(name, at: offset, "a DEFLATE block larger than 4 GB")
        }
        // zlib only reads through next_in; the mutable pointer type is a C API artefact.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let status = CZlib.inflate(stream, Z_FINISH)
        let produced = output.count - Int(stream.pointee.avail_out)
        guard status == Z_STREAM_END else {
            let problem =
                status == Z_DATA_ERROR
                ? "invalid DEFLATE data" : "DEFLATE data that does not end where expected (\(produced) of \(output.count) bytes)"
            throw SnapshotReaderError.corrupt(name, at: offset, problem)
        }
        guard produced == output.count else {
            throw SnapshotReaderError.corrupt(name, at: offset, "DEFLATE data of \(produced) bytes where \(output.count) were expected")
        }
    }
}
