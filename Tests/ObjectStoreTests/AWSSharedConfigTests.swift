import Testing

@testable import ObjectStore

// Cases marked "SDK parser suite" are from the AWS SDKs' shared profile-file parser tests (file-parser-tests.json, as
// carried by aws-sdk-kotlin's AwsProfileParserTest): same input, same expected profiles. Where the suite expects an error
// ("Encountered unexpected token") this reader skips the line instead and lists its number in `ignoredLines`.

@Suite("AWS shared config and credentials files")
struct AWSSharedConfigTests {
    static func config(_ text: String) -> AWSSharedConfig {
        AWSSharedConfig(credentialsText: nil, configText: text)
    }

    @Test("SDK parser suite: profiles, properties, trimming, empty values, Windows line endings")
    func basics() {
        #expect(Self.config("").profileNames == [])
        #expect(Self.config("[profile foo]").profile("foo") == [:])
        #expect(Self.config("[profile \tfoo \t]").profile("foo") == [:])
        #expect(Self.config("[profile\tfoo]").profile("foo") == [:])
        #expect(Self.config("[profile foo]\nname = value").profile("foo") == ["name": "value"])
        #expect(Self.config("[profile foo]\r\nname = value").profile("foo") == ["name": "value"])
        #expect(Self.config("[profile foo]\nname = val=ue").profile("foo") == ["name": "val=ue"])
        #expect(Self.config("[profile foo]\nname = 😂").profile("foo") == ["name": "😂"])
        #expect(Self.config("[profile foo]\nname \t=  \tvalue \t").profile("foo") == ["name": "value"])
        #expect(Self.config("[profile foo]\nname =").profile("foo") == ["name": ""])
        #expect(Self.config("\t \n[profile foo]\n\t\n \nname = value\n\t \n[profile bar]\n \t").profileNames == ["bar", "foo"])
        #expect(Self.config("[   profile foo    ]\nname = value\n[profile bar]").profile("foo") == ["name": "value"])
    }

    @Test("SDK parser suite: comments on their own line, after headers and after whitespace; adjacent ones are values")
    func comments() {
        #expect(Self.config("# Comment\n[profile foo] # Comment\nname = value # Comment with # sign").profile("foo") == ["name": "value"])
        #expect(Self.config("; Comment\n[profile foo] ; Comment\nname = value ; Comment with ; sign").profile("foo") == ["name": "value"])
        #expect(Self.config(";\n[profile foo];\nname = value ;\n").profile("foo") == ["name": "value"])
        #expect(Self.config("[profile foo]; Adjacent semicolons\n[profile bar]# Adjacent pound signs").profileNames == ["bar", "foo"])
        let adjacent = Self.config("[profile foo]\nname = value; Adjacent semicolons\nname2 = value# Adjacent pound signs")
        #expect(adjacent.profile("foo") == ["name": "value; Adjacent semicolons", "name2": "value# Adjacent pound signs"])
    }

    @Test("SDK parser suite: continuations, trimmed, keeping their comments")
    func continuations() {
        #expect(Self.config("[profile foo]\nname = value\n -continued").profile("foo") == ["name": "value\n-continued"])
        #expect(
            Self.config("[profile foo]\nname = value\n -continued\n -and-continued").profile("foo")?["name"]
                == "value\n-continued\n-and-continued")
        #expect(Self.config("[profile foo]\nname = value\n \t -continued \t ").profile("foo") == ["name": "value\n-continued"])
        #expect(Self.config("[profile foo]\nname = value\n -continued # Comment").profile("foo") == ["name": "value\n-continued # Comment"])
        let mixed = Self.config("[default]\nname = value1\n value2 = 12 \n value3\nname2 = value2\nname3 =\n name3_0 = 1")
        #expect(mixed.profile("default") == ["name": "value1\nvalue2 = 12\nvalue3", "name2": "value2", "name3": "", "name3.name3_0": "1"])
    }

    @Test("SDK parser suite: sub-properties under an empty value, as s3.addressing_style")
    func subProperties() {
        #expect(Self.config("[profile foo]\ns3 =\n name = value").profile("foo") == ["s3": "", "s3.name": "value"])
        #expect(Self.config("[profile foo]\ns3 =\n name =").profile("foo") == ["s3": "", "s3.name": ""])
        #expect(Self.config("[profile foo]\ns3 =\n in valid = value\n valid = value").profile("foo") == ["s3": "", "s3.valid": "value"])
        #expect(Self.config("[profile foo]\ns3 =\n name = value\n\t \n name2 = value2").profile("foo")?["s3.name2"] == "value2")
        let cli = Self.config(
            "[profile minio]\ns3 =\n    addressing_style = path\n    Endpoint_URL = http://127.0.0.1:9000\nregion = eu-west-1")
        #expect(
            cli.profile("minio") == [
                "s3": "", "s3.addressing_style": "path", "s3.endpoint_url": "http://127.0.0.1:9000", "region": "eu-west-1",
            ])
    }

    @Test("SDK parser suite: duplicates merge, the last value wins; [profile default] wins over [default]")
    func duplicates() {
        #expect(
            Self.config("[profile foo]\nname = value\n[profile foo]\nname2 = value2").profile("foo") == [
                "name": "value", "name2": "value2",
            ])
        #expect(Self.config("[profile foo]\nname = value\nname = value2").profile("foo") == ["name": "value2"])
        #expect(Self.config("[profile foo]\nname = value\n[profile foo]\nname = value2").profile("foo") == ["name": "value2"])
        #expect(Self.config("[profile default]\nname = value\n[default]\nname2 = value2").profile("default") == ["name": "value"])
        #expect(Self.config("[default]\nname2 = value2\n[profile default]\nname = value").profile("default") == ["name": "value"])
        let mixed = AWSSharedConfig(
            credentialsText: "[default]\nsecret=foo",
            configText: "[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3")
        #expect(mixed.profile("default") == ["name": "value", "name3": "value3", "secret": "foo"])
    }

    @Test("SDK parser suite: invalid names, unprefixed config sections and prefixed credentials sections are ignored")
    func ignoredSections() {
        let invalid = AWSSharedConfig(credentialsText: "[in valid 2]\nname2 = value2", configText: "[profile in valid]\nname = value")
        #expect(invalid.profileNames == [])
        #expect(Self.config("[profile foo]\nin valid = value").profile("foo") == [:])
        #expect(Self.config("[foo]\nname = value").profileNames == [])
        #expect(AWSSharedConfig(credentialsText: "[profile foo]\nname = value", configText: nil).profileNames == [])
        #expect(Self.config("[profilefoo]\nname = value\n[profile bar]").profileNames == ["bar"])
        let skipped = Self.config("[profile foo]\nname = value\n[profile in valid]\nx = 1\n[profile bar]\nname = value2")
        #expect(skipped.profile("bar") == ["name": "value2"])
        #expect(skipped.profile("foo") == ["name": "value"])
        #expect(AWSSharedConfig(credentialsText: "[   foo    ]\nname = value", configText: nil).profile("foo") == ["name": "value"])
    }

    @Test("SDK parser suite: sso-session and unknown sections are not profiles; services sections are kept")
    func otherSections() {
        #expect(Self.config("[sso-session my-session]\nname = value1").profileNames == [])
        #expect(Self.config("[sso-session foo]\nname = value1\n[profile foo]\nname2 = value2\n").profile("foo") == ["name2": "value2"])
        #expect(
            Self.config("[default]\nname = profile-default\n[sso-session default]\nname = sso").profile("default") == [
                "name": "profile-default"
            ])
        let services = Self.config(
            "[default]\nservices = my-services\n[services my-services]\ns3 =\n\tendpoint_url = https://s3-endpoint-override.aws")
        #expect(services.profile("default") == ["services": "my-services"])
        #expect(services.services("my-services") == ["s3": "", "s3.endpoint_url": "https://s3-endpoint-override.aws"])
        #expect(
            Self.config("[default]\nregion = us-weast-4\n[foobar my-custom-section]\napple =\n\tbanana = cherry").profileNames == [
                "default"
            ])
    }

    @Test("SDK parser suite: the same profile in both files merges, the credentials file's value wins")
    func filesMerge() {
        let merged = AWSSharedConfig(credentialsText: "[foo]\nname2 = value2", configText: "[profile foo]\nname = value")
        #expect(merged.profile("foo") == ["name": "value", "name2": "value2"])
        let clash = AWSSharedConfig(credentialsText: "[foo]\nname = value2", configText: "[profile foo]\nname = value")
        #expect(clash.profile("foo") == ["name": "value2"])
    }

    @Test("Keys are lower-cased as the AWS CLI does; profile names keep their case")
    func keyCase() {
        let config = AWSSharedConfig(
            credentialsText: "[Prod]\nAWS_Access_Key_ID = AKIDEXAMPLE\naws_secret_access_key = secret", configText: nil)
        #expect(config.profile("Prod") == ["aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"])
        #expect(config.profile("prod") == nil)
    }

    @Test("Malformed lines are skipped and numbered, never quoted")
    func malformedLines() {
        let config = Self.config("name = value\n[profile foo\n -continued\n[profile ok]\nkey : value\n= value\nregion = eu-west-1")
        #expect(config.profile("ok") == ["region": "eu-west-1"])
        #expect(config.ignoredLines == ["config line 1", "config line 2", "config line 3", "config line 5", "config line 6"])
    }
}
