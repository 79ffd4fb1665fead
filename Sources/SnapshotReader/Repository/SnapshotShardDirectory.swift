import Foundation

/// The Lucene files of one shard in a snapshot: blobs `__<uuid>` (possibly split into `.partN`) and virtual files whose
/// content sits in the file list itself. Lengths are checked against the list when a file is opened.
public struct SnapshotShardDirectory: LuceneDirectory {
    public let storage: any RepositoryStorage
    /// The shard folder `indices/<id>/<shard>`, relative to the repository's root.
    public let folder: String
    public let files: [ShardFile]
    public let displayName: String

    public func fileNames() throws(SnapshotReaderError) -> [String] {
        files.map(\.physicalName).sorted()
    }

    public func open(_ name: String) throws(SnapshotReaderError) -> LuceneFile {
        guard let file = files.first(where: { $0.physicalName == name }) else {
            throw SnapshotReaderError.missing(name, "not in the file list of \(displayName)")
        }
        let label = "\(name) (blob \(file.blobName) of \(displayName))"
        let opened: LuceneFile
        if file.isVirtual {
            guard let content = file.metaHash else {
                throw SnapshotReaderError.corrupt(label, at: 0, "a virtual file without content")
            }
            opened = LuceneFile(name: label, data: Data(content))
        } else if file.partCount == 1 {
            opened = try storage.read("\(folder)/\(file.blobName)", name: label, expectedLength: file.length)
        } else {
            opened = try storage.readParts(
                (0..<file.partCount).map { "\(folder)/\(file.blobName).part\($0)" }, name: label, expectedLength: file.length)
        }
        guard opened.count == file.length else {
            throw SnapshotReaderError.corrupt(
                label, at: opened.count, "the blob holds \(opened.count) bytes where the file list says \(file.length)")
        }
        try verifyFooterChecksum(opened, expected: file.checksum, label: label)
        return opened
    }

    /// Compares the CRC recorded in the Lucene footer with the file list's checksum: cheap, and it catches a blob that
    /// belongs to another file. (Recomputing the CRC over the whole file is a separate, slower verification.)
    private func verifyFooterChecksum(_ file: LuceneFile, expected: String?, label: String) throws(SnapshotReaderError) {
        guard let expected, file.count >= 16 else { return }
        let stored = try file.withReader { (reader) throws(SnapshotReaderError) -> UInt64 in
            reader.offset = file.count - 8
            return UInt64(bitPattern: try reader.readBEInt64())
        }
        guard String(stored, radix: 36) == expected.lowercased() else {
            throw SnapshotReaderError.corrupt(
                label, at: file.count - 8, "its footer checksum \(String(stored, radix: 36)) differs from the file list's \(expected)")
        }
    }
}
