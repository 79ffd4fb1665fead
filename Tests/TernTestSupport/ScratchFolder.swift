import Foundation

/// Fresh empty folders for a test, all inside one folder per test process that is removed when the process exits, so
/// the folders a test forgets (state stores, spill files) do not pile up in the system's temporary folder.
public enum ScratchFolder {
    /// `tern-tests-<pid>` in the temporary folder, created on first use.
    public static let processFolder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchFolder.processFolder) }
        return folder
    }()

    /// A new empty folder named `prefix-<uuid>` inside the process folder.
    public static func make(_ prefix: String) throws -> URL {
        let folder = processFolder.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The path of a folder that does not exist yet, inside the process folder (for code that creates it).
    public static func path(_ prefix: String) -> String {
        processFolder.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    }
}
