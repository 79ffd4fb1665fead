import Foundation
import Testing

@testable import Validation

/// The `--json` contract of `tern validate`: an index's metadata status is an enum in the code and prints the words it
/// printed as a string.
@Suite struct IndexMetadataCheckJSONTests {
    @Test(arguments: [
        (IndexMetadataCheck.Status.identical, "identical"), (.different, "different"), (.missing, "missing"),
        (.cannotConvert, "cannot-convert"), (.conflict, "conflict"),
    ])
    func statusesPrintTheWordsTheyAlwaysPrinted(status: IndexMetadataCheck.Status, word: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(IndexMetadataCheck(status: status)), as: UTF8.self)
        #expect(json == #"{"mapping_differences":[],"other_differences":[],"status":"\#(word)"}"#)
    }
}
