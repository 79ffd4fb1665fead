import Foundation

/// A repository in a folder: an `fs` repository's `location`, or a copy of a bucket's contents. Blobs are memory-mapped.
public struct FolderStorage: RepositoryStorage {
    public let path: String

    /// - Throws: when `path` is not a folder.
    public init(path: String) throws(SnapshotReaderError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SnapshotReaderError.invalidInput(
                "\(path) is not a folder; give the root folder of an fs snapshot repository (the one holding index-N files), or an s3://, gs:// or azure:// URL."
            )
        }
        self.path = path
    }

    public var location: String { path }

    public func read(_ relative: String, name: String, expectedLength: Int?) throws(SnapshotReaderError) -> LuceneFile {
        try LuceneFile.map(path: absolute(relative), name: name)
    }

    public func blobExists(_ relative: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: absolute(relative), isDirectory: &isFolder) && !isFolder.boolValue
    }

    public func folderExists(_ relative: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: absolute(relative), isDirectory: &isFolder) && isFolder.boolValue
    }

    public func list(_ relative: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: absolute(relative))) ?? []
    }

    private func absolute(_ relative: String) -> String {
        relative.isEmpty ? path : (path as NSString).appendingPathComponent(relative)
    }
}
