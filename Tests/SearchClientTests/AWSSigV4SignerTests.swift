import Foundation
import Testing

@testable import SearchClient

// Test vectors come from AWS's SigV4 test suite ("aws-sig-v4-test-suite", Apache-2.0,
// "AWS Signature Version 4 Test Suite, Copyright 2019 Amazon.com, Inc. or its affiliates"), copied as data from:
//   - awslabs/aws-c-auth tests/aws-signing-test-suite/v4/<case>/ — request.txt, context.json,
//     header-canonical-request.txt, header-string-to-sign.txt, header-signed-request.txt ("Authorization:"
//     line); its requests leave X-Amz-Date (and the token, and the payload hash when context.json has
//     sign_body) to the signer;
//   - boto/botocore tests/unit/auth/aws4_testsuite/<case>/<case>.{req,creq,sts,authz} for cases aws-c-auth lacks;
//     their requests carry X-Amz-Date themselves, which the signer replaces with the same value.
// Only the "normalized" variants are used: Amazon OpenSearch Service is not S3, so paths are always normalised.
// The suite writes paths and queries unencoded ("/example space/", raw UTF-8); encoding them once gives the
// published canonical form, just as the server encodes a (percent-encoded) sent path once more.

@Suite("AWS SigV4 signer")
struct AWSSigV4SignerTests {
    /// 2015-08-30T12:36:00Z, the suite's signing time.
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)

    static func suiteSigner(sessionToken: String? = nil) -> AWSSigV4Signer {
        AWSSigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: sessionToken
            ),
            region: "us-east-1",
            service: "service"
        )
    }

    static func value(of name: String, in headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name == name }?.value
    }

    @Test("matches the AWS SigV4 test suite", arguments: SuiteCase.all)
    func suiteCase(_ suiteCase: SuiteCase) {
        let signer = Self.suiteSigner(sessionToken: suiteCase.sessionToken)
        let canonical = signer.canonicalRequest(
            method: suiteCase.method, path: suiteCase.path, query: suiteCase.query, headers: suiteCase.headers,
            body: Array(suiteCase.body.utf8), date: Self.suiteDate, includeContentHash: suiteCase.includeContentHash
        )
        #expect(canonical == suiteCase.canonicalRequest)

        let stringToSign = signer.stringToSign(canonicalRequest: canonical, date: Self.suiteDate)
        #expect(
            stringToSign == """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                \(suiteCase.stringToSignHash)
                """
        )

        let added = signer.signatureHeaders(
            method: suiteCase.method, path: suiteCase.path, query: suiteCase.query, headers: suiteCase.headers,
            body: Array(suiteCase.body.utf8), date: Self.suiteDate, includeContentHash: suiteCase.includeContentHash
        )
        #expect(Self.value(of: "Authorization", in: added) == suiteCase.authorization)
        #expect(Self.value(of: "X-Amz-Date", in: added) == "20150830T123600Z")
        #expect(Self.value(of: "X-Amz-Security-Token", in: added) == suiteCase.sessionToken)
    }

    @Test("a session token is sent as X-Amz-Security-Token and signed")
    func sessionToken() {
        // aws-c-auth tests/aws-signing-test-suite/v4/get-vanilla-with-session-token/
        // (context.json, header-signed-request.txt)
        let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        let signer = Self.suiteSigner(sessionToken: token)
        let added = signer.signatureHeaders(
            method: "GET", path: "/", query: nil, headers: [(name: "Host", value: "example.amazonaws.com")],
            body: [UInt8](), date: Self.suiteDate
        )

        #expect(added.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(Self.value(of: "X-Amz-Security-Token", in: added) == token)
        #expect(
            Self.value(of: "Authorization", in: added)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                + "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        )

        // A stale token passed in by the caller is replaced, not signed alongside the current one.
        let withStaleToken = signer.signatureHeaders(
            method: "GET", path: "/", query: nil,
            headers: [(name: "Host", value: "example.amazonaws.com"), (name: "x-amz-security-token", value: "stale")],
            body: [UInt8](), date: Self.suiteDate
        )
        #expect(Self.value(of: "Authorization", in: withStaleToken) == Self.value(of: "Authorization", in: added))
    }

    @Test("the payload hash is sent as X-Amz-Content-Sha256 and signed only when asked")
    func payloadHashHeader() {
        // aws-c-auth tests/aws-signing-test-suite/v4/post-x-www-form-urlencoded/ (sign_body: true)
        let signer = Self.suiteSigner()
        let headers: [(name: String, value: String)] = [
            (name: "Content-Type", value: "application/x-www-form-urlencoded"),
            (name: "Host", value: "example.amazonaws.com"),
            (name: "Content-Length", value: "13"),
        ]
        let body = Array("Param1=value1".utf8)

        let hashed = signer.signatureHeaders(
            method: "POST", path: "/", query: nil, headers: headers, body: body, date: Self.suiteDate,
            includeContentHash: true
        )
        #expect(hashed.map(\.name) == ["X-Amz-Date", "X-Amz-Content-Sha256", "Authorization"])
        #expect(
            Self.value(of: "X-Amz-Content-Sha256", in: hashed)
                == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
        )
        #expect(
            Self.value(of: "Authorization", in: hashed)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, "
                + "Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"
        )

        let unhashed = signer.signatureHeaders(
            method: "POST", path: "/", query: nil, headers: headers, body: body, date: Self.suiteDate
        )
        #expect(unhashed.map(\.name) == ["X-Amz-Date", "Authorization"])
    }

    /// The single-chunk examples of the Amazon S3 API Reference ("Signature Calculations for the Authorization
    /// Header: Transferring Payload in a Single Chunk"), as carried by phacility/libphutil
    /// src/future/aws/__tests__/PhutilAWSv4SignatureTestCase.php. Their paths read the same under S3's and the
    /// other services' path rules, and they sign X-Amz-Content-Sha256 over real payloads and a value-less parameter.
    struct S3Example: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var query: String?
        var headers: [(name: String, value: String)]
        var body: String
        var signedHeaders: String
        var signature: String

        var testDescription: String { name }

        static let all: [S3Example] = [
            S3Example(
                name: "GET Object", method: "GET", path: "/test.txt", query: nil,
                headers: [(name: "Host", value: "examplebucket.s3.amazonaws.com"), (name: "Range", value: "bytes=0-9")],
                body: "", signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
                signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
            ),
            S3Example(
                name: "PUT Object", method: "PUT", path: "/test$file.text", query: nil,
                headers: [
                    (name: "Host", value: "examplebucket.s3.amazonaws.com"),
                    (name: "Date", value: "Fri, 24 May 2013 00:00:00 GMT"),
                    (name: "X-Amz-Storage-Class", value: "REDUCED_REDUNDANCY"),
                ],
                body: "Welcome to Amazon S3.",
                signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
            ),
            S3Example(
                name: "GET Bucket Lifecycle", method: "GET", path: "/", query: "lifecycle",
                headers: [(name: "Host", value: "examplebucket.s3.amazonaws.com")],
                body: "", signedHeaders: "host;x-amz-content-sha256;x-amz-date",
                signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
            ),
            S3Example(
                name: "GET Bucket (List Objects)", method: "GET", path: "/", query: "max-keys=2&prefix=J",
                headers: [(name: "Host", value: "examplebucket.s3.amazonaws.com")],
                body: "", signedHeaders: "host;x-amz-content-sha256;x-amz-date",
                signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
            ),
        ]
    }

    @Test("matches the Amazon S3 documentation's signed examples", arguments: S3Example.all)
    func s3Example(_ example: S3Example) {
        let signer = AWSSigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            ),
            region: "us-east-1",
            service: "s3"
        )
        let added = signer.signatureHeaders(
            method: example.method, path: example.path, query: example.query, headers: example.headers,
            body: Array(example.body.utf8), date: Date(timeIntervalSince1970: 1_369_353_600),  // 20130524T000000Z
            includeContentHash: true
        )
        #expect(
            Self.value(of: "Authorization", in: added)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=\(example.signedHeaders), Signature=\(example.signature)"
        )
    }

    @Test("headers the signer sets or that change in transit are not signed from the caller's list")
    func callerHeadersThatAreNotSigned() {
        let added = Self.suiteSigner().signatureHeaders(
            method: "GET", path: "/", query: nil,
            headers: [
                (name: "Host", value: "example.amazonaws.com"),
                (name: "X-Amz-Date", value: "20000101T000000Z"),
                (name: "Authorization", value: "Basic dXNlcjpwYXNz"),
                (name: "User-Agent", value: "tern"),
                (name: "Connection", value: "keep-alive"),
            ],
            body: [UInt8](), date: Self.suiteDate
        )
        // The published get-vanilla signature: only Host and the signer's own X-Amz-Date are signed.
        #expect(
            Self.value(of: "Authorization", in: added)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
    }

    /// Services other than S3 encode each segment of the path as sent once more (AWS General Reference,
    /// "Create a canonical request": each path segment is URI-encoded twice, except for Amazon S3).
    @Test(
        "an already percent-encoded path is encoded again",
        arguments: [
            ("/documents%20and%20settings/", "/documents%2520and%2520settings/"),
            ("/my-index/_doc/a%2Fb", "/my-index/_doc/a%252Fb"),
            ("/%E1%88%B4", "/%25E1%2588%25B4"),
            ("/logs-*,metrics/_search", "/logs-%2A%2Cmetrics/_search"),
            ("", "/"),
            ("/a/./b/../c/.", "/a/c/"),
        ]
    )
    func canonicalURI(sent: String, canonical: String) {
        #expect(AWSSigV4Signer.canonicalURI(sent) == canonical)
    }

    @Test(
        "query parameters are decoded, re-encoded and sorted",
        arguments: [
            ("", ""),
            ("pretty", "pretty="),
            ("b=2&a=&a", "a=&a=&b=2"),
            ("q=a%20b&q=a+b", "q=a%20b&q=a%2Bb"),
            ("scroll=1m&filter_path=hits.hits._id,_scroll_id", "filter_path=hits.hits._id%2C_scroll_id&scroll=1m"),
            ("bad=%zz", "bad=%25zz"),
        ]
    )
    func canonicalQuery(sent: String, canonical: String) {
        #expect(AWSSigV4Signer.canonicalQuery(sent) == canonical)
    }

    @Test(
        "X-Amz-Date is UTC whatever the day",
        arguments: [
            (0.0, "19700101T000000Z"),
            (951_782_400.0, "20000229T000000Z"),
            (1_709_251_199.9, "20240229T235959Z"),
            (4_102_444_799.0, "20991231T235959Z"),
        ]
    )
    func timestamp(seconds: Double, amzDate: String) {
        let stamp = AWSSigV4Signer.timestamp(Date(timeIntervalSince1970: seconds))
        #expect(stamp.amzDate == amzDate)
        #expect(stamp.dateStamp == String(amzDate.prefix(8)))
    }

    @Test("credentials never print their secrets")
    func credentialsAreRedacted() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "token-value"
        )
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(reflecting: credentials), dumped] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains("EXAMPLEKEY"))
            #expect(!text.contains("token-value"))
        }
    }
}

extension AWSSigV4SignerTests {
    /// One request of the test suite with its published canonical request, string-to-sign hash and Authorization.
    struct SuiteCase: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var path: String
        var query: String?
        var headers: [(name: String, value: String)]
        var body: String = ""
        var sessionToken: String? = nil
        var includeContentHash = false
        var canonicalRequest: String
        /// The last line of the published string to sign; the first three are the same for every case.
        var stringToSignHash: String
        var authorization: String

        var testDescription: String { name }

        static let all: [SuiteCase] = [
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-header-key-duplicate/
            SuiteCase(
                name: "get-header-key-duplicate",
                method: "GET", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com"), ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    my-header1:value2,value2,value1
                    x-amz-date:20150830T123600Z

                    host;my-header1;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-header-value-multiline/
            SuiteCase(
                name: "get-header-value-multiline",
                method: "GET", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com"), ("My-Header1", "value1\n  value2\n     value3")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    my-header1:value1 value2 value3
                    x-amz-date:20150830T123600Z

                    host;my-header1;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "e99419459a677bc11de234014be3c4e72c1ea5b454ceb58b613061f5d7a162e8",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-header-value-order/
            SuiteCase(
                name: "get-header-value-order",
                method: "GET", path: "/", query: nil,
                headers: [
                    ("Host", "example.amazonaws.com"), ("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"),
                    ("My-Header1", "value2"),
                ],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    my-header1:value4,value1,value3,value2
                    x-amz-date:20150830T123600Z

                    host;my-header1;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-header-value-trim/
            SuiteCase(
                name: "get-header-value-trim",
                method: "GET", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com"), ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    my-header1:value1
                    my-header2:"a b c"
                    x-amz-date:20150830T123600Z

                    host;my-header1;my-header2;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-relative-normalized/
            SuiteCase(
                name: "get-relative-normalized",
                method: "GET", path: "/example/..", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-relative-relative-normalized/
            SuiteCase(
                name: "get-relative-relative-normalized",
                method: "GET", path: "/example1/example2/../..", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-slash-dot-slash-normalized/
            SuiteCase(
                name: "get-slash-dot-slash-normalized",
                method: "GET", path: "/./", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-slash-normalized/
            SuiteCase(
                name: "get-slash-normalized",
                method: "GET", path: "//", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-slash-pointless-dot-normalized/
            SuiteCase(
                name: "get-slash-pointless-dot-normalized",
                method: "GET", path: "/./example", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /example

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "214d50c111a8edc4819da6a636336472c916b5240f51e9a51b5c3305180cf702",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-slashes-normalized/
            SuiteCase(
                name: "get-slashes-normalized",
                method: "GET", path: "//example//", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /example/

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-space-normalized/
            SuiteCase(
                name: "get-space-normalized",
                method: "GET", path: "/example space/", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /example%20space/

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-unreserved/
            SuiteCase(
                name: "get-unreserved",
                method: "GET", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-utf8/
            SuiteCase(
                name: "get-utf8",
                method: "GET", path: "/ሴ", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /%E1%88%B4

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla/
            SuiteCase(
                name: "get-vanilla",
                method: "GET", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla-empty-query-key/
            SuiteCase(
                name: "get-vanilla-empty-query-key",
                method: "GET", path: "/", query: "Param1=value1",
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /
                    Param1=value1
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla-query/
            SuiteCase(
                name: "get-vanilla-query",
                method: "GET", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla-query-order-encoded/
            SuiteCase(
                name: "get-vanilla-query-order-encoded",
                method: "GET", path: "/", query: "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /
                    %E1%88%B4=Value1&Param=Value2&Param-3=Value3
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "868294f5c38bd141c4972a373a76654f1418a8e4fc18b2e7903ae45e8ae0ec71",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla-query-order-key-case/
            SuiteCase(
                name: "get-vanilla-query-order-key-case",
                method: "GET", path: "/", query: "Param2=value2&Param1=value1",
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /
                    Param1=value1&Param2=value2
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla-query-unreserved/
            SuiteCase(
                name: "get-vanilla-query-unreserved",
                method: "GET", path: "/",
                query:
                    "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /
                    -._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla-utf8-query/
            SuiteCase(
                name: "get-vanilla-utf8-query",
                method: "GET", path: "/", query: "ሴ=bar",
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    GET
                    /
                    %E1%88%B4=bar
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/get-vanilla-with-session-token/
            SuiteCase(
                name: "get-vanilla-with-session-token",
                method: "GET", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
                canonicalRequest: """
                    GET
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z
                    x-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267

                    host;x-amz-date;x-amz-security-token
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-header-key-case/
            SuiteCase(
                name: "post-header-key-case",
                method: "POST", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    POST
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-header-key-sort/
            SuiteCase(
                name: "post-header-key-sort",
                method: "POST", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com"), ("My-Header1", "value1")],
                canonicalRequest: """
                    POST
                    /

                    host:example.amazonaws.com
                    my-header1:value1
                    x-amz-date:20150830T123600Z

                    host;my-header1;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-header-value-case/
            SuiteCase(
                name: "post-header-value-case",
                method: "POST", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com"), ("My-Header1", "VALUE1")],
                canonicalRequest: """
                    POST
                    /

                    host:example.amazonaws.com
                    my-header1:VALUE1
                    x-amz-date:20150830T123600Z

                    host;my-header1;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-sts-header-before/
            SuiteCase(
                name: "post-sts-header-before",
                method: "POST", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                sessionToken:
                    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
                canonicalRequest: """
                    POST
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z
                    x-amz-security-token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==

                    host;x-amz-date;x-amz-security-token
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-vanilla/
            SuiteCase(
                name: "post-vanilla",
                method: "POST", path: "/", query: nil,
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    POST
                    /

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-vanilla-empty-query-value/
            SuiteCase(
                name: "post-vanilla-empty-query-value",
                method: "POST", path: "/", query: "Param1=value1",
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    POST
                    /
                    Param1=value1
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-vanilla-query/
            SuiteCase(
                name: "post-vanilla-query",
                method: "POST", path: "/", query: "Param1=value1",
                headers: [("Host", "example.amazonaws.com")],
                canonicalRequest: """
                    POST
                    /
                    Param1=value1
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-x-www-form-urlencoded/
            SuiteCase(
                name: "post-x-www-form-urlencoded",
                method: "POST", path: "/", query: nil,
                headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com"), ("Content-Length", "13"),
                ],
                body: "Param1=value1",
                includeContentHash: true,
                canonicalRequest: """
                    POST
                    /

                    content-length:13
                    content-type:application/x-www-form-urlencoded
                    host:example.amazonaws.com
                    x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                    x-amz-date:20150830T123600Z

                    content-length;content-type;host;x-amz-content-sha256;x-amz-date
                    9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                    """,
                stringToSignHash: "b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"
            ),
            // aws-c-auth: tests/aws-signing-test-suite/v4/post-x-www-form-urlencoded-parameters/
            SuiteCase(
                name: "post-x-www-form-urlencoded-parameters",
                method: "POST", path: "/", query: nil,
                headers: [
                    ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Host", "example.amazonaws.com"),
                    ("Content-Length", "13"),
                ],
                body: "Param1=value1",
                includeContentHash: true,
                canonicalRequest: """
                    POST
                    /

                    content-length:13
                    content-type:application/x-www-form-urlencoded; charset=utf-8
                    host:example.amazonaws.com
                    x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                    x-amz-date:20150830T123600Z

                    content-length;content-type;host;x-amz-content-sha256;x-amz-date
                    9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                    """,
                stringToSignHash: "a89f1a5b53e37702ee6363ce1da3ce8f54386f3c8f352ae652153c2982a0bc4d",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=328d1b9eaadca9f5818ef05e8392801e091653bafec24fcab71e7344e7f51422"
            ),
            // botocore: tests/unit/auth/aws4_testsuite/get-vanilla-query-order-key/get-vanilla-query-order-key.{req,creq,sts,authz}
            SuiteCase(
                name: "get-vanilla-query-order-key",
                method: "GET", path: "/", query: "Param1=value2&Param1=Value1",
                headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
                canonicalRequest: """
                    GET
                    /
                    Param1=Value1&Param1=value2
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"
            ),
            // botocore: tests/unit/auth/aws4_testsuite/get-vanilla-query-order-value/get-vanilla-query-order-value.{req,creq,sts,authz}
            SuiteCase(
                name: "get-vanilla-query-order-value",
                method: "GET", path: "/", query: "Param1=value2&Param1=value1",
                headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
                canonicalRequest: """
                    GET
                    /
                    Param1=value1&Param1=value2
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"
            ),
            // botocore: tests/unit/auth/aws4_testsuite/normalize-path/get-special-character/get-special-character.{req,creq,sts,authz}
            SuiteCase(
                name: "get-special-character",
                method: "GET", path: "/example/$delete", query: nil,
                headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
                canonicalRequest: """
                    GET
                    /example/%24delete

                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    host;x-amz-date
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    """,
                stringToSignHash: "4053e45b5cef7cec5e17f736b1c12b3faf0388fd4c0bd24326386f132039ce5c",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=a853c9b21b528b19643d00910d35b83a10c366a10833ceefb45edd6c80e40f27"
            ),
            // botocore: tests/unit/auth/aws4_testsuite/post-x-www-form-urlencoded/post-x-www-form-urlencoded.{req,creq,sts,authz}
            SuiteCase(
                name: "post-x-www-form-urlencoded (botocore, payload hash not sent)",
                method: "POST", path: "/", query: nil,
                headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com"),
                    ("X-Amz-Date", "20150830T123600Z"),
                ],
                body: "Param1=value1",
                canonicalRequest: """
                    POST
                    /

                    content-type:application/x-www-form-urlencoded
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    content-type;host;x-amz-date
                    9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                    """,
                stringToSignHash: "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
            ),
            // botocore: tests/unit/auth/aws4_testsuite/post-x-www-form-urlencoded-parameters/
            //           post-x-www-form-urlencoded-parameters.{req,creq,sts,authz}
            SuiteCase(
                name: "post-x-www-form-urlencoded-parameters (botocore, payload hash not sent)",
                method: "POST", path: "/", query: nil,
                headers: [
                    ("Content-Type", "application/x-www-form-urlencoded; charset=utf8"), ("Host", "example.amazonaws.com"),
                    ("X-Amz-Date", "20150830T123600Z"),
                ],
                body: "Param1=value1",
                canonicalRequest: """
                    POST
                    /

                    content-type:application/x-www-form-urlencoded; charset=utf8
                    host:example.amazonaws.com
                    x-amz-date:20150830T123600Z

                    content-type;host;x-amz-date
                    9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                    """,
                stringToSignHash: "2e1cf7ed91881a30569e46552437e4156c823447bf1781b921b5d486c568dd1c",
                authorization:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"
            ),
        ]
    }
}
