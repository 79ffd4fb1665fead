/// One field of a segment, from its `.fnm` file.
///
/// A class so that the hot stored-fields loop hands visitors a reference, not a copy of the name and attributes.
public final class FieldInfo: Sendable, CustomStringConvertible {
    /// Doc-values kinds as `.fnm` numbers them.
    public enum DocValuesType: UInt8, Sendable {
        case none = 0
        case numeric, binary, sorted, sortedSet, sortedNumeric
    }

    public let name: String
    public let number: Int
    /// The field `IndexWriterConfig.setSoftDeletesField` named: documents with a value are deleted.
    public let isSoftDeletesField: Bool
    public let docValuesType: DocValuesType
    /// Generation of the doc-values update holding this field's values, -1 for the segment's own files.
    public let docValuesGeneration: Int64
    public let attributes: [String: String]
    /// Whether Lucene 10 keeps a doc-values skip index for the field: its `.dvm` entry then starts with the skipper's
    /// metadata.
    public let hasDocValuesSkipIndex: Bool

    init(
        name: String, number: Int, isSoftDeletesField: Bool, docValuesType: DocValuesType, docValuesGeneration: Int64,
        attributes: [String: String], hasDocValuesSkipIndex: Bool = false
    ) {
        self.name = name
        self.number = number
        self.isSoftDeletesField = isSoftDeletesField
        self.docValuesType = docValuesType
        self.docValuesGeneration = docValuesGeneration
        self.attributes = attributes
        self.hasDocValuesSkipIndex = hasDocValuesSkipIndex
    }

    public var description: String { "\(name) (#\(number))" }
}
