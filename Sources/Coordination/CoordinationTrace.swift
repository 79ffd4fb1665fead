import Foundation
import Synchronization

/// Appends one JSON line per claim and release to a file, stamped with the machine's monotonic clock, so that the
/// holders of one item can be checked for overlap across processes on the same machine.
public final class CoordinationTrace: Sendable {
    /// Opened with `O_APPEND`: several processes write whole lines to the same file.
    private let descriptor: Int32

    public init(path: String?) {
        descriptor = path.map { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) } ?? -1
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Records `event` (`hold`, `release`, `done`, `lost`) of `item` by `worker`.
    public func record(_ event: String, item: String, worker: String) {
        guard descriptor >= 0 else { return }
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        let nanoseconds = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        let line = Array(
            "{\"t\":\(nanoseconds),\"event\":\"\(event)\",\"item\":\(Self.quoted(item)),\"worker\":\(Self.quoted(worker))}\n".utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    private static func quoted(_ text: String) -> String {
        let data = try? JSONEncoder().encode(text)
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
