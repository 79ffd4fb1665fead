import Logging
import SearchClient
import TernCore

/// `tern metadata evaluate|migrate`: reads the source's templates, indices and pipelines, transforms them for the
/// target's version, compares them with what the target has, and (when applying) creates them in dependency order,
/// then reads each one back to prove the target holds what the evaluation promised.
public struct MetadataRunner: Sendable {
    public let source: MetadataSourceSpec
    public let target: ClusterConfiguration
    public let options: MetadataRunOptions
    public let logger: Logger

    public init(source: MetadataSourceSpec, target: ClusterConfiguration, options: MetadataRunOptions, logger: Logger) {
        self.source = source
        self.target = target
        self.options = options
        self.logger = logger
    }

    public func run() async throws -> MetadataReport {
        try await SearchClient.withClient(target, logger: logger) { targetClient in
            let targetInfo = try await targetClient.info()
            var (metadata, sourceName) = try await readSource()
            metadata = Self.clusterSettingsChosen(metadata, carry: options.clusterSettings)
            let selected = select(metadata.items)
            var transformer = MetadataTransformer(
                source: metadata.version, target: targetInfo.version, options: options.transform, userRules: options.userRules)
            transformer.context.lifecycleUses = LifecyclePolicyRule.uses(in: metadata.items)
            var results = selected.map { item in
                transformer.transform(
                    item, targetName: item.kind == .index || item.kind == .dataStream ? options.selection.targetName(for: item.name) : nil)
            }
            if results.contains(where: { $0.source.kind == .ismPolicy }), try await !Self.hasIndexStateManagement(targetClient) {
                results = results.map(Self.withoutISM)
            }
            var targetAlerting = TargetAlerting()
            if results.contains(where: { $0.source.kind == .alertingMonitor || $0.source.kind == .notificationChannel }) {
                targetAlerting = try await TargetAlerting.read(targetClient)
                results = results.map(targetAlerting.marked)
                let migratedChannels = Set(
                    results.flatMap(\.items).filter { $0.item.kind == .notificationChannel && !$0.findings.contains(where: \.isBlocking) }
                        .map(\.item.name))
                results = results.map { targetAlerting.withChannelsChecked($0, migrated: migratedChannels) }
            }
            var existing = try await readTarget(targetClient, results: results)
            existing.merge(targetAlerting.existing) { current, _ in current }
            results = results.map { Self.needingTemplate($0, results: results, existing: existing) }
            let aliases = Set(existing.filter { $0.key.kind == .index }.flatMap { ($0.value["aliases"]?.objectValue ?? [:]).keys })
            let evaluations = MetadataEvaluator.evaluate(results, existing: existing, targetAliases: aliases)
            let ordering = MetadataOrdering.ordered(
                evaluations.filter { $0.status != .cannotConvert }.map(\.transformed.item),
                componentTemplatesOnTarget: Set(existing.keys.filter { $0.kind == .componentTemplate }.map(\.name)))
            var entries = evaluations.map(Self.entry)
            var notConvertible = metadata.notConvertible
            notConvertible += WriteIndexCheck.problems(
                evaluations.filter { $0.status != .cannotConvert }.map(\.transformed.item).filter { $0.kind == .index })
            let stackPolicies = metadata.items.filter { item in
                item.kind == .ismPolicy && InternalTemplates.isInternalPolicy(name: item.name, policy: item.body["policy"])
                    && !selected.contains(item)
            }
            if !stackPolicies.isEmpty {
                notConvertible.append(
                    "\(stackPolicies.count) ILM \(stackPolicies.count == 1 ? "policy" : "policies") the stack installs for its own indices (\(stackPolicies.map(\.name).sorted().joined(separator: ", "))), left out; name one with --template to convert it"
                )
            }
            for finding in ordering.findings {
                if let position = entries.firstIndex(where: { $0.kind == .indexTemplate && $0.name == finding.place }) {
                    entries[position].findings.append(finding.description)
                    entries[position].status = .cannotConvert
                } else {
                    notConvertible.append(finding.description)
                }
            }
            var attached: [String] = []
            if options.apply {
                entries = try await apply(
                    ordering.items, entries: entries, client: targetClient, targetMonitors: targetAlerting.monitors ?? [:])
                entries = try await verify(entries, client: targetClient)
                if options.attachPolicies {
                    let attachment = try await PolicyAttacher(client: targetClient, logger: logger).attach(
                        PolicyAttacher.wanted(results: results, entries: entries))
                    attached = attachment.attached
                    notConvertible += attachment.problems
                }
            }
            entries.sort { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
            // A channel's URL holds its webhook token: reports show where channels differ, never what they hold.
            for position in entries.indices where entries[position].kind == .notificationChannel {
                entries[position].body = entries[position].body.map(NotificationChannelShape.redacted)
            }
            var report = MetadataReport(
                source: sourceName, sourceVersion: metadata.version.displayName, target: target.displayEndpoint,
                targetVersion: targetInfo.version.displayName, applied: options.apply, items: entries, notConvertible: notConvertible,
                ok: entries.allSatisfy { $0.isAcceptable(overwrite: options.overwrite) })
            report.attachedPolicies = attached
            return report
        }
    }

    /// Whether the target answers the ISM API (the `opensearch-index-management` plugin; a minimal distribution lacks it).
    static func hasIndexStateManagement(_ client: SearchClient) async throws -> Bool {
        let response = try await client.send(.GET, "/_plugins/_ism/policies")
        try client.checkAccess(response, method: "GET", path: "/_plugins/_ism/policies")
        return response.isSuccess
    }

    /// The source with only the cluster settings worth carrying (none unless asked), and a note for each left out.
    static func clusterSettingsChosen(_ metadata: SourceMetadata, carry: Bool) -> SourceMetadata {
        var metadata = metadata
        var kept: [MetadataItem] = []
        for item in metadata.items {
            guard item.kind == .clusterSetting else {
                kept.append(item)
                continue
            }
            guard carry else { continue }
            switch ClusterSettingsPolicy.decide(item.name) {
            case .carry: kept.append(item)
            case .leaveOut(let reason): metadata.notConvertible.append("cluster setting \(item.name) left out: \(reason)")
            }
        }
        metadata.items = kept
        return metadata
    }

    /// A data stream's result marked as impossible when no composable template with `data_stream` matches its name,
    /// neither among the items nor on the target: `PUT _data_stream` would be refused.
    static func needingTemplate(_ result: TransformResult, results: [TransformResult], existing: [MetadataKey: JSONValue])
        -> TransformResult
    {
        guard result.source.kind == .dataStream else { return result }
        let templates =
            results.flatMap(\.items).filter { $0.item.kind == .indexTemplate && !$0.findings.contains(where: \.isBlocking) }
            .map(\.item.body) + existing.filter { $0.key.kind == .indexTemplate }.map(\.value)
        var result = result
        for position in result.items.indices {
            let name = result.items[position].item.name
            guard !templates.contains(where: { DataStreamRule.makesStream($0, named: name) }) else { continue }
            result.items[position].findings.append(
                Unconvertible(
                    rule: "data-stream.template", place: "", what: "data stream \(name)",
                    why: "no composable index template with data_stream matches \(name), here or on the target",
                    action: "select the stream's index template (--template NAME), or create one on the target first", impact: .blocking))
        }
        return result
    }

    /// An ISM policy's result marked as impossible on a target without Index State Management.
    static func withoutISM(_ result: TransformResult) -> TransformResult {
        guard result.source.kind == .ismPolicy else { return result }
        var result = result
        for position in result.items.indices {
            result.items[position].findings.append(
                Unconvertible(
                    rule: "lifecycle.ism-missing", place: "/policy", what: "ISM policy \(result.items[position].item.name)",
                    why: "the target has no Index State Management (GET _plugins/_ism/policies is not answered)",
                    action: "install the opensearch-index-management plugin on the target, or leave the policy out with --exclude-template",
                    impact: .blocking))
        }
        return result
    }

    private func readSource() async throws -> (SourceMetadata, String) {
        switch source {
        case .cluster(let configuration):
            let metadata = try await SearchClient.withClient(configuration, logger: logger) { client in
                let reader = ClusterMetadataReader(client: client, logger: logger)
                var metadata = try await reader.read(
                    selection: options.selection, ismPolicyNames: options.templates.filter { !$0.contains("*") && !$0.contains("?") })
                if options.clusterSettings { metadata.items += try await reader.persistentSettings() }
                return metadata
            }
            return (metadata, configuration.displayEndpoint)
        case .snapshot(let repository, let snapshot):
            let metadata = try SnapshotMetadataReader(repository: repository, snapshotName: snapshot).read(selection: options.selection)
            return (metadata, "snapshot \(snapshot) in \(repository.location)")
        }
    }

    /// Templates by the template globs (the stack's own only when named), pipelines that are not the stack's own,
    /// the component templates the selected composable templates use, and the indices the reader selected.
    func select(_ items: [MetadataItem]) -> [MetadataItem] {
        func chosen(_ item: MetadataItem) -> Bool {
            if item.kind == .index || item.kind == .dataStream { return options.indices }
            guard item.kind != .clusterSetting else { return true }
            if options.excludeTemplates.contains(where: { Glob.matches($0, item.name) }) { return false }
            if item.kind == .alertingMonitor || item.kind == .notificationChannel {
                return options.templates.isEmpty || options.templates.contains { Glob.matches($0, item.name) }
            }
            if item.kind == .ismPolicy {
                let own = InternalTemplates.isInternalPolicy(name: item.name, policy: item.body["policy"])
                return options.templates.contains(item.name)
                    || (!own && (options.templates.isEmpty || options.templates.contains { Glob.matches($0, item.name) }))
            }
            if item.kind == .pipeline {
                let own = item.name.hasPrefix("xpack") || item.name.hasPrefix(".") || item.name.contains("@")
                return options.templates.contains(item.name) || (!own && options.templates.isEmpty)
            }
            guard InternalTemplates.isSelected(name: item.name, body: item.body, requested: options.templates) else { return false }
            return options.templates.isEmpty || options.templates.contains { Glob.matches($0, item.name) }
        }
        var picked = items.filter(chosen)
        let used = Set(picked.filter { $0.kind == .indexTemplate }.flatMap(MetadataOrdering.componentNames))
        let pickedComponents = Set(picked.filter { $0.kind == .componentTemplate }.map(\.name))
        picked += items.filter { $0.kind == .componentTemplate && used.contains($0.name) && !pickedComponents.contains($0.name) }
        return picked
    }

    /// What the target already has under the names the migration would use.
    private func readTarget(_ client: SearchClient, results: [TransformResult]) async throws -> [MetadataKey: JSONValue] {
        let items = results.flatMap(\.items).map(\.item)
        let reader = ClusterMetadataReader(client: client, logger: logger)
        let targetMetadata = try await reader.read(
            indexNames: items.filter { $0.kind == .index }.map(\.name), ismPolicyNames: items.filter { $0.kind == .ismPolicy }.map(\.name),
            dataStreams: try await reader.dataStreams(named: items.filter { $0.kind == .dataStream }.map(\.name)))
        var existing: [MetadataKey: JSONValue] = [:]
        for item in targetMetadata.items { existing[MetadataKey(item.kind, item.name)] = item.body }
        if items.contains(where: { $0.kind == .clusterSetting }) {
            for item in try await reader.persistentSettings() { existing[MetadataKey(item.kind, item.name)] = item.body }
        }
        return existing
    }

    private static func entry(_ evaluation: ItemEvaluation) -> MetadataReport.Entry {
        let item = evaluation.transformed.item
        var differences: [String] = []
        var reason: String?
        switch evaluation.status {
        case .different(let pointers): differences = pointers
        case .conflict(let why): reason = why
        default: break
        }
        return MetadataReport.Entry(
            kind: item.kind, source: evaluation.sourceName, name: item.name, status: evaluation.status.name, action: nil,
            transformations: evaluation.transformed.transformations.map(\.description),
            findings: evaluation.transformed.findings.map { finding in
                finding.description + (finding.resolvedBy.map { " (resolved by \($0))" } ?? "")
            },
            differences: differences, reason: reason, dropped: [], body: item.body)
    }

    /// Creates what is missing (and, with `overwrite`, replaces what differs) in dependency order.
    private func apply(
        _ ordered: [MetadataItem], entries: [MetadataReport.Entry], client: SearchClient, targetMonitors: [String: AlertingAPI.Monitor]
    ) async throws -> [MetadataReport.Entry] {
        var entries = entries
        var writer = MetadataWriter(client: client, logger: logger, dropUnsupported: options.dropUnsupported)
        writer.targetMonitors = targetMonitors
        for item in ordered {
            guard let position = entries.firstIndex(where: { $0.kind == item.kind && $0.name == item.name }) else { continue }
            var entry = entries[position]
            switch entry.status {
            case .create:
                let outcome = try await writer.write(item)
                entry.action = outcome.created ? .created : .failed
                entry.dropped = outcome.dropped
                entry.reason = outcome.error.map { "the target refused it: \($0)" }
            case .identical:
                entry.action = .skipped
            case .different where options.overwrite:
                if item.kind == .index {
                    let documents = try await client.documentCount(index: item.name, query: nil)
                    guard documents == 0 else {
                        entry.action = .failed
                        entry.reason =
                            "the target's index \(item.name) differs and holds \(documents) documents, which Tern will not delete; reindex it or delete it yourself"
                        break
                    }
                    let deletion = try await client.send(.DELETE, "/\(item.name)")
                    try client.checkAccess(deletion, method: "DELETE", path: "/\(item.name)")
                }
                let outcome = try await writer.write(item, replacing: true)
                entry.action = outcome.created ? .overwritten : .failed
                entry.dropped = outcome.dropped
                entry.reason = outcome.error.map { "the target refused it: \($0)" }
            case .different:
                entry.action = .skipped
                entry.reason = "the target's \(item.label) differs; --overwrite replaces it"
            case .conflict, .cannotConvert:
                entry.action = .skipped
            }
            entries[position] = entry
        }
        return entries
    }

    /// Reads back every item created or replaced and compares it with what was sent.
    private func verify(_ entries: [MetadataReport.Entry], client: SearchClient) async throws -> [MetadataReport.Entry] {
        let written = entries.filter { $0.action == .created || $0.action == .overwritten }
        guard !written.isEmpty else { return entries }
        let reader = ClusterMetadataReader(client: client, logger: logger)
        let now = try await reader.read(
            indexNames: written.filter { $0.kind == .index }.map(\.name),
            ismPolicyNames: written.filter { $0.kind == .ismPolicy }.map(\.name),
            dataStreams: try await reader.dataStreams(named: written.filter { $0.kind == .dataStream }.map(\.name)))
        var bodies: [MetadataKey: JSONValue] = [:]
        for item in now.items { bodies[MetadataKey(item.kind, item.name)] = item.body }
        if written.contains(where: { $0.kind == .clusterSetting }) {
            for item in try await reader.persistentSettings() { bodies[MetadataKey(item.kind, item.name)] = item.body }
        }
        if written.contains(where: { $0.kind == .alertingMonitor || $0.kind == .notificationChannel }) {
            bodies.merge(try await TargetAlerting.read(client).existing) { current, _ in current }
        }
        return entries.map { entry in
            let kind = entry.kind
            guard entry.action == .created || entry.action == .overwritten, var sent = entry.body
            else { return entry }
            var entry = entry
            guard let actual = bodies[MetadataKey(kind, entry.name)] else {
                entry.action = .failed
                entry.reason = "the target acknowledged \(entry.kind) \(entry.name) but does not list it"
                return entry
            }
            // The evaluation's differences described the item that was replaced; from here on only the read-back counts.
            entry.differences = []
            for dropped in entry.dropped {
                if let pointer = dropped.split(separator: ":").first.flatMap({ try? JSONPointer(parsing: String($0)) }) {
                    sent.removeValue(atPointer: pointer)
                }
            }
            if case .different(let pointers) = MetadataComparison.compare(
                MetadataItem(kind: kind, name: entry.name, body: sent), existing: actual)
            {
                entry.differences = pointers
                entry.reason = "the target holds it differently from what was sent (at \(pointers.prefix(5).joined(separator: ", ")))"
            }
            return entry
        }
    }
}
