import Foundation
import TernCore
import Testing

@testable import Capture

@Suite struct CaptureRecordEncodingTests {
    @Test func requestRoundTrips() throws {
        let record = CaptureRecord.request(
            exchange: 1_734_000_000_123_456, timestampMillis: 1_734_000_000_123, method: "POST", target: "/_bulk?routing=ü&pipeline=p",
            headers: [
                CaptureHeader(name: "Content-Type", value: "application/x-ndjson"), CaptureHeader(name: "Content-Encoding", value: "gzip"),
            ],
            body: Array((0..<300).map { UInt8($0 % 256) }))
        let decoded = try CaptureRecord(encoded: record.encoded())
        #expect(decoded == record)
        #expect(decoded.header("content-encoding") == "gzip")
    }

    @Test func responseRoundTripsIncludingUnknownOutcome() throws {
        for status in [0, 200, 201, 404, 409, 503] {
            let record = CaptureRecord.response(exchange: 7, timestampMillis: -1, status: status, body: Array("{}".utf8))
            #expect(try CaptureRecord(encoded: record.encoded()) == record)
        }
        let empty = CaptureRecord.response(exchange: 0, timestampMillis: 0, status: 0)
        #expect(try CaptureRecord(encoded: empty.encoded()) == empty)
    }

    @Test func credentialsNeverReachTheLog() throws {
        var record = CaptureRecord.request(
            exchange: 1, timestampMillis: 0, method: "PUT", target: "/a/_doc/1",
            headers: [
                CaptureHeader(name: "Authorization", value: "Basic c2VjcmV0"),
                CaptureHeader(name: "content-type", value: "application/json"),
            ])
        #expect(record.headers.map(\.name) == ["content-type"])
        record.headers.append(CaptureHeader(name: "authorization", value: "Bearer secret"))
        let bytes = record.encoded()
        #expect(!String(decoding: bytes, as: UTF8.self).contains("secret"))
        #expect(try CaptureRecord(encoded: bytes).headers.map(\.name) == ["content-type"])
    }

    @Test func truncatedOrUnknownBytesDoNotDecode() throws {
        let bytes = Records.request(5).encoded()
        for cut in [0, 1, 9, 20, bytes.count - 1] {
            #expect(throws: TernError.self) { try CaptureRecord(encoded: Array(bytes[0..<cut])) }
        }
        var newer = bytes
        newer[0] = 9
        let error = #expect(throws: TernError.self) { try CaptureRecord(encoded: newer) }
        #expect(error?.message.contains("version 9") == true)
    }

    @Test func positionsOrderAndEncode() throws {
        let positions = [
            CapturePosition(segment: 2, offset: 10), CapturePosition(segment: 1, offset: 900), CapturePosition(segment: 2, offset: 5),
        ]
        #expect(positions.sorted().map(\.offset) == [900, 5, 10])
        let json = try JSONEncoder().encode(positions[0])
        #expect(try JSONDecoder().decode(CapturePosition.self, from: json) == positions[0])
        #expect(positions[0].description == "segment-00000000000000000002.tcl@10")
    }
}
