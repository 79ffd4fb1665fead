import Foundation
import Logging
import SearchClient
import SnapshotReader
import TernCore

/// Where an `s3://` repository is and which credentials sign for it, found as the AWS CLI and SDKs find them (see
/// `AWSCredentialPlanner`), unless a `repositories:` entry gives them.
struct S3Configuration {
    let url: RepositoryURL
    let settings: RepositorySettings?
    let environment: [String: String]
    let logger: Logger

    func service() throws(SnapshotReaderError) -> S3Service {
        let config = sharedConfig()
        let profile = settings?.profile
        do {
            let region =
                settings?.region ?? AWSCredentialPlanner.region(environment: environment, config: config, profile: profile) ?? "us-east-1"
            let endpoint =
                try settings?.endpoint ?? AWSCredentialPlanner.endpoint(environment: environment, config: config, profile: profile)
            let pathStyle =
                try settings?.pathStyle
                ?? AWSCredentialPlanner.addressingStyle(environment: environment, config: config, profile: profile).pathStyle
            let credentials: @Sendable () throws(BlobFailure) -> AWSCredentials?
            if let keyID = settings?.accessKeyID, let secret = settings?.secretAccessKey {
                let fixed = AWSCredentials(
                    accessKeyID: keyID.value, secretAccessKey: secret.value, sessionToken: settings?.sessionToken?.value)
                credentials = { fixed }
            } else if ["true", "1"].contains(environment["AWS_NO_SIGN_REQUEST"]?.lowercased() ?? "") {
                credentials = { nil }
            } else {
                let plan = try AWSCredentialPlanner.plan(environment: environment, config: config, profile: profile)
                logger.debug("S3 credentials for \(url): \(plan.summary)")
                let provider = AWSCredentialProvider(plan: plan, region: region, stsEndpoint: stsEndpoint(region: region))
                credentials = { () throws(BlobFailure) in try provider.credentials() }
            }
            return S3Service(url: url, endpoint: endpoint, region: region, pathStyle: pathStyle, credentials: credentials)
        } catch {
            throw SnapshotReaderError.invalidInput("Cannot read \(url): \(error)")
        }
    }

    /// `~/.aws/config` and `~/.aws/credentials` (or the files `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name).
    private func sharedConfig() -> AWSSharedConfig {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let configPath = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        return AWSSharedConfig(
            credentialsText: try? String(contentsOfFile: credentialsPath, encoding: .utf8),
            configText: try? String(contentsOfFile: configPath, encoding: .utf8))
    }

    /// STS for role credentials: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, else the region's endpoint.
    private func stsEndpoint(region: String) -> URL {
        for name in ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] {
            if let text = environment[name], !text.isEmpty, let url = URL(string: text) { return url }
        }
        return URL(string: "https://sts.\(region).amazonaws.com")!
    }
}
