import Foundation

/// Runs blocking work (starting a process and waiting for its first line, waiting for an exit) on a thread of its
/// own. The cooperative pool has as many threads as cores — two here — and a test that blocks one of them starves every
/// other test running meanwhile, including in-process servers such as the capture proxy.
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
