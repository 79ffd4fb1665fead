import Foundation
import Testing

@testable import SnapshotReader

@Suite("SMILE decoder")
struct SmileDecoderTests {
    // MARK: Against Jackson

    @Test("Documents written by Jackson decode to what Jackson reads back")
    func jacksonDocuments() async throws {
        let generated = try await JacksonFixtures.generated()
        #expect(generated.cases.count >= 39)
        for fixture in generated.cases {
            do {
                let json = try smileToJSON(fixture.smile, name: fixture.name)
                let problem = smileJSONProblem(json)
                #expect(problem == nil, "\(fixture.name): \(problem ?? "")")
                let difference = try smileJSONDifference(actual: json, expected: fixture.expected)
                #expect(difference == nil, "\(fixture.name): \(difference ?? "")")
            } catch {
                Issue.record("\(fixture.name): \(error)")
            }
        }
    }

    @Test("Jackson's encoder configurations set the header flags the cases rely on")
    func jacksonHeaderFlags() async throws {
        let generated = try await JacksonFixtures.generated()
        let flags = Dictionary(generated.cases.map { ($0.name, $0.smile[3]) }, uniquingKeysWith: { first, _ in first })
        // Elasticsearch's configuration: shared names, shared values, raw binary.
        #expect(flags["many-keys-shared"] == 0x07)
        #expect(flags["many-keys-plain"] == 0x00)
        #expect(flags["many-keys-default"] == 0x01)
        let binary = try #require(generated.cases.first { $0.name == "binary-shared" })
        #expect(binary.smile.contains(0xFD))
        // The end marker written by the "shared" configuration is accepted (and ignored).
        let root = try #require(generated.cases.first { $0.name == "root-string-shared" })
        #expect(root.smile.last == 0xFF)
    }

    @Test("Real Elasticsearch snapshot blobs decode to what Jackson reads, with the expected content")
    func elasticsearchBlobs() async throws {
        let generated = try await JacksonFixtures.generated()
        #expect(generated.blobs.count >= 28)
        for blob in generated.blobs {
            do {
                let json = try smileToJSON(blob.payload, name: blob.path)
                let problem = smileJSONProblem(json)
                #expect(problem == nil, "\(blob.path): \(problem ?? "")")
                let difference = try smileJSONDifference(actual: json, expected: blob.expected)
                #expect(difference == nil, "\(blob.path): \(difference ?? "")")
                try checkContent(of: blob, json: json)
            } catch {
                Issue.record("\(blob.path): \(error)")
            }
        }
    }

    /// Checks each kind of blob against the repository's plain-JSON `index-N`.
    private func checkContent(of blob: JacksonFixtures.Blob, json: [UInt8]) throws {
        let repository = SmileSnapshotBlobs.root.appendingPathComponent(blob.path.split(separator: "/")[0].description)
        let repositoryData = try SmileSnapshotBlobs.repositoryData(repository)
        let snapshots = try #require(repositoryData["snapshots"] as? [[String: Any]])
        let snapshot = try #require(snapshots.first)
        let snapshotName = try #require(snapshot["name"] as? String)
        let indices = try #require(repositoryData["indices"] as? [String: [String: Any]])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let parts = blob.path.split(separator: "/").map(String.init)
        switch (parts.count, parts.last?.hasPrefix("snap-"), parts.last?.hasPrefix("meta-")) {
        case (2, true, _):
            let body = try #require(document["snapshot"] as? [String: Any], "\(blob.path)")
            #expect(body["name"] as? String == snapshotName, "\(blob.path)")
            #expect(body["uuid"] as? String == snapshot["uuid"] as? String, "\(blob.path)")
            #expect(body["state"] as? String == "SUCCESS", "\(blob.path)")
            #expect(Set(body["indices"] as? [String] ?? []) == Set(indices.keys), "\(blob.path)")
            #expect(String(decoding: json, as: UTF8.self).contains("\"name\":\"\(snapshotName)\""))
        case (2, _, true):
            let metadata = try #require(document["meta-data"] as? [String: Any], "\(blob.path)")
            #expect(metadata["cluster_uuid"] is String, "\(blob.path)")
        case (4, _, true):
            let indexName = try #require(indices.first { $0.value["id"] as? String == parts[2] }?.key, "\(blob.path)")
            let index = try #require(document[indexName] as? [String: Any], "\(blob.path): no \(indexName)")
            let settings = try #require(index["settings"] as? [String: Any], "\(blob.path)")
            let shards =
                settings["index.number_of_shards"] as? String
                ?? ((settings["index"] as? [String: Any])?["number_of_shards"] as? String)
            #expect(shards == "1", "\(blob.path)")
        case (5, true, _):
            #expect(document["name"] as? String == snapshotName, "\(blob.path)")
            let files = try #require(document["files"] as? [[String: Any]], "\(blob.path)")
            #expect(!files.isEmpty && files.count == document["number_of_files"] as? Int, "\(blob.path)")
            for file in files {
                #expect(file["name"] is String && file["physical_name"] is String && file["length"] is Int, "\(blob.path)")
                if let hash = file["meta_hash"] as? String {
                    #expect(Data(base64Encoded: hash) != nil, "\(blob.path): meta_hash is not base64")
                }
            }
        default:
            Issue.record("unexpected blob \(blob.path)")
        }
    }

    // MARK: Header and framing

    @Test func detectsTheHeader() {
        #expect(withBytes([0x3A, 0x29, 0x0A, 0x00]) { SmileDecoder.isSmile($0) })
        #expect(withBytes([0x3A, 0x29, 0x0A]) { SmileDecoder.isSmile($0) })
        #expect(!withBytes([0x3A, 0x29]) { SmileDecoder.isSmile($0) })
        #expect(!withBytes(Array("{\"a\":1}".utf8)) { SmileDecoder.isSmile($0) })
        #expect(!withBytes([]) { SmileDecoder.isSmile($0) })
    }

    @Test func rejectsBadHeaders() {
        expectError([0x7B, 0x7D], .corrupt)
        expectError([0x3A, 0x29, 0x0A], .truncated)
        expectError([0x3A, 0x29, 0x0A, 0x10, 0x21], .unsupported)
        expectError([0x3A, 0x29, 0x0A, 0x03], .corrupt)
        expectError([0x3A, 0x29, 0x0A, 0x03, 0xFF], .corrupt)
    }

    @Test func stopsAfterTheRootValue() throws {
        #expect(try decoded([0x3A, 0x29, 0x0A, 0x00, 0xC2, 0xFF, 0x3A, 0x29, 0x0A, 0x00, 0xC4]) == "1")
        #expect(try decoded([0x3A, 0x29, 0x0A, 0x00, 0xFA, 0xFB, 0x99, 0x99]) == "{}")
        #expect(try decoded([0x3A, 0x29, 0x0A, 0x00, 0xF8, 0xF9, 0xFF]) == "[]")
    }

    @Test func mismatchedOrMissingEndsAreErrors() {
        var builder = SmileBuilder()
        builder.startObject()
        builder.raw(0xF9)
        expectError(builder.bytes, .corrupt)
        builder = SmileBuilder()
        builder.startArray()
        builder.raw(0xFB)
        expectError(builder.bytes, .corrupt)
        builder = SmileBuilder()
        builder.startArray()
        builder.int(1)
        expectError(builder.bytes, .truncated)
        builder.raw(0xFF)
        expectError(builder.bytes, .corrupt)
        builder = SmileBuilder()
        builder.startObject()
        builder.key("a")
        builder.raw(0xFB)
        expectError(builder.bytes, .corrupt)
    }

    // MARK: Values

    @Test func literalsAndSmallIntegers() throws {
        var builder = SmileBuilder()
        builder.startArray()
        builder.raw(0x20, 0x21, 0x22, 0x23)
        for value in -16...15 { builder.int(Int64(value)) }
        builder.endArray()
        let small = (-16...15).map(String.init).joined(separator: ",")
        #expect(try decoded(builder.bytes) == "[\"\",null,false,true,\(small)]")
    }

    @Test func variableLengthIntegers() throws {
        let values: [Int64] = [
            16, -17, 63, 64, -64, -65, 8191, 8192, 1 << 20, Int64(Int32.max), Int64(Int32.min),
            Int64(Int32.max) + 1, Int64(Int32.min) - 1, 1 << 40, .max, .min,
        ]
        var builder = SmileBuilder()
        builder.startArray()
        for value in values { builder.int(value) }
        builder.endArray()
        #expect(try decoded(builder.bytes) == "[" + values.map(String.init).joined(separator: ",") + "]")
    }

    @Test func malformedVariableLengthIntegers() {
        // A 32-bit integer of six bytes, and one of five bytes whose value needs more than 32 bits.
        expectError(SmileBuilder().bytes + [0x24, 0x01, 0x01, 0x01, 0x01, 0x01, 0x81], .corrupt)
        expectError(SmileBuilder().bytes + [0x24, 0x7F, 0x7F, 0x7F, 0x7F, 0xBF], .corrupt)
        // A 64-bit integer of eleven bytes.
        expectError(SmileBuilder().bytes + [0x25] + [UInt8](repeating: 0x01, count: 10) + [0x81], .corrupt)
        expectError(SmileBuilder().bytes + [0x25, 0x01, 0x01], .truncated)
    }

    @Test func bigIntegers() throws {
        let cases: [([UInt8], String)] = [
            ([], "0"), ([0x00], "0"), ([0x01], "1"), ([0x7F], "127"), ([0x00, 0x80], "128"), ([0xFF], "-1"),
            ([0x80], "-128"), ([0xFF, 0x7F], "-129"), ([0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], "18446744073709551616"),
            ([0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "-18446744073709551617"),
            ([0x3B, 0x9A, 0xCA, 0x00], "1000000000"),
            ([0x0D, 0xE0, 0xB6, 0xB3, 0xA7, 0x64, 0x00, 0x00], "1000000000000000000"),
        ]
        for (magnitude, expected) in cases {
            var builder = SmileBuilder()
            builder.bigInteger(magnitude)
            #expect(try decoded(builder.bytes) == expected, "\(magnitude)")
        }
        // 10^100 has 42 bytes, so the 7-bit groups and the base-10^9 division both run many rounds.
        var power = [UInt8](repeating: 0, count: 1)
        power[0] = 1
        for _ in 0..<100 { power = multiply(power, by: 10) }
        var builder = SmileBuilder()
        builder.bigInteger(power)
        #expect(try decoded(builder.bytes) == "1" + String(repeating: "0", count: 100))
    }

    @Test func bigDecimalsAreWrittenLikeJava() throws {
        let cases: [(Int32, [UInt8], String)] = [
            (0, [0x00], "0"), (2, [0x00], "0.00"), (-3, [0x00], "0E+3"), (1, [0x0F], "1.5"), (3, [0xFE, 0x1D, 0xC0], "-123.456"),
            (6, [0x04, 0xD2], "0.001234"), (10, [0x04, 0xD2], "1.234E-7"), (-10, [0x01], "1E+10"), (2, [0x04, 0xD2], "12.34"),
            (0, [0x64], "100"), (-2, [0x01], "1E+2"), (400, [0x01], "1E-400"), (Int32.min, [0x01], "1E+2147483648"),
            (5, [], "0"),
        ]
        for (scale, unscaled, expected) in cases {
            var builder = SmileBuilder()
            builder.bigDecimal(scale: scale, unscaled: unscaled)
            #expect(try decoded(builder.bytes) == expected, "\(scale) \(unscaled)")
        }
    }

    @Test func hugeBigNumbersAreRefused() {
        var builder = SmileBuilder()
        builder.bigInteger([UInt8](repeating: 0x11, count: SmileDecoder.maxBigNumberBytes + 1))
        expectError(builder.bytes, .unsupported)
    }

    @Test func floatsAndDoubles() throws {
        var builder = SmileBuilder()
        builder.startArray()
        for value: Float in [1.1, -0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 16_777_216, 1e-10] { builder.float(value) }
        for value: Double in [0.1, -2.5e-10, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 1e23] { builder.double(value) }
        builder.endArray()
        #expect(
            try decoded(builder.bytes)
                == "[1.1,-0.0,3.4028235e+38,1e-45,16777216.0,1e-10,0.1,-2.5e-10,1.7976931348623157e+308,5e-324,1e+23]")
    }

    @Test("NaN and infinities have no JSON number, so they become strings")
    func nonFiniteFloatingPoint() throws {
        var builder = SmileBuilder()
        builder.startArray()
        builder.float(.nan)
        builder.float(.infinity)
        builder.float(-.infinity)
        builder.double(.nan)
        builder.double(.infinity)
        builder.double(-.infinity)
        builder.endArray()
        #expect(try decoded(builder.bytes) == "[\"NaN\",\"Infinity\",\"-Infinity\",\"NaN\",\"Infinity\",\"-Infinity\"]")
    }

    @Test func stringsOfEveryLengthClass() throws {
        var builder = SmileBuilder(flags: 0x00)
        var expected: [String] = []
        builder.startArray()
        for length in [1, 32, 33, 64, 65, 200] {
            let ascii = String(repeating: "a", count: length)
            let unicode = String(repeating: "é", count: (length + 1) / 2)
            builder.string(ascii)
            builder.string(unicode)
            expected += ["\"\(ascii)\"", "\"\(unicode)\""]
        }
        builder.endArray()
        #expect(try decoded(builder.bytes) == "[" + expected.joined(separator: ",") + "]")
    }

    @Test func escapesWhatJSONRequires() throws {
        var builder = SmileBuilder(flags: 0x00)
        builder.startObject()
        builder.key("k\"\n")
        builder.string("q\" b\\ s/ \u{0} \u{1}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1F}\u{7F} é 😀 \u{2028}")
        builder.endObject()
        #expect(
            try decoded(builder.bytes)
                == "{\"k\\\"\\n\":\"q\\\" b\\\\ s/ \\u0000 \\u0001\\b\\t\\n\\u000B\\f\\r\\u001F\u{7F} é 😀 \u{2028}\"}")
    }

    @Test func invalidUTF8IsAnError() {
        for bad: [UInt8] in [
            [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x61, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
        ] {
            var builder = SmileBuilder(flags: 0x00)
            builder.raw(0x80 + UInt8(bad.count - 2))
            builder.raw(bad)
            expectError(builder.bytes, .corrupt)
        }
        // A multi-byte character may not straddle the end of a short string.
        expectError(SmileBuilder().bytes + [0x80, 0x61, 0xC3, 0xA9], .corrupt)
    }

    @Test func longStringsNeedTheirEndMarker() throws {
        #expect(try decoded(SmileBuilder().bytes + [0xE0, 0x61, 0x62, 0xFC]) == "\"ab\"")
        #expect(try decoded(SmileBuilder().bytes + [0xE4, 0xC3, 0xA9, 0xFC]) == "\"é\"")
        expectError(SmileBuilder().bytes + [0xE0, 0x61, 0x62], .truncated)
        expectError(SmileBuilder().bytes + [0xFA, 0x34, 0x61, 0x62], .truncated)
    }

    @Test("Binary becomes base64, from 7-bit and from raw encoding")
    func binary() throws {
        for length in [0, 1, 2, 3, 6, 7, 8, 13, 14, 15, 100] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
            let expected = "\"" + Data(data).base64EncodedString() + "\""
            var sevenBit = SmileBuilder()
            sevenBit.binary7(data)
            #expect(try decoded(sevenBit.bytes) == expected, "7-bit \(length)")
            var raw = SmileBuilder(flags: 0x07)
            raw.rawBinary(data)
            #expect(try decoded(raw.bytes) == expected, "raw \(length)")
        }
    }

    @Test("A binary length beyond the input is truncation, not an allocation")
    func impossibleLengths() {
        expectError(SmileBuilder().bytes + [0xFD, 0x07, 0x7F, 0x7F, 0x7F, 0xBF, 0x00], .truncated)
        expectError(SmileBuilder().bytes + [0xE8, 0x07, 0x7F, 0x7F, 0x7F, 0xBF, 0x00], .truncated)
        expectError(SmileBuilder().bytes + [0xE8, 0x1F, 0x7F, 0x7F, 0x7F, 0xBF], .corrupt)
        expectError(SmileBuilder().bytes + [0x26, 0x07, 0x7F, 0x7F, 0x7F, 0xBF], .unsupported)
    }

    // MARK: Shared names and values

    @Test func sharedNamesAndValues() throws {
        var builder = SmileBuilder(flags: 0x03)
        builder.startArray()
        builder.startObject()
        builder.key("id")
        builder.string("alpha")
        builder.key("name")
        builder.string("beta")
        builder.endObject()
        builder.startObject()
        builder.keyReference(1)
        builder.valueReference(0)
        builder.keyReference(0)
        builder.valueReference(1)
        builder.endObject()
        builder.endArray()
        #expect(try decoded(builder.bytes) == "[{\"id\":\"alpha\",\"name\":\"beta\"},{\"name\":\"alpha\",\"id\":\"beta\"}]")
    }

    @Test("References need the header bit, and only reach entries already seen")
    func invalidReferences() {
        var builder = SmileBuilder(flags: 0x00)
        builder.startArray()
        builder.string("alpha")
        builder.valueReference(0)
        expectError(builder.bytes, .corrupt)
        builder = SmileBuilder(flags: 0x01)
        builder.startObject()
        builder.key("a")
        builder.int(1)
        builder.keyReference(1)
        expectError(builder.bytes, .corrupt)
    }

    @Test("Empty and long strings are never shared; long names are")
    func whatIsShared() throws {
        var builder = SmileBuilder(flags: 0x03)
        let long = String(repeating: "x", count: 70)
        builder.startObject()
        builder.raw(0x20)
        builder.raw(0x20)
        builder.key(long)
        builder.string(long)
        builder.key("b")
        builder.string("short")
        builder.keyReference(0)
        builder.valueReference(0)
        builder.endObject()
        #expect(try decoded(builder.bytes) == "{\"\":\"\",\"\(long)\":\"\(long)\",\"b\":\"short\",\"\(long)\":\"short\"}")
    }

    @Test("A full table starts over with the next entry")
    func sharedTablesStartOverAt1024() throws {
        var builder = SmileBuilder(flags: 0x03)
        builder.startArray()
        for index in 0..<1025 {
            builder.startObject()
            builder.key("n\(index)")
            builder.string("v\(index)")
            builder.endObject()
        }
        // Index 0 is now the 1025th entry, and index 1 is no longer there.
        builder.startObject()
        builder.keyReference(0)
        builder.valueReference(0)
        builder.endObject()
        builder.endArray()
        let json = try decoded(builder.bytes)
        #expect(json.hasSuffix(",{\"n1024\":\"v1024\"},{\"n1024\":\"v1024\"}]"))

        var stale = SmileBuilder(flags: 0x03)
        stale.startArray()
        for index in 0..<1025 { stale.string("v\(index)") }
        stale.valueReference(1)
        expectError(stale.bytes, .corrupt)

        // Exactly 1024 entries still fit: the last one is reachable, the first is still index 0.
        var full = SmileBuilder(flags: 0x03)
        full.startArray()
        for index in 0..<1024 { full.string("v\(index)") }
        full.valueReference(1023)
        full.valueReference(0)
        full.endArray()
        #expect(try decoded(full.bytes).hasSuffix(",\"v1023\",\"v1023\",\"v0\"]"))
    }

    @Test("The 65-byte short Unicode string (0xBF) is shared, as Jackson's parser does")
    func sixtyFiveByteShortString() throws {
        let text = "a" + String(repeating: "é", count: 32)
        var builder = SmileBuilder(flags: 0x02)
        builder.startArray()
        builder.raw(0xBF)
        builder.raw(Array(text.utf8))
        builder.valueReference(0)
        builder.endArray()
        #expect(try decoded(builder.bytes) == "[\"\(text)\",\"\(text)\"]")
    }

    // MARK: Nesting

    @Test func nestingIsLimited() throws {
        var builder = SmileBuilder()
        for _ in 0..<SmileDecoder.maxDepth { builder.startArray() }
        for _ in 0..<SmileDecoder.maxDepth { builder.endArray() }
        #expect(try decoded(builder.bytes).count == 2 * SmileDecoder.maxDepth)
        var deeper = SmileBuilder()
        for _ in 0...SmileDecoder.maxDepth { deeper.startArray() }
        for _ in 0...SmileDecoder.maxDepth { deeper.endArray() }
        expectError(deeper.bytes, .unsupported)
    }
}

// MARK: - Helpers shared with the fuzz tests

/// Decodes `bytes` as a SMILE document.
func smileToJSON(_ bytes: [UInt8], name: String = "test.smile") throws(SnapshotReaderError) -> [UInt8] {
    let result = bytes.withUnsafeBytes { raw in
        Result { () throws(SnapshotReaderError) -> [UInt8] in try SmileDecoder.json(from: raw, name: name) }
    }
    return try result.get()
}

private func decoded(_ bytes: [UInt8]) throws -> String {
    String(decoding: try smileToJSON(bytes), as: UTF8.self)
}

private func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> T) -> T {
    bytes.withUnsafeBytes(body)
}

private enum SmileErrorKind {
    case truncated, corrupt, unsupported
}

private func expectError(_ bytes: [UInt8], _ kind: SmileErrorKind, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let json = try smileToJSON(bytes)
        Issue.record("expected \(kind), decoded \(String(decoding: json, as: UTF8.self).prefix(200))", sourceLocation: sourceLocation)
    } catch {
        switch (error, kind) {
        case (.truncated, .truncated), (.corrupt, .corrupt), (.unsupported, .unsupported): break
        default: Issue.record("expected \(kind), got \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Why `json` is not valid JSON, or nil. Checked by a strict parser and by `JSONSerialization`, except for the two
/// limits of Foundation's parser that JSON does not have: numbers beyond `Double` and nesting deeper than 512.
func smileJSONProblem(_ json: [UInt8]) -> String? {
    do {
        _ = try SmileTestJSON.parse(json)
    } catch {
        return "\(error)"
    }
    do {
        _ = try JSONSerialization.jsonObject(with: Data(json), options: .fragmentsAllowed)
    } catch {
        let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        if reason.contains("is not representable") || reason.contains("Too many nested") { return nil }
        return "JSONSerialization: \(reason)"
    }
    return nil
}

/// `bytes` (big-endian) times a small factor.
private func multiply(_ bytes: [UInt8], by factor: UInt32) -> [UInt8] {
    var result = bytes
    var carry: UInt32 = 0
    for index in result.indices.reversed() {
        let product = UInt32(result[index]) * factor + carry
        result[index] = UInt8(truncatingIfNeeded: product)
        carry = product >> 8
    }
    while carry > 0 {
        result.insert(UInt8(truncatingIfNeeded: carry), at: 0)
        carry >>= 8
    }
    // Keep the sign bit clear: BigInteger bytes are two's complement.
    if result[0] & 0x80 != 0 { result.insert(0, at: 0) }
    return result
}

/// Writes SMILE token by token, for documents Jackson would not write (or not on demand).
struct SmileBuilder {
    var bytes: [UInt8]

    init(flags: UInt8 = 0x03) {
        bytes = [0x3A, 0x29, 0x0A, flags]
    }

    mutating func raw(_ values: UInt8...) { bytes += values }
    mutating func raw(_ values: [UInt8]) { bytes += values }
    mutating func startObject() { bytes.append(0xFA) }
    mutating func endObject() { bytes.append(0xFB) }
    mutating func startArray() { bytes.append(0xF8) }
    mutating func endArray() { bytes.append(0xF9) }

    /// A new (not referenced) name.
    mutating func key(_ name: String) {
        let utf8 = Array(name.utf8)
        let ascii = utf8.allSatisfy { $0 < 0x80 }
        if utf8.isEmpty {
            bytes.append(0x20)
        } else if ascii && utf8.count <= 64 {
            bytes.append(0x80 + UInt8(utf8.count - 1))
            bytes += utf8
        } else if !ascii && utf8.count >= 2 && utf8.count <= 56 {
            bytes.append(0xC0 + UInt8(utf8.count - 2))
            bytes += utf8
        } else {
            bytes.append(0x34)
            bytes += utf8
            bytes.append(0xFC)
        }
    }

    mutating func keyReference(_ index: Int) {
        if index < 64 {
            bytes.append(0x40 + UInt8(index))
        } else {
            bytes += [0x30 + UInt8(index >> 8), UInt8(index & 0xFF)]
        }
    }

    /// A new (not referenced) string value.
    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        let ascii = utf8.allSatisfy { $0 < 0x80 }
        switch (utf8.count, ascii) {
        case (0, _): bytes.append(0x20)
        case (1...32, true): bytes.append(0x40 + UInt8(utf8.count - 1))
        case (33...64, true): bytes.append(0x60 + UInt8(utf8.count - 33))
        case (2...33, false): bytes.append(0x80 + UInt8(utf8.count - 2))
        case (34...64, false): bytes.append(0xA0 + UInt8(utf8.count - 34))
        default:
            bytes.append(ascii ? 0xE0 : 0xE4)
            bytes += utf8
            bytes.append(0xFC)
            return
        }
        bytes += utf8
    }

    mutating func valueReference(_ index: Int) {
        if index < 31 {
            bytes.append(UInt8(index + 1))
        } else {
            bytes += [0xEC + UInt8(index >> 8), UInt8(index & 0xFF)]
        }
    }

    mutating func int(_ value: Int64) {
        let zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        if value >= -16 && value <= 15 {
            bytes.append(0xC0 + UInt8(zigzag))
        } else if value >= Int64(Int32.min) && value <= Int64(Int32.max) {
            bytes.append(0x24)
            vint(zigzag)
        } else {
            bytes.append(0x25)
            vint(zigzag)
        }
    }

    mutating func bigInteger(_ twosComplement: [UInt8]) {
        bytes.append(0x26)
        vint(UInt64(twosComplement.count))
        bytes += Self.sevenBit(twosComplement)
    }

    mutating func bigDecimal(scale: Int32, unscaled twosComplement: [UInt8]) {
        bytes.append(0x2A)
        vint(UInt64(UInt32(bitPattern: (scale << 1) ^ (scale >> 31))))
        vint(UInt64(twosComplement.count))
        bytes += Self.sevenBit(twosComplement)
    }

    mutating func float(_ value: Float) {
        bytes.append(0x28)
        let bits = value.bitPattern
        for shift in stride(from: 28, through: 0, by: -7) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift)) & 0x7F) }
    }

    mutating func double(_ value: Double) {
        bytes.append(0x29)
        let bits = value.bitPattern
        for shift in stride(from: 63, through: 0, by: -7) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)) & 0x7F) }
    }

    mutating func binary7(_ data: [UInt8]) {
        bytes.append(0xE8)
        vint(UInt64(data.count))
        bytes += Self.sevenBit(data)
    }

    mutating func rawBinary(_ data: [UInt8]) {
        bytes.append(0xFD)
        vint(UInt64(data.count))
        bytes += data
    }

    /// Big-endian 7-bit groups; the last byte has its high bit set and carries 6 bits.
    mutating func vint(_ value: UInt64) {
        var groups: [UInt8] = [UInt8(value & 0x3F) | 0x80]
        var rest = value >> 6
        while rest > 0 {
            groups.append(UInt8(rest & 0x7F))
            rest >>= 7
        }
        bytes += groups.reversed()
    }

    /// 7 bytes become 8 of 7 bits each; a shorter tail of n bytes becomes n + 1, the last holding n bits.
    static func sevenBit(_ data: [UInt8]) -> [UInt8] {
        var encoded: [UInt8] = []
        var index = 0
        while index < data.count {
            let count = min(7, data.count - index)
            var group: UInt64 = 0
            for offset in 0..<count { group = group << 8 | UInt64(data[index + offset]) }
            let bits = 8 * count
            if count == 7 {
                for shift in stride(from: 49, through: 0, by: -7) {
                    encoded.append(UInt8(truncatingIfNeeded: group >> UInt64(shift)) & 0x7F)
                }
            } else {
                for position in 1...count { encoded.append(UInt8(truncatingIfNeeded: group >> UInt64(bits - 7 * position)) & 0x7F) }
                encoded.append(UInt8(truncatingIfNeeded: group) & UInt8((1 << count) - 1))
            }
            index += count
        }
        return encoded
    }
}

// MARK: - JSON comparison

/// JSON parsed strictly (RFC 8259) with key order and number text kept, so that key order and big numbers can be
/// compared, which `JSONSerialization` cannot.
indirect enum SmileTestJSON: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([SmileTestJSON])
    case object([Member])

    struct Member: Equatable {
        let key: String
        let value: SmileTestJSON
    }

    struct ParseError: Error, CustomStringConvertible {
        let offset: Int
        let problem: String
        var description: String { "invalid JSON at byte \(offset): \(problem)" }
    }

    static func parse(_ bytes: [UInt8]) throws -> SmileTestJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw ParseError(offset: parser.index, problem: "trailing bytes") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func fail(_ problem: String) -> ParseError { ParseError(offset: index, problem: problem) }

        mutating func expect(_ literal: String) throws {
            let utf8 = Array(literal.utf8)
            guard bytes.count - index >= utf8.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else {
                throw fail("expected \(literal)")
            }
            index += utf8.count
        }

        mutating func value(depth: Int) throws -> SmileTestJSON {
            guard depth < 2000 else { throw fail("too deep") }
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case 0x6E:
                try expect("null")
                return .null
            case 0x74:
                try expect("true")
                return .bool(true)
            case 0x66:
                try expect("false")
                return .bool(false)
            case 0x22: return .string(try string())
            case 0x5B:
                index += 1
                skipWhitespace()
                var elements: [SmileTestJSON] = []
                if index < bytes.count, bytes[index] == 0x5D {
                    index += 1
                    return .array(elements)
                }
                while true {
                    skipWhitespace()
                    elements.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard index < bytes.count else { throw fail("unterminated array") }
                    index += 1
                    if bytes[index - 1] == 0x5D { return .array(elements) }
                    guard bytes[index - 1] == 0x2C else { throw fail("expected , or ]") }
                }
            case 0x7B:
                index += 1
                skipWhitespace()
                var members: [Member] = []
                if index < bytes.count, bytes[index] == 0x7D {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == 0x22 else { throw fail("expected a key") }
                    let key = try string()
                    skipWhitespace()
                    try expect(":")
                    skipWhitespace()
                    members.append(Member(key: key, value: try value(depth: depth + 1)))
                    skipWhitespace()
                    guard index < bytes.count else { throw fail("unterminated object") }
                    index += 1
                    if bytes[index - 1] == 0x7D { return .object(members) }
                    guard bytes[index - 1] == 0x2C else { throw fail("expected , or }") }
                }
            default:
                return .number(try number())
            }
        }

        mutating func number() throws -> String {
            let start = index
            func digits(_ parser: inout Parser) -> Int {
                let first = parser.index
                while parser.index < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.index]) { parser.index += 1 }
                return parser.index - first
            }
            if index < bytes.count, bytes[index] == 0x2D { index += 1 }
            let integerStart = index
            let integerDigits = digits(&self)
            guard integerDigits > 0 else { throw fail("expected a value") }
            guard integerDigits == 1 || bytes[integerStart] != 0x30 else { throw fail("leading zero") }
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                guard digits(&self) > 0 else { throw fail("expected fraction digits") }
            }
            if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
                index += 1
                if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
                guard digits(&self) > 0 else { throw fail("expected exponent digits") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws -> String {
            index += 1
            var utf16: [UInt16] = []
            var run: [UInt8] = []
            func flush() throws {
                guard !run.isEmpty else { return }
                guard let text = String(validating: run, as: UTF8.self) else { throw fail("invalid UTF-8") }
                utf16 += text.utf16
                run.removeAll()
            }
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x22:
                    try flush()
                    return String(decoding: utf16, as: UTF16.self)
                case 0x5C:
                    try flush()
                    guard index < bytes.count else { throw fail("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case 0x22, 0x5C, 0x2F: utf16.append(UInt16(escape))
                    case 0x62: utf16.append(0x08)
                    case 0x66: utf16.append(0x0C)
                    case 0x6E: utf16.append(0x0A)
                    case 0x72: utf16.append(0x0D)
                    case 0x74: utf16.append(0x09)
                    case 0x75:
                        guard bytes.count - index >= 4,
                            let unit = UInt16(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
                        else {
                            throw fail("bad \\u escape")
                        }
                        utf16.append(unit)
                        index += 4
                    default: throw fail("bad escape")
                    }
                default:
                    guard byte >= 0x20 else { throw fail("unescaped control character") }
                    run.append(byte)
                }
            }
        }
    }
}

/// Where `actual` (our JSON) differs from `expected` (Jackson's, with floats and doubles tagged as
/// `"#float:TEXT"` / `"#double:TEXT"`); nil when they are the same. Numbers compare by exact decimal value.
func smileJSONDifference(actual: [UInt8], expected: [UInt8]) throws -> String? {
    difference(try SmileTestJSON.parse(actual), try SmileTestJSON.parse(expected), path: "$")
}

private func difference(_ actual: SmileTestJSON, _ expected: SmileTestJSON, path: String) -> String? {
    switch (actual, expected) {
    case (.number(let number), .string(let tagged)) where tagged.hasPrefix("#float:"):
        let want = Float(tagged.dropFirst(7))
        return Float(number)?.bitPattern == want?.bitPattern && want != nil ? nil : "\(path): float \(number) is not \(tagged)"
    case (.number(let number), .string(let tagged)) where tagged.hasPrefix("#double:"):
        let want = Double(tagged.dropFirst(8))
        return Double(number)?.bitPattern == want?.bitPattern && want != nil ? nil : "\(path): double \(number) is not \(tagged)"
    case (.number(let number), .number(let want)):
        return DecimalText(number) == DecimalText(want) ? nil : "\(path): number \(number) is not \(want)"
    case (.array(let elements), .array(let wanted)):
        guard elements.count == wanted.count else { return "\(path): \(elements.count) elements, not \(wanted.count)" }
        for (index, element) in elements.enumerated() {
            if let found = difference(element, wanted[index], path: "\(path)[\(index)]") { return found }
        }
        return nil
    case (.object(let members), .object(let wanted)):
        guard members.count == wanted.count else { return "\(path): \(members.count) members, not \(wanted.count)" }
        for (member, want) in zip(members, wanted) {
            guard member.key == want.key else { return "\(path): key \(member.key.debugDescription) is not \(want.key.debugDescription)" }
            if let found = difference(member.value, want.value, path: "\(path).\(member.key)") { return found }
        }
        return nil
    default:
        return actual == expected
            ? nil : "\(path): \(String(describing: actual).prefix(200)) is not \(String(describing: expected).prefix(200))"
    }
}

/// A JSON number reduced to sign, significant digits and exponent, so that `1.50E+2` equals `150`.
private struct DecimalText: Equatable {
    var negative = false
    var digits: [UInt8] = []
    var exponent = 0

    init(_ text: String) {
        var mantissa = Substring(text)
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(mantissa[mantissa.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
            mantissa = mantissa[..<e]
        }
        if mantissa.hasPrefix("-") {
            negative = true
            mantissa = mantissa.dropFirst()
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? parts[1] : ""
        exponent -= fraction.count
        digits = Array((parts[0] + fraction).utf8)
        while digits.first == 0x30 { digits.removeFirst() }
        while digits.last == 0x30 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty {
            negative = false
            exponent = 0
        }
    }
}

// MARK: - Fixtures

/// The real Elasticsearch repositories in `../shared/fixtures/snapshots`.
enum SmileSnapshotBlobs {
    static let root: URL = {
        let file = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/fixtures/snapshots")
    }()

    /// Every SMILE blob: root `snap-`/`meta-`, index `meta-`, shard `snap-`; paths relative to `root`.
    static func blobPaths() throws -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for repository in try manager.contentsOfDirectory(atPath: root.path).sorted() {
            let base = root.appendingPathComponent(repository)
            guard let enumerator = manager.enumerator(atPath: base.path) else { continue }
            for case let relative as String in enumerator where relative.hasSuffix(".dat") {
                let parts = relative.split(separator: "/")
                let name = parts.last ?? ""
                let isRoot = parts.count == 1 && (name.hasPrefix("snap-") || name.hasPrefix("meta-"))
                let isIndex = parts.count == 3 && parts[0] == "indices" && name.hasPrefix("meta-")
                let isShard = parts.count == 4 && parts[0] == "indices" && name.hasPrefix("snap-")
                if isRoot || isIndex || isShard { paths.append(repository + "/" + relative) }
            }
        }
        return paths.sorted()
    }

    /// The SMILE payload of a ChecksumBlobStoreFormat blob: after magic, codec name and version; before the footer.
    static func payload(ofBlob path: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
        var reader = ByteReaderBox(bytes: bytes)
        guard try reader.bigEndianInt32() == 0x3FD7_6C17 else { throw SmileFixtureFailure("\(path): not a checksummed blob") }
        let codecLength = try reader.luceneVInt()
        reader.offset += codecLength + 4
        guard reader.offset + 16 <= bytes.count else { throw SmileFixtureFailure("\(path): too short") }
        let payload = Array(bytes[reader.offset..<(bytes.count - 16)])
        guard payload.starts(with: [0x3A, 0x29, 0x0A]) else { throw SmileFixtureFailure("\(path): payload is not SMILE") }
        return payload
    }

    /// The repository's newest `index-N` (plain JSON).
    static func repositoryData(_ repository: URL) throws -> [String: Any] {
        let generations = try FileManager.default.contentsOfDirectory(atPath: repository.path)
            .compactMap { $0.hasPrefix("index-") ? Int($0.dropFirst(6)) : nil }
        guard let newest = generations.max() else { throw SmileFixtureFailure("\(repository.path): no index-N") }
        let data = try Data(contentsOf: repository.appendingPathComponent("index-\(newest)"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SmileFixtureFailure("\(repository.path): index-\(newest) is not an object")
        }
        return object
    }

    private struct ByteReaderBox {
        let bytes: [UInt8]
        var offset = 0

        mutating func bigEndianInt32() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw SmileFixtureFailure("too short") }
            defer { offset += 4 }
            return bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func luceneVInt() throws -> Int {
            var value = 0
            var shift = 0
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            throw SmileFixtureFailure("too short")
        }
    }
}

struct SmileFixtureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// SMILE written by Jackson's real encoder (Debian's libjackson2-dataformat-smile), with the JSON Jackson reads back,
/// made once per test run by `Tests/Fixtures/smile/SmileFixtureWriter.java`. The compiled class is cached in the
/// temporary directory under a hash of the source.
enum JacksonFixtures {
    struct Case: Sendable {
        let name: String
        let smile: [UInt8]
        let expected: [UInt8]
    }

    struct Blob: Sendable {
        let path: String
        let payload: [UInt8]
        let expected: [UInt8]
    }

    struct Generated: Sendable {
        let cases: [Case]
        let blobs: [Blob]
    }

    static let jars = ["/usr/share/java/jackson-core.jar", "/usr/share/java/jackson-dataformat-smile.jar"]

    /// Made once, by the first test that asks; the others wait for the same task.
    private static let generation = Task { try await generate() }

    static func generated() async throws -> Generated {
        try await generation.value
    }

    private static func generate() async throws -> Generated {
        let manager = FileManager.default
        let setupHint = "; run scripts/setup.sh (it installs a JDK 17 and libjackson2-dataformat-smile)"
        for jar in jars where !manager.fileExists(atPath: jar) { throw SmileFixtureFailure("\(jar) is missing" + setupHint) }
        guard let javac = executable("javac"), let java = executable("java") else {
            throw SmileFixtureFailure("javac/java not found" + setupHint)
        }
        let source = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/smile/SmileFixtureWriter.java")
        let sourceBytes = try Data(contentsOf: source)
        let classes = manager.temporaryDirectory.appendingPathComponent("tern-smile-fixture-writer-\(fnv1a(sourceBytes))")
        let classPath = jars.joined(separator: ":")
        if !manager.fileExists(atPath: classes.appendingPathComponent("SmileFixtureWriter.class").path) {
            // Compile beside the cache and move into place, so concurrent runs never see half a folder.
            let staging = manager.temporaryDirectory.appendingPathComponent("tern-smile-fixture-writer-\(UUID().uuidString)")
            defer { try? manager.removeItem(at: staging) }
            try await run(javac, ["-d", staging.path, "-cp", classPath, source.path], what: "javac")
            try? manager.moveItem(at: staging, to: classes)
        }

        let work = manager.temporaryDirectory.appendingPathComponent("tern-smile-fixtures-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: work) }
        try manager.createDirectory(at: work, withIntermediateDirectories: true)
        var blobInputs: [(path: String, payload: [UInt8], file: URL)] = []
        for (index, path) in try SmileSnapshotBlobs.blobPaths().enumerated() {
            let file = work.appendingPathComponent("blob-\(index).smile")
            let payload = try SmileSnapshotBlobs.payload(ofBlob: path)
            try Data(payload).write(to: file)
            blobInputs.append((path, payload, file))
        }
        let generatedDirectory = work.appendingPathComponent("cases")
        try await run(
            java, ["-cp", classPath + ":" + classes.path, "SmileFixtureWriter", generatedDirectory.path] + blobInputs.map(\.file.path),
            what: "java SmileFixtureWriter")

        let manifest = try String(contentsOf: generatedDirectory.appendingPathComponent("manifest.txt"), encoding: .utf8)
        let cases = try manifest.split(separator: "\n").map { name in
            Case(
                name: String(name),
                smile: [UInt8](try Data(contentsOf: generatedDirectory.appendingPathComponent("\(name).smile"))),
                expected: [UInt8](try Data(contentsOf: generatedDirectory.appendingPathComponent("\(name).json"))))
        }
        let blobs = try blobInputs.map { input in
            Blob(
                path: input.path, payload: input.payload,
                expected: [UInt8](try Data(contentsOf: URL(fileURLWithPath: input.file.path + ".json"))))
        }
        return Generated(cases: cases, blobs: blobs)
    }

    private static func executable(_ name: String) -> String? {
        var directories: [String] = []
        if let home = ProcessInfo.processInfo.environment["JAVA_HOME"] { directories.append(home + "/bin") }
        directories += (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tool to completion without holding a thread of the test pool while the JVM works.
    private static func run(_ executable: String, _ arguments: [String], what: String) async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tern-smile-fixtures-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw SmileFixtureFailure("cannot create \(log.path)")
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw SmileFixtureFailure("\(what) failed (\(process.terminationStatus)): \(text.prefix(2000))")
        }
    }

    private static func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
