/// Where a cluster runs, when that changes what Tern may do (managed services hide node-level APIs and settings).
public enum Hosting: String, Sendable, Codable {
    case selfManaged = "self-managed"
    /// Amazon OpenSearch Service (also its Elasticsearch domains).
    case amazonOpenSearchService = "amazon-opensearch-service"
    /// Amazon OpenSearch Serverless collections.
    case amazonOpenSearchServerless = "amazon-opensearch-serverless"

    /// Recognises AWS endpoints by host name.
    public init(host: String) {
        let host = host.lowercased()
        if host.hasSuffix(".aoss.amazonaws.com") {
            self = .amazonOpenSearchServerless
        } else if host.hasSuffix(".es.amazonaws.com") || host.hasSuffix(".es.amazonaws.com.cn") {
            self = .amazonOpenSearchService
        } else {
            self = .selfManaged
        }
    }
}
