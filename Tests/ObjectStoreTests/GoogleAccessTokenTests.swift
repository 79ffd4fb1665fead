import Foundation
import Testing

@testable import ObjectStore

@Suite struct GoogleAccessTokenTests {
    @Test func googleExampleTokenAnswer() throws {
        // The answer printed in "Using OAuth 2.0 for Server to Server Applications",
        // https://developers.google.com/identity/protocols/oauth2/service-account, with the comma the page leaves out
        // after "scope" put back.
        let body = """
            {
              "access_token": "1/8xbJqaOZXSUZbHLl5EOtu1pxz3fmmetKx9W8CV4t79M",
              "scope": "https://www.googleapis.com/auth/prediction",
              "token_type": "Bearer",
              "expires_in": 3600
            }
            """
        let token = try GoogleAccessToken(json: Data(body.utf8))
        #expect(token == GoogleAccessToken(value: "1/8xbJqaOZXSUZbHLl5EOtu1pxz3fmmetKx9W8CV4t79M", expiresIn: 3600))
        #expect(token.authorization == "Bearer 1/8xbJqaOZXSUZbHLl5EOtu1pxz3fmmetKx9W8CV4t79M")
    }

    @Test func metadataServerAnswer() throws {
        // GET http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token
        let token = try GoogleAccessToken(json: Data(#"{"access_token":"ya29.c.test-only","expires_in":3599,"token_type":"Bearer"}"#.utf8))
        #expect(token.value == "ya29.c.test-only")
        #expect(token.expiresIn == 3599)
        let received = Date(timeIntervalSince1970: 1_000_000)
        #expect(token.expiresAt(receivedAt: received) == received.addingTimeInterval(3299))
        #expect(token.expiresAt(receivedAt: received, margin: 5000) == received)
    }

    @Test func expiresInAsAStringAndNoTokenTypeAreAccepted() throws {
        let token = try GoogleAccessToken(json: Data(#"{"access_token":"t","expires_in":"60"}"#.utf8))
        #expect(token == GoogleAccessToken(value: "t", expiresIn: 60, tokenType: "Bearer"))
    }

    @Test func googleRefusalIsRepeated() {
        let body = #"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#
        let error = #expect(throws: ObjectStoreError.self) { try GoogleAccessToken(json: Data(body.utf8)) }
        #expect(error == .configuration("Google refused the token request: invalid_grant (Invalid JWT Signature.)."))
    }

    @Test(arguments: [
        ("<html>", "The Google token answer is not a JSON object."),
        (#"{"expires_in":3600}"#, #"The Google token answer has no "access_token"."#),
        (#"{"access_token":"t","expires_in":"soon"}"#, #"The Google token answer has no whole-number "expires_in"."#),
        (#"{"access_token":"t","expires_in":1,"token_type":"MAC"}"#, #"The Google token answer is of type "MAC", not a Bearer token."#),
    ])
    func unreadableAnswersAreRefused(body: String, message: String) {
        let error = #expect(throws: ObjectStoreError.self) { try GoogleAccessToken(json: Data(body.utf8)) }
        #expect(error == .badResponse(message))
    }

    @Test func descriptionsNeverRevealTheToken() {
        let token = GoogleAccessToken(value: "ya29.secret", expiresIn: 1)
        var dumped = ""
        dump(token, to: &dumped)
        for text in ["\(token)", String(reflecting: token), dumped] {
            #expect(!text.contains("ya29.secret"))
        }
    }
}
