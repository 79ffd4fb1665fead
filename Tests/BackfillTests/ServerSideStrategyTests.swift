import Foundation
import State
import TernCore
import Testing

@testable import Backfill

/// The pure parts of the server-side strategies: request bodies, credentials, renames, refusals.
@Suite struct ServerSideStrategyTests {
    func source(_ auth: AuthConfiguration, url: String = "https://search.example.com") -> ClusterConfiguration {
        ClusterConfiguration(role: "source", endpoints: [URL(string: url)!], auth: auth)
    }

    @Test func remoteHostGetsAnExplicitPortAndKeepsAPathPrefix() throws {
        let plain = try RemoteReindexSource(source: source(.none), remoteHost: nil)
        #expect(plain.host == "https://search.example.com:443" && plain.hostAndPort == "search.example.com:443")
        let proxied = try RemoteReindexSource(source: source(.none, url: "http://10.0.0.5:9200/es/"), remoteHost: nil)
        #expect(proxied.host == "http://10.0.0.5:9200/es" && proxied.hostAndPort == "10.0.0.5:9200")
        let overridden = try RemoteReindexSource(source: source(.none), remoteHost: URL(string: "http://es-old.internal:9200"))
        #expect(overridden.host == "http://es-old.internal:9200")
    }

    @Test func credentialsTravelInTheBodyOrAsAHeaderAndSigV4IsRefused() throws {
        let basic = try RemoteReindexSource(source: source(.basic(username: "u", password: Secret("pw-123"))), remoteHost: nil)
        #expect(basic.json["username"] == .string("u") && basic.json["password"] == .string("pw-123"))
        #expect(
            basic.scrub("failed for u:pw-123 (\(Data("u:pw-123".utf8).base64EncodedString()))") == "failed for u:<redacted> (<redacted>)")
        let bearer = try RemoteReindexSource(source: source(.bearer(Secret("tok"))), remoteHost: nil)
        #expect(bearer.json["headers"] == .object(["Authorization": .string("Bearer tok")]))
        #expect(bearer.json["password"] == nil)
        let sigV4 = source(
            .awsSigV4(region: "eu-west-1", service: "es", accessKeyID: Secret("AKIA"), secretAccessKey: Secret("k"), sessionToken: nil))
        let thrown = #expect(throws: TernError.self) { try RemoteReindexSource(source: sigV4, remoteHost: nil) }
        #expect(thrown?.kind == .configuration && thrown?.message.contains("SigV4") == true)
    }

    @Test func allowlistSentenceNamesTheSettingTheTargetReads() throws {
        let allow = ReindexFailure.allowlist(
            in: #"{"error":{"reason":"[10.0.0.5:9200] not allowlisted in reindex.remote.allowlist"}}"#,
            target: ClusterVersion(.opensearch, SemanticVersion(2, 19, 1)))
        #expect(allow?.message.contains("add \"10.0.0.5:9200\" to reindex.remote.allowlist in opensearch.yml") == true)
        let white = ReindexFailure.allowlist(
            in: "[old:9200] not whitelisted in reindex.remote.whitelist", target: ClusterVersion(.elasticsearch, SemanticVersion(7, 17, 9)))
        #expect(white?.message.contains("add \"old:9200\" to reindex.remote.whitelist in elasticsearch.yml") == true)
        #expect(ReindexFailure.allowlist(in: "index_not_found_exception", target: nil) == nil)
    }

    @Test func remoteFailuresAreExplained() throws {
        let remote = try RemoteReindexSource(source: source(.basic(username: "u", password: Secret("pw"))), remoteHost: nil)
        let tls = ReindexFailure.translate(
            text: "SSLHandshakeException: PKIX path building failed", summary: "HTTP 500", index: "logs", remote: remote, target: nil,
            kind: .httpStatus)
        #expect(tls.kind == .tls && tls.message.contains("reindex.ssl.certificate_authorities"))
        let refused = ReindexFailure.translate(
            text: "java.net.ConnectException: Connection refused", summary: "HTTP 500", index: nil, remote: remote, target: nil,
            kind: .httpStatus)
        #expect(refused.kind == .connection && refused.message.contains("search.example.com:443"))
        let auth = ReindexFailure.translate(
            text:
                #"status_exception: body={"error":{"type":"security_exception","reason":"unable to authenticate user [u]"},"status":401}"#,
            summary: "HTTP 401", index: "logs", remote: remote, target: nil, kind: .httpStatus)
        #expect(auth.kind == .authentication && auth.message.contains("basic auth as u") && !auth.message.contains("pw"))
    }

    @Test func errorsNeverQuoteTheCredentials() throws {
        let remote = try RemoteReindexSource(source: source(.basic(username: "u", password: Secret("hunter2-secret"))), remoteHost: nil)
        let echoed =
            #"{"error":{"type":"parse_exception","reason":"failed to parse [remote] {\"password\":\"hunter2-secret\"}"},"status":400}"#
        let error = ReindexFailure.translate(
            text: echoed, summary: "HTTP 400: parse_exception: failed to parse [remote] {\"password\":\"hunter2-secret\"}", index: "logs",
            remote: remote, target: nil, kind: .httpStatus)
        #expect(!error.message.contains("hunter2-secret") && error.message.contains("<redacted>"))
        let keyed = try RemoteReindexSource(source: source(.apiKey(Secret("a2V5LWlkOmtleQ=="))), remoteHost: nil)
        #expect(keyed.scrub("header Authorization: ApiKey a2V5LWlkOmtleQ==") == "header Authorization: ApiKey <redacted>")
    }

    @Test func taskAnswersAreRead() throws {
        let running = try #require(
            ReindexTask(
                json: try JSONValue.parse(
                    Array(#"{"completed":false,"task":{"status":{"total":10,"created":4,"updated":1,"version_conflicts":2}}}"#.utf8))))
        #expect(!running.completed && running.counts.processed == 7 && running.counts.total == 10)
        let failed = try #require(
            ReindexTask(
                json: try JSONValue.parse(
                    Array(#"{"completed":true,"task":{},"error":{"type":"a","reason":"b","caused_by":{"type":"c","reason":"d"}}}"#.utf8))))
        #expect(failed.error == "a: b (caused by c: d)")
        #expect(ReindexTask(json: .object(["acknowledged": .bool(true)])) == nil)
    }

    @Test func portableDefinitionDropsWhatNamesTheSourceIndex() throws {
        let nested = PortableIndexDefinition(
            index: try JSONValue.parse(
                Array(
                    #"{"mappings":{"doc":{"_source":{"enabled":false},"properties":{"a":{"type":"keyword"}}}},"settings":{"index":{"uuid":"x","creation_date":"1","provided_name":"p","version":{"created":"6082399"},"number_of_shards":"3","number_of_replicas":"2"}}}"#
                        .utf8)))
        #expect(nested.sourceDisabled)
        #expect(nested.settings == .object(["index": .object(["number_of_shards": .string("3")])]))
        #expect(nested.mappings?["properties"] != nil, "the 6.x type wrapper is removed")
        let flat = PortableIndexDefinition(
            index: try JSONValue.parse(
                Array(
                    #"{"settings":{"index.number_of_shards":"1","index.uuid":"x","index.analysis.analyzer.folded.type":"custom","index.analysis.analyzer.folded.filter":["lowercase"]}}"#
                        .utf8)))
        #expect(
            flat.createBody
                == (try JSONValue.parse(
                    Array(
                        #"{"settings":{"index":{"number_of_shards":"1","analysis":{"analyzer":{"folded":{"type":"custom","filter":["lowercase"]}}}}}}"#
                            .utf8))))
    }

    @Test func restoreGroupsFollowTheSelectionsRenames() throws {
        let selection = IndexSelection(renames: [
            (from: "logs-*", to: "archive-*"), (from: "users", to: "people$1"), (from: "a.b", to: "c"),
        ])
        let groups = RestoreGroup.groups(for: ["logs-1", "users", "logs-2", "other", "a.b", "axb"], selection: selection)
        #expect(
            groups == [
                RestoreGroup(indices: ["logs-1", "logs-2"], renamePattern: "^logs-(.*)$", renameReplacement: "archive-$1"),
                RestoreGroup(indices: ["users"], renamePattern: "^users$", renameReplacement: "people\\$1"),
                RestoreGroup(indices: ["other", "axb"]),
                RestoreGroup(indices: ["a.b"], renamePattern: "^a\\.b$", renameReplacement: "c"),
            ])
        // The pattern renames exactly as IndexSelection.targetName does (checked with Foundation's regex, same syntax here).
        for group in groups {
            for name in group.indices {
                var renamed = name
                if let pattern = group.renamePattern, let replacement = group.renameReplacement {
                    let regex = try NSRegularExpression(pattern: pattern)
                    renamed = regex.stringByReplacingMatches(
                        in: name, range: NSRange(name.startIndex..., in: name), withTemplate: replacement)
                }
                #expect(renamed == selection.targetName(for: name))
            }
        }
    }

    @Test func generatedSnapshotNamesAreLowercaseAndDated() {
        #expect(SnapshotRestoreOptions.generatedName(at: Date(timeIntervalSince1970: 1_700_000_000)) == "tern-20231114-221320")
    }

    @Test func snapshotRestoreRefusesAQueryBeforeContactingAnything() async throws {
        let nowhere = ClusterConfiguration(role: "source", endpoints: [URL(string: "http://127.0.0.1:1")!])
        let runner = SnapshotRestoreRunner(
            source: nowhere, target: nowhere, options: BackfillOptions(query: Array(#"{"match_all":{}}"#.utf8)),
            snapshot: SnapshotRestoreOptions(repositoryLocation: "/mnt/shared"),
            store: try StateStore(folder: FileManager.default.temporaryDirectory.appendingPathComponent("tern-\(UUID().uuidString)").path),
            logger: .init(label: "test"))
        let thrown = await #expect(throws: TernError.self) { try await runner.run() }
        #expect(thrown?.kind == .invalidArgument && thrown?.message.contains("--query") == true)
    }
}
