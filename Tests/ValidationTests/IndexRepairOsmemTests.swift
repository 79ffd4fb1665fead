import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Validation

/// `--repair` against a target with a history of its own, between two real osmem-server clusters: documents deleted on
/// the target with a delete tombstone above the source's version, updated there many times (external and internal
/// versions above the source's), extra and missing ones. After the repair an independent reading of both sides (plain
/// `_search` over HTTP, none of the repair's code) finds them equal, and a second validation finds nothing.
@Suite struct IndexRepairOsmemTests {
    static let count = 120
    /// Some documents carry a custom routing, the same on both sides.
    static func routing(_ n: Int) -> String? { n % 7 == 0 ? "r\(n % 3)" : nil }
    static func id(_ n: Int) -> String { "doc-\(n)" }

    /// Deleted on the target with an external version 1000 above the source's.
    static let deletedOnTarget = [2, 12, 28, 41]
    /// Written on the target five times with external versions up to 500 above the source's.
    static let updatedExternally = [3, 13, 35]
    /// Written on the target 25 times with internal versioning.
    static let updatedInternally = [4, 42]
    /// Never copied (no tombstone).
    static let neverCopied = [5, 49]
    /// Updated on the source after the copy: the target copy is behind.
    static let updatedOnSourceAfter = [6, 16]
    /// Deleted on the source after the copy: extra on the target.
    static let deletedOnSourceAfter = [8, 21]
    /// Deleted on the target one version above the copy, then updated on the source (a tombstone below the source).
    static let lowTombstone = [9]

    /// One document as a plain `_search` returns it.
    struct Stored: Equatable, CustomStringConvertible {
        var routing: String?
        var source: String
        var seqNo: Int64
        var version: Int64
        var description: String { "\(routing.map { "routing \($0) " } ?? "")\(source) (seq_no \(seqNo), version \(version))" }
    }

    /// Every document of `index` read with a plain `_search` (after a refresh), by id.
    static func stored(_ server: OsmemServer, _ index: String) async throws -> [String: Stored] {
        try await server.send(.POST, "/\(index)/_refresh")
        let body = #"{"size":10000,"version":true,"seq_no_primary_term":true,"query":{"match_all":{}}}"#
        let answer = try await server.send(.POST, "/\(index)/_search", body: Array(body.utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any])
        let hits = try #require((json["hits"] as? [String: Any])?["hits"] as? [[String: Any]])
        var documents: [String: Stored] = [:]
        for hit in hits {
            let id = try #require(hit["_id"] as? String)
            documents[id] = Stored(
                routing: hit["_routing"] as? String, source: try OsmemServer.canonical(try #require(hit["_source"])),
                seqNo: try #require((hit["_seq_no"] as? NSNumber)?.int64Value),
                version: try #require((hit["_version"] as? NSNumber)?.int64Value))
        }
        return documents
    }

    /// Sends ndjson `lines` to `_bulk` (refreshing) and returns each item's status.
    @discardableResult
    static func bulk(_ server: OsmemServer, _ lines: [String]) async throws -> [Int] {
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        let answer = try await server.send(.POST, "/_bulk", query: [("refresh", "true")], body: body, contentType: "application/x-ndjson")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any])
        let items = try #require(json["items"] as? [[String: [String: Any]]])
        return items.map { ($0.values.first?["status"] as? Int) ?? 0 }
    }

    /// An action line.
    static func action(
        _ kind: String = "index", index: String, id: String, routing: String?, version: Int64? = nil, versionType: String = "external"
    ) -> String {
        var fields = [#""_index":"\#(index)""#, #""_id":"\#(id)""#]
        if let routing { fields.append(#""routing":"\#(routing)""#) }
        if let version { fields += [#""version":\#(version)"#, #""version_type":"\#(versionType)""#] }
        return #"{"\#(kind)":{\#(fields.joined(separator: ","))}}"#
    }

    /// Builds the source, copies it to the target as a backfill does (external version = source `_seq_no`), then gives
    /// both sides their own history. Returns the source's versions at the copy.
    static func plant(_ source: OsmemServer, _ target: OsmemServer) async throws -> [String: Stored] {
        try await source.createIndex("orders", body: #"{"settings":{"number_of_shards":3}}"#)
        try await target.createIndex("orders-v2", body: #"{"settings":{"number_of_shards":2}}"#)
        try await source.seed(
            index: "orders",
            documents: (0..<count).map { OsmemServer.SeedDocument(id: id($0), source: #"{"n":\#($0),"v":0}"#, routing: routing($0)) })
        for round in 1...3 {
            try await bulk(
                source,
                (0..<count).filter { $0 % 10 == 1 }.flatMap {
                    [action(index: "orders", id: id($0), routing: routing($0)), #"{"n":\#($0),"v":\#(round)}"#]
                })
        }
        let copied = try await stored(source, "orders")
        #expect(copied.count == count)
        try await bulk(
            target,
            copied.filter { id, _ in !neverCopied.map(Self.id).contains(id) }.flatMap { id, document in
                [action(index: "orders-v2", id: id, routing: document.routing, version: document.seqNo), document.source]
            })

        // The source moves on.
        try await bulk(
            source,
            (updatedOnSourceAfter + lowTombstone).flatMap {
                [action(index: "orders", id: id($0), routing: routing($0)), #"{"n":\#($0),"v":9}"#]
            } + deletedOnSourceAfter.map { action("delete", index: "orders", id: id($0), routing: routing($0)) })

        // The target's own history.
        var lines: [String] = []
        for n in deletedOnTarget {
            lines.append(action("delete", index: "orders-v2", id: id(n), routing: routing(n), version: copied[id(n)]!.seqNo + 1000))
        }
        for n in lowTombstone {
            lines.append(action("delete", index: "orders-v2", id: id(n), routing: routing(n), version: copied[id(n)]!.seqNo + 1))
        }
        for k in 1...5 {
            for n in updatedExternally {
                lines += [
                    action(index: "orders-v2", id: id(n), routing: routing(n), version: copied[id(n)]!.seqNo + Int64(100 * k)),
                    #"{"n":\#(n),"target":\#(k)}"#,
                ]
            }
        }
        for k in 1...25 {
            for n in updatedInternally {
                lines += [action(index: "orders-v2", id: id(n), routing: routing(n)), #"{"n":\#(n),"local":\#(k)}"#]
            }
            lines += [action(index: "orders-v2", id: "stray-4", routing: nil), #"{"stray":4,"k":\#(k)}"#]
        }
        lines += [
            action(index: "orders-v2", id: "stray-1", routing: nil), #"{"stray":1}"#,
            action(index: "orders-v2", id: "stray-2", routing: nil, version: 5000), #"{"stray":2}"#,
            action(index: "orders-v2", id: "stray-3", routing: "r2", version: 77), #"{"stray":3}"#,
        ]
        let statuses = try await bulk(target, lines)
        #expect(statuses.allSatisfy { (200..<300).contains($0) }, "\(statuses)")
        return copied
    }

    static func runner(_ source: OsmemServer, _ target: OsmemServer, repair: Bool) -> ValidationRunner {
        ValidationRunner(
            source: source.configuration(role: "source"), target: target.configuration(role: "target"),
            options: ValidationRunner.Options(
                selection: IndexSelection(renames: [(from: "orders", to: "orders-v2")]), slices: 2, checkMetadata: false, repair: repair),
            logger: Logger(label: "test"))
    }

    @Test func aTargetWithAHistoryOfItsOwnEndsEqualToTheSource() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let copied = try await Self.plant(source, target)
                let report = try await Self.runner(source, target, repair: true).run()
                let before = try #require(report.beforeRepair?.first)
                // 2 never copied + 4 deleted on the target + 1 deleted below the source's version; 2 deleted on the
                // source + 4 strays; 3 + 2 updated on the target + 2 updated on the source.
                #expect(before.missing == 7 && before.extra == 6 && before.different == 7, "\(before)")
                let repair = try #require(report.repairs?.first)
                #expect(repair.failed == 0, "\(repair.failures)")
                #expect(repair.copied == 14 && repair.deleted == 6, "\(repair)")
                #expect(report.ok, "\(report.indices)")

                // An independent reading of both sides.
                let sourceNow = try await Self.stored(source, "orders")
                let targetNow = try await Self.stored(target, "orders-v2")
                #expect(sourceNow.count == Self.count - Self.deletedOnSourceAfter.count)
                #expect(Set(sourceNow.keys) == Set(targetNow.keys))
                for (id, document) in sourceNow {
                    let copy = try #require(targetNow[id], "\(id) is missing on the target")
                    #expect(copy.source == document.source && copy.routing == document.routing, "\(id): \(copy) for \(document)")
                }

                // The versions the rule promises: the source's where the target was behind, the least above the source's
                // the target accepts where its own history was ahead, and those counted.
                for n in Self.updatedOnSourceAfter + Self.neverCopied + Self.lowTombstone {
                    #expect(targetNow[Self.id(n)]?.version == sourceNow[Self.id(n)]?.seqNo, "doc-\(n)")
                }
                for n in Self.deletedOnTarget {
                    #expect(targetNow[Self.id(n)]?.version == copied[Self.id(n)]!.seqNo + 1001, "doc-\(n): the tombstone's version + 1")
                }
                for n in Self.updatedExternally {
                    #expect(targetNow[Self.id(n)]?.version == copied[Self.id(n)]!.seqNo + 500, "doc-\(n): kept at the target's version")
                }
                for n in Self.updatedInternally {
                    #expect(targetNow[Self.id(n)]?.version == copied[Self.id(n)]!.seqNo + 25, "doc-\(n): kept at the target's version")
                }
                let ahead = Self.deletedOnTarget.count + Self.updatedExternally.count + Self.updatedInternally.count
                #expect(repair.versionsAhead == Int64(ahead) && repair.versionsAheadSample.count == ahead, "\(repair)")

                let again = try await Self.runner(source, target, repair: false).run()
                #expect(again.ok && again.indices.allSatisfy(\.isClean), "\(again.indices)")

                // What a replay does afterwards. Where the target was behind, as if no repair had happened: an older
                // source write is refused, a newer one applies.
                let behind = Self.id(Self.updatedOnSourceAfter[0])
                let version = try #require(sourceNow[behind]?.seqNo)
                let older = try await Self.bulk(
                    target, [Self.action(index: "orders-v2", id: behind, routing: nil, version: version - 1), #"{"n":6,"v":8}"#])
                let newer = try await Self.bulk(
                    target, [Self.action(index: "orders-v2", id: behind, routing: nil, version: version + 1), #"{"n":6,"v":10}"#])
                #expect(older == [409] && newer == [200])
                // Where the target's history was ahead, a newer source write at or below the kept version is refused
                // (the documented consequence, which `versions_ahead` reports).
                let ahead3 = Self.id(Self.updatedExternally[0])
                let refused = try await Self.bulk(
                    target,
                    [
                        Self.action(index: "orders-v2", id: ahead3, routing: nil, version: try #require(sourceNow[ahead3]?.seqNo) + 1),
                        #"{"n":3,"v":10}"#,
                    ])
                #expect(refused == [409])
            }
        }
    }

    /// A repair that meets writes made between its reads and its writes (a live replay: the newer source state, on
    /// both sides) reads again and never puts the older state back.
    @Test func aWriteInBetweenIsReadAgainAndNeverUndone() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("orders")
                try await target.createIndex("orders")
                try await source.seed(
                    index: "orders",
                    documents: ["a", "b", "c"].map { OsmemServer.SeedDocument(id: $0, source: #"{"id":"\#($0)","v":1}"#) })
                let first = try await Self.stored(source, "orders")
                // `a` behind, `b` missing, `c` deleted on the target above the source's version.
                try await Self.bulk(
                    target,
                    [
                        Self.action(index: "orders", id: "a", routing: nil, version: first["a"]!.seqNo), #"{"id":"a","v":0}"#,
                        Self.action("delete", index: "orders", id: "c", routing: nil, version: first["c"]!.seqNo + 50),
                    ])
                let differences = try DocumentDifferences(
                    path: FileManager.default.temporaryDirectory.appendingPathComponent("tern-repair-\(UUID().uuidString)").path)
                defer { try? FileManager.default.removeItem(atPath: differences.path) }
                try differences.record(.init(kind: .different, id: "a", routing: nil))
                try differences.record(.init(kind: .missing, id: "b", routing: nil))
                try differences.record(.init(kind: .missing, id: "c", routing: nil))

                let logger = Logger(label: "test")
                let result = try await SearchClient.withClient(source.configuration(role: "source"), logger: logger) { sourceClient in
                    try await SearchClient.withClient(target.configuration(role: "target"), logger: logger) { targetClient in
                        var repair = IndexRepair(
                            source: sourceClient, sourceCluster: try await sourceClient.info(), target: targetClient,
                            targetCluster: try await targetClient.info())
                        repair.beforeWriting = { round in
                            guard round == 1 else { return }
                            // A client writes the source, and the replay copies each write with its `_seq_no`.
                            for id in ["a", "b"] {
                                try await Self.bulk(
                                    source, [Self.action(index: "orders", id: id, routing: nil), #"{"id":"\#(id)","v":2}"#])
                                let now = try #require(try await Self.stored(source, "orders")[id])
                                try await Self.bulk(
                                    target, [Self.action(index: "orders", id: id, routing: nil, version: now.seqNo), now.source])
                            }
                        }
                        return try await repair.run(sourceIndex: "orders", targetIndex: "orders", differences: differences)
                    }
                }
                // `a` and `b` conflict once (the replay got there first) and are read again; `c` is refused by the
                // tombstone once and then created.
                #expect(result.failed == 0 && result.copied == 3 && result.conflicts == 3, "\(result)")
                let sourceNow = try await Self.stored(source, "orders")
                let targetNow = try await Self.stored(target, "orders")
                #expect(sourceNow.mapValues(\.source) == targetNow.mapValues(\.source))
                #expect(targetNow["a"]?.source == #"{"id":"a","v":2}"# && targetNow["a"]?.version == sourceNow["a"]?.seqNo)
                #expect(targetNow["b"]?.version == sourceNow["b"]?.seqNo)
                #expect(targetNow["c"]?.version == first["c"]!.seqNo + 51 && result.versionsAhead == 1)
            }
        }
    }
}
