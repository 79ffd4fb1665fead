import Foundation
import SearchClient
import Testing

@testable import ObjectStore

@Suite("STS credentials answers and request bodies")
struct STSCredentialsResponseTests {
    /// The sample answer of the STS API reference's AssumeRole page (API_AssumeRole.html, Examples), whose session token
    /// is wrapped over several lines.
    static let assumeRoleReferenceSample = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
          <SourceIdentity>Alice</SourceIdentity>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
              <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
              <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
              <SessionToken>
               AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
               LWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGd
               QrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU
               9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz
               +scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
              </SessionToken>
              <Expiration>2019-11-09T13:34:41Z</Expiration>
            </Credentials>
            <PackedPolicySize>6</PackedPolicySize>
          </AssumeRoleResult>
          <ResponseMetadata>
            <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
          </ResponseMetadata>
        </AssumeRoleResponse>
        """

    /// The sample answer of the STS API reference's AssumeRoleWithWebIdentity page (API_AssumeRoleWithWebIdentity.html,
    /// Examples), with `Credentials` fields in another order.
    static let webIdentityReferenceSample = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
            <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
              <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
              <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
              <Expiration>2014-10-24T23:00:23Z</Expiration>
              <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
            </Credentials>
            <SourceIdentity>SourceIdentityValue</SourceIdentity>
            <Provider>www.amazon.com</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata>
            <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
          </ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """

    /// An STS refusal in the Query API's error format (`ErrorResponse/Error/Type, Code, Message`).
    static let accessDenied = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>Sender</Type>
            <Code>AccessDenied</Code>
            <Message>User: arn:aws:iam::123456789012:user/tern is not authorized to perform: sts:AssumeRole on resource: \
        arn:aws:iam::123456789012:role/reader</Message>
          </Error>
          <RequestId>4f5a2b8c-0000-11e0-8154-cbc7ccf896c7</RequestId>
        </ErrorResponse>
        """

    static func parse(_ text: String) throws(AWSResponseError) -> STSCredentialsResponse {
        try STSCredentialsResponse(xml: Data(text.utf8), action: "STS AssumeRole")
    }

    @Test("STS API reference AssumeRole sample: credentials (token unwrapped) and expiration")
    func assumeRoleReference() throws {
        let answer = try Self.parse(Self.assumeRoleReferenceSample)
        #expect(answer.credentials.accessKeyID == "ASIAIOSFODNN7EXAMPLE")
        #expect(answer.credentials.secretAccessKey == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY")
        #expect(
            answer.credentials.sessionToken?.hasPrefix("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsK") == true)
        #expect(answer.credentials.sessionToken?.hasSuffix("ICCR/oLxBA==") == true)
        #expect(answer.credentials.sessionToken?.contains(where: \.isWhitespace) == false)
        #expect(answer.expiration == Date(timeIntervalSince1970: 1_573_306_481))
    }

    @Test("STS API reference AssumeRoleWithWebIdentity sample")
    func webIdentityReference() throws {
        let answer = try Self.parse(Self.webIdentityReferenceSample)
        let expected = AWSCredentials(
            accessKeyID: "ASgeIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            sessionToken: "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE")
        #expect(answer == STSCredentialsResponse(credentials: expected, expiration: Date(timeIntervalSince1970: 1_414_191_623)))
    }

    @Test("Recorded from moto: AssumeRole and AssumeRoleWithWebIdentity, expirations with microseconds")
    func motoAnswers() throws {
        let role = try Self.parse(MotoRecording.assumeRole)
        #expect(role.credentials.accessKeyID == "ASIARZPUZDIKOOS4XZFW")
        #expect(role.credentials.sessionToken?.hasSuffix("sbGrIk5IcaCNGLFRv9roJ8qw=") == true)
        #expect(abs(role.expiration.timeIntervalSince1970 - 1_796_667_601.217042) < 0.000_01)
        let web = try Self.parse(MotoRecording.assumeRoleWithWebIdentity)
        #expect(web.credentials.accessKeyID == "ASIARZPUZDIKB4BQRCWS")
    }

    @Test("STS errors become a sentence with the code and message; moto's extra Errors wrapper too")
    func errors() {
        do {
            _ = try Self.parse(Self.accessDenied)
            Issue.record("an error document parsed as credentials")
        } catch {
            #expect(error.code == "AccessDenied")
            #expect(
                error.description.hasPrefix(
                    "STS AssumeRole refused the request with AccessDenied: User: arn:aws:iam::123456789012:user/tern"))
            #expect(!error.isRetryable)
        }
        #expect(throws: AWSResponseError(code: "SignatureDoesNotMatch", message: Self.motoSignatureMessage, source: "STS AssumeRole")) {
            try Self.parse(MotoRecording.signatureDoesNotMatch)
        }
    }

    static let motoSignatureMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and "
        + "signing method. Consult the service documentation for details."

    @Test("Incomplete or foreign answers are errors that never quote the body")
    func malformed() {
        let withoutToken = Self.webIdentityReferenceSample.replacingOccurrences(of: "<SessionToken>", with: "<Token>")
            .replacingOccurrences(of: "</SessionToken>", with: "</Token>")
        #expect(throws: AWSResponseError(code: nil, message: "Credentials has no SessionToken", source: "STS AssumeRole")) {
            try Self.parse(withoutToken)
        }
        let badDate = Self.webIdentityReferenceSample.replacingOccurrences(of: "2014-10-24T23:00:23Z", with: "tomorrow")
        #expect(throws: AWSResponseError.self) { try Self.parse(badDate) }
        for text in ["", "not xml", "<html><body>proxy login</body></html>"] {
            do {
                _ = try Self.parse(text)
                Issue.record("'\(text)' parsed")
            } catch {
                #expect(error.code == nil && !error.description.contains("proxy login"))
            }
        }
    }

    @Test("AssumeRole form body: fixed order, RFC 3986 encoding, optional ExternalId and DurationSeconds")
    func assumeRoleBody() {
        let body = STSCredentialsResponse.assumeRoleBody(
            roleARN: "arn:aws:iam::123456789012:role/demo", sessionName: "tern-1700000000", externalID: "a b+c/d~e")
        #expect(
            body
                == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
                + "&RoleSessionName=tern-1700000000&ExternalId=a%20b%2Bc%2Fd~e&DurationSeconds=3600")
        let short = STSCredentialsResponse.assumeRoleBody(roleARN: "arn:r", sessionName: "s", durationSeconds: nil)
        #expect(short == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Ar&RoleSessionName=s")
    }

    @Test("AssumeRoleWithWebIdentity form body carries the token, encoded")
    func webIdentityBody() {
        let body = STSCredentialsResponse.assumeRoleWithWebIdentityBody(
            roleARN: "arn:aws:iam::1:role/pod", sessionName: "pod", webIdentityToken: "eyJ.a-b_c.x=y", durationSeconds: 900)
        #expect(
            body
                == "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fpod"
                + "&RoleSessionName=pod&DurationSeconds=900&WebIdentityToken=eyJ.a-b_c.x%3Dy")
        #expect(PercentEncoding.encode("é ✓") == "%C3%A9%20%E2%9C%93")
        #expect(STSCredentialsResponse.defaultSessionName(at: Date(timeIntervalSince1970: 1_700_000_000.9)) == "tern-1700000000")
    }

    @Test("ISO 8601 times: Z, fractions, offsets; nonsense is nil")
    func timestamps() {
        #expect(AWSTimestamp.parse("2019-11-09T13:34:41Z") == Date(timeIntervalSince1970: 1_573_306_481))
        #expect(AWSTimestamp.parse("2020-05-19T18:06:10+00:00") == Date(timeIntervalSince1970: 1_589_911_570))
        #expect(AWSTimestamp.parse("2020-05-19T20:06:10+02:00") == Date(timeIntervalSince1970: 1_589_911_570))
        #expect(AWSTimestamp.parse("1970-01-01T00:00:00.5Z") == Date(timeIntervalSince1970: 0.5))
        #expect(AWSTimestamp.parse("2000-02-29T00:00:00Z") == Date(timeIntervalSince1970: 951_782_400))
        for text in ["", "2019-11-09", "2019-11-09T13:34:41", "2019-13-09T13:34:41Z", "2019-11-09T13:34:41.Z", "2019-11-09T13:34:41Zx"] {
            #expect(AWSTimestamp.parse(text) == nil)
        }
    }
}
