import Foundation

/// Collects the progress lines an upgrade reports.
final class Lines: @unchecked Sendable {
    // @unchecked: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: [String] = []

    var report: @Sendable (String) -> Void { { [self] line in lock.withLock { stored.append(line) } } }
    var all: [String] { lock.withLock { stored } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}
