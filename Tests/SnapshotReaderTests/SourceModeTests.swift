import TernCore
import Testing

@testable import SnapshotReader

/// How an index keeps `_source`, decided from assembled metadata in the shapes Elasticsearch 7-9 and OpenSearch 1-3 store.
@Suite struct SourceModeTests {
    static func mode(settings: String = "{}", mappings: String = "[]") throws -> SourceMode {
        SourceMode(settings: try JSONValue.parse(Array(settings.utf8)), mappings: try JSONValue.parse(Array(mappings.utf8)))
    }

    @Test("Stored, disabled, synthetic and filtered sources from assembled index metadata")
    func decisions() throws {
        #expect(try Self.mode() == .stored)
        #expect(try Self.mode(mappings: #"[{"_doc":{"properties":{"a":{"type":"keyword"}}}}]"#) == .stored)
        #expect(try Self.mode(mappings: #"[{"_doc":{"_source":{"enabled":false}}}]"#) == .disabled(reason: "_source.enabled: false"))
        #expect(try Self.mode(mappings: #"{"_source":{"enabled":"false"}}"#) == .disabled(reason: "_source.enabled: false"))
        #expect(try Self.mode(mappings: #"[{"_doc":{"_source":{"mode":"synthetic"}}}]"#) == .synthetic(reason: "_source.mode: synthetic"))
        #expect(try Self.mode(settings: #"{"index.mode":"logsdb"}"#) == .synthetic(reason: "index.mode: logsdb"))
        #expect(try Self.mode(settings: #"{"index":{"mode":"time_series"}}"#) == .synthetic(reason: "index.mode: time_series"))
        // The 8.17+ setting wins: a logsdb index without a synthetic-source license records "stored".
        #expect(try Self.mode(settings: #"{"index.mode":"logsdb","index.mapping.source.mode":"stored"}"#) == .stored)
        #expect(
            try Self.mode(settings: #"{"index.mapping.source.mode":"synthetic"}"#)
                == .synthetic(reason: "index.mapping.source.mode: synthetic"))
        #expect(
            try Self.mode(settings: #"{"index.mapping.source.mode":"disabled"}"#)
                == .disabled(reason: "index.mapping.source.mode: disabled"))
        #expect(
            try Self.mode(settings: #"{"index.derived_source.enabled":"true"}"#)
                == .synthetic(reason: "index.derived_source.enabled: true"))
        #expect(
            try Self.mode(mappings: #"[{"_doc":{"_source":{"excludes":["secret.*","pin"],"includes":[]}}}]"#)
                == .filtered(includes: [], excludes: ["secret.*", "pin"]))
        #expect(try Self.mode(mappings: #"[{"type1":{"_source":{"include":"a.*"}}}]"#) == .filtered(includes: ["a.*"], excludes: []))
        #expect(try Self.mode(settings: #"{"index.mode":"standard"}"#) == .stored)
    }

    @Test("Refusals and warnings say what the operator can do")
    func sentences() throws {
        #expect(SourceMode.stored.refusal(index: "a", snapshot: "s") == nil)
        let synthetic = try #require(SourceMode.synthetic(reason: "index.mode: logsdb").refusal(index: "metrics", snapshot: "nightly"))
        #expect(synthetic.hasPrefix("Index metrics in snapshot nightly has synthetic _source (index.mode: logsdb)"))
        #expect(synthetic.contains("tern backfill --source URL --index metrics") && synthetic.contains("--exclude metrics"))
        let disabled = try #require(SourceMode.disabled(reason: "_source.enabled: false").refusal(index: "raw", snapshot: "nightly"))
        #expect(disabled.contains("stores no _source") && disabled.contains("--exclude raw"))
        let warning = try #require(SourceMode.filtered(includes: [], excludes: ["secret.*"]).warning(index: "logs", snapshot: "nightly"))
        #expect(warning.contains("without secret.*"))
        #expect(SourceMode.stored.warning(index: "logs", snapshot: "nightly") == nil)
    }

    @Test("A mapping stored in binary form (DEFLATE, base64) is decoded")
    func binaryMapping() throws {
        // "DFL\0" + raw DEFLATE of {"_doc":{"_source":{"enabled":false}}}, made with Python's zlib (level 6, wbits -15).
        let encoded = "REZMAKtWik/JT1ayqlaKL84vLUpOBTFT8xKTclJTlKzSEnOKU2trawE="
        let decoded = IndexMetadata.decodeCompressedMapping(.string(encoded))
        #expect(decoded["_doc"]?.value(at: "_source.enabled")?.boolValue == false, "\(decoded)")
        #expect(IndexMetadata.decodeCompressedMapping(.string("not base64!")) == .string("not base64!"))
    }
}
