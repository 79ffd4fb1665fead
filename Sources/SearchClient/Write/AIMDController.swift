/// Additive increase, multiplicative decrease of the bulk writer's concurrency and batch size, the way TCP finds the
/// bandwidth of a path: grow a little after each fully accepted batch, halve on a rejection.
///
/// Pure state, no I/O, so its schedule is tested directly. Requests carry the ``epoch`` they were sent in: the
/// rejections of requests that were already in flight when the limits were halved say nothing new, and halving again
/// for each of them would collapse the limits to their minima after one burst.
public struct AIMDController: Sendable, Hashable {
    /// Ranges, starting points and steps.
    public struct Settings: Sendable, Hashable {
        /// Requests in flight at once.
        public var concurrency: ClosedRange<Int>
        public var initialConcurrency: Int
        /// Bytes of one `_bulk` body (a single larger document still goes, alone).
        public var batchBytes: ClosedRange<Int>
        public var initialBatchBytes: Int
        /// Documents in one `_bulk` body.
        public var batchDocuments: ClosedRange<Int>
        public var initialBatchDocuments: Int
        /// Added after each fully accepted batch.
        public var bytesStep: Int
        public var documentsStep: Int
        /// Concurrency grows by one after this many fully accepted batches in a row.
        public var successesPerConcurrencyStep: Int

        public init(
            concurrency: ClosedRange<Int> = 1...16, initialConcurrency: Int = 2,
            batchBytes: ClosedRange<Int> = (256 << 10)...(16 << 20), initialBatchBytes: Int = 5 << 20,
            batchDocuments: ClosedRange<Int> = 10...5000, initialBatchDocuments: Int = 1000,
            bytesStep: Int = 256 << 10, documentsStep: Int = 100, successesPerConcurrencyStep: Int = 10
        ) {
            self.concurrency = concurrency
            self.initialConcurrency = initialConcurrency
            self.batchBytes = batchBytes
            self.initialBatchBytes = initialBatchBytes
            self.batchDocuments = batchDocuments
            self.initialBatchDocuments = initialBatchDocuments
            self.bytesStep = bytesStep
            self.documentsStep = documentsStep
            self.successesPerConcurrencyStep = max(1, successesPerConcurrencyStep)
        }
    }

    public let settings: Settings
    public private(set) var concurrency: Int
    public private(set) var batchBytes: Int
    public private(set) var batchDocuments: Int
    /// Counts decreases; a request remembers the epoch it was sent in.
    public private(set) var epoch = 0
    /// Fully accepted batches since the last concurrency step or decrease.
    public private(set) var successStreak = 0

    public init(settings: Settings = Settings()) {
        self.settings = settings
        concurrency = settings.initialConcurrency.clamped(to: settings.concurrency)
        batchBytes = settings.initialBatchBytes.clamped(to: settings.batchBytes)
        batchDocuments = settings.initialBatchDocuments.clamped(to: settings.batchDocuments)
    }

    /// A batch sent in `epoch` was accepted whole: grow, slowly, up to the maxima.
    public mutating func recordSuccess(epoch sent: Int) {
        // Sent under limits that have been halved since: its success does not vouch for growing the new ones.
        guard sent == epoch else { return }
        batchBytes = (batchBytes + settings.bytesStep).clamped(to: settings.batchBytes)
        batchDocuments = (batchDocuments + settings.documentsStep).clamped(to: settings.batchDocuments)
        successStreak += 1
        if successStreak >= settings.successesPerConcurrencyStep {
            successStreak = 0
            concurrency = (concurrency + 1).clamped(to: settings.concurrency)
        }
    }

    /// A batch sent in `epoch` met pushback (429, rejected execution, a circuit breaker, a timeout): halve everything,
    /// down to the minima. Returns whether the limits shrank (false when an earlier rejection already answered this one).
    @discardableResult
    public mutating func recordRejection(epoch sent: Int) -> Bool {
        guard sent == epoch else { return false }
        concurrency = (concurrency / 2).clamped(to: settings.concurrency)
        batchBytes = (batchBytes / 2).clamped(to: settings.batchBytes)
        batchDocuments = (batchDocuments / 2).clamped(to: settings.batchDocuments)
        successStreak = 0
        epoch += 1
        return true
    }

    /// A body sent in `epoch` was too large for the target (HTTP 413): halve the bytes only.
    @discardableResult
    public mutating func recordTooLarge(epoch sent: Int) -> Bool {
        guard sent == epoch else { return false }
        batchBytes = (batchBytes / 2).clamped(to: settings.batchBytes)
        successStreak = 0
        epoch += 1
        return true
    }
}

extension Int {
    fileprivate func clamped(to range: ClosedRange<Int>) -> Int {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
