/// One item to create on the target, with everything that was changed and found on the way.
public struct TransformedItem: Sendable, Hashable, Codable {
    /// The item in the target's dialect.
    public var item: MetadataItem
    /// The mapping types of the source index whose documents belong here (empty when the source had no type wrapper);
    /// backfill uses it to route documents when types were split or dropped.
    public var sourceTypes: [String]
    public var transformations: [Transformation]
    public var findings: [Unconvertible]

    public init(item: MetadataItem, sourceTypes: [String] = [], transformations: [Transformation] = [], findings: [Unconvertible] = []) {
        self.item = item
        self.sourceTypes = sourceTypes
        self.transformations = transformations
        self.findings = findings
    }

    /// Whether the item can be created: no finding blocks it (or a user rule took care of every blocking one).
    public var isConvertible: Bool { !findings.contains(where: \.isBlocking) }
}
