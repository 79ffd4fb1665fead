/// What the target must receive for one logged write.
public enum ReplayAction: Sendable, Equatable {
    /// Which document an action is about.
    public struct DocumentKey: Sendable, Hashable {
        /// The concrete index the source wrote to (taken from its answer, so writes through an alias land right).
        public var index: String
        /// The mapping type of a 5.x/6.x index (or `_doc` as a 7.x answer names it); nil when the source named none.
        public var type: String?
        public var id: String
        public var routing: String?

        public init(index: String, type: String? = nil, id: String, routing: String? = nil) {
            self.index = index
            self.type = type
            self.id = id
            self.routing = routing
        }
    }

    /// Write `source` (the request's bytes, unchanged) with `version` (`_seq_no`, else `_version`) as its external version.
    case index(DocumentKey, version: Int64, source: ArraySlice<UInt8>)
    /// Delete the document with `version` as its external version.
    case delete(DocumentKey, version: Int64)
    /// Fetch the document from the source and write what it holds now with its own version, or delete it from the target
    /// when the source no longer has it: for updates, and for writes whose outcome or stored form is unknown.
    case reread(DocumentKey)
    /// Send the request as the client sent it, renamed and adapted for the target by the applier: an index-level change
    /// (index, mapping, settings, alias, template).
    case admin(method: String, target: String, body: [UInt8])
    /// Documents of these indices changed in ways the log cannot name: `tern validate --repair` must reconcile them.
    case repair(indices: [String], reason: String)
    /// A change this replay cannot repeat; reported so that nobody believes the target complete.
    case unsupported(String)
}
