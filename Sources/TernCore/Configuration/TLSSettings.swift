/// TLS options for one cluster. Certificates are verified unless `insecure` is set explicitly.
public struct TLSSettings: Sendable, Hashable {
    /// PEM file with the certificate authorities to trust, in addition to none (it replaces the system store when set).
    public var caFile: String?
    /// PEM client certificate for mutual TLS.
    public var clientCertificateFile: String?
    /// PEM private key of the client certificate.
    public var clientKeyFile: String?
    /// Skip certificate and host name verification. For throwaway test clusters only.
    public var insecure: Bool

    public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.insecure = insecure
    }
}
