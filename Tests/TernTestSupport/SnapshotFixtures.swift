import Foundation

/// The real repositories Elasticsearch 5.6, 6.8 and 7.10 wrote (`../shared/fixtures/snapshots`), read in place, and the
/// live documents each holds (`../shared/fixtures/snapshots-expected`).
public enum SnapshotFixtures {
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures")

    public static let repositories = [
        "ES_5_6_Updates_Deletes", "ES_6_8_Single", "ES_6_8_Updates_Deletes_Native", "ES_7_10_Single",
        "ES_7_10_Updates_Deletes_w_Soft", "ES_7_10_Updates_Deletes_wo_Soft",
    ]

    public static func repositoryPath(_ name: String) -> String {
        folder.appendingPathComponent("snapshots/\(name)").path
    }

    /// snapshot → index → (shards, id → parsed source).
    public static func expected(_ name: String) throws -> [String: [String: (shards: Int, docs: [String: NSObject])]] {
        let data = try Data(contentsOf: folder.appendingPathComponent("snapshots-expected/\(name).json"))
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: Any]]] else {
            throw TestSupportError("snapshots-expected/\(name).json is not snapshot → index → entry")
        }
        return json.mapValues { indices in
            indices.mapValues { entry in
                (entry["shards"] as? Int ?? 0, (entry["docs"] as? [String: Any] ?? [:]).compactMapValues { $0 as? NSObject })
            }
        }
    }
}
