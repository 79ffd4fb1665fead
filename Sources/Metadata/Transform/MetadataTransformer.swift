import TernCore

/// Turns source metadata into what the target accepts, choosing rules by the source and target versions, and lists every
/// change and everything that cannot be carried. Pure: no cluster, no files.
///
/// Order: item rules (template fields, pipelines); mapping types separated; mapping rules per type (meta fields,
/// `_source`, `string`, `dense_vector`, `flattened`, unsupported types); types combined (union, split or drop); settings
/// rules (canonical form, never-copied and Elastic-only settings, analysis renames, settings the mappings need, replicas
/// for awareness zones); then the user's rules.
public struct MetadataTransformer: Sendable {
    public var context: TransformContext
    public var userRules: UserRules?

    /// - Parameters:
    ///   - source: the version the metadata comes from.
    ///   - target: the version it goes to.
    ///   - options: multi-type policy and awareness zones.
    ///   - userRules: rules from the user's file, applied after the built-in ones.
    public init(source: ClusterVersion, target: ClusterVersion, options: TransformOptions = TransformOptions(), userRules: UserRules? = nil)
    {
        self.context = TransformContext(source: source, target: target, options: options)
        self.userRules = userRules
    }

    /// Transforms each item.
    public func transform(_ items: [MetadataItem]) -> [TransformResult] {
        items.map { transform($0) }
    }

    /// Transforms one item.
    /// - Parameters:
    ///   - item: the item as the source returned it.
    ///   - targetName: its name on the target when renamed (`IndexSelection.targetName(for:)`); split indices derive theirs from it.
    public func transform(_ item: MetadataItem, targetName: String? = nil) -> TransformResult {
        var working = item
        if let targetName { working.name = targetName }
        var shared = RuleLog()
        LegacyTemplatePatternRule.apply(to: &working, context: context, log: &shared)
        ComposableTemplateRule.apply(to: &working, context: context, log: &shared)
        PipelineProcessorRule.apply(to: &working, context: context, log: &shared)
        LifecyclePolicyRule.apply(to: &working, context: context, log: &shared)
        DataStreamRule.apply(to: &working, context: context, log: &shared)
        AlertingRule.apply(to: &working, context: context, log: &shared)

        var outputs: [Output] = []
        var resultFindings: [Unconvertible] = []
        if let pointer = working.mappingsPointer, let mappings = working.body.value(atPointer: pointer) {
            let typed = MappingTypes.separate(mappings, kind: working.kind, at: pointer, log: &shared)
            let perType = typed.map { typedMapping in
                (typedMapping, mappingRules(typedMapping, at: pointer, labelled: typed.count > 1))
            }
            outputs = combine(perType, item: working, at: pointer, findings: &resultFindings)
        } else {
            outputs = [Output(name: working.name, types: [], mapping: nil, log: RuleLog())]
        }

        let items = outputs.map { output -> TransformedItem in
            var target = working
            target.name = output.name
            var log = shared
            log.append(output.log)
            if let mapping = output.mapping, let pointer = target.mappingsPointer {
                try? target.body.setValue(mapping, atPointer: pointer)
            }
            settingsRules(&target, log: &log)
            var transformed = TransformedItem(
                item: target, sourceTypes: output.types, transformations: log.transformations, findings: log.findings)
            userRules?.apply(to: &transformed, sourceName: item.name)
            return transformed
        }
        return TransformResult(source: item, items: items, findings: resultFindings)
    }

    /// One target item in the making.
    private struct Output {
        var name: String
        var types: [String]
        var mapping: JSONValue?
        var log: RuleLog
    }

    /// Runs the mapping rules on one type's mapping.
    private func mappingRules(_ typed: MappingTypes.TypedMapping, at pointer: JSONPointer, labelled: Bool) -> (JSONValue, RuleLog) {
        var mapping = typed.mapping
        var log = RuleLog()
        let rules: [any MappingRule.Type] = [
            MetaFieldRule.self, SourceFieldRule.self, StringFieldRule.self, DenseVectorRule.self, FlattenedRule.self,
            FieldTypeSupportRule.self,
        ]
        for rule in rules {
            rule.apply(to: &mapping, at: pointer, context: context, log: &log)
        }
        // With several types the same field may change in each; say which type a change belongs to.
        if labelled, let type = typed.type {
            for index in log.transformations.indices { log.transformations[index].summary += " (type `\(type)`)" }
            for index in log.findings.indices { log.findings[index].what += " in type `\(type)`" }
        }
        return (mapping, log)
    }

    /// Applies the multi-type policy.
    private func combine(
        _ perType: [(MappingTypes.TypedMapping, (JSONValue, RuleLog))], item: MetadataItem, at pointer: JSONPointer,
        findings: inout [Unconvertible]
    ) -> [Output] {
        guard let first = perType.first else { return [] }
        if perType.count == 1 {
            let (typed, (mapping, ruleLog)) = first
            var log = RuleLog()
            // A lone `_default_` was already recorded as used for the mapping; it is no type documents belong to.
            let type = typed.type == "_default_" ? nil : typed.type
            if let type {
                log.record("mapping.strip-type", at: pointer.appending(type), "removed type wrapper `\(type)`")
            }
            log.append(ruleLog)
            return [Output(name: item.name, types: type.map { [$0] } ?? [], mapping: mapping, log: log)]
        }
        let types = perType.compactMap(\.0.type)
        switch context.options.multiTypePolicy {
        case .split(let pattern) where item.kind == .index:
            return perType.map { typed, result in
                let type = typed.type ?? "?"
                let name = MultiTypePolicy.splitName(pattern: pattern, index: item.name, type: type)
                var log = RuleLog()
                log.record("mapping.types.split", at: pointer.appending(type), "split type `\(type)` into index `\(name)`")
                log.append(result.1)
                return Output(name: name, types: [type], mapping: result.0, log: log)
            }
        case .drop(let keeping):
            let kept = perType.filter { keeping.contains($0.0.type ?? "") }
            var log = RuleLog()
            for (typed, _) in perType where !keeping.contains(typed.type ?? "") {
                log.record(
                    "mapping.types.drop", at: pointer.appending(typed.type ?? "?"), "dropped type `\(typed.type ?? "?")` and its documents")
            }
            guard !kept.isEmpty else {
                findings.append(
                    Unconvertible(
                        rule: "mapping.types.drop", place: pointer.description,
                        what: "\(item.label) has types \(MappingTypes.quoted(types)) and none of them is kept",
                        why:
                            "the drop policy keeps only \(keeping.isEmpty ? "the types it is given, and none was given" : "types \(MappingTypes.quoted(keeping))")",
                        action: "name a type of this \(item.kind == .index ? "index" : "template") to keep, or choose union or split",
                        impact: .blocking))
                return []
            }
            var outputs = unite(kept, item: item, at: pointer, note: nil)
            for index in outputs.indices {
                var combined = log
                combined.append(outputs[index].log)
                outputs[index].log = combined
            }
            return outputs
        case .split:
            return unite(perType, item: item, at: pointer, note: " (templates are merged; the split applies to indices)")
        case .union:
            return unite(perType, item: item, at: pointer, note: nil)
        }
    }

    /// Merges several types into one mapping, conflicts becoming blocking findings.
    private func unite(
        _ perType: [(MappingTypes.TypedMapping, (JSONValue, RuleLog))], item: MetadataItem, at pointer: JSONPointer, note: String?
    ) -> [Output] {
        let types = perType.compactMap(\.0.type)
        var log = RuleLog()
        if perType.count == 1, let type = types.first {
            log.record("mapping.strip-type", at: pointer.appending(type), "removed type wrapper `\(type)`")
            log.append(perType[0].1.1)
            return [Output(name: item.name, types: types, mapping: perType[0].1.0, log: log)]
        }
        let (mapping, conflicts) = MappingUnion.union(perType.map { MappingTypes.TypedMapping(type: $0.0.type, mapping: $0.1.0) })
        let documentsNote =
            item.kind == .index ? "; documents of all types share the index, so ids repeated across types overwrite each other" : ""
        log.record(
            "mapping.types.union", at: pointer,
            "merged types \(MappingTypes.quoted(types)) into one mapping\(documentsNote)\(note ?? "")")
        for (_, result) in perType { log.append(result.1) }
        for conflict in conflicts {
            log.find(
                "mapping.types.union", at: pointer.appending(conflict.pointer), what: conflict.message,
                why: "one mapping holds one definition per field (the first type's is kept)",
                action: "split the types into separate indices, drop one, or set the definition with a user rule")
        }
        return [Output(name: item.name, types: types, mapping: mapping, log: log)]
    }

    /// Runs the settings rules on the item's settings.
    private func settingsRules(_ item: inout MetadataItem, log: inout RuleLog) {
        guard let pointer = item.settingsPointer else { return }
        let original = item.body.value(atPointer: pointer)
        guard original != nil || !log.requiredSettings.isEmpty else { return }
        var settings = original ?? .object([:])
        let rules: [any SettingsRule.Type] = [SettingsNormalizationRule.self, SettingsStripRule.self, AnalysisRenameRule.self]
        for rule in rules {
            rule.apply(to: &settings, at: pointer, context: context, log: &log)
        }
        RequiredSettingsRule.apply(log.requiredSettings, to: &settings, at: pointer, log: &log)
        ReplicaAwarenessRule.apply(to: &settings, at: pointer, context: context, log: &log)
        try? item.body.setValue(settings, atPointer: pointer)
    }
}
