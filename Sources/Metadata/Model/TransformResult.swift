/// What became of one source item: usually one target item; several when types were split; none when everything was dropped.
public struct TransformResult: Sendable, Hashable, Codable {
    public var source: MetadataItem
    public var items: [TransformedItem]
    /// Findings about the source item as a whole (for example every type dropped), outside any target item.
    public var findings: [Unconvertible]

    public init(source: MetadataItem, items: [TransformedItem], findings: [Unconvertible] = []) {
        self.source = source
        self.items = items
        self.findings = findings
    }

    /// Every transformation of every target item, in order.
    public var transformations: [Transformation] { items.flatMap(\.transformations) }

    /// Every finding, the result's own first.
    public var allFindings: [Unconvertible] { findings + items.flatMap(\.findings) }
}
