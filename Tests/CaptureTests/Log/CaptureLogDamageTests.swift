import Foundation
import TernCore
import Testing

@testable import Capture

@Suite struct CaptureLogDamageTests {
    /// Writes `count` records to a fresh log and returns the entries read back.
    private func writeLog(_ folder: TemporaryFolder, count: Int) async throws -> [CaptureLogEntry] {
        let writer = try CaptureLogWriter(directory: folder.path)
        for _ in 0..<count { try await writer.append(Records.request(writer.nextExchange())) }
        try await writer.close()
        return try CaptureLogReader(directory: folder.path).readToEnd(treatIncompleteTailAsDamage: true).entries
    }

    @Test func aTornTailAtEveryOffsetLeavesTheValidPrefixAndIsRecovered() async throws {
        let source = try TemporaryFolder()
        defer { source.remove() }
        let entries = try await writeLog(source, count: 5)
        let original = try Data(contentsOf: URL(fileURLWithPath: source.segmentPath(1)))
        let lastStart = Int(entries[4].position.offset)
        #expect(original.count == Int(entries[4].next.offset))

        for cut in lastStart..<original.count {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try original.prefix(cut).write(to: URL(fileURLWithPath: folder.segmentPath(1)))

            // A follower takes the unfinished record for one being written.
            let follower = CaptureLogReader(directory: folder.path)
            #expect(try follower.records() == entries[0..<4].map(\.record))
            #expect(follower.damage == nil)

            // A drained replay calls it damage, at the record's start.
            let drained = try CaptureLogReader(directory: folder.path).readToEnd(treatIncompleteTailAsDamage: true)
            #expect(drained.entries.count == 4)
            if cut == lastStart {
                #expect(drained.damage == nil)
            } else {
                #expect(drained.damage?.position == entries[4].position)
                #expect(drained.damage?.fileName == "segment-00000000000000000001.tcl")
            }

            let writer = try CaptureLogWriter(directory: folder.path)
            if cut == lastStart {
                #expect(writer.recovery == nil)
            } else {
                #expect(writer.recovery?.action == .truncated)
                #expect(writer.recovery?.position == entries[4].position)
                #expect(writer.recovery?.bytesAfter == Int64(cut - lastStart))
                #expect(writer.recovery?.description.contains("segment-00000000000000000001.tcl") == true)
            }
            let next = writer.nextExchange()
            #expect(next > entries.map(\.record.exchange).max()!)
            try await writer.append(Records.request(next))
            try await writer.close()
            let after = try CaptureLogReader(directory: folder.path).readToEnd(treatIncompleteTailAsDamage: true)
            #expect(after.entries.map(\.record) == entries[0..<4].map(\.record) + [Records.request(next)])
            #expect(after.damage == nil)
        }
    }

    @Test func aFlippedByteIsReportedWithSegmentAndOffsetAndThePrefixStaysReadable() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let entries = try await writeLog(folder, count: 20)
        let damaged = entries[10]
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: folder.segmentPath(1)))
        let flipAt = UInt64(damaged.position.offset + 30)
        try handle.seek(toOffset: flipAt)
        let byte = try handle.read(upToCount: 1)![0]
        try handle.seek(toOffset: flipAt)
        try handle.write(contentsOf: [byte ^ 0x01])
        try handle.close()

        for closed in [false, true] {
            let result = try CaptureLogReader(directory: folder.path).readToEnd(treatIncompleteTailAsDamage: closed)
            #expect(result.entries == Array(entries[0..<10]))
            let damage = try #require(result.damage)
            #expect(damage.position == damaged.position)
            #expect(damage.fileName == "segment-00000000000000000001.tcl")
            #expect(damage.reason.contains("checksum"))
            #expect(damage.description.contains("byte \(damaged.position.offset)"))
        }

        // The writer keeps the damaged segment for the replayer and writes on in a new one.
        let writer = try CaptureLogWriter(directory: folder.path)
        #expect(writer.recovery?.action == .startedNewSegment)
        #expect(writer.recovery?.position == damaged.position)
        let position = try await writer.append(Records.request(writer.nextExchange()))
        #expect(position.segment == 2)
        try await writer.close()

        // A reader that skips the damaged segment on purpose continues in the next.
        let reader = CaptureLogReader(directory: folder.path)
        #expect(try reader.records().count == 10)
        let damage = try #require(reader.damage)
        reader.seek(to: CapturePosition(segment: damage.position.segment + 1, offset: 0))
        #expect(try reader.records().count == 1)
    }

    @Test func anIncompleteRecordInAnOlderSegmentIsDamage() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 1024))
        for _ in 0..<30 { try await writer.append(Records.request(writer.nextExchange()), durable: false) }
        try await writer.close()
        let entries = try CaptureLogReader(directory: folder.path).readToEnd(treatIncompleteTailAsDamage: true).entries
        let lastOfFirst = try #require(entries.last { $0.position.segment == 1 })
        let size = try folder.size(of: 1)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: folder.segmentPath(1)))
        try handle.truncate(atOffset: UInt64(size - 3))
        try handle.close()

        let reader = CaptureLogReader(directory: folder.path)
        let read = try reader.records()
        #expect(read.count == entries.firstIndex(of: lastOfFirst)!)
        #expect(reader.damage?.position == lastOfFirst.position)
        #expect(reader.damage?.reason.contains("later segment") == true)
    }
}
