import Foundation
import TernCore
import Testing

@Suite struct BasicCommandTests {
    @Test func versionAndHelp() async throws {
        let version = try await TernBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == TernVersion.current)
        let help = try await TernBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("check"))
        #expect(help.stdout.contains("Exit codes: 0 ok"))
        let checkHelp = try await TernBinary.run(["check", "--help"])
        #expect(checkHelp.stdout.contains("--source-version"))
        #expect(checkHelp.stdout.contains("--log-level"))
    }

    @Test func initWritesAValidSampleAndNeverOverwrites() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try await TernBinary.run(["init"], in: folder)
        #expect(first.status == 0)
        let written = try String(contentsOf: folder.appendingPathComponent("tern.yml"), encoding: .utf8)
        #expect(written == SampleConfiguration.text)
        #expect(try ConfigurationLoader(environment: [:]).parse(written).source != nil)
        let second = try await TernBinary.run(["init"], in: folder)
        #expect(second.status == 2)
        #expect(second.stderr == "error: tern.yml already exists; pass --force to replace it, or --path to write elsewhere.\n")
        #expect(try await TernBinary.run(["init", "--force"], in: folder).status == 0)
    }
}
