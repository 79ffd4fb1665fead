import Foundation
import TernTestSupport
import Testing

@testable import TernCore

/// The cursor against Foundation's `JSONSerialization` on seeded random documents and on damaged copies of them (bytes
/// replaced, removed, inserted; every prefix): both must accept and refuse the same bytes and decode the same values,
/// except where Foundation knowingly leaves RFC 8259 (see ``knownDivergence(_:cursor:)``). Every error names
/// an offset inside the input; nothing crashes or hangs. The committed bounds are small; `TERN_FUZZ_SECONDS`,
/// `TERN_FUZZ_ITERATIONS` and `TERN_FUZZ_SEED` make a longer local run.
@Suite("JSON cursor fuzzing")
struct JSONCursorFuzzTests {
    /// A decoded value, exactly: strings as their UTF-8 bytes, numbers as their text.
    indirect enum Value: Equatable {
        case null
        case bool(Bool)
        case number(String)
        case string([UInt8])
        case array([Value])
        case object([Member])
    }

    struct Member: Equatable {
        var key: [UInt8]
        var value: Value
    }

    static let environment = ProcessInfo.processInfo.environment
    static let seed = environment["TERN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x00C0_FFEE_2026
    static let seconds = environment["TERN_FUZZ_SECONDS"].flatMap { Double($0) } ?? 2
    static let iterations = environment["TERN_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 20_000

    @Test(.timeLimit(.minutes(2)))
    func generatedDocumentsDecodeAsFoundationDecodesThem() throws {
        var random = FuzzRandom(seed: Self.seed)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(Self.seconds)
        var checked = 0
        for iteration in 0..<Self.iterations {
            guard clock.now < deadline || iteration < 200 else { break }
            var generator = DocumentGenerator(random: random)
            let (text, value) = generator.document()
            random = generator.random
            let label = "seed \(Self.seed) iteration \(iteration): \(String(decoding: text, as: UTF8.self).debugDescription)"
            let decoded = try #require(try? Self.decode(text).get(), "\(label)")
            #expect(decoded == value, "\(label)")
            #expect(Self.skip(text) == .success(text.count), "\(label)")
            let foundation = try JSONSerialization.jsonObject(with: Data(text), options: .fragmentsAllowed)
            #expect(Self.matches(value, foundation), "\(label)")
            checked += 1
        }
        #expect(checked >= 200)
    }

    @Test(.timeLimit(.minutes(2)))
    func damagedDocumentsAreJudgedAsFoundationJudgesThem() {
        var random = FuzzRandom(seed: Self.seed &+ 1)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(Self.seconds)
        var accepted = 0
        var refused = 0
        for iteration in 0..<Self.iterations {
            guard clock.now < deadline || iteration < 500 else { break }
            var generator = DocumentGenerator(random: random)
            let (text, _) = generator.document()
            random = generator.random
            let damaged = Self.damage(text, using: &random)
            let started = clock.now
            if compare(damaged, label: "seed \(Self.seed) iteration \(iteration)") { accepted += 1 } else { refused += 1 }
            if clock.now - started > .seconds(1) {
                Issue.record("seed \(Self.seed) iteration \(iteration) took \(clock.now - started) for \(damaged.count) bytes")
            }
        }
        #expect(accepted > 0 && refused > 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func everyPrefixIsJudgedAsFoundationJudgesIt() {
        var random = FuzzRandom(seed: Self.seed &+ 2)
        for round in 0..<40 {
            var generator = DocumentGenerator(random: random)
            let (text, _) = generator.document()
            random = generator.random
            for cut in 0..<text.count {
                compare(Array(text[..<cut]), label: "seed \(Self.seed) round \(round) prefix \(cut)")
            }
        }
    }

    /// Random UTF-16 code units, lone surrogates included, written as `\u` escapes: `.replace` decodes them as Swift's
    /// own UTF-16 decoding does, `.keep` as generalised UTF-8, `.reject` refuses exactly the ones with a lone surrogate.
    @Test func loneSurrogateOptionsAgreeWithUTF16Decoding() throws {
        var random = FuzzRandom(seed: Self.seed &+ 3)
        let units: [UInt16] = [0x41, 0xE9, 0x65E5, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xD83D, 0xDE00, 0xFFFD, 0x00]
        for _ in 0..<2_000 {
            let string = (0..<Int.random(in: 0...8, using: &random)).map { _ in units.randomElement(using: &random)! }
            let json = Array(("\"" + string.map { String(format: "\\u%04x", $0) }.joined() + "\"").utf8)
            let valid = String(validating: string, as: UTF16.self) != nil
            try json.withUnsafeBytes { raw in
                var strict = JSONCursor(raw)
                #expect((try? strict.readString()) == (valid ? String(decoding: string, as: UTF16.self) : nil), "\(string)")
                var replacing = JSONCursor(raw, options: .init(loneSurrogates: .replace, invalidUTF8: .reject))
                #expect(try replacing.readString() == String(decoding: string, as: UTF16.self), "\(string)")
                var keeping = JSONCursor(raw, options: .init(loneSurrogates: .keep, invalidUTF8: .keep))
                var bytes: [UInt8] = []
                try keeping.decodeString(try keeping.scanString(), into: &bytes)
                #expect(bytes == Self.generalisedUTF8(string), "\(string)")
            }
        }
    }

    // MARK: Checks

    /// Judges `input` with the cursor (skipping, and decoding everything) and with Foundation, and checks that they agree.
    /// Returns whether the cursor accepted it.
    @discardableResult
    private func compare(_ input: [UInt8], label: String) -> Bool {
        let text = "\(label): \(String(decoding: input, as: UTF8.self).debugDescription)"
        let skipped = Self.skip(input)
        let decoded = Self.decode(input)
        for error in [skipped.error, decoded.error].compactMap({ $0 }) {
            #expect((0...input.count).contains(error.offset), "\(error) \(text)")
            #expect(!error.reason.isEmpty)
        }
        switch (skipped, decoded) {
        case (.success(let end), .success):
            #expect(end == input.count, "\(text)")
        case (.failure(let skipError), .failure(let decodeError)):
            // Decoding fails where skipping does, or earlier, at a string that is not Unicode.
            #expect(decodeError.offset <= skipError.offset, "\(skipError) / \(decodeError) \(text)")
        case (.success, .failure(let error)):
            #expect(error.reason.contains("surrogate") || error.reason.contains("UTF-8"), "\(error) \(text)")
        case (.failure(let error), .success):
            Issue.record("skipping refused what decoding accepted: \(error) \(text)")
        }
        let foundation = try? JSONSerialization.jsonObject(with: Data(input), options: .fragmentsAllowed)
        switch (decoded, foundation) {
        case (.success(let value), let object?):
            #expect(Self.matches(value, object), "\(text)")
        case (.failure(let error), nil):
            _ = error
        case (.failure(let error), .some):
            #expect(Self.knownDivergence(input, cursor: error), "cursor refused, Foundation accepted: \(error) \(text)")
        case (.success(let value), nil):
            #expect(Self.foundationRefuses(value), "cursor accepted, Foundation refused: \(text)")
        }
        return decoded.error == nil
    }

    /// Where Foundation (swift-corelibs-foundation) leaves RFC 8259 (JSON text is UTF-8) by accepting more: a comma
    /// before a closing bracket, a byte order mark before the value, and UTF-16 or UTF-32 text, which it guesses from NUL
    /// bytes among the first four. Accepted by Foundation, refused by the cursor.
    static func knownDivergence(_ input: [UInt8], cursor error: JSONCursorError) -> Bool {
        if input.starts(with: [0xEF, 0xBB, 0xBF]) || input.prefix(4).contains(0) { return true }
        guard error.offset < input.count, input[error.offset] == UInt8(ascii: "]") || input[error.offset] == UInt8(ascii: "}") else {
            return false
        }
        var index = error.offset - 1
        while index >= 0, [0x20, 0x0A, 0x0D, 0x09].contains(input[index]) { index -= 1 }
        guard index >= 0, input[index] == UInt8(ascii: ",") else { return false }
        var repaired = input
        repaired.remove(at: index)
        // Without that comma, the rest must agree again.
        switch decode(repaired) {
        case .success: return true
        case .failure(let next): return knownDivergence(repaired, cursor: next)
        }
    }

    /// Foundation refuses numbers beyond a Double (`1e400`), which JSON allows.
    static func foundationRefuses(_ value: Value) -> Bool {
        switch value {
        case .number(let text): return !(Double(text)?.isFinite ?? false)
        case .array(let elements): return elements.contains(where: foundationRefuses)
        case .object(let members): return members.contains { foundationRefuses($0.value) }
        default: return false
        }
    }

    /// Whether Foundation's object is `value`: the same structure, strings byte for byte (but for U+FEFF),
    /// numbers as the same double (within rounding: Foundation keeps large integers as decimals), the last of duplicate
    /// keys.
    static func matches(_ value: Value, _ object: Any) -> Bool {
        switch value {
        case .null: return object is NSNull
        case .bool(let bool): return (object as? Bool) == bool
        case .string(let bytes): return (object as? String).map { withoutBOMs(Array($0.utf8)) } == withoutBOMs(bytes)
        case .number(let text):
            guard let number = object as? NSNumber, let expected = Double(text) else { return false }
            let actual = number.doubleValue
            return actual == expected || abs(actual - expected) <= abs(expected) * 1e-12
        case .array(let elements):
            guard let array = object as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { matches($0, $1) }
        case .object(let members):
            guard let dictionary = object as? [String: Any] else { return false }
            var last: [String: Value] = [:]
            for member in members { last[String(decoding: withoutBOMs(member.key), as: UTF8.self)] = member.value }
            var theirs: [String: Any] = [:]
            for (key, value) in dictionary { theirs[String(decoding: withoutBOMs(Array(key.utf8)), as: UTF8.self)] = value }
            return last.count == theirs.count && last.allSatisfy { key, value in theirs[key].map { matches(value, $0) } ?? false }
        }
    }

    /// Foundation drops a raw U+FEFF at the start of a string or right after an escape in it (the cursor keeps it, as
    /// JSON says): strings are compared without any.
    static func withoutBOMs(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 3 else { return bytes }
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    static func generalisedUTF8(_ units: [UInt16]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < units.count {
            var scalar = UInt32(units[index])
            if (0xD800...0xDBFF).contains(scalar), index + 1 < units.count, (0xDC00...0xDFFF).contains(units[index + 1]) {
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(units[index + 1]) - 0xDC00)
                index += 1
            }
            index += 1
            switch scalar {
            case 0..<0x80: output.append(UInt8(scalar))
            case 0x80..<0x800: output += [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
            case 0x800..<0x10000: output += [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
            default:
                output += [
                    UInt8(0xF0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F),
                    UInt8(0x80 | scalar & 0x3F),
                ]
            }
        }
        return output
    }

    // MARK: The cursor

    /// Skips one value and checks that only whitespace follows; where it ended.
    static func skip(_ input: [UInt8]) -> Result<Int, JSONCursorError> {
        input.withUnsafeBytes { raw in
            var cursor = JSONCursor(raw)
            do {
                try cursor.skipValue()
                try cursor.expectEnd()
                return .success(cursor.position)
            } catch let error as JSONCursorError {
                return .failure(error)
            } catch {
                return .failure(JSONCursorError(offset: -1, reason: "\(error)"))
            }
        }
    }

    /// Decodes one value completely (strings strictly), checking that only whitespace follows.
    static func decode(_ input: [UInt8]) -> Result<Value, JSONCursorError> {
        input.withUnsafeBytes { raw in
            var cursor = JSONCursor(raw)
            var builder = ValueBuilder()
            do {
                try cursor.walkValue(&builder)
                try cursor.expectEnd()
                return .success(builder.root!)
            } catch let error as JSONCursorError {
                return .failure(error)
            } catch {
                return .failure(JSONCursorError(offset: -1, reason: "\(error)"))
            }
        }
    }

    /// Builds a ``Value`` from the cursor's events.
    struct ValueBuilder: JSONVisitor {
        enum Open {
            case array([Value])
            case object([Member], key: [UInt8])
        }

        var open: [Open] = []
        var root: Value?

        mutating func add(_ value: Value) {
            switch open.popLast() {
            case .array(var elements):
                elements.append(value)
                open.append(.array(elements))
            case .object(var members, let key):
                members.append(Member(key: key, value: value))
                open.append(.object(members, key: []))
            case nil:
                root = value
            }
        }

        mutating func beginObject() { open.append(.object([], key: [])) }
        mutating func beginArray() { open.append(.array([])) }

        mutating func key(_ key: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError) {
            guard case .object(let members, _) = open.popLast() else { preconditionFailure("a key outside an object") }
            var bytes: [UInt8] = []
            try cursor.decodeString(key, into: &bytes)
            open.append(.object(members, key: bytes))
        }

        mutating func endObject() {
            guard case .object(let members, _) = open.popLast() else { preconditionFailure("} closes no object") }
            add(.object(members))
        }

        mutating func endArray() {
            guard case .array(let elements) = open.popLast() else { preconditionFailure("] closes no array") }
            add(.array(elements))
        }

        mutating func string(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError) {
            var bytes: [UInt8] = []
            try cursor.decodeString(string, into: &bytes)
            add(.string(bytes))
        }

        mutating func number(_ number: JSONCursor.ScannedNumber, in cursor: JSONCursor) {
            add(.number(String(decoding: UnsafeRawBufferPointer(rebasing: cursor.bytes[number.range]), as: UTF8.self)))
        }

        mutating func literal(_ literal: JSONCursor.Literal) {
            switch literal {
            case .null: add(.null)
            case .true: add(.bool(true))
            case .false: add(.bool(false))
            }
        }
    }

    // MARK: Damage

    static func damage(_ text: [UInt8], using random: inout FuzzRandom) -> [UInt8] {
        var damaged = text
        let alphabet = Array(#"{}[]",:\ -+.0123456789eEuntrfalse"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xED, 0xEF, 0xBB, 0xBF, 0xFF]
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            guard !damaged.isEmpty else { break }
            let position = Int.random(in: 0..<damaged.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: damaged[position] = UInt8.random(in: 0...255, using: &random)
            case 1: damaged.remove(at: position)
            case 2: damaged.insert(alphabet.randomElement(using: &random)!, at: position)
            case 3: damaged[position] = alphabet.randomElement(using: &random)!
            default: damaged.removeSubrange(position..<min(damaged.count, position + Int.random(in: 1...6, using: &random)))
            }
        }
        return damaged
    }
}

extension Result {
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// Random JSON text and the value it denotes, written the many ways JSON allows: escapes of every kind, surrogate pairs,
/// whitespace, numbers in every form the grammar has.
struct DocumentGenerator {
    var random: FuzzRandom

    mutating func document() -> ([UInt8], JSONCursorFuzzTests.Value) {
        var text: [UInt8] = []
        whitespace(&text)
        let value = self.value(depth: 0, into: &text)
        whitespace(&text)
        return (text, value)
    }

    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    private mutating func value(depth: Int, into text: inout [UInt8]) -> JSONCursorFuzzTests.Value {
        switch Int.random(in: 0..<(depth >= 5 ? 6 : 9), using: &random) {
        case 0, 1: return .string(string(into: &text))
        case 2, 3: return .number(number(into: &text))
        case 4:
            let literal = ["true", "false", "null"].randomElement(using: &random)!
            text += Array(literal.utf8)
            return literal == "null" ? .null : .bool(literal == "true")
        case 5: return .number(number(into: &text))
        case 6, 7:
            text.append(UInt8(ascii: "{"))
            var members: [JSONCursorFuzzTests.Member] = []
            for index in 0..<Int.random(in: 0...5, using: &random) {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                whitespace(&text)
                let key = string(into: &text)
                whitespace(&text)
                text.append(UInt8(ascii: ":"))
                whitespace(&text)
                members.append(.init(key: key, value: value(depth: depth + 1, into: &text)))
                whitespace(&text)
            }
            whitespace(&text)
            text.append(UInt8(ascii: "}"))
            return .object(members)
        default:
            text.append(UInt8(ascii: "["))
            var elements: [JSONCursorFuzzTests.Value] = []
            for index in 0..<Int.random(in: 0...5, using: &random) {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                whitespace(&text)
                elements.append(value(depth: depth + 1, into: &text))
                whitespace(&text)
            }
            whitespace(&text)
            text.append(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    private mutating func whitespace(_ text: inout [UInt8]) {
        guard chance(25) else { return }
        for _ in 0..<Int.random(in: 1...3, using: &random) { text.append([0x20, 0x0A, 0x0D, 0x09].randomElement(using: &random)!) }
    }

    /// A string of scalars from every UTF-8 length (no combining marks: Foundation's dictionaries compare keys by
    /// canonical equivalence), each written raw or escaped at random; returns its UTF-8.
    private mutating func string(into text: inout [UInt8]) -> [UInt8] {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "/", "\"", "\\", "{", "]", ",", ":", "\u{00}", "\u{08}", "\u{0A}", "\u{1F}", "\u{7F}", "é", "ß", "€",
            "日", "\u{FFFD}", "\u{FFFF}", "😀", "\u{10FFFF}",
        ]
        let long = chance(10)
        let count = long ? Int.random(in: 8...60, using: &random) : Int.random(in: 0...8, using: &random)
        var decoded: [UInt8] = []
        text.append(UInt8(ascii: "\""))
        for _ in 0..<count {
            let scalar = long && chance(80) ? "x" : alphabet.randomElement(using: &random)!
            decoded += Array(String(scalar).utf8)
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            if mustEscape || chance(20) {
                let short: [Unicode.Scalar: String] = [
                    "\"": "\"", "\\": "\\", "/": "/", "\u{08}": "b", "\u{0C}": "f", "\n": "n", "\r": "r", "\t": "t",
                ]
                if let letter = short[scalar], chance(50) {
                    text += Array(("\\" + letter).utf8)
                } else {
                    for unit in String(scalar).utf16 {
                        text += Array(String(format: chance(50) ? "\\u%04x" : "\\u%04X", unit).utf8)
                    }
                }
            } else {
                text += Array(String(scalar).utf8)
            }
        }
        text.append(UInt8(ascii: "\""))
        return decoded
    }

    /// A number by the grammar, within a Double's range.
    private mutating func number(into text: inout [UInt8]) -> String {
        var number = chance(30) ? "-" : ""
        if chance(25) {
            number += "0"
        } else {
            number += String(Int.random(in: 1...9, using: &random))
            for _ in 0..<Int.random(in: 0...(chance(10) ? 24 : 5), using: &random) {
                number += String(Int.random(in: 0...9, using: &random))
            }
        }
        if chance(35) {
            number += "."
            for _ in 0..<Int.random(in: 1...8, using: &random) { number += String(Int.random(in: 0...9, using: &random)) }
        }
        if chance(25) {
            number += chance(50) ? "e" : "E"
            number += ["", "+", "-"].randomElement(using: &random)!
            number += String(Int.random(in: 0...(chance(10) ? 200 : 20), using: &random))
        }
        text += Array(number.utf8)
        return number
    }
}

/// SplitMix64: deterministic, so a failure reproduces from its seed.
typealias FuzzRandom = SeededRandom
