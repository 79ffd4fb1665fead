import TernCore

/// A source monitor and its migrated counterpart on the target, paired by name: what `tern cutover` switches and
/// `tern rollback` switches back.
public struct MonitorPair: Codable, Sendable, Hashable {
    public var name: String
    public var sourceID: String
    public var targetID: String

    public init(name: String, sourceID: String, targetID: String) {
        self.name = name
        self.sourceID = sourceID
        self.targetID = targetID
    }

    /// What one cluster has: a monitor's id, name and whether its schedule is enabled.
    public struct Listed: Sendable, Hashable {
        public var id: String
        public var name: String
        public var enabled: Bool

        public init(id: String, name: String, enabled: Bool) {
            self.id = id
            self.name = name
            self.enabled = enabled
        }
    }

    /// The monitors to switch: each one enabled on the source whose name is unique on both clusters. `unpaired` names
    /// the enabled source monitors left alone, with the reason.
    public static func pairs(source: [Listed], target: [Listed]) -> (pairs: [MonitorPair], unpaired: [String]) {
        let sourceCounts = Dictionary(grouping: source, by: \.name)
        let targetByName = Dictionary(grouping: target, by: \.name)
        var pairs: [MonitorPair] = []
        var unpaired: [String] = []
        for monitor in source.filter(\.enabled).sorted(by: { ($0.name, $0.id) < ($1.name, $1.id) }) {
            let counterparts = targetByName[monitor.name] ?? []
            if sourceCounts[monitor.name, default: []].count > 1 || counterparts.count > 1 {
                unpaired.append("\(monitor.name) (the name is not unique, so its counterpart is unknown)")
            } else if let counterpart = counterparts.first {
                pairs.append(MonitorPair(name: monitor.name, sourceID: monitor.id, targetID: counterpart.id))
            } else {
                unpaired.append("\(monitor.name) (not on the target: tern metadata migrate copies it)")
            }
        }
        return (pairs, unpaired)
    }
}
