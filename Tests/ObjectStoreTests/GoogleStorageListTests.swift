import Foundation
import Testing

@testable import ObjectStore

/// Answers shaped as the JSON API reference documents them: the `Objects` list and the object resource,
/// https://cloud.google.com/storage/docs/json_api/v1/objects/list and
/// https://cloud.google.com/storage/docs/json_api/v1/objects#resource (sizes and generations are decimal strings).
@Suite struct GoogleStorageListTests {
    @Test func aPageWithObjectsPrefixesAndAToken() throws {
        let body = """
            {
              "kind": "storage#objects",
              "nextPageToken": "CiFpbmRpY2VzL2FiYy8wL19fMQ==",
              "prefixes": ["snapshots/indices/", "snapshots/tests-abc/"],
              "items": [
                {
                  "kind": "storage#object",
                  "id": "tern-bucket/snapshots/index-5/1767225600000000",
                  "selfLink": "https://www.googleapis.com/storage/v1/b/tern-bucket/o/snapshots%2Findex-5",
                  "mediaLink": "https://storage.googleapis.com/download/storage/v1/b/tern-bucket/o/snapshots%2Findex-5?alt=media",
                  "name": "snapshots/index-5",
                  "bucket": "tern-bucket",
                  "generation": "1767225600000000",
                  "metageneration": "1",
                  "contentType": "application/octet-stream",
                  "storageClass": "STANDARD",
                  "size": "12345",
                  "md5Hash": "1B2M2Y8AsgTpgAmY7PhCfg==",
                  "crc32c": "AAAAAA==",
                  "etag": "CICAgICAgIADEAE=",
                  "timeCreated": "2026-01-01T00:00:00.000Z",
                  "updated": "2026-01-01T00:00:00.000Z",
                  "timeStorageClassUpdated": "2026-01-01T00:00:00.000Z"
                },
                {"kind": "storage#object", "name": "snapshots/index.latest", "bucket": "tern-bucket", "size": "8"},
                {"kind": "storage#object", "name": "snapshots/big", "size": "9007199254740993"}
              ]
            }
            """
        let list = try GoogleStorageList(json: Data(body.utf8))
        #expect(
            list.objects == [
                .init(name: "snapshots/index-5", size: 12345), .init(name: "snapshots/index.latest", size: 8),
                .init(name: "snapshots/big", size: 9_007_199_254_740_993),
            ]
        )
        #expect(list.prefixes == ["snapshots/indices/", "snapshots/tests-abc/"])
        #expect(list.nextPageToken == "CiFpbmRpY2VzL2FiYy8wL19fMQ==")
    }

    @Test func anEmptyLastPageLeavesOutItemsAndPrefixes() throws {
        let list = try GoogleStorageList(json: Data(#"{"kind":"storage#objects"}"#.utf8))
        #expect(list == GoogleStorageList(objects: [], prefixes: [], nextPageToken: nil))
    }

    @Test func fakeGCSServerAnswerWithANumericSize() throws {
        let body = #"{"kind":"storage#objects","items":[{"kind":"storage#object","name":"a","size":3}],"prefixes":["d/"]}"#
        let list = try GoogleStorageList(json: Data(body.utf8))
        #expect(list == GoogleStorageList(objects: [.init(name: "a", size: 3)], prefixes: ["d/"], nextPageToken: nil))
    }

    @Test(arguments: [
        ("[]", "The Google Cloud Storage objects.list answer is not a JSON object."),
        (
            #"{"error":{"code":403,"message":"tern@p.iam.gserviceaccount.com does not have storage.objects.list access."}}"#,
            "Google Cloud Storage answered objects.list with an error: "
                + "tern@p.iam.gserviceaccount.com does not have storage.objects.list access."
        ),
        (#"{"items":{}}"#, #"The Google Cloud Storage objects.list answer's "items" is not a list of objects."#),
        (#"{"items":[{"size":"1"}]}"#, "Item 0 of the Google Cloud Storage objects.list answer has no name."),
        (#"{"items":[{"name":"a","size":"x"}]}"#, "Object a in the Google Cloud Storage objects.list answer has no valid size."),
        (#"{"items":[{"name":"a"}]}"#, "Object a in the Google Cloud Storage objects.list answer has no valid size."),
        (#"{"prefixes":[1]}"#, #"The Google Cloud Storage objects.list answer's "prefixes" is not a list of strings."#),
    ])
    func unreadableAnswersAreRefused(body: String, message: String) {
        let error = #expect(throws: ObjectStoreError.self) { try GoogleStorageList(json: Data(body.utf8)) }
        #expect(error == .badResponse(message))
    }
}
