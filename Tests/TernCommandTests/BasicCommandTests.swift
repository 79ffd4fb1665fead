import Foundation
import TernCore
import Testing

@Suite struct BasicCommandTests {
    @Test func versionAndHelp() throws {
        let version = try TernBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == TernVersion.current)
        let help = try TernBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("check"))
        #expect(help.stdout.contains("Exit codes: 0 ok"))
        let checkHelp = try TernBinary.run(["check", "--help"])
        #expect(checkHelp.stdout.contains("--source-version"))
        #expect(checkHelp.stdout.contains("--log-level"))
    }

    @Test func initWritesAValidSampleAndNeverOverwrites() throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try TernBinary.run(["init"], in: folder)
        #expect(first.status == 0)
        let written = try String(contentsOf: folder.appendingPathComponent("tern.yml"), encoding: .utf8)
        #expect(written == SampleConfiguration.text)
        #expect(try ConfigurationLoader(environment: [:]).parse(written).source != nil)
        let second = try TernBinary.run(["init"], in: folder)
        #expect(second.status == 2)
        #expect(second.stderr == "error: tern.yml already exists; pass --force to replace it, or --path to write elsewhere.\n")
        #expect(try TernBinary.run(["init", "--force"], in: folder).status == 0)
    }
}
