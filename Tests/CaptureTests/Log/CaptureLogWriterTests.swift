import Foundation
import Synchronization
import TernCore
import Testing

@testable import Capture

@Suite struct CaptureLogWriterTests {
    @Test func manyRecordsRoundTripAcrossSegments() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 4096))
        #expect(writer.recovery == nil)
        var written: [CaptureRecord] = []
        var last = CapturePosition.start
        for _ in 0..<150 {
            let exchange = writer.nextExchange()
            let request = Records.request(exchange, body: Int(exchange % 97))
            let response = Records.response(exchange)
            let first = try await writer.append(request, durable: false)
            last = try await writer.append(response)
            #expect(first < last)
            written += [request, response]
        }
        let stats = writer.stats
        #expect(stats.records == 300)
        #expect(stats.segments >= 4)
        #expect(stats.end == last)
        #expect(stats.fsyncs >= 150)
        try await writer.close()

        let reader = CaptureLogReader(directory: folder.path)
        #expect(try reader.records() == written)
        #expect(reader.damage == nil)
        #expect(reader.position == last)
        for segment in 1...UInt64(stats.segments) {
            #expect(try folder.size(of: segment) <= 4096)
        }
    }

    @Test func readingContinuesFromASavedPositionAndFollowsNewRecords() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 2048))
        for _ in 0..<40 { try await writer.append(Records.request(writer.nextExchange())) }
        let reader = CaptureLogReader(directory: folder.path)
        var entries: [CaptureLogEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        #expect(entries.count == 40)
        #expect(try reader.next() == nil)

        let saved = entries[24].next
        let resumed = CaptureLogReader(directory: folder.path, from: saved)
        #expect(try resumed.records() == entries[25...].map(\.record))

        // A follower sees what is appended after it reached the end, including in new segments.
        for _ in 0..<30 { try await writer.append(Records.request(writer.nextExchange())) }
        #expect(try reader.records().count == 30)
        #expect(try resumed.records().count == 30)
        try await writer.close()
    }

    @Test func concurrentAppendsAreAllReadableWithUniqueIncreasingIDs() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 16 * 1024))
        let ids = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for _ in 0..<400 {
                group.addTask {
                    let exchange = writer.nextExchange()
                    try await writer.append(Records.request(exchange), durable: false)
                    try await writer.append(Records.response(exchange))
                    return exchange
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(ids).count == 400)
        // Appends waiting together share a sync (group commit).
        #expect(writer.stats.fsyncs < 400)
        try await writer.close()

        let records = try CaptureLogReader(directory: folder.path).records()
        #expect(records.count == 800)
        var requestSeen = Set<UInt64>()
        for record in records {
            if record.kind == .request {
                #expect(requestSeen.insert(record.exchange).inserted)
            } else {
                #expect(requestSeen.contains(record.exchange), "a response follows its request")
            }
        }
        #expect(requestSeen == Set(ids))
        let reopened = try CaptureLogWriter(directory: folder.path)
        #expect(reopened.nextExchange() > ids.max()!)
        try await reopened.close()
    }

    @Test func callbackAppendsCompleteWithoutAsync() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(sync: .interval(milliseconds: 20)))
        let positions = try await withThrowingTaskGroup(of: CapturePosition.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        writer.append(Records.request(UInt64(index)), durable: index % 2 == 0) { continuation.resume(with: $0) }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(positions).count == 50)
        #expect(writer.stats.fsyncs >= 1)
        #expect(writer.stats.fsyncs < 25)
        try await writer.close()
        #expect(try CaptureLogReader(directory: folder.path).records().count == 50)
    }

    @Test func durableAppendsFromManyThreadsAcrossRollsCompleteOnceEachAfterTheirSync() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Tiny segments: rolls happen on the appending threads while the sync thread syncs the segment before.
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 4 * 1024))
        let completed = Mutex<[UInt64: Int]>([:])
        let durableAtCompletion = Mutex<[Bool]>([])
        let threads = 8
        let perThread = 100
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let remaining = Mutex(threads * perThread)
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    for index in 0..<perThread {
                        let exchange = UInt64(thread * perThread + index)
                        do {
                            try writer.appendNow(Records.request(exchange))
                        } catch {
                            Issue.record("request \(exchange): \(error)")
                        }
                        writer.append(Records.response(exchange)) { result in
                            if case .failure(let error) = result { Issue.record("response \(exchange): \(error)") }
                            completed.withLock { $0[exchange, default: 0] += 1 }
                            // A completion may append again on the sync thread without deadlocking the log.
                            _ = try? writer.appendNow(Records.request(exchange + 1_000_000))
                            durableAtCompletion.withLock { $0.append(writer.stats.fsyncs > 0) }
                            if remaining.withLock({ count in
                                count -= 1
                                return count == 0
                            }) {
                                done.resume()
                            }
                        }
                    }
                }
            }
        }
        #expect(completed.withLock { $0.count } == threads * perThread)
        #expect(completed.withLock { $0.values.allSatisfy { $0 == 1 } })
        #expect(durableAtCompletion.withLock { $0.allSatisfy { $0 } })
        #expect(writer.stats.segments > 10)
        try await writer.close()
        let records = try CaptureLogReader(directory: folder.path).records()
        #expect(records.count == 3 * threads * perThread)
        var requests = Set<UInt64>()
        for record in records {
            if record.kind == .request {
                requests.insert(record.exchange)
            } else {
                #expect(requests.contains(record.exchange), "a response follows its request")
            }
        }
    }

    @Test func exchangeIDsKeepRisingAcrossRestartsEvenWhenSegmentsWereRemoved() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var highest: UInt64 = 0
        for _ in 0..<3 {
            let writer = try CaptureLogWriter(directory: folder.path)
            let first = writer.nextExchange()
            #expect(first > highest)
            highest = first
            for _ in 0..<5 {
                let next = writer.nextExchange()
                #expect(next > highest)
                highest = next
                try await writer.append(Records.request(next))
            }
            try await writer.close()
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".tcl") {
            try FileManager.default.removeItem(atPath: folder.path + "/" + name)
        }
        let writer = try CaptureLogWriter(directory: folder.path)
        #expect(writer.nextExchange() > highest)
        try await writer.close()
    }

    @Test func aFullLogRefusesAppends() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 1024, maxTotalBytes: 3000))
        var accepted = 0
        var refusal: TernError?
        for exchange in 0..<100 {
            do {
                try await writer.append(Records.request(UInt64(exchange)), durable: exchange % 2 == 1)
                accepted += 1
            } catch let error as TernError {
                refusal = error
                break
            }
        }
        #expect(refusal?.kind == .captureLogFull)
        #expect(refusal?.message.contains(folder.path) == true)
        #expect(accepted > 5)
        #expect(writer.stats.bytes <= 3000)
        try await writer.close()
        #expect(try CaptureLogReader(directory: folder.path).records().count == accepted)
    }

    @Test func retentionRemovesOnlyOldSegmentsBeforeThePosition() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 1024))
        var positions: [CapturePosition] = []
        for _ in 0..<60 { positions.append(try await writer.append(Records.request(writer.nextExchange()), durable: false)) }
        let segments = writer.stats.segments
        #expect(segments >= 5)
        let applied = positions.first { $0.segment == 3 }!

        #expect(try await writer.removeSegments(before: applied, olderThan: .seconds(3600)).isEmpty)
        let removed = try await writer.removeSegments(before: applied, olderThan: .zero)
        #expect(removed == [CaptureLogFormat.fileName(segment: 1), CaptureLogFormat.fileName(segment: 2)])
        #expect(writer.stats.segments == segments - 2)
        // Never the segment being written, whatever position is given.
        _ = try await writer.removeSegments(before: CapturePosition(segment: .max, offset: 0), olderThan: .zero)
        #expect(writer.stats.segments == 1)
        #expect(FileManager.default.fileExists(atPath: folder.segmentPath(UInt64(segments))))
        try await writer.append(Records.request(writer.nextExchange()))
        try await writer.close()

        let reader = CaptureLogReader(directory: folder.path)
        #expect(try reader.records().count == positions.filter { $0.segment == UInt64(segments) }.count + 1)
        // A reader left behind the removed segments says so.
        let behind = CaptureLogReader(directory: folder.path, from: positions[0])
        #expect(try behind.next() == nil)
        #expect(behind.damage?.reason.contains("removed") == true)
    }

    @Test func onlyOneWriterAndNoAppendsAfterClose() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path)
        #expect(throws: TernError.self) { try CaptureLogWriter(directory: folder.path) }
        try await writer.close()
        await #expect(throws: TernError.self) { try await writer.append(Records.request(1)) }
        let again = try CaptureLogWriter(directory: folder.path)
        try await again.close()
    }
}
