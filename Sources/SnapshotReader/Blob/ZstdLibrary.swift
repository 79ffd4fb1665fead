#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Zstandard decompression through the system's libzstd, loaded when first needed: only OpenSearch 2.10+ repositories
/// with zstd compression need it, so Tern neither links nor requires it.
enum ZstdLibrary {
    private typealias Decompress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
    private typealias FrameSize = @convention(c) (UnsafeRawPointer?, Int) -> UInt64
    private typealias IsError = @convention(c) (Int) -> UInt32

    private struct Functions: @unchecked Sendable {
        let decompress: Decompress
        let frameSize: FrameSize
        let isError: IsError
    }

    private static let functions: Functions? = {
        for name in ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib"] {
            guard let handle = dlopen(name, RTLD_NOW) else { continue }
            guard let decompress = dlsym(handle, "ZSTD_decompress"), let frameSize = dlsym(handle, "ZSTD_getFrameContentSize"),
                let isError = dlsym(handle, "ZSTD_isError")
            else { continue }
            return Functions(
                decompress: unsafeBitCast(decompress, to: Decompress.self), frameSize: unsafeBitCast(frameSize, to: FrameSize.self),
                isError: unsafeBitCast(isError, to: IsError.self))
        }
        return nil
    }()

    /// Decompresses one zstd frame whose size is recorded in its header (as OpenSearch writes them).
    static func decompress(_ input: UnsafeRawBufferPointer, name: String, limit: Int = 1 << 31) throws(SnapshotReaderError) -> [UInt8] {
        guard let functions else {
            throw SnapshotReaderError.unsupported(
                name, "zstd compression, and libzstd is not installed (install it: apt-get install libzstd1)")
        }
        let size = functions.frameSize(input.baseAddress, input.count)
        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are the two largest values.
        guard size < UInt64.max - 1 else { throw SnapshotReaderError.corrupt(name, at: 0, "not a zstd frame with a known size") }
        guard size <= UInt64(limit) else { throw SnapshotReaderError.corrupt(name, at: 0, "a zstd frame announcing \(size) bytes") }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = output.withUnsafeMutableBytes { functions.decompress($0.baseAddress, $0.count, input.baseAddress, input.count) }
        guard functions.isError(written) == 0, written == Int(size) else {
            throw SnapshotReaderError.corrupt(name, at: 0, "invalid zstd data")
        }
        return output
    }
}
