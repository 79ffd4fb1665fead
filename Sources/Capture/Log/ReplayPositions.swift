import Foundation
import State
import Synchronization

/// The saved positions of the replays of capture folders, read from the state store in one state folder: what
/// ``CaptureRetention`` may delete behind.
///
/// The store is opened on first need and only once its file exists, so a proxy started before any replay neither
/// creates a state folder of its own nor misses the one a later replay creates.
public final class ReplayPositions: Sendable {
    public let stateDirectory: String
    private let store = Mutex<StateStore?>(nil)

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    /// Where each target replaying `captureDirectory` resumes; empty when none has saved a position (or there is no
    /// state store yet).
    /// - Throws: `TernError` when the state store cannot be opened or read.
    public func positions(captureDirectory: String) async throws -> [CapturePosition] {
        guard let store = try open() else { return [] }
        // Replays key the folder by its absolute path; so does this match.
        let key = Replayer.stateKey(captureDirectory: captureDirectory)
        return try await store.allReplayProgress()
            .filter { $0.captureDirectory == key }
            .map { CapturePosition(segment: $0.segment, offset: $0.offset) }
    }

    private func open() throws -> StateStore? {
        try store.withLock { store in
            if let store { return store }
            let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent("state.sqlite").path
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            let opened = try StateStore(folder: stateDirectory)
            store = opened
            return opened
        }
    }
}
