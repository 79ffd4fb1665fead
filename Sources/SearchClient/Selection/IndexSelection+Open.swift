import Logging
import TernCore

extension IndexSelection {
    /// The selected indices among `indices` that are open; selected closed ones are skipped with a warning, since a
    /// closed index can be neither read nor compared.
    public func openIndices(_ indices: [IndexSummary], logger: Logger) -> [IndexSummary] {
        var open: [IndexSummary] = []
        for index in indices where selects(index.name) {
            if index.status == .close {
                logger.warning("skipping closed source index", metadata: ["index": "\(index.name)"])
            } else {
                open.append(index)
            }
        }
        return open
    }
}
