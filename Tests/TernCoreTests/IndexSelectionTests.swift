import TernCore
import Testing

@Suite struct IndexSelectionTests {
    let names = [".kibana_1", ".security-7", "logs-2024.01", "logs-2024.02", "metrics", "orders"]

    @Test func everythingButSystemIndicesByDefault() {
        #expect(IndexSelection().select(names) == ["logs-2024.01", "logs-2024.02", "metrics", "orders"])
    }

    @Test func includeAndExcludeGlobs() {
        let selection = IndexSelection(include: ["logs-*", "orders"], exclude: ["*.02"])
        #expect(selection.select(names) == ["logs-2024.01", "orders"])
        #expect(IndexSelection(include: ["log?-2024.0?"]).select(names) == ["logs-2024.01", "logs-2024.02"])
    }

    @Test func systemIndicesOnlyWhenNamed() {
        #expect(IndexSelection(include: ["*"]).select(names).allSatisfy { !$0.hasPrefix(".") })
        #expect(IndexSelection(include: [".kibana*"]).select(names) == [".kibana_1"])
        #expect(IndexSelection(include: [".*"], exclude: [".security*"]).select(names) == [".kibana_1"])
    }

    @Test func coordinationIndicesAreNeverSelected() {
        let withOwn = names + [".tern-coordination-backfill-0123456789abcdef"]
        #expect(IndexSelection(include: [".*"]).select(withOwn) == [".kibana_1", ".security-7"])
        #expect(IndexSelection(include: [".tern-*"]).select(withOwn).isEmpty)
    }

    @Test func renames() throws {
        let selection = IndexSelection(renames: try IndexSelection.parseRenames(["orders:orders-v2", "logs-*:archive-logs-*"]))
        #expect(selection.targetName(for: "orders") == "orders-v2")
        #expect(selection.targetName(for: "logs-2024.01") == "archive-logs-2024.01")
        #expect(selection.targetName(for: "metrics") == "metrics")
    }

    @Test func badRenamesAreUsageErrors() {
        for value in ["orders", ":x", "a*:b", "a*:b**"] {
            #expect(throws: TernError.self) { try IndexSelection.parseRenames([value]) }
        }
        do {
            _ = try IndexSelection.parseRenames(["orders"])
        } catch let error as TernError {
            #expect(error.exitCode == .usage)
            #expect(
                error.message == "--rename 'orders' is not OLD:NEW; write it like --rename logs:logs-v2 or --rename 'logs-*:archive-*'.")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func globEdgeCases() {
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("a*b*c", "axxbyyc"))
        #expect(!Glob.matches("a*b", "ab-c"))
        #expect(Glob.capture("logs-*", "logs-") == "")
        #expect(Glob.capture("a*a", "a") == nil)
    }
}
