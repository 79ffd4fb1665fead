import CZlib

/// Raw DEFLATE (no zlib header) through the system zlib, for compressed snapshot metadata blobs (`DFL\0`).
enum RawInflate {
    /// Inflates all of `input`. The output grows as needed up to `limit` bytes, so a hostile blob cannot exhaust memory.
    static func inflate(_ input: UnsafeRawBufferPointer, name: String, limit: Int = 1 << 31) throws(SnapshotReaderError) -> [UInt8] {
        var stream = z_stream()
        guard tern_inflateInit2(&stream, -15) == Z_OK else {
            throw SnapshotReaderError.corrupt(name, at: 0, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(1024, min(limit, input.count * 4)))
        var produced = 0
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            if produced == output.count {
                guard output.count < limit else {
                    throw SnapshotReaderError.corrupt(name, at: 0, "the compressed data inflates past \(limit) bytes")
                }
                output.append(contentsOf: repeatElement(0, count: min(output.count, limit - output.count)))
            }
            let status = output.withUnsafeMutableBytes { buffer -> Int32 in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self) + produced
                stream.avail_out = uInt(buffer.count - produced)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced = buffer.count - Int(stream.avail_out)
                return status
            }
            switch status {
            case Z_STREAM_END:
                output.removeSubrange(produced...)
                return output
            case Z_OK:
                if stream.avail_in == 0 && stream.avail_out > 0 {
                    throw SnapshotReaderError.truncated(name, at: input.count, needed: 1)
                }
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw SnapshotReaderError.truncated(name, at: input.count, needed: 1)
            case Z_BUF_ERROR:
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw SnapshotReaderError.corrupt(name, at: Int(stream.total_in), "invalid DEFLATE data (\(reason))")
            }
        }
    }
}
