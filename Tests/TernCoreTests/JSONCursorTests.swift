import Foundation
import Testing

@testable import TernCore

/// The cursor's grammar (RFC 8259), its string decoding options and its errors, case by case; `JSONCursorFuzzTests`
/// compares it with Foundation on random and damaged input.
@Suite struct JSONCursorTests {
    private func withCursor<T>(
        _ text: String, options: JSONCursor.Options = .strict, _ body: (inout JSONCursor) throws -> T
    ) throws -> T {
        try Array(text.utf8).withUnsafeBytes { raw in
            var cursor = JSONCursor(raw, options: options)
            return try body(&cursor)
        }
    }

    /// The error `body` throws on `text`.
    private func failure(_ text: String, _ body: (inout JSONCursor) throws -> Void) -> JSONCursorError? {
        do {
            try withCursor(text, body)
            return nil
        } catch let error as JSONCursorError {
            return error
        } catch {
            Issue.record("not a JSONCursorError: \(error)")
            return nil
        }
    }

    private func skipsWhole(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { JSONCursor.isSingleValue($0) }
    }

    // MARK: Bytes

    /// The 8-bytes-at-a-time test agrees with looking at each byte, for every special byte at every position among
    /// plain ASCII and UTF-8 bytes.
    @Test func wordScanFindsEverySpecialByte() {
        let plain: [UInt8] = [0x20, 0x41, 0x7E, 0x80, 0xC3, 0xFF, 0x21, 0x23, 0x5B, 0x5D]
        let special: [UInt8] = [0x22, 0x5C] + Array(0x00..<0x20)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = (0..<8).map { _ in plain.randomElement(using: &generator)! }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(!JSONCursor.hasSpecialByte(word), "\(bytes)")
            for position in 0..<8 {
                let saved = bytes[position]
                bytes[position] = special.randomElement(using: &generator)!
                let marked = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(JSONCursor.hasSpecialByte(marked), "\(bytes)")
                bytes[position] = saved
            }
        }
    }

    // MARK: Numbers

    @Test(arguments: [
        "0", "-0", "7", "-12", "10", "3.25", "-0.5", "0.0", "1e3", "1E3", "2e-7", "6.02e+23", "1.5E-300",
        "123456789012345678901234567890", "-9223372036854775809",
    ])
    func validNumbers(text: String) throws {
        let number = try withCursor(text) { cursor in
            let number = try cursor.scanNumber()
            try cursor.expectEnd()
            return number
        }
        #expect(number.range == 0..<text.utf8.count)
        #expect(number.isNegative == text.hasPrefix("-"))
        #expect(skipsWhole(text))
    }

    @Test func numberParts() throws {
        let number = try withCursor("-120.50e-7") { try $0.scanNumber() }
        #expect(number.isNegative && number.integer == 1..<4 && number.fraction == 5..<7)
        #expect(number.exponent == 9..<10 && number.exponentIsNegative)
        let plain = try withCursor("42") { try $0.scanNumber() }
        #expect(plain.fraction.isEmpty && plain.exponent.isEmpty && !plain.exponentIsNegative)
    }

    /// RFC 8259 numbers and nothing else: the three scanners this cursor replaced disagreed on `01`.
    @Test(arguments: [
        ("01", 0, "leading zero in a number"), ("-01", 0, "leading zero in a number"), ("00", 0, "leading zero in a number"),
        ("-", 1, "malformed number"), ("1.", 2, "malformed number"), ("1.e5", 2, "malformed number"),
        ("1e", 2, "malformed number"), ("1e+", 3, "malformed number"), ("-x", 1, "malformed number"),
        ("1.5.5", 3, "unexpected bytes after the value"), ("12a", 2, "unexpected bytes after the value"),
        ("+1", 0, "expected a JSON value"), (".5", 0, "expected a JSON value"), ("NaN", 0, "expected a JSON value"),
        ("Infinity", 0, "expected a JSON value"), ("0x10", 1, "unexpected bytes after the value"),
    ])
    func invalidNumbers(text: String, offset: Int, reason: String) {
        let error = failure(text) { cursor in
            try cursor.skipValue()
            try cursor.expectEnd()
        }
        #expect(error == JSONCursorError(offset: offset, reason: reason))
        #expect(!skipsWhole("[\(text)]"))
    }

    @Test func integers() throws {
        for (text, value) in [
            ("0", Int64(0)), ("-0", 0), ("42", 42), (" 7", 7), ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ] {
            #expect(try withCursor(text) { try $0.readInt64() } == value, "\(text)")
        }
        for (text, reason) in [
            ("9223372036854775808", "integer out of range"), ("-9223372036854775809", "integer out of range"),
            ("99999999999999999999999", "integer out of range"), ("1.0", "expected an integer"), ("1e2", "expected an integer"),
            ("01", "leading zero in a number"), ("-", "expected an integer"), ("\"1\"", "expected an integer"),
            ("", "expected an integer"),
        ] {
            // The error names the number's first byte, and the cursor stays there.
            let error = failure(text) { cursor in
                do {
                    _ = try cursor.readInt64()
                } catch {
                    #expect(cursor.position == 0, "\(text)")
                    throw error
                }
            }
            #expect(error == JSONCursorError(offset: 0, reason: reason), "\(text)")
        }
        #expect(try withCursor("null") { try $0.readOptionalInt64() } == nil)
    }

    // MARK: Strings

    @Test func escapesAreResolved() throws {
        let text = try withCursor(#""a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\u00E9\ud83d\ude00 é日😀""#) { try $0.readString() }
        #expect(text == "a\"b\\c/d\u{08}\u{0C}\n\r\t\u{00}éé😀 é日😀")
        #expect(try withCursor(#""plain""#) { try $0.readString() } == "plain")
        #expect(try withCursor("null") { try $0.readOptionalString() } == nil)
    }

    @Test(arguments: [
        (#""abc"#, 4, "unterminated string"), (#""ab\"#, 4, "unterminated string"), (#""\x""#, 1, "invalid escape sequence"),
        (#""\u12""#, 5, "invalid \\u escape"), (#""\u12"#, 5, "unterminated \\u escape"), (#""\uZZZZ""#, 3, "invalid \\u escape"),
        ("\"a\u{01}b\"", 2, "control character inside a string"), ("\"a\nb\"", 2, "control character inside a string"),
        ("\"a\tb\"", 2, "control character inside a string"), ("\"\u{1F}\"", 1, "control character inside a string"),
    ])
    func badStrings(text: String, offset: Int, reason: String) {
        #expect(failure(text) { try $0.skipValue() } == JSONCursorError(offset: offset, reason: reason))
    }

    @Test func controlCharactersAfterLongRunsAreFound() {
        // Past the 8-byte steps: a control character at every position of a long string.
        for position in 0..<40 {
            var bytes = Array(repeating: UInt8(ascii: "a"), count: 40)
            bytes[position] = 0x0A
            let text = "\"" + String(decoding: bytes, as: UTF8.self) + "\""
            #expect(
                failure(text) { try $0.skipValue() } == JSONCursorError(offset: position + 1, reason: "control character inside a string"))
        }
    }

    @Test func loneSurrogatesFollowTheOption() throws {
        let cases: [(text: String, offset: Int, replaced: String, kept: [UInt8])] = [
            (#""x\ud800y""#, 2, "x\u{FFFD}y", [0x78, 0xED, 0xA0, 0x80, 0x79]),
            (#""\udc00""#, 1, "\u{FFFD}", [0xED, 0xB0, 0x80]),
            (#""\ud800\ud800\udc00""#, 1, "\u{FFFD}\u{10000}", [0xED, 0xA0, 0x80, 0xF0, 0x90, 0x80, 0x80]),
            (#""\ud83d\u0041""#, 1, "\u{FFFD}A", [0xED, 0xA0, 0xBD, 0x41]),
            (#""\ud83d""#, 1, "\u{FFFD}", [0xED, 0xA0, 0xBD]),
        ]
        for (text, offset, replaced, kept) in cases {
            #expect(failure(text) { _ = try $0.readString() } == JSONCursorError(offset: offset, reason: "lone surrogate in a \\u escape"))
            let replace = JSONCursor.Options(loneSurrogates: .replace, invalidUTF8: .reject)
            #expect(try withCursor(text, options: replace) { try $0.readString() } == replaced, "\(text)")
            let keep = JSONCursor.Options(loneSurrogates: .keep, invalidUTF8: .reject)
            let bytes = try withCursor(text, options: keep) { cursor in
                var output: [UInt8] = []
                try cursor.decodeString(try cursor.scanString(), into: &output)
                return output
            }
            #expect(bytes == kept, "\(text)")
            // A String cannot hold a surrogate: kept ones are replaced there.
            #expect(try withCursor(text, options: keep) { try $0.readString() } == replaced, "\(text)")
            // Skipping never decodes.
            #expect(skipsWhole(text))
        }
    }

    @Test func invalidUTF8FollowsTheOption() throws {
        // "a", then a lone continuation byte, an overlong "/", a raw surrogate, "z"; and the same with an escape.
        for escaped in [false, true] {
            let prefix: [UInt8] = escaped ? Array(#""\n"#.utf8) : [0x22]
            let bytes = prefix + [0x61, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0x7A, 0x22]
            let start = prefix.count + 1
            try bytes.withUnsafeBytes { raw in
                var strict = JSONCursor(raw)
                #expect(throws: JSONCursorError(offset: start, reason: "string is not valid UTF-8")) { try strict.readString() }
                var replacing = JSONCursor(raw, options: .init(loneSurrogates: .reject, invalidUTF8: .replace))
                let text = try replacing.readString()
                #expect(text == (escaped ? "\n" : "") + "a\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}z")
                var keeping = JSONCursor(raw, options: .init(loneSurrogates: .keep, invalidUTF8: .keep))
                var kept: [UInt8] = []
                try keeping.decodeString(try keeping.scanString(), into: &kept)
                #expect(kept == (escaped ? [0x0A] : []) + [0x61, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0x7A])
                #expect(JSONCursor.isSingleValue(raw))
            }
        }
    }

    @Test func validUTF8OfEveryLengthIsAccepted() throws {
        let text = "a é ß € 日本 😀 \u{10FFFF} \u{7F} \u{80} \u{7FF} \u{800} \u{FFFF} \u{10000}"
        #expect(try withCursor("\"\(text)\"") { try $0.readString() } == text)
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { JSONCursor.firstInvalidUTF8($0) } == nil)
        for bad: [UInt8] in [
            [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xE0, 0x9F, 0xBF], [0xC1, 0xBF], [0xF5], [0xE2, 0x82],
        ] {
            #expect((bytes + bad).withUnsafeBytes { JSONCursor.firstInvalidUTF8($0) } == bytes.count, "\(bad)")
        }
    }

    @Test func stringEqualityResolvesEscapes() throws {
        try withCursor(#""_s\u006Furce""#) { cursor in
            let string = try cursor.scanString()
            #expect(cursor.string(string, equals: "_source"))
            #expect(!cursor.string(string, equals: "_sourc"))
        }
        try withCursor(#""status""#) { cursor in
            let string = try cursor.scanString()
            #expect(cursor.string(string, equals: "status") && !cursor.string(string, equals: "statu"))
        }
    }

    // MARK: Structure

    @Test func membersAndElements() throws {
        let text = #" { "a" : [1, {"b": null}, "c"], "d": {}, "e": [] } "#
        var seen: [String] = []
        try withCursor(text) { cursor in
            try cursor.forEachMember { cursor, key in
                seen.append(try cursor.decodeString(key))
                if seen.last == "a" {
                    var count = 0
                    try cursor.forEachElement { cursor in
                        count += 1
                        try cursor.skipValue()
                    }
                    seen.append("\(count) elements")
                } else {
                    try cursor.skipValue()
                }
            }
            try cursor.expectEnd()
        }
        #expect(seen == ["a", "3 elements", "d", "e"])
    }

    @Test func walkTellsEveryEventInOrder() throws {
        struct Recorder: JSONVisitor {
            var events: [String] = []
            mutating func beginObject() { events.append("{") }
            mutating func key(_ key: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError) {
                events.append("key " + (try cursor.decodeString(key)))
            }
            mutating func endObject() { events.append("}") }
            mutating func beginArray() { events.append("[") }
            mutating func endArray() { events.append("]") }
            mutating func string(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError) {
                events.append("string " + (try cursor.decodeString(string)))
            }
            mutating func number(_ number: JSONCursor.ScannedNumber, in cursor: JSONCursor) {
                events.append("number " + String(decoding: UnsafeRawBufferPointer(rebasing: cursor.bytes[number.range]), as: UTF8.self))
            }
            mutating func literal(_ literal: JSONCursor.Literal) { events.append("\(literal)") }
        }
        var recorder = Recorder()
        try withCursor(#"{"a":[1,-2.5e3,"x\n"],"b":{},"c":[],"d":[true,false,null,{"e":{}}]}"#) { try $0.walkValue(&recorder) }
        #expect(
            recorder.events == [
                "{", "key a", "[", "number 1", "number -2.5e3", "string x\n", "]", "key b", "{", "}", "key c", "[", "]", "key d", "[",
                "true", "false", "null", "{", "key e", "{", "}", "}", "]", "}",
            ])
    }

    @Test(arguments: [
        ("", 0, "empty input"), ("  ", 2, "input ends early"), ("[1,2", 4, "input ends early"), ("[1,]", 3, "expected a JSON value"),
        ("{\"a\":1,}", 7, "expected a member name"), ("{\"a\" 1}", 5, "expected ':'"), ("{1:2}", 1, "expected a member name"),
        ("[1 2]", 3, "expected ',' or ']'"), ("{\"a\":1]", 6, "expected ',' or '}'"), ("[}", 1, "expected a JSON value"),
        ("tru", 0, "expected true"), ("nul", 0, "expected null"), ("falsy", 0, "expected false"),
        ("nulll", 4, "unexpected bytes after the value"),
        ("{} {}", 3, "unexpected bytes after the value"), ("\u{FEFF}1", 0, "expected a JSON value"), ("]", 0, "expected a JSON value"),
    ])
    func structuralErrors(text: String, offset: Int, reason: String) {
        let error = failure(text) { cursor in
            try cursor.skipValue()
            try cursor.expectEnd()
        }
        #expect(error == JSONCursorError(offset: offset, reason: reason))
    }

    @Test func deepNestingIsLimitedByMemoryOnly() throws {
        for depth in [63, 64, 65, 127, 128, 129, 200_000] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            #expect(skipsWhole(arrays), "\(depth)")
            #expect(!skipsWhole(String(repeating: "[", count: depth) + String(repeating: "]", count: depth - 1)), "\(depth)")
            let mixed = String(repeating: #"{"a":["#, count: depth) + "1" + String(repeating: "]}", count: depth)
            #expect(skipsWhole(mixed), "\(depth)")
            // A wrong closer at the innermost level, and at the outermost, past every full word of the stack.
            #expect(!skipsWhole(String(repeating: #"{"a":["#, count: depth) + "1}" + String(repeating: "]}", count: depth)))
            #expect(!skipsWhole(String(repeating: #"{"a":["#, count: depth) + "1" + String(repeating: "]}", count: depth - 1) + "]]"))
        }
    }

    @Test func rawValueRangesAndSingleValues() throws {
        let text = #"{"a": {"b":[1,"]"]} , "c":null}"#
        let range = try withCursor(text) { cursor in
            _ = try cursor.enterObject()
            _ = try cursor.readKey()
            return try cursor.readRawValue()
        }
        #expect(String(decoding: Array(text.utf8)[range], as: UTF8.self) == #"{"b":[1,"]"]}"#)
        #expect(skipsWhole(" 1 ") && skipsWhole("\"s\"") && skipsWhole("null") && skipsWhole("\n[]\t"))
        #expect(!skipsWhole("1 2") && !skipsWhole("") && !skipsWhole("[") && !skipsWhole("\"a"))
    }
}
