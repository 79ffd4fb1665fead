import TernCore

extension TernError.Kind {
    /// The index (or alias) to read does not exist.
    public static let indexNotFound = TernError.Kind("index-not-found", exitCode: .failure)
    /// The scroll or point in time expired between two pages.
    public static let searchContextExpired = TernError.Kind("search-context-expired", exitCode: .failure)
    /// A read would be incomplete: shards failed, the search timed out, or documents came without `_source`.
    public static let incompleteRead = TernError.Kind("incomplete-read", exitCode: .failure)
}
