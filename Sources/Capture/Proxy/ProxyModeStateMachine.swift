/// The proxy's mode and the writes held while it is `holdWrites`, without any I/O or concurrency of its own.
///
/// `Waiter` is whatever resumes a held write (a continuation in the proxy, a plain value in tests). Every method returns
/// the waiters the caller must resume, so that resuming happens outside the lock that guards this value.
struct ProxyModeStateMachine<Waiter> {
    typealias Release = HeldWriteRelease

    /// What to do with a write that arrives now.
    enum Admission: Equatable {
        case proceed(ProxyMode)
        /// Hold it: park it under this ticket with ``park(_:waiter:)``.
        case hold(ticket: UInt64)
        case shuttingDown
    }

    private(set) var mode: ProxyMode
    private(set) var isShuttingDown = false
    private var held: [UInt64: Waiter] = [:]
    /// Tickets given out but not parked yet, and whether they were cancelled before they could park.
    private var pending: [UInt64: Bool] = [:]
    private var nextTicket: UInt64 = 1

    init(mode: ProxyMode) {
        self.mode = mode
    }

    /// Writes currently held.
    var heldCount: Int { held.count + pending.count }

    mutating func admitWrite() -> Admission {
        if isShuttingDown { return .shuttingDown }
        guard mode == .holdWrites else { return .proceed(mode) }
        let ticket = nextTicket
        nextTicket += 1
        pending[ticket] = false
        return .hold(ticket: ticket)
    }

    /// Parks a held write. Returns a release to deliver at once when the state moved on since ``admitWrite()``.
    mutating func park(_ ticket: UInt64, waiter: Waiter) -> Release? {
        guard let cancelled = pending.removeValue(forKey: ticket) else { return .cancelled }
        if cancelled { return .cancelled }
        if isShuttingDown { return .shuttingDown }
        guard mode == .holdWrites else { return .proceed(mode) }
        held[ticket] = waiter
        return nil
    }

    /// Takes a held write out (timeout or cancellation). Returns its waiter if it was still parked.
    mutating func cancel(_ ticket: UInt64) -> Waiter? {
        if pending[ticket] != nil {
            pending[ticket] = true
            return nil
        }
        return held.removeValue(forKey: ticket)
    }

    /// Changes the mode; leaving `holdWrites` releases every held write into the new mode, in arrival order.
    mutating func setMode(_ newMode: ProxyMode) -> (release: Release, waiters: [Waiter]) {
        mode = newMode
        guard newMode != .holdWrites else { return (.proceed(newMode), []) }
        return (.proceed(newMode), drain())
    }

    /// Refuses new writes and releases the held ones.
    mutating func shutDown() -> [Waiter] {
        isShuttingDown = true
        return drain()
    }

    private mutating func drain() -> [Waiter] {
        let waiters = held.sorted { $0.key < $1.key }.map(\.value)
        held.removeAll()
        return waiters
    }
}

/// How a held write ends.
enum HeldWriteRelease: Equatable, Sendable {
    /// The mode changed: forward according to it.
    case proceed(ProxyMode)
    /// The proxy is shutting down.
    case shuttingDown
    /// The request was cancelled or timed out while held.
    case cancelled
}
