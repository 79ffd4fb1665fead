import Foundation

@testable import Capture

/// A fresh folder under the system's temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-capture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func segmentPath(_ segment: UInt64) -> String { path + "/" + CaptureLogFormat.fileName(segment: segment) }

    func size(of segment: UInt64) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: segmentPath(segment))[.size] as? NSNumber)?.intValue ?? -1
    }
}

enum Records {
    static func request(_ exchange: UInt64, body size: Int = 40) -> CaptureRecord {
        .request(
            exchange: exchange, timestampMillis: 1_700_000_000_000 + Int64(exchange % 1000), method: "PUT",
            target: "/books/_doc/\(exchange)?refresh=false", headers: [CaptureHeader(name: "content-type", value: "application/json")],
            body: Array(#"{"title":"book \#(exchange)","pad":"\#(String(repeating: "x", count: size))"}"#.utf8))
    }

    static func response(_ exchange: UInt64) -> CaptureRecord {
        .response(
            exchange: exchange, timestampMillis: 1_700_000_000_001, status: 201,
            body: Array(
                #"{"_index":"books","_id":"\#(exchange)","_version":1,"result":"created","_seq_no":\#(exchange),"_primary_term":1}"#.utf8))
    }
}

extension CaptureLogReader {
    /// Every record from where the reader stands, as a follower sees them now.
    func records() throws -> [CaptureRecord] {
        var records: [CaptureRecord] = []
        while let entry = try next() { records.append(entry.record) }
        return records
    }
}
