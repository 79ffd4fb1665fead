import Foundation
import Testing

@testable import ObjectStore

// "S3 API reference ListObjectsV2 example N" are the sample answers of the Amazon S3 API Reference's ListObjectsV2 page
// (API_ListObjectsV2.html, Examples 1 to 4).

@Suite("S3 ListObjectsV2 answers")
struct S3ObjectListTests {
    static func parse(_ text: String) throws(AWSResponseError) -> S3ObjectList {
        try S3ObjectList(xml: Data(text.utf8))
    }

    @Test("S3 API reference ListObjectsV2 example 1: listing keys")
    func example1() throws {
        let list = try Self.parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
                <Name>bucket</Name>
                <Prefix/>
                <KeyCount>205</KeyCount>
                <MaxKeys>1000</MaxKeys>
                <IsTruncated>false</IsTruncated>
                <Contents>
                    <Key>my-image.jpg</Key>
                    <LastModified>2009-10-12T17:50:30.000Z</LastModified>
                    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
                    <Size>434234</Size>
                    <StorageClass>STANDARD</StorageClass>
                </Contents>
            </ListBucketResult>
            """)
        #expect(list == S3ObjectList(contents: [.init(key: "my-image.jpg", size: 434_234)], keyCount: 205))
    }

    @Test("S3 API reference ListObjectsV2 example 2: max-keys, prefix and start-after")
    func example2() throws {
        let list = try Self.parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
                <Name>quotes</Name>
                <Prefix>E</Prefix>
                <StartAfter>ExampleGuide.pdf</StartAfter>
                <KeyCount>1</KeyCount>
                <MaxKeys>3</MaxKeys>
                <IsTruncated>false</IsTruncated>
                <Contents>
                    <Key>ExampleObject.txt</Key>
                    <LastModified>2013-09-17T18:07:53.000Z</LastModified>
                    <ETag>&quot;599bab3ed2c697f1d26842727561fd94&quot;</ETag>
                    <Size>857</Size>
                    <StorageClass>REDUCED_REDUNDANCY</StorageClass>
                </Contents>
            </ListBucketResult>
            """)
        #expect(list == S3ObjectList(contents: [.init(key: "ExampleObject.txt", size: 857)], keyCount: 1))
    }

    @Test("S3 API reference ListObjectsV2 example 3: prefix and delimiter give common prefixes")
    func example3() throws {
        let list = try Self.parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>example-bucket</Name>
              <Prefix>photos/2006/</Prefix>
              <KeyCount>3</KeyCount>
              <MaxKeys>1000</MaxKeys>
              <Delimiter>/</Delimiter>
              <IsTruncated>false</IsTruncated>
              <Contents>
                <Key>photos/2006/</Key>
                <LastModified>2016-04-30T23:51:29.000Z</LastModified>
                <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag>
                <Size>0</Size>
                <StorageClass>STANDARD</StorageClass>
              </Contents>

              <CommonPrefixes>
                <Prefix>photos/2006/February/</Prefix>
              </CommonPrefixes>
              <CommonPrefixes>
                <Prefix>photos/2006/January/</Prefix>
              </CommonPrefixes>
            </ListBucketResult>
            """)
        let expected = S3ObjectList(
            contents: [.init(key: "photos/2006/", size: 0)], commonPrefixes: ["photos/2006/February/", "photos/2006/January/"], keyCount: 3)
        #expect(list == expected)
    }

    @Test("S3 API reference ListObjectsV2 example 4: a continuation token")
    func example4() throws {
        let list = try Self.parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>bucket</Name>
              <Prefix></Prefix>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
              <KeyCount>1000</KeyCount>
              <MaxKeys>1000</MaxKeys>
              <IsTruncated>true</IsTruncated>
              <Contents>
                <Key>happyface.jpg</Key>
                <LastModified>2014-11-21T19:40:05.000Z</LastModified>
                <ETag>&quot;70ee1738b6b21e2c8a43f3a5ab0eee71&quot;</ETag>
                <Size>11</Size>
                <StorageClass>STANDARD</StorageClass>
              </Contents>
            </ListBucketResult>
            """)
        #expect(list.isTruncated && list.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(list.contents == [.init(key: "happyface.jpg", size: 11)] && list.keyCount == 1000)
    }

    @Test("Recorded from moto: prefix repo/ with delimiter /, one object and one sub-folder")
    func motoDelimited() throws {
        let list = try Self.parse(MotoRecording.listDelimited)
        #expect(list == S3ObjectList(contents: [.init(key: "repo/index-5", size: 16)], commonPrefixes: ["repo/indices/"], keyCount: 2))
    }

    @Test("Recorded from moto: a truncated first page and a missing bucket")
    func motoPagesAndErrors() throws {
        let page = try Self.parse(MotoRecording.listTruncated)
        #expect(page.isTruncated && page.nextContinuationToken == "bcd8dc7dd5cb5d016c0cde19907ca677" && page.contents.count == 1)
        #expect(throws: AWSResponseError(code: "NoSuchBucket", message: "The specified bucket does not exist", source: "S3 ListObjectsV2"))
        {
            try Self.parse(MotoRecording.noSuchBucket)
        }
    }

    @Test("S3 error documents: SlowDown is retryable, NoSuchKey (the S3 API reference's error sample) is not")
    func errorDocuments() {
        let slowDown = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>1</RequestId></Error>"
        do {
            _ = try Self.parse(slowDown)
            Issue.record("SlowDown parsed as a listing")
        } catch {
            #expect(error.isRetryable)
            #expect(error.description == "S3 ListObjectsV2 refused the request with SlowDown: Please reduce your request rate.")
        }
        let noSuchKey = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>NoSuchKey</Code>
              <Message>The resource you requested does not exist</Message>
              <Resource>/mybucket/myfoto.jpg</Resource>
              <RequestId>4442587FB7D0A2F9</RequestId>
            </Error>
            """
        let error = AWSResponseError.parse(xml: Data(noSuchKey.utf8), source: "S3 GetObject")
        #expect(error?.code == "NoSuchKey" && error?.isRetryable == false)
        #expect(AWSResponseError.parse(xml: Data("<ListBucketResult/>".utf8), source: "S3") == nil)
    }

    @Test("encoding-type=url answers are decoded; entities and spaces in keys survive")
    func urlEncodedAndEscaped() throws {
        let encoded = try Self.parse(
            "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
                + "<Contents><Key>a%20b%2Bc+d/%C3%A9</Key><Size>1</Size></Contents>"
                + "<CommonPrefixes><Prefix>dir%2F</Prefix></CommonPrefixes></ListBucketResult>")
        #expect(encoded.contents == [.init(key: "a b+c d/é", size: 1)] && encoded.commonPrefixes == ["dir/"])
        let plain = try Self.parse("<ListBucketResult><Contents><Key> a&amp;b &lt;c&gt;</Key><Size>2</Size></Contents></ListBucketResult>")
        #expect(plain.contents == [.init(key: " a&b <c>", size: 2)] && plain.keyCount == nil && !plain.isTruncated)
    }

    @Test("Unusable pages are errors: truncated without a token, a Contents without Size, another document")
    func malformed() {
        let cases = [
            "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
            "<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>",
            "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
            "<ListAllMyBucketsResult/>", "<html>", "",
        ]
        for text in cases {
            #expect(throws: AWSResponseError.self, "\(text)") { try Self.parse(text) }
        }
    }
}
