import Foundation
import TernCore

/// `<state-dir>/audit.log`: one JSON line per event of an operation (who, what, result), appended and synced, never
/// rewritten, so it stays a trustworthy record of what Tern did to the clusters.
public struct AuditLog: Sendable {
    /// The file's path.
    public let path: String

    public init(stateDirectory: String) {
        path = URL(fileURLWithPath: stateDirectory).appendingPathComponent("audit.log").path
    }

    /// One event.
    public struct Event: Sendable, Codable, Equatable {
        public var time: Date
        public var actor: String
        public var operation: OperationKind
        public var operationID: Int64
        /// The step's word (a ``CutoverStep``'s raw value, ...), or nil for the operation itself.
        public var step: String?
        /// `started`, `resumed`, `done`, `skipped`, `failed`, `aborted`, `completed`, `hook`.
        public var event: String
        public var detail: String

        enum CodingKeys: String, CodingKey {
            case time, actor, operation, step, event, detail
            case operationID = "operation_id"
        }
    }

    /// Appends one event and syncs it to disk.
    /// - Throws: `TernError` when the file cannot be written: an operation that cannot be audited does not run.
    public func append(_ event: Event) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(event)
        line.append(UInt8(ascii: "\n"))
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw TernError(
                .stateStore, "Cannot write the audit log \(path) (\(String(cString: strerror(errno)))); make the state folder writable.")
        }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw TernError(
                .stateStore, "Cannot write the audit log \(path) (\(String(cString: strerror(errno)))); check the disk space.")
        }
    }

    /// Every event so far, oldest first; lines that do not parse (a torn last line) are skipped.
    public func events() -> [Event] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(Event.self, from: Data($0)) }
    }
}
