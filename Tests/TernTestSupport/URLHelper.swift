import Foundation

/// URLs from literals in tests.
public enum URLHelper {
    public static func url(_ text: String) -> URL {
        guard let url = URL(string: text) else { fatalError("bad test URL \(text)") }
        return url
    }
}
