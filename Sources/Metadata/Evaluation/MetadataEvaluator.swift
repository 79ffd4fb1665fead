import TernCore

/// Decides each transformed item's status against what the target has (read by the caller): create, identical,
/// different, conflict or cannot convert. Pure: the caller reads the target and passes what it found.
public enum MetadataEvaluator {
    /// - Parameters:
    ///   - results: the transformer's results.
    ///   - existing: bodies the target already has, by kind and name.
    ///   - targetAliases: alias names on the target (an index cannot take an alias's name).
    /// - Returns: one evaluation per target item, in the order of `results`; a source item of which nothing remains
    ///   (every type dropped) appears once with status cannot-convert and the result's findings.
    public static func evaluate(
        _ results: [TransformResult], existing: [MetadataKey: JSONValue], targetAliases: Set<String> = []
    ) -> [ItemEvaluation] {
        var owners: [MetadataKey: Set<String>] = [:]
        for result in results {
            for transformed in result.items {
                owners[MetadataKey(transformed.item.kind, transformed.item.name), default: []].insert(result.source.name)
            }
        }
        let migratedIndices = Set(owners.keys.filter { $0.kind == .index }.map(\.name))
        let targetIndices = Set(existing.keys.filter { $0.kind == .index }.map(\.name))

        var evaluations: [ItemEvaluation] = []
        for result in results {
            if result.items.isEmpty {
                evaluations.append(
                    ItemEvaluation(
                        sourceName: result.source.name, transformed: TransformedItem(item: result.source, findings: result.findings),
                        status: .cannotConvert))
                continue
            }
            for var transformed in result.items {
                transformed.findings = result.findings + transformed.findings
                let item = transformed.item
                let key = MetadataKey(item.kind, item.name)
                let status: MetadataStatus
                if !transformed.isConvertible {
                    status = .cannotConvert
                } else if let sources = owners[key], sources.count > 1 {
                    status = .conflict(
                        reason: "\(item.label) would be made from \(sources.sorted().joined(separator: " and ")); rename one of them")
                } else if item.kind == .index, targetAliases.contains(item.name) {
                    status = .conflict(reason: "the target has an alias named \(item.name); rename the index or remove the alias")
                } else if item.kind == .index,
                    let alias = aliasNames(of: item).first(where: { migratedIndices.contains($0) || targetIndices.contains($0) })
                {
                    status = .conflict(reason: "alias \(alias) of \(item.label) is also the name of an index; rename one of them")
                } else if let current = existing[key] {
                    switch MetadataComparison.compare(item, existing: current) {
                    case .identical: status = .identical
                    case .different(let pointers): status = .different(pointers: pointers)
                    }
                } else {
                    status = .create
                }
                evaluations.append(ItemEvaluation(sourceName: result.source.name, transformed: transformed, status: status))
            }
        }
        return evaluations
    }

    private static func aliasNames(of item: MetadataItem) -> [String] {
        guard let pointer = item.aliasesPointer else { return [] }
        return (item.body.value(atPointer: pointer)?.objectValue ?? [:]).keys.sorted()
    }
}
