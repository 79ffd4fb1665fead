import Foundation
import Synchronization
import TernCore

/// Documents as an `AsyncSequence` of batches, read by worker threads (one unit of work per shard or Lucene index)
/// through a bounded channel: memory stays bounded whatever the consumer's speed, and shards are read concurrently.
public struct DocumentBatches: AsyncSequence, Sendable {
    public typealias Element = [Document]

    /// One unit of work: reads documents and hands them to the sink until done or until `emit` returns false.
    public typealias Job = @Sendable (DocumentSink) throws -> Void

    let jobs: [Job]
    let concurrency: Int
    let bufferedBatches: Int

    /// - Parameters:
    ///   - concurrency: worker threads reading jobs at once.
    ///   - bufferedBatches: batches that may wait for the consumer before readers pause.
    public init(jobs: [Job], concurrency: Int = 2, bufferedBatches: Int = 8) {
        self.jobs = jobs
        self.concurrency = Swift.max(1, Swift.min(concurrency, Swift.max(jobs.count, 1)))
        self.bufferedBatches = bufferedBatches
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(jobs: jobs, concurrency: concurrency, bufferedBatches: bufferedBatches)
    }

    /// Starts the readers on the first `next()` and stops them when dropped early.
    public final class Iterator: AsyncIteratorProtocol, @unchecked Sendable {
        private let channel: BatchChannel<[Document]>
        private let jobs: [Job]
        private let concurrency: Int
        private var started = false

        init(jobs: [Job], concurrency: Int, bufferedBatches: Int) {
            self.jobs = jobs
            self.concurrency = concurrency
            channel = BatchChannel(capacity: bufferedBatches, producers: jobs.isEmpty ? 0 : concurrency)
        }

        public func next() async throws -> [Document]? {
            if !started {
                started = true
                startWorkers()
            }
            return try await channel.next()
        }

        private func startWorkers() {
            guard !jobs.isEmpty else { return }
            let queue = Mutex(0)
            let jobs = jobs
            let channel = channel
            for worker in 0..<concurrency {
                let thread = Thread {
                    let sink = DocumentSink(channel: channel)
                    do {
                        while !channel.isCancelled {
                            let next = queue.withLock { index -> Int? in
                                guard index < jobs.count else { return nil }
                                defer { index += 1 }
                                return index
                            }
                            guard let next else { break }
                            try jobs[next](sink)
                        }
                        channel.finish()
                    } catch {
                        channel.finish(throwing: error)
                    }
                }
                thread.name = "tern-reader-\(worker)"
                thread.start()
            }
        }

        deinit { channel.cancel() }
    }
}

/// Where a reading job puts its documents.
public struct DocumentSink: Sendable {
    let channel: BatchChannel<[Document]>

    /// Hands over a batch, waiting while the consumer is behind. Returns false when the consumer has stopped: the job
    /// should return.
    public func emit(_ batch: [Document]) -> Bool {
        batch.isEmpty ? !channel.isCancelled : channel.send(batch)
    }
}
