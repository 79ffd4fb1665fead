import Foundation
import TernCore

/// The engine behind ``CaptureLogWriter``. An append writes its record on the caller's thread (a `pwrite` into the page
/// cache, microseconds) so that the proxy can forward a write as soon as its request is in the log, without a thread hop.
/// A durable append then waits for one dedicated thread that syncs everything written so far in one `fsync` (group
/// commit) and completes every append it covered, so that no event loop ever waits on the disk's sync.
///
/// `@unchecked Sendable` because its state is guarded by hand: everything mutable is read and written only while
/// holding `condition`, except the `fsync` itself, which the sync thread runs outside the lock on a file it holds a
/// reference to (a roll may replace the current file meanwhile; the old one closes when the last reference goes).
/// Completions are always called outside the lock: a completion may append again on the same thread.
final class CaptureLogAppender: @unchecked Sendable {
    typealias Completion = @Sendable (Result<CapturePosition, any Error>) -> Void

    let directory: String
    let options: CaptureLogOptions
    private(set) var recovery: CaptureLogRecovery?

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var closing = false
    private var closeCompletions: [@Sendable (Result<Void, any Error>) -> Void] = []
    private var nextExchangeID: UInt64 = 0
    private let lock: CaptureLogFile
    private var file: CaptureLogFile?
    private var segment: UInt64 = 0
    private var size: Int64 = 0
    private var totalBytes: Int64 = 0
    private var segmentCount = 0
    private var records = 0
    private var fsyncs = 0
    private var dirty = false
    private var waiters: [(position: CapturePosition, completion: Completion)] = []
    private var lastSync = ContinuousClock.now
    /// Whether the sync thread is inside `fsync` (outside the lock) right now.
    private var syncing = false
    /// After a failed sync the kernel may have dropped the unsynced pages: nothing written since the last good sync can be
    /// trusted, so every later append fails with this error.
    private var failure: TernError?

    init(directory: String, options: CaptureLogOptions) throws {
        self.directory = directory
        self.options = options
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TernError(.captureLog, "Could not create the capture log folder \(directory): \(error.localizedDescription).")
        }
        lock = try CaptureLogFile.lock(directory + "/" + CaptureLogFormat.lockFileName, directory: directory)
        let segments = try CaptureLogSegments.list(directory)
        segmentCount = segments.count
        for number in segments {
            totalBytes += (try? CaptureLogFile.openForReading(CaptureLogSegments.path(directory, segment: number)).size()) ?? 0
        }
        var exchangeFloor = Self.clockExchangeFloor()
        if let newest = segments.last {
            let found = try recover(segment: newest)
            exchangeFloor = max(exchangeFloor, found)
        }
        if file == nil {
            try startSegment((segments.last ?? 0) + 1, exchangeFloor: exchangeFloor)
        }
        nextExchangeID = exchangeFloor
        let thread = Thread { [self] in runSyncs() }
        thread.name = "tern-capture-sync"
        thread.start()
    }

    /// Microseconds since the Unix epoch: a floor for exchange ids that keeps them rising across restarts even when every
    /// segment (and with it the last id used) was removed, as long as the proxy hands out fewer than a million ids a second.
    private static func clockExchangeFloor() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000))
    }

    /// Opens the newest segment, cuts a torn tail, and returns a floor for the next exchange id.
    private func recover(segment number: UInt64) throws -> UInt64 {
        let path = CaptureLogSegments.path(directory, segment: number)
        let name = CaptureLogFormat.fileName(segment: number)
        let opened = try CaptureLogFile.openForWriting(path)
        let scan = try CaptureLogSegments.scan(opened)
        var floor = max(scan.exchangeFloor ?? 0, scan.maxExchange.map { $0 + 1 } ?? 0)
        if scan.exchangeFloor == nil, number > 1 {
            // The header never reached the disk, and with it the floor: the previous segment's ids stand in.
            let previous = try? CaptureLogFile.openForReading(CaptureLogSegments.path(directory, segment: number - 1))
            if let previous, let scanned = try? CaptureLogSegments.scan(previous), let last = scanned.maxExchange {
                floor = max(floor, last + 1)
            }
        }
        guard let problem = scan.problem else {
            if scan.size < Int64(CaptureLogFormat.fileHeaderSize) {
                try opened.write(CaptureLogFormat.fileHeader(segment: number, exchangeFloor: floor), at: 0)
                try opened.sync()
                totalBytes += Int64(CaptureLogFormat.fileHeaderSize) - scan.size
                size = Int64(CaptureLogFormat.fileHeaderSize)
            } else {
                size = scan.validEnd
            }
            file = opened
            segment = number
            return floor
        }
        let position = CapturePosition(segment: number, offset: scan.validEnd)
        let after = scan.size - scan.validEnd
        if scan.tailOnly {
            try opened.truncate(to: scan.validEnd)
            if scan.validEnd < Int64(CaptureLogFormat.fileHeaderSize) {
                try opened.write(CaptureLogFormat.fileHeader(segment: number, exchangeFloor: floor), at: 0)
            }
            try opened.sync()
            size = max(scan.validEnd, Int64(CaptureLogFormat.fileHeaderSize))
            totalBytes += size - scan.size
            file = opened
            segment = number
            recovery = CaptureLogRecovery(fileName: name, position: position, bytesAfter: after, action: .truncated, reason: problem)
        } else {
            recovery = CaptureLogRecovery(
                fileName: name, position: position, bytesAfter: after, action: .startedNewSegment, reason: problem)
        }
        return floor
    }

    /// Creates segment `number`, makes its header and its folder entry durable, and makes it the one written.
    private func startSegment(_ number: UInt64, exchangeFloor: UInt64) throws {
        let path = CaptureLogSegments.path(directory, segment: number)
        let created = try CaptureLogFile.create(path)
        let header = CaptureLogFormat.fileHeader(segment: number, exchangeFloor: exchangeFloor)
        try created.write(header, at: 0)
        try created.sync()
        try CaptureLogFile.syncDirectory(directory)
        // The old file is not closed here: the sync thread may be syncing it; it closes with its last reference.
        file = created
        segment = number
        size = Int64(header.count)
        totalBytes += size
        segmentCount += 1
    }

    // MARK: - Called from any thread

    func nextExchange() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        let exchange = nextExchangeID
        nextExchangeID += 1
        return exchange
    }

    var stats: CaptureLogStats {
        condition.lock()
        defer { condition.unlock() }
        return CaptureLogStats(
            records: records, bytes: totalBytes, segments: segmentCount, fsyncs: fsyncs,
            end: CapturePosition(segment: segment, offset: size))
    }

    /// Writes `record` now, on the calling thread. `completion` runs at once unless `durable`; then it runs on the sync
    /// thread once an `fsync` covered the record (and everything written before it).
    func append(_ record: CaptureRecord, durable: Bool, completion: @escaping Completion) {
        do {
            let position = try write(record, waiter: durable ? completion : nil)
            if !durable { completion(.success(position)) }
        } catch {
            completion(.failure(error))
        }
    }

    /// Writes `record` now and returns the position after it; nothing waits for the disk.
    func appendNow(_ record: CaptureRecord) throws -> CapturePosition {
        try write(record, waiter: nil)
    }

    /// Deletes closed segments before `position` last written longer than `age` ago. Only the choice of segments happens
    /// under the lock: the deleting itself must not hold up appends.
    func removeSegments(before position: CapturePosition, olderThan age: Duration) throws -> [String] {
        condition.lock()
        let current = segment
        condition.unlock()
        var removed: [String] = []
        var freed: Int64 = 0
        defer {
            condition.lock()
            totalBytes -= freed
            segmentCount -= removed.count
            condition.unlock()
        }
        let now = Date()
        for number in try CaptureLogSegments.list(directory) where number < position.segment && number < current {
            let path = CaptureLogSegments.path(directory, segment: number)
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            guard let modified = attributes?[.modificationDate] as? Date, now.timeIntervalSince(modified) >= age.inSeconds else {
                continue
            }
            let bytes = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw TernError(.captureLog, "Could not remove \(path): \(error.localizedDescription).")
            }
            freed += bytes
            removed.append(CaptureLogFormat.fileName(segment: number))
        }
        if !removed.isEmpty { try CaptureLogFile.syncDirectory(directory) }
        return removed
    }

    func close(completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        condition.lock()
        closing = true
        closeCompletions.append(completion)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the sync thread without waiting, for a writer dropped without `close()`.
    func closeSoon() {
        close { _ in }
    }

    // MARK: - Writing (caller's thread, under the lock)

    /// Writes one record and returns the position after it; a `waiter` is queued for the next sync.
    private func write(_ record: CaptureRecord, waiter: Completion?) throws -> CapturePosition {
        let (frame, payloadCount) = CaptureLogFormat.frame(record)
        guard payloadCount <= CaptureLogFormat.maxPayloadBytes else {
            throw TernError(
                .captureLog,
                "A \(payloadCount)-byte record is larger than the capture log accepts (\(CaptureLogFormat.maxPayloadBytes) bytes).")
        }
        condition.lock()
        var rolled: [(position: CapturePosition, completion: Completion)] = []
        defer {
            condition.unlock()
            // Waiters of the segment a roll made durable; after the unlock, since a completion may append again.
            for waiter in rolled { waiter.completion(.success(waiter.position)) }
        }
        guard !closing else { throw TernError(.captureLog, "The capture log in \(directory) is closed.") }
        if let failure { throw failure }
        let rolls = size > Int64(CaptureLogFormat.fileHeaderSize) && size + Int64(frame.count) > options.segmentBytes
        let needed = Int64(frame.count + (rolls ? CaptureLogFormat.fileHeaderSize : 0))
        if let limit = options.maxTotalBytes, totalBytes + needed > limit {
            throw TernError(
                .captureLogFull,
                "The capture log in \(directory) holds \(totalBytes) bytes and may not exceed \(limit); let the replayer "
                    + "catch up and remove applied segments, or raise the limit.")
        }
        if rolls { rolled = try roll() }
        guard let file else { throw TernError(.captureLog, "The capture log in \(directory) has no open segment.") }
        do {
            try file.write(frame, at: size)
        } catch {
            // Cut a partial frame so that later records follow the last whole one; if even that fails, stop writing.
            do { try file.truncate(to: size) } catch { failure = error as? TernError }
            throw error
        }
        size += Int64(frame.count)
        totalBytes += Int64(frame.count)
        records += 1
        dirty = true
        let position = CapturePosition(segment: segment, offset: size)
        if let waiter {
            waiters.append((position, waiter))
            condition.broadcast()
        }
        return position
    }

    /// Ends the current segment durably and starts the next one; returns the waiters that sync covered.
    private func roll() throws -> [(position: CapturePosition, completion: Completion)] {
        guard let file else { throw TernError(.captureLog, "The capture log in \(directory) has no open segment.") }
        do {
            try file.sync()
        } catch {
            let error = error as? TernError ?? TernError(.captureLog, "Could not sync the capture log in \(directory): \(error).")
            failure = error
            throw error
        }
        fsyncs += 1
        dirty = false
        let covered = waiters
        waiters.removeAll()
        try startSegment(segment + 1, exchangeFloor: nextExchangeID)
        return covered
    }

    // MARK: - The sync thread

    private func runSyncs() {
        condition.lock()
        while true {
            if closing && !syncing {
                let completions = closeCompletions
                closeCompletions.removeAll()
                let (result, left) = finish()
                condition.unlock()
                for waiter in left {
                    waiter.completion(result.map { waiter.position })
                }
                for completion in completions { completion(result) }
                return
            }
            guard let deadline = syncDeadline() else {
                condition.wait()
                continue
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining > .zero {
                _ = condition.wait(until: Date(timeIntervalSinceNow: remaining.inSeconds))
                continue
            }
            guard let file else {
                condition.wait()
                continue
            }
            // Everything written so far is in `file` or in a segment a roll already synced: one fsync covers every waiter.
            let covered = waiters
            waiters.removeAll()
            dirty = false
            syncing = true
            condition.unlock()
            let outcome = Result { try file.sync() }
            condition.lock()
            syncing = false
            switch outcome {
            case .success:
                fsyncs += 1
                lastSync = .now
            case .failure(let error):
                let error = error as? TernError ?? TernError(.captureLog, "Could not sync the capture log in \(directory): \(error).")
                failure = error
            }
            let failure = self.failure
            condition.unlock()
            for waiter in covered {
                if let failure {
                    waiter.completion(.failure(failure))
                } else {
                    waiter.completion(.success(waiter.position))
                }
            }
            condition.lock()
        }
    }

    /// When the thread must sync next, or nil when nothing waits for a sync.
    private func syncDeadline() -> ContinuousClock.Instant? {
        switch options.sync {
        case .everyRecord:
            return waiters.isEmpty ? nil : lastSync
        case .interval(let milliseconds):
            return waiters.isEmpty && !dirty ? nil : lastSync.advanced(by: .milliseconds(milliseconds))
        }
    }

    /// Syncs what is left and closes the files; returns the outcome and the waiters it covered, to be completed after the
    /// unlock. Called with the lock held.
    private func finish() -> (Result<Void, any Error>, [(position: CapturePosition, completion: Completion)]) {
        if file != nil && (dirty || !waiters.isEmpty) && failure == nil {
            do {
                try file?.sync()
                fsyncs += 1
            } catch {
                failure = error as? TernError ?? TernError(.captureLog, "Could not sync the capture log in \(directory): \(error).")
            }
        }
        let left = waiters
        waiters.removeAll()
        file?.close()
        file = nil
        lock.close()
        if let failure { return (.failure(failure), left) }
        return (.success(()), left)
    }
}
