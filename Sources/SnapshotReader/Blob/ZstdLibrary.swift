#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Zstandard decompression through the system's libzstd, loaded when first needed: only OpenSearch 2.10+ repositories
/// with zstd compression and zstd stored fields (Elasticsearch 8.14+, OpenSearch's zstd codecs) need it, so Tern
/// neither links nor requires it.
///
/// Streaming decompression for blobs, because OpenSearch writes frames through a stream that does not record the
/// content size; one-shot decompression into a known-size buffer for stored-fields blocks (`BlockDecoder`).
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

    private typealias CreateContext = @convention(c) () -> OpaquePointer?
    private typealias FreeContext = @convention(c) (OpaquePointer?) -> Int
    private typealias DecompressWithDictionary =
        @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> Int

    private struct BlockFunctions: @unchecked Sendable {
        let create: CreateContext
        let free: FreeContext
        let decompress: DecompressWithDictionary
        let isError: IsError
    }

    private static let blockFunctions: BlockFunctions? = {
        for name in ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib"] {
            guard let handle = dlopen(name, RTLD_NOW) else { continue }
            guard let create = dlsym(handle, "ZSTD_createDCtx"), let free = dlsym(handle, "ZSTD_freeDCtx"),
                let decompress = dlsym(handle, "ZSTD_decompress_usingDict"), let isError = dlsym(handle, "ZSTD_isError")
            else { continue }
            return BlockFunctions(
                create: unsafeBitCast(create, to: CreateContext.self), free: unsafeBitCast(free, to: FreeContext.self),
                decompress: unsafeBitCast(decompress, to: DecompressWithDictionary.self),
                isError: unsafeBitCast(isError, to: IsError.self))
        }
        return nil
    }()

    /// One decompression context, reused for every block of a read (creating one costs more than a small block).
    final class BlockDecoder {
        private let functions: BlockFunctions
        private let context: OpaquePointer

        init(name: String) throws(SnapshotReaderError) {
            guard let functions = ZstdLibrary.blockFunctions else {
                throw SnapshotReaderError.unsupported(
                    name, "zstd compression, and libzstd is not installed (install it: apt-get install libzstd1)")
            }
            guard let context = functions.create() else { throw SnapshotReaderError.corrupt(name, at: 0, "libzstd could not start") }
            self.functions = functions
            self.context = context
        }

        deinit { _ = functions.free(context) }

        /// Decompresses one frame into exactly `output.count` bytes, with `dictionary` as raw-content history when given.
        func decompress(
            _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, dictionary: UnsafeRawBufferPointer?,
            name: String, at offset: Int
        ) throws(SnapshotReaderError) {
            let produced = functions.decompress(
                context, output.baseAddress, output.count, input.baseAddress, input.count, dictionary?.baseAddress,
                dictionary?.count ?? 0)
            guard functions.isError(produced) == 0 else {
                throw SnapshotReaderError.corrupt(name, at: offset, "invalid zstd data in a stored-fields block")
            }
            guard produced == output.count else {
                throw SnapshotReaderError.corrupt(
                    name, at: offset, "a zstd block inflates to \(produced) bytes where \(output.count) were announced")
            }
        }
    }
}
