import Foundation
import Logging
import SearchClient
import State
import TernCore

/// `--fast-load`: turns off refresh and replicas on the target indices while they are loaded, and puts the operator's
/// values back afterwards.
///
/// Each original value is written to the state store *before* the target is changed, so a run killed at any moment
/// leaves enough behind for the next run (with or without `--fast-load`) to restore it first.
struct FastLoadTuner {
    /// The load-time values.
    static let loadSettings: [(name: String, value: String)] = [("index.refresh_interval", "-1"), ("index.number_of_replicas", "0")]

    let client: SearchClient
    let store: StateStore
    let logger: Logger

    /// The state store's key for the target: scheme, host and port only, so credentials never land there.
    var cluster: String { client.configuration.displayEndpoint }

    /// Remembers each index's current values, then sets the load-time ones.
    func apply(indices: [String]) async throws {
        for index in indices {
            let current = try await currentValues(index: index)
            var body: [String: JSONValue] = [:]
            for (name, value) in Self.loadSettings {
                try await store.rememberSetting(cluster: cluster, index: index, setting: name, originalValue: current[name] ?? nil)
                body[name] = .string(value)
            }
            try await put(index: index, settings: body, purpose: "turn off refresh and replicas for --fast-load")
            logger.info("fast load: refresh and replicas off", metadata: ["index": "\(index)"])
        }
    }

    /// Puts back every remembered value of this target (this run's, or those a killed run left) and forgets each once
    /// the target acknowledged it. Settings of indices that no longer exist are forgotten.
    /// - Returns: `index setting` of each value restored.
    @discardableResult
    func restore() async throws -> [String] {
        let remembered = try await store.settingsToRestore(cluster: cluster)
        var restored: [String] = []
        for (index, settings) in Dictionary(grouping: remembered, by: \.index).sorted(by: { $0.key < $1.key }) {
            var body: [String: JSONValue] = [:]
            for setting in settings { body[setting.setting] = setting.originalValue.map(JSONValue.string) ?? .null }
            let exists = try await put(index: index, settings: body, purpose: "restore the settings --fast-load changed")
            for setting in settings {
                try await store.forgetSetting(cluster: cluster, index: index, setting: setting.setting)
                if exists { restored.append("\(index) \(setting.setting)") }
            }
            if exists { logger.info("fast load: settings restored", metadata: ["index": "\(index)"]) }
        }
        return restored
    }

    /// The index's own values of the load-time settings (nil where the index does not set them).
    private func currentValues(index: String) async throws -> [String: String?] {
        let names = Self.loadSettings.map(\.name).joined(separator: ",")
        let path = "/\(index)/_settings/\(names)"
        let response = try await client.send(.GET, path, query: [("flat_settings", "true")])
        try client.checkAccess(response, method: "GET", path: path)
        guard response.isSuccess, let json = response.json() else {
            throw TernError(
                .badResponse,
                "The \(client.displayName) did not return the settings of index \(index) (HTTP \(response.status)); --fast-load needs them to restore them later."
            )
        }
        let settings = json[index]?["settings"]?.objectValue ?? [:]
        var values: [String: String?] = [:]
        for (name, _) in Self.loadSettings {
            switch settings[name] {
            case .string(let text): values[name] = text
            case .int(let number): values[name] = String(number)
            default: values[name] = .some(nil)
            }
        }
        return values
    }

    /// - Returns: false when the index does not exist (nothing to change).
    @discardableResult
    private func put(index: String, settings: [String: JSONValue], purpose: String) async throws -> Bool {
        let path = "/\(index)/_settings"
        let response = try await client.send(.PUT, path, body: try RequestBody.encode(.object(settings)))
        try client.checkAccess(response, method: "PUT", path: path)
        if response.status == 404 { return false }
        guard response.isSuccess else {
            throw TernError(
                .httpStatus,
                "The \(client.displayName) refused to \(purpose) on index \(index) (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); run the backfill again to retry, or set them yourself."
            )
        }
        return true
    }
}
