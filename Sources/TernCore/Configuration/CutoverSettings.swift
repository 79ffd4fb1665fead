/// The `cutover:` section of `tern.yml`: the gates of `tern cutover` and the commands that move clients.
public struct CutoverSettings: Sendable, Hashable {
    /// Records the replay may be behind when cutover starts (the drain after the write block takes it to zero).
    public var maxLag: Int64
    /// How recent a passed validation must be to count as a precondition; older ones make cutover run one.
    public var maxValidationAge: Duration
    /// The share of documents the validation gate compares (1 = every document).
    public var gateSample: Double
    /// Shell commands that point clients at the target, run in order when clients do not go through the proxy.
    public var switchHooks: [HookCommand]
    /// Shell commands that point clients back at the source, run in order by `tern rollback`.
    public var rollbackHooks: [HookCommand]
    /// How long to wait for in-flight writes and for the replay to drain.
    public var drainTimeout: Duration
    /// How long one hook may run before it is stopped (and counts as failed).
    public var hookTimeout: Duration = .seconds(600)

    public init(
        maxLag: Int64 = 10_000, maxValidationAge: Duration = .seconds(3600), gateSample: Double = 0.1, switchHooks: [HookCommand] = [],
        rollbackHooks: [HookCommand] = [], drainTimeout: Duration = .seconds(300)
    ) {
        self.maxLag = maxLag
        self.maxValidationAge = maxValidationAge
        self.gateSample = gateSample
        self.switchHooks = switchHooks
        self.rollbackHooks = rollbackHooks
        self.drainTimeout = drainTimeout
    }
}
