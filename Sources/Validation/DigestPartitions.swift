import Foundation
import TernCore

/// The digests of one side of a validation, spread over partition files by a hash of `_id`, so that two sides can be
/// compared one partition at a time: memory holds one partition, never every id of an index of 100M documents.
///
/// Records are appended from several reading tasks at once; ``finish()`` flushes and closes the files, after which
/// ``compare(source:target:sampleLimit:)`` reads them back.
///
/// `@unchecked Sendable`: every mutable property is read and written only while `lock` is held.
public final class DigestPartitions: @unchecked Sendable {
    /// The folder holding the partition files (created if needed).
    public let folder: String
    public let partitionCount: Int
    private let lock = NSLock()
    private var handles: [FileHandle?]
    private var buffers: [[UInt8]]
    private var appended: Int64 = 0
    private var finished = false
    /// Per partition: small buffers, since an index of 100M documents has a hundred or more partitions open at once.
    private static let bufferSize = 64 * 1024

    /// Partitions for about `expectedRecords` records, so that an average one holds at most half of
    /// `recordsPerPartition` (headroom for an uneven spread and for a count that grew since it was taken).
    public static func partitionCount(expectedRecords: Int64, recordsPerPartition: Int = 1_000_000) -> Int {
        let half = Int64(max(1, recordsPerPartition / 2))
        return Int(max(1, (max(0, expectedRecords) + half - 1) / half))
    }

    /// Creates `partitionCount` empty partition files in `folder`, replacing any earlier ones.
    /// - Throws: `TernError` (`.invalidArgument`) when the folder or a file cannot be created.
    public init(folder: String, partitionCount: Int) throws {
        precondition(partitionCount > 0, "at least one partition")
        self.folder = folder
        self.partitionCount = partitionCount
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TernError(.invalidArgument, "Cannot create the folder \(folder) for validation digests: \(error.localizedDescription).")
        }
        var handles: [FileHandle?] = []
        for partition in 0..<partitionCount {
            let path = Self.path(folder: folder, partition: partition)
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                for handle in handles { try? handle?.close() }
                throw TernError(.invalidArgument, "Cannot create \(path): check that \(folder) is writable and has free space.")
            }
            handles.append(handle)
        }
        self.handles = handles
        self.buffers = Array(repeating: [], count: partitionCount)
    }

    deinit {
        for handle in handles { try? handle?.close() }
    }

    /// Records appended so far.
    public var recordCount: Int64 { lock.withLock { appended } }

    /// The partition of an `_id` among `count`: the low bits of its hash (sampling uses the high bits).
    public static func partition(of id: String, count: Int) -> Int {
        Int((DigestRecord.idHash(id) & 0xFFFF_FFFF) % UInt64(count))
    }

    /// Adds records to their partitions.
    /// - Throws: `TernError` when a file cannot be written (a full disk).
    public func append(_ records: some Sequence<DigestRecord>) throws {
        try lock.withLock {
            precondition(!finished, "append after finish")
            for record in records {
                let partition = Self.partition(of: record.id, count: partitionCount)
                record.encode(into: &buffers[partition])
                appended += 1
                if buffers[partition].count >= Self.bufferSize { try flush(partition) }
            }
        }
    }

    /// Writes what is buffered and closes the files. Appending afterwards is a programming error.
    public func finish() throws {
        try lock.withLock {
            guard !finished else { return }
            finished = true
            for partition in 0..<partitionCount {
                try flush(partition)
                try? handles[partition]?.close()
                handles[partition] = nil
            }
        }
    }

    /// The records of one partition, in the order they were appended.
    /// - Throws: `TernError` when the file cannot be read or is damaged.
    public func records(inPartition partition: Int) throws -> [DigestRecord] {
        var records: [DigestRecord] = []
        try forEachRecord(inPartition: partition) { records.append($0) }
        return records
    }

    /// Deletes the partition files and the folder.
    public func remove() {
        try? finish()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Compares two finished sides partition by partition.
    /// - Parameters:
    ///   - sampleLimit: how many ids of each kind of difference to keep.
    ///   - differences: where every difference is recorded, for a repair; nil to keep only the samples.
    ///   - inFlight: whether an id has a write still on its way to the target; such a document, missing, extra or
    ///     different, is counted in ``DigestComparison/inFlight`` instead (and left out of `differences`: the replay
    ///     brings it). Nil counts every difference.
    /// - Throws: `TernError` when the sides were partitioned differently or a file cannot be read or written.
    public static func compare(
        source: DigestPartitions, target: DigestPartitions, sampleLimit: Int = 20, differences: DocumentDifferences? = nil,
        inFlight: ((String) -> Bool)? = nil
    ) throws -> DigestComparison {
        guard source.partitionCount == target.partitionCount else {
            throw TernError(
                .invalidArgument,
                "The two sides were digested into \(source.partitionCount) and \(target.partitionCount) partitions; digest both with the same count."
            )
        }
        try source.finish()
        try target.finish()
        var result = DigestComparison()
        for partition in 0..<source.partitionCount {
            var remaining: [String: DigestRecord] = [:]
            try source.forEachRecord(inPartition: partition) { record in
                remaining[record.id] = record
                result.sourceRecords += 1
            }
            var extra: [String] = []
            var different: [String] = []
            var excused: [String] = []
            try target.forEachRecord(inPartition: partition) { record in
                result.targetRecords += 1
                let expected = remaining.removeValue(forKey: record.id)
                if expected.map({ $0.digest == record.digest && $0.routing == record.routing }) == true { return }
                if let inFlight, inFlight(record.id) {
                    result.inFlight += 1
                    if result.inFlightSamples.count < sampleLimit { excused.append(record.id) }
                    return
                }
                guard let expected else {
                    result.extra += 1
                    if result.samples.extra.count < sampleLimit { extra.append(record.id) }
                    try differences?.record(.init(kind: .extra, id: record.id, routing: record.routing))
                    return
                }
                if expected.digest != record.digest || expected.routing != record.routing {
                    result.different += 1
                    if result.samples.different.count < sampleLimit { different.append(record.id) }
                    try differences?.record(.init(kind: .different, id: record.id, routing: expected.routing))
                    if expected.routing != record.routing {
                        // Under another routing the target copy lives in another shard: it goes, the source copy comes.
                        try differences?.record(.init(kind: .extra, id: record.id, routing: record.routing))
                    }
                }
            }
            if let inFlight {
                for id in remaining.keys where inFlight(id) {
                    remaining.removeValue(forKey: id)
                    result.inFlight += 1
                    excused.append(id)
                }
            }
            if let differences {
                for record in remaining.values.sorted(by: { $0.id < $1.id }) {
                    try differences.record(.init(kind: .missing, id: record.id, routing: record.routing))
                }
            }
            result.missing += Int64(remaining.count)
            Self.addSamples(Array(remaining.keys), to: &result.samples.missing, limit: sampleLimit)
            Self.addSamples(extra, to: &result.samples.extra, limit: sampleLimit)
            Self.addSamples(different, to: &result.samples.different, limit: sampleLimit)
            Self.addSamples(excused, to: &result.inFlightSamples, limit: sampleLimit)
        }
        return result
    }

    private static func addSamples(_ ids: [String], to samples: inout [String], limit: Int) {
        guard samples.count < limit, !ids.isEmpty else { return }
        samples.append(contentsOf: ids.sorted().prefix(limit - samples.count))
    }

    // MARK: Files

    private static func path(folder: String, partition: Int) -> String {
        let number = String(partition)
        return "\(folder)/partition-\(String(repeating: "0", count: max(0, 5 - number.count)))\(number).digests"
    }

    /// Called with `lock` held.
    private func flush(_ partition: Int) throws {
        guard !buffers[partition].isEmpty, let handle = handles[partition] else { return }
        do {
            try handle.write(contentsOf: buffers[partition])
        } catch {
            throw TernError(
                .failedChecks,
                "Cannot write validation digests to \(Self.path(folder: folder, partition: partition)): \(error.localizedDescription) (is the disk full?)."
            )
        }
        buffers[partition].removeAll(keepingCapacity: true)
    }

    private func forEachRecord(inPartition partition: Int, _ body: (DigestRecord) throws -> Void) throws {
        let path = Self.path(folder: folder, partition: partition)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TernError(.invalidArgument, "Cannot read validation digests from \(path): \(error.localizedDescription).")
        }
        try data.withUnsafeBytes { bytes in
            var position = 0
            while position < bytes.count {
                guard let record = DigestRecord.decode(bytes, at: &position) else {
                    throw TernError(.invalidArgument, "\(path) is damaged at byte \(position); run the validation again.")
                }
                try body(record)
            }
        }
    }
}
