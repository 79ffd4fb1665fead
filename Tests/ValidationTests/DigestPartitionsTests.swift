import Foundation
import TernCore
import Testing

@testable import Validation

@Suite struct DigestPartitionsTests {
    private static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tern-digests-\(UUID().uuidString)").path
    }

    private static func digest(_ value: Int) -> CanonicalDigest {
        CanonicalDigest(high: UInt64(value) &* 0x9E37_79B9_7F4A_7C15, low: UInt64(value))
    }

    @Test func recordsRoundTripThroughPartitionFiles() throws {
        let partitions = try DigestPartitions(folder: Self.folder(), partitionCount: 3)
        defer { partitions.remove() }
        let records = [
            DigestRecord(id: "plain", digest: Self.digest(1)),
            DigestRecord(id: "with\nnewline\tand tab", routing: "r1", digest: Self.digest(2)),
            DigestRecord(id: "Ærøskøbing 🐦", routing: "", digest: Self.digest(3)),
            DigestRecord(id: String(repeating: "x", count: 600), digest: Self.digest(4)),
        ]
        try partitions.append(records)
        try partitions.finish()
        #expect(partitions.recordCount == 4)
        let read = try (0..<3).flatMap { try partitions.records(inPartition: $0) }
        #expect(Set(read) == Set(records))
        for partition in 0..<3 {
            for record in try partitions.records(inPartition: partition) {
                #expect(DigestPartitions.partition(of: record.id, count: 3) == partition)
            }
        }
    }

    @Test func partitionCountKeepsPartitionsSmall() {
        #expect(DigestPartitions.partitionCount(expectedRecords: 0) == 1)
        #expect(DigestPartitions.partitionCount(expectedRecords: 400_000) == 1)
        #expect(DigestPartitions.partitionCount(expectedRecords: 100_000_000) == 200)
        #expect(DigestPartitions.partitionCount(expectedRecords: 200_000, recordsPerPartition: 10_000) == 40)
    }

    @Test func comparisonFindsEachKindOfDifference() throws {
        let source = try DigestPartitions(folder: Self.folder(), partitionCount: 4)
        let target = try DigestPartitions(folder: Self.folder(), partitionCount: 4)
        defer {
            source.remove()
            target.remove()
        }
        try source.append((0..<100).map { DigestRecord(id: "doc-\($0)", routing: $0 == 7 ? "a" : nil, digest: Self.digest($0)) })
        var targetRecords = (0..<100).map { DigestRecord(id: "doc-\($0)", routing: $0 == 7 ? "b" : nil, digest: Self.digest($0)) }
        targetRecords.removeAll { $0.id == "doc-3" || $0.id == "doc-40" }
        targetRecords[10].digest = Self.digest(999)
        targetRecords.append(DigestRecord(id: "stray", digest: Self.digest(5)))
        try target.append(targetRecords.reversed())
        let result = try DigestPartitions.compare(source: source, target: target, sampleLimit: 10)
        #expect(result.missing == 2)
        #expect(result.extra == 1)
        #expect(result.different == 2)
        #expect(result.sourceRecords == 100)
        #expect(result.targetRecords == 99)
        #expect(Set(result.samples.missing) == ["doc-3", "doc-40"])
        #expect(result.samples.extra == ["stray"])
        #expect(Set(result.samples.different) == ["doc-7", "doc-11"])
        #expect(!result.isClean)
    }

    @Test func differencesOnIdsInFlightAreCountedApartAndNotRepaired() async throws {
        let source = try DigestPartitions(folder: Self.folder(), partitionCount: 3)
        let target = try DigestPartitions(folder: Self.folder(), partitionCount: 3)
        let differences = try DocumentDifferences(path: Self.folder() + ".differences")
        defer {
            source.remove()
            target.remove()
            try? FileManager.default.removeItem(atPath: differences.path)
        }
        try source.append((0..<50).map { DigestRecord(id: "doc-\($0)", digest: Self.digest($0)) })
        var targetRecords = (0..<50).filter { $0 != 3 && $0 != 4 }.map { DigestRecord(id: "doc-\($0)", digest: Self.digest($0)) }
        targetRecords[5].digest = Self.digest(1001)  // doc-7
        targetRecords[6].digest = Self.digest(1002)  // doc-8
        targetRecords += [DigestRecord(id: "new", digest: Self.digest(1)), DigestRecord(id: "stray", digest: Self.digest(2))]
        try target.append(targetRecords)
        let inFlight: Set<String> = ["doc-3", "doc-7", "new", "doc-20"]
        let result = try DigestPartitions.compare(
            source: source, target: target, sampleLimit: 10, differences: differences, inFlight: { inFlight.contains($0) })
        #expect(result.inFlight == 3, "doc-20 has a write in flight but does not differ")
        #expect(Set(result.inFlightSamples) == ["doc-3", "doc-7", "new"])
        #expect(result.missing == 1 && result.samples.missing == ["doc-4"])
        #expect(result.different == 1 && result.samples.different == ["doc-8"])
        #expect(result.extra == 1 && result.samples.extra == ["stray"])
        try differences.finish()
        var recorded: [DocumentDifferences.Entry] = []
        try await differences.forEachBatch(of: 100) { recorded += $0 }
        #expect(Set(recorded.map(\.id)) == ["doc-4", "doc-8", "stray"], "the replay brings what is in flight")
    }

    @Test func twoHundredThousandRecordsOverManySmallPartitions() throws {
        let count = 200_000
        let partitionCount = DigestPartitions.partitionCount(expectedRecords: Int64(count), recordsPerPartition: 10_000)
        let source = try DigestPartitions(folder: Self.folder(), partitionCount: partitionCount)
        let target = try DigestPartitions(folder: Self.folder(), partitionCount: partitionCount)
        defer {
            source.remove()
            target.remove()
        }
        // Appended from several tasks at once, as the slice readers do.
        try concurrentAppend(to: source, count: count) { DigestRecord(id: "id-\($0)", digest: Self.digest($0)) }
        try concurrentAppend(to: target, count: count) { index in
            switch index {
            case let index where index % 50_000 == 1: DigestRecord(id: "other-\(index)", digest: Self.digest(index))
            case let index where index % 40_000 == 2: DigestRecord(id: "id-\(index)", digest: Self.digest(index + 1))
            default: DigestRecord(id: "id-\(index)", digest: Self.digest(index))
            }
        }
        #expect(source.recordCount == Int64(count))
        var largest = 0
        for partition in 0..<partitionCount {
            largest = max(largest, try source.records(inPartition: partition).count)
        }
        #expect(largest < 6_000, "the hash spreads ids evenly: largest partition \(largest) of \(partitionCount)")
        let result = try DigestPartitions.compare(source: source, target: target, sampleLimit: 3)
        #expect(result.missing == 4)
        #expect(result.extra == 4)
        #expect(result.different == 5)
        #expect(result.samples.missing.count == 3)
        #expect(result.samples.extra.allSatisfy { $0.hasPrefix("other-") })
        #expect(result.samples.different.count == 3)
        #expect(try DigestPartitions.compare(source: source, target: target, sampleLimit: 3) == result, "samples repeat")
    }

    @Test func differentPartitionCountsAreRefused() throws {
        let source = try DigestPartitions(folder: Self.folder(), partitionCount: 2)
        let target = try DigestPartitions(folder: Self.folder(), partitionCount: 3)
        defer {
            source.remove()
            target.remove()
        }
        #expect(throws: TernError.self) { try DigestPartitions.compare(source: source, target: target) }
    }

    @Test func samplingKeepsTheSameIdsAtAboutTheRate() {
        let ids = (0..<100_000).map { "doc-\($0)" }
        let kept = ids.filter { DigestRecord.isSampled($0, rate: 0.25) }
        #expect(abs(kept.count - 25_000) < 1_000)
        #expect(kept == ids.filter { DigestRecord.isSampled($0, rate: 0.25) })
        #expect(ids.allSatisfy { DigestRecord.isSampled($0, rate: 1) })
        #expect(!ids.contains { DigestRecord.isSampled($0, rate: 0) })
    }

    private func concurrentAppend(to partitions: DigestPartitions, count: Int, _ make: @escaping @Sendable (Int) -> DigestRecord) throws {
        let failures = NSLock()
        nonisolated(unsafe) var failure: (any Error)?
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            do {
                for start in stride(from: worker * 1000, to: count, by: 8000) {
                    try partitions.append((start..<min(start + 1000, count)).map(make))
                }
            } catch {
                failures.withLock { failure = error }
            }
        }
        if let failure { throw failure }
        try partitions.finish()
    }
}
