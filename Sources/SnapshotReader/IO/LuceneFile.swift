import Foundation

/// The bytes of one file (or a slice of one, for files inside a compound file), memory-mapped when read from disk so
/// that a 10 GB shard does not need 10 GB of RAM.
///
/// `@unchecked Sendable`: the bytes are immutable after creation.
public final class LuceneFile: @unchecked Sendable {
    /// The name used in error messages (`_0.fdt`, or `_0.fdt in _0.cfs`).
    public let name: String
    private let storage: Data
    private let start: Int
    public let count: Int
    /// Whether the bytes are a read-only mapping of a file on disk: only then may read pages be handed back to the
    /// kernel (they are re-read from the file if touched again; memory of our own would be lost).
    public let isMemoryMapped: Bool

    /// Wraps bytes already in memory, or (`isMemoryMapped`) a read-only mapping of a file whose pages the kernel may drop.
    public convenience init(name: String, data: Data, isMemoryMapped: Bool = false) {
        self.init(name: name, storage: data, start: 0, count: data.count, isMemoryMapped: isMemoryMapped)
    }

    private init(name: String, storage: Data, start: Int, count: Int, isMemoryMapped: Bool) {
        self.name = name
        self.storage = storage
        self.start = start
        self.count = count
        self.isMemoryMapped = isMemoryMapped
    }

    /// Maps a file from disk.
    public static func map(path: String, name: String) throws(SnapshotReaderError) -> LuceneFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SnapshotReaderError.missing(name, "no file at \(path)")
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
            return LuceneFile(name: name, storage: data, start: 0, count: data.count, isMemoryMapped: true)
        } catch {
            throw SnapshotReaderError.invalidInput("Cannot read \(path): \(error.localizedDescription).")
        }
    }

    /// A part of this file, sharing its bytes.
    public func slice(offset: Int, length: Int, name: String) throws(SnapshotReaderError) -> LuceneFile {
        guard offset >= 0, length >= 0, offset <= count - length else {
            throw SnapshotReaderError.corrupt(self.name, at: offset, "a slice of \(length) bytes for \(name) lies outside the file")
        }
        return LuceneFile(name: name, storage: storage, start: start + offset, count: length, isMemoryMapped: isMemoryMapped)
    }

    /// Runs `body` over the bytes. The pointer is valid only during the call.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = storage.withUnsafeBytes { raw in
            let window = UnsafeRawBufferPointer(rebasing: raw[start..<(start + count)])
            do throws(E) {
                return .success(try body(window))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// A reader positioned at the start of the file, valid only inside `body`.
    public func withReader<R, E: Error>(_ body: (inout ByteReader) throws(E) -> R) throws(E) -> R {
        try withBytes { (bytes) throws(E) -> R in
            var reader = ByteReader(bytes, name: name)
            return try body(&reader)
        }
    }
}
