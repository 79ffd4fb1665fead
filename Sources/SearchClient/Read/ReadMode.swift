/// How a live index is read.
public enum ReadMode: String, Sendable, CaseIterable {
    /// Point in time where it is cheap and slices stay stable across separately opened contexts, scroll elsewhere.
    case auto
    /// Point in time + `search_after`.
    case pit
    /// Sliced scroll: available on every version.
    case scroll
}
