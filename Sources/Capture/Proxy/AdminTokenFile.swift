import Foundation
import TernCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file a proxy writes its generated admin token to, readable by the owner only. The token itself is never printed.
public enum AdminTokenFile {
    /// A new random token: 256 bits, hex.
    public static func random() -> Secret {
        var generator = SystemRandomNumberGenerator()
        return Secret((0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined())
    }

    /// Writes `token` to `path`, readable by the owner only, replacing the file.
    /// - Throws: `TernError` (exit code 2) when the file cannot be written.
    public static func write(_ token: Secret, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // Written to a private temporary file and renamed, so the token is never readable by others, even briefly.
        let temporary = "\(path).\(getpid()).tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        let bytes = Array((token.value + "\n").utf8)
        let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
        let closed = close(descriptor)
        guard written == bytes.count, closed == 0 else {
            unlink(temporary)
            throw failure("write", temporary)
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw failure("write", path)
        }
    }

    private static func failure(_ action: String, _ path: String) -> TernError {
        TernError.configuration(
            "Cannot \(action) the admin token file \(path): \(String(cString: strerror(errno))); choose a writable capture folder.")
    }
}

// Inside `AdminTokenFile` the name `write` is the method above, not the C function.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(descriptor, buffer, count) }
