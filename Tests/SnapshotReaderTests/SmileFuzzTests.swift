import Foundation
import TernTestSupport
import Testing

@testable import SnapshotReader

/// Damaged SMILE must never crash, hang or allocate wildly: each input either decodes to valid JSON or throws
/// `SnapshotReaderError`. The committed bounds are small; for a long local run set `SMILE_FUZZ_ITERATIONS`
/// (and `SMILE_FUZZ_SECONDS`, `SMILE_FUZZ_SEED`).
@Suite("SMILE decoder fuzzing")
struct SmileFuzzTests {
    @Test("Mutated documents and random bytes either decode to valid JSON or throw")
    func mutatedAndRandomInput() throws {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["SMILE_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 30_000
        let seconds = environment["SMILE_FUZZ_SECONDS"].flatMap { Double($0) } ?? 2.5
        let seed = environment["SMILE_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0F_5A11E
        var random = SmileFuzzRandom(seed: seed)
        let seeds = try Self.seedDocuments()
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        var decoded = 0
        var rejected = 0
        for iteration in 0..<iterations {
            guard clock.now < deadline else { break }
            let input =
                iteration % 8 == 7
                ? Self.randomDocument(&random)
                : Self.mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)], &random)
            let started = clock.now
            if check(input, label: "seed \(seed) iteration \(iteration)") { decoded += 1 } else { rejected += 1 }
            let elapsed = clock.now - started
            if elapsed > .seconds(1) {
                Issue.record("seed \(seed) iteration \(iteration) took \(elapsed) for \(input.count) bytes")
            }
        }
        #expect(decoded > 0)
        #expect(rejected > 0)
        print("SMILE fuzz: seed \(seed), \(decoded + rejected) inputs, \(decoded) decoded, \(rejected) rejected")
    }

    @Test("Every prefix of a valid document is an error (or, for a root scalar, the whole value)")
    func truncations() throws {
        for document in try Self.seedDocuments() {
            // Every cut of small documents; of large ones the first hundred and a hundred spread over the rest.
            let cuts =
                document.count <= 400
                ? Array(0..<document.count)
                : Array(0..<100) + stride(from: 100, to: document.count, by: document.count / 100 + 1)
            let complete = try smileToJSON(document)
            for cut in cuts {
                do {
                    let json = try smileToJSON(Array(document[..<cut]))
                    // Only a document whose root value is complete before the cut can decode.
                    #expect(json == complete, "prefix \(cut) of \(document.count) decoded to something else")
                } catch {}
            }
        }
    }

    /// Decodes `input`; true when it decoded (and the JSON is valid), false when it threw.
    private func check(_ input: [UInt8], label: String) -> Bool {
        do {
            let json = try smileToJSON(input)
            if let problem = smileJSONProblem(json) {
                Issue.record("\(label): \(problem) in \(String(decoding: json.prefix(300), as: UTF8.self)) from \(input.prefix(64))")
            }
            return true
        } catch {
            return false
        }
    }

    // MARK: Inputs

    /// Hand-built documents that use every token, plus the real Elasticsearch blobs when present.
    static func seedDocuments() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        var all = SmileBuilder(flags: 0x07)
        all.startObject()
        all.key("literals")
        all.startArray()
        all.raw(0x20, 0x21, 0x22, 0x23)
        all.endArray()
        all.key("numbers")
        all.startArray()
        for value: Int64 in [0, -16, 15, 1000, -70000, 1 << 40, .min] { all.int(value) }
        all.bigInteger([0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])
        all.bigDecimal(scale: 3, unscaled: [0x12, 0x34])
        all.bigDecimal(scale: -20, unscaled: [0xFF, 0x00])
        all.float(1.5)
        all.double(-2.25e-300)
        all.endArray()
        all.key("strings")
        all.startArray()
        for text in [
            "a", "tiny", String(repeating: "s", count: 40), "é", String(repeating: "ü", count: 20), String(repeating: "long", count: 30),
            "中文 " + String(repeating: "😀", count: 20), "ctl \u{1}\n\"\\",
        ] {
            all.string(text)
        }
        all.valueReference(0)
        all.valueReference(3)
        all.endArray()
        all.key("binary")
        all.startArray()
        all.binary7(Array(0..<20))
        all.rawBinary(Array(200..<230))
        all.endArray()
        all.key(String(repeating: "n", count: 80))
        all.startObject()
        all.keyReference(0)
        all.raw(0xFA)
        all.key("é-name")
        all.raw(0x20)
        all.raw(0x20)
        all.raw(0x21)
        all.endObject()
        all.keyReference(4)
        all.startArray()
        all.startArray()
        all.endArray()
        all.startObject()
        all.endObject()
        all.endArray()
        all.endObject()
        all.endObject()
        all.raw(0xFF)
        seeds.append(all.bytes)

        var many = SmileBuilder(flags: 0x03)
        many.startArray()
        for index in 0..<1100 {
            many.startObject()
            many.key("k\(index % 1030)")
            many.string("v\(index % 1050)")
            // Both tables started over at entry 1025; refer to entries of the new round.
            if index >= 1030 {
                many.keyReference(index - 1024)
                many.valueReference(index - 1024)
            }
            many.endObject()
        }
        many.endArray()
        seeds.append(many.bytes)

        var nested = SmileBuilder(flags: 0x00)
        for _ in 0..<50 { nested.startArray() }
        nested.string("deep")
        for _ in 0..<50 { nested.endArray() }
        seeds.append(nested.bytes)

        seeds.append(SmileBuilder(flags: 0x00).bytes + [0x44, 0x68, 0x65, 0x6C, 0x6C, 0x6F])
        for path in try SmileSnapshotBlobs.blobPaths() {
            seeds.append(try SmileSnapshotBlobs.payload(ofBlob: path))
        }
        return seeds
    }

    /// Bytes that start or end tokens, for replacements.
    private static let interesting: [UInt8] = [
        0x00, 0x01, 0x1F, 0x20, 0x24, 0x25, 0x26, 0x28, 0x29, 0x2A, 0x30, 0x33, 0x34, 0x3A, 0x40, 0x7F, 0x80, 0xBF, 0xC0,
        0xDF, 0xE0, 0xE4, 0xE8, 0xEC, 0xEF, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF,
    ]

    /// One to four random edits; the header is mostly left alone so that the body gets exercised.
    private static func mutate(_ document: [UInt8], _ random: inout SmileFuzzRandom) -> [UInt8] {
        var bytes = document
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard bytes.count > 4 else { break }
            let position = Int.random(in: (random.next() % 50 == 0 ? 0 : 4)..<bytes.count, using: &random)
            switch random.next() % 9 {
            case 0:
                bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1:
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 2:
                bytes[position] = interesting.randomElement(using: &random)!
            case 3:
                bytes.removeSubrange(position...)
            case 4:
                let inserted = (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                bytes.insert(contentsOf: inserted, at: position)
            case 5:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &random)))
            case 6:
                let source = Int.random(in: 4..<bytes.count, using: &random)
                let chunk = bytes[source..<min(bytes.count, source + Int.random(in: 1...64, using: &random))]
                bytes.insert(contentsOf: chunk, at: position)
            case 7:
                // Length and number fields: after a token that carries one, write a huge or odd VInt.
                let tokens: Set<UInt8> = [0x24, 0x25, 0x26, 0x2A, 0xE8, 0xFD, 0x28, 0x29]
                if let token = bytes[position...].firstIndex(where: { tokens.contains($0) }), token + 1 < bytes.count {
                    let field: [UInt8] = [
                        [0x7F, 0x7F, 0x7F, 0x7F, 0xBF], [0x0F, 0x7F, 0x7F, 0x7F, 0xBF], [0x00, 0x00, 0x00, 0x00, 0x00, 0x00], [0xBF],
                        [0x80], [0x01, 0x80], [0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xBF],
                    ].randomElement(using: &random)!
                    let end = min(bytes.count, token + 1 + field.count)
                    bytes.replaceSubrange((token + 1)..<end, with: field)
                }
            default:
                // A back-reference to an index that may or may not have been seen.
                let references: [[UInt8]] = [
                    [0x40 + UInt8.random(in: 0...0x3F, using: &random)],
                    [0x30 + UInt8.random(in: 0...3, using: &random), UInt8.random(in: 0...255, using: &random)],
                    [UInt8.random(in: 1...0x1F, using: &random)],
                    [0xEC + UInt8.random(in: 0...3, using: &random), UInt8.random(in: 0...255, using: &random)],
                ]
                bytes.insert(contentsOf: references.randomElement(using: &random)!, at: position)
            }
        }
        return bytes
    }

    /// A valid header (random flags) followed by up to 96 random bytes, half of them token bytes.
    private static func randomDocument(_ random: inout SmileFuzzRandom) -> [UInt8] {
        var bytes: [UInt8] = [0x3A, 0x29, 0x0A, UInt8.random(in: 0...7, using: &random)]
        for _ in 0..<Int.random(in: 0...96, using: &random) {
            bytes.append(
                Bool.random(using: &random) ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random))
        }
        return bytes
    }
}

/// A small seeded generator, so that a failing fuzz run can be repeated.
private typealias SmileFuzzRandom = SeededRandom
