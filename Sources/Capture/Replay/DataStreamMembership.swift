import Synchronization
import TernCore

/// Which data stream each backing index of the source belongs to. A write to a stream is answered with the backing
/// index that took it (`_index: .ds-logs-web-default-2026.12.02-000002`), and the target names its backing indices
/// itself: replay writes such a document into the stream, by the stream's name.
final class DataStreamMembership: Sendable {
    private struct State {
        var streamOf: [String: String] = [:]
        /// Backing-looking names already looked up in vain, so one unknown name costs one refresh.
        var unknown: Set<String> = []
    }

    private let state = Mutex(State())

    init(_ streams: [DataStream] = []) {
        replace(streams)
    }

    /// The stream `index` backs, as last read.
    func stream(of index: String) -> String? {
        state.withLock { $0.streamOf[index] }
    }

    /// Whether a name not known yet may be a backing index created since the last read (a rollover during the window):
    /// true once per name.
    func shouldLookUp(_ index: String) -> Bool {
        guard index.hasPrefix(".ds-") else { return false }
        return state.withLock { state in
            state.streamOf[index] == nil && state.unknown.insert(index).inserted
        }
    }

    func replace(_ streams: [DataStream]) {
        state.withLock { state in
            state.streamOf = [:]
            for stream in streams {
                for index in stream.backingIndices { state.streamOf[index] = stream.name }
            }
        }
    }
}
