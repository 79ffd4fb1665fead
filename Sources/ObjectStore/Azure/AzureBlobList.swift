import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One page of a List Blobs answer (`GET /container?restype=container&comp=list`): the blobs, the folders a `delimiter`
/// folded them into, and the marker for the next page.
///
/// Only the elements a snapshot reader needs are read; metadata, tags and the other properties are skipped, so new
/// service versions that add elements do not break it.
package struct AzureBlobList: Sendable, Equatable {
    /// A blob and its length in bytes.
    package struct Blob: Sendable, Equatable {
        package let name: String
        package let contentLength: Int

        package init(name: String, contentLength: Int) {
            self.name = name
            self.contentLength = contentLength
        }
    }

    /// Blobs in the order the service lists them (by name).
    package let blobs: [Blob]
    /// The `BlobPrefix` names, each ending with the delimiter (`indices/`).
    package let prefixes: [String]
    /// The value for the next request's `marker` parameter; `nil` when the listing is complete (an empty `NextMarker`).
    package let nextMarker: String?

    package init(blobs: [Blob], prefixes: [String], nextMarker: String?) {
        self.blobs = blobs
        self.prefixes = prefixes
        self.nextMarker = nextMarker
    }

    /// - Throws: `ObjectStoreError.badResponse` when the body is not XML, is not an `EnumerationResults` document, or a
    ///   blob lacks a name or a length.
    package init(parsing body: Data) throws(ObjectStoreError) {
        let reader = EnumerationReader()
        let parser = XMLParser(data: body)
        parser.delegate = reader
        let parsed = parser.parse()
        if let problem = reader.problem {
            throw .badResponse("The Azure List Blobs answer \(problem).")
        }
        guard parsed else {
            let line = parser.lineNumber
            throw .badResponse("The Azure List Blobs answer is not well-formed XML (line \(line)).")
        }
        guard reader.sawRoot else {
            throw .badResponse("The Azure List Blobs answer has no EnumerationResults element.")
        }
        self.init(blobs: reader.blobs, prefixes: reader.prefixes, nextMarker: reader.nextMarker)
    }
}

/// Collects the few elements of interest by their path from the root; everything else only moves the path.
private final class EnumerationReader: NSObject, XMLParserDelegate {
    var blobs: [AzureBlobList.Blob] = []
    var prefixes: [String] = []
    var nextMarker: String?
    var sawRoot = false
    var problem: String?

    private var path: [String] = []
    private var text = ""
    private var encoded = false
    private var blobName: String?
    private var blobLength: String?

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if path.isEmpty {
            guard elementName == "EnumerationResults" else {
                fail("has the root element \(elementName), not EnumerationResults", parser)
                return
            }
            sawRoot = true
        }
        path.append(elementName)
        text = ""
        // Names with characters XML cannot carry arrive percent-encoded, marked `Encoded="true"`.
        encoded = attributes["Encoded"]?.lowercased() == "true"
        if path == ["EnumerationResults", "Blobs", "Blob"] {
            blobName = nil
            blobLength = nil
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch path {
        case ["EnumerationResults", "Blobs", "Blob", "Name"]:
            blobName = name(text, parser)
        case ["EnumerationResults", "Blobs", "Blob", "Properties", "Content-Length"]:
            blobLength = text.trimmingCharacters(in: .whitespacesAndNewlines)
        case ["EnumerationResults", "Blobs", "BlobPrefix", "Name"]:
            if let name = name(text, parser) { prefixes.append(name) }
        case ["EnumerationResults", "NextMarker"]:
            nextMarker = text.isEmpty ? nil : text
        case ["EnumerationResults", "Blobs", "Blob"]:
            guard let blobName else {
                fail("lists a blob without a Name", parser)
                return
            }
            guard let blobLength, let length = Int(blobLength), length >= 0 else {
                fail("gives blob \(blobName) no valid Content-Length", parser)
                return
            }
            blobs.append(AzureBlobList.Blob(name: blobName, contentLength: length))
        default:
            break
        }
        path.removeLast()
        text = ""
    }

    private func name(_ text: String, _ parser: XMLParser) -> String? {
        guard encoded else { return text }
        guard let decoded = text.removingPercentEncoding else {
            fail("has an Encoded name that is not valid percent-encoding", parser)
            return nil
        }
        return decoded
    }

    private func fail(_ problem: String, _ parser: XMLParser) {
        if self.problem == nil { self.problem = problem }
        parser.abortParsing()
    }
}
