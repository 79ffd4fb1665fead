import TernCore

/// One answer of `GET /_tasks/<id>` for a reindex task: how far it got, and how it ended.
struct ReindexTask: Sendable, Equatable {
    /// The counters of `task.status` (while running) or `response` (once completed).
    struct Counts: Sendable, Equatable {
        var total = 0
        var created = 0
        var updated = 0
        var deleted = 0
        var versionConflicts = 0
        var noops = 0

        init(json: JSONValue?) {
            func int(_ key: String) -> Int { Int(json?[key]?.intValue ?? 0) }
            total = int("total")
            created = int("created")
            updated = int("updated")
            deleted = int("deleted")
            versionConflicts = int("version_conflicts")
            noops = int("noops")
        }

        /// Documents the task took from the source so far.
        var processed: Int { created + updated + deleted + versionConflicts + noops }
    }

    /// One entry of `response.failures`: a document the target refused, or a search failure on the source.
    struct Failure: Sendable, Equatable, CustomStringConvertible {
        var index: String?
        var id: String?
        var reason: String

        init(json: JSONValue) {
            index = json["index"]?.stringValue
            id = json["id"]?.stringValue
            let cause = json["cause"] ?? json["reason"]
            reason = cause.map(ReindexTask.describe) ?? "no reason given"
        }

        var description: String {
            [index.map { "index \($0)" }, id.map { "document \($0)" }].compactMap { $0 }.joined(separator: " ") + ": \(reason)"
        }
    }

    var completed: Bool
    var counts: Counts
    var failures: [Failure]
    /// `error` of a task that failed as a whole, as `type: reason`.
    var error: String?
    /// Whether the task (or its remote search) timed out.
    var timedOut: Bool

    /// Reads the answer; nil when it is not a task answer at all.
    init?(json: JSONValue) {
        guard json["task"] != nil || json["completed"] != nil else { return nil }
        completed = json["completed"]?.boolValue ?? false
        let response = json["response"]
        counts = Counts(json: response ?? json.value(at: "task.status"))
        failures = (response?["failures"]?.arrayValue ?? []).map(Failure.init(json:))
        error = json["error"].map(Self.describe)
        timedOut = response?["timed_out"]?.boolValue ?? false
    }

    /// `type: reason (caused by type: reason)` of an Elasticsearch error object, or its text.
    static func describe(_ error: JSONValue) -> String {
        guard error.objectValue != nil else { return error.stringValue ?? "unknown error" }
        var text = [error["type"]?.stringValue, error["reason"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        if let cause = error["caused_by"], let reason = cause["reason"]?.stringValue, !text.contains(reason) {
            text += " (caused by \(cause["type"]?.stringValue.map { "\($0): " } ?? "")\(reason))"
        }
        return text.isEmpty ? "unknown error" : text
    }
}
