import Capture
import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

/// TLS on the proxy's own listener, with a certificate made by openssl for the test.
@Suite struct CaptureProxyTLSTests {
    @Test func servesClientsOverTLS() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-proxy-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")

        try await OsmemServer.with { server in
            try await ProxyHarness.with(
                source: server.configuration(role: "source"), sink: InMemoryCaptureSink(),
                settings: [.listenerTLS(certificateFile: certificate, keyFile: key)]
            ) { proxy in
                let client = ClusterConfiguration(
                    role: "client", endpoints: [URLHelper.url("https://127.0.0.1:\(proxy.port)")], tls: TLSSettings(caFile: certificate))
                let info = try await SearchClient.withClient(client, logger: Logger(label: "test")) { try await $0.getJSON("/") }
                #expect(info["version"]?["number"]?.stringValue == "3.8.0")
            }
        }
    }
}
