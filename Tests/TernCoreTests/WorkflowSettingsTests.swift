import Testing

@testable import TernCore

/// The `migration:` and `cutover:` sections of tern.yml.
struct WorkflowSettingsTests {
    @Test func theSectionsAreReadWithTheirDefaults() throws {
        let configuration = try ConfigurationLoader(environment: ["DNS": "route53"]).parse(
            """
            migration:
              indices: [logs-*, -logs-debug]
              proxy: http://127.0.0.1:9400
            cutover:
              max_lag: 500
              gate_sample: 0.25
              hooks:
                switch:
                  - ./switch-dns.sh ${DNS} new
                rollback: ./switch-dns.sh ${DNS} old
            """)
        #expect(configuration.migration.indices == ["logs-*", "-logs-debug"])
        #expect(configuration.migration.stateDirectory == ".tern")
        #expect(configuration.migration.captureDirectory == ".tern/capture")
        #expect(configuration.migration.proxy == "http://127.0.0.1:9400")
        #expect(configuration.cutover.maxLag == 500)
        #expect(configuration.cutover.gateSample == 0.25)
        #expect(configuration.cutover.maxValidationAge == .seconds(3600))
        #expect(configuration.cutover.switchHooks.map(\.command) == ["./switch-dns.sh route53 new"])
        #expect(configuration.cutover.switchHooks.first?.origin == "tern.yml line 9, cutover.hooks.switch[0]")
        #expect(configuration.cutover.rollbackHooks.map(\.command) == ["./switch-dns.sh route53 old"])
    }

    @Test func theCommentedSampleSectionsParseOnceUncommented() throws {
        let lines = SampleConfiguration.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("# The blue-green run") }) else {
            Issue.record("the sample has no blue-green section")
            return
        }
        let uncommented = lines[(start + 1)...].prefix { $0.hasPrefix("# ") }.map { $0.dropFirst(2) }.joined(separator: "\n")
        let configuration = try ConfigurationLoader(environment: [:]).parse(uncommented)
        #expect(configuration.migration.proxy == "http://127.0.0.1:9400")
        #expect(configuration.cutover.switchHooks.count == 1 && configuration.cutover.rollbackHooks.count == 1)
    }

    @Test func mistakesGetOneSentenceNamingTheLine() {
        func message(_ text: String) -> String? {
            do {
                _ = try ConfigurationLoader(environment: [:]).parse(text)
                return nil
            } catch let error as TernError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(
            message("cutover:\n  gate_sample: 2\n")
                == "tern.yml line 2, cutover.gate_sample: '2' is not a share of documents; write a number above 0 and at most 1, such as 0.1."
        )
        #expect(message("cutover:\n  hooks:\n    switch: ''\n")?.contains("the command is empty") == true)
        #expect(message("cutover:\n  hook: {}\n")?.contains("unknown key 'cutover.hook'") == true)
        #expect(message("cutover:\n  drain_timeout: soon\n")?.contains("is not a duration") == true)
    }
}
