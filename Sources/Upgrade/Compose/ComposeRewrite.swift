import TernCore

/// A Compose file rewritten for a new version: the new text, and what the operator must know about it.
public struct ComposeRewrite: Sendable, Equatable {
    /// The engine version the file ran.
    public var from: ClusterVersion
    public var to: ClusterVersion
    public var original: String
    /// The rewritten file: byte-identical to `original` except the changed values and added lines.
    public var text: String
    /// Sentences: what changed beyond image tags, and what Tern could not change.
    public var notes: [String]

    public init(from: ClusterVersion, to: ClusterVersion, original: String, text: String, notes: [String]) {
        self.from = from
        self.to = to
        self.original = original
        self.text = text
        self.notes = notes
    }

    public var isUnchanged: Bool { text == original }

    /// A unified diff from the original to the rewritten file.
    public func diff(name: String) -> String {
        LineDiff.unified(old: original, new: text, oldName: "a/\(name)", newName: "b/\(name)")
    }
}
