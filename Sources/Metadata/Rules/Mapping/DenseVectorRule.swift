import TernCore

/// Rewrites `dense_vector` (Elasticsearch 7+) as the k-NN plugin's `knn_vector` for an OpenSearch target: `dims` ->
/// `dimension`, an HNSW method whose space follows `similarity` (cosine -> cosinesimil, dot_product -> innerproduct, else
/// l2), `m` and `ef_construction` carried from `index_options`; the item then needs `index.knn: true`.
enum DenseVectorRule: MappingRule {
    static let rule = "mapping.dense-vector"

    static func apply(to mapping: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard context.targetIsOpenSearch else { return }
        FieldWalker.walk(&mapping, at: base) { definition, place in
            guard definition["type"]?.stringValue == "dense_vector" else { return }
            guard let dims = definition["dims"]?.intValue else {
                log.find(
                    rule, at: place.pointer, what: "`dense_vector` \(place.subject) without `dims`",
                    why: "`knn_vector` needs its dimension up front",
                    action: "write the field's `knn_vector` definition at \(place.pointer) with a user rule")
                return
            }
            let elementType = definition["element_type"]?.stringValue ?? "float"
            var dataType: String?
            if elementType == "byte" && context.targetIsOpenSearch(atLeast: SemanticVersion(2, 17)) {
                dataType = "byte"
            } else if elementType != "float" {
                log.find(
                    rule, at: place.pointer, what: "`dense_vector` \(place.subject) with `element_type: \(elementType)`",
                    why: "\(context.target.displayName) has no `knn_vector` of that element type",
                    action: "store float vectors (a user rule setting the field's definition) or use a target that supports it")
                return
            }
            let similarity = definition["similarity"]?.stringValue
            let space: String =
                switch similarity {
                case "cosine": "cosinesimil"
                case "dot_product", "max_inner_product": "innerproduct"
                default: "l2"
                }
            var method: [String: JSONValue] = ["name": .string("hnsw"), "space_type": .string(space)]
            var parameters: [String: JSONValue] = [:]
            if let options = definition["index_options"]?.objectValue {
                for key in ["m", "ef_construction"] { if let value = options[key] { parameters[key] = value } }
            }
            if !parameters.isEmpty { method["parameters"] = .object(parameters) }
            let wasIndexed = definition["index"]?.boolValue
            var converted: [String: JSONValue] = ["type": .string("knn_vector"), "dimension": .int(dims), "method": .object(method)]
            if let dataType { converted["data_type"] = .string(dataType) }
            for key in ["doc_values", "store", "meta"] { if let value = definition[key] { converted[key] = value } }
            definition = converted
            var summary = "changed `dense_vector` \(place.subject) to `knn_vector` (dimension \(dims), HNSW, space `\(space)`"
            summary += similarity.map { " from similarity `\($0)`" } ?? ""
            summary += wasIndexed == false ? "; it was not indexed for kNN search on the source)" : ")"
            log.record(rule, at: place.pointer, summary)
            log.require("index.knn", .bool(true), rule: rule, reason: "`knn_vector` fields need `index.knn: true`")
        }
    }
}
