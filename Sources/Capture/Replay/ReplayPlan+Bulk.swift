import Foundation

/// `_bulk`: each action of the ndjson body is paired with the answer's item at the same place.
extension ReplayPlan {
    /// One action of a bulk body, with the defaults of the path and query applied.
    struct BulkAction {
        var operation: ExchangeRequest.DocumentWrite.Operation
        var index: String?
        var type: String?
        var id: String?
        var routing: String?
        var pipeline: String?
        /// The document line of `index` and `create`, as raw bytes of the request body.
        var source: ArraySlice<UInt8>?
    }

    static func bulkActions(_ bulk: ExchangeRequest.Bulk, _ exchange: Exchange) -> [ReplayAction] {
        let actions = exchange.isJSON ? exchange.body.flatMap { parseBulkBody($0, defaults: bulk) } : nil
        if !exchange.succeeded && !exchange.outcomeUnknown { return [] }
        let items = exchange.answer?.object["items"] as? [Any]
        guard let actions else {
            // The body cannot be read: the answer's items still name each document the source wrote.
            guard exchange.succeeded, let items else {
                return [.repair(indices: [bulk.index ?? "*"], reason: "a bulk request whose body cannot be read changed documents")]
            }
            return items.flatMap { itemActions(nil, item: $0 as? [String: Any], bulk: bulk, exchange) }
        }
        if exchange.outcomeUnknown {
            return actions.map { unknownOutcome($0, reason: autoIDReason(exchange)) }
        }
        guard let items, items.count == actions.count else {
            let reason = "the source's answer to a bulk request does not list an item for each action, so ids or versions are unknown"
            return actions.map { unknownOutcome($0, reason: reason) }
        }
        return zip(actions, items).flatMap { action, item in itemActions(action, item: item as? [String: Any], bulk: bulk, exchange) }
    }

    /// What one bulk item needs, from the action (nil when the body could not be read) and its item in the answer.
    private static func itemActions(_ action: BulkAction?, item: [String: Any]?, bulk: Bulk, _ exchange: Exchange) -> [ReplayAction] {
        let reason = "the source's answer to a bulk request lacks an item's status, id or version"
        guard let item, item.count == 1, let (name, value) = item.first, let fields = value as? [String: Any],
            let operation = action?.operation ?? operationNamed(name)
        else {
            return action.map { [unknownOutcome($0, reason: reason)] } ?? []
        }
        let answer = ExchangeResponse(fields)
        let status = answer.integer("status")
        guard let index = answer.string("_index") ?? action?.index, let id = action?.id ?? answer.string("_id") else {
            if status.map({ !(200..<300).contains($0) }) == true { return [] }
            return [.repair(indices: [answer.string("_index") ?? action?.index ?? bulk.index ?? "*"], reason: reason)]
        }
        let key = ReplayAction.DocumentKey(
            index: index, type: answer.string("_type") ?? action?.type, id: id, routing: action?.routing ?? bulk.routing)
        guard let status else {
            // Without a status only an error names a failure; anything else may have been written.
            return answer.object["error"] != nil ? [] : [.reread(key)]
        }
        guard (200..<300).contains(status) else { return [] }
        switch operation {
        case .index, .create:
            guard let action, action.pipeline == nil, let source = action.source, let version = answer.externalVersion else {
                return [.reread(key)]
            }
            return [.index(key, version: version, source: source)]
        case .delete:
            if answer.result == "not_found" { return [] }
            guard let version = answer.externalVersion else { return [.reread(key)] }
            return [.delete(key, version: version)]
        case .update:
            return answer.result == "noop" ? [] : [.reread(key)]
        }
    }

    typealias Bulk = ExchangeRequest.Bulk

    /// A reread where the id is known; otherwise the index needs a repair.
    private static func unknownOutcome(_ action: BulkAction, reason: String) -> ReplayAction {
        if let id = action.id, let index = action.index {
            return .reread(ReplayAction.DocumentKey(index: index, type: action.type, id: id, routing: action.routing))
        }
        return .repair(indices: [action.index ?? "*"], reason: reason)
    }

    private static func operationNamed(_ name: String) -> ExchangeRequest.DocumentWrite.Operation? {
        switch name {
        case "index": .index
        case "create": .create
        case "update": .update
        case "delete": .delete
        default: nil
        }
    }

    /// The actions of an ndjson bulk body; nil when it is not one. Document lines stay slices of `body`.
    static func parseBulkBody(_ body: [UInt8], defaults: Bulk) -> [BulkAction]? {
        var actions: [BulkAction] = []
        var lines = BulkLines(body)
        while let line = lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], object.count == 1,
                let (name, value) = object.first, let operation = operationNamed(name), let meta = value as? [String: Any]
            else { return nil }
            let fields = ExchangeResponse(meta)
            var action = BulkAction(
                operation: operation, index: fields.string("_index") ?? defaults.index, type: fields.string("_type") ?? defaults.type,
                id: fields.string("_id"), routing: fields.string("routing") ?? fields.string("_routing") ?? defaults.routing,
                pipeline: fields.string("pipeline") ?? defaults.pipeline)
            if operation != .delete {
                guard let document = lines.next() else { return nil }
                if operation != .update { action.source = document }
            }
            actions.append(action)
        }
        return actions
    }
}

/// The lines of an ndjson body as slices, without their line break (`\n` or `\r\n`).
private struct BulkLines {
    let body: [UInt8]
    var start: Int

    init(_ body: [UInt8]) {
        self.body = body
        start = body.startIndex
    }

    mutating func next() -> ArraySlice<UInt8>? {
        guard start < body.endIndex else { return nil }
        let end = body[start...].firstIndex(of: 0x0A) ?? body.endIndex
        var line = body[start..<end]
        start = end < body.endIndex ? end + 1 : end
        if line.last == 0x0D { line = line.dropLast() }
        return line
    }
}
