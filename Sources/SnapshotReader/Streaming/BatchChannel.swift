import Foundation
import Synchronization

/// A bounded hand-off from reader threads to an async consumer. Producers block (they run on their own threads, never on
/// the cooperative pool) when `capacity` batches wait, so a fast reader cannot fill memory ahead of a slow writer.
final class BatchChannel<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var head = 0
        var waiting: CheckedContinuation<Element?, any Error>?
        var producers: Int
        var failure: (any Error)?
        var cancelled = false
    }

    private let capacity: Int
    private let state: Mutex<State>
    /// Wakes blocked producers; Mutex has no condition variable of its own.
    private let space = NSCondition()

    init(capacity: Int, producers: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State(producers: producers))
    }

    /// Hands over one element, blocking while the buffer is full. Returns false when the consumer has gone away.
    func send(_ element: Element) -> Bool {
        space.lock()
        defer { space.unlock() }
        while true {
            let outcome: (accepted: Bool, full: Bool, resume: CheckedContinuation<Element?, any Error>?) = state.withLock { state in
                if state.cancelled { return (false, false, nil) }
                if let waiting = state.waiting {
                    state.waiting = nil
                    return (true, false, waiting)
                }
                if state.buffer.count - state.head >= capacity { return (false, true, nil) }
                state.buffer.append(element)
                return (true, false, nil)
            }
            if let resume = outcome.resume {
                resume.resume(returning: element)
                return true
            }
            if !outcome.full { return outcome.accepted }
            space.wait()
        }
    }

    /// A producer is done; with an error, the consumer sees it after the elements already sent.
    func finish(throwing error: (any Error)? = nil) {
        let resume: (CheckedContinuation<Element?, any Error>, (any Error)?)? = state.withLock { state in
            state.producers -= 1
            if let error, state.failure == nil {
                state.failure = error
                // The other producers stop at their next send: the run has failed.
                state.cancelled = true
            }
            guard state.producers <= 0 || state.failure != nil, state.head == state.buffer.count, let waiting = state.waiting else {
                return nil
            }
            state.waiting = nil
            return (waiting, state.failure)
        }
        if let (continuation, failure) = resume {
            if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
        }
        if error != nil {
            space.lock()
            space.broadcast()
            space.unlock()
        }
    }

    /// The consumer stops early: producers see `send` return false.
    func cancel() {
        state.withLock { $0.cancelled = true }
        space.lock()
        space.broadcast()
        space.unlock()
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    private enum Step {
        case element(Element)
        case end
        case failure(any Error)
    }

    /// Lets one blocked producer check for space again.
    private func wakeProducer() {
        space.lock()
        space.signal()
        space.unlock()
    }

    /// The next element, nil at the end, or the first producer error.
    func next() async throws -> Element? {
        let immediate: Step? = state.withLock { state in
            if state.head < state.buffer.count {
                let element = state.buffer[state.head]
                state.head += 1
                if state.head > 64 && state.head * 2 > state.buffer.count {
                    state.buffer.removeFirst(state.head)
                    state.head = 0
                }
                return .element(element)
            }
            if let failure = state.failure { return .failure(failure) }
            if state.producers <= 0 { return .end }
            return nil
        }
        switch immediate {
        case .element(let element):
            wakeProducer()
            return element
        case .end:
            return nil
        case .failure(let error):
            throw error
        case nil:
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let ready: Step? = state.withLock { state in
                        if state.head < state.buffer.count {
                            let element = state.buffer[state.head]
                            state.head += 1
                            return .element(element)
                        }
                        if let failure = state.failure { return .failure(failure) }
                        if state.producers <= 0 { return .end }
                        state.waiting = continuation
                        return nil
                    }
                    switch ready {
                    case .element(let element):
                        self.wakeProducer()
                        continuation.resume(returning: element)
                    case .end: continuation.resume(returning: nil)
                    case .failure(let error): continuation.resume(throwing: error)
                    case nil: break
                    }
                }
            } onCancel: {
                self.cancel()
                let waiting = self.state.withLock { state -> CheckedContinuation<Element?, any Error>? in
                    defer { state.waiting = nil }
                    return state.waiting
                }
                waiting?.resume(throwing: CancellationError())
            }
        }
    }
}
