import Coordination
import Foundation

/// The human picture of a shared backfill.
struct SharedBackfillStatusPrinter {
    func render(_ status: SharedBackfillStatus) -> String {
        var out = "Shared backfill \(status.index): \(status.description)\n"
        if status.plan != PlanRecord.State.ready.rawValue {
            return out + "  being planned: no item is written yet\n"
        }
        out +=
            "  items \(status.done) done, \(status.leased.count) leased, \(status.pending) pending of \(status.items); \(status.documentsRead) documents read"
        if let estimate = status.estimatedDocuments { out += " of about \(estimate)" }
        if status.documentsFailed > 0 { out += ", \(status.documentsFailed) refused" }
        out += "\n"
        if let left = status.secondsLeft, status.done < status.items { out += "  about \(Self.duration(left)) left at the current pace\n" }
        if status.done == status.items { out += "  every item is done\n" }
        if !status.deadLetters.isEmpty { out += "  refused documents are in: \(status.deadLetters.joined(separator: ", "))\n" }
        if !status.leased.isEmpty {
            out += "  leased:\n"
            for item in status.leased {
                out += "    \(item.key) by \(item.owner ?? "-") since \(item.claimedAt ?? "-"), renewed \(item.renewedAt ?? "-")"
                if let checkpoint = item.checkpoint { out += ", checkpoint \(checkpoint) documents" } else { out += ", \(item.read) read" }
                if item.claims > 1 { out += " (claim \(item.claims): taken over)" }
                out += "\n"
            }
        }
        if !status.workers.isEmpty {
            out += "  workers:\n"
            for worker in status.workers {
                out += "    \(worker.worker) \(worker.state): \(worker.itemsDone) items, \(worker.documents) documents"
                if let rate = worker.documentsPerSecond { out += ", \(Int(rate)) docs/s" }
                if worker.itemsLost > 0 { out += ", \(worker.itemsLost) lost to others" }
                out += "; last seen \(worker.updatedAt)"
                if let reason = worker.reason { out += " (\(reason))" }
                out += "\n"
            }
        }
        return out
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }
}
