extension JSONCursor {
    /// How a string is decoded where JSON text and Unicode part ways. Scanning and skipping never look at either (a skipped
    /// `_source` is copied as it came); only decoding a string does.
    public struct Options: Sendable, Equatable {
        /// A `\u` escape of a UTF-16 surrogate without its partner (`"\ud800"`): valid JSON text, not valid Unicode.
        public enum LoneSurrogates: Sendable, Equatable {
            /// Throw a ``JSONCursorError`` at the escape.
            case reject
            /// Decode as U+FFFD, the replacement character.
            case replace
            /// Decode as the surrogate's own 3-byte form (generalised UTF-8), so no escape is lost. A `String` cannot hold
            /// that: decoding into one replaces it instead.
            case keep
        }

        /// Bytes between the quotes that are not UTF-8 (JSON text must be).
        public enum InvalidUTF8: Sendable, Equatable {
            /// Throw a ``JSONCursorError`` at the first bad byte.
            case reject
            /// Decode each bad sequence as U+FFFD.
            case replace
            /// Keep the bytes as they are. A `String` cannot hold them: decoding into one replaces them instead.
            case keep
        }

        public var loneSurrogates: LoneSurrogates
        public var invalidUTF8: InvalidUTF8

        public init(loneSurrogates: LoneSurrogates, invalidUTF8: InvalidUTF8) {
            self.loneSurrogates = loneSurrogates
            self.invalidUTF8 = invalidUTF8
        }

        /// Both refused: text that is JSON and Unicode alike.
        public static let strict = Options(loneSurrogates: .reject, invalidUTF8: .reject)
    }
}
