import TernCore

/// Compares two `_search` answers to the same request: total hits, the ids of the top hits, and aggregations (buckets
/// matched by key, numbers within a tolerance). Pure, so every rule is unit-tested without a cluster.
public struct SearchAnswerComparison: Sendable {
    /// How many top hits must agree.
    public var topHits: Int
    /// Relative tolerance for floating-point values (`avg`, `sum` of doubles...); integers and counts must be equal.
    public var tolerance: Double

    public init(topHits: Int = 10, tolerance: Double = 1e-6) {
        self.topHits = topHits
        self.tolerance = tolerance
    }

    /// One sentence per difference; empty when the answers agree.
    public func differences(source: JSONValue, target: JSONValue) -> [String] {
        var found: [String] = []
        let sourceTotal = Self.total(source)
        let targetTotal = Self.total(target)
        if sourceTotal != targetTotal {
            found.append(
                "total hits: \(sourceTotal.map(String.init) ?? "none") on the source, \(targetTotal.map(String.init) ?? "none") on the target"
            )
        }
        found += compareTopHits(source, target)
        compareAggregations(source["aggregations"], target["aggregations"], path: "aggregations", into: &found)
        return found
    }

    /// `hits.total` as a number (7.x+ object form or 6.x number); nil when the request turned it off.
    static func total(_ answer: JSONValue) -> Int64? {
        let total = answer["hits"]?["total"]
        return total?["value"]?.intValue ?? total?.intValue
    }

    /// The top hits must be the same documents; order is free, and so is membership among hits tied with the last
    /// one counted (another cluster may break that tie differently). Scores are not compared: they depend on each
    /// cluster's shard statistics.
    private func compareTopHits(_ source: JSONValue, _ target: JSONValue) -> [String] {
        let sourceHits = Array((source["hits"]?["hits"]?.arrayValue ?? []).prefix(topHits))
        let targetHits = Array((target["hits"]?["hits"]?.arrayValue ?? []).prefix(topHits))
        func ids(_ hits: [JSONValue]) -> [String] { hits.compactMap { $0["_id"]?.stringValue } }
        func tiedWithLast(_ hits: [JSONValue]) -> Set<String> {
            guard hits.count == topHits, let last = hits.last?["_score"], last != .null else { return [] }
            return Set(hits.filter { $0["_score"] == last }.compactMap { $0["_id"]?.stringValue })
        }
        let sourceIDs = Set(ids(sourceHits))
        let targetIDs = Set(ids(targetHits))
        let loose = tiedWithLast(sourceHits).union(tiedWithLast(targetHits))
        let missing = sourceIDs.subtracting(targetIDs).subtracting(loose).sorted()
        let extra = targetIDs.subtracting(sourceIDs).subtracting(loose).sorted()
        var found: [String] = []
        if !missing.isEmpty { found.append("top \(topHits) hits: \(Self.list(missing)) only on the source") }
        if !extra.isEmpty { found.append("top \(topHits) hits: \(Self.list(extra)) only on the target") }
        return found
    }

    private func compareAggregations(_ source: JSONValue?, _ target: JSONValue?, path: String, into found: inout [String]) {
        switch (source, target) {
        case (nil, nil), (.some(.null), .some(.null)):
            return
        case (.some(.object(let left)), .some(.object(let right))):
            if let leftBuckets = left["buckets"], let rightBuckets = right["buckets"] {
                compareBuckets(leftBuckets, rightBuckets, path: path + ".buckets", into: &found)
            }
            for key in Set(left.keys).union(right.keys).sorted() where key != "buckets" && !Self.volatileKeys.contains(key) {
                compareAggregations(left[key], right[key], path: path + "." + key, into: &found)
            }
        case (.some(let left), .some(let right)):
            if !valuesAgree(left, right) {
                found.append("\(path): \(Self.show(left)) on the source, \(Self.show(right)) on the target")
            }
        case (.some(let left), nil):
            found.append("\(path): \(Self.show(left)) on the source, absent on the target")
        case (nil, .some(let right)):
            found.append("\(path): absent on the source, \(Self.show(right)) on the target")
        }
    }

    /// Buckets come as a list (terms, histograms; matched by `key`) or as an object keyed by name (filters).
    private func compareBuckets(_ source: JSONValue, _ target: JSONValue, path: String, into found: inout [String]) {
        guard let left = source.arrayValue, let right = target.arrayValue else {
            compareAggregations(source, target, path: path, into: &found)
            return
        }
        func keyed(_ buckets: [JSONValue]) -> [String: JSONValue] {
            var result: [String: JSONValue] = [:]
            for bucket in buckets { result[Self.bucketKey(bucket)] = bucket }
            return result
        }
        let leftByKey = keyed(left)
        let rightByKey = keyed(right)
        for key in Set(leftByKey.keys).union(rightByKey.keys).sorted() {
            compareAggregations(leftByKey[key], rightByKey[key], path: "\(path)[\(key)]", into: &found)
        }
    }

    /// Keys whose values differ between clusters for reasons that are not data (timings, shard-level error bounds).
    static let volatileKeys: Set<String> = ["doc_count_error_upper_bound", "took", "_shards"]

    static func bucketKey(_ bucket: JSONValue) -> String {
        if let text = bucket["key_as_string"]?.stringValue { return text }
        guard let key = bucket["key"] else { return "?" }
        return show(key)
    }

    /// Equal, or both numbers within the relative tolerance.
    private func valuesAgree(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if left == right { return true }
        guard let a = Self.number(left), let b = Self.number(right) else {
            if case .array(let l) = left, case .array(let r) = right, l.count == r.count {
                return zip(l, r).allSatisfy { valuesAgree($0, $1) }
            }
            return false
        }
        if a == b { return true }
        return abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .null: "null"
        case .array, .object: "(\(value.objectValue?.count ?? value.arrayValue?.count ?? 0) entries)"
        }
    }

    static func list(_ ids: [String]) -> String {
        ids.count <= 5 ? ids.joined(separator: ", ") : ids.prefix(5).joined(separator: ", ") + " and \(ids.count - 5) more"
    }
}
