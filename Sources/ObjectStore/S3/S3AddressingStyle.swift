/// Where the bucket goes in an S3 URL, as a profile's `s3.addressing_style` says (the AWS CLI's setting).
package enum S3AddressingStyle: String, Sendable, Equatable {
    /// Decide per endpoint and bucket (virtual-hosted unless that cannot work).
    case auto
    /// `endpoint/bucket/key`: needed for IP addresses, localhost and most S3-compatible stores.
    case path
    /// `bucket.endpoint/key`: what AWS recommends.
    case virtual

    /// `true` for path, `false` for virtual, nil to decide automatically (as `RepositorySettings.pathStyle`).
    package var pathStyle: Bool? {
        switch self {
        case .auto: nil
        case .path: true
        case .virtual: false
        }
    }
}
