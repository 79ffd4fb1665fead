import Crypto
import TernCore
import TernTestSupport
import Testing

@testable import Validation

/// ``CanonicalJSON`` held byte for byte to ``ReferenceCanonicalJSON`` (the first implementation, kept in the tests):
/// digests are compared across versions, so every fast path must write exactly what the old code wrote, and refuse
/// exactly what it refused. Each fast path has its own cases here; seeded random and damaged documents cover the rest.
@Suite struct CanonicalJSONTests {
    /// The canonical bytes both ways, or the error each throws.
    private func expectMatchesReference(_ json: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        var reference = ReferenceCanonicalJSON()
        let expected: Result<[UInt8], JSONCursorError> = json.withUnsafeBytes { raw in
            do throws(JSONCursorError) {
                try reference.canonicalize(raw)
                return .success(reference.output)
            } catch {
                return .failure(error)
            }
        }
        var canonical = CanonicalJSON()
        let actual: Result<[UInt8], JSONCursorError> = json.withUnsafeBytes { raw in
            do throws(JSONCursorError) {
                try canonical.canonicalize(raw)
                return .success(canonical.output.array)
            } catch {
                return .failure(error)
            }
        }
        let label = String(decoding: json, as: UTF8.self).debugDescription
        #expect(actual == expected, "\(label)", sourceLocation: sourceLocation)
        // The digest is SHA-256 of those bytes, truncated.
        var canonicalizer = CanonicalDigest.Canonicalizer()
        switch expected {
        case .success(let bytes):
            let hash = Array(SHA256.hash(data: bytes))
            let high = hash[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = hash[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(
                (try? canonicalizer.digest(json)) == CanonicalDigest(high: high, low: low), "\(label)", sourceLocation: sourceLocation)
        case .failure:
            #expect(throws: TernError.self, "\(label)", sourceLocation: sourceLocation) { try canonicalizer.digest(json) }
        }
    }

    private func expectMatchesReference(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectMatchesReference(Array(json.utf8), sourceLocation: sourceLocation)
    }

    // MARK: Objects

    @Test func objectsInOrderAndOutOfOrder() {
        for json in [
            #"{}"#, #"{"a":1}"#, #"{"a":1,"b":2,"c":3}"#, #"{"c":3,"b":2,"a":1}"#, #"{"b":1,"a":2,"c":3}"#,
            #"{"a":1,"c":3,"b":2}"#, #"{"ab":1,"a":2}"#, #"{"a":1,"ab":2}"#, #"{"":1,"a":2}"#, #"{"a":2,"":1}"#,
            #"{"é":1,"z":2}"#, #"{"z":1,"é":2}"#, #"{"\u00ff":1,"\u007f":2}"#, #"{"a":1,"a":2}"#, #"{"a":2,"a":1}"#,
            #"{"b":1,"a":1,"a":2}"#, #"{"a":1,"b":2,"a":3}"#,
            #"{"z":{"y":[1,{"q":1,"p":2}],"x":null},"a":true}"#,
            #"{"a":{"b":{"d":1,"c":2},"a":[{"z":1,"y":2},{"x":{}}]},"0":[]}"#,
            #"[{"b":1,"a":2},{"a":1,"b":2},{"b":{"b":1,"a":2},"a":{"a":1,"b":2}}]"#,
            // Keys written with escapes compare by their decoded bytes.
            #"{"\u0062":1,"a":2}"#, #"{"b\n":1,"b":2,"b\u0000":3}"#, #"{"\ud800":1,"\ud83d\ude00":2,"\uffff":3}"#,
        ] {
            expectMatchesReference(json)
        }
    }

    @Test func largeObjectsInEveryOrder() {
        // More members than the insertion sort handles, in order, reversed and shuffled, with duplicates.
        let keys = (0..<40).map { "k\($0 * 7 % 40)" } + ["k3", "k3", "", "k", "k10"]
        let members = keys.enumerated().map { #""\#($1)":\#($0)"# }
        expectMatchesReference("{" + members.joined(separator: ",") + "}")
        expectMatchesReference("{" + members.sorted().joined(separator: ",") + "}")
        expectMatchesReference("{" + members.sorted().reversed().joined(separator: ",") + "}")
        let nested = members.map { #""\#($0.prefix(3).dropFirst())":{"# + members.reversed().prefix(20).joined(separator: ",") + "}" }
        expectMatchesReference("{" + nested.joined(separator: ",") + "}")
    }

    // MARK: Numbers

    @Test func integersAtAndBeyondTheMachineLimits() {
        for number in [
            "0", "-0", "1", "-1", "7", "10", "100", "1200", "-1200", "9007199254740992", "9007199254740993",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "18446744073709551615", "18446744073709551616", "-18446744073709551616", "100000000000000000000000000000",
            "123456789012345678901234567890123456789012345678901234567890",
        ] {
            expectMatchesReference(number)
            expectMatchesReference("[\(number),\(number)]")
        }
    }

    @Test func fractionsAndExponents() {
        for number in [
            "0.0", "-0.0", "0e0", "0E+5", "-0e-5", "0.000", "1.0", "1.50", "-2.50", "0.1", "0.5", "0.25", "0.001", "-0.001",
            "123.456", "1.5e3", "1.5e-3", "15e-1", "10E-1", "1e0", "1e1", "1e22", "1e23", "1e-22", "1e-23", "1.7e308",
            "1.7976931348623157e308", "1e309", "1e400", "1.5e-400", "4.9e-324", "5e-324", "2.2250738585072014e-308",
            "0.30000000000000004", "0.1000000000000000055511151231257827", "9007199254740993.5", "9007199254740992.5",
            "900719925474099.3", "9007199254740.993", "12345678901234567.5", "1234567890123456.7", "0.00000000000000000001",
            "123456789012345678901234567890.5", "1e1000000000000", "1e-1000000000000", "1.5e1000000000000",
            "1.5e-1000000000000", "100e-2", "1000e-2", "0.0001e4", "12.3400e1", "-9.87654321e-5", "3.141592653589793",
            "2.718281828459045e0", "6.02214076e23", "6.62607015e-34",
        ] {
            expectMatchesReference(number)
            expectMatchesReference(#"{"n":\#(number),"m":[\#(number)]}"#)
        }
    }

    @Test func everyShortNumber() {
        // Every digit pattern of a few places, with and without a fraction and an exponent.
        let digits = ["0", "1", "9", "10", "20", "01", "00", "12", "100", "905"]
        for integer in ["0", "1", "9", "10", "100", "120", "-0", "-3", "-40"] {
            for fraction in [""] + digits.map({ "." + $0 }) {
                for exponent in ["", "e0", "e1", "e-1", "e+2", "e-2", "E-20", "E22", "e-25", "e40"] {
                    expectMatchesReference(integer + fraction + exponent)
                }
            }
        }
    }

    // MARK: Strings

    @Test func stringsWithEscapesSurrogatesAndBadBytes() {
        for json in [
            #""""#, #""plain""#, #""é日😀""#, #""a\/b""#, #""line\nbreak \"q\" \\ \b\f\r\t""#, #""\u00e9\u0000\u001f""#,
            #""\ud83d\udc26""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800\ud800""#, #""\udc00\ud800""#,
            #""x\ud800"#, String(repeating: "\\u00e9", count: 100).debugDescription,
            "\"" + String(repeating: "long text ", count: 30) + "\\n\"",
        ] {
            expectMatchesReference(json)
            expectMatchesReference("{\(json):\(json)}")
        }
        expectMatchesReference([0x22, 0x61, 0xFF, 0x22])
        expectMatchesReference([0x22, 0xC3, 0x22])
        expectMatchesReference([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x61, 0x22, 0x3A, 0x32, 0x7D])
    }

    // MARK: Structure

    @Test func deepNesting() {
        let depth = 20_000
        expectMatchesReference(String(repeating: #"{"b":1,"a":["#, count: depth) + "1" + String(repeating: "]}", count: depth))
        expectMatchesReference(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        expectMatchesReference(String(repeating: #"{"a":"#, count: depth) + "{}" + String(repeating: "}", count: depth))
    }

    @Test func reusedAcrossDocuments() throws {
        // One canonicalizer for many documents, the way a reading task uses it: nothing of one document leaks into the
        // next, nor of one that failed halfway.
        var canonicalizer = CanonicalDigest.Canonicalizer()
        let documents = [
            #"{"b":{"d":1,"c":2},"a":[1.5,2]}"#, #"{"a":"#, #"{"z":1,"y":{"x":"#, #"[1,2]"#, #"{"a":1}"#, #"{"b":2,"a":1}"#,
        ]
        for document in documents + documents.reversed() {
            let fresh = try? CanonicalDigest(source: Array(document.utf8))
            #expect((try? canonicalizer.digest(Array(document.utf8))) == fresh, "\(document)")
        }
    }

    // MARK: Random documents

    @Test func randomDocumentsMatchTheReference() {
        var random = SplitMix(seed: 0x7E44_D16E_2026)
        for _ in 0..<3_000 {
            var text: [UInt8] = []
            appendValue(to: &text, depth: 0, random: &random)
            expectMatchesReference(text)
        }
    }

    @Test func damagedDocumentsMatchTheReference() {
        var random = SplitMix(seed: 0xDA4A_6ED0_2026)
        for _ in 0..<3_000 {
            var text: [UInt8] = []
            appendValue(to: &text, depth: 0, random: &random)
            for _ in 0...random.below(3) where !text.isEmpty {
                let index = random.below(text.count)
                switch random.below(4) {
                case 0: text[index] = Self.damageBytes[random.below(Self.damageBytes.count)]
                case 1: text.remove(at: index)
                case 2: text.insert(Self.damageBytes[random.below(Self.damageBytes.count)], at: index)
                default: text.removeSubrange(index...)
                }
            }
            expectMatchesReference(text)
        }
    }

    private static let damageBytes = Array(#"{}[]",:\-+.eE0159 "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]

    /// Appends a random JSON value, weighted towards what documents hold: objects with keys in and out of order, every
    /// shape of number, strings with and without escapes.
    private func appendValue(to text: inout [UInt8], depth: Int, random: inout SplitMix) {
        switch depth > 4 ? 2 + random.below(4) : random.below(6) {
        case 0:
            let keys = ["a", "b", "ab", "id", "name", "é", "", "z", "price", "tags", "a\\u0062", "\\ud800"]
            let count = random.below(8)
            var chosen = (0..<count).map { _ in keys[random.below(keys.count)] }
            if random.below(2) == 0 { chosen.sort() }
            text.append(UInt8(ascii: "{"))
            for (index, key) in chosen.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                text.append(contentsOf: "\"\(key)\":".utf8)
                appendValue(to: &text, depth: depth + 1, random: &random)
            }
            text.append(UInt8(ascii: "}"))
        case 1:
            text.append(UInt8(ascii: "["))
            for index in 0..<random.below(5) {
                if index > 0 { text.append(contentsOf: " , ".utf8) }
                appendValue(to: &text, depth: depth + 1, random: &random)
            }
            text.append(UInt8(ascii: "]"))
        case 2, 3:
            text.append(contentsOf: randomNumber(&random).utf8)
        case 4:
            let pieces = ["plain", " ", "é", "日本", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\u0000"]
            text.append(UInt8(ascii: "\""))
            for _ in 0..<random.below(6) { text.append(contentsOf: pieces[random.below(pieces.count)].utf8) }
            text.append(UInt8(ascii: "\""))
        default:
            text.append(contentsOf: ["null", "true", "false"][random.below(3)].utf8)
        }
    }

    private func randomNumber(_ random: inout SplitMix) -> String {
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(random.below(10)))) })
        }
        var number = random.below(3) == 0 ? "-" : ""
        // Integer part: 0, or up to 30 digits without a leading zero, sometimes ending in zeros.
        if random.below(4) == 0 {
            number += "0"
        } else {
            number += String(1 + random.below(9)) + digits(random.below([3, 8, 17, 30][random.below(4)]))
            if random.below(4) == 0 { number += String(repeating: "0", count: random.below(6)) }
        }
        if random.below(2) == 0 {
            let zeros = random.below(3) == 0 ? String(repeating: "0", count: random.below(25)) : ""
            number += "." + zeros + String(random.below(10)) + digits(random.below([2, 6, 16, 22][random.below(4)]))
            if random.below(4) == 0 { number += String(repeating: "0", count: random.below(4)) }
        }
        if random.below(3) == 0 {
            number += ["e", "E", "e+", "e-", "E-"][random.below(5)] + String(random.below([3, 25, 330, 2000][random.below(4)]))
        }
        return number
    }

    /// A small seeded generator, so a failure names a document that can be rebuilt.
    private typealias SplitMix = SeededRandom
}
