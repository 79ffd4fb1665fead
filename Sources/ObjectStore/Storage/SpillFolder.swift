import Foundation
import Synchronization

/// Where large blobs land so that the Lucene reader can read them at random: files in a folder, memory-mapped and
/// unlinked at once, so that their space returns when the reader lets go of them, and a crash leaves nothing behind.
///
/// The size cap holds downloads back until earlier files are released. It is soft: a download that has waited
/// `patience` seconds goes ahead (readers that hold files while they open more would otherwise wait on each other).
package final class SpillFolder: Sendable {
    package let path: String
    package let capBytes: Int
    let patience: Double
    private let used = Mutex(0)
    private let released = NSCondition()

    package init(path: String, capBytes: Int, patience: Double = 30) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
        self.capBytes = capBytes
        self.patience = patience
    }

    /// The spill folder's bytes in use.
    package var bytesInUse: Int { used.withLock { $0 } }

    /// Waits for room for `bytes`, then counts them as used.
    func reserve(_ bytes: Int) {
        let deadline = Date().addingTimeInterval(patience)
        released.lock()
        while true {
            let granted = used.withLock { inUse -> Bool in
                guard inUse == 0 || inUse + bytes <= capBytes || Date() >= deadline else { return false }
                inUse += bytes
                return true
            }
            if granted { break }
            _ = released.wait(until: deadline)
        }
        released.unlock()
    }

    func release(_ bytes: Int) {
        used.withLock { $0 -= bytes }
        released.lock()
        released.broadcast()
        released.unlock()
    }

    /// A new empty file of `length` bytes, open for writing; `unlinkAndMap` turns it into bytes.
    func create(length: Int) throws -> (fd: Int32, path: String) {
        var template = Array((path as NSString).appendingPathComponent("blob-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SpillError("cannot create a file in \(path): \(String(cString: strerror(errno)))") }
        let name = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard ftruncate(fd, off_t(length)) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(name)
            throw SpillError("cannot make room for \(length) bytes in \(path): \(reason)")
        }
        return (fd, name)
    }

    /// Maps the written file read-only, removes its name and closes it: the mapping keeps the bytes until released,
    /// and then `bytes` go back to the cap.
    func unlinkAndMap(fd: Int32, path: String, length: Int, reserved bytes: Int) throws -> Data {
        defer {
            close(fd)
            unlink(path)
        }
        guard length > 0 else {
            release(bytes)
            return Data()
        }
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw SpillError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        return Data(
            bytesNoCopy: address, count: length,
            deallocator: .custom { [self] pointer, count in
                munmap(pointer, count)
                release(bytes)
            })
    }

    /// Removes a file that will not be mapped.
    func discard(fd: Int32, path: String, reserved bytes: Int) {
        close(fd)
        unlink(path)
        release(bytes)
    }
}

struct SpillError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
