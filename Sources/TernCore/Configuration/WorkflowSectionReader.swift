import Foundation

/// Reads the `migration:` and `cutover:` sections of `tern.yml`.
struct WorkflowSectionReader {
    func migration(_ section: ConfigNode) throws -> MigrationSettings {
        let keys = try section.mapping(allowedKeys: ["indices", "state_dir", "capture_dir", "proxy", "proxy_token_file", "sync"])
        let defaults = MigrationSettings()
        var sync = SyncMethod.proxy
        if let node = keys["sync"] {
            let text = try node.string()
            guard let method = SyncMethod(rawValue: text) else {
                throw node.fail(
                    "'\(text)' is not a sync method; use proxy (tern proxy and tern replay) or ccr (cross-cluster replication, OpenSearch to OpenSearch)."
                )
            }
            sync = method
        }
        return MigrationSettings(
            indices: try keys["indices"]?.strings().map { try $0.string() } ?? [],
            stateDirectory: try keys["state_dir"]?.string() ?? defaults.stateDirectory,
            captureDirectory: try keys["capture_dir"]?.string() ?? defaults.captureDirectory,
            proxy: try keys["proxy"]?.string(),
            proxyTokenFile: try keys["proxy_token_file"]?.string(), sync: sync)
    }

    func cutover(_ section: ConfigNode) throws -> CutoverSettings {
        let keys = try section.mapping(allowedKeys: [
            "max_lag", "max_validation_age", "gate_sample", "drain_timeout", "hook_timeout", "hooks",
        ])
        let defaults = CutoverSettings()
        var settings = CutoverSettings(
            maxLag: Int64(try keys["max_lag"]?.int(in: 0...Int(Int32.max)) ?? Int(defaults.maxLag)),
            maxValidationAge: try keys["max_validation_age"]?.duration() ?? defaults.maxValidationAge,
            gateSample: defaults.gateSample,
            drainTimeout: try keys["drain_timeout"]?.duration() ?? defaults.drainTimeout)
        if let node = keys["hook_timeout"] { settings.hookTimeout = try node.duration() }
        if let node = keys["gate_sample"] {
            let text = try node.string()
            guard let rate = Double(text), rate > 0, rate <= 1 else {
                throw node.fail("'\(text)' is not a share of documents; write a number above 0 and at most 1, such as 0.1.")
            }
            settings.gateSample = rate
        }
        if let hooks = try keys["hooks"]?.mapping(allowedKeys: ["switch", "rollback"]) {
            settings.switchHooks = try hooks["switch"].map(commands) ?? []
            settings.rollbackHooks = try hooks["rollback"].map(commands) ?? []
        }
        return settings
    }

    /// One command or a list of them.
    func commands(_ node: ConfigNode) throws -> [HookCommand] {
        try node.strings().map { item in
            let text = try item.string()
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw item.fail("the command is empty.") }
            return HookCommand(text, origin: item.location)
        }
    }
}
