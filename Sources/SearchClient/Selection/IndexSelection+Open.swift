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

    /// The selected open indices of `client`'s cluster; none is an error that says so, since a server-side copy of
    /// nothing would otherwise report success.
    public func openIndices(of client: SearchClient, logger: Logger) async throws -> [IndexSummary] {
        let selected = openIndices(try await client.indices(), logger: logger)
        guard !selected.isEmpty else {
            throw TernError(
                .invalidArgument,
                "Nothing to copy: no open index of the \(client.displayName) matches the selection (system indices need an include starting with '.')."
            )
        }
        return selected
    }
}
