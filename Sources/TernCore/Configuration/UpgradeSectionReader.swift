/// Reads the `upgrade:` section of `tern.yml`.
struct UpgradeSectionReader {
    func upgrade(_ section: ConfigNode) throws -> UpgradeSettings {
        let keys = try section.mapping(allowedKeys: [
            "hooks", "compose_command", "node_timeout", "health_timeout", "poll_interval", "hook_timeout", "snapshot_repository",
            "max_disk_percent",
        ])
        let defaults = UpgradeSettings()
        var settings = UpgradeSettings(
            composeCommand: defaults.composeCommand,
            nodeTimeout: try keys["node_timeout"]?.duration() ?? defaults.nodeTimeout,
            healthTimeout: try keys["health_timeout"]?.duration() ?? defaults.healthTimeout,
            pollInterval: try keys["poll_interval"]?.duration() ?? defaults.pollInterval,
            hookTimeout: try keys["hook_timeout"]?.duration() ?? defaults.hookTimeout,
            maxDiskPercent: try keys["max_disk_percent"]?.int(in: 1...100) ?? defaults.maxDiskPercent)
        if let node = keys["compose_command"] {
            let text = try node.string().trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { throw node.fail("the command is empty; write it like docker compose or docker-compose.") }
            settings.composeCommand = text
        }
        if let node = keys["snapshot_repository"] {
            let name = try node.string().trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw node.fail("the repository name is empty; name a registered snapshot repository.") }
            settings.snapshotRepository = name
        }
        if let hooks = try keys["hooks"]?.mapping(allowedKeys: ["restart_node", "stop_cluster", "start_cluster"]) {
            let reader = WorkflowSectionReader()
            settings.restartNodeHooks = try hooks["restart_node"].map(reader.commands) ?? []
            settings.stopClusterHooks = try hooks["stop_cluster"].map(reader.commands) ?? []
            settings.startClusterHooks = try hooks["start_cluster"].map(reader.commands) ?? []
        }
        return settings
    }
}
