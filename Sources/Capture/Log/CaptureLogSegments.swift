import Foundation
import TernCore

/// The segment files of a capture log folder, found by name.
enum CaptureLogSegments {
    /// Segment numbers present in `directory`, ascending.
    static func list(_ directory: String) throws -> [UInt64] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TernError(.captureLog, "Could not list the capture log folder \(directory): \(error.localizedDescription).")
        }
        return names.compactMap(CaptureLogFormat.segmentNumber(fileName:)).sorted()
    }

    static func path(_ directory: String, segment: UInt64) -> String {
        directory + "/" + CaptureLogFormat.fileName(segment: segment)
    }

    /// What a scan of a segment found: where its valid records end and what follows them.
    struct Scan {
        var validEnd: Int64
        var size: Int64
        var records: Int
        var maxExchange: UInt64?
        var exchangeFloor: UInt64?
        /// Why the bytes at `validEnd` are not a record; nil when the file ends there.
        var problem: String?
        /// Whether the problem is a torn tail (cut short, or only zeros follow) rather than damage followed by data.
        var tailOnly: Bool
    }

    /// Reads every record of a segment file.
    static func scan(_ file: CaptureLogFile) throws -> Scan {
        let size = try file.size()
        let header = try file.read(count: CaptureLogFormat.fileHeaderSize, at: 0)
        var result = Scan(validEnd: 0, size: size, records: 0, maxExchange: nil, exchangeFloor: nil, problem: nil, tailOnly: true)
        switch CaptureLogFormat.parseFileHeader(header) {
        case .failure(.incomplete):
            result.problem = size == 0 ? nil : "its header is incomplete"
            return result
        case .failure(.damaged(let reason)):
            result.problem = reason
            result.tailOnly = false
            return result
        case .success(let parsed):
            result.exchangeFloor = parsed.exchangeFloor
        }
        var offset = Int64(CaptureLogFormat.fileHeaderSize)
        result.validEnd = offset
        while true {
            switch try CaptureLogFormat.readFrame(in: file, at: offset, size: size) {
            case .end:
                return result
            case .record(let payload, let end):
                result.records += 1
                if let exchange = CaptureRecord.exchange(ofEncoded: payload) {
                    result.maxExchange = max(result.maxExchange ?? 0, exchange)
                }
                offset = end
                result.validEnd = end
            case .incomplete:
                result.problem = "the last record is incomplete"
                return result
            case .damaged(let reason):
                result.problem = reason
                result.tailOnly = try onlyZeros(in: file, from: offset, to: size) || lastFrameReachesEnd(file, offset, size)
                return result
            }
        }
    }

    /// Whether the bytes from `offset` to `size` are all zero: what a file system shows for an extension whose data never
    /// reached the disk.
    private static func onlyZeros(in file: CaptureLogFile, from offset: Int64, to size: Int64) throws -> Bool {
        var position = offset
        while position < size {
            let chunk = try file.read(count: Int(min(1 << 20, size - position)), at: position)
            if chunk.isEmpty { break }
            if chunk.contains(where: { $0 != 0 }) { return false }
            position += Int64(chunk.count)
        }
        return true
    }

    /// Whether a damaged frame at `offset` claims to run to (or past) the end of the file: a record whose bytes were only
    /// partly written before a crash.
    private static func lastFrameReachesEnd(_ file: CaptureLogFile, _ offset: Int64, _ size: Int64) throws -> Bool {
        let header = try file.read(count: CaptureLogFormat.frameHeaderSize, at: offset)
        guard header.count == CaptureLogFormat.frameHeaderSize, Array(header[0..<4]) == CaptureLogFormat.recordMagic else {
            return false
        }
        let length = Int64(header.littleEndian(UInt32.self, at: 4))
        return offset + Int64(CaptureLogFormat.frameHeaderSize) + length >= size
    }
}
