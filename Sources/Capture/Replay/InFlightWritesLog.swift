import Foundation
import State
import TernCore
import Validation

/// The writes of the capture log from a starting position on, as a validation asks for them (``InFlightWritesSource``):
/// the documents written at or after the position the target had replayed, which a live validation may find different
/// only because their writes are still on their way.
///
/// Each ``current()`` reads on from where the previous one stopped to the log's current end, so a validation asking after
/// each index covers every write logged while it read, and the log is read once however many indices there are. What
/// each exchange changed is decided by ``InFlightMarks`` from the same plan the replayer follows.
public actor InFlightWritesLog: InFlightWritesSource {
    /// The capture folder.
    public nonisolated let directory: String
    /// Where the writes counted begin.
    public nonisolated let since: CapturePosition
    /// How long ``current()`` waits for the answers of writes logged without one yet, where the answer would name what an
    /// unanswered write can only mark wholesale (an automatic id, a by-query write).
    public nonisolated let answerWait: Duration

    private let reader: CaptureLogReader
    /// Requests read whose answers are not (yet) read, by exchange id.
    private var pending: [UInt64: CaptureRecord] = [:]
    /// Unanswered requests already waited for once (the proxy may have died before logging their answers).
    private var waited: Set<UInt64> = []
    private var documents: [String: Set<String>] = [:]
    private var wholeIndices: Set<String> = []

    /// - Parameters:
    ///   - directory: the capture folder.
    ///   - since: where the writes counted begin: see ``startPosition(captureDirectory:replayed:)``.
    ///   - answerWait: see the property of that name.
    public init(directory: String, since: CapturePosition, answerWait: Duration = .seconds(2)) {
        self.directory = directory
        self.since = since
        self.answerWait = answerWait
        reader = CaptureLogReader(directory: directory, from: since)
    }

    /// The writes from ``since`` to the log's current end. Writes still waiting for the source's answer count as written.
    /// - Throws: `TernError` (`.captureLog`) when the folder or a segment cannot be read.
    public func current() async throws -> InFlightWrites {
        try readToEnd()
        // Requests without an answer now may be writes the validation's reads already saw. Those whose answer would name
        // their documents get a moment for it; requests logged from now on come after the reads and do not matter.
        let unanswered = Set(pending.keys)
        let awaited = unanswered.subtracting(waited).filter { pending[$0].map(Self.needsAnswer) ?? false }
        let deadline = ContinuousClock.now + answerWait
        while awaited.contains(where: { pending[$0] != nil }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            try readToEnd()
        }
        waited.formUnion(awaited.filter { pending[$0] != nil })
        var writes = InFlightWrites(
            since: since.description, until: reader.position.description, documents: documents, wholeIndices: wholeIndices)
        for exchange in unanswered {
            guard let request = pending[exchange] else { continue }
            Self.add(InFlightMarks.marks(request: request, response: nil), to: &writes.documents, &writes.wholeIndices)
        }
        return writes
    }

    /// Whether an unanswered request marks a whole index where its answer might name documents.
    private static func needsAnswer(_ request: CaptureRecord) -> Bool {
        InFlightMarks.marks(request: request, response: nil).contains { if case .index = $0 { true } else { false } }
    }

    private func readToEnd() throws {
        while true {
            while let entry = try reader.next() {
                let record = entry.record
                switch record.kind {
                case .request:
                    pending[record.exchange] = record
                case .response:
                    let marks =
                        pending.removeValue(forKey: record.exchange).map { InFlightMarks.marks(request: $0, response: record) }
                        ?? InFlightMarks.marks(unmatchedResponse: record)
                    Self.add(marks, to: &documents, &wholeIndices)
                }
            }
            // Damage: what lies after it in that segment is unreadable (the replay reports it); go on with the next one.
            guard let damage = reader.damage else { return }
            let next = damage.position.segment + 1
            guard try CaptureLogSegments.list(directory).contains(where: { $0 >= next }) else { return }
            reader.seek(to: CapturePosition(segment: next, offset: 0))
        }
    }

    private static func add(_ marks: [InFlightMarks.Mark], to documents: inout [String: Set<String>], _ wholeIndices: inout Set<String>) {
        for mark in marks {
            switch mark {
            case .document(let index, let id): documents[index, default: []].insert(id)
            case .index(let pattern): wholeIndices.insert(pattern)
            }
        }
    }
}

extension InFlightWritesLog {
    /// Where the writes a validation may find still on their way begin: the position the target's replay saved (every
    /// write before it is applied), else the log's end now (without a replay, only writes from the validation's start
    /// are on their way; earlier ones are differences a replay must fix).
    /// - Parameters:
    ///   - captureDirectory: the capture folder.
    ///   - replayed: the saved progress of the replay of that folder to the validated target, if any.
    /// - Throws: `TernError` (`.captureLog`) when the folder or its newest segment cannot be read.
    public static func startPosition(captureDirectory: String, replayed: ReplayProgress?) throws -> CapturePosition {
        if let replayed { return CapturePosition(segment: replayed.segment, offset: replayed.offset) }
        return try endPosition(captureDirectory: captureDirectory)
    }

    /// The log's end now: after the last whole record of the newest segment (a record being written begins there).
    static func endPosition(captureDirectory: String) throws -> CapturePosition {
        guard let newest = try CaptureLogSegments.list(captureDirectory).last else { return .start }
        let file = try CaptureLogFile.openForReading(CaptureLogSegments.path(captureDirectory, segment: newest))
        return CapturePosition(segment: newest, offset: try CaptureLogSegments.scan(file).validEnd)
    }

    /// The in-flight writes for validating `target` against the capture log in `captureDirectory`, starting where
    /// ``startPosition(captureDirectory:replayed:)`` says, with the replay's position read from `store`.
    /// - Parameter target: the target's endpoint without credentials, as the replay keys it.
    public static func forValidation(captureDirectory: String, store: StateStore?, target: String) async throws -> InFlightWritesLog {
        let directory = Replayer.stateKey(captureDirectory: captureDirectory)
        let replayed = try await store?.replayProgress(captureDirectory: directory, target: target)
        return InFlightWritesLog(directory: directory, since: try startPosition(captureDirectory: directory, replayed: replayed))
    }
}
