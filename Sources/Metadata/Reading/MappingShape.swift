import TernCore

/// Snapshots store mappings as a list of one-key objects (`[{"_doc": {...}}, {"type2": {...}}]`); the REST API returns
/// one object keyed by type (`{"_doc": {...}}`) or a typeless body. The rules work on the REST shapes.
package enum MappingShape {
    /// The REST shape of mappings as found in a snapshot (or unchanged when it already is one).
    package static func restShape(_ mappings: JSONValue?) -> JSONValue {
        guard let mappings else { return .object([:]) }
        guard let list = mappings.arrayValue else { return mappings }
        var merged: [String: JSONValue] = [:]
        for entry in list {
            for (type, body) in entry.objectValue ?? [:] { merged[type] = body }
        }
        return .object(merged)
    }
}
