import Foundation
import Testing

@testable import ObjectStore

/// Connection strings in the forms of Microsoft's "Configure Azure Storage connection strings",
/// https://learn.microsoft.com/en-us/azure/storage/common/storage-configure-connection-string
@Suite struct AzureConnectionStringTests {
    let key = "dGVzdC1vbmx5LWtleS1ub3QtYS1yZWFsLWF6dXJlLWFjY291bnQta2V5LTY0Ynl0ZXM="

    @Test func accountKeyFormGivesTheDefaultEndpoint() throws {
        let parsed = try AzureConnectionString(
            parsing: "DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=\(key);EndpointSuffix=core.windows.net"
        )
        #expect(parsed.accountName == "myaccount")
        #expect(parsed.accountKey == key)
        #expect(parsed.sharedAccessSignature == nil)
        #expect(parsed.blobEndpoint.absoluteString == "https://myaccount.blob.core.windows.net")
    }

    @Test func suffixAndProtocolDefaultToHTTPSAndThePublicCloud() throws {
        let parsed = try AzureConnectionString(parsing: "AccountName=myaccount;AccountKey=\(key)")
        #expect(parsed.blobEndpoint.absoluteString == "https://myaccount.blob.core.windows.net")
        let china = try AzureConnectionString(
            parsing: "DefaultEndpointsProtocol=http;AccountName=myaccount;AccountKey=\(key);EndpointSuffix=core.chinacloudapi.cn;"
        )
        #expect(china.blobEndpoint.absoluteString == "http://myaccount.blob.core.chinacloudapi.cn")
    }

    @Test func namesAreMatchedWithoutCaseAndValuesMayHoldEquals() throws {
        let parsed = try AzureConnectionString(parsing: " accountname = myaccount ; ACCOUNTKEY=\(key) ;QueueEndpoint=https://q.example")
        #expect(parsed.accountName == "myaccount")
        #expect(parsed.accountKey == key)
    }

    @Test func sharedAccessSignatureFormReadsTheAccountFromTheEndpoint() throws {
        let parsed = try AzureConnectionString(
            parsing: "BlobEndpoint=https://storagesample.blob.core.windows.net/;"
                + "SharedAccessSignature=?sv=2015-04-05&sr=b&si=tutorial-policy-635959936145100803"
                + "&sig=9aCzs76n0E7y5BpEi2GvsSv433BZa22leDOZXX%2BXXIU%3D"
        )
        #expect(parsed.accountName == "storagesample")
        #expect(parsed.accountKey == nil)
        #expect(
            parsed.sharedAccessSignature
                == "sv=2015-04-05&sr=b&si=tutorial-policy-635959936145100803&sig=9aCzs76n0E7y5BpEi2GvsSv433BZa22leDOZXX%2BXXIU%3D"
        )
        #expect(parsed.blobEndpoint.absoluteString == "https://storagesample.blob.core.windows.net")
    }

    @Test func developmentStorageIsAzuritesWellKnownAccount() throws {
        let parsed = try AzureConnectionString(parsing: "UseDevelopmentStorage=true")
        #expect(parsed.accountName == "devstoreaccount1")
        #expect(parsed.accountKey == "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")
        #expect(parsed.blobEndpoint.absoluteString == "http://127.0.0.1:10000/devstoreaccount1")
    }

    @Test func azuriteSpelledOutReadsTheAccountFromThePath() throws {
        let parsed = try AzureConnectionString(
            parsing: "DefaultEndpointsProtocol=http;AccountKey=\(key);BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
        )
        #expect(parsed.accountName == "devstoreaccount1")
        #expect(parsed.blobEndpoint.absoluteString == "http://127.0.0.1:10000/devstoreaccount1")
        let named = try AzureConnectionString(parsing: "AccountName=acct;AccountKey=\(key);BlobEndpoint=http://localhost:10000/acct/")
        #expect(named.accountName == "acct")
        #expect(named.blobEndpoint.absoluteString == "http://localhost:10000/acct")
    }

    @Test func noCredentialMeansAnonymousAccess() throws {
        let parsed = try AzureConnectionString(parsing: "BlobEndpoint=https://public.blob.core.windows.net")
        #expect(parsed.accountKey == nil && parsed.sharedAccessSignature == nil)
    }

    @Test(arguments: [
        ("", "The Azure connection string is empty."),
        (" ; ;", "The Azure connection string is empty."),
        ("AccountName=a;AccountKey", "Part 2 of the Azure connection string has no '=': each part must be Name=Value."),
        ("=x;AccountName=a", "Part 1 of the Azure connection string has no name before '='."),
        ("AccountName=a;accountname=b", "The Azure connection string sets accountname twice."),
        ("AccountKey=abc=", "The Azure connection string names neither AccountName nor BlobEndpoint."),
        ("AccountName=a;AccountKey=", "AccountKey in the Azure connection string is empty."),
        ("AccountName=a;SharedAccessSignature=?", "SharedAccessSignature in the Azure connection string is empty."),
        (
            "AccountName=a;DefaultEndpointsProtocol=ftp",
            "DefaultEndpointsProtocol in the Azure connection string must be https or http, not 'ftp'."
        ),
        ("BlobEndpoint=blob.example.com", "BlobEndpoint in the Azure connection string is not an http or https URL with a host name."),
        (
            "BlobEndpoint=https://a.blob.core.windows.net?sv=1",
            "BlobEndpoint in the Azure connection string carries a query; give a SAS token as SharedAccessSignature instead."
        ),
        (
            "BlobEndpoint=https://cdn.example.com;SharedAccessSignature=sv=1",
            "The Azure connection string names no AccountName, and none can be read from BlobEndpoint."
        ),
        ("UseDevelopmentStorage=yes", "UseDevelopmentStorage in the Azure connection string must be true or false."),
        (
            "UseDevelopmentStorage=true;AccountName=a",
            "The Azure connection string sets UseDevelopmentStorage=true and AccountName: use one or the other."
        ),
        (
            "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://proxy",
            "The Azure connection string sets DevelopmentStorageProxyUri, which Tern does not support."
        ),
    ])
    func malformedStringsAreRefusedWithOneSentence(text: String, message: String) {
        let error = #expect(throws: ObjectStoreError.self) { try AzureConnectionString(parsing: text) }
        #expect(error?.kind == .configuration)
        #expect(error?.message == message)
    }

    @Test func aKeyThatIsNotBase64IsRefusedWithoutQuotingIt() {
        let secret = "s3cr3t!!not*base64"
        let error = #expect(throws: ObjectStoreError.self) {
            try AzureConnectionString(parsing: "AccountName=a;AccountKey=\(secret)")
        }
        #expect(error?.message == "AccountKey in the Azure connection string is not valid base64.")
        #expect(error?.message.contains(secret) == false)
    }

    @Test func descriptionsNeverRevealTheKeyOrTheSignature() throws {
        let parsed = try AzureConnectionString(parsing: "AccountName=a;AccountKey=\(key);SharedAccessSignature=sv=1&sig=SECRETSIG")
        var dumped = ""
        dump(parsed, to: &dumped)
        for text in ["\(parsed)", String(reflecting: parsed), dumped] {
            #expect(!text.contains(key))
            #expect(!text.contains("SECRETSIG"))
            #expect(text.contains("https://a.blob.core.windows.net"))
        }
    }
}
