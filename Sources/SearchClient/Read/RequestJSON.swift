import TernCore

/// JSON text for the few strings Tern writes into request bodies itself.
enum RequestJSON {
    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        JSONStringEscaper.quoted(text)
    }
}
