import Foundation
import Testing

@testable import TernCore

@Suite struct JSONStringEscaperTests {
    private func escaped(_ text: String) -> String {
        var output: [UInt8] = []
        JSONStringEscaper.append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Jackson's forms, so text Tern writes looks like what the cluster writes.
    @Test func escapesWhatJSONRequiresAsJacksonDoes() {
        #expect(
            escaped("q\" b\\ s/ \u{00} \u{01}\u{08}\t\n\u{0B}\u{0C}\r\u{1F}\u{7F} é 😀 \u{2028}")
                == #""q\" b\\ s/ \u0000 \u0001\b\t\n\u000B\f\r\u001F"# + "\u{7F} é 😀 \u{2028}\"")
        #expect(escaped("") == #""""#)
        #expect(JSONStringEscaper.quoted("a\"b") == #""a\"b""#)
        for byte in UInt8(0)...UInt8(0x7F) {
            #expect(JSONStringEscaper.needsEscape(byte) == (byte < 0x20 || byte == 0x22 || byte == 0x5C), "\(byte)")
        }
    }

    /// Every control character, quote and backslash, at every position around the 8-byte steps, comes back through the
    /// cursor and through Foundation.
    @Test func roundTripsThroughTheCursorAndFoundation() throws {
        let specials = (0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) } + ["\"", "\\"]
        for special in specials {
            for position in 0..<20 {
                var characters = Array(repeating: Character("x"), count: 20)
                characters[position] = special
                let text = String(characters) + "é日😀"
                let json = escaped(text)
                let decoded = try Array(json.utf8).withUnsafeBytes { raw in
                    var cursor = JSONCursor(raw)
                    let string = try cursor.readString()
                    try cursor.expectEnd()
                    return string
                }
                #expect(decoded.unicodeScalars.elementsEqual(text.unicodeScalars))
                let foundation = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String
                #expect(foundation.map { Array($0.utf8) } == Array(text.utf8))
            }
        }
    }

    @Test func ndjsonLinesUseIt() {
        var line: [UInt8] = []
        NDJSONLine.appendJSONString("a\u{08}\"", to: &line)
        #expect(String(decoding: line, as: UTF8.self) == #""a\b\"""#)
        var bytes: [UInt8] = []
        Array("tab\there".utf8).withUnsafeBytes { JSONStringEscaper.append(utf8: $0, to: &bytes) }
        #expect(String(decoding: bytes, as: UTF8.self) == #""tab\there""#)
    }
}
