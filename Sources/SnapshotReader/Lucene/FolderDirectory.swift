import Foundation

/// A Lucene index in a folder on disk, such as `nodes/0/indices/<uuid>/<shard>/index` of a stopped node.
public struct FolderDirectory: LuceneDirectory {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var displayName: String { path }

    public func fileNames() throws(SnapshotReaderError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SnapshotReaderError.invalidInput(
                "\(path) is not a folder; give the Lucene index folder (the one holding segments_N files).")
        }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw SnapshotReaderError.invalidInput("Cannot list \(path): \(error.localizedDescription).")
        }
    }

    public func open(_ name: String) throws(SnapshotReaderError) -> LuceneFile {
        try LuceneFile.map(path: (path as NSString).appendingPathComponent(name), name: name)
    }
}
