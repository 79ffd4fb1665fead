/// How long to wait for a cluster.
public struct Timeouts: Sendable, Hashable {
    /// Establishing one TCP (and TLS) connection.
    public var connect: Duration
    /// One whole request, from sending to the last byte of the answer.
    public var request: Duration

    public init(connect: Duration = .seconds(5), request: Duration = .seconds(60)) {
        self.connect = connect
        self.request = request
    }
}
