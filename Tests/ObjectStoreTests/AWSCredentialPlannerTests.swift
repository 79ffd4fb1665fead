import Foundation
import SearchClient
import Testing

@testable import ObjectStore

// The expected decisions follow the AWS SDKs and Tools Reference Guide: "Understand the credential provider chain"
// (standardized-credentials), "Assume role credential provider" (feature-assume-role-credentials), "Container credential
// provider" (feature-container-credentials), "IMDS credential provider" and "Service-specific endpoints"
// (feature-ss-endpoints); where the guide leaves a detail open, botocore's behaviour (source-profile keys, loops).

@Suite("AWS credential planner")
struct AWSCredentialPlannerTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let roleARN = "arn:aws:iam::123456789012:role/reader"
    static let imds = AWSCredentialPlan.instanceMetadata(endpoint: URL(string: "http://169.254.169.254")!)

    static func keys(_ id: String, token: String? = nil) -> AWSCredentials {
        AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
    }

    static func plan(
        _ environment: [String: String] = [:], credentials: String? = nil, config: String? = nil, profile: String? = nil
    ) throws(AWSConfigurationError) -> AWSCredentialPlan {
        try AWSCredentialPlanner.plan(
            environment: environment, config: AWSSharedConfig(credentialsText: credentials, configText: config), profile: profile)
    }

    static func failure(
        _ environment: [String: String] = [:], credentials: String? = nil, config: String? = nil, profile: String? = nil
    ) -> AWSConfigurationError? {
        do {
            _ = try plan(environment, credentials: credentials, config: config, profile: profile)
            return nil
        } catch {
            return error
        }
    }

    static let envKeys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "TOKEN"]
    static let defaultKeys = "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = \(secret)\n"

    @Test("Environment keys come first, before web identity, the profile, the container and IMDS")
    func environmentFirst() throws {
        var environment = Self.envKeys
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/var/run/token"
        environment["AWS_ROLE_ARN"] = Self.roleARN
        environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/x"
        let plan = try Self.plan(environment, credentials: Self.defaultKeys)
        #expect(plan == .static(Self.keys("AKIDENV", token: "TOKEN"), origin: "the environment (AWS_ACCESS_KEY_ID)"))
    }

    @Test("Half a key pair in the environment is an error that names the variables, not the value")
    func halfEnvironmentKeys() {
        let error = Self.failure(["AWS_SECRET_ACCESS_KEY": Self.secret])
        #expect(error == .incompleteKeys(present: "AWS_SECRET_ACCESS_KEY", missing: "AWS_ACCESS_KEY_ID", location: "the environment"))
        #expect(error?.description.contains(Self.secret) == false)
        #expect(Self.failure(["AWS_ACCESS_KEY_ID": ""]) == nil)  // empty is unset
    }

    @Test("Web identity from the environment comes before the profile")
    func environmentWebIdentity() throws {
        let environment = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", "AWS_ROLE_ARN": Self.roleARN,
            "AWS_ROLE_SESSION_NAME": "tern-pod",
        ]
        let plan = try Self.plan(environment, credentials: Self.defaultKeys)
        #expect(
            plan == .webIdentity(roleARN: Self.roleARN, tokenFile: environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!, sessionName: "tern-pod"))
        #expect(
            Self.failure(["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"])
                == .incompleteKeys(present: "AWS_WEB_IDENTITY_TOKEN_FILE", missing: "AWS_ROLE_ARN", location: "the environment"))
    }

    @Test("The default profile, or the one AWS_PROFILE names, gives static keys from either file")
    func profileKeys() throws {
        #expect(try Self.plan(credentials: Self.defaultKeys) == .static(Self.keys("AKIDDEFAULT"), origin: "profile 'default'"))
        let config = "[profile dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = \(Self.secret)\naws_session_token = T\n"
        #expect(try Self.plan(["AWS_PROFILE": "dev"], config: config) == .static(Self.keys("AKIDDEV", token: "T"), origin: "profile 'dev'"))
    }

    @Test("A profile given to Tern is explicit, like --profile: environment keys are skipped")
    func explicitProfileSkipsEnvironment() throws {
        let credentials = "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = \(Self.secret)\n"
        let plan = try Self.plan(Self.envKeys, credentials: credentials, profile: "prod")
        #expect(plan == .static(Self.keys("AKIDPROD"), origin: "profile 'prod'"))
    }

    @Test("A named profile that does not exist is an error listing those that do; a missing default is not")
    func missingProfile() throws {
        let error = Self.failure(["AWS_PROFILE": "prdo"], credentials: Self.defaultKeys)
        #expect(error == .profileNotFound("prdo", existing: ["default"], namedBy: "named by AWS_PROFILE"))
        #expect(error?.description.contains("'prdo'") == true)
        #expect(Self.failure(profile: "nope") == .profileNotFound("nope", existing: [], namedBy: "named in Tern's settings"))
        #expect(try Self.plan(["AWS_PROFILE": "default"]) == Self.imds)
    }

    @Test("role_arn with source_profile assumes the role with the source's keys, session name, external id and duration")
    func assumeRoleFromSourceProfile() throws {
        let config = """
            [profile reader]
            role_arn = \(Self.roleARN)
            source_profile = default
            role_session_name = tern-session
            external_id = ext-123
            duration_seconds = 7200
            """
        let plan = try Self.plan(["AWS_PROFILE": "reader"], credentials: Self.defaultKeys, config: config)
        #expect(
            plan
                == .assumeRole(
                    roleARN: Self.roleARN, sessionName: "tern-session", externalID: "ext-123", durationSeconds: 7200,
                    source: .static(Self.keys("AKIDDEFAULT"), origin: "profile 'default'")))
    }

    @Test("Roles chain through source profiles; a source profile's keys win over its own role")
    func roleChain() throws {
        let config = """
            [profile top]
            role_arn = arn:aws:iam::1:role/top
            source_profile = middle
            [profile middle]
            role_arn = arn:aws:iam::1:role/middle
            source_profile = base
            [profile base]
            aws_access_key_id = AKIDBASE
            aws_secret_access_key = \(Self.secret)
            role_arn = arn:aws:iam::1:role/ignored-in-a-source
            source_profile = top
            """
        let plan = try Self.plan(config: config, profile: "top")
        let base = AWSCredentialPlan.static(Self.keys("AKIDBASE"), origin: "profile 'base'")
        let middle = AWSCredentialPlan.assumeRole(
            roleARN: "arn:aws:iam::1:role/middle", sessionName: nil, externalID: nil, durationSeconds: nil, source: base)
        #expect(
            plan == .assumeRole(roleARN: "arn:aws:iam::1:role/top", sessionName: nil, externalID: nil, durationSeconds: nil, source: middle)
        )
    }

    @Test("A source_profile loop is an error naming the chain; a profile may be its own source only with keys")
    func loops() throws {
        let loop = """
            [profile a]
            role_arn = arn:aws:iam::1:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::1:role/b
            source_profile = a
            """
        let error = Self.failure(config: loop, profile: "a")
        #expect(error == .sourceProfileLoop(["a", "b", "a"]))
        #expect(error?.description.contains("a -> b -> a") == true)
        let selfWithKeys = "[self]\naws_access_key_id = AKIDSELF\naws_secret_access_key = \(Self.secret)\n"
        let selfRole = "[profile self]\nrole_arn = \(Self.roleARN)\nsource_profile = self\n"
        let plan = try Self.plan(credentials: selfWithKeys, config: selfRole, profile: "self")
        #expect(
            plan
                == .assumeRole(
                    roleARN: Self.roleARN, sessionName: nil, externalID: nil, durationSeconds: nil,
                    source: .static(Self.keys("AKIDSELF"), origin: "profile 'self'")))
        #expect(Self.failure(config: selfRole, profile: "self") == .sourceProfileLoop(["self", "self"]))
    }

    @Test("credential_source Environment, EcsContainer and Ec2InstanceMetadata are role sources (assume role provider page)")
    func credentialSources() throws {
        func role(_ source: String) -> String { "[default]\nrole_arn = \(Self.roleARN)\ncredential_source = \(source)\n" }
        func assume(_ source: AWSCredentialPlan) -> AWSCredentialPlan {
            .assumeRole(roleARN: Self.roleARN, sessionName: nil, externalID: nil, durationSeconds: nil, source: source)
        }
        // With an explicit profile the environment keys are not the chain's first step, only the role's source.
        let environment = try Self.plan(Self.envKeys, config: role("Environment"), profile: "default")
        #expect(
            environment
                == assume(.static(Self.keys("AKIDENV", token: "TOKEN"), origin: "the environment (credential_source of profile 'default')"))
        )
        let container = try Self.plan(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds"], config: role("EcsContainer"))
        #expect(
            container
                == assume(
                    .container(url: URL(string: "http://169.254.170.2/v2/creds")!, authorizationToken: nil, authorizationTokenFile: nil)))
        #expect(try Self.plan(config: role("Ec2InstanceMetadata")) == assume(Self.imds))
        #expect(Self.failure(config: role("Ec2Metadata")) == .unknownCredentialSource("Ec2Metadata", profile: "default"))
        #expect(
            Self.failure(config: role("Environment"))
                == .credentialSourceUnavailable(
                    "the environment", profile: "default", missing: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"))
    }

    @Test("A role needs exactly one of source_profile and credential_source (assume role provider page)")
    func roleSources() {
        let both = "[default]\nrole_arn = \(Self.roleARN)\nsource_profile = x\ncredential_source = Environment\n"
        #expect(Self.failure(config: both) == .roleWithoutSource(profile: "default", both: true))
        #expect(Self.failure(config: "[default]\nrole_arn = \(Self.roleARN)\n") == .roleWithoutSource(profile: "default", both: false))
        let missing = "[default]\nrole_arn = \(Self.roleARN)\nsource_profile = gone\n"
        #expect(Self.failure(config: missing) == .sourceProfileNotFound("gone", referencedBy: "default"))
        let empty = "[default]\nrole_arn = \(Self.roleARN)\nsource_profile = empty\n[profile empty]\nregion = us-east-1\n"
        #expect(Self.failure(config: empty) == .sourceProfileWithoutCredentials("empty"))
        let duration = "[default]\nrole_arn = \(Self.roleARN)\ncredential_source = Environment\nduration_seconds = 60\n"
        #expect(Self.failure(Self.envKeys, config: duration, profile: "default")?.description.contains("900 to 43200") == true)
    }

    @Test("web_identity_token_file with role_arn in a profile is web identity, also as a source profile")
    func profileWebIdentity() throws {
        let config = """
            [profile pod]
            web_identity_token_file = /var/run/token
            role_arn = arn:aws:iam::1:role/pod
            role_session_name = pod-session
            [profile cross]
            role_arn = \(Self.roleARN)
            source_profile = pod
            """
        let pod = AWSCredentialPlan.webIdentity(roleARN: "arn:aws:iam::1:role/pod", tokenFile: "/var/run/token", sessionName: "pod-session")
        #expect(try Self.plan(config: config, profile: "pod") == pod)
        #expect(
            try Self.plan(config: config, profile: "cross")
                == .assumeRole(roleARN: Self.roleARN, sessionName: nil, externalID: nil, durationSeconds: nil, source: pod))
    }

    @Test("IAM Identity Center and credential_process profiles say they are unsupported instead of falling to IMDS")
    func unsupportedProviders() {
        let sso = "[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Reader\n"
        #expect(Self.failure(config: sso, profile: "sso") == .unsupportedProvider("IAM Identity Center (sso_ settings)", profile: "sso"))
        let error = Self.failure(config: "[default]\ncredential_process = /bin/creds\n")
        #expect(error?.description.contains("aws configure export-credentials --profile default") == true)
    }

    @Test("Container: the relative URI on 169.254.170.2 wins over the full URI; a token file wins over a token")
    func container() throws {
        let both = try Self.plan([
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:8080/x",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic abcd",
        ])
        #expect(
            both
                == .container(
                    url: URL(string: "http://169.254.170.2/v2/credentials/abc")!, authorizationToken: "Basic abcd",
                    authorizationTokenFile: nil))
        let eks = try Self.plan([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored",
        ])
        #expect(
            eks
                == .container(
                    url: URL(string: "http://169.254.170.23/v1/credentials")!, authorizationToken: nil,
                    authorizationTokenFile: "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"))
        #expect(try Self.plan(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/x"]) != Self.imds)
        #expect(try Self.plan(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.2:9/x"]) != Self.imds)
        let remote = Self.failure(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://user:pw@creds.example.com/x"])
        #expect(remote?.description.contains("not creds.example.com; use https") == true)
        #expect(remote?.description.contains("pw") == false)
    }

    @Test("The container comes after the profile; IMDS comes last, at the configured endpoint or mode")
    func chainTail() throws {
        let container = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/c"]
        #expect(try Self.plan(container, credentials: Self.defaultKeys) == .static(Self.keys("AKIDDEFAULT"), origin: "profile 'default'"))
        #expect(try Self.plan() == Self.imds)
        let custom = try Self.plan(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338"])
        #expect(custom == .instanceMetadata(endpoint: URL(string: "http://127.0.0.1:1338")!))
        let ipv6 = try Self.plan(config: "[default]\nec2_metadata_service_endpoint_mode = IPv6\n")
        #expect(ipv6 == .instanceMetadata(endpoint: URL(string: "http://[fd00:ec2::254]")!))
    }

    @Test("With IMDS disabled and nothing else, the error says which variables and files to set")
    func noCredentials() {
        let error = Self.failure(["AWS_EC2_METADATA_DISABLED": "TRUE"], config: "[default]\nregion = eu-west-1\n")
        #expect(error == .noCredentials)
        for name in [
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "~/.aws/credentials", "AWS_ROLE_ARN", "AWS_EC2_METADATA_DISABLED",
        ] {
            #expect(error?.description.contains(name) == true)
        }
    }

    @Test("No error sentence carries a key, secret or token")
    func errorsHideSecrets() {
        let secretConfig =
            "[profile half]\naws_secret_access_key = \(Self.secret)\n[profile tokenonly]\naws_access_key_id = AKIDSECRETISH\n"
        let errors: [AWSConfigurationError?] = [
            Self.failure(["AWS_SECRET_ACCESS_KEY": Self.secret, "AWS_SESSION_TOKEN": "TOKENVALUE"]),
            Self.failure(config: secretConfig, profile: "half"),
            Self.failure(config: secretConfig, profile: "tokenonly"),
            Self.failure(["AWS_ACCESS_KEY_ID": "AKIDSECRETISH", "AWS_EC2_METADATA_DISABLED": "true"]),
            Self.failure([
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://x.example/\(Self.secret)", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "TOKENVALUE",
            ]),
        ]
        #expect(errors.allSatisfy { $0 != nil })
        for error in errors {
            let text = error?.description ?? ""
            #expect(!text.contains(Self.secret) && !text.contains("TOKENVALUE") && !text.contains("AKIDSECRETISH"))
        }
    }

    @Test("Region: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region")
    func region() {
        let config = AWSSharedConfig(credentialsText: nil, configText: "[default]\nregion = eu-west-1\n[profile us]\nregion = us-west-2\n")
        #expect(
            AWSCredentialPlanner.region(environment: ["AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "x"], config: config)
                == "ap-south-1")
        #expect(AWSCredentialPlanner.region(environment: ["AWS_DEFAULT_REGION": "ca-central-1"], config: config) == "ca-central-1")
        #expect(AWSCredentialPlanner.region(environment: [:], config: config) == "eu-west-1")
        #expect(AWSCredentialPlanner.region(environment: ["AWS_PROFILE": "us"], config: config) == "us-west-2")
        #expect(AWSCredentialPlanner.region(environment: [:], config: config, profile: "none") == nil)
    }

    @Test("Endpoint: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, [services] s3, profile s3.endpoint_url, endpoint_url (ss-endpoints page)")
    func endpoint() throws {
        let text = """
            [default]
            endpoint_url = https://global.example
            services = local
            s3 =
              endpoint_url = http://127.0.0.1:9000
            [services local]
            s3 =
              endpoint_url = http://127.0.0.1:5055
            [profile nested]
            endpoint_url = https://global.example
            s3 =
              endpoint_url = http://127.0.0.1:9000
            [profile global]
            endpoint_url = https://global.example
            """
        let config = AWSSharedConfig(credentialsText: nil, configText: text)
        func endpoint(_ environment: [String: String], _ profile: String? = nil) throws -> String? {
            try AWSCredentialPlanner.endpoint(environment: environment, config: config, profile: profile)?.absoluteString
        }
        #expect(try endpoint(["AWS_ENDPOINT_URL_S3": "http://s3.env", "AWS_ENDPOINT_URL": "http://all.env"]) == "http://s3.env")
        #expect(try endpoint(["AWS_ENDPOINT_URL": "http://all.env"]) == "http://all.env")
        #expect(try endpoint([:]) == "http://127.0.0.1:5055")
        #expect(try endpoint([:], "nested") == "http://127.0.0.1:9000")
        #expect(try endpoint([:], "global") == "https://global.example")
        #expect(try endpoint(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://all.env"]) == nil)
        #expect(try endpoint([:], "missing") == nil)
        #expect(throws: AWSConfigurationError.self) { try endpoint(["AWS_ENDPOINT_URL_S3": "127.0.0.1:9000"]) }
    }

    @Test("Addressing style comes from the profile's s3 addressing_style")
    func addressingStyle() throws {
        let config = AWSSharedConfig(
            credentialsText: nil,
            configText: """
                [default]
                s3 =
                  addressing_style = path
                [profile v]
                s3 =
                  addressing_style = Virtual
                [profile bad]
                s3 =
                  addressing_style = dns
                """)
        #expect(try AWSCredentialPlanner.addressingStyle(environment: [:], config: config) == .path)
        #expect(try AWSCredentialPlanner.addressingStyle(environment: ["AWS_PROFILE": "v"], config: config).pathStyle == false)
        #expect(try AWSCredentialPlanner.addressingStyle(environment: [:], config: config, profile: "other") == .auto)
        #expect(throws: AWSConfigurationError.self) {
            try AWSCredentialPlanner.addressingStyle(environment: [:], config: config, profile: "bad")
        }
    }
}
