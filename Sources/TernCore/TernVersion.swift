/// Tern's own version, printed by `tern --version`.
public enum TernVersion {
    public static let current = "0.1.0"
}
