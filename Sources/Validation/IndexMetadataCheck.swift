/// Whether a target index has the mappings and settings the metadata rules would give it: the source index's
/// definition, transformed for the target's version, compared with the target's (settings the target makes itself,
/// key order and number formats do not count).
///
/// Mapping differences fail a validation: documents would be indexed, searched and aggregated differently. Settings and
/// alias differences are reported but do not fail it, since operators tune replicas and refresh on a new cluster.
public struct IndexMetadataCheck: Sendable, Equatable, Codable {
    /// How the target's definition compares; the raw values are the words `--json` prints.
    public enum Status: String, Sendable, Hashable, Codable {
        case identical, different
        /// The target has no such index.
        case missing
        /// The metadata rules cannot give the target this definition.
        case cannotConvert = "cannot-convert"
        /// Another item or an alias takes the name on the target.
        case conflict
    }

    public var status: Status
    /// JSON pointers under `/mappings` where the two differ.
    public var mappingDifferences: [String]
    /// JSON pointers elsewhere (`/settings`, `/aliases`).
    public var otherDifferences: [String]

    public init(status: Status, mappingDifferences: [String] = [], otherDifferences: [String] = []) {
        self.status = status
        self.mappingDifferences = mappingDifferences
        self.otherDifferences = otherDifferences
    }

    /// Splits an evaluation's pointers by where they lie.
    public init(status: Status, differences: [String]) {
        self.init(
            status: status, mappingDifferences: differences.filter { $0.hasPrefix("/mappings") },
            otherDifferences: differences.filter { !$0.hasPrefix("/mappings") })
    }

    /// Whether documents behave alike on both sides as far as the definition goes.
    public var isClean: Bool { mappingDifferences.isEmpty && status != .cannotConvert }

    enum CodingKeys: String, CodingKey {
        case status
        case mappingDifferences = "mapping_differences"
        case otherDifferences = "other_differences"
    }
}
