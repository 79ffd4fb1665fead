import Foundation
import Synchronization
import TernCore
import Testing

@testable import SnapshotReader

@Suite struct DocumentBatchesTests {
    /// Shared counters between the reader thread and the test.
    final class Probe: Sendable {
        let produced = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
    }

    static func batch(_ job: Int, _ number: Int) -> [Document] {
        [Document(index: "j\(job)", id: "\(number)", source: Array("{}".utf8))]
    }

    @Test func deliversEveryBatchOfEveryJob() async throws {
        let jobs: [DocumentBatches.Job] = (0..<5).map { job in
            { sink in
                for number in 0..<200 { guard sink.emit(Self.batch(job, number)) else { return } }
            }
        }
        var seen = Set<String>()
        for try await batch in DocumentBatches(jobs: jobs, concurrency: 3, bufferedBatches: 2) {
            for document in batch { seen.insert("\(document.index)/\(document.id)") }
        }
        #expect(seen.count == 1000)
    }

    @Test func readersWaitForASlowConsumer() async throws {
        let probe = Probe()
        let jobs: [DocumentBatches.Job] = [
            { sink in
                for number in 0..<100 {
                    guard sink.emit(Self.batch(0, number)) else { return }
                    probe.produced.add(1, ordering: .relaxed)
                }
            }
        ]
        let iterator = DocumentBatches(jobs: jobs, concurrency: 1, bufferedBatches: 4).makeAsyncIterator()
        _ = try await iterator.next()
        try await Task.sleep(for: .milliseconds(200))
        // One taken, at most four buffered, one blocked in emit: never the whole job.
        let produced = probe.produced.load(ordering: .relaxed)
        #expect(produced <= 6)
        withExtendedLifetime(iterator) {}
    }

    @Test func stoppingEarlyReleasesTheReaders() async throws {
        let probe = Probe()
        let jobs: [DocumentBatches.Job] = [
            { sink in
                for number in 0..<1_000_000 { guard sink.emit(Self.batch(0, number)) else { break } }
                probe.finished.store(true, ordering: .relaxed)
            }
        ]
        for try await _ in DocumentBatches(jobs: jobs, concurrency: 1, bufferedBatches: 2) { break }
        let deadline = ContinuousClock.now + .seconds(5)
        while !probe.finished.load(ordering: .relaxed) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let finished = probe.finished.load(ordering: .relaxed)
        #expect(finished)
    }

    @Test func aReaderErrorReachesTheConsumerAfterWhatWasRead() async throws {
        let jobs: [DocumentBatches.Job] = [
            { sink in
                _ = sink.emit(Self.batch(0, 1))
                _ = sink.emit(Self.batch(0, 2))
                throw SnapshotReaderError.corrupt("_0.fdt", at: 7, "a test")
            }
        ]
        var received = 0
        do {
            for try await _ in DocumentBatches(jobs: jobs, concurrency: 1, bufferedBatches: 8) { received += 1 }
            Issue.record("the error was lost")
        } catch let error as SnapshotReaderError {
            #expect(error == .corrupt("_0.fdt", at: 7, "a test"))
        }
        #expect(received == 2)
    }

    @Test func noJobsIsAnEmptySequence() async throws {
        var count = 0
        for try await _ in DocumentBatches(jobs: []) { count += 1 }
        #expect(count == 0)
    }
}
