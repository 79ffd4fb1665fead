#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Zstandard decompression through the system's libzstd, loaded when first needed: only OpenSearch 2.10+ repositories
/// with zstd compression need it, so Tern neither links nor requires it.
///
/// Streaming decompression, because OpenSearch writes frames through a stream that does not record the content size.
enum ZstdLibrary {
    /// `ZSTD_inBuffer` and `ZSTD_outBuffer` have this layout: pointer, size, position.
    private struct Buffer {
        var pointer: UnsafeRawPointer?
        var size: Int
        var position: Int
    }

    private typealias Create = @convention(c) () -> OpaquePointer?
    private typealias Free = @convention(c) (OpaquePointer?) -> Int
    private typealias Stream = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int
    private typealias IsError = @convention(c) (Int) -> UInt32

    private struct Functions: @unchecked Sendable {
        let create: Create
        let free: Free
        let decompress: Stream
        let isError: IsError
    }

    private static let functions: Functions? = {
        for name in ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib"] {
            guard let handle = dlopen(name, RTLD_NOW) else { continue }
            guard let create = dlsym(handle, "ZSTD_createDStream"), let free = dlsym(handle, "ZSTD_freeDStream"),
                let decompress = dlsym(handle, "ZSTD_decompressStream"), let isError = dlsym(handle, "ZSTD_isError")
            else { continue }
            return Functions(
                create: unsafeBitCast(create, to: Create.self), free: unsafeBitCast(free, to: Free.self),
                decompress: unsafeBitCast(decompress, to: Stream.self), isError: unsafeBitCast(isError, to: IsError.self))
        }
        return nil
    }()

    /// Decompresses zstd frames, growing the output up to `limit` bytes.
    static func decompress(_ input: UnsafeRawBufferPointer, name: String, limit: Int = 1 << 31) throws(SnapshotReaderError) -> [UInt8] {
        guard let functions else {
            throw SnapshotReaderError.unsupported(
                name, "zstd compression, and libzstd is not installed (install it: apt-get install libzstd1)")
        }
        guard let stream = functions.create() else { throw SnapshotReaderError.corrupt(name, at: 0, "libzstd could not start") }
        defer { _ = functions.free(stream) }
        var output = [UInt8](repeating: 0, count: max(4096, min(limit, input.count * 4)))
        var source = Buffer(pointer: input.baseAddress, size: input.count, position: 0)
        var produced = 0
        var stalled = false
        while true {
            if produced == output.count {
                guard output.count < limit else {
                    throw SnapshotReaderError.corrupt(name, at: 0, "the zstd data inflates past \(limit) bytes")
                }
                output.append(contentsOf: repeatElement(0, count: min(output.count, limit - output.count)))
            }
            let before = (source.position, produced)
            let hint = output.withUnsafeMutableBytes { buffer -> Int in
                var target = Buffer(pointer: UnsafeRawPointer(buffer.baseAddress), size: buffer.count, position: produced)
                let result = functions.decompress(stream, &target, &source)
                produced = target.position
                return result
            }
            if functions.isError(hint) != 0 {
                throw SnapshotReaderError.corrupt(name, at: source.position, "invalid zstd data")
            }
            if hint == 0 && source.position == source.size { break }
            // No input left, room for output, and two calls without progress: the frame was cut short.
            let progressed = before != (source.position, produced)
            if !progressed && source.position == source.size && produced < output.count {
                if stalled { throw SnapshotReaderError.truncated(name, at: input.count, needed: hint) }
                stalled = true
            } else {
                stalled = false
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
