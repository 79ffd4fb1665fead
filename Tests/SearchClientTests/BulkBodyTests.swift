import Foundation
import NIOCore
import TernCore
import Testing

@testable import SearchClient

/// `_bulk` bodies as bytes: action lines, escaping, versioning, types, and sources passed through.
@Suite struct BulkBodyTests {
    private func text(_ documents: [Document], _ options: BulkBody.Options = BulkBody.Options()) -> String {
        var body = BulkBody(options: options)
        for document in documents { body.append(BulkDocument(document)) }
        #expect(body.documentCount == documents.count)
        return String(decoding: body.bytes, as: UTF8.self)
    }

    @Test func writesOneActionLineAndTheSourceBytesPerDocument() {
        let documents = [
            Document(index: "books", id: "1", source: Array(#"{"title":"Dune","year":1965}"#.utf8)),
            Document(index: "books", id: "2", routing: "shelf-7", source: Array(#"{"title":"Emma"}"#.utf8)),
        ]
        #expect(
            text(documents) == """
                {"index":{"_index":"books","_id":"1"}}
                {"title":"Dune","year":1965}
                {"index":{"_index":"books","_id":"2","routing":"shelf-7"}}
                {"title":"Emma"}

                """)
    }

    @Test func aDataStreamsWriteIsACreateWithoutAVersion() {
        let document = Document(
            index: "logs-web-default", id: "a1", seqNo: 41, source: Array(#"{"@timestamp":"2026-12-01T10:00:00Z"}"#.utf8),
            operation: .create)
        #expect(
            text([document], BulkBody.Options(versioning: .external)) == """
                {"create":{"_index":"logs-web-default","_id":"a1"}}
                {"@timestamp":"2026-12-01T10:00:00Z"}

                """)
        // A create that finds its document counts as already written, whatever the versioning.
        #expect(
            BulkScheduler.verdict(status: 409, errorType: "version_conflict_engine_exception", versioning: .none, action: "create")
                == .alreadyNewer)
        #expect(BulkScheduler.verdict(status: 409, errorType: "version_conflict_engine_exception", versioning: .none) == .permanent)
    }

    @Test func passesSourceBytesThroughUntouched() {
        // Odd spacing, escapes, numbers written in unusual ways: a decode/encode round trip would change each of them.
        let source = Array(#"{ "a" : 1.50e+2, "b":"caf\u00e9 \"q\"", "c" :[ ] ,"d":"ünï😀"}"#.utf8)
        var body = BulkBody()
        body.append(BulkDocument(Document(index: "i", id: "x", source: source)))
        let lines = body.bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(Array(lines[1]) == source)
    }

    @Test func aPageSharesOneBufferAndTheBodyIsBuiltFromItsSlices() {
        let documents = (0..<5).map {
            Document(index: "i", id: "\($0)", source: Array(#"{"n":\#($0),"s":"\#(String(repeating: "x", count: $0))"}"#.utf8))
        }
        let page = BulkDocument.page(documents)
        let pageBytes = documents.reduce(0) { $0 + $1.source.count }
        #expect(page.allSatisfy { $0.source.storageCapacity >= pageBytes }, "each source is a slice of one buffer for the page")
        #expect(page.map(\.document) == documents)
        // A re-send of some documents builds a new body from the same slices.
        let whole = BulkBody(options: BulkBody.Options(), documents: page, positions: Array(page.indices))
        let again = BulkBody(options: BulkBody.Options(), documents: page, positions: [3, 1])
        #expect(whole.documentCount == 5 && again.documentCount == 2)
        let lines = String(decoding: again.bytes, as: UTF8.self).split(separator: "\n")
        #expect(
            lines == [
                #"{"index":{"_index":"i","_id":"3"}}"#, #"{"n":3,"s":"xxx"}"#, #"{"index":{"_index":"i","_id":"1"}}"#, #"{"n":1,"s":"x"}"#,
            ])
    }

    @Test func escapesIndexIdAndRoutingAsJSON() throws {
        let document = Document(index: "in\"dex", id: "a\\b \"c\" \n\t\u{01} ünï 😀", routing: "r\"1", source: Array("{}".utf8))
        let body = text([document])
        let action = try #require(body.split(separator: "\n").first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(action.utf8)) as? [String: [String: String]])
        #expect(json["index"]?["_index"] == "in\"dex")
        #expect(json["index"]?["_id"] == "a\\b \"c\" \n\t\u{01} ünï 😀")
        #expect(json["index"]?["routing"] == "r\"1")
    }

    @Test func externalVersioningPrefersTheSeqNoThenTheVersion() {
        let options = BulkBody.Options(versioning: .external)
        let documents = [
            Document(index: "i", id: "1", seqNo: 42, primaryTerm: 3, version: 7, source: Array("{}".utf8)),
            Document(index: "i", id: "2", version: 7, source: Array("{}".utf8)),
            Document(index: "i", id: "3", source: Array("{}".utf8)),
            Document(index: "i", id: "4", seqNo: 0, source: Array("{}".utf8)),
        ]
        let lines = text(documents, options).split(separator: "\n").map(String.init)
        #expect(lines[0] == #"{"index":{"_index":"i","_id":"1","version":42,"version_type":"external"}}"#)
        #expect(lines[2] == #"{"index":{"_index":"i","_id":"2","version":7,"version_type":"external"}}"#)
        #expect(lines[4] == #"{"index":{"_index":"i","_id":"3"}}"#, "neither seq_no nor version: a plain write")
        #expect(lines[6] == #"{"index":{"_index":"i","_id":"4","version":0,"version_type":"external"}}"#)
    }

    @Test(arguments: [Int64.min, -42, -1, 0, 7, 10, 99, 1_000_000_007, Int64.max])
    func writesVersionsInDecimal(value: Int64) {
        var buffer = ByteBuffer()
        BulkBody.writeDecimal(value, to: &buffer)
        #expect(String(decoding: buffer.readableBytesView, as: UTF8.self) == String(value))
    }

    @Test func noVersionsWithoutExternalVersioning() {
        let line = text([Document(index: "i", id: "1", seqNo: 42, version: 7, source: Array("{}".utf8))]).split(separator: "\n")[0]
        #expect(line == #"{"index":{"_index":"i","_id":"1"}}"#)
    }

    @Test func typeOnlyForTargetsThatNeedIt() {
        let typed = Document(index: "i", id: "1", type: "tweet", source: Array("{}".utf8))
        let untyped = Document(index: "i", id: "2", source: Array("{}".utf8))
        let withType = text([typed, untyped], BulkBody.Options(includeType: true)).split(separator: "\n")
        #expect(withType[0] == #"{"index":{"_index":"i","_type":"tweet","_id":"1"}}"#)
        #expect(withType[2] == #"{"index":{"_index":"i","_type":"_doc","_id":"2"}}"#)
        let withoutType = text([typed]).split(separator: "\n")
        #expect(withoutType[0] == #"{"index":{"_index":"i","_id":"1"}}"#)
        #expect(BulkWriterOptions.needsType(for: ClusterVersion(.elasticsearch, SemanticVersion(6, 8, 23))))
        #expect(BulkWriterOptions.needsType(for: ClusterVersion(.elasticsearchOSS, SemanticVersion(5, 6, 0))))
        #expect(!BulkWriterOptions.needsType(for: ClusterVersion(.elasticsearch, SemanticVersion(7, 17, 0))))
        #expect(!BulkWriterOptions.needsType(for: ClusterVersion(.opensearch, SemanticVersion(1, 0, 0))))
    }

    @Test func makesPrettyPrintedSourcesSingleLine() throws {
        let pretty = "{\n  \"a\": {\n    \"b\": [1,\r\n 2]\n  },\n  \"s\": \"x y\"\n}\n"
        let body = text([Document(index: "i", id: "1", source: Array(pretty.utf8))])
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        #expect(lines[1] == #"{  "a": {    "b": [1, 2]  },  "s": "x y"}"#)
        let original = try JSONSerialization.jsonObject(with: Data(pretty.utf8)) as? NSDictionary
        let flattened = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? NSDictionary
        #expect(original == flattened)
    }

    @Test func everyLineOfALargeBodyIsJSON() throws {
        var body = BulkBody(options: BulkBody.Options(versioning: .external, includeType: true))
        for number in 0..<500 {
            body.append(
                BulkDocument(
                    Document(
                        index: "logs-\(number % 3)", id: "id-\(number)", routing: number % 2 == 0 ? "r\(number)" : nil,
                        seqNo: Int64(number), source: Array(#"{"n":\#(number),"tags":["a","b"],"nested":{"deep":{"x":"\#(number)"}}}"#.utf8)
                    )))
        }
        let lines = body.bytes.split(separator: 0x0A)
        #expect(lines.count == 1000)
        for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line)) }
        let estimated = (0..<500).reduce(0) { sum, number in
            sum
                + BulkBody.estimatedSize(
                    of: BulkDocument(
                        Document(
                            index: "logs-\(number % 3)", id: "id-\(number)", routing: number % 2 == 0 ? "r\(number)" : nil,
                            seqNo: Int64(number),
                            source: Array(#"{"n":\#(number),"tags":["a","b"],"nested":{"deep":{"x":"\#(number)"}}}"#.utf8))))
        }
        #expect(estimated >= body.bytes.count, "the estimate cuts batches: it must not undercount")
    }
}
