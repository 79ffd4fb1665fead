import Foundation
import TernCore

/// One Lucene file of a shard snapshot, as the shard's `snap-<uuid>.dat` lists it.
public struct ShardFile: Sendable, Equatable {
    /// The blob name (`__<uuid>`, or `v__<uuid>` for a virtual file whose content is `metaHash`).
    public var blobName: String
    /// The Lucene file name (`_0.cfs`, `segments_3`).
    public var physicalName: String
    public var length: Int
    /// The CRC32 from the Lucene footer, base 36.
    public var checksum: String?
    /// Bytes per part when the file was split (`.part0`, `.part1`...); nil when it was not.
    public var partSize: Int?
    /// For virtual files: the whole content.
    public var metaHash: [UInt8]?

    public var isVirtual: Bool { blobName.hasPrefix("v__") }

    /// How many `.partN` blobs hold the file.
    public var partCount: Int {
        guard let partSize, partSize > 0, length > 0 else { return 1 }
        return (length + partSize - 1) / partSize
    }

    init(json: JSONValue, in file: String) throws(SnapshotReaderError) {
        guard let blob = json["name"]?.stringValue, let physical = json["physical_name"]?.stringValue,
            let length = json["length"]?.intValue
        else {
            throw SnapshotReaderError.corrupt(file, at: 0, "a file entry without name, physical_name or length")
        }
        blobName = blob
        physicalName = physical
        self.length = Int(length)
        checksum = json["checksum"]?.stringValue
        // Long.MAX_VALUE (or no value) means "not split".
        partSize = json["part_size"]?.intValue.flatMap { $0 >= Int64(Int32.max) ? nil : Int($0) }
        metaHash = json["meta_hash"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map(Array.init)
    }
}
