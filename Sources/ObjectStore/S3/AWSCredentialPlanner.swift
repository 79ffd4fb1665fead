import Foundation
import SearchClient

/// Decides where AWS credentials, the region and the S3 endpoint come from, in the order of the AWS SDKs' default chain, from
/// the environment and the profile files alone (no I/O), so that the decision is tested apart from the fetching.
///
/// The chain: (1) `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; (2) `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`;
/// (3) the profile (`AWS_PROFILE`, else `default`): a role (`role_arn` with `web_identity_token_file`, `source_profile` or
/// `credential_source`), else its keys; (4) the container endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`); (5) the EC2 instance metadata service unless `AWS_EC2_METADATA_DISABLED=true`.
/// A profile given as an argument is an explicit choice, like the CLI's `--profile`: steps 1 and 2 are skipped. Empty
/// variables count as unset, as in the SDKs.
package enum AWSCredentialPlanner {
    /// The profile to read: the argument, else `AWS_PROFILE`, else `default`.
    package static func profileName(environment: [String: String], profile: String?) -> String {
        nonEmpty(profile) ?? value("AWS_PROFILE", environment) ?? "default"
    }

    /// The credentials' source for `profile` (nil: `AWS_PROFILE`, else `default`); throws when the settings contradict
    /// themselves or, with instance metadata disabled, provide nothing.
    package static func plan(
        environment: [String: String], config: AWSSharedConfig, profile: String? = nil
    ) throws(AWSConfigurationError) -> AWSCredentialPlan {
        let explicit = nonEmpty(profile)
        let name = profileName(environment: environment, profile: explicit)
        let named = explicit ?? value("AWS_PROFILE", environment)
        // The SDKs treat a missing `default` as empty; any other missing name is a mistake to report.
        if config.profile(name) == nil, named != nil, name != "default" {
            let namedBy = explicit != nil ? "named in Tern's settings" : "named by AWS_PROFILE"
            throw .profileNotFound(name, existing: config.profileNames, namedBy: namedBy)
        }
        if explicit == nil {
            if let keys = try environmentKeys(environment) {
                return .static(keys, origin: "the environment (AWS_ACCESS_KEY_ID)")
            }
            if let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE", environment) {
                guard let roleARN = value("AWS_ROLE_ARN", environment) else {
                    throw .incompleteKeys(present: "AWS_WEB_IDENTITY_TOKEN_FILE", missing: "AWS_ROLE_ARN", location: "the environment")
                }
                return .webIdentity(roleARN: roleARN, tokenFile: tokenFile, sessionName: value("AWS_ROLE_SESSION_NAME", environment))
            }
        }
        let planner = ProfilePlanner(environment: environment, config: config)
        if config.profile(name) != nil, let plan = try planner.plan(profile: name, chain: [name], asSource: false) {
            return plan
        }
        if let container = try containerPlan(environment) {
            return container
        }
        guard !metadataDisabled(environment) else { throw .noCredentials }
        return .instanceMetadata(endpoint: try metadataEndpoint(environment, settings: config.profile(name)))
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`; nil leaves the choice to the caller.
    package static func region(environment: [String: String], config: AWSSharedConfig, profile: String? = nil) -> String? {
        let settings = config.profile(profileName(environment: environment, profile: profile))
        return value("AWS_REGION", environment) ?? value("AWS_DEFAULT_REGION", environment) ?? nonEmpty(settings?["region"])
    }

    /// The S3 endpoint: `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the `s3` `endpoint_url` of the profile's `[services]`
    /// section, the profile's `s3.endpoint_url`, then its `endpoint_url`; nil for AWS's own endpoint, also when
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or `ignore_configured_endpoint_urls` is true.
    package static func endpoint(
        environment: [String: String], config: AWSSharedConfig, profile: String? = nil
    ) throws(AWSConfigurationError) -> URL? {
        let name = profileName(environment: environment, profile: profile)
        let settings = config.profile(name) ?? [:]
        if isTrue(value("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", environment)) || isTrue(settings["ignore_configured_endpoint_urls"]) {
            return nil
        }
        let services = nonEmpty(settings["services"]).flatMap { config.services($0) } ?? [:]
        let candidates: [(setting: String, value: String?)] = [
            ("AWS_ENDPOINT_URL_S3", value("AWS_ENDPOINT_URL_S3", environment)),
            ("AWS_ENDPOINT_URL", value("AWS_ENDPOINT_URL", environment)),
            ("s3 endpoint_url of [services \(settings["services"] ?? "")]", nonEmpty(services["s3.endpoint_url"])),
            ("s3 endpoint_url of profile '\(name)'", nonEmpty(settings["s3.endpoint_url"])),
            ("endpoint_url of profile '\(name)'", nonEmpty(settings["endpoint_url"])),
        ]
        guard let chosen = candidates.first(where: { $0.value != nil }), let text = chosen.value else { return nil }
        return try httpURL(text, setting: chosen.setting)
    }

    /// The profile's `s3.addressing_style` (`auto`, `path` or `virtual`); `auto` when unset.
    package static func addressingStyle(
        environment: [String: String], config: AWSSharedConfig, profile: String? = nil
    ) throws(AWSConfigurationError) -> S3AddressingStyle {
        let name = profileName(environment: environment, profile: profile)
        guard let text = nonEmpty(config.profile(name)?["s3.addressing_style"]) else { return .auto }
        guard let style = S3AddressingStyle(rawValue: text.lowercased()) else {
            throw .invalidValue(setting: "s3 addressing_style of profile '\(name)'", value: text, expected: "auto, path or virtual")
        }
        return style
    }

    /// Walks one profile and its `source_profile` chain.
    private struct ProfilePlanner {
        let environment: [String: String]
        let config: AWSSharedConfig

        /// The profile's plan; nil when it holds no credentials. `chain` is the profiles visited so far, this one last. As a
        /// source profile its keys win over its role, as in the SDKs (which is what lets a profile be its own source).
        func plan(profile name: String, chain: [String], asSource: Bool) throws(AWSConfigurationError) -> AWSCredentialPlan? {
            let settings = config.profile(name) ?? [:]
            let keys = try profileKeys(settings, profile: name)
            if asSource, let keys {
                return .static(keys, origin: "profile '\(name)'")
            }
            if let roleARN = nonEmpty(settings["role_arn"]) {
                if let tokenFile = nonEmpty(settings["web_identity_token_file"]) {
                    return .webIdentity(roleARN: roleARN, tokenFile: tokenFile, sessionName: nonEmpty(settings["role_session_name"]))
                }
                return .assumeRole(
                    roleARN: roleARN, sessionName: nonEmpty(settings["role_session_name"]),
                    externalID: nonEmpty(settings["external_id"]), durationSeconds: try durationSeconds(settings, profile: name),
                    source: try source(of: name, settings: settings, keys: keys, chain: chain))
            }
            if let keys {
                return .static(keys, origin: "profile '\(name)'")
            }
            if settings.keys.contains(where: { $0.hasPrefix("sso_") }) {
                throw .unsupportedProvider("IAM Identity Center (sso_ settings)", profile: name)
            }
            if nonEmpty(settings["credential_process"]) != nil {
                throw .unsupportedProvider("credential_process", profile: name)
            }
            return nil
        }

        private func source(
            of name: String, settings: [String: String], keys: AWSCredentials?, chain: [String]
        ) throws(AWSConfigurationError) -> AWSCredentialPlan {
            let sourceProfile = nonEmpty(settings["source_profile"])
            let credentialSource = nonEmpty(settings["credential_source"])
            if let sourceProfile, credentialSource == nil {
                if chain.contains(sourceProfile) {
                    // A profile may name itself to assume its role with its own keys; any other return is a loop.
                    guard sourceProfile == name, let keys else { throw .sourceProfileLoop(chain + [sourceProfile]) }
                    return .static(keys, origin: "profile '\(name)'")
                }
                guard config.profile(sourceProfile) != nil else {
                    throw .sourceProfileNotFound(sourceProfile, referencedBy: name)
                }
                guard let plan = try plan(profile: sourceProfile, chain: chain + [sourceProfile], asSource: true) else {
                    throw .sourceProfileWithoutCredentials(sourceProfile)
                }
                return plan
            }
            guard let credentialSource, sourceProfile == nil else {
                throw .roleWithoutSource(profile: name, both: sourceProfile != nil)
            }
            switch credentialSource.lowercased() {
            case "environment":
                guard let keys = try environmentKeys(environment) else {
                    throw .credentialSourceUnavailable(
                        "the environment", profile: name, missing: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
                }
                return .static(keys, origin: "the environment (credential_source of profile '\(name)')")
            case "ecscontainer":
                guard let container = try containerPlan(environment) else {
                    throw .credentialSourceUnavailable(
                        "the container endpoint", profile: name,
                        missing: "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
                }
                return container
            case "ec2instancemetadata":
                guard !metadataDisabled(environment) else {
                    throw .credentialSourceUnavailable(
                        "the EC2 instance metadata service", profile: name, missing: "AWS_EC2_METADATA_DISABLED is true")
                }
                return .instanceMetadata(endpoint: try metadataEndpoint(environment, settings: settings))
            default:
                throw .unknownCredentialSource(credentialSource, profile: name)
            }
        }

        private func profileKeys(_ settings: [String: String], profile: String) throws(AWSConfigurationError) -> AWSCredentials? {
            try keyPair(
                id: ("aws_access_key_id", nonEmpty(settings["aws_access_key_id"])),
                secret: ("aws_secret_access_key", nonEmpty(settings["aws_secret_access_key"])),
                token: nonEmpty(settings["aws_session_token"]), location: "profile '\(profile)'")
        }

        /// STS accepts 900 seconds to 12 hours; a value outside is reported here rather than as an STS refusal.
        private func durationSeconds(_ settings: [String: String], profile: String) throws(AWSConfigurationError) -> Int? {
            guard let text = nonEmpty(settings["duration_seconds"]) else { return nil }
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw .invalidValue(
                    setting: "duration_seconds of profile '\(profile)'", value: text, expected: "a number of seconds from 900 to 43200")
            }
            return seconds
        }
    }

    private static func environmentKeys(_ environment: [String: String]) throws(AWSConfigurationError) -> AWSCredentials? {
        try keyPair(
            id: ("AWS_ACCESS_KEY_ID", value("AWS_ACCESS_KEY_ID", environment)),
            secret: ("AWS_SECRET_ACCESS_KEY", value("AWS_SECRET_ACCESS_KEY", environment)),
            token: value("AWS_SESSION_TOKEN", environment), location: "the environment")
    }

    /// Both halves, or neither; half a pair is an error that names the settings, not their values.
    private static func keyPair(
        id: (name: String, value: String?), secret: (name: String, value: String?), token: String?, location: String
    ) throws(AWSConfigurationError) -> AWSCredentials? {
        switch (id.value, secret.value) {
        case (let id?, let secret?): return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
        case (nil, nil): return nil
        case (.some, nil): throw .incompleteKeys(present: id.name, missing: secret.name, location: location)
        case (nil, .some): throw .incompleteKeys(present: secret.name, missing: id.name, location: location)
        }
    }

    /// The ECS task role endpoint (`169.254.170.2` plus the relative URI) or a full URI; a token file wins over a token.
    private static func containerPlan(_ environment: [String: String]) throws(AWSConfigurationError) -> AWSCredentialPlan? {
        let url: URL
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", environment) {
            guard let relativeURL = URL(string: "http://169.254.170.2" + relative) else {
                throw .invalidURL(setting: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", reason: "it is not a URL path")
            }
            url = relativeURL
        } else if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI", environment) {
            url = try httpURL(full, setting: "AWS_CONTAINER_CREDENTIALS_FULL_URI")
            let host = (url.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            // Plain http could hand the credentials to anyone on the network; the SDKs allow it only to these hosts.
            if url.scheme?.lowercased() == "http" && !isContainerHost(host) {
                throw .invalidURL(
                    setting: "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    reason: "plain http is allowed only to a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23, "
                        + "not \(host); use https")
            }
        } else {
            return nil
        }
        let tokenFile = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", environment)
        let token = tokenFile == nil ? value("AWS_CONTAINER_AUTHORIZATION_TOKEN", environment) : nil
        return .container(url: url, authorizationToken: token, authorizationTokenFile: tokenFile)
    }

    private static func isContainerHost(_ host: String) -> Bool {
        let lower = host.lowercased()
        if ["localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(lower) { return true }
        let octets = lower.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private static func metadataDisabled(_ environment: [String: String]) -> Bool {
        isTrue(value("AWS_EC2_METADATA_DISABLED", environment))
    }

    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` or the profile's `ec2_metadata_service_endpoint`, else the IPv4 address (or the
    /// IPv6 one when the endpoint mode says IPv6).
    private static func metadataEndpoint(
        _ environment: [String: String], settings: [String: String]?
    ) throws(AWSConfigurationError) -> URL {
        if let endpoint = value("AWS_EC2_METADATA_SERVICE_ENDPOINT", environment) {
            return try httpURL(endpoint, setting: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
        }
        if let endpoint = nonEmpty(settings?["ec2_metadata_service_endpoint"]) {
            return try httpURL(endpoint, setting: "ec2_metadata_service_endpoint")
        }
        let mode = value("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", environment) ?? nonEmpty(settings?["ec2_metadata_service_endpoint_mode"])
        switch mode?.lowercased() {
        case nil, "ipv4": return URL(string: "http://169.254.169.254")!
        case "ipv6": return URL(string: "http://[fd00:ec2::254]")!
        default: throw .invalidValue(setting: "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", value: mode ?? "", expected: "IPv4 or IPv6")
        }
    }

    /// An http or https URL with a host; the error names the setting, not the text (it could carry a password).
    private static func httpURL(_ text: String, setting: String) throws(AWSConfigurationError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw .invalidURL(setting: setting, reason: "it is not an http:// or https:// URL with a host name")
        }
        return url
    }

    private static func value(_ name: String, _ environment: [String: String]) -> String? {
        nonEmpty(environment[name])
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    private static func isTrue(_ text: String?) -> Bool {
        text?.lowercased() == "true"
    }
}
