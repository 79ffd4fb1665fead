import TernCore
import Testing

@testable import Validation

@Suite struct CanonicalDigestTests {
    private func digest(_ json: String) throws -> CanonicalDigest {
        try CanonicalDigest(source: Array(json.utf8))
    }

    private func expectSame(_ left: String, _ right: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try digest(left) == digest(right), "\(left) vs \(right)", sourceLocation: sourceLocation)
    }

    private func expectDifferent(_ left: String, _ right: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try digest(left) != digest(right), "\(left) vs \(right)", sourceLocation: sourceLocation)
    }

    @Test func keyOrderDoesNotMatter() throws {
        try expectSame(#"{"a":1,"b":2}"#, #"{"b":2,"a":1}"#)
        try expectSame(
            #"{"z":{"y":[1,{"q":1,"p":2}],"x":null},"a":true}"#,
            #" { "a" : true , "z" : { "x" : null , "y" : [ 1 , { "p" : 2 , "q" : 1 } ] } } "#)
        try expectSame(#"{"b":1,"a":2,"é":3,"ab":4}"#, #"{"ab":4,"é":3,"a":2,"b":1}"#)
    }

    @Test func numberFormsAreNormalised() throws {
        try expectSame(#"{"n":1}"#, #"{"n":1.0}"#)
        try expectSame(#"{"n":1}"#, #"{"n":1e0}"#)
        try expectSame(#"{"n":1}"#, #"{"n":10E-1}"#)
        try expectSame(#"{"n":1500}"#, #"{"n":1.5e3}"#)
        try expectSame(#"{"n":0}"#, #"{"n":-0.0}"#)
        try expectSame(#"{"n":1.5}"#, #"{"n":15e-1}"#)
        try expectSame(#"{"n":0.1}"#, #"{"n":0.1000000000000000055511151231257827}"#)
        try expectSame(#"{"n":-2.50}"#, #"{"n":-25E-1}"#)
        try expectDifferent(#"{"n":1}"#, #"{"n":2}"#)
        try expectDifferent(#"{"n":1}"#, #"{"n":-1}"#)
        try expectDifferent(#"{"n":1}"#, #"{"n":"1"}"#)
        try expectDifferent(#"{"n":1.5}"#, #"{"n":1.25}"#)
    }

    @Test func largeIntegersStayExact() throws {
        try expectDifferent(#"{"n":9007199254740993}"#, #"{"n":9007199254740992}"#)
        try expectSame(#"{"n":9007199254740993}"#, #"{"n":9007199254740993.0}"#)
        try expectSame(#"{"n":123456789012345678901234567890}"#, #"{"n":1.2345678901234567890123456789e29}"#)
        try expectDifferent(#"{"n":123456789012345678901234567890}"#, #"{"n":123456789012345678901234567891}"#)
    }

    @Test func stringsCompareUnescaped() throws {
        try expectSame(#"{"s":"\u00e9"}"#, #"{"s":"é"}"#)
        try expectSame(#"{"s":"a\/b"}"#, #"{"s":"a/b"}"#)
        try expectSame(#"{"s":"\ud83d\udc26"}"#, #"{"s":"🐦"}"#)
        try expectSame(#"{"s":"line\nbreak \"q\""}"#, #"{"s":"line\u000abreak \u0022q\u0022"}"#)
        try expectSame(#"{"\u0061":1}"#, #"{"a":1}"#)
        try expectDifferent(#"{"s":"é"}"#, #"{"s":"e\u0301"}"#)
        try expectDifferent(#"{"s":"a"}"#, #"{"s":"A"}"#)
    }

    @Test func nestedChangesAreDetected() throws {
        let base = #"{"customer":{"name":"Ann","address":{"city":"Oslo","zip":"0150"}},"lines":[{"sku":"x","qty":2},{"sku":"y","qty":1}]}"#
        try expectSame(base, base)
        try expectDifferent(base, base.replacingOccurrences(of: "Oslo", with: "Bergen"))
        try expectDifferent(base, base.replacingOccurrences(of: #""qty":1"#, with: #""qty":3"#))
        try expectDifferent(
            base, #"{"customer":{"name":"Ann","address":{"city":"Oslo","zip":"0150"}},"lines":[{"sku":"y","qty":1},{"sku":"x","qty":2}]}"#)
        try expectDifferent(base, #"{"customer":{"name":"Ann","address":{"city":"Oslo","zip":"0150"}},"lines":[{"sku":"x","qty":2}]}"#)
        try expectDifferent(
            base,
            #"{"customer":{"name":"Ann","address":{"city":"Oslo","zip":"0150","extra":null}},"lines":[{"sku":"x","qty":2},{"sku":"y","qty":1}]}"#
        )
    }

    @Test func arrayOrderMatters() throws {
        try expectDifferent(#"{"tags":["a","b"]}"#, #"{"tags":["b","a"]}"#)
        try expectDifferent(#"{"m":[[1,2],[3]]}"#, #"{"m":[[1],[2,3]]}"#)
        try expectDifferent(#"{"a":[]}"#, #"{"a":{}}"#)
        try expectDifferent(#"{"a":[null]}"#, #"{"a":[]}"#)
    }

    @Test func structureIsUnambiguous() throws {
        // Moving bytes between a key and a value, or between strings, changes the digest.
        try expectDifferent(#"{"ab":"c"}"#, #"{"a":"bc"}"#)
        try expectDifferent(#"["ab","c"]"#, #"["a","bc"]"#)
        try expectDifferent(#"{"a":{"b":1},"c":2}"#, #"{"a":{"b":1,"c":2}}"#)
    }

    @Test func duplicateKeysAreDeterministic() throws {
        try expectSame(#"{"b":1,"a":1,"a":2}"#, #"{"a":1,"a":2,"b":1}"#)
    }

    @Test func deepNestingDoesNotExhaustTheStack() throws {
        let depth = 100_000
        let deep = String(repeating: #"{"a":["#, count: depth) + "1" + String(repeating: "]}", count: depth)
        _ = try digest(deep)
    }

    @Test func malformedSourcesAreRefused() throws {
        for bad in [
            #"{"a":1"#, #"{"a":}"#, #"{"a":01}"#, #"{"a":1,}"#, #"[1 2]"#, "", #"{"a":"\x"}"#, #"{"a":1} x"#, #"{"a":tru}"#, #"{"a":-}"#,
            #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, "{\"a\":\"raw\u{01}control\"}",
        ] {
            #expect(throws: TernError.self, "\(bad)") { try digest(bad) }
        }
    }

    /// Digests are compared across runs and versions: the canonical form must not drift. These were computed by the
    /// canonicaliser before it moved onto `JSONCursor`.
    @Test func digestsStayAsTheyWere() throws {
        let pinned = [
            #"{"b":[1,2.5,-0,1e3,"x\u00e9\ud83d\ude00"],"a":{"z":null,"y":true,"x":false},"c":"line\nbreak"}"#:
                "9998a23d1b96886f599f661099917a96",
            #"{"s":"\ud800 lone \udc00","n":123456789012345678901234567890,"d":0.1,"e":-2.50E+2}"#: "61cde0395f7990f5554d644d11f8474c",
            #"[{"k":"v"},{"k":"v","a":[]},"é日😀",9007199254740993]"#: "8fd59a08a41cfe1ea1e98c15218f6ffd",
        ]
        for (source, digest) in pinned {
            #expect(try self.digest(source).description == digest, "\(source)")
        }
    }

    @Test func loneSurrogatesAndBadBytesAreKeptAsTheyAre() throws {
        try expectDifferent(#"{"s":"\ud800"}"#, #"{"s":"\udc00"}"#)
        try expectDifferent(#"{"s":"\ud800"}"#, #"{"s":"\ufffd"}"#)
        try expectSame(#"{"s":"\ud800\u0041"}"#, #"{"s":"\uD800A"}"#)
        var canonicalizer = CanonicalDigest.Canonicalizer()
        let bad = try canonicalizer.canonicalBytes([0x22, 0x61, 0xFF, 0x22])
        #expect(bad == [UInt8(ascii: "S"), 2, 0x61, 0xFF])
        #expect(try canonicalizer.canonicalBytes(Array(#""\ud800""#.utf8)) == [UInt8(ascii: "S"), 3, 0xED, 0xA0, 0x80])
    }

    @Test func descriptionIsThirtyTwoHexDigits() throws {
        let text = try digest(#"{"a":1}"#).description
        #expect(text.count == 32)
        #expect(CanonicalDigest(high: 1, low: 2).description == "00000000000000010000000000000002")
    }
}
