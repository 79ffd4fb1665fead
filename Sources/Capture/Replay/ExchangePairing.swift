/// Pairs the request and response records of the capture log into exchanges, and knows the position a replay may
/// resume from: no earlier than the request of any exchange not yet applied. No I/O: the replayer feeds it entries.
struct ExchangePairing {
    /// An exchange ready to apply; `response` nil when the source's answer never reached the log (outcome unknown).
    struct Exchange: Equatable {
        var request: CaptureRecord
        var response: CaptureRecord?
        /// Where its request record begins.
        var position: CapturePosition
    }

    private var pending: [UInt64: (record: CaptureRecord, position: CapturePosition)] = [:]
    /// Responses whose request lies before the position this replay started at (applied by an earlier run) or was lost.
    private(set) var unmatchedResponses = 0

    /// Requests still waiting for their response.
    var pendingCount: Int { pending.count }

    /// Takes the next entry; returns the exchange it completes, if any.
    mutating func add(_ entry: CaptureLogEntry) -> Exchange? {
        switch entry.record.kind {
        case .request:
            pending[entry.record.exchange] = (entry.record, entry.position)
            return nil
        case .response:
            guard let request = pending.removeValue(forKey: entry.record.exchange) else {
                unmatchedResponses += 1
                return nil
            }
            return Exchange(request: request.record, response: entry.record, position: request.position)
        }
    }

    /// Gives up waiting for the responses of requests logged at or before `cutoffMillis`: the proxy stopped (or was
    /// killed) between forwarding them and logging the answer. Their outcome is unknown.
    mutating func expire(loggedBefore cutoffMillis: Int64) -> [Exchange] {
        let expired = pending.filter { $0.value.record.timestampMillis <= cutoffMillis }
        for key in expired.keys { pending.removeValue(forKey: key) }
        return expired.values.sorted { $0.position < $1.position }.map {
            Exchange(request: $0.record, response: nil, position: $0.position)
        }
    }

    /// Where a replay may resume once everything read so far, except the pending requests, is applied.
    func resumePosition(readerPosition: CapturePosition) -> CapturePosition {
        pending.values.map(\.position).min().map { min($0, readerPosition) } ?? readerPosition
    }

    /// When the oldest pending request was logged.
    var oldestPendingMillis: Int64? { pending.values.map(\.record.timestampMillis).min() }
}
