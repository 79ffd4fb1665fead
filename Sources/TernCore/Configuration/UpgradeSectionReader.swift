/// Reads the `upgrade:` section of `tern.yml`.
struct UpgradeSectionReader {
    func upgrade(_ section: ConfigNode) throws -> UpgradeSettings {
        _ = try section.mapping(allowedKeys: [])
        return UpgradeSettings()
    }
}
