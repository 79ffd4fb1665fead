import Synchronization

/// A budget of documents shared by all units of a trial run (`--limit`).
final class DocumentLimit: Sendable {
    private let remaining: Mutex<Int>
    private let exhausted = Mutex(false)

    init(_ limit: Int) {
        remaining = Mutex(max(0, limit))
    }

    /// Takes up to `count` documents from the budget and returns how many may be copied.
    func take(_ count: Int) -> Int {
        let granted = remaining.withLock { left in
            let granted = min(left, count)
            left -= granted
            return granted
        }
        if granted < count { exhausted.withLock { $0 = true } }
        return granted
    }

    /// Whether some unit was cut short by the limit.
    var reached: Bool { exhausted.withLock { $0 } }
}
