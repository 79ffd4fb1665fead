/// What the target must receive for one logged exchange (a request and the source's answer to it): pure logic, no I/O.
///
/// Writes the source acknowledged become ``ReplayAction/index(_:version:source:)`` and
/// ``ReplayAction/delete(_:version:)`` carrying the version the source reported; updates, and writes whose outcome is
/// unknown (no answer, a 5xx), become ``ReplayAction/reread(_:)``; writes the source refused become nothing. Whatever
/// cannot be named document by document becomes ``ReplayAction/repair(indices:reason:)`` or
/// ``ReplayAction/unsupported(_:)``, never silence.
public struct ReplayPlan: Sendable, Equatable {
    public let exchange: UInt64
    public let actions: [ReplayAction]

    /// Plans one exchange.
    /// - Parameters:
    ///   - request: the request record.
    ///   - response: its response record; nil when the log holds none (the proxy stopped before the answer), which is
    ///     read like status 0: the outcome is unknown.
    public init(request: CaptureRecord, response: CaptureRecord?) {
        exchange = request.exchange
        let status = response?.status ?? 0
        let answer = response.flatMap { response in
            ExchangeBody.decoded(response.body, contentEncoding: response.header("content-encoding")).flatMap(ExchangeResponse.init(body:))
        }
        let exchange = Exchange(
            method: request.method.uppercased(), target: request.target,
            body: ExchangeBody.decoded(request.body, contentEncoding: request.header("content-encoding")),
            isJSON: ExchangeBody.isJSON(contentType: request.header("content-type")), status: status, answer: answer)
        actions = Self.merged(Self.actions(for: ExchangeParser.parse(method: request.method, target: request.target), exchange))
    }

    /// The parts of an exchange the rules read.
    struct Exchange {
        var method: String
        var target: String
        /// The request body, inflated; nil when it was compressed and does not inflate.
        var body: [UInt8]?
        var isJSON: Bool
        var status: Int
        var answer: ExchangeResponse?

        var succeeded: Bool { (200..<300).contains(status) }
        /// No answer, or a gateway or server error: the write may or may not have happened.
        var outcomeUnknown: Bool { status == 0 || status >= 500 }
        /// A summary for reports: `PUT /books/_settings`.
        var summary: String { "\(method) \(target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target)" }
    }

    static func actions(for request: ExchangeRequest, _ exchange: Exchange) -> [ReplayAction] {
        switch request {
        case .readOnly:
            return []
        case .document(let write):
            return documentActions(write, exchange)
        case .bulk(let bulk):
            return bulkActions(bulk, exchange)
        case .byQuery(let indices, let deletes):
            return byQueryActions(indices: indices, deletes: deletes, exchange)
        case .reindex:
            return reindexActions(exchange)
        case .rollover(let alias):
            return rolloverActions(alias: alias, exchange)
        case .admin:
            if exchange.succeeded { return [.admin(method: exchange.method, target: exchange.target, body: exchange.body ?? [])] }
            if exchange.outcomeUnknown {
                return [
                    .unsupported(
                        "\(exchange.summary) got no answer from the source (status \(exchange.status)), so whether it took effect "
                            + "is unknown; compare the index's settings, mappings and aliases on both clusters")
                ]
            }
            return []
        case .unknown:
            // A request the source refused changed nothing; one it accepted (or may have) must be reported.
            guard exchange.succeeded || exchange.outcomeUnknown else { return [] }
            return [.unsupported("\(exchange.summary) (status \(exchange.status)) is a request the replay does not know how to repeat")]
        }
    }

    private static func byQueryActions(indices: [String], deletes: Bool, _ exchange: Exchange) -> [ReplayAction] {
        let field = deletes ? "deleted" : "updated"
        let reason = "\(deletes ? "_delete_by_query" : "_update_by_query") changed documents whose ids the log does not name"
        if let changed = exchange.answer?.integer(field) {
            return changed > 0 ? [.repair(indices: indices, reason: reason)] : []
        }
        // No count: refused outright (4xx), or it ran (or may have) without saying how much it changed (a task, a filter_path).
        if !exchange.succeeded && !exchange.outcomeUnknown { return [] }
        return [.repair(indices: indices, reason: reason)]
    }

    /// Folds repairs with the same reason into one naming every index, keeping the order of first appearance.
    static func merged(_ actions: [ReplayAction]) -> [ReplayAction] {
        var result: [ReplayAction] = []
        var repairAt: [String: Int] = [:]
        for action in actions {
            guard case .repair(let indices, let reason) = action else {
                result.append(action)
                continue
            }
            if let at = repairAt[reason], case .repair(let known, _) = result[at] {
                result[at] = .repair(indices: known + indices.filter { !known.contains($0) }, reason: reason)
            } else {
                repairAt[reason] = result.count
                result.append(action)
            }
        }
        return result
    }
}
