/// Why a credential, a connection setting or an object store's answer cannot be used: one sentence a person can act on.
///
/// Messages name the field or element that is wrong and never quote a secret (account keys, private keys, tokens), so
/// they can be printed and logged as they are.
package struct ObjectStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Who has to act: the operator (configuration) or nobody but a retry or a bug report (the store's answer).
    package enum Kind: Sendable, Equatable {
        /// A credential or connection setting is missing or malformed.
        case configuration
        /// The store or the token service answered with something that cannot be read.
        case badResponse
    }

    package let kind: Kind
    /// One sentence: what is wrong and where.
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }

    static func configuration(_ message: String) -> ObjectStoreError {
        ObjectStoreError(.configuration, message)
    }

    static func badResponse(_ message: String) -> ObjectStoreError {
        ObjectStoreError(.badResponse, message)
    }
}
