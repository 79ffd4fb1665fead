/// Keeping the target in sync while clients write: the capture proxy forwards client requests to the source and
/// records every write in a durable capture log; the replayer applies the logged writes to the target.
public enum Capture {}
