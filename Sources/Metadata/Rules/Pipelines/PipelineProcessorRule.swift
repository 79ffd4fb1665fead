import TernCore

/// Reports ingest processors that only Elasticsearch (X-Pack) has: a pipeline using one cannot be created on OpenSearch.
/// Looks into `on_failure` handlers and `foreach` processors too.
enum PipelineProcessorRule: ItemRule {
    static let rule = "pipeline.unsupported-processor"
    static let elasticOnly: Set<String> = ["enrich", "inference", "set_security_user", "redact"]

    static func apply(to item: inout MetadataItem, context: TransformContext, log: inout RuleLog) {
        guard item.kind == .pipeline, context.isElasticToOpenSearch else { return }
        for key in ["processors", "on_failure"] {
            visit(list: item.body[key], at: JSONPointer(tokens: [key]), context: context, log: &log)
        }
    }

    private static func visit(list: JSONValue?, at pointer: JSONPointer, context: TransformContext, log: inout RuleLog) {
        for (position, processor) in (list?.arrayValue ?? []).enumerated() {
            visit(processor: processor, at: pointer.appending(String(position)), context: context, log: &log)
        }
    }

    private static func visit(processor: JSONValue, at pointer: JSONPointer, context: TransformContext, log: inout RuleLog) {
        for (name, configuration) in processor.objectValue ?? [:] {
            let place = pointer.appending(name)
            if elasticOnly.contains(name) {
                log.find(
                    rule, at: place, what: "`\(name)` processor", why: "\(context.target.displayName) has no `\(name)` processor",
                    action: "remove or replace the processor with a user rule, or do that work before indexing")
            }
            visit(list: configuration["on_failure"], at: place.appending("on_failure"), context: context, log: &log)
            if let inner = configuration["processor"] {
                visit(processor: inner, at: place.appending("processor"), context: context, log: &log)
            }
        }
    }
}
