import TernCore
import Validation

/// Compares the target's answer to a logged read with the source's logged answer, kind by kind: searches (one by one
/// for `_msearch`) with the rules of `tern validate --queries`, counts exactly, documents by `found` and `_source`.
/// Pure, so every rule is unit-testable without a cluster.
struct ReadAnswerComparison: Sendable {
    let search: SearchAnswerComparison

    /// One sentence per difference; empty when the answers agree.
    /// - Parameters:
    ///   - source: the source's logged 2xx answer.
    ///   - targetStatus: the target's HTTP status.
    ///   - target: the target's answer, nil when it is not JSON.
    ///   - targetError: the target's `error.type: reason`, when it gave one.
    func differences(kind: ReadKind, source: JSONValue, targetStatus: Int, target: JSONValue?, targetError: String?) -> [String] {
        // A missing document is a 404 with `found: false`: an answer to compare, not a failure.
        let missingDocument = kind == .document && targetStatus == 404 && target?["found"] != nil
        guard let target, (200..<300).contains(targetStatus) || missingDocument else {
            return ["the target answered HTTP \(targetStatus)\(targetError.map { " (\($0))" } ?? "")"]
        }
        switch kind {
        case .search:
            return search.differences(source: source, target: target)
        case .multiSearch:
            return multiSearch(source: source, target: target)
        case .count:
            let (left, right) = (source["count"]?.intValue, target["count"]?.intValue)
            return left == right ? [] : ["count: \(Self.show(left)) on the source, \(Self.show(right)) on the target"]
        case .document:
            return document(source: source, target: target)
        }
    }

    private func multiSearch(source: JSONValue, target: JSONValue) -> [String] {
        let left = source["responses"]?.arrayValue ?? []
        let right = target["responses"]?.arrayValue ?? []
        guard left.count == right.count else {
            return ["\(left.count) answers on the source, \(right.count) on the target"]
        }
        var found: [String] = []
        for (number, (one, other)) in zip(left, right).enumerated() {
            let label = "search \(number + 1)"
            switch (one["error"], other["error"]) {
            case (nil, nil):
                found += search.differences(source: one, target: other).map { "\(label): \($0)" }
            case (nil, .some(let error)):
                found.append("\(label): the target answered with an error (\(Self.reason(error)))")
            case (.some, nil):
                found.append("\(label): the source answered with an error, the target with hits")
            case (.some, .some):
                continue
            }
        }
        return found
    }

    private func document(source: JSONValue, target: JSONValue) -> [String] {
        let (left, right) = (source["found"]?.boolValue ?? false, target["found"]?.boolValue ?? false)
        switch (left, right) {
        case (true, false): return ["the document is on the source, not on the target"]
        case (false, true): return ["the document is on the target, not on the source"]
        case (false, false): return []
        case (true, true): break
        }
        let (one, other) = (source["_source"]?.objectValue ?? [:], target["_source"]?.objectValue ?? [:])
        let fields = Set(one.keys).union(other.keys).filter { one[$0] != other[$0] }.sorted()
        guard !fields.isEmpty else { return [] }
        return [
            "_source differs in \(fields.count <= 5 ? fields.joined(separator: ", ") : fields.prefix(5).joined(separator: ", ") + " and \(fields.count - 5) more")"
        ]
    }

    private static func show(_ count: Int64?) -> String { count.map(String.init) ?? "none" }

    private static func reason(_ error: JSONValue) -> String {
        error["reason"]?.stringValue ?? error["type"]?.stringValue ?? error.stringValue ?? "no reason given"
    }
}
