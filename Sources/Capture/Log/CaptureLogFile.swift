import Foundation
import TernCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A segment file opened with POSIX calls: positioned reads and writes, `fsync`, `ftruncate`, and errors that name the
/// file. Writes come from one thread at a time (under the appender's lock); the sync thread may `fsync` meanwhile,
/// which POSIX allows on a shared descriptor. Closing happens only once nobody else uses the file.
final class CaptureLogFile {
    let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Opens an existing file for reading.
    static func openForReading(_ path: String) throws -> CaptureLogFile {
        try opening(path, flags: O_RDONLY, action: "open")
    }

    /// Opens an existing file for reading and writing.
    static func openForWriting(_ path: String) throws -> CaptureLogFile {
        try opening(path, flags: O_RDWR, action: "open")
    }

    /// Creates a new file; fails if it exists.
    static func create(_ path: String) throws -> CaptureLogFile {
        try opening(path, flags: O_RDWR | O_CREAT | O_EXCL, action: "create")
    }

    private static func opening(_ path: String, flags: Int32, action: String) throws -> CaptureLogFile {
        let descriptor = path.withCString { systemOpen($0, flags | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw failure(action, path) }
        return CaptureLogFile(path: path, descriptor: descriptor)
    }

    func size() throws -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.failure("read the size of", path) }
        return Int64(info.st_size)
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    func read(count: Int, at offset: Int64) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw Self.failure("read", path)
            }
            if got == 0 { break }
            done += got
        }
        if done < count { bytes.removeLast(count - done) }
        return bytes
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let wrote = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw Self.failure("write to", path)
            }
            done += wrote
        }
    }

    /// Makes the file's data (and its size) durable. `fdatasync` skips the timestamps `fsync` would also write, which
    /// nothing reads back, and the proxy pays this once per group of writes.
    func sync() throws {
        while dataSync(descriptor) != 0 {
            if errno != EINTR { throw Self.failure("sync", path) }
        }
    }

    func truncate(to size: Int64) throws {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw Self.failure("truncate", path) }
    }

    func close() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
    }

    /// Syncs a folder so that files created or removed in it survive a crash.
    static func syncDirectory(_ path: String) throws {
        let descriptor = path.withCString { systemOpen($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0) }
        guard descriptor >= 0 else { throw failure("open the folder", path) }
        defer { _ = systemClose(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("sync the folder", path) }
    }

    /// Takes an exclusive lock on `path` (created if missing) for as long as the returned file stays open.
    static func lock(_ path: String, directory: String) throws -> CaptureLogFile {
        let file = try opening(path, flags: O_RDWR | O_CREAT, action: "create")
        guard flock(file.descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw TernError(
                .captureLog, "Another process is writing the capture log in \(directory); stop it or choose another capture folder.")
        }
        return file
    }

    /// A one-sentence error for the failed call (reading `errno`).
    static func failure(_ action: String, _ path: String) -> TernError {
        let code = errno
        let reason = String(cString: strerror(code))
        let hint = code == ENOSPC || code == EDQUOT ? " (the disk is full; free some space)" : ""
        return TernError(.captureLog, "Could not \(action) \(path): \(reason)\(hint).")
    }
}

// At file scope `open` and `close` name the C functions, not the methods above.
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }

private func dataSync(_ descriptor: Int32) -> Int32 {
    #if os(Linux)
        return fdatasync(descriptor)
    #else
        return fsync(descriptor)
    #endif
}
