import Foundation
import Logging
import SearchClient
import TernCore

/// Creates target indices that do not exist yet with the source's mappings, so documents are not indexed under
/// dynamically guessed types. (Settings, templates and aliases are the metadata step's job.)
struct TargetIndexPreparer {
    let client: SearchClient
    let logger: Logger

    func prepare(plan: BackfillPlanner.Plan, units: [BackfillPlanner.PlannedUnit]) async throws {
        guard plan.targetIndicesKnown else { return }
        var seen = Set<String>()
        for planned in units where seen.insert(planned.unit.targetIndex).inserted {
            let name = planned.unit.targetIndex
            let probe = try await client.send(.HEAD, "/\(name)")
            try client.checkAccess(probe, method: "HEAD", path: "/\(name)")
            guard probe.status == 404 else { continue }
            var body: JSONValue = .object([:])
            if let mappings = plan.mappings[planned.unit.sourceIndex].map(Self.typeless), mappings.objectValue?.isEmpty == false {
                body = .object(["mappings": mappings])
            }
            let bytes = Array(try JSONEncoderCache.encode(body))
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

/// JSON encoding of `JSONValue` for request bodies.
enum JSONEncoderCache {
    static func encode(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
