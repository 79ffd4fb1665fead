import Foundation

/// What one logged exchange may have changed, as a validation needs to know it: the documents it names, or whole
/// indices where it names none. Pure logic over ``ReplayPlan``, so that a validation excuses exactly what a replay would
/// carry to the target.
enum InFlightMarks {
    enum Mark: Sendable, Hashable {
        /// One document of an index (the source's name, as the write or the source's answer gave it).
        case document(index: String, id: String)
        /// Every document of the indices a name or pattern matches (`*` for unknown ones).
        case index(String)
    }

    /// The marks of an exchange; `response` nil when its answer is not logged (yet): the outcome is unknown, so every
    /// document it may write is marked, and an automatic id marks its whole index.
    static func marks(request: CaptureRecord, response: CaptureRecord?) -> [Mark] {
        ReplayPlan(request: request, response: response).actions.flatMap(marks(for:))
    }

    /// The marks of one replay action. Writes the source refused have no action, so no mark: they changed nothing.
    static func marks(for action: ReplayAction) -> [Mark] {
        switch action {
        case .index(let key, _, _), .delete(let key, _), .reread(let key):
            return [.document(index: key.index, id: key.id)]
        case .repair(let indices, _):
            return indices.map(Mark.index)
        case .admin(let method, let target, _):
            return documentChangingIndices(method: method, target: target).map(Mark.index)
        case .unsupported:
            // Rollovers and requests the replay does not know: nothing a later replay brings, so nothing to excuse.
            return []
        }
    }

    /// The indices an index-level call changes the documents of: created or deleted (`PUT`/`DELETE /{index}`), opened
    /// or closed. Mappings, settings, aliases and templates change no stored document: a difference under them is real.
    static func documentChangingIndices(method: String, target: String) -> [String] {
        let segments = ExchangeParser.split(target).segments
        guard let first = segments.first, !first.hasPrefix("_") else { return [] }
        let method = method.uppercased()
        let changesDocuments =
            (segments.count == 1 && (method == "PUT" || method == "DELETE"))
            || (segments.count == 2 && (segments[1] == "_open" || segments[1] == "_close"))
        guard changesDocuments else { return [] }
        return first.split(separator: ",").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("-") }
    }

    /// The documents a logged answer names when its request lies before the position reading started (it was sent
    /// before, answered after): `_index` and `_id` of a document write, of each item of a `_bulk`.
    static func marks(unmatchedResponse response: CaptureRecord) -> [Mark] {
        guard
            let body = ExchangeBody.decoded(response.body, contentEncoding: response.header("content-encoding")),
            let answer = ExchangeResponse(body: body)
        else { return [] }
        func document(_ fields: ExchangeResponse) -> Mark? {
            guard let index = fields.string("_index"), let id = fields.string("_id") else { return nil }
            return .document(index: index, id: id)
        }
        if let items = answer.object["items"] as? [Any] {
            return items.compactMap { item in
                guard let item = item as? [String: Any], item.count == 1, let fields = item.first?.value as? [String: Any] else {
                    return nil
                }
                return document(ExchangeResponse(fields))
            }
        }
        return document(answer).map { [$0] } ?? []
    }
}
