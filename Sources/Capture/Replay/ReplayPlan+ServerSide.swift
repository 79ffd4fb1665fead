import TernCore

/// Writes the source made on its own from one request, which the log cannot name document by document.
extension ReplayPlan {
    /// `_reindex` marks its destination for `tern validate --repair`, like the by-query writes; the applier drops the
    /// mark when the destination is outside the selection.
    static func reindexActions(_ exchange: Exchange) -> [ReplayAction] {
        if !exchange.succeeded && !exchange.outcomeUnknown { return [] }
        if exchange.succeeded, let answer = exchange.answer {
            let counts = ["created", "updated", "deleted"].compactMap { answer.integer($0) }
            if counts.count == 3 && counts.allSatisfy({ $0 == 0 }) { return [] }
        }
        let destination = exchange.isJSON ? exchange.body.flatMap { try? JSONValue.parse($0) }?["dest"]?["index"]?.stringValue : nil
        guard let destination else {
            return [
                .unsupported(
                    "\(exchange.summary) (status \(exchange.status)) wrote documents to an index its body does not name readably, "
                        + "so that index cannot be marked for tern validate --repair")
            ]
        }
        return [.repair(indices: [destination], reason: "_reindex wrote documents whose ids the log does not name")]
    }

    /// A rollover is reported, not repeated: its new index and alias move belong on the target as on the source.
    static func rolloverActions(alias: String, _ exchange: Exchange) -> [ReplayAction] {
        if exchange.outcomeUnknown {
            return [
                .unsupported(
                    "\(exchange.summary) got no answer from the source (status \(exchange.status)), so whether alias \(alias) rolled "
                        + "over to a new index is unknown; compare its indices on both clusters")
            ]
        }
        guard exchange.succeeded else { return [] }
        let answer = exchange.answer
        if answer?.bool("rolled_over") == false || answer?.bool("dry_run") == true { return [] }
        let from = answer?.string("old_index").map { " from \($0)" } ?? ""
        let to = answer?.string("new_index")
        return [
            .unsupported(
                "\(exchange.summary) rolled alias \(alias) over\(from) to \(to ?? "a new index") on the source, which the replay does "
                    + "not repeat; create \(to ?? "that index") on the target as on the source and point \(alias) at it")
        ]
    }
}
