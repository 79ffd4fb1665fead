import TernCore

/// The order items must be created in, dependencies first: pipelines (index settings name them), component templates,
/// the composable templates composed of them, legacy templates (independent of the others), then indices, which pick up
/// templates when created. Within a kind, names sort alphabetically so runs repeat.
public enum MetadataOrdering {
    /// The rank of each kind in creation order.
    static let rank: [MetadataKind: Int] = [
        // A data stream after the templates that make it; cluster settings (shard limits, awareness) before anything.
        .clusterSetting: 0, .pipeline: 0, .componentTemplate: 1, .indexTemplate: 2, .legacyTemplate: 3, .index: 4, .dataStream: 4,
        // Last: ISM attaches a policy through its `ism_template` to indices created after it, so the migrated indices
        // (already rolled over on the source, their ages lost) are not given it behind the operator's back.
        .ismPolicy: 5,
        // Channels before the monitors whose actions name them; monitors after the indices they watch.
        .notificationChannel: 5, .alertingMonitor: 6,
    ]

    /// Items in creation order, and a finding for each composable template that uses a component template found neither
    /// among the items nor on the target.
    /// - Parameters:
    ///   - items: the items to create (already transformed).
    ///   - componentTemplatesOnTarget: names of component templates the target already has.
    public static func ordered(_ items: [MetadataItem], componentTemplatesOnTarget: Set<String> = []) -> (
        items: [MetadataItem], findings: [Unconvertible]
    ) {
        let sorted = items.sorted { left, right in
            let (l, r) = (rank[left.kind] ?? 9, rank[right.kind] ?? 9)
            return l != r ? l < r : left.name < right.name
        }
        let available = componentTemplatesOnTarget.union(items.filter { $0.kind == .componentTemplate }.map(\.name))
        var findings: [Unconvertible] = []
        for item in sorted where item.kind == .indexTemplate {
            let missing = componentNames(of: item).filter { !available.contains($0) }
            guard !missing.isEmpty else { continue }
            findings.append(
                Unconvertible(
                    rule: "template.missing-component", place: item.name,
                    what:
                        "index template \(item.name) is composed of \(MappingTypes.quoted(missing)), which \(missing.count == 1 ? "is" : "are") not migrated and not on the target",
                    why: "the target refuses a composable template whose component templates do not exist",
                    action:
                        "include the component template\(missing.count == 1 ? "" : "s") in the migration or create \(missing.count == 1 ? "it" : "them") on the target first",
                    impact: .blocking))
        }
        return (sorted, findings)
    }

    /// The component template names in `composed_of`.
    public static func componentNames(of item: MetadataItem) -> [String] {
        (item.body["composed_of"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
