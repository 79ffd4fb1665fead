import Foundation
import Testing

@testable import ObjectStore

/// Microsoft's published examples come from "Listing Blob storage resources" (the enumeration page List Blobs points to
/// for sample answers), https://learn.microsoft.com/en-us/rest/api/storageservices/enumerating-blob-resources
@Suite struct AzureBlobListTests {
    /// The page's "Delimited Blob List" answer to
    /// `GET https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=list&delimiter=/&maxresults=4`.
    /// One typo fixed: the page closes the first blob's properties with `<Properties>` instead of `</Properties>`.
    static let microsoftDelimitedBlobList = """
        <?xml version="1.0" encoding="utf-8"?>
        <EnumerationResults ContainerName="https://myaccount.blob.core.windows.net/mycontainer">
          <MaxResults>4</MaxResults>
          <Blobs>
            <Blob>
              <Name>blob1.txt</Name>
              <Url>https://myaccount.blob.core.windows.net/mycontainer/blob1.txt</Url>
              <Properties>
                <Last-Modified>Sun, 27 Sep 2009 18:41:57 GMT</Last-Modified>
                <Etag>0x8CAE7D55D050B8B</Etag>
                <Content-Length>8</Content-Length>
                <Content-Type>text/html</Content-Type>
                <Content-Encoding />
                <Content-Language>en-US</Content-Language>
                <Content-MD5 />
                <Cache-Control>no-cache</Cache-Control>
                <BlobType>BlockBlob</BlobType>
                <LeaseStatus>unlocked</LeaseStatus>
              </Properties>
            </Blob>
            <Blob>
              <Name>blob2.txt</Name>
              <Url>https://myaccount.blob.core.windows.net/mycontainer/blob2.txt</Url>
              <Properties>
                <Last-Modified>Sun, 27 Sep 2009 12:18:50 GMT</Last-Modified>
                <Etag>0x8CAE7D55CF6C339</Etag>
                <Content-Length>100</Content-Length>
                <Content-Type>text/html</Content-Type>
                <Content-Encoding />
                <Content-Language>en-US</Content-Language>
                <Content-MD5 />
                <Cache-Control>no-cache</Cache-Control>
                <BlobType>BlockBlob</BlobType>
                <LeaseStatus>unlocked</LeaseStatus>
              </Properties>
            </Blob>
            <BlobPrefix>
              <Name>myfolder/</Name>
            </BlobPrefix>
            <Blob>
              <Name>newblob1.txt</Name>
              <Url>https://myaccount.blob.core.windows.net/mycontainer/newblob1.txt</Url>
              <Properties>
                <Last-Modified>Sun, 27 Sep 2009 16:31:57 GMT</Last-Modified>
                <Etag>0x8CAE7D55CF6C339</Etag>
                <Content-Length>25</Content-Length>
                <Content-Type>text/html</Content-Type>
                <Content-Encoding />
                <Content-Language>en-US</Content-Language>
                <Content-MD5 />
                <Cache-Control>no-cache</Cache-Control>
                <BlobType>BlockBlob</BlobType>
                <LeaseStatus>unlocked</LeaseStatus>
              </Properties>
            </Blob>
          </Blobs>
          <NextMarker>newblob2.txt</NextMarker>
        </EnumerationResults>
        """

    /// The page's "Blob and Snapshot List" answer, as published, shortened to its first blob and its page blob (the
    /// three `blob2.txt` entries in between add nothing): metadata, empty elements and an empty `NextMarker`.
    static let microsoftBlobAndSnapshotList = """
        <?xml version="1.0" encoding="utf-8"?>
        <EnumerationResults ContainerName="https://myaccount.blob.core.windows.net/mycontainer">
          <Blobs>
            <Blob>
              <Name>blob1.txt</Name>
              <Url>https://myaccount.blob.core.windows.net/mycontainer/blob1.txt</Url>
              <Properties>
                <Last-Modified>Wed, 09 Sep 2009 09:20:02 GMT</Last-Modified>
                <Etag>0x8CBFF45D8A29A19</Etag>
                <Content-Length>100</Content-Length>
                <Content-Type>text/html</Content-Type>
                <Content-Encoding />
                <Content-Language>en-US</Content-Language>
                <Content-MD5 />
                <Cache-Control>no-cache</Cache-Control>
                <BlobType>BlockBlob</BlobType>
                <LeaseStatus>unlocked</LeaseStatus>
              </Properties>
              <Metadata>
                <Color>blue</Color>
                <BlobNumber>01</BlobNumber>
                <SomeMetadataName>SomeMetadataValue</SomeMetadataName>
              </Metadata>
            </Blob>
            <Blob>
              <Name>blob3.txt</Name>
              <Url>https://myaccount.blob.core.windows.net/mycontainer/blob3.txt</Url>
              <Properties>
                <Last-Modified>Wed, 09 Sep 2009 09:20:03 GMT</Last-Modified>
                <Etag>0x8CBFF45D911FADF</Etag>
                <Content-Length>16384</Content-Length>
                <Content-Type>image/jpeg</Content-Type>
                <Content-Encoding />
                <Content-Language />
                <Content-MD5 />
                <Cache-Control />
                <x-ms-blob-sequence-number>3</x-ms-blob-sequence-number>
                <BlobType>PageBlob</BlobType>
                <LeaseStatus>locked</LeaseStatus>
              </Properties>
              <Metadata>
                <Color>yellow</Color>
                <BlobNumber>03</BlobNumber>
                <SomeMetadataName>SomeMetadataValue</SomeMetadataName>
              </Metadata>
            </Blob>
          </Blobs>
          <NextMarker />
        </EnumerationResults>
        """

    @Test func microsoftExampleDelimitedBlobList() throws {
        let list = try AzureBlobList(parsing: Data(Self.microsoftDelimitedBlobList.utf8))
        #expect(
            list.blobs == [
                .init(name: "blob1.txt", contentLength: 8), .init(name: "blob2.txt", contentLength: 100),
                .init(name: "newblob1.txt", contentLength: 25),
            ]
        )
        #expect(list.prefixes == ["myfolder/"])
        #expect(list.nextMarker == "newblob2.txt")
    }

    @Test func microsoftExampleBlobListWithMetadataAndAnEmptyNextMarker() throws {
        let list = try AzureBlobList(parsing: Data(Self.microsoftBlobAndSnapshotList.utf8))
        #expect(list.blobs == [.init(name: "blob1.txt", contentLength: 100), .init(name: "blob3.txt", contentLength: 16384)])
        #expect(list.prefixes == [])
        #expect(list.nextMarker == nil)
    }

    @Test func currentServiceShapeWithEncodedNamesAndEscapes() throws {
        let body = """
            <?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://myaccount.blob.core.windows.net/" \
            ContainerName="snapshots"><Prefix>indices/</Prefix><Delimiter>/</Delimiter><Blobs>\
            <Blob><Name> spaced &amp; escaped </Name><Properties><Content-Length>0</Content-Length></Properties>\
            <Metadata><Name>not the blob name</Name></Metadata></Blob>\
            <Blob><Name Encoded="true">odd%EF%BF%BEname</Name><Properties><Content-Length>9000000000</Content-Length></Properties></Blob>\
            <BlobPrefix><Name Encoded="true">dir%2Bx/</Name></BlobPrefix></Blobs>\
            <NextMarker>2!80!MDAwMDE2IW5vdGVz</NextMarker></EnumerationResults>
            """
        let list = try AzureBlobList(parsing: Data(body.utf8))
        #expect(
            list.blobs == [
                .init(name: " spaced & escaped ", contentLength: 0), .init(name: "odd\u{FFFE}name", contentLength: 9_000_000_000),
            ])
        #expect(list.prefixes == ["dir+x/"])
        #expect(list.nextMarker == "2!80!MDAwMDE2IW5vdGVz")
    }

    @Test(arguments: [
        ("not xml at all", "The Azure List Blobs answer is not well-formed XML (line 1)."),
        (
            "<Error><Code>AuthenticationFailed</Code></Error>",
            "The Azure List Blobs answer has the root element Error, not EnumerationResults."
        ),
        (
            "<EnumerationResults><Blobs><Blob><Properties><Content-Length>1</Content-Length></Properties></Blob></Blobs>"
                + "</EnumerationResults>",
            "The Azure List Blobs answer lists a blob without a Name."
        ),
        (
            "<EnumerationResults><Blobs><Blob><Name>a</Name><Properties><Content-Length>-1</Content-Length></Properties></Blob>"
                + "</Blobs></EnumerationResults>",
            "The Azure List Blobs answer gives blob a no valid Content-Length."
        ),
    ])
    func unreadableAnswersAreRefused(body: String, message: String) {
        let error = #expect(throws: ObjectStoreError.self) { try AzureBlobList(parsing: Data(body.utf8)) }
        #expect(error?.kind == .badResponse)
        #expect(error?.message == message)
    }
}
