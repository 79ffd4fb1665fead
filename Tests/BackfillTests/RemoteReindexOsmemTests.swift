import Foundation
import Logging
import SearchClient
import State
import TernCore
import TernTestSupport
import Testing

@testable import Backfill

/// Remote reindex against real osmem-server instances. osmem runs `_reindex` with `source.remote` but refuses every remote
/// host (`[host:port] not allowlisted in reindex.remote.allowlist`), and its allowlist cannot be set (it is a node setting,
/// and osmem takes no configuration file), so the refusal is tested for real; a copy between two osmem servers is not possible.
@Suite struct RemoteReindexOsmemTests {
    @Test func allowlistRefusalFromARealOsmemTarget() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.seed(
                    index: "books", documents: [(id: "1", source: #"{"title":"Dune"}"#), (id: "2", source: #"{"title":"Emma"}"#)])
                let password = "osmem-s3cret"
                let log = CapturedLog()
                let runner = RemoteReindexRunner(
                    source: ClusterConfiguration(
                        role: "source", endpoints: [source.url], auth: .basic(username: "migrator", password: Secret(password))),
                    target: target.configuration(role: "target"),
                    options: BackfillOptions(
                        selection: IndexSelection(include: ["books"])),
                    store: try StateStore(
                        folder: ScratchFolder.path("tern-rr")),
                    logger: log.logger)
                let thrown = await #expect(throws: TernError.self) { try await runner.run() }
                let hostAndPort = "127.0.0.1:\(source.url.port ?? 0)"
                #expect(thrown?.kind == .remoteNotAllowlisted)
                #expect(
                    thrown?.message
                        == "The target refuses to reindex from the source at \(hostAndPort): add \"\(hostAndPort)\" to reindex.remote.allowlist in opensearch.yml on every target node (keeping any entries already there) and restart those nodes, since reindex.remote.allowlist is a static node setting, then run again."
                )
                #expect(thrown?.exitCode == .usage)
                #expect(!log.text.contains(password))
                // The probe is refused before Tern creates anything on the target.
                let created = try await SearchClient.withClient(target.configuration(role: "target"), logger: Logger(label: "test")) {
                    try await $0.send(.HEAD, "/books").status
                }
                #expect(created == 404)
            }
        }
    }

    @Test func targetIndexTakesTheSourceDefinitionOnOsmem() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex(
                    "books",
                    body: #"""
                        {"settings":{"number_of_shards":2,"number_of_replicas":0,"analysis":{"analyzer":{"folded":{"type":"custom","tokenizer":"standard","filter":["lowercase","asciifolding"]}}}},
                         "mappings":{"properties":{"title":{"type":"text","analyzer":"folded"},"year":{"type":"integer"}}}}
                        """#)
                let logger = Logger(label: "test")
                try await SearchClient.withClient(source.configuration(role: "source"), logger: logger) { sourceClient in
                    try await SearchClient.withClient(target.configuration(role: "target"), logger: logger) { targetClient in
                        let creator = TargetIndexCreator(source: sourceClient, target: targetClient, logger: logger)
                        let definition = try await creator.definition(of: "books")
                        #expect(try await creator.ensure("books-v2", definition: definition))
                        #expect(try await creator.ensure("books-v2", definition: definition) == false)

                        let created = try await targetClient.getJSON("/books-v2")["books-v2"]
                        let original = try await sourceClient.getJSON("/books")["books"]
                        #expect(created?["mappings"] == original?["mappings"])
                        #expect(created?.value(at: "settings.index.number_of_shards")?.intValue == 2)
                        #expect(created?.value(at: "settings.index.analysis") == original?.value(at: "settings.index.analysis"))
                        #expect(created?.value(at: "settings.index.uuid") != original?.value(at: "settings.index.uuid"))
                        #expect(created?.value(at: "settings.index.provided_name")?.stringValue != "books")
                    }
                }
            }
        }
    }
}
