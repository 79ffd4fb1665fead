import Foundation

/// Fresh empty folders for a test, under the system's temporary folder.
public enum ScratchFolder {
    /// A new empty folder named `prefix-<uuid>`; the caller removes it.
    public static func make(_ prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
