import Foundation
import TernCore

/// The engine behind ``CaptureLogWriter``: one dedicated thread takes queued appends in batches, writes them, and syncs
/// once per batch (group commit), so that neither an event loop nor Swift's cooperative pool ever waits on the disk.
///
/// `@unchecked Sendable` because its state is guarded by hand: the queue, the exchange counter, the stats and the
/// `closing` flag are read and written only while holding `condition`; the open file and the write state are touched only
/// by the log's thread (and by `init`, before that thread starts).
final class CaptureLogAppender: @unchecked Sendable {
    typealias Completion = @Sendable (Result<CapturePosition, any Error>) -> Void

    private enum Operation {
        case append(frame: [UInt8], durable: Bool, completion: Completion)
        case removeSegments(before: CapturePosition, olderThan: Duration, completion: @Sendable (Result<[String], any Error>) -> Void)
        case close(completion: @Sendable (Result<Void, any Error>) -> Void)
    }

    let directory: String
    let options: CaptureLogOptions
    private(set) var recovery: CaptureLogRecovery?

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Operation] = []
    private var closing = false
    private var nextExchangeID: UInt64 = 0
    private var sharedStats = CaptureLogStats()

    // Touched only by the log's thread.
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
        publishStats()
        let thread = Thread { [self] in run() }
        thread.name = "tern-capture-log"
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
        file?.close()
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
        return sharedStats
    }

    func append(_ record: CaptureRecord, durable: Bool, completion: @escaping Completion) {
        let payload = record.encoded()
        guard payload.count <= CaptureLogFormat.maxPayloadBytes else {
            completion(
                .failure(
                    TernError(
                        .captureLog,
                        "A \(payload.count)-byte record is larger than the capture log accepts (\(CaptureLogFormat.maxPayloadBytes) bytes)."
                    )))
            return
        }
        enqueue(.append(frame: CaptureLogFormat.frame(payload: payload), durable: durable, completion: completion)) {
            completion(.failure($0))
        }
    }

    func removeSegments(
        before position: CapturePosition, olderThan age: Duration, completion: @escaping @Sendable (Result<[String], any Error>) -> Void
    ) {
        enqueue(.removeSegments(before: position, olderThan: age, completion: completion)) { completion(.failure($0)) }
    }

    func close(completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        condition.lock()
        if closing {
            condition.unlock()
            completion(.success(()))
            return
        }
        closing = true
        queue.append(.close(completion: completion))
        condition.signal()
        condition.unlock()
    }

    /// Stops the thread without waiting, for a writer dropped without `close()`.
    func closeSoon() {
        close { _ in }
    }

    private func enqueue(_ operation: Operation, ifClosed: (TernError) -> Void) {
        condition.lock()
        guard !closing else {
            condition.unlock()
            ifClosed(TernError(.captureLog, "The capture log in \(directory) is closed."))
            return
        }
        queue.append(operation)
        condition.signal()
        condition.unlock()
    }

    // MARK: - The log's thread

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty {
                guard let deadline = syncDeadline() else {
                    condition.wait()
                    continue
                }
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { break }
                _ = condition.wait(until: Date(timeIntervalSinceNow: remaining.inSeconds))
            }
            let batch = queue
            queue.removeAll()
            condition.unlock()

            var stop = false
            for operation in batch {
                switch operation {
                case .append(let frame, let durable, let completion):
                    write(frame, durable: durable, completion: completion)
                case .removeSegments(let position, let age, let completion):
                    let result = Result { try remove(before: position, olderThan: age) }
                    publishStats()
                    completion(result)
                case .close(let completion):
                    completion(Result { try finish() })
                    stop = true
                }
            }
            if !stop, syncDeadline().map({ $0 <= ContinuousClock.now }) == true {
                syncNow()
            }
            publishStats()
            if stop { return }
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

    private func write(_ frame: [UInt8], durable: Bool, completion: @escaping Completion) {
        if let failure {
            completion(.failure(failure))
            return
        }
        do {
            let rolls = size > Int64(CaptureLogFormat.fileHeaderSize) && size + Int64(frame.count) > options.segmentBytes
            let needed = Int64(frame.count + (rolls ? CaptureLogFormat.fileHeaderSize : 0))
            if let limit = options.maxTotalBytes, totalBytes + needed > limit {
                throw TernError(
                    .captureLogFull,
                    "The capture log in \(directory) holds \(totalBytes) bytes and may not exceed \(limit); let the replayer "
                        + "catch up and remove applied segments, or raise the limit.")
            }
            if rolls { try roll() }
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
            // Stats first, so that a caller reading them after its append completes sees the append counted.
            publishStats()
            let position = CapturePosition(segment: segment, offset: size)
            if durable {
                waiters.append((position, completion))
            } else {
                completion(.success(position))
            }
        } catch {
            completion(.failure(error))
        }
    }

    /// Ends the current segment durably, then starts the next one.
    private func roll() throws {
        if dirty || !waiters.isEmpty { syncNow() }
        if let failure { throw failure }
        condition.lock()
        let floor = nextExchangeID
        condition.unlock()
        try startSegment(segment + 1, exchangeFloor: floor)
    }

    private func syncNow() {
        let completed = waiters
        waiters.removeAll()
        do {
            try file?.sync()
            fsyncs += 1
            dirty = false
            lastSync = .now
            publishStats()
            for waiter in completed { waiter.completion(.success(waiter.position)) }
        } catch {
            let error = error as? TernError ?? TernError(.captureLog, "Could not sync the capture log in \(directory): \(error).")
            failure = error
            for waiter in completed { waiter.completion(.failure(error)) }
        }
    }

    private func remove(before position: CapturePosition, olderThan age: Duration) throws -> [String] {
        var removed: [String] = []
        let now = Date()
        for number in try CaptureLogSegments.list(directory) where number < position.segment && number < segment {
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
            totalBytes -= bytes
            segmentCount -= 1
            removed.append(CaptureLogFormat.fileName(segment: number))
        }
        if !removed.isEmpty { try CaptureLogFile.syncDirectory(directory) }
        return removed
    }

    private func finish() throws {
        if dirty || !waiters.isEmpty { syncNow() }
        file?.close()
        file = nil
        lock.close()
        if let failure { throw failure }
    }

    private func publishStats() {
        let snapshot = CaptureLogStats(
            records: records, bytes: totalBytes, segments: segmentCount, fsyncs: fsyncs,
            end: CapturePosition(segment: segment, offset: size))
        condition.lock()
        sharedStats = snapshot
        condition.unlock()
    }
}
