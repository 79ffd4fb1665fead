import Foundation
import SearchClient
import Testing

@testable import ObjectStore

@Suite("Container and instance metadata credentials documents")
struct AWSContainerCredentialsTests {
    /// The sample of the EC2 User Guide's "Retrieve security credentials from instance metadata"
    /// (`/latest/meta-data/iam/security-credentials/<role>`).
    static let imdsSample = """
        {
          "Code" : "Success",
          "LastUpdated" : "2012-04-26T16:39:16Z",
          "Type" : "AWS-HMAC",
          "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
          "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          "Token" : "token",
          "Expiration" : "2017-05-17T15:09:54Z"
        }
        """

    /// The ECS task-role answer's shape (`AccessKeyId`, `Expiration`, `RoleArn`, `SecretAccessKey`, `Token`).
    static let ecsSample = """
        {"AccessKeyId":"ASIAEXAMPLEECS","Expiration":"2026-12-07T18:20:01Z","RoleArn":"arn:aws:iam::123456789012:role/task",\
        "SecretAccessKey":"secretECS","Token":"tokenECS"}
        """

    static func parse(_ text: String) throws(AWSResponseError) -> AWSContainerCredentials {
        try AWSContainerCredentials(json: Data(text.utf8))
    }

    @Test("EC2 User Guide instance metadata sample")
    func imds() throws {
        let answer = try Self.parse(Self.imdsSample)
        let expected = AWSCredentials(
            accessKeyID: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "token")
        #expect(answer == AWSContainerCredentials(credentials: expected, expiration: Date(timeIntervalSince1970: 1_495_033_794)))
    }

    @Test("ECS task role answer; no Expiration is allowed")
    func ecs() throws {
        let answer = try Self.parse(Self.ecsSample)
        #expect(answer.credentials == AWSCredentials(accessKeyID: "ASIAEXAMPLEECS", secretAccessKey: "secretECS", sessionToken: "tokenECS"))
        #expect(answer.expiration == Date(timeIntervalSince1970: 1_796_667_601))
        let local = try Self.parse(#"{"AccessKeyId":"AKID","SecretAccessKey":"s"}"#)
        #expect(local.expiration == nil && local.credentials.sessionToken == nil)
    }

    @Test("IMDS Code other than Success and the container endpoint's code/message are service errors")
    func errors() {
        #expect(
            throws: AWSResponseError(code: "AssumeRoleUnauthorizedAccess", message: "denied", source: "the container credentials endpoint")
        ) {
            try Self.parse(#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"}"#)
        }
        #expect(throws: AWSResponseError(code: "InvalidToken", message: "expired", source: "the container credentials endpoint")) {
            try Self.parse(#"{"code":"InvalidToken","message":"expired"}"#)
        }
    }

    @Test("Documents without keys, with a bad time or not JSON are errors that do not quote the body")
    func malformed() {
        for text in [#"{"AccessKeyId":"AKID"}"#, #"{"AccessKeyId":"AKID","SecretAccessKey":"hidden","Expiration":"soon"}"#, "hidden", "[]"]
        {
            do {
                _ = try Self.parse(text)
                Issue.record("parsed: \(text)")
            } catch {
                #expect(error.code == nil && !error.description.contains("hidden"))
            }
        }
    }
}
