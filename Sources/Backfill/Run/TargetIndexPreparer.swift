import Foundation
import Logging
import Metadata
import SearchClient
import TernCore

/// Creates target indices that do not exist yet with the source's mappings, so documents are not indexed under
/// dynamically guessed types. (Settings, templates and aliases are the metadata step's job.)
struct TargetIndexPreparer {
    let client: SearchClient
    let logger: Logger

    func prepare(plan: BackfillPlanner.Plan, units: [BackfillPlanner.PlannedUnit], targetVersion: ClusterVersion) async throws {
        guard plan.targetIndicesKnown else { return }
        var seen = Set<String>()
        for planned in units where seen.insert(planned.unit.targetIndex).inserted {
            let name = planned.unit.targetIndex
            let probe = try await client.send(.HEAD, "/\(name)")
            try client.checkAccess(probe, method: "HEAD", path: "/\(name)")
            guard probe.status == 404 else { continue }
            if planned.unit.dataStream != nil {
                try await createDataStream(name)
                continue
            }
            let body = Self.creationBody(
                mappings: plan.mappings[planned.unit.sourceIndex], sourceVersion: plan.mappingVersions[planned.unit.sourceIndex],
                targetVersion: targetVersion, source: planned.unit.sourceIndex, target: name, logger: logger)
            let bytes = Array(try RequestBody.encode(body))
            let response = try await client.send(.PUT, "/\(name)", body: bytes)
            if response.status == 400, response.errorSummary?.contains("resource_already_exists") == true { continue }
            guard response.isSuccess else {
                throw TernError(
                    .httpStatus,
                    "The target refused to create index \(name) with the source's mappings (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); create it yourself with compatible mappings and run again."
                )
            }
            logger.info("created target index", metadata: ["index": "\(name)"])
        }
    }

    /// Creates the data stream `name` from the target's index template for it: a plain index of that name would take
    /// the documents but not be a stream (and a template that makes streams forbids one).
    private func createDataStream(_ name: String) async throws {
        let response = try await client.send(.PUT, "/_data_stream/\(SearchClient.pathSegment(name))")
        try client.checkAccess(response, method: "PUT", path: "/_data_stream/\(name)")
        if response.isSuccess || response.errorSummary?.contains("already_exists") == true {
            logger.info("created target data stream", metadata: ["data_stream": "\(name)"])
            return
        }
        throw TernError(
            .httpStatus,
            "The target refused to create data stream \(name) (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); run tern metadata migrate first, which creates its index template and the stream."
        )
    }

    /// The body that creates a target index: the source's mappings in the REST shape, transformed by the metadata rules
    /// for the target's version when the source's version is known (types removed, `string` and other retired field
    /// types converted, plus any setting a rule needs such as `index.knn`), else only without the type wrapper.
    static func creationBody(
        mappings: JSONValue?, sourceVersion: ClusterVersion?, targetVersion: ClusterVersion, source: String, target: String, logger: Logger
    ) -> JSONValue {
        let shaped = MappingShape.restShape(mappings)
        guard shaped.objectValue?.isEmpty == false else { return .object([:]) }
        guard let sourceVersion else { return .object(["mappings": typeless(shaped)]) }
        return transformed(
            .object(["mappings": shaped]), sourceVersion: sourceVersion, targetVersion: targetVersion, source: source, target: target,
            logger: logger) ?? .object(["mappings": typeless(shaped)])
    }

    /// A `PUT /<index>` body (`settings`, `mappings`) made fit for the target's version by the metadata rules, with each
    /// change logged; empty sections are left out. Nil when the rules produce no index (cannot happen for one index today).
    static func transformed(
        _ body: JSONValue, sourceVersion: ClusterVersion, targetVersion: ClusterVersion, source: String, target: String, logger: Logger
    ) -> JSONValue? {
        let result = MetadataTransformer(source: sourceVersion, target: targetVersion).transform(
            MetadataItem(kind: .index, name: source, body: body), targetName: target)
        guard let item = result.items.first?.item else { return nil }
        for transformation in result.transformations {
            logger.info("target index definition transformed", metadata: ["index": "\(target)", "change": "\(transformation)"])
        }
        for finding in result.allFindings { logger.warning("\(finding)", metadata: ["index": "\(target)"]) }
        var out: [String: JSONValue] = [:]
        for section in ["settings", "mappings"] {
            if let value = item.body[section], value.objectValue?.isEmpty == false { out[section] = value }
        }
        return .object(out)
    }

    /// Mappings without the 5.x/6.x type wrapper (`{"_doc": {"properties": ...}}` -> `{"properties": ...}`); several types
    /// (5.x) become one set of properties, the first definition of a field winning.
    static func typeless(_ mappings: JSONValue) -> JSONValue {
        let keywords: Set<String> = [
            "properties", "dynamic", "_source", "_meta", "_routing", "dynamic_templates", "date_detection", "numeric_detection", "_all",
        ]
        guard let object = mappings.objectValue, !object.isEmpty, object.keys.allSatisfy({ !keywords.contains($0) }),
            object.values.allSatisfy({ $0.objectValue != nil })
        else { return mappings }
        if object.count == 1, let inner = object.values.first { return inner }
        var properties: [String: JSONValue] = [:]
        for name in object.keys.sorted() {
            for (field, definition) in object[name]?["properties"]?.objectValue ?? [:] where properties[field] == nil {
                properties[field] = definition
            }
        }
        return .object(["properties": .object(properties)])
    }
}
