import TernCore
import Testing

@testable import Metadata

@Suite struct MetadataOrderingTests {
    typealias F = MetadataFixtures

    let items = [
        MetadataItem(kind: .index, name: "logs-1", body: .object([:])),
        MetadataItem(kind: .indexTemplate, name: "logs-app", body: MetadataFixtures.es7IndexTemplate),
        MetadataItem(kind: .legacyTemplate, name: "old", body: .object([:])),
        MetadataItem(kind: .componentTemplate, name: "app-settings", body: .object([:])),
        MetadataItem(kind: .pipeline, name: "enrich", body: .object([:])),
        MetadataItem(kind: .componentTemplate, name: "app-mappings", body: MetadataFixtures.es7ComponentTemplate),
        MetadataItem(kind: .index, name: "a-index", body: .object([:])),
    ]

    @Test func dependenciesComeFirst() {
        let (ordered, findings) = MetadataOrdering.ordered(items)
        #expect(
            ordered.map(\.label) == [
                "pipeline enrich", "component template app-mappings", "component template app-settings", "index template logs-app",
                "legacy template old", "index a-index", "index logs-1",
            ])
        #expect(findings.isEmpty)
    }

    @Test func missingComponentIsReported() {
        let withoutSettings = items.filter { $0.name != "app-settings" }
        let (_, findings) = MetadataOrdering.ordered(withoutSettings)
        #expect(findings.count == 1)
        #expect(findings[0].what == "index template logs-app is composed of `app-settings`, which is not migrated and not on the target")
        #expect(findings[0].isBlocking)
        #expect(MetadataOrdering.ordered(withoutSettings, componentTemplatesOnTarget: ["app-settings"]).findings.isEmpty)
    }
}

@Suite struct InternalTemplatesTests {
    @Test func stackTemplatesAreInternal() {
        for name in [
            ".monitoring-es", ".watches", ".ml-state", ".slm-history", "ilm-history", "ilm-history-7", "logs", "metrics", "synthetics",
            "logs-mappings", "metrics-settings", "logs@mappings", "ecs@mappings", "logs-system.auth@package", ".fleet-agents",
            "fleet-actions",
            ".kibana_task_manager",
        ] {
            #expect(InternalTemplates.isInternal(name: name), "\(name)")
        }
        for name in ["logstash", "logs-app", "orders", "filebeat-6.8.23", "metrics-app", "app-mappings"] {
            #expect(!InternalTemplates.isInternal(name: name), "\(name)")
        }
    }

    @Test func managedBodiesAreInternal() {
        let managed = MetadataFixtures.json(#"{"index_patterns": ["x-*"], "_meta": {"managed": true, "description": "built in"}}"#)
        #expect(InternalTemplates.isInternal(name: "x", body: managed))
        let fleet = MetadataFixtures.json(#"{"template": {"_meta": {"managed_by": "fleet"}}}"#)
        #expect(InternalTemplates.isInternal(name: "y", body: fleet))
        #expect(!InternalTemplates.isInternal(name: "z", body: MetadataFixtures.es7IndexTemplate))
    }

    @Test func internalOnlyWhenNamedExactly() {
        #expect(!InternalTemplates.isSelected(name: "ilm-history", requested: ["ilm-*"]))
        #expect(InternalTemplates.isSelected(name: "ilm-history", requested: ["ilm-history"]))
        #expect(InternalTemplates.isSelected(name: "orders"))
    }
}

@Suite struct UnconvertibleClassifierTests {
    @Test func classifiesILMWatcherSecurityAndKibana() {
        let findings = UnconvertibleClassifier.findings(for: [
            SourceObject(.ilmPolicy, "logs"), SourceObject(.watch, "cpu-high"), SourceObject(.securityRole, "analyst"),
            SourceObject(.securityRole, "superuser"), SourceObject(.index, ".kibana_7.17.22_001"), SourceObject(.index, "orders"),
            SourceObject(.index, ".security-7"), SourceObject(.index, ".watches"),
        ])
        #expect(
            findings.map(\.rule) == [
                "classifier.ilm", "classifier.watcher", "classifier.security", "classifier.kibana", "classifier.security",
                "classifier.watcher",
            ])
        #expect(findings.allSatisfy { $0.impact == .featureLost && !$0.action.isEmpty })
        #expect(findings[3].what == "Kibana index .kibana_7.17.22_001")
        #expect(findings[0].action.contains("ISM"))
    }
}
