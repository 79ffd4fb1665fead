import CZlib
import Foundation
import TernCore

/// Reads a text file line by line in large chunks, gunzipping it on the fly when it starts with the gzip magic.
/// Memory stays at a few MB whatever the file size.
public final class LineFileReader {
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var inflater: UnsafeMutablePointer<z_stream>?
    private var pending: [UInt8] = []
    private static let chunk = 1 << 20

    /// - Throws: `TernError` (usage) when the file cannot be opened.
    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TernError(.invalidArgument, "Cannot open \(path): the file does not exist or is not readable.")
        }
        self.handle = handle
        let head = try Self.read(handle, count: Self.chunk, path: path)
        if head.starts(with: [0x1F, 0x8B]) {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 16: a gzip wrapper around DEFLATE; concatenated members are handled by resetting at each end.
            guard tern_inflateInit2(stream, 15 + 16) == Z_OK else {
                stream.deallocate()
                throw TernError(.invalidArgument, "\(path): zlib could not start reading the gzip file.")
            }
            inflater = stream
            pending = head
        } else {
            buffer = head
            finished = head.isEmpty
        }
    }

    deinit {
        if let inflater {
            inflateEnd(inflater)
            inflater.deallocate()
        }
        try? handle.close()
    }

    /// The next line without its line break, or nil at the end of the file.
    public func nextLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var line = buffer[start..<newline]
                start = newline + 1
                if line.last == 0x0D { line = line.dropLast() }
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            try fill()
        }
    }

    private func fill() throws {
        guard let inflater else {
            let more = try Self.read(handle, count: Self.chunk, path: path)
            if more.isEmpty { finished = true } else { buffer.append(contentsOf: more) }
            return
        }
        if pending.isEmpty {
            pending = try Self.read(handle, count: Self.chunk, path: path)
            if pending.isEmpty {
                finished = true
                return
            }
        }
        var output = [UInt8](repeating: 0, count: Self.chunk * 4)
        let (consumed, produced, status) = pending.withUnsafeMutableBytes { input in
            output.withUnsafeMutableBytes { out -> (Int, Int, Int32) in
                inflater.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                inflater.pointee.avail_in = uInt(input.count)
                inflater.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                inflater.pointee.avail_out = uInt(out.count)
                let status = inflate(inflater, Z_NO_FLUSH)
                return (input.count - Int(inflater.pointee.avail_in), out.count - Int(inflater.pointee.avail_out), status)
            }
        }
        pending.removeFirst(consumed)
        buffer.append(contentsOf: output[..<produced])
        switch status {
        case Z_OK, Z_BUF_ERROR:
            return
        case Z_STREAM_END:
            // Another gzip member may follow (files made with cat a.gz b.gz).
            inflateReset(inflater)
        default:
            throw TernError(
                .invalidArgument, "\(path) is not a valid gzip file (it is damaged after \(inflater.pointee.total_in) compressed bytes).")
        }
    }

    private static func read(_ handle: FileHandle, count: Int, path: String) throws -> [UInt8] {
        do {
            return Array(try handle.read(upToCount: count) ?? Data())
        } catch {
            throw TernError(.invalidArgument, "Cannot read \(path): \(error.localizedDescription).")
        }
    }
}
