import Capture
import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

/// Mode switches with requests in flight: held writes, their timeout, and target mode against a second osmem-server.
@Suite struct CaptureProxyModeTests {
    @Test func holdWritesBlocksWritesWhileReadsPassAndReleasesThem() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                #expect(try await proxy.send(.PUT, "/held/_doc/0", body: "{}").status == 201)
                let hold = try await proxy.admin(.PUT, "/_tern/proxy/mode", body: #"{"mode":"hold-writes"}"#)
                #expect(hold.status == 200 && hold.json["previous"] as? String == "source")
                #expect(proxy.proxy.mode == .holdWrites)

                let write = Task { try await proxy.send(.PUT, "/held/_doc/1", body: #"{"waited":true}"#) }
                try await eventually("the write held") { proxy.proxy.statistics.heldWritesNow == 1 }
                #expect(try await proxy.send(.GET, "/held/_doc/0").status == 200)
                #expect(try await proxy.send(.POST, "/held/_search", body: "{}").status == 200)
                #expect(sink.exchanges.count == 1, "the held write is not captured before it is released")

                #expect(try await proxy.admin(.PUT, "/_tern/proxy/mode", body: #"{"mode":"source"}"#).status == 200)
                #expect(try await write.value.status == 201)
                #expect(sink.exchanges.count == 2 && sink.exchanges.last?.status == 201)
                #expect(proxy.proxy.statistics.writesHeld == 1 && proxy.proxy.statistics.heldWritesNow == 0)
            }
            #expect(try await server.documents(in: "held")["1"] != nil)
        }
    }

    @Test func heldWritesGive503AfterTheHoldTimeout() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(
                source: server.configuration(role: "source"), sink: sink, settings: [.holdTimeout(.milliseconds(300))]
            ) { proxy in
                try proxy.proxy.setMode(.holdWrites)
                let started = ContinuousClock.now
                let answer = try await proxy.send(.PUT, "/late/_doc/1", body: "{}")
                #expect(ContinuousClock.now - started >= .milliseconds(300))
                #expect(answer.status == 503)
                #expect(answer.headers.first(name: "Retry-After") != nil)
                #expect((answer.json["error"] as? [String: Any])?["type"] as? String == "tern_proxy_writes_held")
                #expect(sink.exchanges.isEmpty)
                #expect(proxy.proxy.statistics.holdTimeouts == 1)
            }
        }
    }

    @Test func targetModeForwardsEverythingToTheTargetAndCapturesWritesThere() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let sourceSink = InMemoryCaptureSink()
                let targetSink = InMemoryCaptureSink()
                try await ProxyHarness.with(
                    source: source.configuration(role: "source"), target: target.configuration(role: "target"), sink: sourceSink,
                    targetSink: targetSink
                ) { proxy in
                    #expect(try await proxy.send(.PUT, "/moved/_doc/before", body: #"{"side":"source"}"#).status == 201)
                    // The cutover path: hold, switch to target, held writes go to the target.
                    try proxy.proxy.setMode(.holdWrites)
                    let held = Task { try await proxy.send(.PUT, "/moved/_doc/held", body: #"{"side":"target"}"#) }
                    try await eventually("the write held") { proxy.proxy.statistics.heldWritesNow == 1 }
                    #expect(await proxy.proxy.waitForInFlightWrites(timeout: .seconds(5)))
                    let switched = try await proxy.admin(.PUT, "/_tern/proxy/mode", body: #"{"mode":"target"}"#)
                    #expect(switched.status == 200)
                    #expect(try await held.value.status == 201)
                    #expect(try await proxy.send(.PUT, "/moved/_doc/after", body: #"{"side":"target"}"#).status == 201)
                    #expect(try await proxy.send(.GET, "/moved/_doc/after").json["found"] as? Bool == true)
                    #expect(try await proxy.send(.GET, "/moved/_doc/before").status == 404, "reads go to the target too")

                    #expect(sourceSink.exchanges.map(\.uri) == ["/moved/_doc/before"])
                    #expect(targetSink.exchanges.map(\.uri) == ["/moved/_doc/held", "/moved/_doc/after"])
                    #expect(targetSink.exchanges.allSatisfy { $0.status == 201 })
                }
                #expect(Set(try await source.documents(in: "moved").keys) == ["before"])
                #expect(Set(try await target.documents(in: "moved").keys) == ["held", "after"])
            }
        }
    }

    @Test func targetModeNeedsATarget() async throws {
        let dead = try FaultyServer.closedPort()
        let source = ClusterConfiguration(role: "source", endpoints: [URLHelper.url("http://127.0.0.1:\(dead)")])
        try await ProxyHarness.with(source: source, sink: InMemoryCaptureSink()) { proxy in
            let answer = try await proxy.admin(.PUT, "/_tern/proxy/mode", body: #"{"mode":"target"}"#)
            #expect(answer.status == 409)
            #expect(try await proxy.admin(.PUT, "/_tern/proxy/mode", body: #"{"mode":"sideways"}"#).status == 400)
            #expect(proxy.proxy.mode == .source)
            #expect(throws: TernError.self) { try proxy.proxy.setMode(.target) }
        }
    }
}
