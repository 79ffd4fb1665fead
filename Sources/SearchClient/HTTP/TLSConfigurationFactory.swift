import NIOSSL
import TernCore

/// Builds NIOSSL's client configuration from `tls:` in tern.yml; the capture proxy uses it towards the clusters too.
public enum TLSConfigurationFactory {
    /// Verification stays on unless `tls.insecure` is set.
    /// - Throws: `TernError` (configuration) naming the `role.tls.*` file that cannot be read.
    public static func make(_ settings: TLSSettings, role: String) throws -> TLSConfiguration {
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
}
