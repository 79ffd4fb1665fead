/// Why the AWS settings (environment, `~/.aws/config`, `~/.aws/credentials`) cannot be used, as one sentence that says what
/// to change.
///
/// Cases carry names (profiles, variables, files, hosts), never a key, secret, token or full URL, so the description can be
/// logged and shown as it is.
package enum AWSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A profile was named (argument or `AWS_PROFILE`) but neither file defines it; the names that exist.
    case profileNotFound(String, existing: [String], namedBy: String)
    /// A `source_profile` that no file defines.
    case sourceProfileNotFound(String, referencedBy: String)
    /// `source_profile` references that come back to a profile already on the chain.
    case sourceProfileLoop([String])
    /// A source profile without keys, a role or a web identity.
    case sourceProfileWithoutCredentials(String)
    /// A profile with `role_arn` but neither `source_profile` nor `credential_source`, or with both.
    case roleWithoutSource(profile: String, both: Bool)
    /// A `credential_source` other than Environment, Ec2InstanceMetadata and EcsContainer.
    case unknownCredentialSource(String, profile: String)
    /// A source (Environment, EcsContainer, instance metadata) that the environment does not provide.
    case credentialSourceUnavailable(String, profile: String, missing: String)
    /// Half of a key pair: which setting is set and which is missing, and where.
    case incompleteKeys(present: String, missing: String, location: String)
    /// A profile that gets its credentials from a provider Tern does not implement (IAM Identity Center, a process).
    case unsupportedProvider(String, profile: String)
    /// A URL (endpoint, container credentials URL) that cannot be used; the host at most.
    case invalidURL(setting: String, reason: String)
    /// A value that is not one of the accepted ones.
    case invalidValue(setting: String, value: String, expected: String)
    /// Nothing in the chain provides credentials.
    case noCredentials

    package var description: String {
        switch self {
        case .profileNotFound(let name, let existing, let namedBy):
            let known = existing.isEmpty ? "no profile is defined" : "the profiles are " + existing.joined(separator: ", ")
            return "The AWS profile '\(name)' (\(namedBy)) is in neither ~/.aws/credentials nor ~/.aws/config (\(known)); "
                + "fix the name or add the profile (AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files)."
        case .sourceProfileNotFound(let name, let referencedBy):
            return "The AWS profile '\(referencedBy)' has source_profile = \(name), but no profile '\(name)' exists; "
                + "add it or fix source_profile."
        case .sourceProfileLoop(let chain):
            return "The AWS profiles form a source_profile loop (\(chain.joined(separator: " -> "))); "
                + "end the chain at a profile with aws_access_key_id and aws_secret_access_key or a credential_source."
        case .sourceProfileWithoutCredentials(let name):
            return "The AWS profile '\(name)' is used as a source_profile but has no credentials; give it aws_access_key_id and "
                + "aws_secret_access_key, a role_arn with its own source, or web_identity_token_file with role_arn."
        case .roleWithoutSource(let profile, let both):
            return both
                ? "The AWS profile '\(profile)' has both source_profile and credential_source; keep one."
                : "The AWS profile '\(profile)' has role_arn but neither source_profile nor credential_source; "
                    + "add one to say which credentials assume the role."
        case .unknownCredentialSource(let value, let profile):
            return "The AWS profile '\(profile)' has credential_source = \(value); "
                + "use Environment, Ec2InstanceMetadata or EcsContainer."
        case .credentialSourceUnavailable(let source, let profile, let missing):
            return "The AWS profile '\(profile)' takes its credentials from \(source), but \(missing)."
        case .incompleteKeys(let present, let missing, let location):
            return "\(present) is set in \(location) but \(missing) is not; set both or neither."
        case .unsupportedProvider(let provider, let profile):
            return "The AWS profile '\(profile)' gets its credentials from \(provider), which Tern does not support; "
                + "export them first (aws configure export-credentials --profile \(profile) --format env) "
                + "or use a profile with keys or a role."
        case .invalidURL(let setting, let reason):
            return "\(setting) cannot be used: \(reason)."
        case .invalidValue(let setting, let value, let expected):
            return "\(setting) is '\(value)'; expected \(expected)."
        case .noCredentials:
            return "No AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for "
                + "temporary keys), or AWS_PROFILE naming a profile of ~/.aws/credentials or ~/.aws/config, or AWS_ROLE_ARN "
                + "with AWS_WEB_IDENTITY_TOKEN_FILE; the EC2 instance metadata service is off (AWS_EC2_METADATA_DISABLED=true)."
        }
    }
}
