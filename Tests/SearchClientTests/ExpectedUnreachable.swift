import TernCore
import Testing

/// The `TernError` `operation` fails with, checked to be one sentence with exit code 3 (unreachable); records an issue
/// when it succeeds or throws anything else.
func expectedUnreachable(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ operation: () async throws -> Void
) async -> TernError? {
    do {
        try await operation()
        Issue.record("\(what) succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as TernError {
        #expect(error.exitCode == .unreachable, "\(error.message)", sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("untranslated error \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
