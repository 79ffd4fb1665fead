import Foundation

/// Polls `probe` until it returns a value. The bound is a hang guard, not a time budget: it returns as soon as the value
/// is there, and is wide because the whole suite on two cores can starve a test for a long while.
public func eventually<T>(
    _ what: String, within bound: Duration = .seconds(180), every interval: Duration = .milliseconds(20),
    _ probe: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + bound
    while true {
        if let value = try await probe() { return value }
        guard ContinuousClock.now < deadline else { throw TestSupportError("timed out waiting for \(what)") }
        try await Task.sleep(for: interval)
    }
}

/// Polls `condition` until it holds; see the other `eventually` for the bound.
public func eventually(
    _ what: String, within bound: Duration = .seconds(180), every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws {
    let _: Bool = try await eventually(what, within: bound, every: interval) { try await condition() ? true : nil }
}
