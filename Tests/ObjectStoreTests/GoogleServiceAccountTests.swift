import Foundation
import Testing

@testable import ObjectStore

@Suite struct GoogleServiceAccountTests {
    /// A key file shaped like the ones Google's console downloads, holding the test-only key.
    static func keyFile(
        pem: String = TestRSAKey.pkcs8PEM,
        keyID: String? = "0123456789abcdef0123456789abcdef01234567",
        removing removed: String? = nil,
        setting extra: [String: Any] = [:]
    ) throws -> Data {
        var fields: [String: Any] = [
            "type": "service_account",
            "project_id": "tern-test-project",
            "private_key": pem + "\n",
            "client_email": "tern-test@tern-test-project.iam.gserviceaccount.com",
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "https://oauth2.googleapis.com/token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "universe_domain": "googleapis.com",
        ]
        if let keyID { fields["private_key_id"] = keyID }
        if let removed { fields[removed] = nil }
        fields.merge(extra) { $1 }
        return try JSONSerialization.data(withJSONObject: fields)
    }

    @Test func readsTheFieldsOfAConsoleKeyFile() throws {
        let account = try GoogleServiceAccount(json: Self.keyFile())
        #expect(account.clientEmail == "tern-test@tern-test-project.iam.gserviceaccount.com")
        #expect(account.privateKeyID == "0123456789abcdef0123456789abcdef01234567")
        #expect(account.tokenURI == "https://oauth2.googleapis.com/token")
        #expect(account.privateKey.keySizeInBits == 2048)
    }

    @Test func acceptsPKCS1AndDefaultsTheTokenURI() throws {
        let account = try GoogleServiceAccount(json: Self.keyFile(pem: TestRSAKey.pkcs1PEM, keyID: nil, removing: "token_uri"))
        #expect(account.tokenURI == "https://oauth2.googleapis.com/token")
        #expect(account.privateKeyID == nil)
    }

    @Test func aTokenURIOfAnEmulatorIsKept() throws {
        let account = try GoogleServiceAccount(json: Self.keyFile(setting: ["token_uri": "http://127.0.0.1:8080/token"]))
        #expect(account.tokenURI == "http://127.0.0.1:8080/token")
    }

    @Test(arguments: [
        ("client_email", #"The Google service-account key file has no "client_email" field."#),
        ("private_key", #"The Google service-account key file has no "private_key" field."#),
        ("type", #"The Google service-account key file has no "type" field."#),
    ])
    func aMissingFieldIsNamed(field: String, message: String) {
        let error = #expect(throws: ObjectStoreError.self) { try GoogleServiceAccount(json: Self.keyFile(removing: field)) }
        #expect(error?.kind == .configuration)
        #expect(error?.message == message)
    }

    @Test func otherCredentialTypesAreRefused() {
        let error = #expect(throws: ObjectStoreError.self) {
            try GoogleServiceAccount(json: Self.keyFile(setting: ["type": "authorized_user"]))
        }
        #expect(
            error?.message
                == #"The Google credentials file is of type "authorized_user", not "service_account": give a service-account key file."#
        )
    }

    @Test func aDamagedKeyIsRefusedWithoutQuotingIt() {
        let damaged = TestRSAKey.pkcs8PEM.replacingOccurrences(of: "MII", with: "XXX")
        let error = #expect(throws: ObjectStoreError.self) { try GoogleServiceAccount(json: Self.keyFile(pem: damaged)) }
        #expect(
            error?.message
                == #"The Google service-account key file's "private_key" is not an RSA private key of 2048 bits or more in PEM form."#
        )
    }

    @Test func wrongShapesAreRefused() {
        #expect(throws: ObjectStoreError.configuration("The Google service-account key file is not valid JSON.")) {
            try GoogleServiceAccount(json: Data("{".utf8))
        }
        #expect(throws: ObjectStoreError.configuration("The Google service-account key file is not a JSON object.")) {
            try GoogleServiceAccount(json: Data("[]".utf8))
        }
        #expect(throws: ObjectStoreError.configuration(#"The Google service-account key file's "client_email" field is not a string."#)) {
            try GoogleServiceAccount(json: Self.keyFile(setting: ["client_email": 7]))
        }
        #expect(throws: ObjectStoreError.configuration(#"The Google service-account key file's "token_uri" is not an http or https URL."#))
        {
            try GoogleServiceAccount(json: Self.keyFile(setting: ["token_uri": "oauth2.googleapis.com/token"]))
        }
    }

    @Test func descriptionsNeverRevealTheKey() throws {
        let account = try GoogleServiceAccount(json: Self.keyFile())
        let keyLine = TestRSAKey.pkcs8PEM.split(separator: "\n")[1]
        var dumped = ""
        dump(account, to: &dumped)
        for text in ["\(account)", String(reflecting: account), dumped] {
            #expect(!text.contains(keyLine))
            #expect(text.contains("<redacted>"))
        }
    }
}
