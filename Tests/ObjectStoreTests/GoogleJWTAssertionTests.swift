import Foundation
import Testing
import _CryptoExtras

@testable import ObjectStore

/// Google's published example is the signed JWT of "Using OAuth 2.0 for Server to Server Applications",
/// https://developers.google.com/identity/protocols/oauth2/service-account (formerly
/// https://developers.google.com/accounts/docs/OAuth2ServiceAccount): it encodes `{"alg":"RS256","typ":"JWT"}` and a
/// claim set for the `prediction` scope. Its signature cannot be checked (Google publishes no public key for it); the
/// test key's signatures are checked against OpenSSL's instead.
@Suite struct GoogleJWTAssertionTests {
    static let issuedAt = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func account(pem: String = TestRSAKey.pkcs8PEM, keyID: String? = "0123456789abcdef0123456789abcdef01234567") throws
        -> GoogleServiceAccount
    {
        try GoogleServiceAccount(json: GoogleServiceAccountTests.keyFile(pem: pem, keyID: keyID))
    }

    @Test func googleExampleHeaderEncoding() {
        #expect(GoogleJWTAssertion.encodedHeader(keyID: nil) == "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9")
    }

    @Test func googleExampleClaimSetEncoding() {
        let claims = GoogleJWTAssertion.encodedClaims(
            issuer: "761326798069-r5mljlln1rd4lrbhg75efgigp36m78j5@developer.gserviceaccount.com",
            scope: "https://www.googleapis.com/auth/prediction",
            audience: "https://accounts.google.com/o/oauth2/token",
            issuedAt: 1_328_550_785
        )
        #expect(
            claims
                == "eyJpc3MiOiI3NjEzMjY3OTgwNjktcjVtbGpsbG4xcmQ0bHJiaGc3NWVmZ2lncDM2bTc4ajVAZGV2ZWxvcGVyLmdzZXJ2aWNlYWNjb3VudC5jb2"
                + "0iLCJzY29wZSI6Imh0dHBzOi8vd3d3Lmdvb2dsZWFwaXMuY29tL2F1dGgvcHJlZGljdGlvbiIsImF1ZCI6Imh0dHBzOi8vYWNjb3VudHMuZ29v"
                + "Z2xlLmNvbS9vL29hdXRoMi90b2tlbiIsImV4cCI6MTMyODU1NDM4NSwiaWF0IjoxMzI4NTUwNzg1fQ"
        )
    }

    @Test func assertionEqualsTheOneOpenSSLSigns() throws {
        // The same header and claims signed with `openssl dgst -sha256 -sign` and the test key (PKCS#1 v1.5 is deterministic).
        let assertion = try GoogleJWTAssertion(account: Self.account(), issuedAt: Self.issuedAt)
        #expect(
            assertion.compact
                == "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1NjcifQ."
                + "eyJpc3MiOiJ0ZXJuLXRlc3RAdGVybi10ZXN0LXByb2plY3QuaWFtLmdzZXJ2aWNlYWNjb3VudC5jb20iLCJzY29wZSI6Imh0dHBzOi8vd3d3Lmdv"
                + "b2dsZWFwaXMuY29tL2F1dGgvZGV2c3RvcmFnZS5yZWFkX29ubHkiLCJhdWQiOiJodHRwczovL29hdXRoMi5nb29nbGVhcGlzLmNvbS90b2tlbiIs"
                + "ImV4cCI6MTc2NzIyOTIwMCwiaWF0IjoxNzY3MjI1NjAwfQ."
                + "tVTCJUhh92Ul9fJAtIcCitw6h6Lu7FTEqxxIMS6aUYuQI0dKa_pZubP5oiUmohTVYyDy7fpVzwtqb-vkb7W44R0SH1DA26J8kxeyUXbzbWgpjpZ7"
                + "FG75NSK80TlYiqkaBEXw_whLDY38lNYdHTsPgg0RJGnpH1zhCx93tEn-DV_vQ987oxfRUvcIDT9oWcrcHGiNOMX4r0MSAdEw77VrK7ojYUOSXB6D"
                + "DVKTdO0Lenpi4uxohaLyFqzD5-JYrk9S_XlvfzHm8NLk_DKAoWnicP7ytmSXeWEYyD9pZCpib_jUC2IpocP3C7BZaMj49WsQKAMzgvbmQJuKPxfR"
                + "COsf1Q"
        )
        #expect(assertion.expiresAt == Self.issuedAt.addingTimeInterval(3600))
    }

    @Test func headerAndClaimsDecodeExactlyAndTheSignatureVerifies() throws {
        let assertion = try GoogleJWTAssertion(account: Self.account(), issuedAt: Self.issuedAt.addingTimeInterval(0.9))
        let parts = assertion.compact.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        #expect(parts.allSatisfy { !$0.contains("=") && !$0.contains("+") && !$0.contains("/") })

        let header = try #require(String(data: Self.base64URLDecoded(parts[0]), encoding: .utf8))
        #expect(header == #"{"alg":"RS256","typ":"JWT","kid":"0123456789abcdef0123456789abcdef01234567"}"#)
        let claims = try JSONSerialization.jsonObject(with: Self.base64URLDecoded(parts[1])) as? [String: Any]
        #expect(claims?.count == 5)
        #expect(claims?["iss"] as? String == "tern-test@tern-test-project.iam.gserviceaccount.com")
        #expect(claims?["scope"] as? String == "https://www.googleapis.com/auth/devstorage.read_only")
        #expect(claims?["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims?["iat"] as? Int == 1_767_225_600)
        #expect(claims?["exp"] as? Int == 1_767_229_200)

        let publicKey = try _RSA.Signing.PublicKey(pemRepresentation: TestRSAKey.publicPEM)
        let signature = try _RSA.Signing.RSASignature(rawRepresentation: Self.base64URLDecoded(parts[2]))
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        #expect(publicKey.isValidSignature(signature, for: signingInput, padding: .insecurePKCS1v1_5))
        #expect(!publicKey.isValidSignature(signature, for: Data("\(parts[0]).x".utf8), padding: .insecurePKCS1v1_5))
    }

    @Test func pkcs1AndPKCS8FormsOfOneKeySignAlike() throws {
        let fromPKCS8 = try GoogleJWTAssertion(account: Self.account(pem: TestRSAKey.pkcs8PEM), issuedAt: Self.issuedAt)
        let fromPKCS1 = try GoogleJWTAssertion(account: Self.account(pem: TestRSAKey.pkcs1PEM), issuedAt: Self.issuedAt)
        #expect(fromPKCS8.compact == fromPKCS1.compact)
    }

    @Test func withoutAKeyIDTheHeaderIsGooglesExampleHeader() throws {
        let assertion = try GoogleJWTAssertion(account: Self.account(keyID: nil), issuedAt: Self.issuedAt)
        #expect(assertion.compact.hasPrefix("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."))
    }

    @Test func tokenRequestBodyIsTheFormGoogleDocuments() throws {
        let assertion = try GoogleJWTAssertion(account: Self.account(), issuedAt: Self.issuedAt)
        #expect(
            assertion.tokenRequestBody == "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion.compact)")
    }

    @Test func jsonStringsAreEscapedButSlashesAreNot() {
        #expect(GoogleJWTAssertion.jsonString("a/b\"c\\d\u{1}") == #""a/b\"c\\d\u0001""#)
    }

    @Test func descriptionNeverRevealsTheAssertion() throws {
        let assertion = try GoogleJWTAssertion(account: Self.account(), issuedAt: Self.issuedAt)
        var dumped = ""
        dump(assertion, to: &dumped)
        for text in ["\(assertion)", String(reflecting: assertion), dumped] {
            #expect(!text.contains(assertion.compact.prefix(20)))
        }
    }

    static func base64URLDecoded(_ text: String) throws -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return try #require(Data(base64Encoded: base64))
    }
}
