import CZlib
import Foundation
import TernCore

/// Writes a text file in large pieces, gzip-compressed when its name ends in `.gz`, and syncs it to disk on close.
public final class LineFileWriter {
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var deflater: UnsafeMutablePointer<z_stream>?
    private var closed = false
    private static let flushSize = 1 << 20

    /// Creates (or truncates) the file.
    /// - Throws: `TernError` (usage) when the file cannot be created.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw TernError(.invalidArgument, "Cannot create \(path): check that the folder exists and is writable.")
        }
        self.handle = handle
        if path.hasSuffix(".gz") {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            guard
                deflateInit2_(stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                    == Z_OK
            else {
                stream.deallocate()
                throw TernError(.invalidArgument, "\(path): zlib could not start compressing.")
            }
            deflater = stream
        }
        buffer.reserveCapacity(Self.flushSize + 65536)
    }

    deinit {
        if let deflater {
            deflateEnd(deflater)
            deflater.deallocate()
        }
    }

    /// Appends bytes (one or more complete lines, or part of one).
    public func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush(final: false) }
    }

    /// Writes what is buffered, finishes the gzip stream, syncs and closes the file.
    public func close() throws {
        guard !closed else { return }
        closed = true
        try flush(final: true)
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw TernError(.failedChecks, "Cannot finish writing \(path): \(error.localizedDescription).")
        }
    }

    private func flush(final: Bool) throws {
        var out = buffer
        if let deflater {
            out = try compress(buffer, deflater: deflater, final: final)
        }
        buffer.removeAll(keepingCapacity: true)
        guard !out.isEmpty else { return }
        do {
            try handle.write(contentsOf: out)
        } catch {
            throw TernError(.failedChecks, "Cannot write to \(path): \(error.localizedDescription) (is the disk full?).")
        }
    }

    private func compress(_ input: [UInt8], deflater: UnsafeMutablePointer<z_stream>, final: Bool) throws -> [UInt8] {
        var result: [UInt8] = []
        var input = input
        let flush = final ? Z_FINISH : Z_NO_FLUSH
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        try input.withUnsafeMutableBytes { source in
            deflater.pointee.next_in = source.baseAddress?.assumingMemoryBound(to: Bytef.self)
            deflater.pointee.avail_in = uInt(source.count)
            while true {
                let (produced, status) = chunk.withUnsafeMutableBytes { out -> (Int, Int32) in
                    deflater.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    deflater.pointee.avail_out = uInt(out.count)
                    let status = deflate(deflater, flush)
                    return (out.count - Int(deflater.pointee.avail_out), status)
                }
                guard status != Z_STREAM_ERROR else { throw TernError(.failedChecks, "\(path): gzip compression failed.") }
                result.append(contentsOf: chunk[..<produced])
                // Done when the output chunk was not filled (all input taken) or, at the end, when the stream closed.
                if final ? status == Z_STREAM_END : deflater.pointee.avail_out != 0 { break }
            }
        }
        return result
    }
}
