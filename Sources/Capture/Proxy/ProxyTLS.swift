import NIOSSL
import TernCore

/// TLS configurations for both sides of the proxy: towards the clusters and on its own listener.
enum ProxyTLS {
    /// The client side towards a cluster; verification stays on unless the cluster's `tls.insecure` is set.
    static func upstream(_ settings: TLSSettings, role: String) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if settings.insecure {
            configuration.certificateVerification = .none
        }
        if let caFile = settings.caFile {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw TernError.configuration(
                    "\(role).tls.ca_file \(caFile) holds no readable PEM certificate; give the CA certificate in PEM form.")
            }
        }
        if let certificateFile = settings.clientCertificateFile, let keyFile = settings.clientKeyFile {
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            } catch {
                throw TernError.configuration("\(role).tls.client_cert \(certificateFile) holds no readable PEM certificate.")
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw TernError.configuration(
                    "\(role).tls.client_key \(keyFile) holds no readable PEM private key (encrypted keys are not supported).")
            }
        }
        return configuration
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
