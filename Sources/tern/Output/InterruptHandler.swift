import Dispatch
import Foundation
import Synchronization

/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation, so a run stops between requests and keeps its saved units;
/// a second Ctrl-C quits at once.
final class InterruptHandler {
    /// Counts signals; shared with the signal handlers.
    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    private let sources: [any DispatchSourceSignal]
    private let counter = Counter()

    init(onInterrupt: @escaping @Sendable () -> Void) {
        let counter = counter
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let times = counter.value.withLock { count -> Int in
                    count += 1
                    return count
                }
                if times > 1 { exit(130) }
                Terminal.standardError.write("\nStopping after the requests in flight (Ctrl-C again to quit now)...\n")
                onInterrupt()
            }
            source.resume()
            return source
        }
    }

    /// Whether a signal arrived.
    var fired: Bool { counter.value.withLock { $0 } > 0 }
}
