/// What the proxy does with a write when the capture log cannot record it.
public enum CaptureFailurePolicy: String, Sendable, Hashable {
    /// Answer 503 and do not forward: the source and the log never disagree. The default.
    case reject
    /// Forward anyway, log an error and count it in `capture_failures`: availability over a complete log.
    case forwardUncaptured = "forward-uncaptured"
}
