import Foundation
import TernCore

/// Every difference one index pair's comparison found, kept in a file rather than in memory (an index of 100M documents
/// may differ in millions), so that `--repair` can fix each of them and not only the sampled ids of the report.
///
/// `@unchecked Sendable`: the handle and the buffer are used only while `lock` is held.
public final class DocumentDifferences: @unchecked Sendable {
    /// What kind of difference a line records, and whose routing it carries.
    public enum Kind: String, Sendable, Codable {
        /// On the source only: copy it (source routing).
        case missing
        /// On both with another content: copy it over (source routing).
        case different
        /// On the target only: delete it (target routing).
        case extra
    }

    /// One document to fix.
    public struct Entry: Sendable, Equatable, Codable {
        public var kind: Kind
        public var id: String
        public var routing: String?

        public init(kind: Kind, id: String, routing: String?) {
            self.kind = kind
            self.id = id
            self.routing = routing
        }
    }

    public let path: String
    private let lock = NSLock()
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var count: Int64 = 0

    /// Creates (or empties) the file at `path`.
    /// - Throws: `TernError` when it cannot be created.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw TernError(.invalidArgument, "Cannot create \(path) for the list of differences; check that its folder is writable.")
        }
        self.handle = handle
    }

    deinit { try? handle?.close() }

    /// Differences recorded so far.
    public var recorded: Int64 { lock.withLock { count } }

    /// Records one difference; written in blocks, so call ``finish()`` before reading.
    public func record(_ entry: Entry) throws {
        let line = try JSONEncoder().encode(entry)
        try lock.withLock {
            buffer.append(contentsOf: line)
            buffer.append(0x0A)
            count += 1
            if buffer.count >= 256 * 1024 { try flushLocked() }
        }
    }

    /// Flushes and closes the file.
    public func finish() throws {
        try lock.withLock {
            try flushLocked()
            try? handle?.close()
            handle = nil
        }
    }

    /// Calls `body` with the recorded entries in batches of at most `batchSize`, in the order they were recorded. The
    /// file is read in blocks, so a list of millions of differences never sits in memory whole.
    /// - Throws: `TernError` when the file cannot be read or a line is damaged; whatever `body` throws.
    public func forEachBatch(of batchSize: Int, _ body: ([Entry]) async throws -> Void) async throws {
        try finish()
        guard let reader = FileHandle(forReadingAtPath: path) else {
            throw TernError(.invalidArgument, "Cannot read the list of differences \(path); run the validation again.")
        }
        defer { try? reader.close() }
        let decoder = JSONDecoder()
        var pending: [UInt8] = []
        var batch: [Entry] = []
        while true {
            let block: Data?
            do {
                block = try reader.read(upToCount: 1 << 20)
            } catch {
                throw TernError(.invalidArgument, "Cannot read the list of differences \(path): \(error.localizedDescription).")
            }
            let atEnd = block?.isEmpty ?? true
            if let block { pending.append(contentsOf: block) }
            // Whole lines only; the last, unfinished one waits for the next block (or ends the file).
            let usable = atEnd ? pending.count : (pending.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
            for line in pending[..<usable].split(separator: 0x0A, omittingEmptySubsequences: true) {
                guard let entry = try? decoder.decode(Entry.self, from: Data(line)) else {
                    throw TernError(.invalidArgument, "The list of differences \(path) is damaged; run the validation again.")
                }
                batch.append(entry)
                if batch.count == batchSize {
                    try await body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            pending.removeFirst(usable)
            if atEnd { break }
        }
        if !batch.isEmpty { try await body(batch) }
    }

    /// Called with `lock` held.
    private func flushLocked() throws {
        guard !buffer.isEmpty, let handle else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw TernError(
                .failedChecks, "Cannot write the list of differences to \(path): \(error.localizedDescription) (is the disk full?).")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
