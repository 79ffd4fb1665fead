import TernCore

/// A data stream can be carried only to a target that has data streams (OpenSearch 1.0+, Elasticsearch 7.9+): there
/// it is created by name from its index template. The template that matches it is checked by the runner, which sees
/// both the selected templates and the target's.
enum DataStreamRule {
    static func apply(to item: inout MetadataItem, context: TransformContext, log: inout RuleLog) {
        guard item.kind == .dataStream, !supportsDataStreams(context.target) else { return }
        log.find(
            "data-stream.unsupported", at: JSONPointer(), what: "data stream \(item.name)",
            why:
                "\(context.target.displayName) has no data streams (OpenSearch 1.0 and Elasticsearch 7.9's default distribution brought them)",
            action: "upgrade the target first, or copy the stream's backing indices as plain indices with --include '.ds-\(item.name)-*'")
    }

    static func supportsDataStreams(_ version: ClusterVersion) -> Bool {
        switch version.distribution {
        case .opensearch: version.version.major >= 1
        case .elasticsearch: version.version >= SemanticVersion(7, 9, 0)
        // Data streams are an X-Pack feature: the OSS builds (and Open Distro, built on them) never had them.
        case .elasticsearchOSS, .opendistro: false
        }
    }

    /// Whether `template` (a composable template's body) makes data streams for `name`: it has `data_stream` and one of
    /// its patterns matches.
    static func makesStream(_ template: JSONValue, named name: String) -> Bool {
        guard template["data_stream"] != nil else { return false }
        let patterns =
            template["index_patterns"]?.arrayValue?.compactMap(\.stringValue) ?? template["index_patterns"]?.stringValue.map { [$0] } ?? []
        return patterns.contains { Glob.matches($0, name) }
    }
}
