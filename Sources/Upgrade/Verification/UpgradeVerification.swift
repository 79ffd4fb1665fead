import TernCore

/// The cluster after an upgrade compared with the record taken before it.
public struct UpgradeVerification: Sendable, Codable, Equatable {
    /// One check and its result.
    public struct Check: Sendable, Codable, Equatable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    public var checks: [Check]

    public init(checks: [Check]) {
        self.checks = checks
    }

    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// Compares `after` with `before`.
    /// - Parameters:
    ///   - target: the version every node must run.
    ///   - allowGrowth: clients kept writing (a rolling upgrade): more documents than before is fine, fewer is not.
    public static func compare(before: ClusterRecord, after: ClusterRecord, target: ClusterVersion, allowGrowth: Bool)
        -> UpgradeVerification
    {
        var checks: [Check] = []
        let expected = target.version.description
        let behind = after.nodes.filter { $0.value != expected }.keys.sorted()
        checks.append(
            Check(
                name: "versions", passed: behind.isEmpty,
                detail: behind.isEmpty
                    ? "All \(after.nodes.count) node(s) run \(expected)."
                    : "Node(s) not on \(expected): \(behind.map { "\($0) (\(after.nodes[$0] ?? "?"))" }.joined(separator: ", "))."))
        let missingNodes = Set(before.nodes.keys).subtracting(after.nodes.keys).sorted()
        checks.append(
            Check(
                name: "nodes", passed: missingNodes.isEmpty && after.nodes.count >= before.nodes.count,
                detail: missingNodes.isEmpty
                    ? "\(after.nodes.count) node(s), \(before.nodes.count) before."
                    : "Node(s) missing since before the upgrade: \(missingNodes.joined(separator: ", "))."))
        let healthy = after.health == "green" || (after.health == "yellow" && before.health != "green")
        checks.append(
            Check(name: "health", passed: healthy, detail: "Cluster \(after.health) (before the upgrade: \(before.health))."))
        let missing = Set(before.documents.keys).subtracting(after.documents.keys).sorted()
        checks.append(
            Check(
                name: "indices", passed: missing.isEmpty,
                detail: missing.isEmpty
                    ? "All \(before.documents.count) index(es) present."
                    : "Index(es) missing: \(missing.joined(separator: ", "))."))
        var differences: [String] = []
        for (index, count) in before.documents.sorted(by: { $0.key < $1.key }) {
            guard let now = after.documents[index] else { continue }
            if now < count || (!allowGrowth && now != count) { differences.append("\(index) \(count) -> \(now)") }
        }
        let total = before.documents.values.reduce(0, +)
        checks.append(
            Check(
                name: "documents", passed: differences.isEmpty,
                detail: differences.isEmpty
                    ? "\(total) document(s) before, \(after.documents.values.reduce(0, +)) now\(allowGrowth ? " (writes continued during the upgrade)" : ""); every index \(allowGrowth ? "kept at least its count" : "has the same count")."
                    : "Counts differ: \(differences.joined(separator: ", "))."))
        return UpgradeVerification(checks: checks)
    }
}
