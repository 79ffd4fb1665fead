import Foundation
import TernCore
import TernTestSupport
import Testing

@testable import SearchClient

/// The scanner over recorded answer shapes (written by hand from each version's documentation, since no server of
/// those versions runs here), hostile sources, escaped ids, corrupt bytes, and random sources that must come back
/// byte for byte.
@Suite struct HitsScannerTests {
    func scan(_ text: String) throws -> HitsScanner.Page {
        try HitsScanner.scan(Array(text.utf8))
    }

    func text(_ range: Range<Int>?, in text: String) -> String? {
        range.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
    }

    // MARK: Recorded shapes

    @Test func elasticsearch56ScrollWithTypesAndRoutingUnderFields() throws {
        let answer = """
            {"_scroll_id":"DnF1ZXJ5VGhlbkZldGNoBQAAAAAAAAABFkJ4","took":3,"timed_out":false,\
            "_shards":{"total":5,"successful":5,"failed":0},\
            "hits":{"total":2,"max_score":null,"hits":[\
            {"_index":"logs-2017","_type":"event","_id":"AVx1","_version":3,"_score":null,"_routing":"tenant-7",\
            "_source":{"msg":"a"},"sort":[0]},\
            {"_index":"logs-2017","_type":"event","_id":"AVx2","_version":1,"_score":null,"fields":{"_routing":["tenant-9"]},\
            "_source":{"msg":"b"},"sort":[1]}]}}
            """
        let page = try scan(answer)
        #expect(page.scrollID == "DnF1ZXJ5VGhlbkZldGNoBQAAAAAAAAABFkJ4")
        #expect(page.total == 2)
        #expect(page.failedShards == 0 && page.timedOut == false)
        #expect(page.hits.map(\.id) == ["AVx1", "AVx2"])
        #expect(page.hits.map(\.type) == ["event", "event"])
        #expect(page.hits.map(\.routing) == ["tenant-7", "tenant-9"])
        #expect(page.hits.map(\.version) == [3, 1])
        #expect(page.hits.allSatisfy { $0.seqNo == nil && $0.primaryTerm == nil })
        #expect(text(page.hits[1].source, in: answer) == #"{"msg":"b"}"#)
        #expect(text(page.hits[1].sort, in: answer) == "[1]")
    }

    @Test func elasticsearch68ScrollWithSequenceNumbers() throws {
        let answer = """
            {
              "_scroll_id" : "DXF1ZXJ5QW5kRmV0Y2gBAAAAAAAAAD4WYm9laVYtZndUQlNsdDcwakFMNjU1QQ==",
              "took" : 1,
              "timed_out" : false,
              "_shards" : { "total" : 5, "successful" : 5, "skipped" : 0, "failed" : 0 },
              "hits" : {
                "total" : 1,
                "max_score" : null,
                "hits" : [
                  {
                    "_index" : "tweets",
                    "_type" : "_doc",
                    "_id" : "1",
                    "_version" : 2,
                    "_seq_no" : 5,
                    "_primary_term" : 1,
                    "_score" : null,
                    "_source" : {
                      "user" : "kimchy",
                      "post_date" : "2009-11-15T14:12:12"
                    },
                    "sort" : [ 0 ]
                  }
                ]
              }
            }
            """
        let page = try scan(answer)
        #expect(page.scrollID == "DXF1ZXJ5QW5kRmV0Y2gBAAAAAAAAAD4WYm9laVYtZndUQlNsdDcwakFMNjU1QQ==")
        let hit = try #require(page.hits.first)
        #expect(hit.index == "tweets" && hit.type == "_doc" && hit.id == "1")
        #expect(hit.seqNo == 5 && hit.primaryTerm == 1 && hit.version == 2)
        let source = try #require(text(hit.source, in: answer))
        #expect(source.hasPrefix("{") && source.hasSuffix("}") && source.contains(#""user" : "kimchy""#))
        #expect(text(hit.sort, in: answer) == "[ 0 ]")
    }

    @Test func elasticsearch710PointInTimeWithTotalObjectAndTiebreaker() throws {
        let answer = """
            {"pit_id":"46ToAwMDaWR4BXV1aWQxAgZub2RlXzEAAAAAAAAAAAEBYQNpZHkFdXVpZDIrBm5vZGVfMwAAAAAAAAAAKgFjA2lkeQV1dWlkMioGbm9kZV8yAAAAAAAAAAAMAWICBXV1aWQyAAAFdXVpZDEAAQltYXRjaF9hbGw_gAAAAA==",\
            "took":4,"timed_out":false,"_shards":{"total":3,"successful":3,"skipped":0,"failed":0},\
            "hits":{"total":{"value":10000,"relation":"gte"},"max_score":null,"hits":[\
            {"_index":"books","_type":"_doc","_id":"x","_version":1,"_seq_no":0,"_primary_term":1,"_score":null,\
            "_source":{"title":"Dune"},"sort":[0,"x"]}]}}
            """
        let page = try scan(answer)
        #expect(page.pitID?.hasPrefix("46ToAwMDaWR4") == true)
        #expect(page.total == 10000)
        #expect(text(page.hits.first?.sort, in: answer) == #"[0,"x"]"#)
    }

    @Test func elasticsearch8PointInTimeOpenAndSearch() throws {
        let opened = try scan(
            #"{"id":"gcSHBAEJb2JzLWluZGV4FnVVVzVTZ0J4U2dPcmFzOEFFMHRzZVEAFk5abnJQbE","_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"#
        )
        #expect(opened.id == "gcSHBAEJb2JzLWluZGV4FnVVVzVTZ0J4U2dPcmFzOEFFMHRzZVEAFk5abnJQbE")
        #expect(opened.hits.isEmpty && opened.pitID == nil)

        let answer = """
            {"pit_id":"gcSHBAEJb2JzLWluZGV4","took":2,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},\
            "hits":{"max_score":null,"hits":[{"_index":"obs-index","_id":"k1","_version":7,"_seq_no":12,"_primary_term":3,\
            "_score":null,"_source":{"a":[1,2,{"b":null}]},"sort":[4294967298]}]}}
            """
        let page = try scan(answer)
        #expect(page.total == nil)
        let hit = try #require(page.hits.first)
        #expect(hit.type == nil && hit.seqNo == 12 && hit.primaryTerm == 3 && hit.version == 7)
        #expect(text(hit.source, in: answer) == #"{"a":[1,2,{"b":null}]}"#)
        #expect(text(hit.sort, in: answer) == "[4294967298]")
    }

    @Test func openSearchPointInTimeCreationAndAlphabeticalKeys() throws {
        let created = try scan(
            #"{"pit_id":"o463QQEPbXktaW5kZXgtMDAwMDAx","_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"creation_time":1658146048666}"#
        )
        #expect(created.pitID == "o463QQEPbXktaW5kZXgtMDAwMDAx")

        // osmem-server and Jackson with sorted keys put `_id` before `_index` and `sort` last.
        let answer = """
            {"_shards":{"failed":0,"skipped":0,"successful":3,"total":3},"hits":{"hits":[{"_id":"a\\"b","_index":"t1",\
            "_primary_term":1,"_routing":"r1","_score":null,"_seq_no":0,"_source":{"x":1,"s":"he said \\"}]\\""},"_version":1,\
            "sort":[0]}],"max_score":null},"pit_id":"o_-7QQMCdDEW","timed_out":false,"took":0}
            """
        let page = try scan(answer)
        #expect(page.pitID == "o_-7QQMCdDEW")
        let hit = try #require(page.hits.first)
        #expect(hit.id == "a\"b" && hit.routing == "r1" && hit.seqNo == 0)
        #expect(text(hit.source, in: answer) == #"{"x":1,"s":"he said \"}]\""}"#)
    }

    @Test func shardFailuresAndTimeoutsAreReported() throws {
        let answer = """
            {"_scroll_id":"abc","took":1,"timed_out":true,"_shards":{"total":5,"successful":4,"skipped":0,"failed":1,\
            "failures":[{"shard":2,"index":"x","node":"n1","reason":{"type":"search_context_missing_exception",\
            "reason":"No search context found for id [34]"}}]},"hits":{"total":0,"max_score":null,"hits":[]}}
            """
        let page = try scan(answer)
        #expect(page.failedShards == 1 && page.timedOut)
        #expect(text(page.shardFailures, in: answer)?.contains("No search context found") == true)
        #expect(page.hits.isEmpty)
    }

    @Test func hitsWithoutSourceAreCountedNotDropped() throws {
        let page = try scan(
            #"{"hits":{"hits":[{"_id":"1","_source":{}},{"_id":"2"},{"_id":"3","_source":null},{"_id":"4","_source":{"a":1}}]}}"#)
        #expect(page.hits.count == 4)
        #expect(page.hitsWithoutSource == 2)
        #expect(page.hits.map { $0.source == nil } == [false, true, true, false])
    }

    // MARK: Sources and ids

    @Test(arguments: [
        #"{}"#,
        #"[]"#,
        #"{"a":{"b":{"c":[[[],[{}]],{"d":[1,[2,[3]]]}]}}}"#,
        #"{"s":"]}[{,:\"\\/\b\f\n\r\t\u0000\u00e9\ud83d\ude00"}"#,
        #"{"brackets":"{{{[[[","quote":"\"","backslash":"\\","tail":"\\\\"}"#,
        #"{"n":[0,-0,1,-1,1.5,-0.25,1e10,1E-10,2.5e+3,-9223372036854775808,123456789012345678901234567890]}"#,
        #"{"t":true,"f":false,"z":null,"u":"日本語 – ü 🎉"}"#,
        "{ \"spaced\" :\n\t[ 1 , { \"k\" : \"v\" } ] \r\n}",
        #""a bare string source""#,
        "42",
    ])
    func nastySourcesComeBackByteForByte(source: String) throws {
        let answer = #"{"hits":{"total":1,"hits":[{"_index":"i","_id":"x","_source":"# + source + #","sort":[1]}]}}"#
        let page = try scan(answer)
        #expect(text(page.hits.first?.source, in: answer) == source)
        #expect(text(page.hits.first?.sort, in: answer) == "[1]")
    }

    @Test func escapedIdsRoutingAndIndexAreUnescaped() throws {
        let answer = #"""
            {"hits":{"hits":[{"_index":"logs\u002d1","_id":"a\"b\\c\/d\u00e9\ud83d\ude00\n\t","_routing":"\u0072\u006f\u0075te","_source":{}}]}}
            """#
        let hit = try #require(try scan(answer).hits.first)
        #expect(hit.id == "a\"b\\c/dé😀\n\t")
        #expect(hit.routing == "route")
        #expect(hit.index == "logs-1")
    }

    @Test func escapedKeyNamesAreRecognised() throws {
        let hit = try #require(try scan(#"{"hits":{"hits":[{"\u005fid":"1","_sour\u0063e":{"a":1}}]}}"#).hits.first)
        #expect(hit.id == "1" && hit.source != nil)
    }

    // MARK: Corrupt input

    @Test(arguments: [
        "",
        "   ",
        "[]",
        "{",
        #"{"hits":{"hits":[{"_id":"1","_source":{]}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a":1,}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a" 1}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a":tru}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a":01}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a":1.}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a":-}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a":"\x"}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{"a":"\u12"}}]}}"#,
        "{\"hits\":{\"hits\":[{\"_id\":\"1\",\"_source\":{\"a\":\"raw\ncontrol\"}}]}}",
        #"{"hits":{"hits":[{"_id":"\ud800","_source":{}}]}}"#,
        #"{"hits":{"hits":[{"_id":"\udc00x","_source":{}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_seq_no":1.5,"_source":{}}]}}"#,
        #"{"hits":{"hits":[{"_id":"1","_version":99999999999999999999,"_source":{}}]}}"#,
        #"{"hits":{"hits":[{"_id":7,"_source":{}}]}}"#,
        #"{"hits":{"hits":{}}}"#,
        #"{"hits":{"total":1}} trailing"#,
        #"{"hits":{"hits":[{"_id":"1","_source":{}}]}"#,
    ])
    func corruptAnswersThrow(answer: String) {
        #expect(throws: HitsScanner.Failure.self) { try scan(answer) }
    }

    @Test func invalidUTF8InAnIdThrows() {
        var bytes = Array(#"{"hits":{"hits":[{"_id":"ab","_source":{}}]}}"#.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "b"))!] = 0xFF
        #expect(throws: HitsScanner.Failure.self) { try HitsScanner.scan(bytes) }
    }

    @Test func everyTruncationThrows() throws {
        let answer = Array(
            #"{"_scroll_id":"s","hits":{"total":{"value":2},"hits":[{"_id":"a\"\\","_source":{"x":[1,{"y":"}]"}]},"sort":[1]},{"_id":"b","_source":"z"}]}}"#
                .utf8)
        #expect(try HitsScanner.scan(answer).hits.count == 2)
        for length in 0..<answer.count {
            #expect(throws: HitsScanner.Failure.self, "prefix of \(length) bytes") { try HitsScanner.scan(Array(answer[..<length])) }
        }
    }

    @Test func randomByteDamageNeverCrashes() {
        var generator = ScannerFuzzRandom(seed: 7)
        let answer = Array(
            #"{"pit_id":"p","hits":{"hits":[{"_id":"a","_routing":"r","_seq_no":3,"_source":{"x":[1,2.5,"q\"]",{"y":null}]},"sort":[1,"a"]}]}}"#
                .utf8)
        for _ in 0..<5_000 {
            var damaged = answer
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<damaged.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: damaged[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: damaged.remove(at: position)
                default: damaged.insert(Array(#"{}[]",:\ -0e"#.utf8).randomElement(using: &generator)!, at: position)
                }
            }
            if let page = try? HitsScanner.scan(damaged) {
                for hit in page.hits {
                    for range in [hit.source, hit.sort].compactMap({ $0 }) { #expect(range.upperBound <= damaged.count) }
                }
            }
        }
    }

    // MARK: Property: random sources

    @Test func randomSourcesComeBackExactly() throws {
        var generator = ScannerFuzzRandom(seed: 2024)
        for round in 0..<300 {
            var sources: [String] = []
            var ids: [String] = []
            var answer = #"{"_scroll_id":"s\#(round)","took":1,"hits":{"total":{"value":9,"relation":"eq"},"hits":["#
            let count = Int.random(in: 0...6, using: &generator)
            for index in 0..<count {
                let source = RandomJSON.object(depth: 0, using: &generator)
                let id = RandomJSON.string(using: &generator)
                sources.append(source)
                ids.append(id)
                let members = [
                    #""_index":"idx""#, #""_id":\#(RandomJSON.encode(id, using: &generator))"#, #""_version":\#(index + 1)"#,
                    #""_source":\#(source)"#, #""sort":[\#(index)]"#, #""_score":null"#,
                ].shuffled(using: &generator)
                answer += (index > 0 ? "," : "") + "{" + members.joined(separator: RandomJSON.whitespace(using: &generator) + ",") + "}"
            }
            answer += "]}}"
            let page = try scan(answer)
            #expect(page.hits.count == count)
            #expect(page.hits.map { text($0.source, in: answer) } == sources)
            #expect(page.hits.map(\.id) == ids)
            #expect(page.hits.map(\.version) == (0..<count).map { Int64($0 + 1) })
        }
    }

    /// An ndjson export line is read as one hit on its own; the offsets are the line's.
    @Test func oneHitOnItsOwn() throws {
        let line = Array(#" {"_index":"i","_id":"a\"b","fields":{"_routing":["r"]},"_seq_no":4,"_source":{"x":[1,"]"]}} "#.utf8)
        let hit = try line.withUnsafeBytes { try HitsScanner.scanHit($0) }
        #expect(hit.index == "i" && hit.id == "a\"b" && hit.routing == "r" && hit.seqNo == 4)
        #expect(hit.source.map { String(decoding: line[$0], as: UTF8.self) } == #"{"x":[1,"]"]}"#)
        for bad in [#"{"_id":"1"} {"_id":"2"}"#, #"{"_id":"1","_source":{"a":01}}"#, "[]", "", #"{"_id":"1""#] {
            #expect(throws: HitsScanner.Failure.self, "\(bad)") { try Array(bad.utf8).withUnsafeBytes { try HitsScanner.scanHit($0) } }
        }
    }

    @Test func failuresNameTheirOffset() {
        let answer = #"{"hits":{"hits":[{"_id":"1","_source":{"a":01}}]}}"#
        #expect(throws: HitsScanner.Failure(offset: 43, reason: "leading zero in a number")) { try scan(answer) }
        #expect("\(HitsScanner.Failure(offset: 42, reason: "leading zero in a number"))" == "leading zero in a number at byte 42")
    }

    @Test func singleObjectCheck() {
        #expect(HitsScanner.isSingleObject(Array(#" {"term":{"status":"active"}} "#.utf8)))
        #expect(!HitsScanner.isSingleObject(Array(#"{"term":1} {}"#.utf8)))
        #expect(!HitsScanner.isSingleObject(Array(#"["term"]"#.utf8)))
        #expect(!HitsScanner.isSingleObject(Array(#"{"term":"#.utf8)))
        #expect(!HitsScanner.isSingleObject([]))
    }
}

/// A small deterministic generator so failures reproduce.
private typealias ScannerFuzzRandom = SeededRandom

/// Random JSON text with the awkward parts real sources have: escapes, brackets in strings, deep nesting, odd numbers.
private enum RandomJSON {
    static func value(depth: Int, using generator: inout ScannerFuzzRandom) -> String {
        let choice = Int.random(in: 0..<(depth > 4 ? 5 : 7), using: &generator)
        switch choice {
        case 0: return encode(string(using: &generator), using: &generator)
        case 1: return number(using: &generator)
        case 2: return ["true", "false", "null"].randomElement(using: &generator)!
        case 3: return encode(["]", "}", "[{", "\"", "\\", ",:"].randomElement(using: &generator)!, using: &generator)
        case 4: return number(using: &generator)
        case 5: return object(depth: depth + 1, using: &generator)
        default:
            let elements = (0..<Int.random(in: 0...4, using: &generator)).map { _ in value(depth: depth + 1, using: &generator) }
            return "[" + elements.joined(separator: whitespace(using: &generator) + "," + whitespace(using: &generator)) + "]"
        }
    }

    static func object(depth: Int, using generator: inout ScannerFuzzRandom) -> String {
        let members = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
            encode(string(using: &generator), using: &generator) + whitespace(using: &generator) + ":"
                + whitespace(using: &generator) + value(depth: depth + 1, using: &generator)
        }
        return "{" + whitespace(using: &generator) + members.joined(separator: ",") + whitespace(using: &generator) + "}"
    }

    static func string(using generator: inout ScannerFuzzRandom) -> String {
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "{", "}", "[", "]", ",", ":", "\n", "\t", "\u{01}", "é", "日", "😀", "\u{FFFF}",
        ]
        return String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// `text` as a JSON string, escaping at random: sometimes `\uXXXX` (surrogate pairs beyond the BMP), sometimes raw.
    static func encode(_ text: String, using generator: inout ScannerFuzzRandom) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            if mustEscape || Int.random(in: 0..<4, using: &generator) == 0 {
                if !mustEscape || Bool.random(using: &generator) {
                    for unit in String(scalar).utf16 { result += String(format: "\\u%04x", unit) }
                } else {
                    switch scalar {
                    case "\"": result += "\\\""
                    case "\\": result += "\\\\"
                    case "\n": result += "\\n"
                    case "\t": result += "\\t"
                    default: result += String(format: "\\u%04X", scalar.value)
                    }
                }
            } else if scalar == "/" && Bool.random(using: &generator) {
                result += "\\/"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func number(using generator: inout ScannerFuzzRandom) -> String {
        [
            "0", "-0", "7", "-12", "3.25", "-0.5", "1e3", "2E-7", "6.02e+23", "123456789012345678901234567890",
            String(Int64.random(in: .min ... .max, using: &generator)), String(Double.random(in: -1e6...1e6, using: &generator)),
        ].randomElement(using: &generator)!
    }

    static func whitespace(using generator: inout ScannerFuzzRandom) -> String {
        ["", "", " ", "\n  ", "\t", "\r\n"].randomElement(using: &generator)!
    }
}
