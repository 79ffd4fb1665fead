import Foundation
import Synchronization
import TernCore

/// The replayer's latest saved progress as Prometheus metrics (`tern_replay_*`), for `tern replay --metrics-listen`.
///
/// Counters are the totals saved in the state store, so they keep counting across restarts of the replay instead of
/// starting from zero each time.
public final class ReplayMetrics: Sendable {
    private let latest: Mutex<ReplayProgress?>

    /// - Parameter initial: the saved progress the replay starts from, so a scrape before its first step already shows it.
    public init(initial: ReplayProgress? = nil) {
        latest = Mutex(initial)
    }

    /// Takes the progress the replayer reports after each saved step.
    public func record(_ progress: ReplayProgress) {
        latest.withLock { $0 = progress }
    }

    /// The metrics in the Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        let progress = latest.withLock { $0 }
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: String?) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            if let value { text += "\(name) \(value)\n" }
        }
        func counter(_ name: String, _ help: String, _ value: Int64?) {
            metric(name, "counter", help, String(value ?? 0))
        }
        func gauge(_ name: String, _ help: String, _ value: String) {
            metric(name, "gauge", help, value)
        }
        counter("tern_replay_exchanges_applied_total", "Logged writes (request and answer) applied to the target.", progress?.exchanges)
        counter("tern_replay_documents_written_total", "Documents indexed on the target.", progress?.written)
        counter("tern_replay_documents_deleted_total", "Documents deleted on the target.", progress?.deleted)
        counter(
            "tern_replay_documents_already_newer_total", "Document writes skipped because the target held a newer version.",
            progress?.alreadyNewer)
        counter(
            "tern_replay_documents_reread_total", "Documents re-read from the source (updates, writes of unknown outcome).",
            progress?.reread)
        counter("tern_replay_admin_calls_total", "Index-level calls applied to the target.", progress?.admin)
        counter("tern_replay_failed_total", "Writes and calls the target refused or that could not be re-read.", progress?.failed)
        gauge("tern_replay_lag_records", "Logged records not applied yet, when last measured.", String(progress?.lagRecords ?? 0))
        gauge(
            "tern_replay_lag_seconds", "Age of the oldest logged write not applied yet, when last measured.",
            Self.format(progress?.lagSeconds ?? 0))
        gauge("tern_replay_position_segment", "Capture log segment the replay resumes in.", String(progress?.segment ?? 0))
        gauge("tern_replay_position_offset_bytes", "Byte offset in that segment the replay resumes at.", String(progress?.offset ?? 0))
        // No sample before the first applied write: a zero timestamp would read as 1970.
        metric(
            "tern_replay_last_write_timestamp_seconds", "gauge", "When the source answered the last write applied (Unix time).",
            progress?.lastWriteMillis.map { Self.format(Double($0) / 1000) })
        return text
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.6f", value)
    }
}
