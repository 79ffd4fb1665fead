import CZlib
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import SnapshotReader
import Synchronization

/// A repository in an object store, read in place: listings and small blobs into memory, large blobs (Lucene files the
/// reader opens) fetched in ranges over several connections into the spill folder and memory-mapped. Only the blobs the
/// reader asks for are fetched: a shard's stored fields and live docs, not its postings, points or vectors.
package final class ObjectStoreStorage: RepositoryStorage {
    package struct Options: Sendable {
        /// Requests in flight at once, over all blobs.
        package var connections: Int
        /// The size of one ranged GET.
        package var rangeBytes: Int
        /// Blobs at least this large are spilled to disk; smaller ones stay in memory.
        package var spillThreshold: Int

        package init(connections: Int = 16, rangeBytes: Int = 8 << 20, spillThreshold: Int = 1 << 20) {
            self.connections = max(1, connections)
            self.rangeBytes = max(1024, rangeBytes)
            self.spillThreshold = spillThreshold
        }
    }

    package let service: any BlobService
    package let http: BlobHTTP
    let spill: SpillFolder
    let options: Options
    let logger: Logger
    private let slots: DispatchSemaphore
    private let listings = Mutex<[String: [String]]>([:])
    /// Large files fetched and still in use, so that readers opening the same file (one per share of a segment) share
    /// one copy instead of fetching it again; a lock per key makes concurrent opens wait for the first.
    private let fetched = Mutex<[String: WeakFile]>([:])
    private let fetchLocks = Mutex<[String: NSLock]>([:])
    /// Blob sizes seen in listings, so that a split file's parts need no lookups.
    private let sizes = Mutex<[String: Int]>([:])

    package init(service: any BlobService, http: BlobHTTP, spill: SpillFolder, options: Options = Options(), logger: Logger) {
        self.service = service
        self.http = http
        self.spill = spill
        self.options = options
        self.logger = logger
        self.slots = DispatchSemaphore(value: options.connections)
    }

    package var location: String { service.url.description }

    /// Every object store this process reads shares one client, so this counts all of them.
    package var bytesFetched: Int? { http.bytesFetched }

    package func list(_ path: String) throws(SnapshotReaderError) -> [String] {
        let prefix = folderPrefix(path)
        if let cached = listings.withLock({ $0[prefix] }) { return cached }
        var names: [String] = []
        var token: String?
        repeat {
            let page = try listPage(prefix: prefix, maxKeys: nil, token: token)
            names += page.blobs.map { String($0.key.dropFirst(prefix.count)) }
            sizes.withLock { known in for blob in page.blobs { known[blob.key] = blob.size } }
            names += page.prefixes.map { String($0.dropFirst(prefix.count).dropLast($0.hasSuffix("/") ? 1 : 0)) }
            token = page.nextToken
        } while token != nil
        let listed = names.filter { !$0.isEmpty }
        listings.withLock { $0[prefix] = listed }
        return listed
    }

    package func folderExists(_ path: String) throws(SnapshotReaderError) -> Bool {
        let page = try listPage(prefix: folderPrefix(path), maxKeys: 1, token: nil)
        return !page.blobs.isEmpty || !page.prefixes.isEmpty
    }

    package func blobExists(_ path: String) throws(SnapshotReaderError) -> Bool {
        try size(of: service.url.key(path)) != nil
    }

    package func read(_ path: String, name: String, expectedLength: Int?) throws(SnapshotReaderError) -> LuceneFile {
        let key = service.url.key(path)
        if let expectedLength, expectedLength >= options.spillThreshold {
            return try shared(key: key) { () throws(SnapshotReaderError) in try spilled([(key, expectedLength)], name: name) }
        }
        let answer = try perform(key: key, name: name) { () throws(BlobFailure) in
            try http.send("reading \(display(key))") { () throws(BlobFailure) in try service.getRequest(key: key, range: nil) }
        }
        let data = Data(buffer: answer.body)
        if let expectedLength, data.count != expectedLength {
            throw SnapshotReaderError.corrupt(
                name, at: data.count, "the store holds \(data.count) bytes at \(display(key)) where the file list says \(expectedLength)")
        }
        return LuceneFile(name: name, data: data)
    }

    /// A split file's parts fetched into one spill file, never joined in memory (parts are as large as `chunk_size`).
    package func readParts(_ paths: [String], name: String, expectedLength: Int) throws(SnapshotReaderError) -> LuceneFile {
        guard let first = paths.first else { return LuceneFile(name: name, data: Data()) }
        _ = try list(String(first.split(separator: "/").dropLast().joined(separator: "/")))
        var parts: [(key: String, length: Int)] = []
        for path in paths {
            let key = service.url.key(path)
            var length = sizes.withLock { $0[key] }
            if length == nil { length = try size(of: key) }
            guard let length else {
                throw SnapshotReaderError.missing(name, "no blob at \(display(key))")
            }
            parts.append((key, length))
        }
        let total = parts.reduce(0) { $0 + $1.length }
        guard total == expectedLength else {
            throw SnapshotReaderError.corrupt(
                name, at: total, "its \(parts.count) parts hold \(total) bytes where the file list says \(expectedLength)")
        }
        return try shared(key: parts[0].key) { () throws(SnapshotReaderError) in try spilled(parts, name: name) }
    }

    /// The file already fetched for `key` while something still holds it, else the one `fetch` makes.
    private func shared(key: String, _ fetch: () throws(SnapshotReaderError) -> LuceneFile) throws(SnapshotReaderError) -> LuceneFile {
        let lock = fetchLocks.withLock { locks in
            if let existing = locks[key] { return existing }
            let created = NSLock()
            locks[key] = created
            return created
        }
        lock.lock()
        defer { lock.unlock() }
        if let file = fetched.withLock({ $0[key]?.file }) { return file }
        let file = try fetch()
        fetched.withLock { $0[key] = WeakFile(file) }
        return file
    }

    /// Fetches large blobs (one file, or the parts of one in order) in ranges into a spill file, checks the Lucene
    /// checksum over every byte, and maps it.
    private func spilled(_ parts: [(key: String, length: Int)], name: String) throws(SnapshotReaderError) -> LuceneFile {
        let length = parts.reduce(0) { $0 + $1.length }
        let key = parts.first?.key ?? ""
        spill.reserve(length)
        let file: (fd: Int32, path: String)
        do {
            file = try spill.create(length: length)
        } catch {
            spill.release(length)
            throw SnapshotReaderError.invalidInput("Cannot spill \(name) to disk: \(error); give a --spill-dir with free space.")
        }
        // (blob, its bytes, where they go in the file)
        var cut: [(key: String, range: Range<Int>, at: Int)] = []
        var base = 0
        for part in parts {
            for start in stride(from: 0, to: part.length, by: options.rangeBytes) {
                cut.append((part.key, start..<min(part.length, start + options.rangeBytes), base + start))
            }
            base += part.length
        }
        let ranges = cut
        let failures = Mutex<[BlobFailure]>([])
        let started = Date()
        // Threads of their own rather than GCD's concurrentPerform, which runs no more workers than there are cores:
        // these wait on the network, and a 2-core machine still wants 16 ranges in flight.
        let next = Atomic<Int>(0)
        let workers = DispatchGroup()
        for _ in 0..<min(ranges.count, options.connections) {
            workers.enter()
            Thread { [self] in
                defer { workers.leave() }
                while failures.withLock({ $0.isEmpty }) {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < ranges.count else { return }
                    let (blob, range, at) = ranges[index]
                    slots.wait()
                    defer { slots.signal() }
                    do {
                        try http.download(
                            "reading bytes \(range.lowerBound)-\(range.upperBound - 1) of \(display(blob))", file: file.fd, offset: at,
                            length: range.count
                        ) { () throws(BlobFailure) in try service.getRequest(key: blob, range: range) }
                    } catch {
                        failures.withLock { $0.append(error as? BlobFailure ?? BlobFailure(.transport, "\(error)")) }
                    }
                }
            }.start()
        }
        workers.wait()
        if let failure = failures.withLock({ $0.first }) {
            spill.discard(fd: file.fd, path: file.path, reserved: length)
            throw translate(failure, key: key, name: name)
        }
        let data: Data
        do {
            data = try spill.unlinkAndMap(fd: file.fd, path: file.path, length: length, reserved: length)
        } catch {
            throw SnapshotReaderError.invalidInput("Cannot read the spilled copy of \(name): \(error).")
        }
        let seconds = Date().timeIntervalSince(started)
        logger.debug(
            "fetched \(display(key)): \(length) bytes in \(String(format: "%.2f", seconds)) s over \(min(ranges.count, options.connections)) connections"
        )
        try verifyLuceneChecksum(data, name: name, key: key)
        return LuceneFile(name: name, data: data, isMemoryMapped: true)
    }

    /// A Lucene file ends in a CRC32 of every byte before its last 8: recomputing it proves the transfer intact.
    private func verifyLuceneChecksum(_ data: Data, name: String, key: String) throws(SnapshotReaderError) {
        guard data.count >= 16 else { return }
        let (stored, computed, magic) = data.withUnsafeBytes { bytes -> (UInt64, UInt64, UInt32) in
            let footer = bytes.count - 16
            let magic = bytes.loadUnaligned(fromByteOffset: footer, as: UInt32.self).bigEndian
            let stored = bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self).bigEndian
            var crc: uLong = crc32(0, nil, 0)
            var offset = 0
            let end = bytes.count - 8
            // In steps, handing each step's pages back: one pass over a 10 GB file must not make it all resident.
            while offset < end {
                let chunk = min(end - offset, PageReclaimer.batch)
                crc = crc32(crc, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(chunk))
                PageReclaimer.release(bytes.baseAddress!, from: offset, to: offset + chunk)
                offset += chunk
            }
            return (stored, UInt64(crc), magic)
        }
        // Only files with Lucene's footer magic (0xC02893E8, inverted header magic) carry the checksum.
        guard magic == 0xC028_93E8 else { return }
        guard stored == computed else {
            throw SnapshotReaderError.corrupt(
                name, at: data.count - 8,
                "the bytes fetched from \(display(key)) have CRC32 \(computed) where the file's footer records \(stored): the transfer or the stored blob is damaged"
            )
        }
    }

    /// The blob's size, or nil when there is none.
    private func size(of key: String) throws(SnapshotReaderError) -> Int? {
        do {
            let answer = try withSlot { () throws(BlobFailure) in
                try http.send("looking up \(display(key))") { () throws(BlobFailure) in try service.sizeRequest(key: key) }
            }
            return service.size(from: answer) ?? 0
        } catch  where error.kind == .notFound {
            return nil
        } catch {
            throw translate(error, key: key, name: key)
        }
    }

    private func listPage(prefix: String, maxKeys: Int?, token: String?) throws(SnapshotReaderError) -> BlobPage {
        let answer: BlobHTTP.Answer
        do {
            answer = try withSlot { () throws(BlobFailure) in
                try http.send("listing \(display(prefix))") { () throws(BlobFailure) in
                    try service.listRequest(prefix: prefix, maxKeys: maxKeys, pageToken: token)
                }
            }
        } catch  where error.kind == .notFound {
            // Listing a prefix never answers 404; the bucket itself is missing.
            throw SnapshotReaderError.invalidInput(
                "\(location): the \(service.url.kind == .azure ? "container" : "bucket") \(service.url.bucket) does not exist at this endpoint (\(error.description)); check the URL, the endpoint and the region."
            )
        } catch {
            throw translate(error, key: prefix, name: display(prefix))
        }
        do {
            return try service.parseListing(answer.body)
        } catch {
            throw SnapshotReaderError.corrupt(display(prefix), at: 0, "the store's listing does not parse: \(error.description)")
        }
    }

    private func perform<T>(key: String, name: String, _ body: () throws(BlobFailure) -> T) throws(SnapshotReaderError) -> T {
        do {
            return try withSlot(body)
        } catch {
            throw translate(error, key: key, name: name)
        }
    }

    private func withSlot<T>(_ body: () throws(BlobFailure) -> T) throws(BlobFailure) -> T {
        slots.wait()
        defer { slots.signal() }
        return try body()
    }

    private func translate(_ failure: BlobFailure, key: String, name: String) -> SnapshotReaderError {
        switch failure.kind {
        case .notFound:
            .missing(name, "no blob at \(display(key))")
        case .denied:
            .unavailable(
                "\(location) refused Tern's credentials (\(failure.description)); check the credentials for this store (see tern snapshot --help) and that they may list and read the bucket."
            )
        case .throttled, .transport:
            .unavailable("\(location) could not be read: \(failure.description); check the endpoint and the network, then run again.")
        case .other:
            .unavailable("\(location) refused a request: \(failure.description).")
        }
    }

    private func folderPrefix(_ path: String) -> String {
        let key = service.url.key(path)
        return key.isEmpty ? "" : key + "/"
    }

    private func display(_ key: String) -> String {
        "\(service.url.kind.rawValue)://\(service.url.bucket)/\(key)"
    }
}

/// A fetched file, remembered only while a reader holds it.
private final class WeakFile: @unchecked Sendable {
    // Written once in init; the weak reference itself is thread-safe to read.
    weak var file: LuceneFile?
    init(_ file: LuceneFile) { self.file = file }
}
