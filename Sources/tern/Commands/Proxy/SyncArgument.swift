import Capture
import TernCore

/// `--sync every-record | interval:MS`: when the capture log syncs to disk.
enum SyncArgument {
    /// - Throws: `TernError` (exit code 2) with the accepted forms.
    static func parse(_ text: String) throws -> CaptureLogOptions.Sync {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        if lowered == "every-record" { return .everyRecord }
        if lowered.hasPrefix("interval:"), let milliseconds = Int(lowered.dropFirst("interval:".count)), (1...60_000).contains(milliseconds)
        {
            return .interval(milliseconds: milliseconds)
        }
        throw TernError.configuration(
            "--sync '\(text)' is not a sync policy; use every-record (sync before each answer) or interval:MS with MS from 1 to 60000.")
    }
}
