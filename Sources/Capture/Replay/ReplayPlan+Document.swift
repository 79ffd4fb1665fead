/// Single-document writes: index, create, update, delete.
extension ReplayPlan {
    static func documentActions(_ write: ExchangeRequest.DocumentWrite, _ exchange: Exchange) -> [ReplayAction] {
        let answer = exchange.answer
        let id = write.id ?? (exchange.succeeded ? answer?.string("_id") : nil)
        guard let id else {
            if exchange.succeeded || exchange.outcomeUnknown {
                return [.repair(indices: [write.index], reason: autoIDReason(exchange))]
            }
            return []
        }
        let key = ReplayAction.DocumentKey(
            index: answer?.string("_index") ?? write.index, type: answer?.string("_type") ?? write.type, id: id, routing: write.routing)
        if exchange.outcomeUnknown { return [.reread(key)] }
        guard exchange.succeeded else { return [] }
        switch write.operation {
        case .index, .create:
            // A pipeline stores its output, not the request body; a non-JSON body cannot go into a bulk line.
            guard write.pipeline == nil, exchange.isJSON, let body = exchange.body, let version = answer?.externalVersion else {
                return [.reread(key)]
            }
            return [.index(key, version: version, source: body[...])]
        case .delete:
            if answer?.result == "not_found" { return [] }
            guard let version = answer?.externalVersion else { return [.reread(key)] }
            return [.delete(key, version: version)]
        case .update:
            return answer?.result == "noop" ? [] : [.reread(key)]
        }
    }

    /// Why an automatic-id write becomes a repair.
    static func autoIDReason(_ exchange: Exchange) -> String {
        exchange.outcomeUnknown
            ? "a write with an automatic id got no answer from the source, so the new document's id is unknown"
            : "the source's answer to a write with an automatic id does not name the new document's id"
    }
}
