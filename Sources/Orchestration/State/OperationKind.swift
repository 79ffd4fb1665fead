/// What an operation does. The raw values are the words the state store keeps in `operation.kind`, the audit log's
/// `operation` and `--json` print: they never change, so a state folder an earlier Tern wrote still reads.
public enum OperationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `tern migrate`: check, metadata, backfill, replay, validate (and the cutover with `--cutover`).
    case migrate
    /// `tern cutover`: clients move from the source to the target.
    case cutover
    /// `tern rollback`: clients move back to the source.
    case rollback
    /// `tern decommission`: what Tern left on the clusters is removed.
    case decommission
}
