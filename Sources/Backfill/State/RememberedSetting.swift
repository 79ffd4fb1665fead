import Foundation
import GRDB

/// An index setting that `--fast-load` changed on a target, with the value to put back.
public struct RememberedSetting: Sendable, Hashable, Codable {
    /// The cluster's endpoint without credentials (`https://target:9200`), exactly as given when remembered.
    public var cluster: String
    public var index: String
    /// `index.refresh_interval`, `index.number_of_replicas`.
    public var setting: String
    /// The value before the change; nil when the setting was unset, so restoring means resetting it to null.
    public var originalValue: String?
    public var rememberedAt: Date

    public init(cluster: String, index: String, setting: String, originalValue: String?, rememberedAt: Date) {
        self.cluster = cluster
        self.index = index
        self.setting = setting
        self.originalValue = originalValue
        self.rememberedAt = rememberedAt
    }

    enum CodingKeys: String, CodingKey {
        case cluster, index, setting
        case originalValue = "original_value"
        case rememberedAt = "remembered_at"
    }
}

extension RememberedSetting {
    /// A row of the `remembered_setting` table.
    init(row: Row) {
        self.init(
            cluster: row["cluster"], index: row["index_name"], setting: row["setting"], originalValue: row["original_value"],
            rememberedAt: row["remembered_at"])
    }
}
