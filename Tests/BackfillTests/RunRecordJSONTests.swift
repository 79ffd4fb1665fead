import Foundation
import Testing

@testable import Backfill

/// The `--json` contract of `tern backfill status` and `tern status`: a run's kind is an enum in the code and prints the
/// words it printed as a string.
@Suite struct RunRecordJSONTests {
    @Test(arguments: [
        (RunRecord.Kind.backfill, "backfill"), (.remoteReindex, "remote-reindex"), (.snapshotRestore, "snapshot-restore"),
    ])
    func kindsPrintTheWordsTheyAlwaysPrinted(kind: RunRecord.Kind, word: String) throws {
        let record = RunRecord(
            id: 7, kind: kind, key: "k", description: "d", status: .completedWithFailures, startedAt: Date(timeIntervalSince1970: 0),
            starts: 1, lastStartedAt: Date(timeIntervalSince1970: 0), finishedAt: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        #expect(json.contains(#""kind":"\#(word)""#), "\(json)")
        #expect(json.contains(#""status":"completed_with_failures""#))
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(json.utf8)).kind == kind)
    }
}
