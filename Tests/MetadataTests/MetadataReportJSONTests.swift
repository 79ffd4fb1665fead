import Foundation
import TernCore
import Testing

@testable import Metadata

/// The `--json` contract of `tern metadata`: kinds, statuses and actions are enums in the code, and their raw values
/// must print the very words the report printed when they were strings.
@Suite struct MetadataReportJSONTests {
    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func entry(_ kind: MetadataKind, _ status: MetadataReport.Entry.Status, _ action: MetadataReport.Entry.Action?)
        -> MetadataReport.Entry
    {
        MetadataReport.Entry(
            kind: kind, source: "s", name: "n", status: status, action: action, transformations: [], findings: [], differences: [],
            reason: nil, dropped: [], body: nil)
    }

    @Test(arguments: [
        (
            MetadataKind.legacyTemplate, MetadataReport.Entry.Status.create, MetadataReport.Entry.Action?.some(.created),
            #"{"action":"created","differences":[],"dropped":[],"findings":[],"kind":"legacy-template","name":"n","source":"s","status":"create","transformations":[]}"#
        ),
        (
            .componentTemplate, .identical, .skipped,
            #"{"action":"skipped","differences":[],"dropped":[],"findings":[],"kind":"component-template","name":"n","source":"s","status":"identical","transformations":[]}"#
        ),
        (
            .indexTemplate, .different, .overwritten,
            #"{"action":"overwritten","differences":[],"dropped":[],"findings":[],"kind":"index-template","name":"n","source":"s","status":"different","transformations":[]}"#
        ),
        (
            .index, .conflict, .failed,
            #"{"action":"failed","differences":[],"dropped":[],"findings":[],"kind":"index","name":"n","source":"s","status":"conflict","transformations":[]}"#
        ),
        (
            .pipeline, .cannotConvert, nil,
            #"{"differences":[],"dropped":[],"findings":[],"kind":"pipeline","name":"n","source":"s","status":"cannot-convert","transformations":[]}"#
        ),
    ])
    func entriesPrintTheWordsTheyAlwaysPrinted(
        kind: MetadataKind, status: MetadataReport.Entry.Status, action: MetadataReport.Entry.Action?, expected: String
    ) throws {
        let entry = Self.entry(kind, status, action)
        #expect(try Self.json(entry) == expected)
        let decoded = try JSONDecoder().decode(MetadataReport.Entry.self, from: Data(expected.utf8))
        #expect(decoded.kind == kind && decoded.status == status && decoded.action == action)
    }

    @Test func failuresAreExactlyTheItemsThatDidNotEndAsPromised() {
        var entries = [
            Self.entry(.index, .create, .created), Self.entry(.index, .identical, .skipped), Self.entry(.index, .different, .skipped),
            Self.entry(.index, .create, .failed), Self.entry(.pipeline, .cannotConvert, .skipped),
        ]
        entries[0].name = "created"
        entries[1].name = "same"
        entries[2].name = "differs"
        entries[3].name = "refused"
        entries[4].name = "blocked"
        var createdButReadBackDifferent = Self.entry(.index, .create, .created)
        createdButReadBackDifferent.name = "changed"
        createdButReadBackDifferent.differences = ["/settings/index/foo"]
        entries.append(createdButReadBackDifferent)
        let report = MetadataReport(
            source: "a", sourceVersion: "1", target: "b", targetVersion: "2", applied: true, items: entries, notConvertible: [],
            ok: false)
        #expect(report.failures(overwrite: false).map(\.name) == ["differs", "refused", "blocked", "changed"])

        let evaluation = [Self.entry(.index, .create, nil), Self.entry(.index, .identical, nil), Self.entry(.index, .different, nil)]
        #expect(evaluation.filter { !$0.isAcceptable(overwrite: false) }.map(\.status) == [.different])
        #expect(evaluation.allSatisfy { $0.isAcceptable(overwrite: true) })
    }
}
