import Foundation
import Testing

@testable import ObjectStore

/// Microsoft's published examples come from "Authorize with Shared Key",
/// https://learn.microsoft.com/en-us/rest/api/storageservices/authorize-with-shared-key (sections "Blob, Queue, and File
/// services (Shared Key authorization)" and "Shared Key format for 2009-09-19 and later"). The page gives strings to
/// sign but no signature, so the HMAC step is checked against values computed independently with Python's `hmac` module,
/// using the emulator key Microsoft publishes for `devstoreaccount1`. Every full `authorization` literal here is also what
/// Microsoft's own Python SDK (azure-storage-blob 12.31.1, `SharedKeyCredentialPolicy`) produces for the same request.
@Suite struct AzureSharedKeySignerTests {
    let signer = try! AzureSharedKeySigner(account: "myaccount", base64Key: AzureConnectionString.developmentAccountKey)

    @Test func microsoftExampleStringToSignForGetContainerMetadata() {
        // GET https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata&timeout=20
        let signed = signer.stringToSign(
            method: "GET",
            path: "/mycontainer",
            query: [("restype", "container"), ("comp", "metadata"), ("timeout", "20")],
            headers: [("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT"), ("x-ms-version", "2015-02-21")]
        )
        #expect(
            signed
                == "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2015-02-21\n"
                + "/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20"
        )
    }

    @Test func microsoftExampleStringToSignOfTheEarlierRevisionWithVersion20090919() {
        let signed = signer.stringToSign(
            method: "GET",
            path: "/mycontainer",
            query: [("restype", "container"), ("comp", "metadata"), ("timeout", "20")],
            headers: [("x-ms-version", "2009-09-19"), ("x-ms-date", "Sun, 11 Oct 2009 21:49:13 GMT")]
        )
        #expect(
            signed
                == "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sun, 11 Oct 2009 21:49:13 GMT\nx-ms-version:2009-09-19\n"
                + "/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20"
        )
    }

    @Test func microsoftExampleCanonicalizedResourceForGetContainerMetadata() {
        let resource = AzureSharedKeySigner.canonicalizedResource(
            account: "myaccount",
            path: "/mycontainer",
            query: [("restype", "container"), ("comp", "metadata")]
        )
        #expect(resource == "/myaccount/mycontainer\ncomp:metadata\nrestype:container")
    }

    @Test func microsoftExampleCanonicalizedResourceForListBlobsWithRepeatedInclude() {
        // The page's URL says /container but its result /mycontainer; the result is what is checked.
        let resource = AzureSharedKeySigner.canonicalizedResource(
            account: "myaccount",
            path: "/mycontainer",
            query: [
                ("restype", "container"), ("comp", "list"), ("include", "snapshots"), ("include", "metadata"),
                ("include", "uncommittedblobs"),
            ]
        )
        #expect(resource == "/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\nrestype:container")
    }

    @Test func microsoftExampleCanonicalizedResourceForTheSecondaryLocation() {
        // GET https://myaccount-secondary.blob.core.windows.net/mycontainer/myblob signs the primary account's name.
        let resource = AzureSharedKeySigner.canonicalizedResource(account: "myaccount", path: "/mycontainer/myblob", query: [])
        #expect(resource == "/myaccount/mycontainer/myblob")
    }

    @Test func hmacOfMicrosoftExampleMatchesAnIndependentComputation() {
        let signed = signer.stringToSign(
            method: "GET",
            path: "/mycontainer",
            query: [("restype", "container"), ("comp", "metadata"), ("timeout", "20")],
            headers: [("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT"), ("x-ms-version", "2015-02-21")]
        )
        #expect(signer.signature(for: signed) == "1u9lui2jDxj0+fpbHjQ5m5NnastJRSYM+PSmfi8TXx4=")
    }

    @Test func authorizationOfAnAzuriteListingSignsTheAccountTwice() throws {
        // Path-style endpoint: the path already begins with the account, and the resource adds it again.
        let azurite = try AzureSharedKeySigner(account: "devstoreaccount1", base64Key: AzureConnectionString.developmentAccountKey)
        let query = [("restype", "container"), ("comp", "list"), ("prefix", "indices%2F"), ("delimiter", "%2F")]
        let headers = [("x-ms-version", "2021-08-06"), ("x-ms-date", "Tue, 06 Oct 2026 12:00:00 GMT"), ("Accept", "application/xml")]
        let signed = azurite.stringToSign(method: "GET", path: "/devstoreaccount1/snapshots", query: query, headers: headers)
        #expect(
            signed
                == "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Tue, 06 Oct 2026 12:00:00 GMT\nx-ms-version:2021-08-06\n"
                + "/devstoreaccount1/devstoreaccount1/snapshots\ncomp:list\ndelimiter:/\nprefix:indices/\nrestype:container"
        )
        #expect(
            azurite.authorization(method: "GET", path: "/devstoreaccount1/snapshots", query: query, headers: headers)
                == "SharedKey devstoreaccount1:dj4mMw66kDG8yOLOCpFgQcIaSZ6w0bM9n0mx3XuXdV8="
        )
    }

    @Test func authorizationOfARangedReadSortsTheXMSHeaders() {
        let headers = [
            ("X-MS-Version", "2021-08-06"), ("x-ms-range", "bytes=0-1023"), ("x-ms-date", "Tue, 06 Oct 2026 12:00:00 GMT"),
            ("x-ms-client-request-id", "42"), ("User-Agent", "tern"),
        ]
        let authorization = signer.authorization(method: "get", path: "/snapshots/indices/abc/0/__1", query: [], headers: headers)
        #expect(authorization == "SharedKey myaccount:WRYuVctPwycFcBUguJOz1+/svavfuZ0CdTocFbMmjME=")
    }

    @Test func standardHeadersKeepTheirPositionsAndAZeroLengthIsEmpty() {
        let headers = [
            ("Content-Type", "application/octet-stream"), ("Range", "bytes=0-99"), ("Content-Length", "0"),
            ("If-Match", "\"0x8D\""), ("Content-Encoding", "gzip"), ("x-ms-date", "D"),
        ]
        let signed = signer.stringToSign(method: "GET", path: "/c/b", query: [], headers: headers)
        #expect(signed == "GET\ngzip\n\n\n\napplication/octet-stream\n\n\n\"0x8D\"\n\n\nbytes=0-99\nx-ms-date:D\n/myaccount/c/b")
        let withLength = signer.stringToSign(method: "PUT", path: "/c/b", query: [], headers: [("Content-Length", "12")])
        #expect(withLength == "PUT\n\n\n12\n\n\n\n\n\n\n\n\n/myaccount/c/b")
    }

    @Test func dateIsSignedOnlyWithoutXMSDate() {
        let withDate = signer.stringToSign(method: "GET", path: "/c", query: [], headers: [("Date", "Mon, 05 Oct 2026 00:00:00 GMT")])
        #expect(withDate == "GET\n\n\n\n\n\nMon, 05 Oct 2026 00:00:00 GMT\n\n\n\n\n\n/myaccount/c")
        let both = signer.stringToSign(
            method: "GET",
            path: "/c",
            query: [],
            headers: [("Date", "Mon, 05 Oct 2026 00:00:00 GMT"), ("x-ms-date", "Tue, 06 Oct 2026 12:00:00 GMT")]
        )
        #expect(both == "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Tue, 06 Oct 2026 12:00:00 GMT\n/myaccount/c")
    }

    @Test func headerValuesAreUnfoldedAndTrimmedOutsideQuotes() {
        #expect(AzureSharedKeySigner.canonicalizedHeaderValue("  a \t  b\r\n  c \t") == "a b c")
        #expect(AzureSharedKeySigner.canonicalizedHeaderValue(#"x  "in   quotes"  y"#) == #"x "in   quotes" y"#)
        let canonical = AzureSharedKeySigner.canonicalizedHeaders([
            (" x-ms-meta-b ", "2"), ("x-ms-meta-a", " 1 "), ("x-msx-other", "not ours"), ("content-type", "text/plain"),
        ])
        #expect(canonical == "x-ms-meta-a:1\nx-ms-meta-b:2\n")
    }

    @Test func queryNamesAreLoweredAndValuesDecoded() {
        let resource = AzureSharedKeySigner.canonicalizedResource(
            account: "a",
            path: "",
            query: [("COMP", "list"), ("prefix", "my%20dir/a+b"), ("marker", "2!80!MDAw%3D"), ("bad", "100%")]
        )
        #expect(resource == "/a/\nbad:100%\ncomp:list\nmarker:2!80!MDAw=\nprefix:my dir/a b")
    }

    @Test func httpDateIsRFC1123InGMT() {
        #expect(AzureSharedKeySigner.httpDate(Date(timeIntervalSince1970: 1_435_361_952)) == "Fri, 26 Jun 2015 23:39:12 GMT")
        #expect(AzureSharedKeySigner.httpDate(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test func aKeyThatIsNotBase64IsRefusedWithoutQuotingIt() {
        let secret = "not-base64-secret!"
        let error = #expect(throws: ObjectStoreError.self) { try AzureSharedKeySigner(account: "myaccount", base64Key: secret) }
        #expect(error?.kind == .configuration)
        #expect(error?.message == "The Azure account key for myaccount is not valid base64; copy it again from the portal.")
        #expect(throws: ObjectStoreError.self) { try AzureSharedKeySigner(account: "myaccount", base64Key: "  ") }
    }

    @Test func descriptionsNeverRevealTheKey() {
        let key = AzureConnectionString.developmentAccountKey
        var dumped = ""
        dump(signer, to: &dumped)
        for text in ["\(signer)", String(reflecting: signer), dumped] {
            #expect(!text.contains(key))
            #expect(text.contains("<redacted>"))
        }
    }
}
