import NIOSSL
import SearchClient
import TernCore

/// TLS configurations for both sides of the proxy: towards the clusters and on its own listener.
enum ProxyTLS {
    /// The client side towards a cluster: the same settings, and the same sentences, as every other cluster client.
    static func upstream(_ settings: TLSSettings, role: String) throws -> TLSConfiguration {
        try TLSConfigurationFactory.make(settings, role: role)
    }

    /// The server side of the proxy's listener.
    static func listener(_ files: CaptureProxyConfiguration.ListenerTLS) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateFile)
        } catch {
            throw TernError.configuration(
                "The proxy's TLS certificate file \(files.certificateFile) holds no readable PEM certificate; give the certificate chain in PEM form."
            )
        }
        guard !chain.isEmpty else {
            throw TernError.configuration("The proxy's TLS certificate file \(files.certificateFile) holds no certificate.")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyFile, format: .pem)
        } catch {
            throw TernError.configuration(
                "The proxy's TLS key file \(files.keyFile) holds no readable PEM private key (encrypted keys are not supported).")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TernError.configuration(
                "The proxy's TLS certificate \(files.certificateFile) and key \(files.keyFile) cannot be used together (\(error)); check that the key belongs to the certificate."
            )
        }
    }
}
