import TernCore

/// The documents a live validation may find different only because their writes have not reached the target yet: every
/// document with a write in the capture log at or after a position the target had already replayed when the validation
/// began (or, without a replay, where the log ended then), up to where the log ended when last read, which is after the
/// validation read them.
///
/// Only these are excused: a document that differs without such a write is a real difference, however many clients
/// write meanwhile. Names are the source's index names as clients wrote them (before any `--rename`). No I/O: the
/// capture log's reader builds it.
public struct InFlightWrites: Sendable, Equatable {
    /// Where the writes counted begin, as the capture log names positions (`segment-….tcl@1024`).
    public var since: String
    /// Where reading the log stopped: its end when last read.
    public var until: String
    /// Ids with a write in flight, by index name.
    public var documents: [String: Set<String>]
    /// Indices (names or patterns: `*`, `logs-*`, `_all`) whose documents changed in ways the log does not name one by
    /// one: `_update_by_query`, `_delete_by_query`, `_reindex` destinations, indices created, deleted, opened or closed,
    /// writes with an automatic id whose answer never came.
    public var wholeIndices: Set<String>

    public init(since: String, until: String, documents: [String: Set<String>] = [:], wholeIndices: Set<String> = []) {
        self.since = since
        self.until = until
        self.documents = documents
        self.wholeIndices = wholeIndices
    }

    /// Whether every document of `index` counts as in flight.
    public func coversWholeIndex(_ index: String) -> Bool {
        wholeIndices.contains { $0 == "_all" || Glob.matches($0, index) }
    }

    /// Whether document `id` of `index` (a source index name) has a write in flight.
    public func contains(index: String, id: String) -> Bool {
        coversWholeIndex(index) || documents[index]?.contains(id) == true
    }

    /// Documents of `index` named by writes in flight.
    public func documentCount(index: String) -> Int { documents[index]?.count ?? 0 }

    /// Whether the two sides' counts of `index`, `difference` apart, can differ only by writes in flight: each write in
    /// flight moves a count by at most one document, unless it changed the whole index.
    public func explainsCountDifference(_ difference: Int64, index: String) -> Bool {
        difference == 0 || coversWholeIndex(index) || difference.magnitude <= UInt64(documentCount(index: index))
    }
}

/// Where a validation learns which writes are in flight: the capture log, read again each time (see
/// `InFlightWritesLog` in the Capture module).
public protocol InFlightWritesSource: Sendable {
    /// The writes in flight from the starting position to the log's current end. A validation asks after it read both
    /// sides of an index, so that a write logged while it was reading is covered.
    func current() async throws -> InFlightWrites
}

/// What a validation excused as in flight, for the report.
public struct InFlightSummary: Sendable, Equatable, Codable {
    /// Where the writes counted begin, and where the log ended when last read.
    public var since: String
    public var until: String
    /// Documents that differ only by writes in flight, over every index.
    public var documents: Int64

    public init(since: String, until: String, documents: Int64) {
        self.since = since
        self.until = until
        self.documents = documents
    }

    /// `2 documents differ only by writes still on their way (captured after position segment-….tcl@1024)`.
    public var sentence: String {
        "\(documents) \(documents == 1 ? "document differs" : "documents differ") only by writes still on their way (captured after position \(since))"
    }
}
