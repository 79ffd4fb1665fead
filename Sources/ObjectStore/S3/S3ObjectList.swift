import Foundation

/// One page of an S3 `ListObjectsV2` answer: the objects, the sub-folders (with a delimiter) and where the next page starts.
package struct S3ObjectList: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var key: String
        package var size: Int

        package init(key: String, size: Int) {
            self.key = key
            self.size = size
        }
    }

    package var contents: [Entry]
    /// The `CommonPrefixes/Prefix` values, each ending with the delimiter.
    package var commonPrefixes: [String]
    package var isTruncated: Bool
    /// Set when `isTruncated`; pass it as `continuation-token` for the next page.
    package var nextContinuationToken: String?
    /// Objects plus prefixes on this page, as S3 counts them; nil when the store leaves it out.
    package var keyCount: Int?

    package init(
        contents: [Entry], commonPrefixes: [String] = [], isTruncated: Bool = false, nextContinuationToken: String? = nil,
        keyCount: Int? = nil
    ) {
        self.contents = contents
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextContinuationToken = nextContinuationToken
        self.keyCount = keyCount
    }

    /// Reads a `ListBucketResult`; an S3 error document (`<Error><Code>SlowDown</Code>…`) throws with its code, anything
    /// else that is not a usable page throws without one. With `encoding-type=url` the keys and prefixes are decoded.
    package init(xml data: Data) throws(AWSResponseError) {
        let source = "S3 ListObjectsV2"
        guard let root = AWSXMLElement.parse(data) else {
            throw AWSResponseError(code: nil, message: "it is not XML", source: source)
        }
        if let error = AWSResponseError.parse(root, source: source) {
            throw error
        }
        guard root.name == "ListBucketResult" else {
            throw AWSResponseError(code: nil, message: "its root element is \(root.name), not ListBucketResult", source: source)
        }
        let urlEncoded = root.value("EncodingType")?.lowercased() == "url"
        func name(_ text: String) throws(AWSResponseError) -> String {
            guard urlEncoded else { return text }
            // `encoding-type=url` encodes spaces as `+` (form encoding).
            guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw AWSResponseError(code: nil, message: "a url-encoded key does not decode", source: source)
            }
            return decoded
        }
        var contents: [Entry] = []
        for element in root.children("Contents") {
            guard let key = element.child("Key")?.text, let sizeText = element.value("Size"), let size = Int(sizeText), size >= 0 else {
                throw AWSResponseError(code: nil, message: "a Contents element lacks its Key or a valid Size", source: source)
            }
            contents.append(Entry(key: try name(key), size: size))
        }
        var prefixes: [String] = []
        for element in root.children("CommonPrefixes") {
            guard let prefix = element.child("Prefix")?.text else {
                throw AWSResponseError(code: nil, message: "a CommonPrefixes element lacks its Prefix", source: source)
            }
            prefixes.append(try name(prefix))
        }
        let truncated = root.value("IsTruncated")?.lowercased() == "true"
        let token = root.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        // A truncated page without a token would end the listing early, or restart it forever if the caller retried.
        if truncated && token == nil {
            throw AWSResponseError(code: nil, message: "IsTruncated is true but there is no NextContinuationToken", source: source)
        }
        self.init(
            contents: contents, commonPrefixes: prefixes, isTruncated: truncated, nextContinuationToken: token,
            keyCount: root.value("KeyCount").flatMap { Int($0) })
    }
}
